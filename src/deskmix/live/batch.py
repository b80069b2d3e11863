"""The live desk's state machine: one batch of live-routing changes, read once under the desk
lock, decided in memory, written back with a few bulk statements, committed once.

Pure: no SQL and no SQLAlchemy here. The batch starts from rows the store read
(``store/live_repository.py``), asks the store for more only through ``QueueReads``, carries
out the policy's decisions with the dispatch rules the simulator shares
(``routing/dispatch.py``: a ``Batch`` is a ``DispatchDesk``), and ends in a ``WritePlan`` the
store applies. ``policycheck/check.py`` runs it in memory against the simulator's desk.

Why batches: with one locked transaction per request, the lock is held for about five
database round trips per change, which capped the desk near a hundred routes a second. A
batch takes the lock once, reads the agents, the queue counts and the tickets its operations
name in one go, then applies the operations one after another in memory with the same policy
objects. Each decision therefore sees the effect of the previous ones, exactly as if the
operations had been applied one at a time in that order; only the writing is grouped.

Only what the operations need is read: the tickets they name, and the heads of the queues a
freed agent may serve, in chunks, only for queues that hold tickets.

An operation that is refused (unknown ticket, already completed, agent busy...) raises its
``DeskmixError`` before it changes anything, so the rest of the batch goes ahead without it.

Over 400 lines because it is one state machine: the desk's memory (who holds what, each
queue's counts and heads), the dispatch protocol over it, the five operations and the write
plan all change or read the same fields under the same invariants (one ticket per agent, a
queue's stored count equal to its waiting tickets); split apart, each part would reach into
the others' fields. What is separable is elsewhere: a ticket and a queue in memory
(``live/record.py``), the rules (``routing/dispatch.py``), the SQL (``store/live_*.py``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.errors import ConflictError, NotFoundError
from deskmix.live.record import (
    CHANGING,
    NOT_WAITING,
    WAITING_JOINED,
    WAITING_STORED,
    Line,
    Record,
    SortKey,
    utc,
)
from deskmix.live.results import (
    ASSIGNED,
    DONE,
    MSP,
    QUEUED,
    AgentStatus,
    Change,
    NewTicket,
    TicketState,
)
from deskmix.live.state import LiveTicketView, clock_hours
from deskmix.live.team import LiveTeam
from deskmix.routing.base import AgentView, Decision, QueueSpec, Stage
from deskmix.routing.dispatch import apply, pull


class QueueReads(Protocol):
    """The store's reads a batch may need after its first (``store.live_repository``)."""

    def oldest_queued(self, queue: str, leaving: Sequence[int]) -> datetime | None:
        """When the longest-waiting stored ticket of the queue was queued, ``leaving``
        (ids of tickets that left it in this batch) aside."""
        ...

    def queued_after(
        self, queue: str, after: tuple[int, datetime, int] | None, limit: int
    ) -> list[dict[str, Any]]:
        """The queue's next ``limit`` stored waiting tickets in queue order after the one at
        (priority, opened, id) ``after`` (None: from the head), as rows."""
        ...


AgentRow = tuple[int, bool, int | None, datetime | None, str | None]
"""position, on shift, ticket id, busy since, ticket key: an agent as the batch reads it."""


class BatchState:
    """The ``RoutingState`` a policy decides against inside a batch: the batch's memory now."""

    __slots__ = ("_batch", "now")

    def __init__(self, batch: Batch, now: float) -> None:
        self._batch = batch
        self.now = now

    @property
    def agents(self) -> Sequence[AgentView]:
        return self._batch.team.agents

    @property
    def msp(self) -> Sequence[MspContract]:
        return self._batch.team.msp

    def free_agents(self) -> Sequence[AgentView]:
        return self._batch.free_views()

    def is_free(self, agent: int) -> bool:
        return agent in self._batch.free

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        return self._batch.team.able_count(domain, tier, kind)

    def queue_length(self, queue: str) -> int:
        return self._batch.line(queue).length

    def oldest_wait(self, queue: str) -> float:
        oldest = self._batch.oldest(queue)
        return 0.0 if oldest is None else max(0.0, self.now - clock_hours(oldest))


