"""The PostgreSQL fast path of a live-routing batch: two round trips, the lock with every read,
then every write with the commit.

The transaction is driven by hand (``BEGIN`` ... ``COMMIT`` in the statements, the driver in
autocommit mode) so that neither begins nor commits cost a round trip of their own. Under READ
COMMITTED each statement takes its own snapshot, so the reads after the ``FOR UPDATE`` see
every change committed before the lock was granted. A durable desk (the default) commits as
every other write does, waiting for the WAL flush; a fast one (``--fast-routing``) commits with
``synchronous_commit = off``, so the lock is held for the statements only, not for a disk sync
(docs/api.md says what that trades). Values are bound by psycopg's client-side binding (quoted
by the driver), which is what allows several statements with parameters in one query.

The same reads and writes as ``store/live_repository.py``, as SQL text; that module's tests and
these run the same routing tests on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from sqlalchemy import Connection

from deskmix.store.db import Store
from deskmix.store.live_repository import BatchReads, LiveWrites, Locked

_LOCK_AND_READ = (
    "SELECT version, queues, policy_memory FROM live_desk WHERE id = 1 FOR UPDATE; "
    "SELECT a.position, a.on_shift, a.ticket_id, a.busy_since, t.key "
    "FROM live_agents a LEFT JOIN live_tickets t ON t.id = a.ticket_id "
    "ORDER BY a.position; "
    "SELECT name, waiting FROM live_queues WHERE waiting > 0; "
    "SELECT * FROM live_tickets WHERE key = ANY(%(keys)s::varchar[]); "
    "SELECT t.* FROM live_queues q CROSS JOIN LATERAL ("
    "SELECT * FROM live_tickets w WHERE w.state = 'queued' "
    "AND w.queue = q.name ORDER BY w.priority, w.opened_at, w.id "
    "LIMIT %(chunk)s) t"
)


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [column.name for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def statements(plan: LiveWrites, bind: Callable[[str, dict[str, Any]], str]) -> list[str]:
    """A batch's writes as SQL text, values bound by the driver (``bind`` is psycopg's
    client-side ``mogrify``), to be sent with the commit in one round trip."""
    sets = ", ".join(f"{n} = %(b_{n})s" for n in plan.columns)
    full = f"UPDATE live_tickets SET {sets} WHERE id = %(b_id)s"
    out = [bind(full, p) for p in plan.leaving]
    out += [
        bind("UPDATE live_tickets SET agent_id = NULL WHERE id = %(i)s", {"i": i})
        for i in plan.moving
    ]
    if plan.created:
        names = list(plan.created[0])
        row = "(" + ", ".join(f"%({n})s" for n in names) + ")"
        out.append(
            f"INSERT INTO live_tickets ({', '.join(names)}) VALUES "
            + ", ".join(bind(row, r) for r in plan.created)
        )
    out += [bind(full, p) for p in plan.taking]
    out += [
        bind("UPDATE live_agents SET ticket_id = NULL WHERE id = %(i)s", {"i": i})
        for i in plan.vacate
    ]
    out += [
        bind(
            "UPDATE live_agents SET on_shift = %(on_shift)s, busy_since = %(since)s, "
            "ticket_id = (SELECT id FROM live_tickets WHERE key = %(key)s) "
            "WHERE id = %(id)s",
            a,
        )
        for a in plan.agents
    ]
    if plan.specs:
        out += [
            bind(
                "INSERT INTO live_queues (name, kinds, domain, tier) "
                "VALUES (%(name)s, %(kinds)s, %(domain)s, %(tier)s)",
                s,
            )
            for s in plan.specs
        ]
        out.append(
            bind("UPDATE live_desk SET queues = %(n)s WHERE id = 1", {"n": plan.queue_count})
        )
    out += [
        bind("UPDATE live_queues SET waiting = %(waiting)s WHERE name = %(name)s", q)
        for q in plan.queue_lengths
    ]
    if plan.policy_memory is not None:
        out.append(
            bind(
                "UPDATE live_desk SET policy_memory = %(m)s WHERE id = 1",
                {"m": plan.policy_memory},
            )
        )
    return out


Apply = Callable[[Locked, BatchReads], LiveWrites | None]
"""What a batch does between its two round trips: the operations applied in memory to what
was read under the lock; returns the writes (None: nothing to write)."""


class PostgresBatches:
    """Runs routing batches on the routing thread's own connection, made on first use."""

    def __init__(self, store: Store, *, durable: bool) -> None:
        self.store = store
        self.durable = durable
        self._raw: Any = None

    def _connection(self) -> Any:
        """Autocommit (the batch sends its own BEGIN and COMMIT) and kept out of the pool,
        so the pool never hands an autocommit connection to anyone else, and no batch pays
        for a checkout."""
        if self._raw is None:
            proxied = self.store.engine.raw_connection()
            connection: Any = proxied.driver_connection
            proxied.detach()
            connection.autocommit = True
            self._raw = connection
        return self._raw

    def close(self) -> None:
        if self._raw is not None:
            with suppress(Exception):
                self._raw.close()
            self._raw = None

    def run(self, keys: list[str], chunk: int, apply: Apply) -> None:
        """One batch: lock and read (``chunk`` heads of every queue), ``apply``, write and
        commit; rolled back on any error."""
        import psycopg

        commit = "" if self.durable else "SET LOCAL synchronous_commit TO off; "
        raw = self._connection()
        readers: list[Connection] = []

        def reader() -> Connection:
            if not readers:
                readers.append(self.store.engine.connect())
            return readers[0]

        try:
            with psycopg.ClientCursor(raw) as cursor:
                cursor.execute("BEGIN; " + commit + _LOCK_AND_READ, {"keys": keys, "chunk": chunk})
                cursor.nextset()  # BEGIN
                if commit:
                    cursor.nextset()
                version, count, memory = cursor.fetchone()  # type: ignore[misc]
                cursor.nextset()
                agents = cursor.fetchall()
                cursor.nextset()
                waiting = cursor.fetchall()
                cursor.nextset()
                rows = _dicts(cursor)
                cursor.nextset()
                heads = _dicts(cursor)
                locked = Locked(version, count, memory, agents, waiting, rows, heads)
                plan = apply(locked, BatchReads(reader))
                writes = [] if plan is None else statements(plan, cursor.mogrify)
                cursor.execute("; ".join([*writes, "COMMIT"]))
        except BaseException:
            try:
                raw.execute("ROLLBACK")
            except psycopg.Error:  # the connection is broken: make a new one next time
                self.close()
            raise
        finally:
            for connection in readers:
                connection.close()
