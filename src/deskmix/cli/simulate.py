"""``deskmix simulate``: a team, a policy and a workload -> KPIs with intervals, and what-ifs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskmix.cli.common import console, err_console, progress_bar, user_errors
from deskmix.cli.narrow import NarrowTable
from deskmix.cli.output import CsvDir, JsonFlag, XlsxFile, emit
from deskmix.routing.policies import POLICIES
from deskmix.sim.use_case import DEFAULT_POLICY, FULL

if TYPE_CHECKING:
    from deskmix.sim.runner import SimulationResult

# The simulator (NumPy, SciPy) is imported when a simulation runs, not whenever deskmix starts.


def results_table(
    results: list[tuple[str, SimulationResult]], title: str, sla_name: str = ""
) -> NarrowTable:
    """KPIs down, scenarios across; with many scenarios, one row per scenario instead. The
    title names the SLA targets the attainment is judged by; a share from too few tickets
    shows its mean alone, marked, with a note under the table (``sim.table.thin_notes``)."""
    from deskmix.sim.table import compact_rows, format_cell, kpi_rows, thin_notes

    if sla_name:
        title = f"{title}; SLA targets: {sla_name}"
    if len(results) > 3:
        rows = compact_rows(results)
        table = NarrowTable(
            title=title + " (mean ± 95% CI)",
            caption="\n".join(thin_notes(results, [kpi for _, kpi, _ in rows])) or None,
        )
        table.add_column("scenario", "left", key=True, wrap=True)
        for label, _, _ in rows:
            table.add_column(label)
        for name, result in results:
            table.add_row(name, *(format_cell(result, kpi, fmt) for _, kpi, fmt in rows))
        return table
    rows = kpi_rows(results)
    table = NarrowTable(
        title=title, caption="\n".join(thin_notes(results, [kpi for _, kpi, _ in rows])) or None
    )
    table.add_column("KPI (mean ± 95% CI)", "left", key=True, wrap=True)
    for name, _ in results:
        table.add_column(name)  # a long scenario name wraps in the header, the cells never
    for label, kpi, fmt in rows:
        table.add_row(label, *(format_cell(r, kpi, fmt) for _, r in results))
    return table


def sla_label(sla: Path | None) -> str:
    """The SLA targets' name on a table: the file given, else deskmix's defaults."""
    from deskmix.plan.request import DEFAULT_SLA_NAME

    return str(sla) if sla is not None else DEFAULT_SLA_NAME


@user_errors
def simulate_command(
    team: Annotated[Path, typer.Option("--team", help="Team YAML (see examples/teams).")],
    workload: Annotated[
        Path, typer.Option("--workload", help="Workload YAML from 'deskmix calibrate' or by hand.")
    ],
    policy: Annotated[
        str, typer.Option("--policy", help=f"Routing policy: {', '.join(POLICIES)}.")
    ] = DEFAULT_POLICY,
    sla: Annotated[
        Path | None, typer.Option("--sla", help="SLA targets YAML; default ITIL-style targets.")
    ] = None,
    reps: Annotated[
        int, typer.Option("--reps", min=FULL.min_reps, help="Replications.")
    ] = FULL.reps,
    weeks: Annotated[
        float, typer.Option("--weeks", min=1, help="Measured weeks per run.")
    ] = FULL.weeks,
    warmup_weeks: Annotated[
        float,
        typer.Option("--warmup-weeks", min=0, help="Weeks simulated before measuring starts."),
    ] = FULL.warmup_weeks,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same numbers.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes (default: all cores).")
    ] = None,
    what_if: Annotated[
        Path | None, typer.Option("--what-if", help="Scenarios YAML compared to the baseline.")
    ] = None,
    load: Annotated[
        float | None, typer.Option("--load", help="What-if: all arrivals times this factor.")
    ] = None,
    absent: Annotated[
        list[str] | None, typer.Option("--absent", help="What-if: this agent out (repeatable).")
    ] = None,
    absent_count: Annotated[
        int | None, typer.Option("--absent-count", help="What-if: the first N agents out.")
    ] = None,
    compare_policy: Annotated[
        list[str] | None,
        typer.Option("--compare-policy", help="What-if: the same run under another policy."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a self-contained HTML report here.")
    ] = None,
    projects: Annotated[
        Path | None,
        typer.Option(
            "--projects", help="Portfolio YAML: projects beside tickets (docs/formats.md)."
        ),
    ] = None,
    as_json: JsonFlag = False,
    csv_dir: CsvDir = None,
    xlsx: XlsxFile = None,
) -> None:
    """Simulate a team under a routing policy and a workload, with what-ifs side by side.

    Gives SLA attainment, waits, utilisation, cost and escalations with 95% confidence
    intervals across replications. --json prints them (schema docs/schemas/simulation.json),
    --csv/--xlsx write the KPIs per scenario with intervals. Example: deskmix simulate --team
    examples/teams/company-300.yaml --workload workload.yaml --what-if examples/what-if.yaml"""
    from deskmix.calibrate.io import load_workload
    from deskmix.sim.use_case import SimulateRequest, quick_scenarios, simulate_desk
    from deskmix.sim.whatif import ScenarioFile
    from deskmix.teamfiles import load_sla, load_team
    from deskmix.yamlfiles import load_model

    loaded = load_workload(workload)
    portfolio = None
    if projects is not None:
        from deskmix.projects.portfolio import load_portfolio

        portfolio = load_portfolio(projects, {s.domain for s in loaded.arrivals})
    people, targets = load_team(team), load_sla(sla)
    scenarios = quick_scenarios(load, absent or [], absent_count, compare_policy or [])
    if what_if is not None:
        scenarios += load_model(what_if, ScenarioFile, "what-if").scenarios
    request = SimulateRequest(
        workload=loaded,
        team=people,
        sla=targets,
        sla_name=sla_label(sla),
        policy=policy,
        scenarios=scenarios,
        reps=reps,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        seed=seed,
        workers=workers,
        portfolio=portfolio,
    )
    with progress_bar() as bar:
        task = bar.add_task("simulating", total=reps * (1 + len(scenarios)))
        outcome = simulate_desk(request, progress=lambda n: bar.advance(task, n))
    base, results = outcome.setup, outcome.runs
    emit(outcome.output(), as_json, csv_dir, xlsx)
    if as_json:  # stdout holds only the JSON
        if report is not None:
            from deskmix.reports.simulation import write_simulation_report

            path = write_simulation_report(report, base, results, None)
            err_console.print(f"Report written to {path.resolve()}", highlight=False)
        return
    title = (
        f"{base.team.name} under {results[0][1].policy}: {reps} replications of "
        f"{weeks:g} weeks (seed {seed})"
    )
    console.print(results_table(results, title, sla_label(sla)))
    decisions = results[0][1].decisions[:5]
    if decisions:
        console.print("First routing decisions of the baseline:")
        for when, ticket, why in decisions:
            console.print(f"  {ticket} at hour {when:.1f}: {why}", highlight=False)
    project_kpis = outcome.projects
    if project_kpis is not None:
        from deskmix.projects.kpis import project_table

        console.print(project_table(project_kpis), highlight=False, soft_wrap=True)
    if report is not None:
        from deskmix.reports.simulation import write_simulation_report

        path = write_simulation_report(report, base, results, project_kpis, sla_label(sla))
        console.print(f"Report written to {path.resolve()}")
