"""The discrete-event engine: one replication of one team under one policy.

A purpose-built loop rather than a general framework because its speed decides how many designs
the planner can try. Pre-drawn arrivals are merged with a heap of timed events (work done, MSP
done, reopen, shift on/off); queues are heaps ordered by (priority, opened time, sequence), so
service is non-preemptive priority with first-come-first-served inside a priority.

Routing goes through ``Policy.decide`` with this module's ``SimState`` as the ``RoutingState``:
the same policy classes route live tickets through the API. When an agent frees up it takes the
best head among the queues it may serve (highest priority, then oldest).
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import gc
import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.routing.base import AgentView, Decision, Policy, QueueSpec, Stage
from deskmix.sim.arrivals import TicketDraws, draw_tickets
from deskmix.sim.compiled import compiled_routes, run_compiled
from deskmix.sim.events import DONE, MSP_DONE, REOPEN, SHIFT_ON
from deskmix.sim.model import TIERS, CompiledModel
from deskmix.sim.shifts import shift_changes

INF = float("inf")


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
    """One queue: a priority heap plus a FIFO view for 'how long has the oldest waited'.

    The FIFO keeps (push sequence, ticket) and drops entries lazily: an entry is current only
    while the ticket is still in the queue from that very push (a ticket taken, escalated and
    queued elsewhere must not count as waiting here).
    """

    __slots__ = ("fifo", "heap", "spec")

    def __init__(self, spec: QueueSpec) -> None:
        self.spec = spec
        self.heap: list[tuple[int, float, int, SimTicket, float | None]] = []
        self.fifo: deque[tuple[int, SimTicket]] = deque()

    def push(self, ticket: SimTicket, limit: float | None, seq: int, now: float) -> None:
        ticket.queued_at = now
        ticket.queued_seq = seq
        heapq.heappush(self.heap, (ticket.priority, ticket.opened_at, seq, ticket, limit))
        self.fifo.append((seq, ticket))

    def pop(self) -> tuple[SimTicket, float | None]:
        entry = heapq.heappop(self.heap)
        entry[3].queued_at = None
        entry[3].queued_seq = -1
        return entry[3], entry[4]

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


@dataclass
class ReplicationResult:
    """What one replication produced: per-ticket arrays and per-agent/contract totals."""

    arrival: NDArray[np.float64]
    first_response: NDArray[np.float64]  # NaN: never reached
    resolved: NDArray[np.float64]  # first resolution; NaN: not resolved by the end
    domain: NDArray[np.int64]
    tier: NDArray[np.int64]
    priority: NDArray[np.int64]
    escalations: NDArray[np.int64]
    msp: NDArray[np.int64]  # contract index, -1 in-house
    reopened: NDArray[np.bool_]
    direct: NDArray[np.bool_]  # started at Stage.DIRECT: not a first-line start
    busy_hours: NDArray[np.float64]  # per agent, inside the measured window
    msp_hours: NDArray[np.float64]  # per contract, work of measured tickets
    decisions: list[tuple[float, str, str]] = field(default_factory=list)  # sample: (t, id, why)
    segments: list[tuple[int, int, float, float]] = field(default_factory=list)  # audit only
    available: NDArray[np.bool_] | None = None
    """Agents x hours the replication ran with, when it drew leave and sickness."""


def run_replication(
    model: CompiledModel,
    policy: Policy,
    seed: np.random.SeedSequence | int,
    *,
    trace: int = 0,
    audit: bool = False,
    compiled: bool | None = None,
) -> ReplicationResult:
    """Simulate once.

    ``trace`` keeps the first N routing decisions with their reasons; ``audit`` records every
    piece of work as (agent, ticket, start, end) so tests can check the engine's invariants.
    ``compiled`` chooses the loop: the compiled one (policies with a route table; the default
    when there is one and no audit is asked for) or the Python one, which calls ``decide`` for
    every ticket. Both give the same numbers bit for bit; the reasons of a traced run come from
    replaying its first decisions through ``decide``.
    """
    rng = np.random.default_rng(seed)
    draws = draw_tickets(model, rng)
    # Leave and sickness come from streams of their own, after the tickets: common random
    # numbers hold against the same run without absences.
    model = model.for_replication(seed)
    routes = None if audit or compiled is False else compiled_routes(model, policy)
    if compiled and routes is None:
        raise ValueError(f"policy {policy.name!r} has no route table to compile")
    # The loop makes one small object per ticket and per event and no reference cycles, so
    # the cyclic garbage collector only costs time here (about a fifth of the run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if routes is None:
            return _delayed(model, draws, _simulate(model, policy, draws, trace, audit))
        run = run_compiled(model, routes, draws)
        decisions = (
            _simulate(
                model, copy.deepcopy(policy), draws, trace, False, until_traced=True
            ).decisions
            if trace
            else []
        )
    finally:
        if collecting:
            gc.enable()
    return _delayed(
        model,
        draws,
        ReplicationResult(
            arrival=draws.arrival,
            first_response=run.first_response,
            resolved=run.resolved,
            domain=draws.domain,
            tier=draws.tier,
            priority=draws.priority,
            escalations=run.escalations,
            msp=run.msp,
            reopened=run.reopened,
            direct=draws.direct,
            busy_hours=run.busy_hours,
            msp_hours=run.msp_hours,
            decisions=decisions,
        ),
    )


def _delayed(
    model: CompiledModel, draws: TicketDraws, result: ReplicationResult
) -> ReplicationResult:
    """Resolutions pushed back by each ticket's extraneous delay, when the settings ask.

    A delay occupies nobody, so it changes no routing or work and can be added once the loop
    is done. A resolution it pushes past the end of the run still counts, at its time: the
    delay was fixed when the ticket was drawn, and cutting it off at the run's end would keep
    only the short waits (history's medians count the long ones). Reopens keep their timing
    from the end of the work.

    A replication that drew absences keeps the availability it ran with, for its KPIs."""
    if model.absence_plan is not None:
        result = dataclasses.replace(result, available=model.available)
    if not model.settings.delays or not draws.delay.any():
        return result
    return dataclasses.replace(result, resolved=result.resolved + draws.delay)


def _simulate(
    model: CompiledModel,
    policy: Policy,
    draws: TicketDraws,
    trace: int,
    audit: bool,
    *,
    until_traced: bool = False,
) -> ReplicationResult:
    """The reference loop; with ``until_traced`` it stops once ``trace`` decisions are kept
    (their reasons are all the caller wants)."""
    settings = model.settings
    warmup, horizon, end = settings.warmup_hours, settings.horizon_hours, settings.end_hours
    agents = model.agents
    n_agents = len(agents)
    state = SimState(agents, model.msp)
    changes = model.once(shift_changes)
    events: list[tuple[float, int, int, Any]] = list(changes.groups())
    heapq.heapify(events)
    initial = changes.initial
    on_duty = initial[:]
    for a, duty in enumerate(on_duty):
        state.set_free(a, duty)
    busy_with: list[SimTicket | None] = [None] * n_agents
    # Work pauses when a shift ends and resumes at the next one: the ticket stays with its
    # agent overnight, as on a real desk. A DONE event is current only if its sequence number
    # is the agent's ``done_seq``; pausing invalidates it.
    done_seq = [-1] * n_agents
    segment_start = [0.0] * n_agents
    planned_finish = [0.0] * n_agents
    remaining = [0.0] * n_agents  # work left on a paused ticket
    busy_hours = [0.0] * n_agents
    msp_hours = [0.0] * len(model.msp)
    is_generalist = [a.kind == AgentKind.GENERALIST for a in agents]
    factors = model.factors.tolist()
    domains = model.domains
    can = [[[a.can_resolve(d, t) for t in TIERS] for d in domains] for a in agents]
    agent_lines: list[list[WaitingLine]] = [[] for _ in range(n_agents)]
    reopen_share = settings.reopen_work_share
    decisions: list[tuple[float, str, str]] = []
    segments: list[tuple[int, int, float, float]] = []
    seq = 0

    def line_for(spec: QueueSpec) -> WaitingLine:
        line = state.lines.get(spec.name)
        if line is None:
            line = WaitingLine(spec)
            state.lines[spec.name] = line
            for agent in agents:
                if spec.admits(agent):
                    agent_lines[agent.index].append(line)
        return line

    def start(a: int, ticket: SimTicket, limit: float | None) -> None:
        nonlocal seq
        now = state.now
        state.set_free(a, False)
        if ticket.first_response is None:
            ticket.first_response = now
        d, t = ticket.domain_index, ticket.tier_index
        # A generalist given specialist-tier work under a time limit makes the first line's
        # attempt and escalates, whatever its level: the calibrated tier says a specialist held
        # the ticket, so the first line's strength is already in the history's tiers.
        if can[a][d][t] and not (t == 1 and limit is not None and is_generalist[a]):
            duration = ticket.work * factors[a][d][t]
            escalate = False
            if limit is not None and is_generalist[a] and duration > limit:
                duration, escalate = limit, True
        else:
            duration = ticket.attempt if limit is None else min(ticket.attempt, limit)
            escalate = True
        if is_generalist[a]:
            ticket.generalist_hours += duration
        ticket.escalate_next = escalate
        busy_with[a] = ticket
        run(a, duration)

    def run(a: int, duration: float) -> None:
        nonlocal seq
        now = state.now
        segment_start[a] = now
        planned_finish[a] = now + duration
        seq += 1
        done_seq[a] = seq
        heapq.heappush(events, (now + duration, seq, DONE, a))

    def stop_segment(a: int) -> None:
        begun, now = segment_start[a], state.now
        lo, hi = max(begun, warmup), min(now, horizon)
        if hi > lo:
            busy_hours[a] += hi - lo
        if audit:
            ticket = busy_with[a]
            assert ticket is not None
            segments.append((a, ticket.index, begun, now))

    def pull(a: int) -> None:
        best: WaitingLine | None = None
        best_key: tuple[int, float, int] = (99, INF, 0)
        for line in agent_lines[a]:
            heap = line.heap
            if heap:
                top = heap[0]
                key = (top[0], top[1], top[2])
                if key < best_key:
                    best, best_key = line, key
        if best is not None:
            ticket, limit = best.pop()
            start(a, ticket, limit)

    def apply(ticket: SimTicket, decision: Decision) -> None:
        nonlocal seq
        if len(decisions) < trace:
            decisions.append((state.now, ticket.id, decision.reason))
        if decision.agent is not None:
            start(decision.agent.index, ticket, decision.work_limit_hours)
            return
        if decision.msp is not None:
            contract_index = model.msp.index(decision.msp)
            contract = decision.msp
            now = state.now
            response = now + contract.response_hours
            if ticket.first_response is None:
                ticket.first_response = response
            ticket.msp_index = contract_index
            duration = ticket.work * contract.handling_factor
            if ticket.opened_at >= warmup:
                msp_hours[contract_index] += duration
            seq += 1
            heapq.heappush(events, (response + duration, seq, MSP_DONE, ticket))
            return
        assert decision.queue is not None
        line = line_for(decision.queue)
        seq += 1
        line.push(ticket, decision.work_limit_hours, seq, state.now)
        # Work conservation: if an agent able to serve this line is free, it takes the head.
        for agent in state.free_agents():
            if line in agent_lines[agent.index]:
                pull(agent.index)
                break

    def resolve(ticket: SimTicket) -> None:
        nonlocal seq
        if ticket.done_at is None:
            ticket.done_at = state.now
        if ticket.reopens and not ticket.reopened:
            seq += 1
            heapq.heappush(events, (state.now + ticket.reopen_delay, seq, REOPEN, ticket))

    arrivals = draws.arrival.tolist()
    t_domain = draws.domain.tolist()
    t_tier = draws.tier.tolist()
    t_priority = draws.priority.tolist()
    t_work = draws.work.tolist()
    t_attempt = draws.attempt.tolist()
    t_reopens = draws.reopens.tolist()
    t_delay = draws.reopen_delay.tolist()
    t_direct = draws.direct.tolist()
    tickets: list[SimTicket] = []
    count = len(arrivals)
    i = 0
    next_arrival = arrivals[0] if count else INF
    decide = policy.decide
    stop_at = trace if until_traced else -1
    while len(decisions) != stop_at:
        if events and events[0][0] <= next_arrival:
            when, event_seq, kind, subject = heapq.heappop(events)
            if when > end:
                break
            state.now = when
            if kind == DONE:
                a = subject
                if event_seq != done_seq[a]:
                    continue  # the work was paused at a shift end; a newer event stands
                stop_segment(a)
                ticket = busy_with[a]
                busy_with[a] = None
                assert ticket is not None
                if ticket.escalate_next:
                    ticket.escalate_next = False
                    ticket.stage = Stage.ESCALATED
                    ticket.escalations += 1
                    apply(ticket, decide(ticket, state))
                else:
                    resolve(ticket)
                if on_duty[a]:
                    state.set_free(a, True)
                    pull(a)
            elif kind == MSP_DONE:
                resolve(subject)
            elif kind == REOPEN:
                ticket = subject
                ticket.reopened = True
                ticket.stage = Stage.DIRECT if ticket.direct else Stage.REOPENED
                ticket.work *= reopen_share
                ticket.attempt *= reopen_share
                apply(ticket, decide(ticket, state))
            elif kind == SHIFT_ON:
                for a in subject:
                    on_duty[a] = True
                    if busy_with[a] is None:
                        state.set_free(a, True)
                        pull(a)
                    else:  # resume the ticket paused at the end of the last shift
                        run(a, remaining[a])
            else:  # SHIFT_OFF: the ticket in hand waits for the agent's next shift
                for a in subject:
                    on_duty[a] = False
                    state.set_free(a, False)
                    if busy_with[a] is not None:
                        stop_segment(a)
                        remaining[a] = planned_finish[a] - when
                        done_seq[a] = -1
        elif i < count:
            state.now = next_arrival
            d = t_domain[i]
            ticket = SimTicket(
                i,
                domains[d],
                d,
                t_tier[i],
                t_priority[i],
                next_arrival,
                t_work[i],
                t_attempt[i],
                t_reopens[i],
                t_delay[i],
                t_direct[i],
            )
            tickets.append(ticket)
            i += 1
            next_arrival = arrivals[i] if i < count else INF
            apply(ticket, decide(ticket, state))
        else:
            break

    nan = float("nan")
    return ReplicationResult(
        arrival=draws.arrival,
        first_response=np.array(
            [nan if t.first_response is None else t.first_response for t in tickets]
        ),
        resolved=np.array([nan if t.done_at is None else t.done_at for t in tickets]),
        domain=draws.domain,
        tier=draws.tier,
        priority=draws.priority,
        escalations=np.array([t.escalations for t in tickets], dtype=np.int64),
        msp=np.array([t.msp_index for t in tickets], dtype=np.int64),
        reopened=np.array([t.reopened for t in tickets], dtype=bool),
        direct=draws.direct,
        busy_hours=np.array(busy_hours),
        msp_hours=np.array(msp_hours),
        decisions=decisions,
        segments=segments,
    )
