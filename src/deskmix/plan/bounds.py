"""Analytic staffing per pool: where the search starts and the floor it may not go below.

Pools follow the ``generalist_first`` policy the planner simulates (time limit L, default 0.75 h)
on the calibrated escalation (``Workload.direct_shares``: a share q of a domain's
specialist-tier tickets goes straight to specialists):

- generalists take every generalist-tier ticket and see it through (``E[X]`` hours: the policy
  does not escalate first-line work for running long), and attempt the other ``1 - q`` of the
  specialist-tier tickets, ``E[min(A, L)]`` each, A the domain's generalist-tier draw;
- each domain's in-house specialists take all its specialist-tier work (``E[W]`` at level 3),
  escalated or direct;
- a domain bought from an MSP has no in-house specialist pool.

Shift coverage rule: all of a week's work must be done while the new hires are on duty, so
the on-duty offered load is ``weekly work hours / on-duty hours per week`` (and likewise the
arrival rate). This is exact when tickets arrive only on duty and optimistic about waits for
tickets that arrive off duty (they wait for the next shift whatever the headcount).

Staff per pool: the stability floor ``floor(a) + 1`` is a true lower bound (fewer and the
queue grows without limit). The starting point is Erlang C for generalists (fewest people with
P(wait <= response target) >= share for every priority's response target, treating the pool as
first come first served) and square-root staffing ``ceil(a + sqrt(a))`` for specialists, whose
SLA is a resolution time that also holds the first-line attempt.

Shrinkage: new hires work a share ``1 - s`` of their shift hours (``hire_shrinkage``: the
expected share lost to public holidays, leave, sickness, training and meetings, from the cost
file's ``shrinkage``), so every staff figure above, counted in people at work, is divided by
``1 - s`` to give people hired: ``ceil(c / (1 - s))``, and the floor ``floor(a / (1 - s)) + 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import integrate, stats

from deskmix.domain.sla import SlaPolicy, SlaTarget
from deskmix.domain.team import Shift
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.plan.erlang import erlang_c_staff, square_root_staff
from deskmix.plan.inputs import CostTable
from deskmix.routing.policies import GeneralistFirst
from deskmix.sim.absences import expected_shrinkage
from deskmix.sim.model import SimSettings, frozen_distribution

TIME_LIMIT = GeneralistFirst().time_limit_hours


@dataclass(frozen=True)
class PoolBound:
    """Load and staffing figures of one pool."""

    pool: str  # "generalists" or a domain name
    tickets_per_week: float
    work_hours_per_week: float
    offered_on_duty: float  # Erlangs while the new hires are on duty
    stability: int
    erlang_c: int | None
    square_root: int
    start: int
    rule: str
    shrinkage: float = 0.0  # share of the hires' shift hours lost; staff figures are hires


def hire_shrinkage(costs: CostTable, year: int | None = None) -> tuple[float, float]:
    """Expected shrinkage of a new generalist and of a new specialist (0 without any)."""
    year = SimSettings().start_date.year if year is None else year
    if costs.shrinkage is None:
        return 0.0, 0.0
    weekly = np.zeros(168, dtype=bool)
    for shift in costs.constraints.shifts:
        weekly[sorted(shift.hours_of_week())] = True
    return (
        expected_shrinkage(costs.shrinkage.generalist, weekly, year),
        expected_shrinkage(costs.shrinkage.specialist, weekly, year),
    )


def _hired(people: int, share: float) -> int:
    """People at work -> people hired, when a share of their hours is lost."""
    if share <= 0 or people <= 0:
        return people
    return math.ceil(people / (1 - share) - 1e-9)


def _shrunk(bound: PoolBound, share: float) -> PoolBound:
    if share <= 0:
        return bound
    return replace(
        bound,
        stability=math.floor(bound.offered_on_duty / (1 - share)) + 1
        if bound.offered_on_duty > 0
        else bound.stability,
        erlang_c=_hired(bound.erlang_c, share) if bound.erlang_c is not None else None,
        square_root=_hired(bound.square_root, share),
        start=_hired(bound.start, share),
        rule=f"{bound.rule}; divided by 1 - s with shrinkage s = {share:.1%}",
        shrinkage=share,
    )


def _distribution(workload: Workload, domain: str, tier: Tier) -> stats.rv_continuous:
    fits = [h for h in workload.handling if h.domain == domain and h.tier == tier]
    if not fits:  # the simulator's fallback: best-observed fit of the tier, then any
        fits = [h for h in workload.handling if h.tier == tier] or list(workload.handling)
    if not fits:
        raise ConfigError("the workload has no handling times; calibrate it or write them")
    return frozen_distribution(max(fits, key=lambda h: h.observed).chosen)


def reference_mean(workload: Workload, domain: str, tier: Tier) -> float:
    """Mean handling hours of the domain's work of a tier at the reference skill level."""
    return float(_distribution(workload, domain, tier).mean())


