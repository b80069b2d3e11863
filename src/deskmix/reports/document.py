"""A report as a list of sections, rendered to one HTML file that needs nothing else to open.

Reports are read on laptops in meeting rooms, attached to e-mails and archived, so the file
carries its own styles and the Plotly library (inlined once, however many charts it holds) and
never reaches for a network. The library is plotly.js's light "basic" bundle
(deskmix.reports.charts.basic), which keeps a report under 1.5 MB. Sections are generic (text,
bullet list, table, figure) so later features (simulation, plans) add their own without touching
the template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from plotly.io.json import to_json_plotly

from deskmix import __version__
from deskmix.reports.charts.basic import bundle_js, check_figure

TEMPLATE = "report.html.j2"
DEFAULT_FIGURE_HEIGHT = 520  # pixels, for figures that do not set their own
Formatter = Callable[[str, object], str]
FIGURE_CONFIG = '{"displaylogo": false, "responsive": true}'


def plotly_js() -> str:
    """The light plotly.js bundle (scatter, bar, pie) every report inlines (charts.basic)."""
    return bundle_js()


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("deskmix.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["markup_break"] = Markup("<br>")
    return env


def default_format(_key: str, value: object) -> str:
    """Plain text for a cell: empty for unknown, thousands separators, 3 significant decimals."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


@dataclass(frozen=True)
class _Cell:
    lines: list[str]
    numeric: bool


@dataclass(frozen=True)
class _Table:
    headers: list[str]
    rows: list[list[_Cell]]


@dataclass
class _Section:
    kind: str
    heading: str
    anchor: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: _Table | None = None
    figure_html: Markup | None = None
    caption: str | None = None
    note: str | None = None


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single newlines are just wrapping."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block]


_NUMERIC = re.compile(r"^[-+]?[\d,.]+\s*%?$")


class Report:
    """Build with ``add_*`` calls in reading order, then ``write(path)``.

    ``meta`` is shown under the title as label/value pairs (source, period, ...).
    """

    def __init__(
        self,
        title: str,
        *,
        subtitle: str | None = None,
        meta: Mapping[str, str] | None = None,
        generated_at: datetime | None = None,
    ) -> None:
        self.title = title
        self.subtitle = subtitle
        self.meta: dict[str, str] = dict(meta or {})
        self.generated_at = generated_at or datetime.now(UTC)
        self._sections: list[_Section] = []
        self._templates: list[str] = []  # figure layout templates, as JSON, each written once

    @property
    def headings(self) -> list[str]:
        return [s.heading for s in self._sections]

    def _anchor(self, heading: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "section"
        taken = {s.anchor for s in self._sections}
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        return anchor

    def _add(self, kind: str, heading: str, **parts: Any) -> Report:
        self._sections.append(_Section(kind, heading, self._anchor(heading), **parts))
        return self

    def add_text(self, heading: str, text: str, *, note: str | None = None) -> Report:
        """Paragraphs of plain text (blank line between paragraphs; no markup is interpreted)."""
        return self._add("text", heading, paragraphs=_paragraphs(text), note=note)

    def add_list(
        self, heading: str, items: Iterable[str], *, intro: str | None = None, empty: str = "None."
    ) -> Report:
        """A bullet list; ``empty`` is shown instead when there are no items."""
        listed = [str(i) for i in items]
        paragraphs = _paragraphs(intro) if intro else []
        if not listed:
            paragraphs.append(empty)
        return self._add("list", heading, paragraphs=paragraphs, items=listed)

    def add_table(
        self,
        heading: str,
        rows: Sequence[Mapping[str, object]],
        *,
        columns: Sequence[tuple[str, str]] | None = None,
        format: Formatter = default_format,
        intro: str | None = None,
        note: str | None = None,
    ) -> Report:
        """A table of ``rows`` (dicts); ``columns`` are (key, header) pairs, default all keys.

        ``format(key, value)`` renders each cell as text; newlines in it become line breaks.
        """
        if columns is None:
            keys = list(dict.fromkeys(k for row in rows for k in row))
            columns = [(k, k) for k in keys]
        body = []
        for row in rows:
            cells = []
            for key, _ in columns:
                text = format(key, row.get(key))
                cells.append(_Cell(text.split("\n"), bool(_NUMERIC.match(text.strip()))))
            body.append(cells)
        table = _Table([h for _, h in columns], body)
        paragraphs = _paragraphs(intro) if intro else []
        if not rows:
            paragraphs.append("No rows.")
        return self._add("table", heading, paragraphs=paragraphs, table=table, note=note)

    def add_figure(
        self,
        heading: str,
        figure: Any,
        *,
        caption: str | None = None,
        intro: str | None = None,
    ) -> Report:
        """A Plotly figure; its data travel inside the file, the library is inlined once."""
        check_figure(figure)  # only the trace types of the inlined bundle
        div_id = f"figure-{sum(s.kind == 'figure' for s in self._sections) + 1}"
        height = figure.layout.height or DEFAULT_FIGURE_HEIGHT
        html = self._figure_html(figure, div_id, int(height))
        return self._add(
            "figure",
            heading,
            paragraphs=_paragraphs(intro) if intro else [],
            figure_html=Markup(html),
            caption=caption,
        )

    def _figure_html(self, figure: Any, div_id: str, height: int) -> str:
        """The div and script that draw ``figure``. Its layout template (about 7 kB of styles,
        the same for most figures) is written once per report and named by index."""
        spec = figure.to_plotly_json()
        layout = dict(spec["layout"])
        template = layout.pop("template", None)
        data, rest = to_json_plotly(spec["data"]), to_json_plotly(layout)
        if template is not None:
            text = to_json_plotly(template)
            if text not in self._templates:
                self._templates.append(text)
            rest = (
                f"Object.assign({{template: deskmixTemplates[{self._templates.index(text)}]}}, "
                f"{rest})"
            )
        return (
            f'<div style="height:{height}px; width:100%;">'
            f'<div id="{div_id}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
            f'<script type="text/javascript">Plotly.newPlot("{div_id}", {data}, {rest}, '
            f"{FIGURE_CONFIG});</script></div>"
        )

    def render(self) -> str:
        return (
            _environment()
            .get_template(TEMPLATE)
            .render(
                title=self.title,
                subtitle=self.subtitle,
                meta=self.meta,
                sections=self._sections,
                needs_plotly=any(s.kind == "figure" for s in self._sections),
                plotly_js=Markup(plotly_js()),
                templates=Markup("[" + ",".join(self._templates) + "]"),
                version=__version__,
                footer=(
                    f"Made by deskmix {__version__} on "
                    f"{self.generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC. "
                    "Self-contained: opens without a network."
                ),
            )
        )

    def write(self, path: Path) -> Path:
        """Write the HTML (UTF-8) and return the path; parent folders are created."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(), encoding="utf-8")
        return path
