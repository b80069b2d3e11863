"""Planning projects beside tickets: a post-step on the design the search recommends.

Under the rule ``reserved`` every design's tickets are simulated without the specialists'
reserved project share (``RunSettings.reserved_share``), so the SLAs the search checks already
leave that time to projects; under ``tickets_first`` tickets keep every hour and projects get
the idle share. This step schedules the portfolio on the recommended design's project hours in
every replication of the search's seed (``deskmix.projects.schedule``). A plan is complete
only when tickets meet the SLAs **and** every project is on time in every replication; when
the reserved hours fall short, two remedies are costed and the cheaper is taken:

- **MSP project hours**: at the end of a late project's due day its missing hours are
  bought from the cheapest offer selling ``project_hours`` in one of its domains whose lead
  time has passed; cost: hours x price, the mean over replications. Valid only when it puts
  every project on time in every replication (an offer whose lead time runs past a due date
  cannot rescue that project).
- **Project specialists**: one-domain specialists hired for the portfolio who work on it
  their whole shift (the costs file's shifts and new-hire shrinkage), added one at a time in
  a domain of the first project still late (the cheapest of its domains) until every
  project is on time; cost: their loaded hourly rate x shift hours from the plan's start to
  the portfolio's last due date. They take no tickets, so the SLAs the search found hold.
- **Both**, when no offer alone rescues every project (a domain it does not sell, a lead time
  past a due date): MSP hours for the projects they can rescue, project specialists added the
  same way for the rest; cost: the two together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from deskmix.domain.projects import Portfolio
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import MspContract, Team
from deskmix.domain.workload import HOURS_PER_WEEK, Workload
from deskmix.plan.bounds import hire_shrinkage, on_duty_hours
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.inputs import CostTable
from deskmix.projects.kpis import ProjectReport, replication_supplies, report_from
from deskmix.projects.schedule import Outcome, Supply, schedule
from deskmix.sim.model import compile_model

MAX_PROJECT_HIRES = 30


@dataclass(frozen=True)
class ProjectPlan:
    before: ProjectReport  # on the recommended design's reserved hours alone
    after: ProjectReport  # with the chosen remedy (the same as ``before`` when none)
    choice: str  # "none" | "msp" | "hire" | "msp+hire" | "neither"
    hires: dict[str, int]  # domain -> project specialists the hire remedy needs
    hire_cost: float | None  # None: no number of hires up to the limit was enough
    msp_cost: float | None  # None: the offers cannot put every project on time
    span_weeks: float  # from the plan's start to the last due date
    currency: str = "EUR"
    mixed: tuple[dict[str, int], float] | None = None
    """When no offer alone can rescue every project: the hires needed beside the MSP hours
    that can, and the two's cost together."""

    @property
    def extra_cost(self) -> float:
        if self.choice == "msp":
            return self.msp_cost or 0.0
        if self.choice == "hire":
            return self.hire_cost or 0.0
        if self.choice == "msp+hire" and self.mixed is not None:
            return self.mixed[1]
        return 0.0

    def lines(self) -> list[str]:
        late = [r for r in self.before.rows if r.on_time.mean < 1]
        if not late:
            return ["every project is on time on the specialists' reserved hours"]
        out = [
            f"late on reserved hours alone: {r.name}, "
            + ("never done (nobody can work on it)" if r.never else f"{r.days_late.mean:.1f}")
            + (" days late (mean)" if not r.never else "")
            + f", {r.short_at_due.mean:.0f} hours short at its due date {r.due}"
            for r in late
        ]
        hire = (
            "no number of hires was enough"
            if self.hire_cost is None
            else f"{self.currency} {self.hire_cost:,.0f} for "
            + ", ".join(f"{n} {d} specialist(s)" for d, n in self.hires.items())
            + f" over {self.span_weeks:.1f} weeks"
        )
        msp = (
            "not possible (no offer, or lead time past a due date)"
            if self.msp_cost is None
            else f"{self.currency} {self.msp_cost:,.0f}"
        )
        verdict = {
            "msp": "buys MSP project hours (cheaper)",
            "hire": "adds project specialists (cheaper)",
            "msp+hire": "buys MSP project hours where they arrive in time and adds project "
            "specialists for the rest (cheapest)",
            "neither": "cannot put every project on time",
        }[self.choice]
        out.append(f"projects: the plan {verdict}; hires: {hire}; MSP project hours: {msp}")
        if self.mixed is not None:
            both, cost = self.mixed
            people = ", ".join(f"{n} {d} specialist(s)" for d, n in both.items())
            out.append(f"MSP hours with {people}: {self.currency} {cost:,.0f}")
        if self.choice in ("msp", "msp+hire"):
            out.append(f"MSP project hours bought: {self.after.msp_hours.mean:,.0f} (mean)")
        return out


def _all_on_time(outcomes: Sequence[Sequence[Outcome]]) -> bool:
    return all(o.on_time for outs in outcomes for o in outs)


