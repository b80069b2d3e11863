"""The live-routing tables and every statement live routing sends, on any database.

The live desk (``deskmix.live``) keeps its rules in memory (``live/batch.py``) and talks to the
store only through this module: the reads a routing batch takes under the desk lock, the few
reads a batch may need later (a queue's next tickets, its oldest), a batch's writes, the
desk's team loads and the read-only views (a ticket, the snapshot). Dialect-neutral
SQLAlchemy Core throughout: routing runs a few statements per request inside the desk lock,
and Core keeps each one cheap (no ORM unit of work). On PostgreSQL the batches take a faster
path of hand-driven SQL text (``store/live_postgres.py``); both write the same ``LiveWrites``.

The store does not import the live package: a batch's writes arrive as any object with the
``LiveWrites`` fields, and rows leave as plain mappings and tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from deskmix.store.db import Store
from deskmix.store.models import LiveAgent, LiveDesk, LiveQueue, LiveTicket

DESK = cast(Table, LiveDesk.__table__)
AGENTS = cast(Table, LiveAgent.__table__)
QUEUES = cast(Table, LiveQueue.__table__)
TICKETS = cast(Table, LiveTicket.__table__)

QUEUED = "queued"
"""The stored state of a waiting ticket (``live.model.TicketStatus.QUEUED``'s value)."""


class Locked(NamedTuple):
    """What a batch reads under the desk lock, on either database."""

    version: int  # the team's version; 0: no team loaded
    queues: int  # queue specs stored
    memory: int
    """The policy's stored memory (``Policy.memory``): the policy object is the process's,
    but its rotation is the desk's, shared by every process."""
    agents: list[Any]  # (position, on shift, ticket id, busy since, ticket key) per agent
    waiting: list[Any]  # (queue, length) of the queues with tickets waiting
    tickets: list[dict[str, Any]]  # the tickets the batch's operations name
    heads: list[dict[str, Any]] | None = None  # queue heads, read up front on PostgreSQL


class LiveWrites(Protocol):
    """A batch's writes, in the order they must be applied (``live.batch.Batch.plan`` makes
    them so that no moment of the transaction breaks "one assigned ticket per agent")."""

    columns: tuple[str, ...]  # ticket columns a change writes, bound as ``b_<name>``
    leaving: list[dict[str, Any]]  # stored tickets no longer with an agent (or never were)
    moving: list[int]  # stored tickets moving between agents: unlinked first
    created: list[dict[str, Any]]  # new tickets
    taking: list[dict[str, Any]]  # stored tickets an agent now holds
    vacate: list[int]  # agents whose ticket moved to another agent: unlinked first
    agents: list[dict[str, Any]]  # agents' new state (id, on_shift, key, since)
    specs: list[dict[str, Any]]  # queue specs used for the first time
    queue_count: int
    queue_lengths: list[dict[str, Any]]  # queues whose length the batch changed
    policy_memory: int | None  # the policy's memory, when the batch changed it


def write(connection: Connection, plan: LiveWrites) -> None:
    """Apply a batch's writes with SQLAlchemy (one statement per group, executemany)."""
    full = (
        update(TICKETS)
        .where(TICKETS.c.id == bindparam("b_id", type_=TICKETS.c.id.type))
        .values({n: bindparam(f"b_{n}", type_=TICKETS.c[n].type) for n in plan.columns})
    )
    by_id = update(AGENTS).where(AGENTS.c.id == bindparam("b_id", type_=AGENTS.c.id.type))
    if plan.leaving:
        connection.execute(full, plan.leaving)
    if plan.moving:
        connection.execute(
            update(TICKETS)
            .where(TICKETS.c.id == bindparam("b_id", type_=TICKETS.c.id.type))
            .values(agent_id=None),
            [{"b_id": i} for i in plan.moving],
        )
    if plan.created:
        connection.execute(insert(TICKETS), plan.created)
    if plan.taking:
        connection.execute(full, plan.taking)
    if plan.vacate:
        connection.execute(by_id.values(ticket_id=None), [{"b_id": i} for i in plan.vacate])
    if plan.agents:
        ticket = (
            select(TICKETS.c.id)
            .where(TICKETS.c.key == bindparam("b_key", type_=TICKETS.c.key.type))
            .scalar_subquery()
        )
        connection.execute(
            by_id.values(
                on_shift=bindparam("b_on_shift", type_=AGENTS.c.on_shift.type),
                ticket_id=ticket,
                busy_since=bindparam("b_since", type_=AGENTS.c.busy_since.type),
            ),
            [
                {
                    "b_id": a["id"],
                    "b_on_shift": a["on_shift"],
                    "b_key": a["key"],
                    "b_since": a["since"],
                }
                for a in plan.agents
            ],
        )
    if plan.specs:
        connection.execute(insert(QUEUES), plan.specs)
        connection.execute(update(DESK).where(DESK.c.id == 1).values(queues=plan.queue_count))
    if plan.queue_lengths:  # after the specs: a queue may be new in this batch
        connection.execute(
            update(QUEUES)
            .where(QUEUES.c.name == bindparam("b_name", type_=QUEUES.c.name.type))
            .values(waiting=bindparam("b_waiting", type_=QUEUES.c.waiting.type)),
            [{"b_name": q["name"], "b_waiting": q["waiting"]} for q in plan.queue_lengths],
        )
    if plan.policy_memory is not None:
        connection.execute(
            update(DESK).where(DESK.c.id == 1).values(policy_memory=plan.policy_memory)
        )


def lock_and_read(connection: Connection, keys: Sequence[str]) -> Locked:
    """Take the desk lock (a write to its row: SQLite's one writer lock), then read the
    agents, the queue lengths and the named tickets."""
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
    return Locked(
        int(version), int(count), int(memory), [tuple(a) for a in agents], list(waiting), rows
    )


class BatchReads:
    """The reads a batch may need after its first (``live.batch.QueueReads``), and the team
    and queue specs when this process has not read them yet: the committed state equals the
    state under the lock, since every live change takes the lock and a batch writes only at
    its end. ``connect`` gives the connection, opened on first use."""

    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect

    def connection(self) -> Connection:
        return self._connect()

    def oldest_queued(self, queue: str, leaving: Sequence[int]) -> datetime | None:
        """When the longest-waiting ticket of the queue was queued, ``leaving`` aside."""
        query = select(func.min(TICKETS.c.queued_at)).where(
            TICKETS.c.state == QUEUED, TICKETS.c.queue == queue
        )
        if leaving:
            query = query.where(TICKETS.c.id.not_in(leaving))
        value: datetime | None = self._connect().execute(query).scalar_one_or_none()
        return value

    def queued_after(
        self, queue: str, after: tuple[int, datetime, int] | None, limit: int
    ) -> list[dict[str, Any]]:
        """The queue's next ``limit`` waiting tickets in queue order (priority, opened, id),
        after the one at ``after`` (None: from the head)."""
        query = select(TICKETS).where(TICKETS.c.state == QUEUED, TICKETS.c.queue == queue)
        if after is not None:
            priority, opened, last_id = after
            query = query.where(
                or_(
                    TICKETS.c.priority > priority,
                    and_(
                        TICKETS.c.priority == priority,
                        or_(
                            TICKETS.c.opened_at > opened,
                            and_(TICKETS.c.opened_at == opened, TICKETS.c.id > last_id),
                        ),
                    ),
                )
            )
        query = query.order_by(TICKETS.c.priority, TICKETS.c.opened_at, TICKETS.c.id)
        rows = self._connect().execute(query.limit(limit)).mappings().all()
        return [dict(row) for row in rows]


def desk_row(connection: Connection) -> Any:
    """The desk's one row: version, team, policy and its settings."""
    return connection.execute(select(DESK).where(DESK.c.id == 1)).one()


def agent_ids(connection: Connection) -> list[int]:
    """The live agents' row ids, in team order."""
    return [row.id for row in connection.execute(select(AGENTS.c.id).order_by(AGENTS.c.position))]


def queue_specs(connection: Connection) -> list[Any]:
    """Every stored queue spec: name, kinds (space-separated), domain, tier."""
    return list(connection.execute(select(QUEUES)))


def ticket_row(connection: Connection, key: str) -> Any | None:
    return connection.execute(select(TICKETS).where(TICKETS.c.key == key)).first()


def agent_name(connection: Connection, agent_id: int) -> str | None:
    name: str | None = connection.execute(
        select(AGENTS.c.name).where(AGENTS.c.id == agent_id)
    ).scalar_one_or_none()
    return name


def agent_rows(connection: Connection) -> list[Any]:
    """Every agent in team order: name, kind, on shift, busy since, the ticket's key."""
    query = (
        select(AGENTS.c.name, AGENTS.c.kind, AGENTS.c.on_shift, AGENTS.c.busy_since, TICKETS.c.key)
        .select_from(AGENTS.outerjoin(TICKETS, TICKETS.c.id == AGENTS.c.ticket_id))
        .order_by(AGENTS.c.position)
    )
    return list(connection.execute(query))


def queue_rows(connection: Connection) -> list[tuple[str, int, datetime | None]]:
    """Each queue holding tickets: name, how many wait, when the oldest was queued."""
    query = (
        select(TICKETS.c.queue, func.count(), func.min(TICKETS.c.queued_at))
        .where(TICKETS.c.state == QUEUED)
        .group_by(TICKETS.c.queue)
        .order_by(TICKETS.c.queue)
    )
    return [(str(name), int(count), oldest) for name, count, oldest in connection.execute(query)]


def state_counts(connection: Connection) -> dict[str, int]:
    """Live tickets per state."""
    query = select(TICKETS.c.state, func.count()).group_by(TICKETS.c.state)
    return {str(row[0]): int(row[1]) for row in connection.execute(query)}


def open_count(connection: Connection, open_states: Sequence[str]) -> int:
    query = select(func.count()).select_from(TICKETS).where(TICKETS.c.state.in_(open_states))
    count: int = connection.execute(query).scalar_one()
    return count


@contextmanager
def locked(store: Store) -> Iterator[tuple[Connection, int]]:
    """One transaction holding the desk lock (team loads); yields the team version."""
    with store.transaction() as connection:
        if store.engine.dialect.name == "sqlite":
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


def replace_team(
    connection: Connection,
    version: int,
    desk: Mapping[str, Any],
    agents: Sequence[Mapping[str, Any]],
) -> None:
    """Clear the live tables and store a new team (``desk``: the desk row's new values,
    ``agents``: one row each, in team order); bumps the desk's version."""
    connection.execute(delete(TICKETS))
    connection.execute(delete(QUEUES))
    connection.execute(delete(AGENTS))
    if agents:
        connection.execute(insert(AGENTS), list(agents))
    connection.execute(
        update(DESK).where(DESK.c.id == 1).values(version=version + 1, policy_memory=0, **desk)
    )
