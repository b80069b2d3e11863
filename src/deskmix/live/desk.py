"""Live routing against the store: route, assign, complete, escalate, shifts, team loads.

Every change is applied under the single ``live_desk`` row lock (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite a write to that row, which takes SQLite's one writer lock, plus a lock
per process so threads queue instead of spinning on SQLITE_BUSY), so a policy decides against
a state nobody else can change before the decision is written: no agent is handed two tickets
and no update is lost, however many requests, threads or server processes arrive at once.
The database enforces "one assigned ticket per agent" too (unique indexes), as a second line
of defence.

``Desk`` puts the parts together, one job each: requests are committed in groups by the
routing thread (``live/worker.py``); a batch reads under the lock and writes through the
store's live repository (``store/live_repository.py``, or its PostgreSQL fast path
``store/live_postgres.py``); the operations are applied in memory by the state machine
(``live/batch.py``), which carries out the policy's decisions with the dispatch rules the
simulator shares; the team comes from ``live/team_loading.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import uuid4

from deskmix.domain.team import Team
from deskmix.errors import ConflictError, DeskmixError, NotFoundError
from deskmix.live.batch import Batch, WritePlan
from deskmix.live.record import SHARED
from deskmix.live.results import (
    DONE,
    OPEN_STATES,
    AgentStatus,
    Change,
    NewTicket,
    QueueStatus,
    Snapshot,
    TicketState,
)
from deskmix.live.team import LiveTeam
from deskmix.live.team_loading import NO_TEAM, load_team, stored_specs, stored_team
from deskmix.live.worker import GroupCommit, Operation, Outcome
from deskmix.routing.base import QueueSpec
from deskmix.store import Store, live_repository
from deskmix.store.live_postgres import PostgresBatches
from deskmix.store.live_repository import BatchReads, Locked

if TYPE_CHECKING:  # the connection type only; SQL is the store's
    from sqlalchemy import Connection

T = TypeVar("T")


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
        self._postgres = None if self._sqlite else PostgresBatches(store, durable=durable)
        self._group: GroupCommit[Batch] = GroupCommit(self._commit)

    @property
    def batches(self) -> int:
        """Batches committed by this process so far."""
        return self._group.batches

    @property
    def operations(self) -> int:
        """Operations in those batches."""
        return self._group.operations

    @contextmanager
    def together(self) -> Iterator[None]:
        """Operations submitted by this thread inside the block go into one batch, in order,
        when the block ends (however many they are). For callers with several changes at
        once, and for tests that compare a batch with the same operations one at a time.
        Use the ``submit_*`` methods inside: their futures resolve after the block."""
        with self._group.together():
            yield

    def close(self) -> None:
        """Finish the queued operations and stop the routing thread."""
        self._group.close()
        if self._postgres is not None:
            self._postgres.close()

    # -- one batch ------------------------------------------------------------------------
    def _commit(self, ops: list[Operation[Batch]]) -> list[Outcome]:
        """Apply ``ops`` in order in one locked transaction; a refusal fails only its op."""
        keys = sorted({key for op in ops for key in op.keys})
        # Queue heads read at a time: more than a batch can take (each operation takes at
        # most two tickets from queues and removes at most one), so one read is enough.
        chunk = 3 * len(ops) + 2
        outcomes: list[Outcome] = []
        applied: list[Batch] = []

        def apply(locked: Locked, reads: BatchReads) -> WritePlan | None:
            batch, done = self._apply(ops, reads, locked, keys, chunk)
            outcomes.extend(done)
            if batch is None:
                return None
            applied.append(batch)
            return batch.plan()

        with self._process_lock:
            if self._postgres is not None:
                self._postgres.run(keys, chunk, apply)
            else:
                with self.store.transaction() as connection:
                    plan = apply(
                        live_repository.lock_and_read(connection, keys),
                        BatchReads(lambda: connection),
                    )
                    if plan is not None:
                        live_repository.write(connection, plan)
        if applied:
            batch = applied[0]
            self._specs = (batch.team.version, batch.queue_count, batch.specs)
        return outcomes

    def _apply(
        self,
        ops: list[Operation[Batch]],
        reads: BatchReads,
        locked: Locked,
        keys: list[str],
        chunk: int,
    ) -> tuple[Batch | None, list[Outcome]]:
        """The operations applied in order to the batch's memory; the batch to write."""
        if locked.version == 0:
            return None, [(False, ConflictError(NO_TEAM)) for _ in ops]
        team = self._team_for(reads.connection, locked.version)
        specs = self._specs_for(reads.connection, locked.version, locked.queues)
        batch = Batch(
            reads,
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
        outcomes: list[Outcome] = []
        for op in ops:
            changes = batch.changes
            try:
                outcomes.append((True, op.apply(batch)))
            except DeskmixError as exc:
                if batch.changes != changes:  # refused half-way: a bug, fail the batch
                    raise
                outcomes.append((False, exc))
        return batch, outcomes

    def _team_for(self, connect: Callable[[], Connection], version: int) -> LiveTeam:
        team = self._team
        if team is None or team.version != version:
            team = self._team = stored_team(connect(), version)
        return team

    def _specs_for(
        self, connect: Callable[[], Connection], version: int, count: int
    ) -> dict[str, QueueSpec]:
        if self._specs[:2] != (version, count):
            self._specs = (version, count, stored_specs(connect()))
        return self._specs[2]

    # -- operations -----------------------------------------------------------------------
    def _submit(self, keys: tuple[str, ...], apply: Callable[[Batch], T]) -> Future[T]:
        return self._group.submit(keys, apply)

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
    def ticket(self, key: str) -> TicketState:
        """A live ticket as stored now (read without taking the desk lock)."""
        team = self._team
        with self.store.transaction() as connection:
            row = live_repository.ticket_row(connection, key)
            if row is None:
                raise NotFoundError(f"no live ticket '{key}'; route it first (POST /api/route)")
            agent: str | None = None
            if row.agent_id is not None:
                position = team.position_of(row.agent_id) if team is not None else None
                if position is not None and team is not None:
                    agent = team.agents[position].name
                else:
                    agent = live_repository.agent_name(connection, row.agent_id)
        return TicketState(agent=agent, **{name: getattr(row, name) for name in SHARED})

    def snapshot(self) -> Snapshot:
        """Agents, queues and ticket counts now (read without taking the desk lock)."""
        now = datetime.now(UTC)
        with self.store.transaction() as connection:
            desk = live_repository.desk_row(connection)
            agents = [
                AgentStatus(r.name, r.kind, bool(r.on_shift), r.key, r.busy_since)
                for r in live_repository.agent_rows(connection)
            ]
            queues = [
                QueueStatus(
                    name,
                    count,
                    max(0.0, (now - oldest).total_seconds() / 3600.0) if oldest else 0.0,
                )
                for name, count, oldest in live_repository.queue_rows(connection)
            ]
            counts = live_repository.state_counts(connection)
        return Snapshot(
            version=desk.version,
            team=desk.team_name,
            policy=desk.policy,
            agents=agents,
            queues=queues,
            tickets={s.value: counts.get(s.value, 0) for s in (*OPEN_STATES, DONE)},
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
        with self._process_lock:
            load_team(self.store, team, policy, dict(policy_settings or {}), reset=reset)
        self._team = None
        self._specs = (-1, -1, {})
        return self.snapshot()
