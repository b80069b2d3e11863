"""A strict reading of an HTML file: balanced tags, and every external reference it makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

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
