"""Turn a model and a policy's route table into the arrays the compiled loop reads.

Kept apart from ``kernel`` so that module holds only compiled code, and from ``engine`` so the
Python loop stays readable as the reference the compiled one is tested against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deskmix.domain.team import AgentKind
from deskmix.routing.base import Policy
from deskmix.routing.routes import STAGES, RouteTable
from deskmix.sim.arrivals import TicketDraws
from deskmix.sim.kernel import N_STAGES, N_TIERS, route_entry
from deskmix.sim.model import TIERS, CompiledModel
from deskmix.sim.shifts import ShiftChanges, shift_changes


@dataclass(frozen=True)
class CompiledRoutes:
    """A route table as arrays; see ``kernel._route`` for how each column is read."""

    # rank start, rank end, rotation, queue, msp, overflow msp, overflow max queue (-1: none),
    # and whether a queued ticket must be offered to free agents outside the ranking
    routes_i: NDArray[np.int64]
    routes_f: NDArray[np.float64]  # agent limit, queue limit, overflow max wait (NaN: none)
    rank_agents: NDArray[np.int64]
    admits: NDArray[np.bool_]  # agents x queues
    watched: NDArray[np.bool_]  # per queue: an overflow rule asks how long its oldest waited
    rotation_start: int


def compile_routes(model: CompiledModel, table: RouteTable) -> CompiledRoutes:
    agents = model.agents
    assert (len(TIERS), len(STAGES)) == (N_TIERS, N_STAGES), "kernel's route layout is stale"
    entries = len(model.domains) * N_TIERS * N_STAGES
    routes_i = np.full((entries, 8), -1, dtype=np.int64)
    routes_f = np.full((entries, 3), math.nan)
    rank_agents: list[int] = []
    queues: dict[str, int] = {}
    admitted: list[list[bool]] = []
    watched: set[int] = set()
    for d_index, domain in enumerate(model.domains):
        for t_index, tier in enumerate(TIERS):
            for s_index, stage in enumerate(STAGES):
                route = table.routes[(d_index, t_index, stage)]
                e = route_entry(d_index, t_index, s_index)
                routes_i[e, 0] = len(rank_agents)
                rank_agents.extend(route.rank)
                routes_i[e, 1] = len(rank_agents)
                routes_i[e, 2] = int(route.rotation)
                if route.agent_limit_hours is not None:
                    routes_f[e, 0] = route.agent_limit_hours
                if route.queue is not None:
                    spec = route.queue
                    if spec.name not in queues:
                        queues[spec.name] = len(queues)
                        admitted.append([spec.admits(a) for a in agents])
                    q = queues[spec.name]
                    routes_i[e, 3] = q
                    tried = (
                        {a.index for a in agents if a.can_resolve(domain, tier)}
                        if route.rotation
                        else set(route.rank)
                    )
                    admitted_here = {a for a, ok in enumerate(admitted[q]) if ok}
                    routes_i[e, 7] = int(not admitted_here <= tried)
                    if route.queue_limit_hours is not None:
                        routes_f[e, 1] = route.queue_limit_hours
                if route.msp is not None:
                    routes_i[e, 4] = route.msp
                if route.overflow is not None:
                    routes_i[e, 5] = route.overflow.contract
                    routes_i[e, 6] = route.overflow.max_queue
                    routes_f[e, 2] = route.overflow.max_wait_hours
                    watched.add(routes_i[e, 3])
    admits = np.ascontiguousarray(
        np.array(admitted, dtype=bool).T.reshape(len(agents), len(queues))
    )
    return CompiledRoutes(
        routes_i,
        routes_f,
        np.array(rank_agents, dtype=np.int64),
        admits,
        np.array([q in watched for q in range(len(queues))], dtype=bool),
        table.rotation_start,
    )


def compiled_routes(model: CompiledModel, policy: Policy) -> CompiledRoutes | None:
    """The policy's table for this model, or None when the policy has none."""
    table = policy.routes(model.agents, model.msp, model.domains)
    return None if table is None else compile_routes(model, table)


@dataclass(frozen=True)
class CompiledRun:
    """Per-ticket results of the tickets that arrived, and per-agent/contract totals."""

    first_response: NDArray[np.float64]
    resolved: NDArray[np.float64]
    escalations: NDArray[np.int64]
    msp: NDArray[np.int64]
    reopened: NDArray[np.bool_]
    busy_hours: NDArray[np.float64]
    msp_hours: NDArray[np.float64]


