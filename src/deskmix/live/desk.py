"""Live routing against the store: route, assign, complete, escalate, shifts, team loads.

Every change is applied under the single ``live_desk`` row lock (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite a write to that row, which takes SQLite's one writer lock, plus a lock
per process so threads queue instead of spinning on SQLITE_BUSY), so a policy decides against
a state nobody else can change before the decision is written: no agent is handed two tickets
and no update is lost, however many requests, threads or server processes arrive at once.
The database enforces "one assigned ticket per agent" too (unique indexes), as a second line
of defence.

Changes are committed in groups (group commit). Requests are queued to one routing thread per
process; while it applies a batch, new requests wait, and the next batch takes all of them:
one lock, one read of the desk, the operations applied in memory one after another with the
policy (``deskmix.live.batch``), a few bulk writes, one commit, then every waiting request is
answered. Under light load a batch holds one request, as before; under heavy load the lock
and the round trips are shared by many. Several server processes each batch their own
requests; their batches take the lock in turn.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar
from uuid import uuid4

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import Row

from deskmix.domain.team import AgentKind, Team
from deskmix.domain.ticket import Tier
from deskmix.errors import ConflictError, DeskmixError, NotFoundError
from deskmix.live.batch import AgentRow, Batch
from deskmix.live.results import (
    DONE,
    OPEN_STATES,
    QUEUED,
    AgentStatus,
    Change,
    NewTicket,
    QueueStatus,
    Snapshot,
    TicketState,
)
from deskmix.live.tables import AGENTS, DESK, QUEUES, TICKETS
from deskmix.live.team import LiveTeam, build_live_team
from deskmix.routing.base import QueueSpec
from deskmix.routing.policies import make_policy
from deskmix.store import Store

log = logging.getLogger("deskmix.live")
T = TypeVar("T")

MAX_BATCH = 256
"""Operations per batch at most: bounds the transaction and the memory of one batch."""
IDLE_SECONDS = 30.0
"""The routing thread ends after this long without work (and starts again on demand)."""

_NO_TEAM = (
    "no team is loaded for live routing; load one first "
    "(PUT /api/live/team, or 'deskmix serve --team FILE')"
)


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [column.name for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _spec(row: Row[Any]) -> QueueSpec:
    return QueueSpec(
        name=row.name,
        kinds=frozenset(AgentKind(k) for k in row.kinds.split()),
        domain=row.domain,
        tier=Tier(row.tier),
    )


@dataclass(eq=False)
class _Operation:
    """One request waiting for a batch: the tickets it names (read with the batch) and what
    it does to the batch."""

    keys: tuple[str, ...]
    apply: Callable[[Batch], Any]
    future: Future[Any]


_STOP = object()


class _Locked(NamedTuple):
    """What a batch reads under the desk lock, on either database."""

    version: int  # the team's version; 0: no team loaded
    queues: int  # queue specs stored
    memory: int
    """The policy's stored memory (``Policy.memory``): the policy object is this process's,
    but its rotation is the desk's, shared by every process."""
    agents: list[AgentRow]
    waiting: list[Any]  # (queue, length) of the queues with tickets waiting
    tickets: list[dict[str, Any]]  # the tickets the batch's operations name
    heads: list[dict[str, Any]] | None = None  # queue heads, read up front on PostgreSQL