def _hire_rows(
    hires: dict[str, int], costs: CostTable, days: int, start: dt.date
) -> tuple[np.ndarray, list[frozenset[str]], list[str]]:
    weekly = np.zeros(HOURS_PER_WEEK, dtype=bool)
    for shift in costs.constraints.shifts:
        weekly[sorted(shift.hours_of_week())] = True
    per_weekday = weekly.reshape(7, 24).sum(axis=1) * (1 - hire_shrinkage(costs)[1])
    row = np.array(
        [per_weekday[(start + dt.timedelta(days=k)).weekday()] for k in range(days)], dtype=float
    )
    domains = [d for d, n in hires.items() for _ in range(n)]
    rows = np.array([row for _ in domains], dtype=float).reshape(len(domains), days)
    names = [f"Project {d} specialist {k + 1}" for k, d in enumerate(domains)]
    return rows, [frozenset({d}) for d in domains], names


def plan_projects(
    workload: Workload,
    sla: SlaPolicy,
    team: Team,
    costs: CostTable,
    offers: Sequence[MspContract],
    portfolio: Portfolio,
    run: RunSettings,
    runs: Sequence[dict[str, float]] | None = None,
) -> ProjectPlan:
    """Schedule the portfolio on ``team`` (the recommended design) and, when a project is
    late, cost both remedies and take the cheaper (module docstring). ``runs``: the design's
    replication KPIs on ``run``'s seed (``Evaluation.result.runs``), for ``tickets_first``."""
    settings = replace(run.sim(), reserved_share=portfolio.share_out_of_tickets)
    start = settings.start_date
    weeks = settings.horizon_hours / HOURS_PER_WEEK
    model = compile_model(workload, team, sla, settings)
    supplies = replication_supplies(model, team, run.seed, run.reps, portfolio, runs)
    plain = [schedule(portfolio, s, start) for s in supplies]
    before = report_from(portfolio, supplies, plain, weeks)
    last_due = max((p.due for p in portfolio.projects), default=start)
    span = max((last_due - start).days + 1, 1) / 7
    if _all_on_time(plain):
        return ProjectPlan(before, before, "none", {}, 0.0, 0.0, span, costs.currency)
    with_msp = [schedule(portfolio, s, start, offers) for s in supplies]
    msp_cost = (
        float(np.mean([sum(o.msp_cost for o in outs) for outs in with_msp]))
        if any(o.project_hours for o in offers) and _all_on_time(with_msp)
        else None
    )
    hires, hired, outcomes, hire_cost = _hire_until_on_time(
        portfolio, supplies, costs, start, span, ()
    )
    mixed: tuple[dict[str, int], float] | None = None
    candidates: list[tuple[float, str, ProjectReport]] = []
    if msp_cost is not None:
        candidates.append((msp_cost, "msp", report_from(portfolio, supplies, with_msp, weeks)))
    if hire_cost is not None:
        candidates.append((hire_cost, "hire", report_from(portfolio, hired, outcomes, weeks)))
    if msp_cost is None and any(o.project_hours for o in offers):
        # MSP hours where they can rescue a project, project specialists for the rest
        both, both_hired, both_out, both_cost = _hire_until_on_time(
            portfolio, supplies, costs, start, span, offers
        )
        if both_cost is not None and both:
            mixed = (both, both_cost)
            report = report_from(portfolio, both_hired, both_out, weeks)
            candidates.append((both_cost, "msp+hire", report))
    if candidates:
        _, choice, after = min(candidates, key=lambda c: c[0])
    else:
        after, choice = before, "neither"
    return ProjectPlan(
        before, after, choice, hires, hire_cost, msp_cost, span, costs.currency, mixed
    )


def _hire_until_on_time(
    portfolio: Portfolio,
    supplies: list[Supply],
    costs: CostTable,
    start: dt.date,
    span: float,
    offers: Sequence[MspContract],
) -> tuple[dict[str, int], list[Supply], list[list[Outcome]], float | None]:
    """Project specialists added one at a time (with ``offers``' project hours rescuing what
    they can) until every project is on time in every replication; their cost over ``span``
    weeks plus the mean MSP bill, or None when ``MAX_PROJECT_HIRES`` is not enough."""
    hires: dict[str, int] = {}
    hired: list[Supply] = supplies
    outcomes = [schedule(portfolio, s, start, offers) for s in supplies]
    days = supplies[0].hours.shape[1] if supplies else 0
    while not _all_on_time(outcomes) and sum(hires.values()) < MAX_PROJECT_HIRES:
        late = min(
            (o for outs in outcomes for o in outs if not o.on_time),
            key=lambda o: (o.project.due, o.project.priority, o.project.name),
        )
        domain = min(late.project.domains, key=lambda d: (costs.specialist_cost(d), d))
        hires[domain] = hires.get(domain, 0) + 1
        rows = _hire_rows(hires, costs, days, start)
        hired = [s.with_workers(*rows) for s in supplies]
        outcomes = [schedule(portfolio, s, start, offers) for s in hired]
    if not _all_on_time(outcomes):
        return hires, hired, outcomes, None
    hours_a_week = on_duty_hours(list(costs.constraints.shifts))
    people = sum(costs.specialist_cost(d) * n for d, n in hires.items()) * hours_a_week * span
    bill = float(np.mean([sum(o.msp_cost for o in outs) for outs in outcomes]))
    return hires, hired, outcomes, people + bill
