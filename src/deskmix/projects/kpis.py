"""Project KPIs of a run, with 95% intervals across replications, and their 80-column table.

Per project: hours delivered within the run, on-time share (the replications in which it
finished by its due date), days late (0 when on time) and hours still missing at the end of
its due day. For the portfolio: the reserved hours at work per week and what they cost
(each person's reserved hours at their ``cost_per_hour``): what the projects cost in people.
The replications are the run's (replication r uses ``SeedSequence(seed).spawn(reps)[r]``),
so leave and sickness are the ones its tickets saw.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deskmix.domain.projects import Portfolio
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import MspContract, Team
from deskmix.domain.workload import HOURS_PER_WEEK, Workload
from deskmix.errors import ConfigError
from deskmix.projects.schedule import Outcome, Supply, idle_supply, schedule, supply_of
from deskmix.sim.kpis import Estimate, summarise
from deskmix.sim.model import CompiledModel, SimSettings, compile_model


@dataclass(frozen=True)
class ProjectRow:
    name: str
    due: str
    effort_hours: float
    hours_in_run: Estimate
    on_time: Estimate
    days_late: Estimate
    short_at_due: Estimate
    never: bool  # in some replication nobody could ever work on it


@dataclass(frozen=True)
class ProjectReport:
    rule: str
    reserved_share: float
    rows: list[ProjectRow]
    reserved_hours_per_week: Estimate
    reserved_cost_per_week: Estimate
    msp_hours: Estimate
    msp_cost: Estimate

    @property
    def all_on_time(self) -> bool:
        return all(r.on_time.mean >= 1 - 1e-12 for r in self.rows)


def replication_supplies(
    model: CompiledModel,
    team: Team,
    seed: int,
    reps: int,
    portfolio: Portfolio,
    runs: Sequence[dict[str, float]] | None = None,
) -> list[Supply]:
    """Per replication, the hours the portfolio's rule gives projects. ``tickets_first``
    needs ``runs``: the KPIs of the same replications (``SimulationResult.runs``)."""
    seeds = np.random.SeedSequence(seed).spawn(reps)
    if portfolio.rule == "tickets_first":
        if runs is None or len(runs) != reps:
            raise ConfigError("rule tickets_first needs the run's replications (their utilisation)")
        return [idle_supply(model, team, s, kpis) for s, kpis in zip(seeds, runs, strict=True)]
    return [supply_of(model, team, s) for s in seeds]


def report_from(
    portfolio: Portfolio,
    supplies: Sequence[Supply],
    outcomes: Sequence[Sequence[Outcome]],
    weeks: float,
) -> ProjectReport:
    runs: list[dict[str, float]] = []
    for supply, outs in zip(supplies, outcomes, strict=True):
        run: dict[str, float] = {
            "reserved_hours": float(supply.reserved.sum()) / weeks,
            "reserved_cost": float(
                sum(
                    h * c
                    for h, c in zip(supply.reserved.sum(axis=1), supply.cost_per_hour, strict=False)
                )
            )
            / weeks,
            "msp_hours": sum(o.msp_hours for o in outs),
            "msp_cost": sum(o.msp_cost for o in outs),
        }
        for o in outs:
            name = o.project.name
            run[f"in_run/{name}"] = o.hours_in_run
            run[f"on_time/{name}"] = float(o.on_time)
            run[f"late/{name}"] = o.days_late if o.finish is not None else math.nan
            run[f"short/{name}"] = o.short_at_due
        runs.append(run)
    summary = summarise(runs)
    rows = [
        ProjectRow(
            name=p.name,
            due=p.due.isoformat(),
            effort_hours=p.effort_hours,
            hours_in_run=summary[f"in_run/{p.name}"],
            on_time=summary[f"on_time/{p.name}"],
            days_late=summary[f"late/{p.name}"],
            short_at_due=summary[f"short/{p.name}"],
            never=any(outs[k].finish is None for outs in outcomes),
        )
        for k, p in enumerate(portfolio.projects)
    ]
    return ProjectReport(
        rule=portfolio.rule,
        reserved_share=portfolio.reserved_share,
        rows=rows,
        reserved_hours_per_week=summary["reserved_hours"],
        reserved_cost_per_week=summary["reserved_cost"],
        msp_hours=summary["msp_hours"],
        msp_cost=summary["msp_cost"],
    )


def project_report(
    workload: Workload,
    team: Team,
    sla: SlaPolicy,
    settings: SimSettings,
    portfolio: Portfolio,
    *,
    seed: int,
    reps: int,
    offers: Sequence[MspContract] = (),
    runs: Sequence[dict[str, float]] | None = None,
) -> ProjectReport:
    """The portfolio scheduled on the hours its rule gives in each replication of a run
    (``runs``: that run's replication KPIs, needed by ``tickets_first``)."""
    model = compile_model(workload, team, sla, settings)
    supplies = replication_supplies(model, team, seed, reps, portfolio, runs)
    outcomes = [schedule(portfolio, s, settings.start_date, offers) for s in supplies]
    return report_from(portfolio, supplies, outcomes, settings.horizon_hours / HOURS_PER_WEEK)


def plus_minus(e: Estimate, digits: int = 0) -> str:
    """A mean with its 95% half-width ("12 ±3"), "-" when nothing was measured."""
    if e.n == 0 or math.isnan(e.mean):
        return "-"
    half = 0.0 if math.isnan(e.half_width) else e.half_width
    if half < 0.5 * 10**-digits:
        return f"{e.mean:.{digits}f}"
    return f"{e.mean:.{digits}f} ±{half:.{digits}f}"


def project_table(report: ProjectReport, currency: str = "EUR") -> str:
    """The report as lines of at most 80 characters (the notes below the table may wrap): a
    project's name longer than its column gets a line of its own above its figures, whole."""
    head = (
        f"{'project':<20} {'due':<10} {'effort':>6} {'delivered':>11} {'on time':>7} "
        f"{'days late':>11} {'h short':>7}"
    )
    given = (
        f"{report.reserved_share:.0%} of specialists' hours reserved"
        if report.rule == "reserved"
        else "specialists' idle hours"
    )
    lines = [
        f"Projects (rule {report.rule}: {given}; 95% CI)",
        head,
        "-" * len(head),
    ]
    for r in report.rows:
        late = "never" if r.never else plus_minus(r.days_late, 1)
        name = r.name
        if len(name) > 20:
            lines.append(name)
            name = ""
        lines.append(
            f"{name:<20} {r.due:<10} {r.effort_hours:>6.0f} {plus_minus(r.hours_in_run):>11} "
            f"{100 * r.on_time.mean:>6.0f}% {late:>11} {plus_minus(r.short_at_due):>7}"
        )
    lines.append(
        f"{'reserved' if report.rule == 'reserved' else 'idle'} hours at work "
        f"{plus_minus(report.reserved_hours_per_week)} a week, costing "
        f"{currency} {plus_minus(report.reserved_cost_per_week)} a week"
    )
    if report.msp_hours.mean > 0:
        lines.append(
            f"MSP project hours bought {plus_minus(report.msp_hours)}, costing "
            f"{currency} {plus_minus(report.msp_cost)}"
        )
    return "\n".join(
        part
        for line in lines
        for part in (
            textwrap.wrap(line, 80, break_long_words=False, break_on_hyphens=False)
            if len(line) > 80
            else [line]
        )
    )
