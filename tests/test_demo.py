"""``deskmix demo`` end to end: a fresh store, the sample's tickets, workload.yaml and a report."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from deskmix.calibrate.io import load_workload
from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.errors import InputError
from deskmix.importers.csv_generic import import_csv
from deskmix.importers.writer import write_import
from deskmix.sample import DB_FILE, EVENTS_FILE
from deskmix.sample.demo import run_demo
from deskmix.store import Store, open_store

from .reports.htmlcheck import Page, light_report


def deskmix_command() -> str:
    beside = Path(sys.executable).with_name("deskmix")
    found = str(beside) if beside.exists() else shutil.which("deskmix")
    if found is None:
        pytest.skip("the deskmix console script is not installed in this environment")
    return found


def sample_counts() -> tuple[int, int]:
    data = resources.files("deskmix.data").joinpath("sample", EVENTS_FILE).read_bytes()
    events = pd.read_csv(io.BytesIO(gzip.decompress(data)), usecols=["number"])
    return events["number"].nunique(), len(events)


def run(out: Path, env_db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKMIX_DB": f"sqlite:///{env_db}", "COLUMNS": "200"}
    return subprocess.run(
        [deskmix_command(), "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def test_demo_builds_a_fresh_store_a_workload_and_a_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    elsewhere = tmp_path / "not-this.db"
    done = run(out, elsewhere)
    assert done.returncode == 0, done.stderr
    report = out / "report.html"
    assert f"Report written to {report}" in done.stdout
    assert "end_user" in done.stdout  # the summary table
    assert not elsewhere.exists()  # DESKMIX_DB is not the demo's store

    tickets, events = sample_counts()
    store = open_store(out / DB_FILE)
    try:
        assert store.counts() == {"imports": 1, "tickets": tickets, "events": events}
    finally:
        store.dispose()
    workload = load_workload(out / "workload.yaml")
    assert set(workload.domain_mix) == set(DEFAULT_DOMAINS)
    assert workload.tickets == tickets
    page = Page(report.read_text(encoding="utf-8"))
    assert page.problems == [] and page.references == []
    assert "Calibration summary" in page.headings
    assert "Key figures (mean ± 95% CI)" in page.headings  # the sample team, simulated
    assert "SLA attainment by priority (deskmix's default ITIL-style targets)" in page.headings
    assert "The sample team, simulated" in done.stdout
    # the back-test: the sample's own team rebuilt from its history, with verdicts
    assert "Back-test: the sample's history shows 16 people" in done.stdout
    assert "full history:" in done.stdout and "figures within tolerance" in done.stdout
    assert "hold-out (last 30%):" in done.stdout
    assert "full history: simulated beside history" in page.headings
    assert (out / "team.yaml").read_text(encoding="utf-8").startswith("# The sample desk")
    # the demo ends with a plan: printed, summarised in report.html, in full in plan.html
    assert "Plan: the cheapest team" in done.stdout
    assert f"Plan report written to {out / 'plan.html'}" in done.stdout
    assert "Plan: the cheapest team meeting the SLAs" in page.headings
    plan_page = Page((out / "plan.html").read_text(encoding="utf-8"))
    assert plan_page.problems == [] and plan_page.references == []
    # both under 1.5 MB with the light plotly.js inlined, every chart's data inside
    charts = light_report(page.text)
    assert len(charts) == page.text.count('class="section-figure"') >= 9
    arrivals = charts[0]  # a grid of 7 days x 24 hours per domain and for all domains
    assert len(arrivals.traces) == 7 * (1 + len(DEFAULT_DOMAINS))
    assert all(len(t["x"]) == 24 for t in arrivals.traces[:7])
    handling = charts[1]  # per domain x tier: the observed bins and the fitted density
    assert handling.types == {"bar", "scatter"} and all(len(t["y"]) > 10 for t in handling.traces)
    assert light_report(plan_page.text)
    assert {"Why this design", "Search log", "Analytic extremes per MSP option"} <= set(
        plan_page.headings
    )
    # one project beside the tickets, on the specialists' reserved hours
    assert "Firewall and VPN review" in done.stdout and "Projects" in plan_page.headings

    again = run_demo(out)  # a second run starts from an empty store again
    assert again.plan is not None
    plan = again.plan.plan
    assert plan.evaluation.feasible and plan.verified
    assert again.plan.projects is not None
    assert all(r.on_time.mean == 1 for r in again.plan.projects.after.rows)
    today = dict(again.plan.compared)["today's team"]
    # the recommendation meets the same SLAs for less than the sample desk's own team
    assert plan.evaluation.cost.mean < today.cost.mean
    store = open_store(out / DB_FILE)
    try:
        assert store.counts()["imports"] == 1
    finally:
        store.dispose()


def test_demo_into_a_given_store_calibrates_only_the_sample(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("Number,Opened,Category\nX1,2020-01-01 09:00,Hardware\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {id: Number, opened_at: Opened, category: Category}\n")
    write_import(store, import_csv(other, mapping_file=mapping))

    url = store.engine.url.render_as_string(hide_password=False)
    demo = run_demo(tmp_path / "out", db=url, with_plan=False)
    tickets, _ = sample_counts()
    assert demo.outcome.tickets_added == tickets
    assert demo.result.workload.tickets == tickets  # the CSV ticket is left out
    assert demo.validation is not None  # the back-test, too, reads only the sample
    assert demo.validation.source == f"import #{demo.outcome.import_id}"
    assert (tmp_path / "out" / "report.html").is_file()
    assert not (tmp_path / "out" / DB_FILE).exists()

    rerun = run_demo(tmp_path / "out", db=url, with_plan=False)
    assert rerun.outcome.already_imported
    assert rerun.result.workload.tickets == tickets


def test_an_out_path_that_is_a_file_is_refused_clearly(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    with pytest.raises(InputError, match="cannot use it as the demo's folder"):
        run_demo(taken)
    assert taken.read_text() == "not a folder"
