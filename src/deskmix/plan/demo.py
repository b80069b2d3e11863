"""The plan ``deskmix demo`` ends with: the sample desk's cheapest team, in a few seconds.

The inputs mirror ``examples/plan/`` (costs, business-hour SLAs, two MSP offers), written
here because the examples folder is not installed with the package and the demo must work
offline on a fresh machine. Replications and weeks are fewer than the CLI's defaults to keep
the demo quick; the plan report says so, and ``deskmix plan`` with the same files is the way
to a firmer answer. One project (``PORTFOLIO``) runs beside the tickets on 10% of the
specialists' hours, so the plan shows how projects are planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deskmix.calibrate.io import dump_workload
from deskmix.domain.team import Team
from deskmix.domain.workload import Workload
from deskmix.plan.evaluate import Evaluation, Progress, RunSettings
from deskmix.plan.projects import ProjectPlan
from deskmix.plan.request import PlanRequest, designs_text
from deskmix.plan.search import PlanResult
from deskmix.plan.use_case import plan_desk
from deskmix.reports.plan import plan_report

COSTS = """\
currency: EUR
generalist: 40
specialist: 60
specialist_by_domain: {security: 72, network: 65, architecture_projects: 78, procurement_hr: 48}
constraints:
  min_generalists: 1
  min_specialists: 1
  max_headcount: 80
  shifts: [{days: [mon, tue, wed, thu, fri], start: "08:00", end: "17:00"}]
shrinkage:  # the hires' leave, holidays, sickness, training, meetings (docs/formats.md)
  generalist: {annual_leave_days: 25, public_holidays: DE, sickness_rate: 0.035,
               training_days: 4, meetings_share: 0.10}
  specialist: {annual_leave_days: 25, public_holidays: DE, sickness_rate: 0.035,
               training_days: 4, meetings_share: 0.10}
"""
SLA = """\
targets:
  - {priority: P1, response_hours: 1,  resolution_hours: 40,  share: 0.80, clock: business}
  - {priority: P2, response_hours: 1,  resolution_hours: 24,  share: 0.85, clock: business}
  - {priority: P3, response_hours: 4,  resolution_hours: 24,  share: 0.90, clock: business}
  - {priority: P4, response_hours: 8,  resolution_hours: 72,  share: 0.85, clock: business}
  - {priority: P5, response_hours: 24, resolution_hours: 160, share: 0.80, clock: business}
business_hours: [{days: [mon, tue, wed, thu, fri], start: "08:00", end: "17:00"}]
"""
OFFERS = """\
offers:
  - name: SecureOps MSP
    domains: [security]
    response_hours: 2
    handling_factor: 1.2
    pricing: {retainer_per_month: 1500, included_tickets_per_month: 10, overage_per_ticket: 120}
  - name: NetCloud MSP
    domains: [network, cloud_infra]
    response_hours: 4
    pricing: {per_ticket: 95}
    project_hours: {price_per_hour: 85, lead_time_weeks: 2, domains: [network, cloud_infra]}
"""
PORTFOLIO = """\
rule: reserved
reserved_share: 0.10   # of every in-house specialist's hours, out of ticket work
projects:
  - {name: Firewall and VPN review, domains: [network, security], effort_hours: 40,
     earliest_start: 2025-01-13, due: 2025-02-14, priority: 1}
"""
DEMO_RUN = RunSettings(reps=6, weeks=6, seed=0)
DEMO_MAX_DESIGNS = 40
PLAN_FILE = "plan.html"


@dataclass(frozen=True)
class DemoPlan:
    plan: PlanResult
    compared: list[tuple[str, Evaluation]]
    path: Path
    projects: ProjectPlan | None = None
    sla_name: str = ""  # the SLA targets the plan is judged by, named on its tables


def demo_request(workload: Workload, today: Team) -> PlanRequest:
    """The demo's plan as the one input model: what the dashboard's plan page opens with."""
    return PlanRequest(
        workload=dump_workload(workload),
        costs=COSTS,
        sla=SLA,
        msp=OFFERS,
        compare=designs_text([("today's team", today)]),
        projects=PORTFOLIO,
        reps=DEMO_RUN.reps,
        weeks=DEMO_RUN.weeks,
        seed=DEMO_RUN.seed,
        max_designs=DEMO_MAX_DESIGNS,
        stress=False,
        sources={"sla": "the demo's weekday SLA targets"},
    )


def plan_sample(
    workload: Workload, today: Team, out: Path, progress: Progress | None = None
) -> DemoPlan:
    """Plan from scratch, compare with today's team, write ``plan.html`` under ``out``."""
    outcome = plan_desk(demo_request(workload, today).inputs(), progress=progress)
    plan = outcome.plan
    report = plan_report(
        workload,
        plan,
        [],
        outcome.compared,
        sla_name=outcome.inputs.sla_name,
        projects=outcome.projects,
    )
    path = report.write(out / PLAN_FILE)
    return DemoPlan(plan, outcome.compared, path, outcome.projects, outcome.inputs.sla_name)
