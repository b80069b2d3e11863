"""The discrete-event engine: one replication of one team under one policy.

A purpose-built loop rather than a general framework because its speed decides how many designs
the planner can try. Pre-drawn arrivals are merged with a heap of timed events (work done, MSP
done, reopen, shift on/off); each event is handed to the simulated desk (``sim/desk.py``),
which routes through ``Policy.decide`` with its ``SimState`` as the ``RoutingState`` (the same
policy classes route live tickets through the API) and carries decisions out with the dispatch
rules the live desk shares (``routing/dispatch.py``: queues by priority, then oldest; a freed
agent takes the best head among the queues it may serve).
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import heapq
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from deskmix.routing.base import Policy
from deskmix.sim.arrivals import TicketDraws, draw_tickets
from deskmix.sim.compiled import compiled_routes, run_compiled
from deskmix.sim.desk import SimDesk, SimTicket
from deskmix.sim.events import DONE, MSP_DONE, REOPEN, SHIFT_ON
from deskmix.sim.model import CompiledModel
from deskmix.sim.shifts import shift_changes

INF = float("inf")


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
    end = model.settings.end_hours
    desk = SimDesk.for_model(model, policy, trace, audit)
    state, events, done_seq = desk.state, desk.events, desk.done_seq
    changes = model.once(shift_changes)
    events.extend(changes.groups())
    heapq.heapify(events)
    desk.on_duty = changes.initial[:]
    for a, duty in enumerate(desk.on_duty):
        state.set_free(a, duty)
    domains = model.domains
    decisions = desk.decisions

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
    stop_at = trace if until_traced else -1
    while len(decisions) != stop_at:
        if events and events[0][0] <= next_arrival:
            when, event_seq, kind, subject = heapq.heappop(events)
            if when > end:
                break
            state.now = when
            if kind == DONE:
                if event_seq == done_seq[subject]:  # else paused at a shift end; a newer stands
                    desk.done(subject)
            elif kind == MSP_DONE:
                desk.resolve(subject)
            elif kind == REOPEN:
                desk.reopen(subject)
            elif kind == SHIFT_ON:
                desk.shift_on(subject)
            else:  # SHIFT_OFF
                desk.shift_off(subject)
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
            desk.route(ticket)
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
        busy_hours=np.array(desk.busy_hours),
        msp_hours=np.array(desk.msp_hours),
        decisions=decisions,
        segments=desk.segments,
    )
