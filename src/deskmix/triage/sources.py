"""Where training tickets come from: the store, an export read by an importer, or JSON lines.

All three end in the same training frame (``labels.training_frame``), so a model trained on a
desk's stored history and one trained on a file of hand-labelled examples are the same thing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.errors import InputError
from deskmix.importers import IMPORTERS, read_source
from deskmix.store.db import Store
from deskmix.store.queries import ticket_frame
from deskmix.store.selection import Selection
from deskmix.triage.labels import training_frame
from deskmix.triage.targets import LEARNT_TARGETS

JSONL_SUFFIXES = (".jsonl", ".ndjson")
STORE_COLUMNS = (
    "title",
    "description",
    "domain",
    "tier",
    "impact",
    "urgency",
    "priority",
    "reassignments",
)


def from_store(store: Store, selection: Selection | None = None) -> pd.DataFrame:
    """The stored tickets of ``selection`` (default all) as a training frame."""
    selection = selection or Selection()
    frame = ticket_frame(store, selection, STORE_COLUMNS)
    if frame.empty:
        raise InputError(
            f"the store holds no tickets for {selection.describe()}",
            expected="an import first ('deskmix import ...') or a FILE to train from",
        )
    return training_frame(frame)


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """A text file's content, or a one-line error for missing, binary or mis-encoded files."""
    if not path.is_file():
        raise InputError("file not found", file=path, expected="an existing file")
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{data[exc.start]:02x} is not valid {encoding}",
            file=path,
            row=line,
            expected=f"{encoding} text (pass --encoding if the file uses another)",
        ) from exc


def from_jsonl(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """One JSON object per line: ``text`` (or ``title``/``description``) plus any labels."""
    records = []
    for row, line in enumerate(read_text_file(path, encoding).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=path, row=row) from exc
        if not isinstance(record, dict):
            raise InputError("not a JSON object", file=path, row=row, expected='{"text": ...}')
        if "text" in record and "title" not in record:
            record["title"] = record.pop("text")
        records.append(record)
    if not records:
        raise InputError("file is empty", file=path, expected="one JSON object per line")
    frame = pd.DataFrame.from_records(records)
    if "title" not in frame and "description" not in frame:
        raise InputError("no ticket text", file=path, field="text", expected="a 'text' field")
    return training_frame(frame)


def from_file(
    path: Path, *, source: str = "csv", mapping: Path | None = None, encoding: str = "utf-8"
) -> pd.DataFrame:
    """JSON lines by suffix; anything else is read by the named importer and its mapping."""
    path = Path(path)
    if path.suffix.lower() in JSONL_SUFFIXES:
        return from_jsonl(path, encoding)
    if source not in IMPORTERS:
        raise InputError("unknown source", value=source, expected=", ".join(IMPORTERS))
    if IMPORTERS[source].needs_mapping and mapping is None:
        if path.suffix.lower() in CSV_SUFFIXES and source == "csv":
            return labelled_csv(path, encoding)
        raise InputError(
            f"a {source} file needs --mapping",
            file=path,
            expected="a mapping YAML naming the text and label columns (see docs/triage.md)",
        )
    batch = read_source(source, path, mapping_file=mapping, encoding=encoding)
    return training_frame(batch.tickets_frame)


LABELLED_TEXT = ("text", "title")


def _csv_rows(content: str) -> tuple[Any, str]:
    """A ``csv.DictReader`` over ``content`` with the delimiter its header uses most (comma,
    semicolon, tab or pipe, as spreadsheets export), and the header line for messages."""
    import csv
    import io

    header = content.split("\n", 1)[0]
    return csv.DictReader(io.StringIO(content), delimiter=max(",;\t|", key=header.count)), header


def labelled_csv(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """A spreadsheet of labelled tickets in deskmix's own column names, read without a mapping:
    ``text`` or ``title`` (with ``description``) and any of the label columns (the shape of
    tests/triage/data and docs/triage-labels.md)."""
    content = read_text_file(path, encoding)
    reader, header = _csv_rows(content)
    names = [(n or "").strip().lower() for n in reader.fieldnames or []]
    if not any(n in names for n in LABELLED_TEXT) or not any(n in names for n in LEARNT_TARGETS):
        raise InputError(
            "a csv file needs --mapping, or deskmix's own column names",
            file=path,
            row=1,
            field="header",
            value=header[:120],
            expected="text or title (and description) beside domain, tier, impact, urgency "
            "or priority columns; or a mapping YAML (see docs/triage.md)",
        )
    records = []
    for row, record in enumerate(reader, start=2):
        if None in record:
            raise InputError("more cells than the header has", file=path, row=row, field="row")
        clean = {(k or "").strip().lower(): (v or "").strip() or None for k, v in record.items()}
        if "text" in clean and "title" not in clean:
            clean["title"] = clean.pop("text")
        records.append(clean)
    if not records:
        raise InputError("file has no tickets", file=path, expected="a header, then a row each")
    return training_frame(pd.DataFrame.from_records(records))


def has_labels(frame: pd.DataFrame) -> dict[str, bool]:
    return {t: bool(frame[t].notna().any()) for t in LEARNT_TARGETS}


CSV_SUFFIXES = (".csv", ".tsv")
TITLE_COLUMNS = ("text", "title", "short_description", "summary", "subject")
BODY_COLUMNS = ("description", "body", "details")
ID_COLUMNS = ("id", "number", "key", "ticket", "ticket_id")


def tickets_from_csv(
    content: str, file: str, text_column: str | None = None
) -> list[dict[str, object]]:
    """Tickets to triage from a spreadsheet export: a header row, then one ticket a row.

    The text is the first of ``text``, ``title``, ``short_description``, ``summary`` or
    ``subject`` (with ``description`` beside it when present, as the ITSM tools keep them);
    the id the first of ``id``, ``number`` or ``key``. Comma, semicolon, tab or pipe
    delimited, as detected from the header (read as plain lines, a CSV's header would become
    a ticket). ``text_column`` names the text column instead (any name; no body is added).
    """
    from deskmix.errors import InputError
    from deskmix.triage.text import readable_text, require_text, ticket_text

    reader, header = _csv_rows(content)
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    wanted = (text_column.strip().lower(),) if text_column else TITLE_COLUMNS
    title = next((columns[c] for c in wanted if c in columns), None)
    if title is None:
        raise InputError(
            "no column with the ticket's text",
            file=file,
            row=1,
            field="header",
            value=header[:120],
            expected="a column named " + ", ".join(wanted),
        )
    body = None if text_column else next((columns[c] for c in BODY_COLUMNS if c in columns), None)
    key = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    out: list[dict[str, object]] = []
    for row, record in enumerate(reader, start=2):
        if None in record:
            raise InputError(
                "more cells than the header has columns", file=file, row=row, field="row"
            )
        first, rest = record.get(title), record.get(body) if body else None
        if not (first or "").strip() and not (rest or "").strip():
            continue
        text = require_text(ticket_text(first, rest), row=row, file=file)
        out.append(
            {
                "id": (record.get(key) or None) if key else None,
                "text": text,
                "shown": readable_text(first, rest),
            }
        )
    return out
