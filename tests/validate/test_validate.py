"""The back-test on a generated desk whose team is known, on a real SQLite store."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from deskmix.calibrate.loading import load_frames
from deskmix.calibrate.pipeline import calibrate_frames
from deskmix.calibrate.statuses import load_statuses
from deskmix.cli.app import app
from deskmix.domain.calendar import WeekCalendar
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind
from deskmix.people.history import history_frames, history_from_frames
from deskmix.reports.validation import validation_report
from deskmix.store import Store, open_store
from deskmix.store.selection import Selection
from deskmix.tables import read_xlsx
from deskmix.validate import ValidationRequest, ValidationResult, run_validation
from deskmix.validate import compare as cmp
from deskmix.validate import figures as fig
from deskmix.validate.history_team import HistoryTeam, rebuild_team, shifts_of
from tests.reports.htmlcheck import light_report
from tests.test_machine_output import same
from tests.validate.desk import KnownDesk


@pytest.fixture(scope="module")
def known_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("validate") / "known.db"
    store = open_store(path)
    try:
        KnownDesk().write(store)
    finally:
        store.dispose()
    return path


@pytest.fixture(scope="module")
def store(known_db: Path) -> Store:
    return open_store(known_db)


def team_of(store: Store) -> HistoryTeam:
    tickets, events = load_frames(store)
    people_tickets, people_events = history_frames(store, Selection())
    people = history_from_frames(people_tickets, people_events, "domain")
    return rebuild_team(tickets, events, people, load_statuses())


def test_the_rebuilt_team_has_the_known_people_kinds_and_shifts(store: Store) -> None:
    team = team_of(store)
    simulated = {a.name: a for a in team.team.agents}
    # The leaver worked two weeks of eight: the typical week has three generalists.
    assert sorted(simulated) == ["db-a", "gen-a", "gen-b", "gen-c", "net-a", "net-b"]
    assert {a.name for a in team.agents} == set(simulated) | {"gen-leaver"}
    assert team.typical == {
        "generalist": 3,
        "specialist: data_db": 1,
        "specialist: network": 2,
    }
    for name, agent in simulated.items():
        shift = [s.model_dump() for s in agent.shifts]
        days = ["mon", "tue", "wed", "thu", "fri"]  # the Sunday auto-closures do not count
        if name.startswith("gen"):
            assert agent.kind == AgentKind.GENERALIST
            assert shift == [{"days": days, "start": "08:00", "end": "16:00"}]
        else:
            assert agent.kind == AgentKind.SPECIALIST
            assert shift == [{"days": days, "start": "10:00", "end": "18:00"}]
    assert simulated["net-a"].level("network") == 3
    assert simulated["db-a"].level("data_db") == 3
    assert simulated["db-a"].level("network") == 0
    leaver = next(a for a in team.agents if a.name == "gen-leaver")
    assert leaver.weeks_active == 2 and not leaver.in_team
    # Evidence levels from the people/ rule are reported beside the simulated ones.
    assert next(a for a in team.agents if a.name == "db-a").evidence["data_db"] >= 3
    assert team.on_shift_hours_per_week == 3 * 40 + 3 * 40


@given(st.lists(st.integers(0, 167), min_size=1, max_size=168, unique=True))
@settings(max_examples=60, deadline=None)
def test_shifts_cover_exactly_the_calendars_hours(hours: list[int]) -> None:
    from deskmix.domain.team import Agent

    calendar = WeekCalendar(hours)
    agent = Agent(name="x", kind=AgentKind.GENERALIST, cost_per_hour=0, shifts=shifts_of(calendar))
    assert [h for h, on in enumerate(agent.on_duty()) if on] == sorted(hours)


def sides(store: Store) -> tuple[fig.Side, fig.HistoryFacts]:
    tickets, events = load_frames(store)
    workload = calibrate_frames(tickets, events, name="known").workload
    assert workload.period_start is not None and workload.period_end is not None
    import pandas as pd

    return fig.history_side(
        tickets,
        events,
        start=pd.Timestamp(workload.period_start),
        end=pd.Timestamp(workload.period_end),
        sla=SlaPolicy.default(),
        workload=workload,
        agents=6,
        on_shift_hours=240.0,
        book=load_statuses(),
    )


def test_a_history_compared_with_itself_passes_every_figure(store: Store) -> None:
    history, facts = sides(store)
    rows = cmp.compare_sides(history, history, facts)
    judged = [r for r in rows if r.within is not None]
    assert judged and all(r.within for r in judged)
    assert all(r.distance == 0 for r in rows if r.figure == cmp.DISTRIBUTION)
    assert cmp.largest(rows) == []


def test_a_distorted_simulation_fails_with_a_cause(store: Store) -> None:
    history, facts = sides(store)
    slow = replace(
        history,
        values={
            k: v * 3 if k[0] in (fig.MEDIAN, fig.P90) else v for k, v in history.values.items()
        },
        resolution={k: v * 3 for k, v in history.resolution.items()},
    )
    rows = cmp.compare_sides(history, slow, facts)
    by = {(r.figure, r.scope): r for r in rows}
    for figure in (fig.MEDIAN, fig.P90, cmp.DISTRIBUTION):
        row = by[(figure, "all")]
        assert row.within is False
        assert row.cause and "3.0x slower" in row.cause
    assert by[(fig.TICKETS, "all")].within is True
    # W1 of a distribution and its triple is twice the mean.
    w1 = by[(cmp.DISTRIBUTION, "all")].distance
    assert w1 == pytest.approx(2 * float(np.mean(history.resolution["all"])), rel=1e-9)
    assert cmp.largest(rows)[0].within is False


def test_the_use_case_back_tests_the_known_desk_and_its_hold_out(store: Store) -> None:
    result = run_validation(store, ValidationRequest(replications=2, holdout=0.3))
    assert result.team.simulated_agents == 6
    assert result.full.policy == "generalist_first"
    assert result.holdout is not None
    assert result.holdout.compared_from > result.full.compared_from
    assert result.full.judged > 0
    tickets = next(f for f in result.full.figures if f.figure == fig.TICKETS and f.scope == "all")
    assert tickets.history is not None and tickets.simulated is not None
    assert tickets.within, tickets  # arrivals are fitted directly: they must agree
    again = run_validation(store, ValidationRequest(replications=2, holdout=0.3))
    assert again.model_dump(exclude={"team"}) == result.model_dump(exclude={"team"})
    # The JSON round-trips through the schema.
    assert ValidationResult.model_validate_json(result.model_dump_json()) == result
    # The report: under 1.5 MB, the light plotly.js, each back-test's charts with their data.
    charts = light_report(validation_report(result).render())
    assert len(charts) == 4  # backlog and median resolution, full history and hold-out
    backlog = charts[0].traces
    assert [t["name"] for t in backlog] == ["history", "simulated (mean)"]
    assert backlog[0]["y"] == result.full.backlog_history


def test_cli_json_and_an_empty_store(known_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["validate", "--db", str(known_db), "--reps", "2", "--holdout", "0", "--json",
         "--xlsx", str(tmp_path / "validate.xlsx")],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert set(data) == set(ValidationResult.model_fields)
    result = ValidationResult.model_validate_json(done.stdout)  # docs/schemas/validation.json
    figures = read_xlsx(tmp_path / "validate.xlsx")["figures"]
    assert len(figures) == len(result.full.figures)
    for row, figure in zip(figures, result.full.figures, strict=True):
        assert row["figure"] == figure.figure and row["scope"] == figure.scope
        for key in ("history", "simulated", "half_width"):
            assert same(row[key], getattr(figure, key)), (figure.figure, key)
    assert data["holdout"] is None
    assert {"figure", "scope", "history", "simulated", "within", "distance"} <= set(
        data["full"]["figures"][0]
    )
    empty = tmp_path / "empty.db"
    open_store(empty).dispose()
    failed = runner.invoke(app, ["validate", "--db", str(empty)])
    assert failed.exit_code == 2
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(" ".join(lines)) > 0 and "no tickets to validate" in " ".join(lines)
    assert "Traceback" not in failed.output


def test_cli_table_fits_80_columns(known_db: Path) -> None:
    done = CliRunner().invoke(
        app,
        ["validate", "--db", str(known_db), "--reps", "2", "--holdout", "0"],
        env={"COLUMNS": "80"},
    )
    assert done.exit_code == 0, done.output
    assert "Verdict:" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_implied_utilisation_uses_the_calibrated_effort(store: Store) -> None:
    history, facts = sides(store)
    assert facts.implied_utilisation == pytest.approx(facts.effort_hours_per_week / 240.0)
    assert math.isfinite(history.values[(fig.UTILISATION, "all")])


def test_the_plan_sets_the_history_beside_its_recommendation(store: Store) -> None:
    from deskmix.plan.history import history_beside

    tickets, events = load_frames(store)
    workload = calibrate_frames(tickets, events, name="known").workload
    recommended = team_of(store).team
    beside = history_beside(store, workload, recommended)
    assert beside.history == {
        "generalist: first line": 3,
        "specialist: data_db": 1,
        "specialist: network": 2,
    }
    assert beside.recommended == beside.history
    assert beside.on_shift_hours_per_week == 240.0
    assert beside.observed_utilisation == pytest.approx(fig.effort_hours_per_week(workload) / 240.0)
    # A thousand times the handling: more work than the observed people were on shift for.
    heavy = workload.model_copy(
        update={
            "handling": [
                h.model_copy(update={"mean_hours": h.mean_hours * 1000}) for h in workload.handling
            ]
        }
    )
    warned = history_beside(store, heavy, recommended)
    assert warned.warning is not None and "could not have delivered it" in warned.warning
    assert any("warning" in line for line in warned.lines())


def test_plan_command_prints_the_history_beside_the_plan(known_db: Path, tmp_path: Path) -> None:
    from tests.plan.test_cli import _args, _files

    files = _files(tmp_path)
    report = tmp_path / "plan.html"
    done = CliRunner().invoke(
        app,
        [*_args(files, "--report", str(report)), "--db", str(known_db)],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    assert "The team the history shows beside the recommendation" in done.output
    assert "people at work in a typical week" in done.output
    assert "The team the history shows" in report.read_text(encoding="utf-8")
