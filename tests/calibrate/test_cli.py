"""``deskmix calibrate`` end to end: a store in, YAML and offline charts out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from deskmix.calibrate.io import load_workload
from deskmix.calibrate.result import CalibrationResult
from deskmix.cli.app import app
from deskmix.domain.workload import Workload
from deskmix.reports.charts.calibration import arrival_heatmap, handling_histograms
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
        assert 'src="plotly-basic.min.js"' in html
        assert "cdn.plot.ly" not in html and "https://cdn" not in html
    assert (charts / "plotly-basic.min.js").stat().st_size > 1_000_000
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
    histograms = [t for t in figure.data if t.type == "bar"]  # a histogram's counted bins
    curves = [t for t in figure.data if t.type == "scatter"]
    assert len(histograms) == len(curves) == len(result.workload.handling) == 8
    heatmap = arrival_heatmap(result.workload)
    assert len(heatmap.data) == 5 * 7  # all domains + 4 domains, a row of bars per day
    total = sum(sum(row.marker.color) for row in heatmap.data[:7])
    assert total == pytest.approx(result.workload.tickets_per_week, rel=1e-3)


@pytest.fixture
def extract_db(tmp_path: Path) -> Path:
    """Six steady weeks of 40 tickets, then an export week holding 400 (like BPIC'13)."""
    path = tmp_path / "extract.db"
    store = open_store(path)
    rows: list[dict[str, object]] = []
    for week, count in enumerate([40] * 6 + [400]):
        for k in range(count):
            opened = week * 168 + (k * 120.0 / count)  # spread over Monday to Friday
            rows.append(
                {
                    "id": f"X{week}-{k:03d}",
                    "opened_at": at(opened),
                    "resolved_at": at(opened + 2 + k % 5),
                    "domain": "network" if k % 2 else "end_user",
                    "tier": "generalist",
                    "priority": "P3",
                }
            )
    store_rows(store, rows)
    store.dispose()
    return path


def test_an_extract_is_refused_in_one_line_and_nothing_is_written(
    extract_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.yaml"
    result = runner.invoke(
        app, ["calibrate", "--db", str(extract_db), "--out", str(out)], terminal_width=10_000
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "not a steady state" in lines[0]
    assert "400 of 640 tickets (62%) opened in the week of 2024-02-12" in lines[0]
    assert "10.0x the median week of the 6 weeks before it (40 tickets)" in lines[0]
    assert "pass --from 2024-01-01 --to 2024-02-11" in lines[0]
    assert not out.exists()


def test_from_to_calibrate_the_steady_weeks_and_report_the_window(
    extract_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.yaml"
    result = runner.invoke(
        app,
        ["calibrate", "--db", str(extract_db), "--out", str(out),
         "--from", "2024-01-01", "--to", "2024-02-11"],
        terminal_width=10_000,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    workload = load_workload(out)
    assert workload.tickets == 240
    # The period runs from the first to the last ticket inside the window (Monday 08:00 to
    # the last Friday afternoon), as it does without a window.
    assert workload.weeks is not None and 5.6 < workload.weeks < 5.8
    assert workload.tickets_per_week == pytest.approx(240 / workload.weeks, rel=1e-3)
    text = " ".join(result.output.split())
    assert "window: --from 2024-01-01 --to 2024-02-11 keeps 240 of 640 tickets" in text
    assert "0 opened before it, 400 after it" in text


def test_accept_unsteady_calibrates_anyway_and_says_so(extract_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.yaml"
    result = runner.invoke(
        app, ["calibrate", "--db", str(extract_db), "--out", str(out), "--accept-unsteady"]
    )
    assert result.exit_code == 0, result.output
    workload = load_workload(out)
    assert workload.tickets == 640
    assert workload.missing[0].startswith("UNSTEADY PERIOD, calibrated anyway")
    assert "UNSTEADY PERIOD" in result.output


def test_a_bad_window_is_a_one_line_error(extract_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.yaml"
    base = ["calibrate", "--db", str(extract_db), "--out", str(out)]
    backwards = runner.invoke(app, [*base, "--from", "2024-02-01", "--to", "2024-01-01"])
    assert backwards.exit_code == 2 and "ends before it starts" in backwards.output
    empty = runner.invoke(app, [*base, "--from", "2030-01-01"])
    assert empty.exit_code == 2 and "no ticket opened inside" in empty.output
    assert not out.exists()
