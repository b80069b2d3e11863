"""``deskmix plan-year``: hires and cross-training quarter by quarter as the volume grows.

A command of its own rather than a ``--horizon`` option on ``deskmix plan``: its output is a
table per quarter and a dated action list, not one design with its sensitivity, and its
options (growth, history, lead times) mean nothing to a one-off plan. ``deskmix plan`` stays as
it is; both drive the same planner.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deskmix.cli.common import console, progress_bar, store_for, user_errors
from deskmix.errors import ConfigError
from deskmix.plan.lead_times import (
    DEFAULT_HIRE_COST,
    DEFAULT_HIRE_LEAD_WEEKS,
    DEFAULT_TRAINING_COST,
    DEFAULT_TRAINING_WEEKS,
)

if TYPE_CHECKING:
    from deskmix.calibrate.forecast import WeeklyHistory
    from deskmix.plan.horizon import QuarterPlan, YearPlan

TABLE_WIDTH = 80


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"--start: expected a day as YYYY-MM-DD; got {text!r}") from None


def _history(db: str, source: str | None) -> WeeklyHistory:
    from deskmix.calibrate.forecast import weekly_history
    from deskmix.calibrate.loading import load_frames
    from deskmix.store.selection import Selection

    store = store_for(db, create=False)
    try:
        tickets, _ = load_frames(store, Selection(source_system=source))
    finally:
        store.dispose()
    if tickets.empty:
        raise ConfigError(f"--history-db {db}: no stored tickets to forecast from")
    return weekly_history(tickets)


def _actions(quarter: QuarterPlan) -> tuple[str, str]:
    """The quarter's actions grouped (``2 x hire a generalist``) and their start dates."""
    groups: dict[str, list[date]] = defaultdict(list)
    late: set[str] = set()
    for action in quarter.actions:
        key = action.detail if action.kind != "cross_train" else f"train {action.person}"
        groups[key].append(action.start_by)
        if action.late:
            late.add(key)
    lines = [f"{len(days)} x {key}" if len(days) > 1 else key for key, days in groups.items()]
    dates = [f"{min(days)}{' !' if key in late else ''}" for key, days in groups.items()]
    return "\n".join(lines) or "-", "\n".join(dates) or "-"


