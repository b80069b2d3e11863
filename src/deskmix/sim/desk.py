"""The simulated desk: tickets, queues, agents and what happens at each kind of event.

``SimDesk`` is the simulator's side of the dispatch rules (``routing/dispatch.py``: it is a
``DispatchDesk``), and ``SimState`` the ``RoutingState`` its policy decides against. The event
loop (``engine._simulate``) only pops events and hands each to the desk, so the same desk can
be driven by a script instead (``policycheck/check.py`` does, to hold the live desk to it).

Written for speed as much as for reading: the loop calls these methods for every ticket and
event, so state is kept in plain lists indexed by agent.
"""

from __future__ import annotations

import bisect
import heapq
from collections import deque
from collections.abc import Sequence
from typing import Any

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.routing.base import AgentView, Policy, QueueSpec, Stage
from deskmix.routing.dispatch import QueueKey, apply, pull, queue_order
from deskmix.sim.events import DONE, MSP_DONE, REOPEN
from deskmix.sim.model import TIERS, CompiledModel


class SimTicket:
    """A ticket inside the simulator; implements the policies' ``TicketView``."""

    __slots__ = (
        "attempt",
        "direct",
        "domain",
        "domain_index",
        "done_at",
        "escalate_next",
        "escalations",
        "first_response",
        "generalist_hours",
        "index",
        "msp_index",
        "opened_at",
        "priority",
        "queued_at",
        "queued_seq",
        "reopen_delay",
        "reopened",
        "reopens",
        "stage",
        "tier",
        "tier_index",
        "work",
    )

    def __init__(
        self,
        index: int,
        domain: str,
        domain_index: int,
        tier_index: int,
        priority: int,
        opened_at: float,
        work: float,
        attempt: float,
        reopens: bool,
        reopen_delay: float,
        direct: bool = False,
    ) -> None:
        self.index = index
        self.domain = domain
        self.domain_index = domain_index
        self.tier_index = tier_index
        self.tier: Tier = TIERS[tier_index]
        self.priority = priority
        self.opened_at = opened_at
        self.work = work
        self.attempt = attempt
        self.reopens = reopens
        self.reopen_delay = reopen_delay
        self.direct = direct  # the history sends it straight to specialists, also when reopened
        self.stage = Stage.DIRECT if direct else Stage.NEW
        self.generalist_hours = 0.0
        self.first_response: float | None = None
        self.done_at: float | None = None
        self.escalations = 0
        self.escalate_next = False
        self.msp_index = -1
        self.reopened = False
        self.queued_at: float | None = None
        self.queued_seq = -1  # which push put it in its current queue; -1: not queued

    @property
    def id(self) -> str:
        return f"T{self.index}"


class WaitingLine:
    """One queue: a heap by ``queue_order`` plus a FIFO view for 'how long has the oldest
    waited'.

    The FIFO keeps (push sequence, ticket) and drops entries lazily: an entry is current only
    while the ticket is still in the queue from that very push (a ticket taken, escalated and
    queued elsewhere must not count as waiting here).
    """

    __slots__ = ("fifo", "heap", "spec")

    def __init__(self, spec: QueueSpec) -> None:
        self.spec = spec
        self.heap: list[tuple[QueueKey, SimTicket, float | None]] = []
        self.fifo: deque[tuple[int, SimTicket]] = deque()

    def push(self, ticket: SimTicket, limit: float | None, seq: int, now: float) -> None:
        ticket.queued_at = now
        ticket.queued_seq = seq
        heapq.heappush(
            self.heap, (queue_order(ticket.priority, ticket.opened_at, seq), ticket, limit)
        )
        self.fifo.append((seq, ticket))

    def pop(self) -> tuple[SimTicket, float | None]:
        _, ticket, limit = heapq.heappop(self.heap)
        ticket.queued_at = None
        ticket.queued_seq = -1
        return ticket, limit

    def oldest_wait(self, now: float) -> float:
        fifo = self.fifo
        while fifo and fifo[0][1].queued_seq != fifo[0][0]:
            fifo.popleft()
        if not fifo:
            return 0.0
        queued = fifo[0][1].queued_at
        return now - queued if queued is not None else 0.0


