"""``--json``, ``--csv`` and ``--xlsx``: every JSON output reads back into its schema, and the
workbook holds the same numbers as the JSON (issue 21, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.calibrate.io import load_workload, save_workload
from deskmix.calibrate.output import CalibrationOutput
from deskmix.cli.app import app
from deskmix.plan.output import PlanOutput
from deskmix.sim.output import SimulationOutput
from deskmix.tables import read_xlsx
from tests.calibrate.test_cli import db  # noqa: F401 (a fixture)
from tests.plan.test_cli import _args as plan_args
from tests.plan.test_cli import _files as plan_files
from tests.sim.helpers import two_domains

TEAM = """
name: small desk
agents:
  - {name: Desk, count: 3, kind: generalist, cost_per_hour: 40}
  - {name: Net, kind: specialist, cost_per_hour: 60, skills: {network: 4}}
"""


def simulate_args(tmp_path: Path, *extra: str) -> list[str]:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM, encoding="utf-8")
    workload = save_workload(two_domains(150, 30), tmp_path / "workload.yaml")
    return [
        "simulate",
        "--team",
        str(team),
        "--workload",
        str(workload),
        "--reps",
        "3",
        "--weeks",
        "2",
        "--workers",
        "1",
        "--load",
        "1.2",
        *extra,
    ]


def same(value: object, expected: object) -> bool:
    """openpyxl writes 16 significant digits (Excel computes with 15): equal to that."""
    if isinstance(expected, float) and isinstance(value, int | float):
        return value == pytest.approx(expected, rel=1e-15, abs=0)
    return value == expected


def _same_numbers(kpi_rows: list[dict[str, object]], scenarios: dict[str, dict]) -> None:
    assert kpi_rows
    for row in kpi_rows:
        expected = scenarios[str(row["scenario"])]["kpis"][str(row["kpi"])]
        for part in ("mean", "low", "high", "half_width", "n"):
            assert same(row[part], expected[part]), (row, part)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp_path = tmp_path_factory.mktemp("simulate")
    args = simulate_args(tmp_path, "--json", "--xlsx", str(tmp_path / "sim.xlsx"))
    args += ["--csv", str(tmp_path / "csv")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return tmp_path, result.stdout


def test_simulate_json_reads_back_into_its_schema(simulated: tuple[Path, str]) -> None:
    _, stdout = simulated
    output = SimulationOutput.model_validate_json(stdout)
    assert [s.name for s in output.scenarios] == ["baseline", "load x1.2"]
    assert output.scenarios[0].kpis["cost_per_week"].mean is not None
    assert output.reps == 3 and output.kind == "simulation"


def test_simulate_xlsx_and_csv_hold_the_json_numbers(simulated: tuple[Path, str]) -> None:
    tmp_path, stdout = simulated
    data = json.loads(stdout)
    scenarios = {s["name"]: s for s in data["scenarios"]}
    tables = read_xlsx(tmp_path / "sim.xlsx")
    assert set(tables) == {"kpis", "scenarios"}
    _same_numbers(tables["kpis"], scenarios)
    wide = {row["scenario"]: row for row in tables["scenarios"]}
    for name, scenario in scenarios.items():
        cost = scenario["kpis"]["cost_per_week"]
        assert same(wide[name]["cost_per_week mean"], cost["mean"])
        assert same(wide[name]["cost_per_week low"], cost["low"])
    csv_text = (tmp_path / "csv" / "kpis.csv").read_text(encoding="utf-8")
    assert repr(scenarios["baseline"]["kpis"]["cost_per_week"]["mean"]) in csv_text


def test_plan_json_reads_back_and_xlsx_holds_the_same_numbers(tmp_path: Path) -> None:
    files = plan_files(tmp_path)
    book = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(app, plan_args(files, "--json", "--xlsx", str(book)))
    assert result.exit_code == 0, result.output
    output = PlanOutput.model_validate_json(result.stdout)
    tables = read_xlsx(book)
    assert set(tables) == {"designs", "staffing", "search"}
    first = tables["designs"][0]
    assert first["design"] == output.recommended.design
    assert same(first["cost_per_week mean"], output.recommended.cost_per_week.mean)
    for check in output.recommended.checks:
        name = f"sla_{check.kind}/{check.priority}"
        assert same(first[f"{name} mean"], check.estimate.mean)
        assert same(first[f"{name} low"], check.estimate.low)
    assert tables["staffing"][-1]["domain"] == "(all)"
    assert len(tables["search"]) == output.designs_simulated


def test_calibrate_json_reads_back_and_xlsx_holds_the_same_numbers(
    db: Path,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    out, book = tmp_path / "workload.yaml", tmp_path / "calibration.xlsx"
    args = ["calibrate", "--db", str(db), "--out", str(out), "--json", "--xlsx", str(book)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    output = CalibrationOutput.model_validate_json(result.stdout)
    assert output.workload == load_workload(out)
    tables = read_xlsx(book)
    rows = {row["domain"]: row for row in tables["domains"]}
    for domain in output.domains:
        for key, value in domain.model_dump().items():
            assert same(rows[domain.domain][key], value), (domain.domain, key)
    assert len(tables["arrivals"]) == len(output.workload.arrivals)