@dataclass(frozen=True)
class _TeamArrays:
    """What the compiled loop needs from the model besides tickets and routes."""

    shifts: ShiftChanges
    on_duty: NDArray[np.int64]
    can: NDArray[np.bool_]  # agents x domains x tiers
    generalist: NDArray[np.bool_]
    msp: NDArray[np.float64]  # contracts x (response hours, handling factor)
    settings: NDArray[np.float64]  # warm-up, horizon, end, reopen work share


def _team_arrays(model: CompiledModel) -> _TeamArrays:
    """The model's arrays for the compiled loop (worked out once: ``CompiledModel.once``)."""
    agents, settings = model.agents, model.settings
    shifts = model.once(shift_changes)
    return _TeamArrays(
        shifts=shifts,
        on_duty=np.array(shifts.initial, dtype=np.int64),
        can=np.array(
            [[[a.can_resolve(d, t) for t in TIERS] for d in model.domains] for a in agents],
            dtype=bool,
        ).reshape(len(agents), len(model.domains), len(TIERS)),
        generalist=np.array([a.kind == AgentKind.GENERALIST for a in agents], dtype=bool),
        msp=np.array(
            [[c.response_hours, c.handling_factor] for c in model.msp], dtype=float
        ).reshape(len(model.msp), 2),
        settings=np.array(
            [
                settings.warmup_hours,
                settings.horizon_hours,
                settings.end_hours,
                settings.reopen_work_share,
            ]
        ),
    )


def run_compiled(model: CompiledModel, routes: CompiledRoutes, draws: TicketDraws) -> CompiledRun:
    from deskmix.sim import kernel  # Numba loads with the first compiled run

    static = model.once(_team_arrays)
    changes = static.shifts
    arrived, ticket_f, ticket_i, agent_f, msp_hours = kernel.simulate_compiled(
        draws.arrival,
        draws.domain,
        draws.tier,
        draws.priority,
        draws.work,
        draws.attempt,
        draws.reopens,
        draws.reopen_delay,
        draws.direct,
        static.settings,
        static.on_duty,
        changes.time,
        changes.seq,
        changes.kind,
        changes.start,
        changes.members,
        static.can,
        model.factors,
        static.generalist,
        routes.routes_i,
        routes.routes_f,
        routes.rank_agents,
        routes.admits,
        routes.watched,
        static.msp,
        routes.rotation_start,
    )
    ticket_f, ticket_i = ticket_f[:arrived], ticket_i[:arrived]
    return CompiledRun(
        first_response=ticket_f[:, kernel.T_FIRST_RESPONSE].copy(),
        resolved=ticket_f[:, kernel.T_DONE_AT].copy(),
        escalations=ticket_i[:, kernel.T_ESCALATIONS].copy(),
        msp=ticket_i[:, kernel.T_MSP].copy(),
        reopened=ticket_i[:, kernel.T_REOPENED].astype(bool),
        busy_hours=agent_f[:, kernel.A_BUSY_HOURS].copy(),
        msp_hours=msp_hours,
    )


def warm_up() -> None:
    """Compile the event loop now (Numba keeps it on disk), so the first simulation a user
    runs does not wait for the compiler. One tiny desk: one agent, one queue, one ticket."""
    from deskmix.sim import kernel

    ints = np.zeros(1, dtype=np.int64)
    kernel.simulate_compiled(
        np.zeros(1),  # arrival
        ints,  # domain
        ints,  # tier
        np.ones(1, dtype=np.int64),  # priority
        np.ones(1),  # work
        np.ones(1),  # attempt
        np.zeros(1, dtype=bool),  # reopens
        np.ones(1),  # reopen delay
        np.zeros(1, dtype=bool),  # direct
        np.array([0.0, 10.0, 20.0, 0.5]),  # settings
        np.ones(1, dtype=np.int64),  # on duty
        np.zeros(0),  # shift changes: time, seq, kind, start, members
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        ints,
        np.zeros(0, dtype=np.int64),
        np.ones((1, 1, 2), dtype=bool),  # can
        np.ones((1, 1, 2)),  # factors
        np.ones(1, dtype=bool),  # generalist
        np.array([[0, 1, 0, 0, -1, -1, -1, 0]] * 2 * N_STAGES, dtype=np.int64),  # routes
        np.full((2 * N_STAGES, 3), np.nan),
        ints,  # rank
        np.ones((1, 1), dtype=bool),  # admits
        np.zeros(1, dtype=bool),  # watched
        np.zeros((0, 2)),  # msp
        0,  # rotation start
    )
