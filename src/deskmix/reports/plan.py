"""The plan as an HTML report: recommendation and why, comparison, sensitivity, search log."""

from __future__ import annotations

from pathlib import Path

from deskmix.domain.workload import Workload
from deskmix.plan.analysis import Stress, compared_notes
from deskmix.plan.design import Design, fte
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.frontier import WEEKS_PER_YEAR, FrontierPoint
from deskmix.plan.history import HistoryBeside
from deskmix.plan.projects import ProjectPlan
from deskmix.plan.result import PlanResult
from deskmix.reports.charts.plan import frontier_chart, search_path_chart
from deskmix.reports.charts.simulation import sla_comparison
from deskmix.reports.document import Report
from deskmix.sim.table import format_cell, kpi_rows, thin_notes

HOW_TO_READ = """\
The planner searched integer designs (generalists, specialists per domain, specialists
cross-trained in two domains, MSP offers bought, on top of any staff who stay) for the
cheapest that meets every SLA target with 95% confidence: the lower end of the 95%
interval of each priority's response and resolution attainment must reach the target share.
All candidates ran on the same seed, so they faced the same tickets. The recommendation was
then re-simulated on a fresh seed ("verification"). Costs are per week: people on shift at
their loaded hourly cost, plus what the MSP bills. The analytic extremes (every ticket pooled
on versatile people; every domain on its own specialists) bracket the search: options whose
cost floor was above a feasible design already found were dropped without simulating them."""


def verdict(evaluation: Evaluation) -> str:
    return (
        "meets every SLA"
        if evaluation.feasible
        else "misses: " + "; ".join(c.describe() for c in evaluation.checks if not c.met)
    )


def comparison_rows(named: list[tuple[str, Evaluation]]) -> list[dict[str, object]]:
    results = [(n, e.result) for n, e in named]
    rows: list[dict[str, object]] = [{"KPI": "SLA verdict", **{n: verdict(e) for n, e in named}}]
    for label, kpi, fmt in kpi_rows(results):
        rows.append({"KPI": label.strip(), **{n: format_cell(r, kpi, fmt) for n, r in results}})
    return rows


def comparison_notes(named: list[tuple[str, Evaluation]]) -> str | None:
    """Under the comparison: which shares are from too few tickets for an interval."""
    results = [(n, e.result) for n, e in named]
    notes = thin_notes(results, [kpi for _, kpi, _ in kpi_rows(results)])
    return "\n".join(notes) or None


