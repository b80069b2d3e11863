"""``deskmix compare``: saved runs side by side, differences with Welch intervals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.compare import ComparisonOutput, compare_runs, difference, read_saved
from deskmix.errors import ConfigError
from deskmix.sim.output import Interval, ScenarioResult, SimulationOutput
from deskmix.tables import read_xlsx
from tests.reports.htmlcheck import light_report
from tests.test_machine_output import same, simulate_args


def _interval(mean: float, sd: float, n: int) -> Interval:
    half = float(stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n))
    return Interval(mean=mean, half_width=half, low=mean - half, high=mean + half, n=n)


def _saved(name: str, cost: Interval, sla: str = "sla.yaml") -> SimulationOutput:
    return SimulationOutput(
        team="t",
        workload="w",
        sla=sla,
        policy="generalist_first",
        reps=cost.n,
        weeks=4,
        warmup_weeks=1,
        seed=0,
        scenarios=[
            ScenarioResult(
                name=name, policy="generalist_first", reps=cost.n, seed=0,
                kpis={"cost_per_week": cost},
            )
        ],
    )  # fmt: skip


def test_the_difference_interval_is_welch_from_the_saved_intervals() -> None:
    a, b = _interval(100.0, 10.0, 10), _interval(120.0, 20.0, 5)
    result = compare_runs([("a.json", _saved("x", a)), ("b.json", _saved("y", b))])
    (d,) = result.differences
    se_a, se_b = 10 / math.sqrt(10), 20 / math.sqrt(5)
    df = (se_a**2 + se_b**2) ** 2 / (se_a**4 / 9 + se_b**4 / 4)
    half = stats.t.ppf(0.975, df) * math.sqrt(se_a**2 + se_b**2)
    assert d.difference == pytest.approx(20.0)
    assert d.df == pytest.approx(df)
    assert d.half_width == pytest.approx(half)
    assert d.clear is bool(20 - half > 0)
    assert [r.label for r in result.runs] == ["a", "b"] and result.baseline == "a"
    assert difference("missing", result.runs[1], result.runs[0]).difference is None


def test_different_sla_sets_are_named(tmp_path: Path) -> None:
    a = _saved("x", _interval(1.0, 0.1, 4), sla="gold.yaml")
    b = _saved("y", _interval(1.0, 0.1, 4), sla="silver.yaml")
    result = compare_runs([("a.json", a), ("b.json", b)])
    assert any("different SLA sets" in n for n in result.notes)


def test_bad_files_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "triage"}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.json: expected the JSON of 'deskmix simulate"):
        read_saved(bad)
    bad.write_text('{"kind": "simulation", "team": 3}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.json: '"):
        read_saved(bad)
    bad.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(bad), str(bad)])
    assert result.exit_code == 2 and "bad.json: not a readable JSON file" in result.output


def test_compare_end_to_end(tmp_path: Path) -> None:
    runner = CliRunner()
    files = []
    for seed in ("1", "2"):
        done = runner.invoke(app, simulate_args(tmp_path, "--json", "--seed", seed))
        assert done.exit_code == 0, done.output
        path = tmp_path / f"seed{seed}.json"
        path.write_text(done.stdout, encoding="utf-8")
        files.append(str(path))
    shown = runner.invoke(app, ["compare", *files], env={"COLUMNS": "240"})
    assert shown.exit_code == 0, shown.output
    assert "baseline: seed1: baseline" in shown.output and "run: seed2: load x1.2" in shown.output
    assert "Welch" in shown.output
    report, book = tmp_path / "compare.html", tmp_path / "compare.xlsx"
    done = runner.invoke(
        app, ["compare", *files, "--json", "--report", str(report), "--xlsx", str(book)]
    )
    assert done.exit_code == 0, done.output
    result = ComparisonOutput.model_validate_json(done.stdout)
    assert len(result.runs) == 4 and result.baseline == "seed1: baseline"
    html = report.read_text(encoding="utf-8")
    light_report(html)
    assert "Key figures and differences" in html
    tables = read_xlsx(book)
    saved = {(d["run"], d["kpi"]): d for d in json.loads(done.stdout)["differences"]}
    for row in tables["differences"]:
        for key in ("difference", "low", "high"):
            assert same(row[key], saved[(row["run"], row["kpi"])][key])
