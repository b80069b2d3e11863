"""Reports are one self-contained HTML file: no network, Plotly inlined once, tables intact."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.reports import Report
from deskmix.reports.charts.basic import heatmap, histogram_density
from deskmix.reports.document import plotly_js

from .htmlcheck import Page, light_report

BUNDLE_HEADER = re.compile(r"\* plotly\.js \(basic - minified\) v\d+\.\d+\.\d+")


def two_figure_report() -> Report:
    report = Report(
        "Sample <desk> & co",
        subtitle="A test",
        meta={"Source": "unit test", "Period": "2025-01-06 to 2025-04-06"},
        generated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    report.add_text("How to read this", "First paragraph\nwraps here.\n\nSecond <b>not bold</b>.")
    report.add_table(
        "Summary",
        [
            {"domain": "network", "tickets": 1234, "share": 0.25, "fit": "lognormal\nKS 0.05"},
            {"domain": "security", "tickets": 7, "share": None, "fit": None},
        ],
        columns=[("domain", "Domain"), ("tickets", "Tickets"), ("share", "Share"), ("fit", "Fit")],
    )
    report.add_list("What is missing", ["reopen counts", "impact"])
    report.add_figure(
        "Arrivals", go.Figure(heatmap([[1, 2], [3, 4]], ["a", "b"], ["c", "d"])), caption="heat"
    )
    report.add_figure("Handling", go.Figure(histogram_density([1.0, 2.0, 2.5])))
    return report


@pytest.fixture(scope="module")
def page() -> Page:
    return Page(two_figure_report().render())


def test_nothing_is_fetched_from_a_network(page: Page) -> None:
    assert page.references == []  # no script src, link href, img src at all
    assert "cdn.plot.ly/plotly" not in page.text.replace(plotly_js(), "")


def test_plotly_is_inlined_exactly_once_for_two_figures(page: Page) -> None:
    assert page.text.count(plotly_js()) == 1
    assert len(BUNDLE_HEADER.findall(page.text)) == 1
    assert page.tags["script"] == 3  # the bundle, then one call per figure
    assert page.text.index(plotly_js()) < page.text.index('id="figure-1"')
    assert 'id="figure-2"' in page.text


def test_a_report_is_light_and_its_figures_share_one_template() -> None:
    html = two_figure_report().render()
    charts = light_report(html)
    assert [c.div_id for c in charts] == ["figure-1", "figure-2"]
    assert charts[0].types == {"bar"} and [t["x"] for t in charts[0].traces] == [["a", "b"]] * 2
    assert charts[1].layout["template"] == charts[0].layout["template"]
    # plotly's default template (styles for every trace type), written once
    assert html.replace(plotly_js(), "").count('"histogram2dcontour":[') == 1


def test_a_trace_beyond_the_light_bundle_is_refused() -> None:
    with pytest.raises(ValueError, match="heatmap"):
        Report("x").add_figure("Arrivals", go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])))


def test_the_html_is_well_formed(page: Page) -> None:
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.problems == []
    for tag in ("html", "head", "body", "title", "main"):
        assert page.tags[tag] == 1
    assert page.tags["section"] == 5


def test_text_tables_and_lists_are_rendered_and_escaped(page: Page) -> None:
    assert page.headings == [
        "How to read this",
        "Summary",
        "What is missing",
        "Arrivals",
        "Handling",
    ]
    assert page.cells[:4] == ["Domain", "Tickets", "Share", "Fit"]
    assert page.cells[4:8] == ["network", "1,234", "0.25", "lognormalKS 0.05"]
    assert page.cells[8:12] == ["security", "7", "-", "-"]
    assert "lognormal<br>KS 0.05" in page.text
    assert "<title>Sample &lt;desk&gt; &amp; co</title>" in page.text
    assert "Second &lt;b&gt;not bold&lt;/b&gt;." in page.text
    assert "<p>First paragraph wraps here.</p>" in page.text
    assert "<li>reopen counts</li>" in page.text
    assert 'href="#what-is-missing"' in page.text


def test_a_report_without_figures_carries_no_plotly(tmp_path: Path) -> None:
    report = Report("Plain").add_text("Only text", "Hello.").add_list("Empty", [], empty="None.")
    path = report.write(tmp_path / "sub" / "plain.html")
    text = path.read_text(encoding="utf-8")
    assert len(text) < 20_000
    assert "plotly" not in text.lower()
    assert Page(text).problems == []
    assert "<p>None.</p>" in text


def test_write_gives_the_rendered_file(tmp_path: Path) -> None:
    report = two_figure_report()
    path = report.write(tmp_path / "report.html")
    assert path.read_text(encoding="utf-8") == report.render()


def test_repeated_headings_get_distinct_anchors() -> None:
    report = Report("R").add_text("Notes", "a").add_text("Notes", "b").add_text("Notes", "c")
    ids = re.findall(r'<section id="([^"]+)"', report.render())
    assert ids == ["notes", "notes-2", "notes-3"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=4))
def test_any_text_stays_inside_its_element(heading: str, cells: list[str]) -> None:
    report = Report(heading or "x")
    report.add_table(heading or "t", [{"c": c} for c in cells], columns=[("c", "C")])
    report.add_list("items", cells)
    page = Page(report.render())
    assert page.problems == []
    assert page.tags.get("script", 0) == 0
    assert page.tags.get("td", 0) == len(cells)
