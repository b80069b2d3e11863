"""The calibration report of the sample desk: provenance, summary, gaps and both charts."""

from __future__ import annotations

import pytest

from deskmix.calibrate import CalibrationResult, calibrate_store
from deskmix.calibrate.summary import SUMMARY_COLUMNS
from deskmix.importers import read_source
from deskmix.importers.writer import write_import
from deskmix.reports.calibration import calibration_report
from deskmix.reports.document import plotly_js
from deskmix.sample import SAMPLE_SOURCE, sample_files
from deskmix.store import Store, open_store

from .htmlcheck import Page, light_report


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> CalibrationResult:
    store: Store = open_store(tmp_path_factory.mktemp("calib") / "deskmix.db")
    try:
        with sample_files() as (events, mapping):
            write_import(store, read_source(SAMPLE_SOURCE, events, mapping_file=mapping))
        return calibrate_store(store, name="sample desk")
    finally:
        store.dispose()


def test_the_report_holds_every_part_in_reading_order(result: CalibrationResult) -> None:
    page = Page(calibration_report(result, source="the sample").render())
    assert page.problems == [] and page.references == []
    assert page.headings[:5] == [
        "How to read this",
        "Calibration summary",
        "What is missing",
        "Arrivals by hour of week",
        "Handling times",
    ]
    assert page.text.count(plotly_js()) == 1
    assert page.tags["script"] == 3
    arrivals, handling = light_report(page.text)  # under 1.5 MB, the data of both charts inside
    assert len(arrivals.traces) == 7 * (1 + len(result.workload.domain_mix))
    assert sum(t["visible"] is True for t in arrivals.traces) == 7  # all domains, shown first
    assert {t["name"] for t in handling.traces} == {"observed", "fitted density"}
    headers = [header for _, header in SUMMARY_COLUMNS]
    assert page.cells[: len(headers)] == headers
    domains = page.cells[len(headers) :: len(headers)]
    assert sorted(domains) == sorted(result.workload.domain_mix)
    assert "2025-01-06 to 2025-04-06" in page.text
    assert "<dd>the sample</dd>" in page.text


def test_what_is_missing_lists_the_workload_gaps(result: CalibrationResult) -> None:
    gaps = result.workload.model_copy(
        update={"missing": ["reopens: the source has no reopen count"]}
    )
    page = Page(calibration_report(CalibrationResult(gaps, result.durations)).render())
    assert "<li>reopens: the source has no reopen count</li>" in page.text
    plain = calibration_report(
        CalibrationResult(result.workload.model_copy(update={"missing": []}), result.durations)
    ).render()
    assert "Nothing: every part of the workload was measured from the data." in plain
