"""Scheduling a portfolio on the hours the rule gives it, and the project KPIs of a run.

**Supply.** Under the ``reserved`` rule a project may use the reserved hours
(``SimSettings.reserved_share``, ``deskmix.sim.absences.reserve_for_projects``) of every
in-house specialist at level 3 or more in one of its domains, on the days that person is at
work in the replication (leave and sickness drawn as for tickets take their reserved hours
too). A cross-trained person's reserved hours are not split in advance: each day they go to
whichever of their domains' projects is due first, so a quiet domain's share is not wasted.

**Schedule** (day by day from the run's first day, ``SimSettings.start_date``): the open
projects (earliest start reached, hours left) in earliest-due-first order (then priority,
then name) take the day's hours of the people able to work on them, least versatile first
(as the router prefers one-domain specialists). After the run's last day the schedule goes on
with the run's average week (each weekday's mean over the run's full weeks), so a project due
after the run (or late) still gets a finish date; one nobody can ever work on has none
(``never``).

**MSP project hours** (planning): at the end of a project's due day, hours still missing are
bought from the cheapest offer whose ``project_hours`` cover one of its domains and whose
lead time has passed; the project is then on time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deskmix.domain.projects import Portfolio, Project
from deskmix.domain.team import MspContract, Team
from deskmix.sim.absences import PROJECT_LEVEL, draw_absent_days, works_on_projects
from deskmix.sim.model import CompiledModel

EXTRA_DAYS = 5 * 366  # how far past the run a schedule may go before a project is "never"


@dataclass(frozen=True)
class Supply:
    """Hours per day each worker can give projects, and the domains they may work in."""

    hours: NDArray[np.float64]  # workers x days (the run's days)
    domains: tuple[frozenset[str], ...]
    names: tuple[str, ...]
    cost_per_hour: tuple[float, ...]
    hired: int = 0  # the last rows: project specialists a plan adds (not reserved hours)

    @property
    def reserved(self) -> NDArray[np.float64]:
        """Rows of the reserved hours (without project hires)."""
        return self.hours[: self.hours.shape[0] - self.hired]

    def with_workers(
        self, hours: NDArray[np.float64], domains: list[frozenset[str]], names: list[str]
    ) -> Supply:
        return Supply(
            np.vstack([self.hours, hours]) if hours.size else self.hours,
            (*self.domains, *domains),
            (*self.names, *names),
            (*self.cost_per_hour, *([0.0] * len(names))),
            self.hired + len(names),
        )


@dataclass(frozen=True)
class Outcome:
    """One project in one schedule."""

    project: Project
    hours_in_run: float  # in-house and MSP hours delivered within the run
    msp_hours: float
    msp_cost: float
    short_at_due: float  # hours still missing at the end of the due day (before any MSP)
    finish: dt.date | None  # None: nobody can ever work on it

    @property
    def on_time(self) -> bool:
        return self.finish is not None and self.finish <= self.project.due

    @property
    def days_late(self) -> float:
        if self.finish is None:
            return math.inf
        return float(max(0, (self.finish - self.project.due).days))


def supply_of(model: CompiledModel, team: Team, seed: np.random.SeedSequence | int) -> Supply:
    """The reserved hours each specialist is at work for in the replication with ``seed``,
    per day of the run (warm-up included: it is time that passes for projects too)."""
    days = int(model.settings.horizon_hours // 24)
    agents = len(model.agents)
    reserved = model.reserved
    if reserved is None or agents == 0:
        return Supply(np.zeros((0, days)), (), (), ())
    mask = reserved.copy()
    if model.absence_plan is not None:
        absent = draw_absent_days(model.absence_plan, agents, seed)
        mask &= ~np.repeat(absent, 24, axis=1)[:, : mask.shape[1]]
    hours = mask[:, : days * 24].reshape(agents, days, 24).sum(axis=2).astype(float)
    keep = [i for i in range(agents) if hours[i].any()]
    return Supply(
        hours[keep],
        tuple(
            frozenset(d for d, level in team.agents[i].skills.items() if level >= PROJECT_LEVEL)
            for i in keep
        ),
        tuple(team.agents[i].name for i in keep),
        tuple(team.agents[i].cost_per_hour for i in keep),
    )


def idle_supply(
    model: CompiledModel,
    team: Team,
    seed: np.random.SeedSequence | int,
    kpis: dict[str, float],
) -> Supply:
    """Rule ``tickets_first``: each specialist's hours at work in the replication (after its
    leave and sickness) times their idle share ``1 - utilisation`` in that replication
    (``kpis``, its ``utilisation/agent:NAME``). The replication keeps busy hours per agent for
    the measured weeks only, not per week, so the idle share is that average, spread evenly
    over every day at work (warm-up and weeks included)."""
    days = int(model.settings.horizon_hours // 24)
    available = model.for_replication(seed).available[:, : days * 24]
    keep = [i for i, a in enumerate(team.agents) if works_on_projects(a)]
    rows = []
    for i in keep:
        used = kpis.get(f"utilisation/agent:{team.agents[i].name}", math.nan)
        idle = 0.0 if math.isnan(used) else min(max(1.0 - used, 0.0), 1.0)
        rows.append(available[i].reshape(days, 24).sum(axis=1) * idle)
    return Supply(
        np.array(rows, dtype=float).reshape(len(keep), days),
        tuple(
            frozenset(d for d, level in team.agents[i].skills.items() if level >= PROJECT_LEVEL)
            for i in keep
        ),
        tuple(team.agents[i].name for i in keep),
        tuple(team.agents[i].cost_per_hour for i in keep),
    )


def _msp_price(project: Project, day: int, offers: Sequence[MspContract]) -> float | None:
    prices = [
        o.project_hours.price_per_hour
        for o in offers
        if o.project_hours is not None
        and day >= o.project_hours.lead_time_weeks * 7
        and set(o.project_hours.domains) & set(project.domains)
    ]
    return min(prices) if prices else None


def schedule(
    portfolio: Portfolio,
    supply: Supply,
    start: dt.date,
    offers: Sequence[MspContract] = (),
) -> list[Outcome]:
    """Earliest due first on ``supply`` (module docstring); outcomes in the portfolio's order."""
    run_days = supply.hours.shape[1]
    projects = sorted(portfolio.projects, key=lambda p: (p.due, p.priority, p.name))
    left = {p.name: p.effort_hours for p in projects}
    opens = {p.name: (p.earliest_start - start).days for p in projects}
    dues = {p.name: (p.due - start).days for p in projects}
    in_run = dict.fromkeys(left, 0.0)
    bought = dict.fromkeys(left, 0.0)
    cost = dict.fromkeys(left, 0.0)
    short = dict.fromkeys(left, 0.0)
    finish: dict[str, int] = {}
    order = sorted(range(len(supply.domains)), key=lambda w: (len(supply.domains[w]), w))
    able = {p.name: [w for w in order if supply.domains[w] & set(p.domains)] for p in projects}
    full = run_days // 7
    week = (
        supply.hours[:, : full * 7].reshape(len(supply.domains), full, 7).mean(axis=1)
        if full
        else supply.hours
    )
    never = {
        p.name
        for p in projects
        if not any(supply.hours[w].any() for w in able[p.name])
        and (not offers or _msp_price(p, 10**9, offers) is None)
    }
    last_due = max(dues.values(), default=0)
    limit = max(run_days, last_due + 1) + EXTRA_DAYS
    day = 0
    while day < limit and any(left[n] > 1e-9 for n in left if n not in never):
        if day < run_days:
            today = supply.hours[:, day].copy()
        elif week.shape[1]:
            today = week[:, day % week.shape[1]].copy()
        else:
            today = np.zeros(len(supply.domains))
        for p in projects:
            name = p.name
            if left[name] <= 1e-9 or opens[name] > day:
                continue
            for w in able[name]:
                take = min(today[w], left[name])
                if take <= 0:
                    continue
                today[w] -= take
                left[name] -= take
                if day < run_days:
                    in_run[name] += take
                if left[name] <= 1e-9:
                    finish[name] = day
                    break
        for p in projects:
            name = p.name
            if day == max(dues[name], 0) and left[name] > 1e-9:
                short[name] = left[name]
                price = _msp_price(p, day, offers) if offers else None
                if price is not None:
                    bought[name], cost[name] = left[name], left[name] * price
                    if day < run_days:
                        in_run[name] += left[name]
                    left[name] = 0.0
                    finish[name] = day
        day += 1
    out = {
        p.name: Outcome(
            project=p,
            hours_in_run=in_run[p.name],
            msp_hours=bought[p.name],
            msp_cost=cost[p.name],
            short_at_due=short[p.name],
            finish=start + dt.timedelta(days=finish[p.name]) if p.name in finish else None,
        )
        for p in projects
    }
    return [out[p.name] for p in portfolio.projects]