class Batch:
    """The live desk inside one locked transaction, changed in memory, written by ``write``."""

    def __init__(
        self,
        reads: QueueReads,
        team: LiveTeam,
        specs: dict[str, QueueSpec],
        queue_count: int,
        agents: Iterable[AgentRow],
        waiting: Iterable[tuple[str, int]],
        tickets: Iterable[Mapping[str, Any]],
        keys: Iterable[str],
        chunk: int,
        heads: Iterable[Mapping[str, Any]] | None = None,
        memory: int = 0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.reads = reads
        """Where the rare reads during a batch go (the committed state equals the state under
        the lock: every live change takes the lock, and the batch writes only at the end)."""
        self.team = team
        team.policy.recall(memory)
        self.stored_memory = memory
        self.specs = specs
        self.queue_count = queue_count
        self.new_specs: list[QueueSpec] = []
        size = len(team.agents)
        self.on_shift = [False] * size
        self.holding: list[str | None] = [None] * size
        self.busy_since: list[datetime | None] = [None] * size
        self.stored_agents: list[tuple[bool, str | None, datetime | None]] = [
            (False, None, None)
        ] * size
        self.free: set[int] = set()
        for position, on_shift, ticket_id, busy_since, key in agents:
            since = utc(busy_since)
            self.on_shift[position] = bool(on_shift)
            self.holding[position] = key if ticket_id is not None else None
            self.busy_since[position] = since
            self.stored_agents[position] = (bool(on_shift), self.holding[position], since)
            if on_shift and ticket_id is None:
                self.free.add(position)
        self._free_views: list[AgentView] | None = None
        self.changed_agents: set[int] = set()
        self.waiting = {name: int(n) for name, n in waiting}
        """Queue lengths as stored when the batch began (``live_queues.waiting``)."""
        self.lines: dict[str, Line] = {}
        self.tickets: dict[str, Record] = {}
        for row in tickets:
            self._register(Record.stored(row))
        self.absent = set(keys) - set(self.tickets)
        self.created: list[Record] = []
        self.chunk = chunk
        self.changes = 0
        """Bumped by every change: a refusal after a change would be a bug, not a refusal."""
        self._admitting: dict[int, list[str]] = {}
        self._wall = clock or (lambda: datetime.now(UTC))
        """Where operations read the time: the wall clock, or a script's (``policycheck/check``)."""
        self._last_now = self._wall()
        self.now = self._last_now
        """The time of the operation being applied."""
        self.handed: list[TicketState] = []
        """Tickets agents took from queues during the operation being applied."""
        self._heap_count = 0
        if heads is not None:
            self._preload(heads)

    def _preload(self, heads: Iterable[Mapping[str, Any]]) -> None:
        """Queue heads read with the lock: the first ``chunk`` tickets of each queue."""
        loaded: dict[str, int] = {}
        for row in heads:
            stored = Record.stored(row)
            assert stored.queue is not None
            name = stored.queue
            record = self._register(stored)
            line = self.line(name)
            if record.state == QUEUED and record.queue == name:
                self._push(line, record)
            if line.last is None or stored.order > line.last:
                line.last = stored.order
            loaded[name] = loaded.get(name, 0) + 1
        for name, count in loaded.items():
            if count < self.chunk:
                self.lines[name].complete = True

    # -- reading what is needed -----------------------------------------------------------
    def _register(self, record: Record) -> Record:
        known = self.tickets.get(record.key)
        if known is not None:
            return known
        self.tickets[record.key] = record
        return record

    def clock(self) -> datetime:
        """Now, never before the previous operation's now: times follow the order of changes."""
        now = self._wall()
        if now < self._last_now:
            now = self._last_now
        self._last_now = now
        return now

    def state(self, now: datetime) -> BatchState:
        return BatchState(self, clock_hours(now))

    def free_views(self) -> list[AgentView]:
        if self._free_views is None:
            agents = self.team.agents
            self._free_views = [agents[p] for p in sorted(self.free)]
        return self._free_views

    def line(self, name: str) -> Line:
        line = self.lines.get(name)
        if line is None:
            count = self.waiting.get(name, 0)
            # The oldest is read only if a policy asks (msp_overflow's wait limit).
            line = self.lines[name] = Line(count, None, oldest_stale=count > 0, complete=count == 0)
        return line

    def oldest(self, name: str) -> datetime | None:
        """When the longest-waiting ticket of the queue was queued."""
        line = self.line(name)
        if line.waiting_stored > 0:
            if line.oldest_stale:
                line.oldest_stored = utc(self.reads.oldest_queued(name, line.left))
                line.oldest_stale = False
            return line.oldest_stored
        joined = [r.queued_at for r in line.joined if r.waiting == WAITING_JOINED]
        return min((t for t in joined if t is not None), default=None)

    def _push(self, line: Line, record: Record) -> None:
        self._heap_count += 1
        heapq.heappush(line.heap, (record.order, self._heap_count, record))

    def _read_more(self, line: Line, name: str) -> None:
        """The next chunk of the queue's stored waiting tickets, in queue order."""
        after = None
        if line.last is not None:
            priority, opened, (_, last_id) = line.last
            after = (priority, opened, last_id)
        rows = self.reads.queued_after(name, after, self.chunk)
        for row in rows:
            stored = Record.stored(row)
            record = self._register(stored)
            if record.state == QUEUED and record.queue == name:
                self._push(line, record)
            line.last = stored.order
        if len(rows) < self.chunk:
            line.complete = True

    def _head(self, name: str) -> Record | None:
        """The queue's next ticket: highest priority, then the oldest (as the simulator)."""
        line = self.line(name)
        while True:
            heap = line.heap
            while heap and not (heap[0][2].state == QUEUED and heap[0][2].queue == name):
                heapq.heappop(heap)
            top = heap[0] if heap else None
            if line.complete or line.waiting_stored == 0:
                return top[2] if top is not None else None
            if top is not None and line.last is not None and top[0] <= line.last:
                return top[2]  # nothing unread can come before it
            self._read_more(line, name)

    # -- changing agents and queues -------------------------------------------------------
    def _agent_changed(self, position: int) -> None:
        self.changed_agents.add(position)
        self._free_views = None
        self.changes += 1

    def _occupy(self, position: int, record: Record, now: datetime) -> None:
        if self.holding[position] is not None:  # policies pick free agents; never double-book
            raise RuntimeError(f"agent {self.team.agents[position].name} was not free")
        self.holding[position] = record.key
        self.busy_since[position] = now
        self.free.discard(position)
        self._agent_changed(position)

    def _release(self, position: int) -> bool:
        """Free an agent; returns whether it is on shift (and so takes more work)."""
        self.holding[position] = None
        self.busy_since[position] = None
        if self.on_shift[position]:
            self.free.add(position)
        self._agent_changed(position)
        return self.on_shift[position]

    def _holder(self, record: Record) -> int | None:
        """The agent holding an assigned ticket."""
        position = self.team.position_of(record.agent_id)
        if position is not None and self.holding[position] == record.key:
            return position
        for at, key in enumerate(self.holding):
            if key == record.key:
                return at
        return None

    def _touch(self, record: Record) -> None:
        record.dirty = True
        self.changes += 1

    def _join_queue(self, record: Record, name: str) -> None:
        line = self.line(name)
        record.waiting = WAITING_JOINED
        line.joined.append(record)
        line.joined_waiting += 1
        self._push(line, record)

    def _leave_queue(self, record: Record) -> None:
        assert record.queue is not None
        line = self.line(record.queue)
        if record.waiting == WAITING_STORED:
            line.waiting_stored -= 1
            assert record.id is not None
            line.left.append(record.id)
            oldest = line.oldest_stored
            if oldest is not None and record.queued_at is not None and record.queued_at <= oldest:
                line.oldest_stale = True
        elif record.waiting == WAITING_JOINED:
            line.joined_waiting -= 1
        record.waiting = NOT_WAITING

    def _ensure_queue(self, spec: QueueSpec) -> None:
        """Remember a queue's spec the first time a policy uses it (stored by ``write``)."""
        if spec.name in self.specs:
            return
        self.specs[spec.name] = spec
        self.new_specs.append(spec)
        self.queue_count += 1
        self._admitting.clear()

    def _admitting_names(self, position: int) -> list[str]:
        names = self._admitting.get(position)
        if names is None:
            agent = self.team.agents[position]
            names = [name for name, spec in self.specs.items() if spec.admits(agent)]
            self._admitting[position] = names
        return names

    # -- the dispatch protocol (``routing/dispatch.py``); a queue's handle is its name ------
    def free_agents(self) -> list[AgentView]:
        return self.free_views()

    def lines_of(self, agent: int) -> list[str]:
        return self._admitting_names(agent)

    def head(self, line: str) -> SortKey | None:
        if self.line(line).length == 0:  # nothing waits: no read
            return None
        head = self._head(line)
        return head.order if head is not None else None

    def start(self, agent: int, ticket: Record, limit: float | None) -> None:
        ticket.state = ASSIGNED
        ticket.agent_id = self.team.agent_ids[agent]
        ticket.assigned_at = self.now
        ticket.work_limit_hours = limit
        self._touch(ticket)
        self._occupy(agent, ticket, self.now)

    def take(self, agent: int, line: str) -> None:
        best = self._head(line)
        assert best is not None  # ``pull`` takes only from a queue whose head it saw
        self._leave_queue(best)
        best.reason = (
            f"{self.team.agents[agent].name} became free and took it from the {best.queue} "
            "queue (highest priority, then oldest)"
        )
        self.start(agent, best, best.work_limit_hours)
        self.handed.append(best.now_state(self.team))

    def hand_to_msp(self, ticket: Record, contract: MspContract) -> None:
        ticket.state = MSP
        ticket.agent_id = None
        ticket.msp = contract.name

    def join(self, ticket: Record, spec: QueueSpec, limit: float | None) -> None:
        ticket.state = QUEUED
        ticket.agent_id = None
        ticket.queue = spec.name
        ticket.queued_at = self.now
        ticket.work_limit_hours = limit
        self._ensure_queue(spec)
        self._join_queue(ticket, spec.name)

    def _pull(self, position: int) -> TicketState | None:
        """The freed agent takes the best waiting ticket among the queues it may serve
        (``dispatch.pull``); returns it as taken."""
        taken = len(self.handed)
        pull(self, position)
        return self.handed[taken] if len(self.handed) > taken else None

    def _apply(self, record: Record, decision: Decision) -> None:
        """Send the ticket where the decision says (``dispatch.apply``); tickets agents take
        meanwhile (a queued ticket offered to a free agent) go to ``handed``."""
        record.reason = decision.reason
        record.work_limit_hours = decision.work_limit_hours
        record.msp = None
        record.queued_at = None
        self._touch(record)
        apply(self, record, decision)

    def _begin(self) -> datetime:
        """An operation begins: its time, and nothing handed yet."""
        self.now = self.clock()
        self.handed = []
        return self.now

    def _known(self, key: str) -> Record:
        record = self.tickets.get(key)
        if record is None:
            raise NotFoundError(f"no live ticket '{key}'; route it first (POST /api/route)")
        return record

    # -- operations (each as if it ran alone, in the batch's order) -----------------------
    def route(self, ticket: NewTicket, key: str) -> Change:
        if key in self.tickets:
            raise ConflictError(
                f"ticket '{key}' was already routed; complete or escalate it instead"
            )
        if key not in self.absent:  # every key is read with the batch; this is a bug guard
            raise RuntimeError(f"ticket '{key}' was not looked up before routing")
        now = self._begin()
        opened = utc(ticket.opened_at) or now
        stage = Stage.DIRECT if ticket.direct else Stage.NEW
        view = LiveTicketView(
            key, ticket.domain, ticket.tier, ticket.priority, stage, clock_hours(opened)
        )
        decision = self.team.policy.decide(view, self.state(now))
        record = Record(
            key=key,
            domain=ticket.domain,
            tier=ticket.tier,
            priority=ticket.priority,
            stage=stage,
            state=QUEUED,  # until the decision is applied
            agent_id=None,
            queue=None,
            msp=None,
            reason="",
            work_limit_hours=None,
            generalist_hours=0.0,
            opened_at=opened,
            queued_at=None,
            assigned_at=None,
            done_at=None,
            seq=len(self.created),
        )
        self.created.append(record)
        self.tickets[key] = record
        self._apply(record, decision)
        # Queued, it may have been taken at once by a free agent (work conservation).
        return Change(record.now_state(self.team), self.team.policy_name, self.handed)

    def complete(self, key: str) -> Change:
        record = self._known(key)
        if record.state == DONE:
            raise ConflictError(f"ticket '{key}' is already completed")
        now = self._begin()
        was = record.state
        if was == QUEUED:
            self._leave_queue(record)
        record.state = DONE
        record.done_at = now
        self._touch(record)
        holder = self._holder(record) if was == ASSIGNED else None
        if holder is not None and self._release(holder):
            self._pull(holder)
        return Change(record.now_state(self.team), self.team.policy_name, self.handed)

    def escalate(self, key: str, hours_worked: float | None) -> Change:
        record = self._known(key)
        if record.state != ASSIGNED or record.agent_id is None:
            raise ConflictError(
                f"ticket '{key}' is {record.state}, not with an agent; only assigned tickets "
                "are escalated"
            )
        now = self._begin()
        team = self.team
        position = team.position_of(record.agent_id)
        worked = hours_worked
        if worked is None:
            started = record.assigned_at or now
            worked = max(0.0, (now - started).total_seconds() / 3600.0)
        generalist = position is not None and team.agents[position].kind == AgentKind.GENERALIST
        spent = record.generalist_hours + (worked if generalist else 0.0)
        view = LiveTicketView(
            key,
            record.domain,
            record.tier,
            record.priority,
            Stage.ESCALATED,
            clock_hours(record.opened_at),
            spent,
        )
        # Decided while the agent still holds it, so it is not handed the same ticket back.
        decision = team.policy.decide(view, self.state(now))
        holder = self._holder(record)
        record.stage = Stage.ESCALATED
        record.generalist_hours = spent
        self._apply(record, decision)
        # Then the agent is freed and takes waiting work.
        if holder is not None and self._release(holder):
            self._pull(holder)
        return Change(record.now_state(team), team.policy_name, self.handed)

    def assign(self, key: str, agent_name: str) -> Change:
        record = self._known(key)
        team = self.team
        if record.state == DONE:
            raise ConflictError(f"ticket '{key}' is already completed")
        position = team.positions.get(agent_name)
        if position is None:
            raise NotFoundError(f"no agent named '{agent_name}' in team '{team.name}'")
        agent_id = team.agent_ids[position]
        if record.state == ASSIGNED and record.agent_id == agent_id:
            return Change(record.now_state(team), team.policy_name)
        if not self.on_shift[position]:
            raise ConflictError(f"{agent_name} is off shift")
        busy = self.holding[position]
        if busy is not None:
            raise ConflictError(f"{agent_name} is busy with ticket '{busy}'")
        now = self._begin()
        previous = self._holder(record) if record.state == ASSIGNED else None
        previous_on_shift = self._release(previous) if previous is not None else False
        if record.state == QUEUED:
            self._leave_queue(record)
        record.state = ASSIGNED
        record.agent_id = agent_id
        record.assigned_at = now
        record.msp = None
        record.queued_at = None
        record.reason = f"assigned to {agent_name} by hand"
        self._touch(record)
        self._occupy(position, record, now)
        if previous_on_shift and previous is not None:
            self._pull(previous)
        return Change(record.now_state(team), team.policy_name, self.handed)

    def set_on_shift(self, agent_name: str, on_shift: bool) -> tuple[AgentStatus, Change | None]:
        team = self.team
        position = team.positions.get(agent_name)
        if position is None:
            raise NotFoundError(f"no agent named '{agent_name}' in team '{team.name}'")
        self._begin()
        self.on_shift[position] = on_shift
        if on_shift and self.holding[position] is None:
            self.free.add(position)
        else:
            self.free.discard(position)
        self._agent_changed(position)
        change: Change | None = None
        if on_shift and self.holding[position] is None:
            taken = self._pull(position)
            if taken is not None:
                change = Change(taken, team.policy_name, [taken])
        agent = team.agents[position]
        status = AgentStatus(
            agent.name,
            agent.kind.value,
            on_shift,
            self.holding[position],
            self.busy_since[position],
        )
        return status, change

    # -- writing back ---------------------------------------------------------------------
    def plan(self) -> WritePlan:
        """Every change of the batch, grouped in the order the writes must go so that no
        moment of the transaction breaks "one assigned ticket per agent" (checked row by row).

        Agents point at their ticket by key (a subquery), so new tickets need no id before
        the agents are written, and every write can be sent at once."""
        changed = [r for r in self.tickets.values() if r.dirty and r.id is not None]
        final = {
            position: (self.on_shift[position], self.holding[position], self.busy_since[position])
            for position in sorted(self.changed_agents)
        }
        final = {p: now for p, now in final.items() if now != self.stored_agents[p]}
        taken = {key for _, key, _ in final.values() if key is not None}
        ids = self.team.agent_ids
        # An agent whose ticket another agent now holds lets go of it first.
        vacate = [
            ids[p]
            for p, (_, key, _) in final.items()
            if (held := self.stored_agents[p][1]) is not None and held != key and held in taken
        ]
        agents = [
            {"id": ids[p], "on_shift": on_shift, "key": key, "since": since}
            for p, (on_shift, key, since) in final.items()
        ]
        memory = self.team.policy.memory()
        return WritePlan(
            leaving=[r.params() for r in changed if r.state != ASSIGNED],
            moving=[
                r.id
                for r in changed
                if r.id is not None
                and r.state == ASSIGNED
                and r.stored_state == ASSIGNED
                and r.agent_id != r.stored_agent
            ],
            created=[r.row() for r in self.created],
            taking=[r.params() for r in changed if r.state == ASSIGNED],
            vacate=vacate,
            agents=agents,
            specs=[
                {
                    "name": s.name,
                    "kinds": " ".join(sorted(k.value for k in s.kinds)),
                    "domain": s.domain,
                    "tier": s.tier.value,
                }
                for s in self.new_specs
            ],
            queue_count=self.queue_count,
            queue_lengths=[
                {"name": name, "waiting": line.length}
                for name, line in sorted(self.lines.items())
                if line.length != self.waiting.get(name, 0)
            ],
            policy_memory=None if memory == self.stored_memory else memory,
        )


@dataclass
class WritePlan:
    """A batch's writes, in the order they must be applied (see ``Batch.plan``); the store
    applies them (``store.live_repository.write``, or as SQL text on PostgreSQL:
    ``store.live_postgres.statements``)."""

    leaving: list[dict[str, Any]]  # stored tickets no longer with an agent (or never were)
    moving: list[int]  # stored tickets moving between agents: unlinked first
    created: list[dict[str, Any]]  # new tickets
    taking: list[dict[str, Any]]  # stored tickets an agent now holds
    vacate: list[int]  # agents whose ticket moved to another agent: unlinked first
    agents: list[dict[str, Any]]  # agents' new state; the ticket by key
    specs: list[dict[str, Any]]  # queue specs used for the first time
    queue_count: int
    queue_lengths: list[dict[str, Any]]  # queues whose length the batch changed
    policy_memory: int | None = None  # the policy's memory, when the batch changed it
    columns: tuple[str, ...] = CHANGING  # ticket columns a change writes, bound as b_<name>
