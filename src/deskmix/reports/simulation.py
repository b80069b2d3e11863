"""The simulation report: a team under a policy, its KPIs with intervals, what-ifs beside it."""

from __future__ import annotations

from pathlib import Path

from deskmix.projects.kpis import ProjectReport
from deskmix.reports.charts.simulation import agent_utilisation, backlog_over_time, sla_comparison
from deskmix.reports.document import Report
from deskmix.reports.projects import add_project_section
from deskmix.sim.runner import SimulationResult
from deskmix.sim.table import format_cell, kpi_rows, thin_notes
from deskmix.sim.whatif import Setup

HOW_TO_READ = """\
Each column is one scenario, run on the same seed as the baseline so that all of them face the
same tickets: differences between columns come from the change, not from chance. Every figure
is the mean over independent replications with its 95% confidence interval (mean ± half-width):
if two scenarios' intervals do not overlap, the difference is real.

SLA figures are the share of tickets that met their priority's target (response: first agent
picks it up; resolution: first resolved). Waits are in hours from arrival to the first
response. Utilisation is the share of on-shift hours spent working: above about 85% queues grow
quickly. Tickets still open when a run ends count as SLA misses."""


def run_description(base: Setup, baseline: SimulationResult) -> str:
    settings = base.settings
    return (
        f"{baseline.reps} replications of {settings.weeks:g} weeks after "
        f"{settings.warmup_weeks:g} weeks of warm-up, seed {baseline.seed}"
    )


def simulation_report(
    base: Setup, results: list[tuple[str, SimulationResult]], sla_name: str = ""
) -> Report:
    baseline = results[0][1]
    report = Report(
        f"Simulation: {base.team.name}",
        meta={
            "Policy": baseline.policy,
            **({"SLA targets": sla_name} if sla_name else {}),
            "Workload": base.workload.name,
            "Run": run_description(base, baseline),
            "Team": f"{len(base.team.agents)} people, {len(base.team.msp)} MSP contracts",
        },
    )
    report.add_text("How to read this", HOW_TO_READ)
    return add_simulation_sections(report, base, results, sla_name)


def add_simulation_sections(
    report: Report, base: Setup, results: list[tuple[str, SimulationResult]], sla_name: str = ""
) -> Report:
    """The KPI table, the charts, the team and sample routing decisions, appended to ``report``;
    ``sla_name`` names the SLA targets the attainment is judged by."""
    judged = f"; SLA targets: {sla_name}" if sla_name else ""
    baseline = results[0][1]
    rows = []
    for label, kpi, fmt in kpi_rows(results):
        row: dict[str, object] = {"KPI": label.strip()}
        for name, result in results:
            row[name] = format_cell(result, kpi, fmt)
        rows.append(row)
    report.add_table(
        "Key figures (mean ± 95% CI)",
        rows,
        intro=f"{base.team.name} under {baseline.policy}: {run_description(base, baseline)}"
        f"{judged}.",
        note="\n".join(thin_notes(results, [kpi for _, kpi, _ in kpi_rows(results)])) or None,
    )
    under = f" ({sla_name})" if sla_name else ""
    report.add_figure(f"SLA attainment by priority{under}", sla_comparison(results))
    report.add_figure("Backlog over time", backlog_over_time(results))
    report.add_figure("Utilisation per person (baseline)", agent_utilisation(baseline))
    report.add_table(
        "The team",
        [
            {
                "name": a.name,
                "kind": a.kind.value,
                "skills": ", ".join(f"{d} {lvl}" for d, lvl in sorted(a.skills.items())),
                "cost per hour": f"{a.cost_per_hour:,.0f}",
            }
            for a in base.team.agents
        ]
        + [
            {
                "name": c.name,
                "kind": "MSP",
                "skills": ", ".join(c.domains) + f" ({', '.join(t.value for t in c.tiers)})",
                "cost per hour": "contract",
            }
            for c in base.team.msp
        ],
    )
    report.add_list(
        "How tickets were routed (first decisions of the baseline)",
        [f"{ticket}, hour {when:.1f}: {why}" for when, ticket, why in baseline.decisions],
    )
    return report


def write_simulation_report(
    path: Path,
    base: Setup,
    results: list[tuple[str, SimulationResult]],
    projects: ProjectReport | None = None,
    sla_name: str = "",
) -> Path:
    report = simulation_report(base, results, sla_name)
    if projects is not None:
        add_project_section(report, projects)
    return report.write(path)
