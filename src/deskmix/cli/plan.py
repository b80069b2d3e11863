"""``deskmix plan``: the cheapest design that meets every SLA, compared and stress-tested."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskmix.cli.common import DbOption, console, progress_bar, store_for, user_errors
from deskmix.cli.output import CsvDir, XlsxFile, emit
from deskmix.cli.plan_tables import designs_table, extremes_table, frontier_table, history_table
from deskmix.errors import ConfigError, DeskmixError
from deskmix.plan.request import PlanRequest

if TYPE_CHECKING:
    from deskmix.domain.workload import Workload
    from deskmix.plan.analysis import Stress
    from deskmix.plan.evaluate import Evaluation
    from deskmix.plan.history import HistoryBeside
    from deskmix.plan.result import PlanResult
    from deskmix.plan.use_case import PlanOutcome

# The planner is imported when a plan runs; the plan's request model (with the simulator's
# settings) when the command loads, for its defaults. ``deskmix --help`` imports neither.


def write_team(path: Path, plan: PlanResult) -> Path:
    from deskmix.plan.output import team_yaml

    try:
        path.write_text(team_yaml(plan), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the team file: {exc}") from exc
    return path


_DEFAULT: dict[str, Any] = {name: field.default for name, field in PlanRequest.model_fields.items()}
"""The plan use case's defaults (``plan.request.PlanRequest``), which the options start from."""


@user_errors
def plan_command(
    workload: Annotated[Path, typer.Option("--workload", help="Workload YAML.")],
    costs: Annotated[
        Path, typer.Option("--costs", help="Costs and constraints YAML (examples/plan).")
    ],
    sla: Annotated[
        Path | None, typer.Option("--sla", help="SLA targets YAML; default ITIL-style targets.")
    ] = None,
    msp: Annotated[Path | None, typer.Option("--msp", help="MSP offers YAML.")] = None,
    compare: Annotated[
        Path | None, typer.Option("--compare", help="Designs YAML to compare against.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the design as a team.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML report.")] = None,
    reps: Annotated[int, typer.Option("--reps", min=2, help="Replications per design.")] = _DEFAULT[
        "reps"
    ],
    weeks: Annotated[
        float, typer.Option("--weeks", min=1, help="Measured weeks per run.")
    ] = _DEFAULT["weeks"],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same plan.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes (default: all cores).")
    ] = None,
    max_designs: Annotated[
        int,
        typer.Option("--max-designs", min=1, help="Designs to simulate (shared by MSP options)."),
    ] = _DEFAULT["max_designs"],
    team: Annotated[
        Path | None,
        typer.Option("--team", help="Today's team: its people stay, the plan adds hires on top."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", help="Dask scheduler address (tcp://HOST:PORT) to simulate candidates on."
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            min=0,
            help="Budget mode: the best service for at most this cost a YEAR (52 weeks).",
        ),
    ] = None,
    projects: Annotated[
        Path | None,
        typer.Option(
            "--projects",
            help="Portfolio YAML: projects beside tickets, planned on reserved hours.",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy", help="Routing policy the plan runs under (default generalist_first)."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the plan as JSON (full precision, docs/schemas/plan.json), no tables.",
        ),
    ] = False,
    csv_dir: CsvDir = None,
    xlsx: XlsxFile = None,
    db: DbOption = None,
) -> None:
    """Find the cheapest team (generalists, specialists per domain, cross-trained pairs, MSP
    offers) meeting every SLA.

    Starts from Erlang C, square-root staffing and the pooled / unpooled extremes, then
    simulates designs on common random numbers (in parallel processes, or on a Dask cluster
    with --dask), adding people where an SLA binds and removing or cross-training them while
    every SLA still holds with 95% confidence. With --team (or constraints.existing_team)
    today's people stay and only hires are added. With --budget (a year, 52 weeks) it finds
    the best service within the budget instead (smallest worst shortfall against the SLA
    targets, ties by cost) and shows the cost-service frontier. With a store (--db or
    DESKMIX_DB) holding tickets, the team the history shows is printed beside the
    recommendation. Example:
    deskmix plan --workload w.yaml --sla examples/plan/sla.yaml --costs
    examples/plan/costs.yaml --msp examples/plan/msp.yaml

    With --projects, every design's tickets run without the portfolio's reserved share of
    specialists' hours; the portfolio is then scheduled on the recommended design and, when
    late, MSP project hours or project specialists are added, whichever is cheaper."""
    from deskmix.plan.analysis import compared_notes
    from deskmix.plan.output import plan_output
    from deskmix.plan.use_case import plan_desk

    request = plan_request(
        workload,
        costs,
        sla=sla,
        msp=msp,
        compare=compare,
        team=team,
        projects=projects,
        policy=policy,
        reps=reps,
        weeks=weeks,
        seed=seed,
        max_designs=max_designs,
        budget=budget,
    )
    inputs = request.inputs()
    loaded, table = inputs.workload, inputs.costs
    with progress_bar() as bar:
        task = bar.add_task("planning (replications)", total=None)

        def advance(n: int) -> None:
            bar.advance(task, n)

        outcome = plan_desk(
            inputs,
            workers=workers,
            dask=dask,
            progress=advance,
            stage=lambda what: bar.update(task, description=what),
        )
    plan, stresses, compared = outcome.plan, outcome.stresses, outcome.compared
    project_plan = outcome.projects
    emit(plan_output(outcome), as_json, csv_dir, xlsx)
    if as_json:
        if out is not None:
            write_team(out, plan)
        if report is not None:
            _write_report(report, outcome, None)
        return
    under = f"SLA targets: {inputs.sla_name}; routing policy: {inputs.run.policy}"
    rows: list[tuple[str, Evaluation]] = [
        ("recommended", plan.evaluation),
        ("  same, fresh seed", plan.verification),
    ]
    legend = [f"recommended: {plan.recommended.label()}"]
    for i, (d, e) in enumerate(plan.runners_up, start=1):  # named briefly, spelt out below
        rows.append((f"runner-up {i}", e))
        legend.append(f"runner-up {i}: {d.label()}")
    rows += compared
    console.print(
        designs_table(
            rows,
            f"Plan for {loaded.name}: {len(plan.log)} designs simulated on {plan.backend}",
            under,
            legend,
        )
    )
    if plan.budget_per_week is not None:
        console.print(frontier_table(plan))
    console.print(extremes_table(plan))
    for reason in plan.reasons + compared_notes(plan, compared):
        console.print(f"- {reason}", highlight=False)
    if plan.budget_per_week is not None and not plan.evaluation.feasible:
        console.print(
            "[bold yellow]Note:[/] within this budget the best design found misses an SLA "
            "target; the cheapest design that meets them all is named above."
        )
    elif not plan.verified:
        console.print(
            "[bold red]Warning:[/] the recommendation misses an SLA on a fresh seed; "
            "rerun with more --reps or --weeks."
        )
    console.print(
        designs_table(
            [("as planned", plan.evaluation), *_stress_rows(stresses)],
            "Sensitivity of the recommended design",
            under,
        )
    )
    if project_plan is not None:
        from deskmix.projects.kpis import project_table

        console.print(project_table(project_plan.before, table.currency), highlight=False)
        for line in project_plan.lines():
            console.print(f"- {line}", highlight=False)
        if project_plan.choice not in ("none", "neither"):
            console.print(
                f"With the plan's choice (+{table.currency} {project_plan.extra_cost:,.0f}):"
            )
            console.print(project_table(project_plan.after, table.currency), highlight=False)
    try:
        history = history_from_store(db, loaded, plan)
    except DeskmixError as exc:  # the plan stands; only the comparison is missing
        console.print(f"(the history's team is not shown beside the plan: {exc})", highlight=False)
        history = None
    if history is not None:
        console.print(history_table(history))
        for line in history.lines():
            console.print(f"- {line}", highlight=False)
    if out is not None:
        console.print(f"Team written to {write_team(out, plan).resolve()}")
    if report is not None:
        console.print(f"Report written to {_write_report(report, outcome, history).resolve()}")