class Desk:
    """The live desk of one store. Create one per server process and share it; ``close``
    stops its routing thread."""

    def __init__(self, store: Store, *, durable: bool = True) -> None:
        self.store = store
        self.durable = durable
        self._sqlite = store.engine.dialect.name == "sqlite"
        self._process_lock = threading.Lock()
        self._team: LiveTeam | None = None
        # Queue specs, cached per (team version, number of specs): both come with the lock.
        self._specs: tuple[int, int, dict[str, QueueSpec]] = (-1, -1, {})
        self._pending: queue.SimpleQueue[_Operation | list[_Operation] | object] = (
            queue.SimpleQueue()
        )
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._grouping = threading.local()
        self._pg: Any = None  # the routing thread's PostgreSQL connection, made on first use
        self.batches = 0
        self.operations = 0

    # -- group commit ---------------------------------------------------------------------
    def _submit(self, keys: tuple[str, ...], apply: Callable[[Batch], T]) -> Future[T]:
        future: Future[T] = Future()
        operation = _Operation(keys, apply, future)
        group: list[_Operation] | None = getattr(self._grouping, "ops", None)
        if group is not None:
            group.append(operation)
            return future
        self._pending.put(operation)
        self._start_worker()
        return future

    @contextmanager
    def together(self) -> Iterator[None]:
        """Operations submitted by this thread inside the block go into one batch, in order,
        when the block ends (however many they are). For callers with several changes at
        once, and for tests that compare a batch with the same operations one at a time.
        Use the ``submit_*`` methods inside: their futures resolve after the block."""
        if getattr(self._grouping, "ops", None) is not None:
            raise RuntimeError("Desk.together() blocks do not nest")
        self._grouping.ops = []
        try:
            yield
        finally:
            ops: list[_Operation] = self._grouping.ops
            self._grouping.ops = None
        if ops:
            self._pending.put(ops)
            self._start_worker()

    def _start_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="deskmix-routing", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        """The routing thread: take every waiting operation (up to ``MAX_BATCH``), apply
        them as one batch, answer them, repeat."""
        while True:
            try:
                first = self._pending.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._worker_lock:
                    if self._pending.empty():
                        self._worker = None
                        return
                continue
            items = [first]
            while len(items) < MAX_BATCH:
                try:
                    items.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            stop = any(item is _STOP for item in items)
            flat: list[_Operation] = []
            for item in items:
                if isinstance(item, _Operation):
                    flat.append(item)
                elif isinstance(item, list):  # a together() group
                    flat += item
            # A request whose caller gave up before its batch began is not applied.
            ops = [op for op in flat if op.future.set_running_or_notify_cancel()]
            if ops:
                self._run(ops)
            if stop:
                with self._worker_lock:
                    self._worker = None
                return

    def _run(self, ops: list[_Operation]) -> None:
        try:
            outcomes = self._commit(ops)
        except Exception as exc:
            if len(ops) == 1:
                ops[0].future.set_exception(exc)
                return
            # Something unexpected (not a refusal) failed the batch and rolled it back: apply
            # the operations one by one, so only the one at fault fails.
            log.warning("a routing batch of %d failed (%s); retrying one by one", len(ops), exc)
            for op in ops:
                self._run([op])
            return
        for op, (ok, value) in zip(ops, outcomes, strict=True):
            if ok:
                op.future.set_result(value)
            else:
                op.future.set_exception(value)

    def _commit(self, ops: list[_Operation]) -> list[tuple[bool, Any]]:
        """Apply ``ops`` in order in one locked transaction; a refusal fails only its op."""
        keys = sorted({key for op in ops for key in op.keys})
        # Queue heads read at a time: more than a batch can take (each operation takes at
        # most two tickets from queues and removes at most one), so one read is enough.
        chunk = 3 * len(ops) + 2
        with self._process_lock:
            if self._sqlite:
                with self.store.transaction() as connection:
                    locked = self._read_sqlite(connection, keys)
                    batch, outcomes = self._apply(ops, lambda: connection, locked, keys, chunk)
                    if batch is not None:
                        batch.plan().write(connection)
            else:
                batch, outcomes = self._commit_postgresql(ops, keys, chunk)
        if batch is not None:
            self._specs = (batch.team.version, batch.queue_count, batch.specs)
        self.batches += 1
        self.operations += len(ops)
        return outcomes

    def _apply(
        self,
        ops: list[_Operation],
        reader: Callable[[], Connection],
        locked: _Locked,
        keys: list[str],
        chunk: int,
    ) -> tuple[Batch | None, list[tuple[bool, Any]]]:
        """The operations applied in order to the batch's memory; the batch to write."""
        if locked.version == 0:
            return None, [(False, ConflictError(_NO_TEAM)) for _ in ops]
        team = self._team_for(reader, locked.version)
        specs = self._specs_for(reader, locked.version, locked.queues)
        batch = Batch(
            reader,
            team,
            dict(specs),
            locked.queues,
            locked.agents,
            locked.waiting,
            locked.tickets,
            keys,
            chunk,
            locked.heads,
            locked.memory,
        )
        outcomes: list[tuple[bool, Any]] = []
        for op in ops:
            changes = batch.changes
            try:
                outcomes.append((True, op.apply(batch)))
            except DeskmixError as exc:
                if batch.changes != changes:  # refused half-way: a bug, fail the batch
                    raise
                outcomes.append((False, exc))
        return batch, outcomes

    def _routing_connection(self) -> Any:
        """The routing thread's own PostgreSQL connection, in autocommit mode (the batch
        sends its own BEGIN and COMMIT). Kept out of the pool, so the pool never hands an
        autocommit connection to anyone else, and no batch pays for a checkout."""
        if self._pg is None:
            proxied = self.store.engine.raw_connection()
            connection: Any = proxied.driver_connection
            proxied.detach()
            connection.autocommit = True
            self._pg = connection
        return self._pg

    def _drop_routing_connection(self) -> None:
        if self._pg is not None:
            with suppress(Exception):
                self._pg.close()
            self._pg = None

    def _commit_postgresql(
        self, ops: list[_Operation], keys: list[str], chunk: int
    ) -> tuple[Batch | None, list[tuple[bool, Any]]]:
        """A batch on PostgreSQL in two round trips: the lock with every read, then every
        write with the commit.

        The transaction is driven by hand (``BEGIN`` ... ``COMMIT`` in the statements, the
        driver in autocommit mode) so that neither begins nor commits cost a round trip of
        their own. Under READ COMMITTED each statement takes its own snapshot, so the reads
        after the ``FOR UPDATE`` see every change committed before the lock was granted.
        A durable desk (the default) commits as every other write does, waiting for the WAL
        flush; a fast one (``--fast-routing``) commits with ``synchronous_commit = off``, so
        the lock is held for the statements only, not for a disk sync; see docs/api.md for
        what that trades. Values are bound by
        psycopg's client-side binding (quoted by the driver), which is what allows several
        statements with parameters in one query.
        """
        import psycopg

        commit = "" if self.durable else "SET LOCAL synchronous_commit TO off; "
        raw = self._routing_connection()
        readers: list[Connection] = []

        def reader() -> Connection:
            if not readers:
                readers.append(self.store.engine.connect())
            return readers[0]

        try:
            with psycopg.ClientCursor(raw) as cursor:
                cursor.execute(
                    "BEGIN; " + commit + "SELECT version, queues, policy_memory FROM live_desk "
                    "WHERE id = 1 FOR UPDATE; "
                    "SELECT a.position, a.on_shift, a.ticket_id, a.busy_since, t.key "
                    "FROM live_agents a LEFT JOIN live_tickets t ON t.id = a.ticket_id "
                    "ORDER BY a.position; "
                    "SELECT name, waiting FROM live_queues WHERE waiting > 0; "
                    "SELECT * FROM live_tickets WHERE key = ANY(%(keys)s::varchar[]); "
                    "SELECT t.* FROM live_queues q CROSS JOIN LATERAL ("
                    "SELECT * FROM live_tickets w WHERE w.state = 'queued' "
                    "AND w.queue = q.name ORDER BY w.priority, w.opened_at, w.id "
                    "LIMIT %(chunk)s) t",
                    {"keys": keys, "chunk": chunk},
                )
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
                locked = _Locked(version, count, memory, agents, waiting, rows, heads)
                batch, outcomes = self._apply(ops, reader, locked, keys, chunk)
                statements = [] if batch is None else batch.plan().postgresql(cursor.mogrify)
                cursor.execute("; ".join([*statements, "COMMIT"]))
        except BaseException:
            try:
                raw.execute("ROLLBACK")
            except psycopg.Error:  # the connection is broken: make a new one next time
                self._drop_routing_connection()
            raise
        finally:
            for connection in readers:
                connection.close()
        return batch, outcomes

    def close(self) -> None:
        """Finish the queued operations and stop the routing thread."""
        with self._worker_lock:
            worker = self._worker
        if worker is not None:
            self._pending.put(_STOP)
            worker.join()
        self._drop_routing_connection()
        if self.batches:
            log.info(
                "live routing: %d operations in %d batches (%.1f per batch)",
                self.operations,
                self.batches,
                self.operations / self.batches,
            )

    # -- reading under the lock -----------------------------------------------------------
    def _read_sqlite(self, connection: Connection, keys: list[str]) -> _Locked:
        """Take the desk lock, then read the agents, the queue lengths and the named tickets."""
        version, count, memory = connection.execute(
            update(DESK)
            .where(DESK.c.id == 1)
            .values(version=DESK.c.version)
            .returning(DESK.c.version, DESK.c.queues, DESK.c.policy_memory)
        ).one()
        agents = connection.execute(
            select(
                AGENTS.c.position,
                AGENTS.c.on_shift,
                AGENTS.c.ticket_id,
                AGENTS.c.busy_since,
                TICKETS.c.key,
            )
            .select_from(AGENTS.outerjoin(TICKETS, TICKETS.c.id == AGENTS.c.ticket_id))
            .order_by(AGENTS.c.position)
        ).all()
        waiting = connection.execute(
            select(QUEUES.c.name, QUEUES.c.waiting).where(QUEUES.c.waiting > 0)
        ).all()
        rows: list[dict[str, Any]] = []
        for at in range(0, len(keys), 500):
            rows += [
                dict(row)
                for row in connection.execute(
                    select(TICKETS).where(TICKETS.c.key.in_(keys[at : at + 500]))
                ).mappings()
            ]
        return _Locked(
            int(version), int(count), int(memory), [tuple(a) for a in agents], list(waiting), rows
        )

    def _team_for(self, reader: Callable[[], Connection], version: int) -> LiveTeam:
        team = self._team
        if team is not None and team.version == version:
            return team
        if version == 0:
            raise ConflictError(_NO_TEAM)
        connection = reader()
        desk = connection.execute(select(DESK).where(DESK.c.id == 1)).one()
        ids = [
            row.id for row in connection.execute(select(AGENTS.c.id).order_by(AGENTS.c.position))
        ]
        team = build_live_team(
            version,
            Team.model_validate(desk.team),
            desk.policy,
            dict(desk.policy_settings or {}),
            ids,
        )
        self._team = team
        return team

    def _specs_for(
        self, reader: Callable[[], Connection], version: int, count: int
    ) -> dict[str, QueueSpec]:
        if self._specs[:2] != (version, count):
            specs = {r.name: _spec(r) for r in reader().execute(select(QUEUES))}
            self._specs = (version, count, specs)
        return self._specs[2]

    @contextmanager
    def _locked(self) -> Iterator[tuple[Connection, int]]:
        """One transaction holding the desk lock (team loads); yields the team version."""
        with self._process_lock, self.store.transaction() as connection:
            if self._sqlite:
                version = connection.execute(
                    update(DESK)
                    .where(DESK.c.id == 1)
                    .values(version=DESK.c.version)
                    .returning(DESK.c.version)
                ).scalar_one()
            else:
                version = connection.execute(
                    select(DESK.c.version).where(DESK.c.id == 1).with_for_update()
                ).scalar_one()
            yield connection, int(version)

    # -- operations -----------------------------------------------------------------------
    def submit_route(self, ticket: NewTicket) -> Future[Change]:
        """Decide where a new ticket goes with the desk's policy, and apply it (in the next
        batch; the future gives the change, or raises the refusal)."""
        key = ticket.key or f"L-{uuid4().hex[:12]}"
        return self._submit((key,), lambda batch: batch.route(ticket, key))

    def submit_complete(self, key: str) -> Future[Change]:
        """The ticket is resolved: its agent is freed and takes the best waiting ticket."""
        return self._submit((key,), lambda batch: batch.complete(key))

    def submit_escalate(self, key: str, hours_worked: float | None = None) -> Future[Change]:
        """The agent could not resolve it: the policy routes it again as escalated work, then
        the agent is freed (so it is not handed the same ticket back)."""
        return self._submit((key,), lambda batch: batch.escalate(key, hours_worked))

    def submit_assign(self, key: str, agent_name: str) -> Future[Change]:
        """A person overrides the policy: the ticket goes to this free, on-shift agent."""
        return self._submit((key,), lambda batch: batch.assign(key, agent_name))

    def submit_shift(
        self, agent_name: str, on_shift: bool
    ) -> Future[tuple[AgentStatus, Change | None]]:
        """An agent starts or ends a shift; one who starts free takes the best waiting ticket.
        A ticket in hand at the end of a shift stays with the agent, as in the simulator."""
        return self._submit((), lambda batch: batch.set_on_shift(agent_name, on_shift))

    def route(self, ticket: NewTicket) -> Change:
        return self.submit_route(ticket).result()

    def complete(self, key: str) -> Change:
        return self.submit_complete(key).result()

    def escalate(self, key: str, hours_worked: float | None = None) -> Change:
        return self.submit_escalate(key, hours_worked).result()

    def assign(self, key: str, agent_name: str) -> Change:
        return self.submit_assign(key, agent_name).result()

    def set_on_shift(self, agent_name: str, on_shift: bool) -> tuple[AgentStatus, Change | None]:
        return self.submit_shift(agent_name, on_shift).result()

    # -- reading --------------------------------------------------------------------------
    def _ticket_row(self, connection: Connection, key: str) -> Row[Any]:
        row = connection.execute(select(TICKETS).where(TICKETS.c.key == key)).first()
        if row is None:
            raise NotFoundError(f"no live ticket '{key}'; route it first (POST /api/route)")
        return row

    def _state_of(
        self, connection: Connection, team: LiveTeam | None, row: Row[Any]
    ) -> TicketState:
        agent: str | None = None
        if row.agent_id is not None:
            position = team.position_of(row.agent_id) if team is not None else None
            if position is not None and team is not None:
                agent = team.agents[position].name
            else:
                agent = connection.execute(
                    select(AGENTS.c.name).where(AGENTS.c.id == row.agent_id)
                ).scalar_one_or_none()
        return TicketState(
            key=row.key,
            domain=row.domain,
            tier=row.tier,
            priority=row.priority,
            stage=row.stage,
            state=row.state,
            agent=agent,
            queue=row.queue,
            msp=row.msp,
            reason=row.reason,
            work_limit_hours=row.work_limit_hours,
            generalist_hours=row.generalist_hours,
            opened_at=row.opened_at,
            queued_at=row.queued_at,
            assigned_at=row.assigned_at,
            done_at=row.done_at,
        )

    def ticket(self, key: str) -> TicketState:
        with self.store.transaction() as connection:
            row = self._ticket_row(connection, key)
            return self._state_of(connection, self._team, row)

    def _agent_statuses(
        self, connection: Connection, agent_id: int | None = None
    ) -> list[AgentStatus]:
        query = (
            select(
                AGENTS.c.name,
                AGENTS.c.kind,
                AGENTS.c.on_shift,
                AGENTS.c.busy_since,
                TICKETS.c.key,
            )
            .select_from(AGENTS.outerjoin(TICKETS, TICKETS.c.id == AGENTS.c.ticket_id))
            .order_by(AGENTS.c.position)
        )
        if agent_id is not None:
            query = query.where(AGENTS.c.id == agent_id)
        return [
            AgentStatus(r.name, r.kind, bool(r.on_shift), r.key, r.busy_since)
            for r in connection.execute(query)
        ]

    def snapshot(self) -> Snapshot:
        """Agents, queues and ticket counts now (read without taking the desk lock)."""
        now = datetime.now(UTC)
        with self.store.transaction() as connection:
            desk = connection.execute(select(DESK).where(DESK.c.id == 1)).one()
            agents = self._agent_statuses(connection)
            queues = [
                QueueStatus(
                    name,
                    count,
                    max(0.0, (now - oldest).total_seconds() / 3600.0) if oldest else 0.0,
                )
                for name, count, oldest in connection.execute(
                    select(TICKETS.c.queue, func.count(), func.min(TICKETS.c.queued_at))
                    .where(TICKETS.c.state == QUEUED)
                    .group_by(TICKETS.c.queue)
                    .order_by(TICKETS.c.queue)
                )
            ]
            counts: dict[str, int] = {
                str(row[0]): int(row[1])
                for row in connection.execute(
                    select(TICKETS.c.state, func.count()).group_by(TICKETS.c.state)
                )
            }
        return Snapshot(
            version=desk.version,
            team=desk.team_name,
            policy=desk.policy,
            agents=agents,
            queues=queues,
            tickets={s: counts.get(s, 0) for s in (*OPEN_STATES, DONE)},
        )

    def load_team(
        self,
        team: Team,
        policy: str = "generalist_first",
        policy_settings: dict[str, Any] | None = None,
        *,
        reset: bool = False,
    ) -> Snapshot:
        """Make ``team`` the live team under ``policy``. Live tickets are cleared; while some
        are still open this is refused unless ``reset`` says to discard them."""
        settings = dict(policy_settings or {})
        make_policy(policy, **dict(settings))  # a bad name or setting fails before any change
        with self._locked() as (connection, version):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            still_open = connection.execute(
                select(func.count()).select_from(TICKETS).where(TICKETS.c.state.in_(OPEN_STATES))
            ).scalar_one()
            if still_open and not reset:
                raise ConflictError(
                    f"{still_open} live tickets are still open (with an agent, queued or with "
                    "an MSP); complete them first, or load with reset=true to discard them"
                )
            connection.execute(delete(TICKETS))
            connection.execute(delete(QUEUES))
            connection.execute(delete(AGENTS))
            if team.agents:
                connection.execute(
                    insert(AGENTS),
                    [
                        {
                            "position": i,
                            "name": a.name,
                            "kind": a.kind.value,
                            "skills": dict(a.skills),
                            "cost_per_hour": a.cost_per_hour,
                            "on_shift": True,
                            "ticket_id": None,
                            "busy_since": None,
                        }
                        for i, a in enumerate(team.agents)
                    ],
                )
            connection.execute(
                update(DESK)
                .where(DESK.c.id == 1)
                .values(
                    version=version + 1,
                    team_name=team.name,
                    policy=policy,
                    policy_settings=settings,
                    team=team.model_dump(mode="json"),
                    policy_memory=0,
                    loaded_at=now,
                )
            )
        self._team = None
        self._specs = (-1, -1, {})
        return self.snapshot()
