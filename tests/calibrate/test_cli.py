"""``deskmix calibrate`` end to end: a store in, YAML and offline charts out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from deskmix.calibrate.charts import arrival_heatmap, handling_histograms
from deskmix.calibrate.io import load_workload
from deskmix.calibrate.result import CalibrationResult
from deskmix.cli.app import app
from deskmix.domain.workload import Workload
from deskmix.store import open_store

from .builders import at, store_rows

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    store = open_store(path)
    rng = np.random.default_rng(2)
    rows: list[dict[str, object]] = []
    for i in range(400):
        opened = float(rng.uniform(0, 24 * 7 * 8))
        rows.append(
            {
                "id": f"INC{i:04d}",
                "opened_at": at(opened),
                "resolved_at": at(opened + float(rng.gamma(2.0, 3.0))),
                "domain": ["network", "end_user", "business_apps", "security"][i % 4],
                "tier": "specialist" if i % 3 == 0 else "generalist",
                "priority": f"P{2 + i % 3}",
                "reassignments": int(i % 3 == 0),
                "reopens": int(i % 11 == 0),
            }
        )
    store_rows(store, rows)
    store.dispose()
    return path


def test_calibrate_writes_yaml_and_offline_charts(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "workload.yaml"
    charts = tmp_path / "charts"
    result = runner.invoke(
        app,
        ["calibrate", "--db", str(db), "--out", str(out), "--charts", str(charts),
         "--name", "test desk", "--timezone", "Europe/Brussels"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    workload = load_workload(out)
    assert workload.name == "test desk"
    assert workload.tickets == 400
    assert workload.timezone == "Europe/Brussels"
    assert {h.domain for h in workload.handling} == {
        "network",
        "end_user",
        "business_apps",
        "security",
    }
    for name in ("arrivals.html", "handling.html"):
        html = (charts / name).read_text()
        assert 'src="plotly.min.js"' in html
        assert "cdn.plot.ly" not in html and "https://cdn" not in html
    assert (charts / "plotly.min.js").stat().st_size > 1_000_000
    assert "network" in result.output and "Workload written to" in result.output
    assert "resolution time" in result.output


def test_calibrate_on_an_empty_store_is_a_one_line_error(tmp_path: Path) -> None:
    from deskmix.store import open_store

    open_store(tmp_path / "empty.db").dispose()
    result = runner.invoke(
        app, ["calibrate", "--db", str(tmp_path / "empty.db"), "--out", str(tmp_path / "w.yaml")]
    )
    assert result.exit_code == 2
    assert "no tickets to calibrate from (all stored tickets)" in result.output
    assert not (tmp_path / "w.yaml").exists()


def test_calibrate_never_creates_a_database(tmp_path: Path) -> None:
    typo = tmp_path / "tpyo.db"
    result = runner.invoke(app, ["calibrate", "--db", str(typo), "--out", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert "no database at" in result.output
    assert not typo.exists()


def test_an_unknown_source_lists_the_stored_ones(db: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "w.yaml")
    result = runner.invoke(
        app, ["calibrate", "--db", str(db), "--out", out, "--source", "servicenow-events"]
    )
    assert result.exit_code == 2
    assert "the store holds:" in " ".join(result.output.split())


def test_calibrate_refuses_an_unknown_time_zone(db: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "w.yaml")
    result = runner.invoke(
        app, ["calibrate", "--db", str(db), "--out", out, "--timezone", "Mars/Olympus"]
    )
    assert result.exit_code == 2
    assert "unknown time zone" in result.output and "Mars/Olympus" in result.output


def test_charts_say_when_there_is_nothing_to_draw() -> None:
    empty = Workload(name="nothing")
    assert "No arrival data" in arrival_heatmap(empty).to_json()
    assert "No handling times" in handling_histograms(CalibrationResult(empty)).to_json()


def test_histograms_have_one_panel_per_domain_and_tier(db: Path, tmp_path: Path) -> None:
    from deskmix.calibrate import calibrate_store

    store = open_store(db)
    result = calibrate_store(store, name="charts")
    store.dispose()
    figure = handling_histograms(result)
    histograms = [t for t in figure.data if t.type == "histogram"]
    curves = [t for t in figure.data if t.type == "scatter"]
    assert len(histograms) == len(curves) == len(result.workload.handling) == 8
    heatmap = arrival_heatmap(result.workload)
    assert len(heatmap.data) == 5  # all domains + 4 domains
    total = np.asarray(heatmap.data[0].z).sum()
    assert total == pytest.approx(result.workload.tickets_per_week, rel=1e-3)
