"""The project section of an HTML report (simulate's and plan's): each project's delivery with
its interval, and the plan's notes on late work."""

from __future__ import annotations

from collections.abc import Sequence

from deskmix.projects.kpis import ProjectReport, plus_minus
from deskmix.reports.document import Report


def add_project_section(
    report: Report,
    projects: ProjectReport,
    currency: str = "EUR",
    notes: Sequence[str] = (),
) -> Report:
    """The project KPIs as a table in an HTML report, with the plan's notes (if any)."""
    rows = [
        {
            "project": r.name,
            "due": r.due,
            "effort (h)": f"{r.effort_hours:,.0f}",
            "delivered in the run (h)": plus_minus(r.hours_in_run),
            "on time": f"{100 * r.on_time.mean:.0f}%",
            "days late": "never" if r.never else plus_minus(r.days_late, 1),
            "hours short at due": plus_minus(r.short_at_due),
        }
        for r in projects.rows
    ]
    given = (
        f"{projects.reserved_share:.0%} of every in-house specialist's hours is reserved for "
        "projects and taken out of ticket work"
        if projects.rule == "reserved"
        else "tickets keep every hour; projects get the specialists' idle share of their "
        "hours at work"
    )
    intro = (
        f"Rule {projects.rule}: {given}; projects are scheduled earliest due first on those "
        "hours, per replication (mean ± 95% CI). Project hours at work: "
        f"{plus_minus(projects.reserved_hours_per_week)} a week, costing {currency} "
        f"{plus_minus(projects.reserved_cost_per_week)} a week."
    )
    report.add_table("Projects", rows, intro=intro)
    if notes:
        report.add_list("Projects: late work and what the plan does", notes)
    return report