class SimState:
    """The simulator's ``RoutingState``: what policies see at the current simulated time."""

    def __init__(self, agents: list[AgentView], msp: list[MspContract]) -> None:
        self.now = 0.0
        self._agents = agents
        self._msp = msp
        self.free = [False] * len(agents)
        self._free_list: list[AgentView] = []  # kept in index order, updated in place
        self._free_index: list[int] = []  # the same agents' indices, for a key-free bisect
        self.lines: dict[str, WaitingLine] = {}
        self._able: dict[tuple[str, Tier, AgentKind | None], int] = {}

    @property
    def agents(self) -> list[AgentView]:
        return self._agents

    @property
    def msp(self) -> list[MspContract]:
        return self._msp

    def free_agents(self) -> list[AgentView]:
        """Free agents in index order. The list is the state's own: read it, do not change it."""
        return self._free_list

    def is_free(self, agent: int) -> bool:
        return self.free[agent]

    def set_free(self, agent: int, free: bool) -> None:
        if self.free[agent] == free:
            return
        self.free[agent] = free
        position = bisect.bisect_left(self._free_index, agent)
        if free:
            self._free_index.insert(position, agent)
            self._free_list.insert(position, self._agents[agent])
        else:
            del self._free_index[position]
            del self._free_list[position]

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        key = (domain, tier, kind)
        count = self._able.get(key)
        if count is None:  # the team is fixed for a run: count once per question
            count = sum(
                1
                for a in self._agents
                if a.can_resolve(domain, tier) and (kind is None or a.kind == kind)
            )
            self._able[key] = count
        return count

    def queue_length(self, queue: str) -> int:
        line = self.lines.get(queue)
        return len(line.heap) if line is not None else 0

    def oldest_wait(self, queue: str) -> float:
        line = self.lines.get(queue)
        return line.oldest_wait(self.now) if line is not None else 0.0


