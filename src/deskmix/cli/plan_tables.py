"""The tables ``deskmix plan`` (and the demo) print: designs with cost and SLA attainment,
the analytic bounds, the budget mode's frontier and the history's team beside the plan.

Only presentation: every number comes from the plan's result (``deskmix.plan``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from deskmix.cli.narrow import NarrowTable

if TYPE_CHECKING:
    from deskmix.plan.evaluate import Evaluation
    from deskmix.plan.history import HistoryBeside
    from deskmix.plan.result import PlanResult
    from deskmix.sim.kpis import Estimate


def _money(e: Estimate) -> str:
    return "-" if math.isnan(e.mean) else f"{e.mean:,.0f} ± {e.half_width:,.0f}"


def _percent(e: Estimate) -> str:
    return "-" if math.isnan(e.mean) else f"{100 * e.mean:.1f}% ± {100 * e.half_width:.1f}"


def _sla_cell(evaluation: Evaluation) -> str:
    missed = [c for c in evaluation.checks if not c.met]
    if not missed:
        return "yes"
    return "no: " + ", ".join(f"{c.priority} {c.kind}" for c in missed)


def designs_table(
    rows: list[tuple[str, Evaluation]],
    title: str,
    caption: str = "",
    legend: list[str] | None = None,
) -> NarrowTable:
    """Designs down, cost and SLA attainment across; ``caption`` names the SLA targets,
    ``legend`` spells out the designs the rows name briefly. A share per priority from too few
    tickets shows its mean alone, marked, with a note (``sim.table.thin_notes``)."""
    from deskmix.plan.design import fte  # FTE: available hours over a full-time year
    from deskmix.sim.table import THIN_MARK, thin_notes, thin_tickets

    priorities = sorted({c.priority for _, e in rows for c in e.checks})
    names = [f"sla_resolution/{p}" for p in priorities]
    notes = thin_notes([(n, e.result) for n, e in rows], names)
    table = NarrowTable(
        title=title + " (mean ± 95% CI)",
        caption="\n".join([*([caption] if caption else []), *(legend or []), *notes]) or None,
    )
    table.add_column("design", "left", key=True, wrap=True)
    for column in ("people", "FTE", "cost/week"):
        table.add_column(column)
    table.add_column("meets SLAs", wrap=True)
    for p in priorities:
        table.add_column(f"{p} resolution")
    for name, e in rows:
        cells = [name, str(len(e.team.agents)), f"{fte(e.team):.1f}", _money(e.cost), _sla_cell(e)]
        for kpi in names:
            estimate = e.result.summary.get(kpi)
            if estimate is None:
                cells.append("-")
            elif thin_tickets(e.result, kpi) is not None:
                cells.append(f"{100 * estimate.mean:.1f}% {THIN_MARK}")
            else:
                cells.append(_percent(estimate))
        table.add_row(*cells)
    return table


def extremes_table(plan: PlanResult) -> NarrowTable:
    """The analytic bracket of the chosen MSP option beside what the search found."""
    table = NarrowTable(title="Analytic bounds (the recommended MSP choice)")
    table.add_column("design", "left", key=True, wrap=True)
    table.add_column("people")
    table.add_column("people cost/week")
    table.add_column("how", "left", wrap=True)
    extremes = plan.chosen.extremes
    if extremes is not None:
        for extreme in (extremes.pooled, extremes.unpooled):
            table.add_row(
                extreme.name,
                f"{extreme.people} (floor {extreme.floor})",
                f"{extreme.cost_per_week:,.0f}",
                extreme.rule,
            )
    staying = len(plan.existing.agents) if plan.existing is not None else 0
    cost = plan.evaluation.result.summary.get("cost_people_per_week")
    table.add_row(
        "recommended (simulated)",
        str(plan.recommended.headcount + staying),
        _money(cost) if cost else "-",
        "search over designs, every SLA met with 95% confidence"
        if plan.budget_per_week is None
        else "search over designs, the best service within the budget",
    )
    return table


def frontier_table(plan: PlanResult) -> NarrowTable:
    """Budget mode: the Pareto-optimal designs simulated within the budget, cheapest first."""
    table = NarrowTable(title="Cost-service frontier (Pareto-optimal designs within the budget)")
    table.add_column("design", "left", key=True, wrap=True)
    for column in ("cost/week", "cost/year", "worst target: CI low - share", "meets SLAs"):
        table.add_column(column)
    for point in plan.frontier:
        if not point.pareto:
            continue
        mark = " (recommended)" if point.design == plan.recommended else ""
        table.add_row(
            point.design.label() + mark,
            f"{point.cost_per_week:,.0f}",
            f"{point.cost_per_year:,.0f}",
            f"{-100 * point.shortfall:+.1f} points",
            "yes" if point.feasible else "no",
        )
    return table


def history_table(history: HistoryBeside) -> NarrowTable:
    table = NarrowTable(title="The team the history shows beside the recommendation")
    table.add_column("group", "left", key=True, wrap=True)
    table.add_column("history (typical week)")
    table.add_column("recommended")
    for row in history.rows():
        table.add_row(*(str(v) for v in row.values()))
    return table