GRID = 4001  # points of the integrals below: vectorised, far quicker than adaptive quadrature


def _capped_mean(dist: stats.rv_continuous, limit: float) -> float:
    """E[min(X, limit)] = integral of the survival function from 0 to limit."""
    x = np.linspace(0.0, limit, GRID)
    return float(integrate.simpson(dist.sf(x), x=x))


def on_duty_hours(shifts: list[Shift]) -> int:
    hours: set[int] = set()
    for shift in shifts:
        hours |= shift.hours_of_week()
    return len(hours)


def pool_bounds(
    workload: Workload,
    sla: SlaPolicy,
    shifts: list[Shift],
    msp_domains: frozenset[str] = frozenset(),
    shrinkage: tuple[float, float] = (0.0, 0.0),
) -> list[PoolBound]:
    """Generalists first, then one pool per domain with in-house specialist-tier work;
    ``shrinkage`` is the hires' (generalist, specialist) share of shift hours lost."""
    on_duty = on_duty_hours(shifts)
    if on_duty == 0:
        raise ConfigError("the new hires' shifts cover no hour of the week")
    domains = sorted({s.domain for s in workload.arrivals})
    spec_domains = {
        s.domain for s in workload.arrivals if s.tier == Tier.SPECIALIST and s.tickets_per_week > 0
    }
    in_house = sorted(spec_domains - msp_domains)
    direct = workload.direct_shares()
    g_tickets = g_work = 0.0
    s_tickets = dict.fromkeys(in_house, 0.0)
    s_work = dict.fromkeys(in_house, 0.0)
    for domain in domains:
        gen = _distribution(workload, domain, Tier.GENERALIST)
        streams = [s for s in workload.arrivals if s.domain == domain]
        deep = sum(s.tickets_per_week for s in streams if s.tier == Tier.SPECIALIST)
        broad = sum(s.tickets_per_week for s in streams if s.tier != Tier.SPECIALIST)
        attempted = deep * (1.0 - direct.get(domain, 0.0))
        g_tickets += attempted + broad
        g_work += broad * float(gen.mean())
        if attempted:  # the integral once per domain: it dominates the planner's set-up time
            g_work += attempted * _capped_mean(gen, TIME_LIMIT)
        if domain in s_work and deep:
            s_tickets[domain] += deep
            s_work[domain] += deep * float(_distribution(workload, domain, Tier.SPECIALIST).mean())
    present = {s.priority for s in workload.arrivals if s.tickets_per_week > 0}
    targets = [t for t in sla.targets if t.priority in present]
    out = [_shrunk(_generalists(g_tickets, g_work, on_duty, targets), shrinkage[0])]
    for domain in in_house:
        offered = s_work[domain] / on_duty
        root = square_root_staff(offered)
        out.append(
            _shrunk(
                PoolBound(
                    pool=domain,
                    tickets_per_week=s_tickets[domain],
                    work_hours_per_week=s_work[domain],
                    offered_on_duty=offered,
                    stability=math.floor(offered) + 1,
                    erlang_c=None,
                    square_root=root,
                    start=root,
                    rule=f"square-root staffing ceil(a + sqrt(a)) with a = {offered:.2f} Erlangs",
                ),
                shrinkage[1],
            )
        )
    return out


def _generalists(tickets: float, work: float, on_duty: int, targets: list[SlaTarget]) -> PoolBound:
    offered = work / on_duty
    rate = tickets / on_duty
    root = square_root_staff(offered)
    if tickets <= 0:
        return PoolBound("generalists", 0.0, 0.0, 0.0, 0, None, 0, 0, "no tickets")
    mean = work / tickets
    staff = max(
        (erlang_c_staff(rate, mean, t.response_hours, t.share) for t in targets),
        default=root,
    )
    binding = max(
        targets,
        key=lambda t: erlang_c_staff(rate, mean, t.response_hours, t.share),
        default=None,
    )
    why = (
        f"Erlang C: {staff} people give P(wait <= {binding.response_hours:g} h) >= "
        f"{binding.share:.0%} ({binding.priority} response) at a = {offered:.2f} Erlangs"
        if binding
        else "square-root staffing"
    )
    return PoolBound(
        pool="generalists",
        tickets_per_week=tickets,
        work_hours_per_week=work,
        offered_on_duty=offered,
        stability=math.floor(offered) + 1,
        erlang_c=staff,
        square_root=root,
        start=staff,
        rule=why,
    )
