"""Compiling a Workload, a Team and SLA targets into the arrays the engine runs on.

Done once per scenario, outside the replications, so the event loop only indexes arrays.

Handling time of one piece of work = the workload's fitted draw for the ticket's domain x tier,
times a skill factor ``1.25 ** (reference - level)``: reference level 2 for generalist work and 3
for specialist work, so an agent at the reference level works at the calibrated speed (the
history's average resolver), each level above is 20% faster and each level below 25% slower.
Generalists count at least level 2 on generalist work: breadth is their trade.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from deskmix.domain.calendar import WeekCalendar, business_calendar
from deskmix.domain.priority import Priority
from deskmix.domain.sla import Clock, SlaPolicy
from deskmix.domain.team import AgentKind, MspContract, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DELAY_PROBABILITIES, HOURS_PER_WEEK, HandlingFit, Workload
from deskmix.errors import ConfigError
from deskmix.routing.base import AgentView
from deskmix.sim.absences import (
    AbsencePlan,
    apply_fixed,
    draw_absent_days,
    reserve_for_projects,
)

T = TypeVar("T")

TIERS: tuple[Tier, Tier] = (Tier.GENERALIST, Tier.SPECIALIST)
SKILL_STEP = 1.25


def skill_factor(level: int, tier: Tier, kind: AgentKind) -> float:
    reference = 3 if tier == Tier.SPECIALIST else 2
    if tier == Tier.GENERALIST and kind == AgentKind.GENERALIST:
        level = max(level, 2)
    return float(SKILL_STEP ** (reference - min(max(level, 1), 5)))


def frozen_distribution(fit: HandlingFit) -> stats.rv_continuous:
    """The scipy distribution of a fit (parameters as ``HandlingFit`` documents them)."""
    p = fit.params
    try:
        if fit.family == "exponential":
            return stats.expon(scale=p["scale"])
        if fit.family == "lognormal":
            return stats.lognorm(p["sigma"], scale=float(np.exp(p["mu"])))
        if fit.family == "gamma":
            return stats.gamma(p["shape"], scale=p["scale"])
        return stats.weibull_min(p["shape"], scale=p["scale"])
    except KeyError as exc:
        raise ConfigError(
            f"handling fit {fit.family} lacks parameter {exc}; expected exponential: scale; "
            "lognormal: mu, sigma; gamma: shape, scale; weibull: shape, scale"
        ) from exc


@dataclass(frozen=True)
class SimSettings:
    """Run length and behaviour not in the Workload or the Team."""

    weeks: float = 13.0
    warmup_weeks: float = 1.0
    drain_weeks: float = 2.0
    reopen_delay_hours: float = 24.0
    reopen_work_share: float = 0.5
    load_factor: float = 1.0
    domain_load: dict[str, float] = field(default_factory=dict)
    absences: tuple[tuple[str, float, float], ...] = ()  # (agent, start hour, end hour)
    holidays: tuple[int, ...] = ()  # day numbers (0 = first Monday) when in-house staff are off
    start_date: dt.date = dt.date(2025, 1, 6)
    """The Monday that simulation hour 0 begins: dates for public holidays and the season of
    leave (``deskmix.sim.absences``). Matters only for people with shrinkage."""
    delays: bool = False
    """Add each ticket's drawn extraneous delay (``Workload.delays``: waiting on users, or on an
    agent busy with other tickets) to its resolution: wall-clock times comparable with history
    (``deskmix validate``). Off for plans: an SLA clock pauses while a ticket waits on its user,
    and no staffing shortens that wait."""
    reserved_share: float = 0.0
    """Share of every in-house specialist's hours reserved for projects and taken out of
    ticket work (a portfolio's ``reserved`` rule, ``deskmix.projects``); 0: none."""

    @property
    def horizon_hours(self) -> float:
        return (self.warmup_weeks + self.weeks) * HOURS_PER_WEEK

    @property
    def warmup_hours(self) -> float:
        return self.warmup_weeks * HOURS_PER_WEEK

    @property
    def end_hours(self) -> float:
        return self.horizon_hours + self.drain_weeks * HOURS_PER_WEEK


@dataclass
class CompiledModel:
    """Everything a replication needs, as plain arrays and small lists."""

    settings: SimSettings
    domains: list[str]
    stream_domain: NDArray[np.int64]
    stream_tier: NDArray[np.int64]
    stream_priority: NDArray[np.int64]
    stream_rates: NDArray[np.float64]  # streams x 168, tickets per hour
    handling: dict[tuple[int, int], stats.rv_continuous]
    reopen_p: NDArray[np.float64]
    direct_p: NDArray[np.float64]
    """Per domain, the chance a specialist-tier ticket goes straight to specialists
    (``Workload.direct_shares``), so the first line escalates the calibrated share."""
    delay_quantiles: NDArray[np.float64]  # domains x tiers x priorities (0..5) x probabilities
    agents: list[AgentView]
    available: NDArray[np.bool_]  # agents x hours until end
    paid: NDArray[np.bool_]  # agents x hours: on shift (absences still paid)
    msp: list[MspContract]
    sla_response: NDArray[np.float64]  # index 1..5 by priority; 0 unused
    sla_resolution: NDArray[np.float64]
    sla_business: NDArray[np.bool_]
    sla_share: NDArray[np.float64]
    business: WeekCalendar  # the SLA's business hours (simulation hour 0 is a Monday 00:00)
    absence_plan: AbsencePlan | None = None
    """Leave and sickness each replication draws (None: nobody has any)."""
    scheduled_days: NDArray[np.bool_] | None = None
    """Agents x run days: on shift that day and not on a public holiday."""
    reserved: NDArray[np.bool_] | None = None
    """Agents x hours reserved for projects (``SimSettings.reserved_share``), not in
    ``available``; None when nothing is reserved."""
    factors: NDArray[np.float64] = field(init=False)  # agents x domains x tiers
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """What ``once`` has worked out, by builder."""

    def __post_init__(self) -> None:
        self.factors = np.array(
            [
                [[skill_factor(a.level(d), t, a.kind) for t in TIERS] for d in self.domains]
                for a in self.agents
            ],
            dtype=float,
        ).reshape(len(self.agents), len(self.domains), 2)

    def once(self, build: Callable[[CompiledModel], T]) -> T:
        """``build(self)``, worked out on the first call and kept: the planner runs hundreds
        of replications of one model, and what depends only on the model need not be redone
        for each. Builders must read only the model's fields."""
        key = f"{build.__module__}.{build.__qualname__}"
        if key not in self.derived:
            self.derived[key] = build(self)
        return self.derived[key]  # type: ignore[no-any-return]

    def for_replication(self, seed: np.random.SeedSequence | int) -> CompiledModel:
        """This model with the replication's leave and sickness taken out of ``available``;
        the model itself when nobody has any (bit for bit as before shrinkage existed)."""
        if self.absence_plan is None:
            return self
        absent = draw_absent_days(self.absence_plan, len(self.agents), seed)
        hours = self.available.shape[1]
        clone = copy.copy(self)
        clone.available = self.available & ~np.repeat(absent, 24, axis=1)[:, :hours]
        clone.derived = {}  # shift changes and capacity follow the new availability
        return clone


def _handling(workload: Workload, domains: list[str]) -> dict[tuple[int, int], stats.rv_continuous]:
    fits = {(h.domain, h.tier): h for h in workload.handling}
    if not fits:
        raise ConfigError("the workload has no handling times; calibrate it or write them")
    out: dict[tuple[int, int], stats.rv_continuous] = {}
    for d_index, domain in enumerate(domains):
        for t_index, tier in enumerate(TIERS):
            fit = fits.get((domain, tier))
            if fit is None:  # fall back to the best-observed fit of the same tier, then any
                same_tier = [h for h in workload.handling if h.tier == tier]
                pool = same_tier or list(workload.handling)
                fit = max(pool, key=lambda h: h.observed)
            out[(d_index, t_index)] = frozen_distribution(fit.chosen)
    return out


def _delay_table(workload: Workload, domains: list[str], wanted: bool) -> NDArray[np.float64]:
    """Per domain x tier x priority, the delay quantiles to draw from: the cell's own, else
    its domain x tier's, else its tier's; zeros where the workload has none (or not wanted)."""
    table = np.zeros((len(domains), len(TIERS), 6, len(DELAY_PROBABILITIES)))
    if not wanted:
        return table
    cells = {(d.domain, d.tier, d.priority): d.quantiles_hours for d in workload.delays}
    for d_index, domain in enumerate(domains):
        for t_index, tier in enumerate(TIERS):
            for p in range(1, 6):
                priority = Priority(f"P{p}")
                for key in ((domain, tier, priority), (domain, tier, None), ("*", tier, None)):
                    if key in cells:
                        table[d_index, t_index, p] = cells[key]
                        break
    return table


def _availability(
    team: Team, settings: SimSettings, hours: int
) -> tuple[
    NDArray[np.bool_], NDArray[np.bool_], AbsencePlan | None, NDArray[np.bool_], NDArray[np.bool_]
]:
    weekly = np.array([a.on_duty() for a in team.agents], dtype=bool).reshape(
        len(team.agents), HOURS_PER_WEEK
    )
    repeats = -(-hours // HOURS_PER_WEEK)
    paid = np.tile(weekly, (1, repeats))[:, :hours]
    available = paid.copy()
    plan, holiday = apply_fixed(team, settings.start_date, available)
    reserved = reserve_for_projects(team, settings.reserved_share, available)
    days = holiday.shape[1]
    padded = np.zeros((len(team.agents), days * 24), dtype=bool)
    padded[:, :hours] = paid
    scheduled = padded.reshape(len(team.agents), days, 24).any(axis=2) & ~holiday
    names = {a.name: i for i, a in enumerate(team.agents)}
    for name, start, end in settings.absences:
        if name not in names:
            raise ConfigError(f"absence for unknown agent '{name}'")
        lo, hi = max(0, int(np.floor(start))), min(hours, int(np.ceil(end)))
        available[names[name], lo:hi] = False
    for day in settings.holidays:
        available[:, day * 24 : (day + 1) * 24] = False
    return available, paid, plan, scheduled, reserved


def compile_model(
    workload: Workload, team: Team, sla: SlaPolicy, settings: SimSettings
) -> CompiledModel:
    """Check the three inputs fit together and turn them into arrays.

    People marked ``left`` or ``absent`` in the team file are not simulated: they take no
    tickets now, the same picture the skills review and the planner's staff who stay use."""
    domains = sorted({s.domain for s in workload.arrivals})
    if not domains:
        raise ConfigError("the workload has no arrival streams")
    away = [a.name for a in team.agents if a.status != "active"]
    team = team.present()
    if not team.agents and not team.msp:
        why = f" (everyone is marked left or absent: {', '.join(away)})" if away else ""
        raise ConfigError(f"team '{team.name}' has neither agents nor MSP contracts{why}")
    index = {d: i for i, d in enumerate(domains)}
    shapes = {d: np.array(workload.weekly_shape(d)) for d in domains}
    rates = []
    for s in workload.arrivals:
        factor = settings.load_factor * settings.domain_load.get(s.domain, 1.0)
        rates.append(shapes[s.domain] * s.tickets_per_week * factor)
    reopen = np.zeros(len(domains))
    for e in workload.escalation:
        if e.domain in index and e.reopen_rate is not None:
            reopen[index[e.domain]] = e.reopen_rate
    shares = workload.direct_shares()
    direct = np.array([shares.get(d, 0.0) for d in domains])
    hours = int(np.ceil(settings.end_hours))
    available, paid, absence_plan, scheduled, reserved = _availability(team, settings, hours)
    sla_response = np.full(6, np.inf)
    sla_resolution = np.full(6, np.inf)
    sla_business = np.zeros(6, dtype=bool)
    sla_share = np.ones(6)
    for target in sla.targets:
        p = int(target.priority.value[1])
        sla_response[p] = target.response_hours
        sla_resolution[p] = target.resolution_hours
        sla_business[p] = target.clock == Clock.BUSINESS
        sla_share[p] = target.share
    agents = [
        AgentView(i, a.name, a.kind, dict(a.skills), a.cost_per_hour)
        for i, a in enumerate(team.agents)
    ]
    return CompiledModel(
        settings=settings,
        domains=domains,
        stream_domain=np.array([index[s.domain] for s in workload.arrivals], dtype=np.int64),
        stream_tier=np.array([TIERS.index(s.tier) for s in workload.arrivals], dtype=np.int64),
        stream_priority=np.array(
            [int(s.priority.value[1]) for s in workload.arrivals], dtype=np.int64
        ),
        stream_rates=np.array(rates, dtype=float).reshape(len(rates), HOURS_PER_WEEK) / 1.0,
        handling=_handling(workload, domains),
        reopen_p=reopen,
        direct_p=direct,
        delay_quantiles=_delay_table(workload, domains, settings.delays),
        agents=agents,
        available=available,
        paid=paid,
        msp=list(team.msp),
        sla_response=sla_response,
        sla_resolution=sla_resolution,
        sla_business=sla_business,
        sla_share=sla_share,
        business=business_calendar(sla),
        absence_plan=absence_plan,
        scheduled_days=scheduled,
        reserved=reserved if settings.reserved_share > 0 else None,
    )
