"""A strict reading of an HTML file: balanced tags, and every external reference it makes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
REFERENCING = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("embed", "src"),
    ("object", "data"),
}


@dataclass
class Page(HTMLParser):
    """Parses on construction; ``problems`` lists unbalanced or misplaced tags."""

    text: str
    problems: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    tags: dict[str, int] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    doctype: str | None = None
    _stack: list[str] = field(default_factory=list)
    _capture: str | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feed(self.text)
        self.close()
        if self._stack:
            self.problems.append(f"unclosed at the end: {self._stack}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if (tag, name) in REFERENCING and value is not None:
                self.references.append(value)
        if tag not in VOID:
            self._stack.append(tag)
        if tag in {"td", "th", "h2"}:
            self._capture = tag
            (self.headings if tag == "h2" else self.cells).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self._stack or self._stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self._stack[-1:] or 'nothing'}")
            return
        self._stack.pop()
        if tag == self._capture:
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture == "h2":
            self.headings[-1] += data
        elif self._capture in {"td", "th"}:
            self.cells[-1] += data


MAX_REPORT_BYTES = 1_500_000
# Report.add_figure's call: the layout's template is one of deskmixTemplates, written once.
_NEW_PLOT = re.compile(
    r'Plotly\.newPlot\("([^"]+)", (\[.*?\]), '
    r"Object\.assign\(\{template: deskmixTemplates\[(\d+)\]\}, (\{.*?\})\), \{\"display",
    re.S,
)
_TEMPLATES = re.compile(r"^var deskmixTemplates = (\[.*\]);$", re.M)


@dataclass(frozen=True)
class Chart:
    """One figure of a report as plotly.js receives it (typed arrays left base64-encoded)."""

    div_id: str
    traces: list[dict[str, Any]]
    layout: dict[str, Any]

    @property
    def types(self) -> set[str]:
        return {str(t.get("type", "scatter")) for t in self.traces}


def light_report(html: str) -> list[Chart]:
    """The charts of a self-contained report, after checking it is light and offline: under
    1.5 MB, the basic plotly.js bundle inlined once (not the full one), no external reference,
    and every chart of a trace type that bundle draws."""
    from deskmix.reports.charts.basic import BUNDLE_TRACES, bundle_js

    size = len(html.encode("utf-8"))
    assert size < MAX_REPORT_BYTES, f"report of {size:,} bytes"
    assert html.count(bundle_js()) == 1
    assert "plotly.js v" not in html  # the full bundle's banner; the basic one says "(basic"
    assert Page(html).references == []
    templates = _TEMPLATES.search(html)
    assert templates is not None, "no figure templates"
    shared = json.loads(templates.group(1))
    charts = [
        Chart(
            m.group(1),
            json.loads(m.group(2)),
            {"template": shared[int(m.group(3))], **json.loads(m.group(4))},
        )
        for m in _NEW_PLOT.finditer(html)
    ]
    assert len(charts) == html.count('class="plotly-graph-div"')
    assert charts, "no chart in the report"
    for chart in charts:
        assert chart.traces, chart.div_id
        assert chart.types <= BUNDLE_TRACES, (chart.div_id, chart.types)
    return charts