def _write_report(report: Path, outcome: PlanOutcome, history: HistoryBeside | None) -> Path:
    from deskmix.reports.plan import write_plan_report

    return write_plan_report(
        report,
        outcome.inputs.workload,
        outcome.plan,
        outcome.stresses,
        outcome.compared,
        history,
        projects=outcome.projects,
        sla_name=outcome.inputs.sla_name,
    )


def plan_request(
    workload: Path,
    costs: Path,
    *,
    sla: Path | None = None,
    msp: Path | None = None,
    compare: Path | None = None,
    team: Path | None = None,
    projects: Path | None = None,
    policy: str | None = None,
    reps: int = 8,
    weeks: float = 8,
    seed: int = 0,
    max_designs: int = 60,
    budget: float | None = None,
) -> PlanRequest:
    """The files read into the one input model every interface fills; each text keeps its
    file's name for errors. Team files named by the costs file or the designs file are
    read relative to it, here, since a text has no folder."""
    from deskmix.plan.inputs import load_costs, load_designs, load_existing
    from deskmix.plan.request import designs_text, team_text
    from deskmix.yamlfiles import read_text, validate

    texts: dict[str, str | None] = {
        "workload": read_text(workload, "workload"),
        "costs": read_text(costs, "costs"),
        "sla": read_text(sla, "SLA") if sla is not None else None,
        "msp": read_text(msp, "MSP offers") if msp is not None else None,
        "projects": read_text(projects, "portfolio") if projects is not None else None,
    }
    sources = {
        name: str(path)
        for name, path in (
            ("workload", workload),
            ("costs", costs),
            ("sla", sla),
            ("msp", msp),
            ("projects", projects),
            ("compare", compare),
            ("existing_team", team),
        )
        if path is not None
    }
    existing = load_existing(costs, load_costs(costs), team)
    named = load_designs(compare) if compare is not None else []
    data = {
        **texts,
        "existing_team": team_text(existing) if existing is not None else None,
        "compare": designs_text(named) if named else None,
        "policy": policy,
        "reps": reps,
        "weeks": weeks,
        "seed": seed,
        "max_designs": max_designs,
        "budget_per_year": budget,
        "sources": sources,
    }
    return validate(PlanRequest, data, "deskmix plan", "plan options")


def history_from_store(
    db: str | None, workload: Workload, plan: PlanResult
) -> HistoryBeside | None:
    """The history's team beside the plan, when a store is named (--db, DESKMIX_DB) and holds
    tickets; a plan from a hand-written workload on a machine without a store has none."""
    if db is None and not os.environ.get("DESKMIX_DB"):
        return None
    from deskmix.plan.history import history_beside

    store = store_for(db, create=False)
    try:
        if not store.counts()["tickets"]:
            return None
        return history_beside(store, workload, plan.evaluation.team)
    finally:
        store.dispose()


def _stress_rows(stresses: list[Stress]) -> list[tuple[str, Evaluation]]:
    return [(s.name, s.evaluation) for s in stresses]
