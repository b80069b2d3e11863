"""Tables that fit the terminal they are printed on, with no number or name cut.

A ``NarrowTable`` is built like a Rich ``Table`` (``add_column``, ``add_row``) and laid out when
it is printed, for the console's width (an 80-column terminal included):

- a column holding numbers or names (the default) is never wrapped nor cut: every cell line
  keeps its whole width;
- a column marked ``wrap`` (labels, reasons) wraps between words, never inside one;
- when the whole table still does not fit, its columns are split over several tables one
  under the other, each repeating the ``key`` columns that name the rows;
- on a terminal too narrow even for that, each row becomes a block of "header: value" lines.

Rich alone would cut a cell with "…" ("2,537,…", "recom…") or fold a name ("accounts_acce" /
"ss") once a table is wider than the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

Justify = Literal["left", "center", "right"]
Cell = str | Text


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _lines(cell: Cell) -> list[str]:
    return _plain(cell).split("\n")


def _words(cell: Cell) -> list[str]:
    return _plain(cell).split()


@dataclass
class NarrowColumn:
    header: str
    justify: Justify = "right"
    wrap: bool = False  # may wrap between words (labels); else every cell line is kept whole
    key: bool = False  # names the row: repeated in every part of a split table
    cells: list[Cell] = field(default_factory=list)

    def need(self) -> int:
        """The least width that cuts nothing: the longest word of the header, and the longest
        line of a cell (or, in a wrapping column, its longest word)."""
        header = max((cell_len(w) for w in self.header.split()), default=1)
        pieces = (
            (w for c in self.cells for w in _words(c))
            if self.wrap
            else (line for c in self.cells for line in _lines(c))
        )
        return max([header, 1, *(cell_len(p) for p in pieces)])

    def natural(self) -> int:
        """The width at which nothing wraps, header included."""
        lines = (line for c in self.cells for line in _lines(c))
        return max([cell_len(self.header), self.need(), *(cell_len(line) for line in lines)])


class NarrowTable:
    """A table laid out for the width it is printed at; see the module's docstring."""

    def __init__(
        self,
        title: str | None = None,
        caption: str | None = None,
        **table_options: Any,
    ) -> None:
        self.title = title
        self.caption = caption
        self.options = table_options
        self.columns: list[NarrowColumn] = []

    def add_column(
        self, header: str, justify: Justify = "right", *, wrap: bool = False, key: bool = False
    ) -> None:
        self.columns.append(NarrowColumn(header, justify, wrap, key))

    def add_row(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        for column, cell in zip(self.columns, cells, strict=True):
            column.cells.append(cell)

    @property
    def row_count(self) -> int:
        return len(self.columns[0].cells) if self.columns else 0

    def _table(
        self, columns: list[NarrowColumn], widths: list[int], title: str | None, caption: str | None
    ) -> Table:
        options = {"title_justify": "left", "caption_justify": "left", **self.options}
        table = Table(title=title, caption=caption, **options)
        for column, width in zip(columns, widths, strict=True):
            table.add_column(
                Text(column.header, no_wrap=False),  # a header wraps between words even so
                justify=column.justify,
                width=width,
                no_wrap=not column.wrap,
                overflow="fold",
            )
        for row in range(self.row_count):
            table.add_row(*(c.cells[row] for c in columns))
        return table

    def vertical(self) -> Iterator[Text]:
        """The last resort for a terminal too narrow even for one column beside the row's name:
        one block per row, a line per column ("header: value"), wrapping between words."""
        if self.title:
            yield Text(self.title, style="italic")
        for row in range(self.row_count):
            for i, column in enumerate(self.columns):
                cell = _plain(column.cells[row])
                if i == 0:
                    yield Text(cell, style="bold")
                else:
                    yield Text(f"  {column.header}: " + cell.replace("\n", "\n    "))
        if self.caption:
            yield Text(self.caption)

    def _width(self, console: Console, options: ConsoleOptions, columns: list[NarrowColumn]) -> int:
        table = self._table(columns, [c.need() for c in columns], None, None)
        return Measurement.get(console, options.update_width(10_000), table).maximum

    def parts(self, console: Console, options: ConsoleOptions) -> list[list[NarrowColumn]]:
        """The columns of each table printed, in order: one part when the whole table fits."""
        width = options.max_width
        if self._width(console, options, self.columns) <= width:
            return [self.columns]
        keys = [c for c in self.columns if c.key]
        rest = [c for c in self.columns if not c.key]
        parts: list[list[NarrowColumn]] = []
        current: list[NarrowColumn] = []
        for column in rest:  # greedy: as many columns in each part as fit
            if current and self._width(console, options, [*keys, *current, column]) > width:
                parts.append(current)
                current = []
            current.append(column)
        parts.append(current)
        if len(parts) == 2:  # two parts: balanced, the wider of the two as narrow as can be
            splits = [
                (max(self._width(console, options, [*keys, *side]) for side in halves), halves)
                for i in range(1, len(rest))
                for halves in [(rest[:i], rest[i:])]
            ]
            fitting = [s for s in splits if s[0] <= width]
            if fitting:
                parts = list(min(fitting, key=lambda s: s[0])[1])
        return [[c for c in self.columns if c.key or c in part] for part in parts]

    def _widths(
        self, console: Console, options: ConsoleOptions, columns: list[NarrowColumn]
    ) -> list[int]:
        """Each column's need; the room left goes first to the columns that would wrap their
        cells, then to headers that would wrap."""
        widths = [c.need() for c in columns]
        room = options.max_width - self._width(console, options, columns)
        for wrapping in (True, False):
            for i, column in enumerate(columns):
                if column.wrap == wrapping or not wrapping:
                    extra = min(max(room, 0), column.natural() - widths[i])
                    widths[i] += extra
                    room -= extra
        return widths

    def tables(self, console: Console, options: ConsoleOptions) -> Iterator[Table | Text]:
        parts = self.parts(console, options)
        if any(self._width(console, options, part) > options.max_width for part in parts):
            yield from self.vertical()
            return
        for i, columns in enumerate(parts):
            title = self.title
            if title and i:
                title = f"{title} (continued)" if len(title) <= 40 else "(continued)"
            caption = self.caption if i == len(parts) - 1 else None
            yield self._table(columns, self._widths(console, options, columns), title, caption)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.tables(console, options)


def legend(lines: Iterable[str]) -> str:
    """Caption lines joined, one per line."""
    return "\n".join(lines)