def quarter_table(plan: YearPlan) -> Table:
    table = Table(
        title=f"{3 * len(plan.quarters)}-month plan for {plan.workload} ({plan.currency})",
        width=TABLE_WIDTH,
    )
    for column, justify in (
        ("Q", "left"),
        ("tickets/wk", "right"),
        ("people", "right"),
        ("cost/wk", "right"),
        ("hires, cross-training", "left"),
        ("start by", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for q in plan.quarters:
        band = f"\n{q.low:,.0f}-{q.high:,.0f}" if q.low is not None and q.high is not None else ""
        actions, dates = _actions(q)
        table.add_row(
            f"Q{q.quarter}\n{q.start}",
            f"{q.tickets_per_week:,.0f}{band}",
            f"{q.headcount} (+{q.added})",
            f"{q.cost_per_week:,.0f}",
            actions,
            dates,
        )
    return table


@user_errors
def plan_year_command(
    workload: Annotated[Path, typer.Option("--workload", help="Workload YAML.")],
    costs: Annotated[Path, typer.Option("--costs", help="Costs and constraints YAML.")],
    sla: Annotated[
        Path | None, typer.Option("--sla", help="SLA targets YAML; default ITIL-style targets.")
    ] = None,
    msp: Annotated[Path | None, typer.Option("--msp", help="MSP offers YAML.")] = None,
    team: Annotated[
        Path | None, typer.Option("--team", help="Today's team: everyone stays, hires add.")
    ] = None,
    growth: Annotated[
        float | None,
        typer.Option("--growth", help="Yearly volume growth, 0.10 = +10% (beats a fitted trend)."),
    ] = None,
    history_db: Annotated[
        str | None,
        typer.Option("--history-db", help="Store whose weekly counts the forecast is fitted on."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source system's tickets.")
    ] = None,
    quarters: Annotated[int, typer.Option("--quarters", help="Horizon in quarters (1-8).")] = 4,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of quarter 1 (YYYY-MM-DD).")
    ] = None,
    hire_weeks: Annotated[
        float, typer.Option("--hire-weeks", min=0, help="Weeks from starting to recruit to day 1.")
    ] = DEFAULT_HIRE_LEAD_WEEKS,
    hire_cost: Annotated[
        float, typer.Option("--hire-cost", min=0, help="One-off per hire.")
    ] = DEFAULT_HIRE_COST,
    training_weeks: Annotated[
        float, typer.Option("--training-weeks", min=0, help="Weeks of part-time cross-training.")
    ] = DEFAULT_TRAINING_WEEKS,
    training_cost: Annotated[
        float, typer.Option("--training-cost", min=0, help="One-off per cross-training.")
    ] = DEFAULT_TRAINING_COST,
    reps: Annotated[int, typer.Option("--reps", min=2, help="Replications per design.")] = 4,
    weeks: Annotated[float, typer.Option("--weeks", min=1, help="Measured weeks per run.")] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same plan.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes (default: all cores).")
    ] = None,
    max_designs: Annotated[
        int, typer.Option("--max-designs", min=1, help="Designs to simulate per quarter.")
    ] = 30,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address (tcp://HOST:PORT).")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the plan as JSON (schema: YearPlan).")
    ] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML report.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the team at the horizon's end.")
    ] = None,
) -> None:
    """Plan the next quarters: forecast each quarter's volume (fitted on --history-db when it
    holds 8 weeks or more, with a yearly season from two years; else --growth), plan the
    cheapest team meeting every SLA on top of today's team and the hires before, and say who
    to hire or cross-train by when. Example: deskmix plan-year --workload w.yaml --sla
    examples/plan/sla.yaml --costs examples/plan/costs.yaml --team today.yaml --growth 0.1"""
    from deskmix.calibrate.forecast import check_horizon, forecast
    from deskmix.calibrate.io import load_workload
    from deskmix.plan.evaluate import RunSettings
    from deskmix.plan.horizon import HiringTerms, plan_horizon
    from deskmix.plan.inputs import load_costs, load_existing, load_offers, with_named_offers
    from deskmix.teamfiles import load_sla

    check_horizon(quarters, growth)
    first = _day(start)
    loaded = load_workload(workload)
    policy = load_sla(sla)
    table = load_costs(costs)
    existing = load_existing(costs, table, team)
    kept = [("today's team", existing)] if existing is not None else []
    offers = with_named_offers(load_offers(msp), kept)
    history = _history(history_db, source) if history_db is not None else None
    volume = forecast(loaded, quarters=quarters, growth=growth, history=history, start=first)
    terms = HiringTerms(
        hire_lead_weeks=hire_weeks,
        hire_cost=hire_cost,
        training_weeks=training_weeks,
        training_cost=training_cost,
    )
    run = RunSettings(reps=reps, weeks=weeks, seed=seed, workers=workers)
    with progress_bar() as bar:
        task = bar.add_task("quarter 1", total=None)

        def advance(n: int) -> None:
            bar.advance(task, n)

        def quarter(number: int, total: int) -> None:
            bar.update(task, description=f"planning quarter {number} of {total}")

        plan = plan_horizon(
            loaded,
            policy,
            table,
            offers,
            run,
            volume,
            existing=existing,
            terms=terms,
            max_designs=max_designs,
            progress=advance,
            on_quarter=quarter,
            dask=dask,
        )
    if out is not None:
        _write_team(out, plan)
    if report is not None:
        from deskmix.reports.horizon import write_horizon_report

        write_horizon_report(report, plan)
    if json_out:
        typer.echo(plan.model_dump_json(indent=2))
        return
    console.print(quarter_table(plan), width=TABLE_WIDTH)
    console.print(
        f"Total over the horizon: {plan.total_cost:,.0f} {plan.currency} "
        f"(one-off {plan.one_off_cost:,.0f}). '!': should have started before "
        f"{plan.forecast.start}.",
        width=TABLE_WIDTH,
        highlight=False,
    )
    for note in plan.notes:
        console.print(f"- {note}", width=TABLE_WIDTH, highlight=False)
    if out is not None:
        console.print(f"Team at the end written to {out.resolve()}", width=TABLE_WIDTH)
    if report is not None:
        console.print(f"Report written to {report.resolve()}", width=TABLE_WIDTH)


def _write_team(path: Path, plan: YearPlan) -> None:
    import yaml

    header = "# The team at the end of 'deskmix plan-year'. Format: docs/formats.md (Team).\n"
    try:
        path.write_text(
            header + yaml.safe_dump(plan.team.model_dump(mode="json"), sort_keys=False),
            encoding="utf-8",
        )
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the team file: {exc}") from exc
