"""The demo end to end: the shipped sample into a fresh store, calibrated, saved, reported,
back-tested (the sample's own team simulated and set beside its history) and planned (the
cheapest team meeting the SLAs, ``plan.html``).

It is the first thing a new user runs, so it must work offline and in seconds, and it walks
the same path as a real desk (the ``servicenow-events`` importer, the store, calibration), so
what it shows is what they will get from their own export.

The plan's inputs (``COSTS``, ``SLA``, ``OFFERS``, ``PORTFOLIO``) mirror ``examples/plan/``
(costs, business-hour SLAs, two MSP offers), written here because the examples folder is not
installed with the package and the demo must work offline on a fresh machine; the dashboard's
plan page opens with the same request (``demo_request``). Replications and weeks are fewer than
the CLI's defaults to keep the demo quick; the plan report says so, and ``deskmix plan`` with
the same files is the way to a firmer answer. One project (``PORTFOLIO``) runs beside the
tickets on 10% of the specialists' hours, so the plan shows how projects are planned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deskmix.calibrate import CalibrationResult, calibrate_store
from deskmix.calibrate.io import dump_workload, save_workload
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Team
from deskmix.domain.workload import Workload
from deskmix.errors import InputError
from deskmix.importers import read_source
from deskmix.importers.writer import ImportOutcome, write_import
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.evaluate import Progress as PlanProgress
from deskmix.plan.projects import ProjectPlan
from deskmix.plan.request import DEFAULT_SLA_NAME, PlanRequest, designs_text
from deskmix.plan.result import PlanResult
from deskmix.plan.use_case import plan_desk
from deskmix.reports.calibration import calibration_report
from deskmix.reports.plan import plan_report
from deskmix.reports.simulation import add_simulation_sections
from deskmix.reports.validation import add_validation_sections
from deskmix.sample import DB_FILE, SAMPLE_SOURCE, sample_files, sample_team_text
from deskmix.sample.spec import load_spec
from deskmix.sim.model import SimSettings
from deskmix.sim.runner import SimulationResult
from deskmix.sim.whatif import Scenario, Setup, compare
from deskmix.store import open_store
from deskmix.teamfiles import load_team
from deskmix.validate import ValidationRequest, ValidationResult, run_validation

WORKLOAD_FILE = "workload.yaml"
TEAM_OUT_FILE = "team.yaml"
REPORT_FILE = "report.html"
WORKLOAD_NAME = "sample desk"
DEMO_REPS = 10
DEMO_SEED = 0
DEMO_VALIDATION_REPS = 3  # the back-test's verdicts, in seconds on the sample desk
# What the demo compares with today's team: more load, and the other routing rule.
DEMO_SCENARIOS = [
    Scenario(name="load +30%", load=1.3),
    Scenario(name="skills-based routing", policy="skills_based"),
]

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None) as the demo proceeds."""


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
    workload: Workload, today: Team, out: Path, progress: PlanProgress | None = None
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


@dataclass(frozen=True)
class DemoOutcome:
    db: str
    outcome: ImportOutcome
    result: CalibrationResult
    workload_path: Path
    team_path: Path
    report_path: Path
    tickets: int
    events: int
    simulation: list[tuple[str, SimulationResult]]
    plan: DemoPlan | None
    validation: ValidationResult | None = None


def fresh_sqlite(out: Path) -> Path:
    """The demo's own SQLite file under ``out``, removed first so every run starts empty."""
    path = out / DB_FILE
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return path


def run_demo(
    out: Path,
    db: str | None = None,
    progress: Progress | None = None,
    *,
    with_plan: bool = True,
) -> DemoOutcome:
    """Import, calibrate, save ``workload.yaml`` and write ``report.html`` under ``out``.

    Without ``db`` a new SQLite file under ``out`` is used. With ``db`` the sample is added to
    that store and calibration reads only the sample's import, so other data there is left
    out of the demo's numbers (and the sample is not imported twice on a re-run).
    ``with_plan=False`` skips the plan (about half the demo's time) for callers that only
    want the store and the workload.
    """

    def tell(phase: str, done: int = 0, total: int | None = None) -> None:
        if progress is not None:
            progress(phase, done, total)

    out = Path(out).expanduser().resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot use it as the demo's folder ({exc.strerror})",
            file=out,
            expected="a folder deskmix may create and write to (--out)",
        ) from exc
    target = db if db is not None else str(fresh_sqlite(out))
    spec = load_spec()
    store = open_store(target)
    try:
        tell("reading the sample desk")
        with sample_files() as (events_file, mapping_file):
            batch = read_source(SAMPLE_SOURCE, events_file, mapping_file=mapping_file)
        total = batch.ticket_count + batch.event_count
        written = 0

        def advance(rows: int) -> None:
            nonlocal written
            written += rows
            tell("writing to the store", written, total)

        tell("writing to the store", 0, total)
        outcome = write_import(store, batch, advance)
        result = calibrate_store(
            store, name=WORKLOAD_NAME, import_id=outcome.import_id, progress=progress
        )
        tell("back-testing the model against the sample's history")
        validation = run_validation(
            store,
            ValidationRequest(
                import_id=outcome.import_id, replications=DEMO_VALIDATION_REPS, seed=DEMO_SEED
            ),
        )
        db_shown = store.url
    finally:
        store.dispose()
    workload_path = save_workload(result.workload, out / WORKLOAD_FILE)
    team_path = out / TEAM_OUT_FILE
    team_path.write_text(sample_team_text(), encoding="utf-8")
    base = Setup(
        workload=result.workload,
        team=load_team(team_path),
        sla=SlaPolicy.default(),
        settings=SimSettings(weeks=result.workload.weeks or 13.0),
        policy="generalist_first",
        policy_settings={},
    )
    runs = DEMO_REPS * (1 + len(DEMO_SCENARIOS))
    done = 0

    def simulated(n: int) -> None:
        nonlocal done
        done += n
        tell("simulating the sample team", done, runs)

    tell("simulating the sample team", 0, runs)
    simulation = compare(base, DEMO_SCENARIOS, reps=DEMO_REPS, seed=DEMO_SEED, progress=simulated)
    planned = 0

    def planning(n: int) -> None:
        nonlocal planned
        planned += n
        tell("planning the cheapest team (replications)", planned, None)

    plan = None
    if with_plan:
        tell("planning the cheapest team (replications)", 0, None)
        plan = plan_sample(result.workload, base.team, out, planning)
    tell("writing the report")
    report = calibration_report(
        result,
        title=f"deskmix demo: {WORKLOAD_NAME}",
        subtitle=spec.description,
        source=f"the embedded sample desk ({batch.path.name}, generated with seed {spec.seed}; "
        "see docs/sample.md)",
    )
    add_simulation_sections(report, base, simulation, DEFAULT_SLA_NAME)
    add_validation_sections(report, validation)
    if plan is not None:
        report.add_list(
            "Plan: the cheapest team meeting the SLAs",
            plan.plan.reasons,
            intro=f"Found by deskmix plan from the calibrated workload ({len(plan.plan.log)} "
            f"designs simulated, business-hour SLAs, two MSP offers and the sample team's "
            f"own); the full plan with the search log is in {plan.path.name} beside this "
            "report.",
        )
    report_path = report.write(out / REPORT_FILE)
    return DemoOutcome(
        db=db_shown,
        outcome=outcome,
        result=result,
        workload_path=workload_path,
        team_path=team_path,
        report_path=report_path,
        tickets=batch.ticket_count,
        events=batch.event_count,
        simulation=simulation,
        plan=plan,
        validation=validation,
    )