def plan_report(
    workload: Workload,
    plan: PlanResult,
    stresses: list[Stress],
    compared: list[tuple[str, Evaluation]],
    history: HistoryBeside | None = None,
    sla_name: str = "",
    projects: ProjectPlan | None = None,
) -> Report:
    run = plan.run
    report = Report(
        f"Plan: {plan.recommended.label()}",
        meta={
            "Workload": workload.name,
            "SLA targets": sla_name or "as given",
            "Routing policy": run.policy,
            "Run": f"{run.reps} replications of {run.weeks:g} weeks per design, seed {run.seed}",
            "Designs simulated": f"{len(plan.log)} on {plan.backend}",
            "People and FTE": f"{len(plan.evaluation.team.agents)} people, "
            f"{fte(plan.evaluation.team):.1f} FTE (hours available for tickets over a "
            "2,080-hour full-time year, after shrinkage)",
            "Verification": "holds on a fresh seed"
            if plan.verified
            else "does NOT hold on a fresh seed",
        },
    )
    report.add_text("How to read this", HOW_TO_READ)
    report.add_list("Why this design", plan.reasons + compared_notes(plan, compared))
    if history is not None:
        report.add_table(
            "The team the history shows beside the recommendation",
            history.rows(),
            intro="; ".join(history.lines()),
        )
    named = [("recommended", plan.evaluation), ("verification (fresh seed)", plan.verification)]
    named += [(f"runner-up {i + 1}: {d.label()}", e) for i, (d, e) in enumerate(plan.runners_up)]
    named += compared
    report.add_table(
        "Recommended, runners-up and your designs",
        comparison_rows(named),
        note=comparison_notes(named),
    )
    under = f" ({sla_name})" if sla_name else ""
    report.add_figure(
        f"SLA attainment by priority{under}", sla_comparison([(n, e.result) for n, e in named])
    )
    report.add_figure(
        "The path the search took",
        search_path_chart(plan, sla_name),
        intro="Every design simulated, in order: people against cost a week. Hover for why "
        "each was tried and the target closest to failing.",
    )
    if plan.frontier:
        add_frontier(report, plan)
    if stresses:
        stressed = [("as planned", plan.evaluation), *((s.name, s.evaluation) for s in stresses)]
        report.add_table(
            "Sensitivity of the recommended design",
            comparison_rows(stressed),
            note=comparison_notes(stressed),
        )
    report.add_table(
        "Analytic bounds per pool (the chosen MSP option)",
        [
            {
                "pool": b.pool,
                "tickets/week": f"{b.tickets_per_week:,.1f}",
                "work h/week": f"{b.work_hours_per_week:,.1f}",
                "Erlangs on duty": f"{b.offered_on_duty:.2f}",
                "floor": b.stability,
                "start": b.start,
                "rule": b.rule,
            }
            for o in plan.options
            if o.msp == plan.recommended.msp
            for b in o.bounds
        ],
    )
    report.add_table(
        "Analytic extremes per MSP option",
        [
            {
                "MSP option": ", ".join(o.msp) or "in-house only",
                "pooled: people (floor)": f"{o.extremes.pooled.people} ({o.extremes.pooled.floor})",
                "unpooled: people": o.extremes.unpooled.people,
                "unpooled people cost/week": f"{o.extremes.unpooled.cost_per_week:,.0f}",
                "cost floor/week": f"{o.cost_floor:,.0f}",
                "outcome": o.pruned
                or o.stuck
                or (f"best {o.best[1].cost.mean:,.0f}/week" if o.best else ""),
            }
            for o in plan.options
            if o.extremes is not None
        ],
    )
    report.add_table(
        "Search log",
        [
            {
                "design": s.design.label(),
                "why tried": s.why,
                "meets SLAs": "yes" if s.feasible else "no",
                "cost/week": f"{s.cost:,.0f}",
                "closest target": s.binding,
            }
            for s in plan.log
        ],
    )
    if projects is not None:
        from deskmix.reports.projects import add_project_section

        add_project_section(report, projects.before, plan.currency, projects.lines())
    return report


def add_frontier(report: Report, plan: PlanResult) -> None:
    """The cost-service frontier: chart of every design simulated, table of the optimal ones."""
    budget, currency = plan.budget_per_week, plan.currency
    chart = frontier_chart(plan.frontier, plan.recommended, budget, currency)
    report.add_figure("Cost-service frontier", chart, intro=frontier_intro(budget, currency))
    report.add_table("Pareto-optimal designs", frontier_rows(plan.frontier, plan.recommended))


def write_plan_report(
    path: Path,
    workload: Workload,
    plan: PlanResult,
    stresses: list[Stress],
    compared: list[tuple[str, Evaluation]],
    history: HistoryBeside | None = None,
    *,
    projects: ProjectPlan | None = None,
    sla_name: str = "",
) -> Path:
    report = plan_report(workload, plan, stresses, compared, history, sla_name, projects)
    return report.write(path)


def frontier_intro(budget_per_week: float | None, currency: str = "EUR") -> str:
    budget = (
        "Budget mode: the recommendation is the best service found for at most "
        f"{budget_per_week * WEEKS_PER_YEAR:,.0f} {currency} a year "
        f"({budget_per_week:,.0f} a week, {WEEKS_PER_YEAR} weeks a year), the smallest worst "
        "shortfall, ties by cost. "
        if budget_per_week is not None
        else ""
    )
    return (
        f"{budget}Every design simulated, its cost a year against its worst SLA target: the "
        "lower end of the 95% interval of attainment less the target's share, in points "
        "(at or above zero: every target met with 95% confidence). The line joins the "
        "Pareto-optimal designs (within the budget, when there is one): no other simulated "
        "design is cheaper or as cheap and better."
    )


def frontier_rows(points: list[FrontierPoint], recommended: Design) -> list[dict[str, object]]:
    """The Pareto-optimal points as report rows, cheapest first."""
    return [
        {
            "design": p.design.label() + (" (recommended)" if p.design == recommended else ""),
            "cost/week": f"{p.cost_per_week:,.0f}",
            "cost/year": f"{p.cost_per_year:,.0f}",
            "worst target margin": f"{-100 * p.shortfall:+.1f} points",
            "meets SLAs": "yes" if p.feasible else "no",
        }
        for p in points
        if p.pareto
    ]
