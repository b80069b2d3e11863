"""``deskmix plan-year`` end to end on a tiny desk: the 80-column table, --json against the
YearPlan schema, the HTML report, and one-line errors for a bad horizon or growth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.calibrate.io import save_workload
from deskmix.cli.app import app
from deskmix.plan.horizon import YearPlan
from deskmix.teamfiles import load_team
from tests.plan.helpers import two_pool_workload
from tests.plan.test_cli import COSTS, SLA
from tests.reports.htmlcheck import light_report

TEAM = """\
name: today
agents:
  - {name: Kept, kind: generalist, cost_per_hour: 30, skills: {end_user: 2, network: 2},
     shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}]}
"""


def _args(tmp_path: Path, *extra: str) -> list[str]:
    files = {"costs": COSTS, "sla": SLA, "team": TEAM}
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    workload = save_workload(two_pool_workload(0.25), tmp_path / "workload.yaml")
    args = ["plan-year", "--workload", str(workload), "--workers", "1", "--reps", "3"]
    args += ["--weeks", "3", "--max-designs", "10", "--start", "2026-01-05"]
    for name in files:
        args += [f"--{name}", str(tmp_path / f"{name}.yaml")]
    return args + list(extra)


def test_plan_year_prints_a_quarter_table_in_80_columns(tmp_path: Path) -> None:
    report, out = tmp_path / "year.html", tmp_path / "end.yaml"
    result = CliRunner().invoke(
        app,
        _args(tmp_path, "--growth", "0.4", "--report", str(report), "--out", str(out)),
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    table = lines[: next(i for i, line in enumerate(lines) if line.startswith("Total"))]
    assert max(len(line) for line in table) <= 80
    assert "Q1" in result.output and "Q4" in result.output and "tickets/wk" in result.output
    assert "the stated g = +40.0% a year" in result.output.replace("\n", " ")
    html = report.read_text(encoding="utf-8")
    assert "Forecast volume and headcount per quarter" in html
    (forecast,) = light_report(html)  # under 1.5 MB, the light plotly.js, the chart's data inside
    assert forecast.types == {"bar", "scatter"} and len(forecast.traces[0]["y"]) == 4
    assert "Hiring and cross-training plan" in html
    assert "Kept" in {a.name for a in load_team(out).agents}


def test_plan_year_json_is_a_year_plan(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, _args(tmp_path, "--growth", "0.1", "--quarters", "2", "--json")
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    plan = YearPlan.model_validate(data)
    assert [q.quarter for q in plan.quarters] == [1, 2]
    assert plan.forecast.method == "growth" and plan.forecast.growth_per_year
    assert set(data) == set(YearPlan.model_fields)
    assert {"start_by", "ready_by", "late", "one_off_cost"} <= set(
        next(a for q in data["quarters"] for a in q["actions"])
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quarters", "0"], "the horizon must be 1 to 8 quarters"),
        (["--quarters", "9"], "the horizon must be 1 to 8 quarters"),
        (["--growth", "-1.2"], "--growth is a yearly rate above -1"),
        (["--start", "next monday"], "--start: expected a day as YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, extra: list[str], message: str) -> None:
    result = CliRunner().invoke(app, _args(tmp_path, *extra))
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
