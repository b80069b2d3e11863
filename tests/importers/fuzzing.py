"""Mutating valid exports, importing them, and judging the outcome: shared by the hypothesis
fuzz tests (tests/importers/test_fuzz.py) and ``benchmarks/fuzz_imports.py``.

A case is a valid fixture export plus a list of mutations, each ``(name, k)`` with ``k`` an
integer that picks the place and the size; the same list always gives the same bytes, so a
failure found by either runner can be replayed. Outcomes:

- ``refusal``: an ``InputError`` (the product's one-line error), and the store unchanged;
- ``success``: the batch was written, and it holds no value the source did not contain;
- ``traceback``: any other exception; ``store changed``: a refusal after which the store
  differs; ``invented``: a success storing a value absent from the source.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from deskmix.errors import InputError
from deskmix.importers import read_source
from deskmix.importers.base import ImportBatch
from deskmix.importers.limits import INT_MAX
from deskmix.importers.mapping import default_mapping_data
from deskmix.importers.writer import write_import
from deskmix.store import Store
from deskmix.store.models import EventRow, ImportRecord, TicketRow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class Seed:
    """A valid export to mutate, and how to import it."""

    name: str
    source: str
    file: Path
    mapping: Path | None = None

    @property
    def is_json(self) -> bool:
        return self.file.suffix in (".json", ".jsonl")


SEEDS = (
    Seed("csv", "csv", FIXTURES / "csv" / "tickets.csv", FIXTURES / "csv" / "mapping.yaml"),
    Seed("servicenow", "servicenow", FIXTURES / "servicenow" / "incidents.csv"),
    Seed("servicenow-json", "servicenow", FIXTURES / "servicenow" / "table_api_display.json"),
    Seed("servicenow-events", "servicenow-events", FIXTURES / "servicenow" / "events.csv"),
    Seed("jira", "jira", FIXTURES / "jira" / "search.json"),
    Seed("jira-csv", "jira", FIXTURES / "jira" / "export.csv"),
    Seed("zendesk", "zendesk", FIXTURES / "zendesk" / "export.json"),
    Seed("bpic13", "bpic13", FIXTURES / "bpic13" / "vinst_small.csv"),
    Seed("freshservice", "freshservice", FIXTURES / "freshservice" / "tickets.json"),
    Seed("freshservice-csv", "freshservice", FIXTURES / "freshservice" / "tickets.csv"),
    Seed("glpi", "glpi", FIXTURES / "glpi" / "tickets.json"),
    Seed("glpi-csv", "glpi", FIXTURES / "glpi" / "tickets.csv"),
)

# --- byte mutations (any format) ------------------------------------------------------------


def _cut(data: bytes, k: int) -> bytes:
    return data[: k % max(len(data), 1)]


def _bom(data: bytes, k: int) -> bytes:
    return codecs.BOM_UTF8 + data


def _crlf(data: bytes, k: int) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _encode(data: bytes, k: int) -> bytes:
    text = data.decode("utf-8", errors="replace")
    codec = ("utf-16", "utf-16-le", "latin-1", "cp1252", "utf-32")[k % 5]
    return text.encode(codec, errors="replace")


def _garbage(data: bytes, k: int) -> bytes:
    at = k % max(len(data), 1)
    junk = (b"\x00", b"\xff\xfe", b'"', b"\n", b",", b"\xe2\x80\x8b", b"}", b"]")[k % 8]
    return data[:at] + junk + data[at:]


BYTE_OPS: dict[str, Callable[[bytes, int], bytes]] = {
    "cut": _cut,
    "bom": _bom,
    "crlf": _crlf,
    "encode": _encode,
    "garbage": _garbage,
}

# --- CSV mutations (on rows) ----------------------------------------------------------------

_VALUES = (
    "9" * 40,
    "1" + "0" * 30,
    "-7",
    "-1e400",
    "1e400",
    "NaN",
    "abc",
    "[1, 2]",
    '{"a": 1}',
    "line\nbreak",
    "semi;colon",
    "tab\there",
    "A" * 300,
    "9" * 5000,
    "2024-13-45 25:61",
    "",
    "\u200b",
    '"quoted"',
)


def _rows(data: bytes) -> list[list[str]] | None:
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    return rows if len(rows) > 1 and rows[0] else None


def _dump(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _on_rows(change: Callable[[list[list[str]], int], None]) -> Callable[[bytes, int], bytes]:
    def op(data: bytes, k: int) -> bytes:
        rows = _rows(data)
        if rows is None or not all(rows[:2]):
            return data  # nothing left to change by rows: an earlier step cut it away
        change(rows, k)
        return _dump(rows)

    return op


def _duplicate_row(rows: list[list[str]], k: int) -> None:
    rows.insert(1 + k % (len(rows) - 1), list(rows[1 + k % (len(rows) - 1)]))


def _swap_columns(rows: list[list[str]], k: int) -> None:
    width = len(rows[0])
    i, j = k % width, (k // width) % width
    for row in rows:
        if len(row) > max(i, j):
            row[i], row[j] = row[j], row[i]


def _delete_column(rows: list[list[str]], k: int) -> None:
    i = k % len(rows[0])
    for row in rows:
        if len(row) > i:
            del row[i]


def _set_cell(rows: list[list[str]], k: int) -> None:
    row = rows[1 + k % (len(rows) - 1)]
    if row:
        row[(k // 7) % len(row)] = _VALUES[(k // 11) % len(_VALUES)]


def _damage_header(rows: list[list[str]], k: int) -> None:
    i = k % len(rows[0])
    rows[0][i] = (rows[0][i] + "\u200b", '"x"y', rows[0][i].upper(), " " + rows[0][i])[k % 4]


def _delimiter(data: bytes, k: int) -> bytes:
    rows = _rows(data)
    return data if rows is None else _dump(rows, (";", "\t", "|")[k % 3])


CSV_OPS: dict[str, Callable[[bytes, int], bytes]] = {
    **BYTE_OPS,
    "duplicate_row": _on_rows(_duplicate_row),
    "swap_columns": _on_rows(_swap_columns),
    "delete_column": _on_rows(_delete_column),
    "set_cell": _on_rows(_set_cell),
    "damage_header": _on_rows(_damage_header),
    "delimiter": _delimiter,
}

# --- JSON mutations (on the tree) -----------------------------------------------------------

_JSON_VALUES: tuple[Any, ...] = (
    10**30,
    -(10**30),
    -3,
    1.5e308,
    "x" * 300,
    ["a", "b"],
    {"a": 1},
    None,
    True,
    "",
    "2024-99-99",
    "\x00",
    {"name": {"name": "n"}},
)


def _nodes(tree: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in the tree, iteratively (the tree may be deep)."""
    found: list[tuple[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            found.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return found


def _deep(k: int) -> Any:
    depth = 150 + k % 400
    return json.loads("[" * depth + "]" * depth)


def _on_tree(change: Callable[[Any, int], None]) -> Callable[[bytes, int], bytes]:
    def op(data: bytes, k: int) -> bytes:
        try:
            tree = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return data
        if not isinstance(tree, dict | list) or not _nodes(tree):
            return data
        change(tree, k)
        return json.dumps(tree, indent=1 if k % 2 else None).encode("utf-8")

    return op


def _set_value(tree: Any, k: int) -> None:
    nodes = _nodes(tree)
    parent, key = nodes[k % len(nodes)]
    value = _JSON_VALUES[(k // 13) % len(_JSON_VALUES)]
    parent[key] = _deep(k) if k % 17 == 0 else value


def _delete_key(tree: Any, k: int) -> None:
    nodes = [(p, key) for p, key in _nodes(tree) if isinstance(p, dict)]
    if nodes:
        parent, key = nodes[k % len(nodes)]
        del parent[key]


def _duplicate_item(tree: Any, k: int) -> None:
    lists = [p for p, _ in _nodes(tree) if isinstance(p, list) and p]
    if lists:
        chosen = lists[k % len(lists)]
        chosen.append(json.loads(json.dumps(chosen[(k // 5) % len(chosen)])))


JSON_OPS: dict[str, Callable[[bytes, int], bytes]] = {
    **BYTE_OPS,
    "set_value": _on_tree(_set_value),
    "delete_key": _on_tree(_delete_key),
    "duplicate_item": _on_tree(_duplicate_item),
}


def operations(seed: Seed) -> dict[str, Callable[[bytes, int], bytes]]:
    return JSON_OPS if seed.is_json else CSV_OPS


def mutate(seed: Seed, steps: list[tuple[str, int]]) -> bytes:
    data = seed.file.read_bytes()
    ops = operations(seed)
    for name, k in steps:
        data = ops[name](data, k)
    return data


# --- judging --------------------------------------------------------------------------------

OUTCOMES = ("refusal", "success", "traceback", "hang", "store changed", "invented")
_HASH_ID = re.compile(r"^[0-9a-f]{16}(-\d+)?$")
_PIECES = re.compile(r", | \| |\n|\r| ")
TEXT_FIELDS = ("id", "title", "description", "group", "assignee", "resolver", "channel")


def snapshot(store: Store) -> tuple[int, ...]:
    """What a refused import must leave as it was: row counts and the newest ids."""
    with store.engine.connect() as conn:
        return tuple(
            int(conn.scalar(query) or 0)
            for query in (
                select(func.count()).select_from(ImportRecord),
                select(func.count()).select_from(TicketRow),
                select(func.count()).select_from(EventRow),
                select(func.max(TicketRow.id)),
                select(func.max(EventRow.id)),
            )
        )


def _corpus(data: bytes, is_json: bool) -> str:
    """Every text the source holds: its decoded text, and for JSON each string and number."""
    texts: list[str] = []
    for codec in ("utf-8-sig", "utf-32", "utf-16", "cp1252", "latin-1"):
        try:
            texts.append(data.decode(codec))
        except UnicodeDecodeError:
            continue
    if is_json and texts:
        try:
            tree = json.loads(texts[0])
        except (json.JSONDecodeError, RecursionError):
            tree = None
        if isinstance(tree, dict | list):
            for parent, key in _nodes(tree):
                value = parent[key]
                if not isinstance(value, dict | list):
                    texts.append(str(value))
                if isinstance(parent, dict):
                    texts.append(str(key))
    if not is_json:  # a quoted CSV cell writes each quote twice
        texts += [t.replace('""', '"') for t in texts]
    return "\x1f".join(texts).replace("_x000D_", "\n")


def _code_labels(source: str) -> str:
    """The labels of the source mapping's documented code tables (Freshservice source 1 is
    "Email"): a code the file holds, stored as its label, is the file's value, not invented."""
    tables = default_mapping_data(source).get("codes") or {}
    return "\x1f".join(str(label) for table in tables.values() for label in table.values())


def invented(batch: ImportBatch, data: bytes, is_json: bool, source: str = "") -> str | None:
    """The first stored value the source did not contain, or a count out of range."""
    corpus = _corpus(data, is_json) + "\x1f" + _code_labels(source)
    frame = batch.tickets_frame
    for field in TEXT_FIELDS:
        for value in frame[field].dropna().unique():
            text = str(value)
            if field == "id" and _HASH_ID.match(text):
                continue
            if field == "description" and is_json:
                continue  # rich text (ADF) joins its inline pieces: "VPN " + "down" -> "VPN down"
            for piece in _PIECES.split(text):
                if piece and piece not in corpus:
                    return f"{field}={text[:60]!r}"
    for field in ("reassignments", "reopens"):
        counts = pd.to_numeric(frame[field], errors="coerce").dropna()
        if len(counts) and (counts.min() < 0 or counts.max() > INT_MAX):
            return f"{field} out of range: {counts.min()}..{counts.max()}"
    return None


def run_case(seed: Seed, data: bytes, store: Store, workdir: Path) -> tuple[str, str]:
    """Import mutated bytes into ``store``; the outcome and a detail for reports."""
    suffix = "".join(seed.file.suffixes)
    path = workdir / f"fuzzed{suffix}"
    path.write_bytes(data)
    before = snapshot(store)
    try:
        batch = read_source(seed.source, path, mapping_file=seed.mapping)
        write_import(store, batch, replace=True)
    except InputError as exc:
        if snapshot(store) != before:
            return "store changed", str(exc)
        if "\n" in str(exc):
            return "traceback", f"multi-line error: {exc!r}"
        return "refusal", str(exc)
    except Exception as exc:  # the point of fuzzing: anything else is a bug
        return "traceback", f"{type(exc).__name__}: {str(exc)[:200]}"
    wrong = invented(batch, data, seed.is_json, seed.source)
    if wrong is not None:
        return "invented", wrong
    return "success", ""