class SimDesk:
    """The simulated desk between events (a ``DispatchDesk``): who holds what, the queues,
    the timed events its changes schedule, and the figures a replication reports.

    Work pauses when an agent's shift ends and resumes at the next shift: the ticket stays with
    its agent overnight, as on a real desk. A DONE event is current only if its sequence number
    is the agent's ``done_seq``; pausing invalidates it (the loop checks).
    """

    def __init__(
        self,
        agents: list[AgentView],
        msp: list[MspContract],
        domains: Sequence[str],
        factors: list[Any],
        policy: Policy,
        *,
        warmup: float = 0.0,
        horizon: float = float("inf"),
        reopen_share: float = 1.0,
        trace: int = 0,
        audit: bool = False,
    ) -> None:
        n_agents = len(agents)
        self.agents = agents
        self.msp = msp
        self.state = SimState(agents, msp)
        self.decide = policy.decide
        self.events: list[tuple[float, int, int, Any]] = []
        self.on_duty = [False] * n_agents
        self.busy_with: list[SimTicket | None] = [None] * n_agents
        self.done_seq = [-1] * n_agents
        self.segment_start = [0.0] * n_agents
        self.planned_finish = [0.0] * n_agents
        self.remaining = [0.0] * n_agents  # work left on a paused ticket
        self.busy_hours = [0.0] * n_agents
        self.msp_hours = [0.0] * len(msp)
        self.is_generalist = [a.kind == AgentKind.GENERALIST for a in agents]
        self.factors = factors  # agents x domains x tiers, as nested lists
        self.can = [[[a.can_resolve(d, t) for t in TIERS] for d in domains] for a in agents]
        self.agent_lines: list[list[WaitingLine]] = [[] for _ in range(n_agents)]
        self.warmup, self.horizon, self.reopen_share = warmup, horizon, reopen_share
        self.trace, self.audit = trace, audit
        self.decisions: list[tuple[float, str, str]] = []
        self.segments: list[tuple[int, int, float, float]] = []
        self.seq = 0

    @classmethod
    def for_model(cls, model: CompiledModel, policy: Policy, trace: int, audit: bool) -> SimDesk:
        settings = model.settings
        return cls(
            model.agents,
            model.msp,
            model.domains,
            model.factors.tolist(),
            policy,
            warmup=settings.warmup_hours,
            horizon=settings.horizon_hours,
            reopen_share=settings.reopen_work_share,
            trace=trace,
            audit=audit,
        )

    # -- the dispatch protocol ------------------------------------------------------------
    def free_agents(self) -> list[AgentView]:
        return self.state.free_agents()

    def lines_of(self, agent: int) -> list[WaitingLine]:
        return self.agent_lines[agent]

    def head(self, line: WaitingLine) -> QueueKey | None:
        heap = line.heap
        return heap[0][0] if heap else None

    def start(self, a: int, ticket: SimTicket, limit: float | None) -> None:
        self.state.set_free(a, False)
        if ticket.first_response is None:
            ticket.first_response = self.state.now
        d, t = ticket.domain_index, ticket.tier_index
        is_generalist = self.is_generalist[a]
        # A generalist given specialist-tier work under a time limit makes the first line's
        # attempt and escalates, whatever its level: the calibrated tier says a specialist held
        # the ticket, so the first line's strength is already in the history's tiers.
        if self.can[a][d][t] and not (t == 1 and limit is not None and is_generalist):
            duration = ticket.work * self.factors[a][d][t]
            escalate = False
            if limit is not None and is_generalist and duration > limit:
                duration, escalate = limit, True
        else:
            duration = ticket.attempt if limit is None else min(ticket.attempt, limit)
            escalate = True
        if is_generalist:
            ticket.generalist_hours += duration
        ticket.escalate_next = escalate
        self.busy_with[a] = ticket
        self.run(a, duration)

    def take(self, a: int, line: WaitingLine) -> None:
        ticket, limit = line.pop()
        self.start(a, ticket, limit)

    def hand_to_msp(self, ticket: SimTicket, contract: MspContract) -> None:
        contract_index = self.msp.index(contract)
        response = self.state.now + contract.response_hours
        if ticket.first_response is None:
            ticket.first_response = response
        ticket.msp_index = contract_index
        duration = ticket.work * contract.handling_factor
        if ticket.opened_at >= self.warmup:
            self.msp_hours[contract_index] += duration
        self.seq += 1
        heapq.heappush(self.events, (response + duration, self.seq, MSP_DONE, ticket))

    def join(self, ticket: SimTicket, spec: QueueSpec, limit: float | None) -> None:
        line = self.state.lines.get(spec.name)
        if line is None:
            line = self.state.lines[spec.name] = WaitingLine(spec)
            for agent in self.agents:
                if spec.admits(agent):
                    self.agent_lines[agent.index].append(line)
        self.seq += 1
        line.push(ticket, limit, self.seq, self.state.now)

    # -- what happens at each event -------------------------------------------------------
    def route(self, ticket: SimTicket) -> None:
        """The policy decides where the ticket goes; the dispatch rules carry it out."""
        decision = self.decide(ticket, self.state)
        if len(self.decisions) < self.trace:
            self.decisions.append((self.state.now, ticket.id, decision.reason))
        apply(self, ticket, decision)

    def run(self, a: int, duration: float) -> None:
        now = self.state.now
        self.segment_start[a] = now
        self.planned_finish[a] = now + duration
        self.seq += 1
        self.done_seq[a] = self.seq
        heapq.heappush(self.events, (now + duration, self.seq, DONE, a))

    def stop_segment(self, a: int) -> None:
        begun, now = self.segment_start[a], self.state.now
        lo, hi = max(begun, self.warmup), min(now, self.horizon)
        if hi > lo:
            self.busy_hours[a] += hi - lo
        if self.audit:
            ticket = self.busy_with[a]
            assert ticket is not None
            self.segments.append((a, ticket.index, begun, now))

    def done(self, a: int) -> None:
        """The agent's piece of work ended: the ticket is escalated (decided while the agent
        still holds it, so it is not handed the same ticket back) or resolved; then the agent,
        if on shift, is free and pulls work."""
        self.stop_segment(a)
        ticket = self.busy_with[a]
        self.busy_with[a] = None
        assert ticket is not None
        if ticket.escalate_next:
            ticket.escalate_next = False
            ticket.stage = Stage.ESCALATED
            ticket.escalations += 1
            self.route(ticket)
        else:
            self.resolve(ticket)
        if self.on_duty[a]:
            self.state.set_free(a, True)
            pull(self, a)

    def resolve(self, ticket: SimTicket) -> None:
        if ticket.done_at is None:
            ticket.done_at = self.state.now
        if ticket.reopens and not ticket.reopened:
            self.seq += 1
            heapq.heappush(
                self.events, (self.state.now + ticket.reopen_delay, self.seq, REOPEN, ticket)
            )

    def reopen(self, ticket: SimTicket) -> None:
        ticket.reopened = True
        ticket.stage = Stage.DIRECT if ticket.direct else Stage.REOPENED
        ticket.work *= self.reopen_share
        ticket.attempt *= self.reopen_share
        self.route(ticket)

    def shift_on(self, agents: Sequence[int]) -> None:
        for a in agents:
            self.on_duty[a] = True
            if self.busy_with[a] is None:
                self.state.set_free(a, True)
                pull(self, a)
            else:  # resume the ticket paused at the end of the last shift
                self.run(a, self.remaining[a])

    def shift_off(self, agents: Sequence[int]) -> None:
        """The ticket in hand waits for the agent's next shift."""
        for a in agents:
            self.on_duty[a] = False
            self.state.set_free(a, False)
            if self.busy_with[a] is not None:
                self.stop_segment(a)
                self.remaining[a] = self.planned_finish[a] - self.state.now
                self.done_seq[a] = -1
