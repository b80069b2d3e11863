"""``deskmix skills`` end to end: generated history written to a real store, then the commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.importers.writer import write_import
from deskmix.people.generator import GeneratedHistory, generate_history
from deskmix.people.output import SkillsOutput
from deskmix.store import Store
from deskmix.teamfiles import load_team
from tests.reports.htmlcheck import Page, light_report

runner = CliRunner()


@pytest.fixture
def world(sqlite_store: Store) -> GeneratedHistory:
    history = generate_history(4)
    write_import(sqlite_store, history.batch())
    return history


def _db(store: Store) -> str:
    return str(store.engine.url.database)


def _team_file(world: GeneratedHistory, path: Path) -> Path:
    """The generated desk as a team file: generalists with a broad, shallow declaration."""
    agents = [
        {
            "name": p,
            "kind": "generalist",
            "cost_per_hour": 38,
            "skills": {"end_user": 2, "accounts_access": 2},
        }
        for p in world.generalists
    ] + [
        {"name": p, "kind": "specialist", "cost_per_hour": 60, "skills": {d: 4}}
        for p, d in world.specialists.items()
    ]
    path.write_text(yaml.safe_dump({"name": "generated desk", "agents": agents}))
    return path


def test_hidden_finds_the_planted_specialists_through_the_store(
    world: GeneratedHistory, sqlite_store: Store
) -> None:
    result = runner.invoke(
        app, ["skills", "hidden", "--db", _db(sqlite_store)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    for person, domain in world.planted:
        line = next(row for row in result.stdout.splitlines() if person in row)
        assert domain in line


def test_matrix_report_and_team_out_feed_the_planner(
    world: GeneratedHistory, sqlite_store: Store, tmp_path: Path
) -> None:
    team = _team_file(world, tmp_path / "team.yaml")
    report, trained = tmp_path / "skills.html", tmp_path / "trained.yaml"
    result = runner.invoke(
        app,
        [
            "skills",
            "matrix",
            "--db",
            _db(sqlite_store),
            "--team",
            str(team),
            "--report",
            str(report),
            "--team-out",
            str(trained),
            "--min-people",
            "2",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Skills matrix: 30 people x 9 areas (domain)" in result.stdout
    page = Page(report.read_text())
    assert page.problems == [] and page.references == []
    assert {"Skills matrix", "Bus factor per area", "Hidden specialists"} <= set(page.headings)
    matrix, *_ = light_report(page.text)  # under 1.5 MB, the light plotly.js, the data inside
    assert len(matrix.traces) == 30  # a row of cells per person, each with its levels
    assert {t["name"] for t in matrix.traces} == set(matrix.layout["yaxis"]["ticktext"])
    assert all(len(t["marker"]["color"]) == len(t["x"]) == 9 for t in matrix.traces)
    assert any(p for p, _ in world.planted if p in page.cells)
    out = load_team(trained)
    before = load_team(team)
    raised = [
        (a.name, d)
        for a in out.agents
        for d, lvl in a.skills.items()
        if lvl > before.agent(a.name).level(d)
    ]
    assert raised and all(out.agent(p).level(d) == 3 for p, d in raised)


def test_bus_factor_lists_fragile_areas_and_suggestions(
    world: GeneratedHistory, sqlite_store: Store
) -> None:
    result = runner.invoke(
        app, ["skills", "bus-factor", "--db", _db(sqlite_store)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Coverage and bus factor" in result.stdout
    assert "Cross-training suggestions" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["skills", "matrix", "--by", "colour"], "--by"),
        (["skills", "matrix", "--team-out", "x.yaml"], "--team-out needs a team"),
        (["skills", "bus-factor", "--declared-only"], "--declared-only needs"),
    ],
)
def test_bad_options_are_one_line_errors(
    args: list[str], words: str, world: GeneratedHistory, sqlite_store: Store
) -> None:
    result = runner.invoke(app, [*args, "--db", _db(sqlite_store)])
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.output


def test_an_empty_store_says_to_import_first(tmp_path: Path, sqlite_store: Store) -> None:
    result = runner.invoke(app, ["skills", "hidden", "--db", _db(sqlite_store)])
    assert result.exit_code == 2 and "import some first" in result.stderr


def test_declared_only_needs_no_history(tmp_path: Path) -> None:
    team = Path(__file__).resolve().parents[2] / "examples" / "teams" / "company-300.yaml"
    result = runner.invoke(
        app,
        ["skills", "bus-factor", "--team", str(team), "--declared-only", "--min-people", "2"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Victor Nunes" in result.stdout  # the only level-5 architect covers architecture


def test_json_and_csv_output_and_who_left(sqlite_store: Store, tmp_path: Path) -> None:
    import csv
    import json

    from deskmix.people.generator import HistorySpec

    world = generate_history(4, HistorySpec(leavers=2))
    write_import(sqlite_store, world.batch())
    db = _db(sqlite_store)
    out = tmp_path / "bus.csv"
    result = runner.invoke(app, ["skills", "bus-factor", "--db", db, "--json", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    SkillsOutput.model_validate(data)  # the documented schema (docs/schemas/skills.json)
    assert {g["person"] for g in data["presence"]["gone"]} == set(world.leavers)
    assert all(set(a["covering"]).isdisjoint(world.leavers) for a in data["coverage"])
    rows = list(csv.DictReader(out.open()))
    assert {r["area"] for r in rows} == {a["area"] for a in data["coverage"]}
    text = runner.invoke(app, ["skills", "bus-factor", "--db", db], env={"COLUMNS": "200"})
    assert "Not counted: 2 gone or away" in text.stdout
    assert all(p in text.stdout for p in world.leavers)
    matrix = tmp_path / "matrix.csv"
    result = runner.invoke(app, ["skills", "matrix", "--db", db, "--csv", str(matrix)])
    assert result.exit_code == 0, result.output
    header = next(csv.reader(matrix.open()))
    assert header[0] == "person" and "network" in header
    hidden = runner.invoke(app, ["skills", "hidden", "--db", db, "--json"])
    assert SkillsOutput.model_validate_json(hidden.stdout).hidden_specialists is not None
    # --since: a window of the last two days leaves most people out, and says so
    since = runner.invoke(
        app, ["skills", "bus-factor", "--db", db, "--json", "--since", "2024-03-24"]
    )
    gone = json.loads(since.stdout)["presence"]["gone"]
    assert len(gone) > 2 and any("before the window" in g["reason"] for g in gone)
