"""Freshservice tickets (``deskmix import freshservice FILE``): REST API v2 JSON or the UI's
CSV export.

JSON (by the file's suffix or first byte): ``GET /api/v2/tickets`` pages (``{"tickets":
[...]}``, a list of them, or one per line), a plain list of ticket objects, or one ``GET
/api/v2/tickets/[id]?include=stats`` response (``{"ticket": {...}}``). Fields are the API's:
``id, subject, description_text, priority (1-4), status (2-5), source (1-10), urgency,
impact (1-3), group_id, responder_id, category, sub_category, item_category, type,
created_at, updated_at, due_by, fr_due_by`` and, with ``include=stats``, ``stats.resolved_at,
stats.closed_at, stats.first_responded_at``. Codes become the labels of Freshservice's
documented tables (the mapping's ``codes``), so JSON and CSV read alike. Group and agent ids
become names from the mapping's ``groups`` or from ``groups`` / ``agents`` lists sideloaded at
the top of a page (``GET /api/v2/groups``, ``GET /api/v2/agents``), else stay ids.

CSV: the ticket list's export, headers as the UI writes them ("Ticket Id", "Subject",
"Status", "Priority", "Source", "Group", "Agent", "Category", "Created Date", "Resolved
Time", "Closed Time", ...), renamed to the API's field names; columns the export lacks leave
their fields empty and are listed in the report.

Worked time: the CSV's "Time Tracked" (hh:mm), or the ``time_spent`` (hh:mm) of the time
entries a JSON ticket carries under ``time_entries`` (``GET /api/v2/tickets/[id]/
time_entries``), summed, is stored as ``worked_hours``; 00:00 is nothing recorded.

The resolver of a resolved ticket is its agent (Freshservice keeps the responder on the
ticket). Pages repeat a ticket that changed while they were fetched; the newest copy is kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.domain.ticket import TICKET_FIELDS
from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.jsondocs import (
    PAGE,
    keep_latest,
    naming_records,
    page_numbers,
    pages_of,
    records_of,
    refuse_repeats,
    scalar_text,
    table_of,
)
from deskmix.importers.jsonfiles import read_json
from deskmix.importers.mapping import SourceMapping, load_mapping
from deskmix.importers.readers import ROW
from deskmix.importers.servicenow_read import looks_like_json
from deskmix.importers.tabular import record_tickets, resolver_defaults_to_assignee
from deskmix.importers.textfiles import file_hash
from deskmix.importers.vendor import absent_note, read_labelled_csv, sideloaded_names

SOURCE = "freshservice"
EXPECTED = (
    'Freshservice API v2 tickets {"tickets": [...]} (a list or JSON lines of such pages, a '
    'plain list of tickets, or {"ticket": {...}})'
)
# Ticket fields read from the API as they are (one value each).
SCALARS = (
    "subject",
    "description_text",
    "priority",
    "status",
    "source",
    "urgency",
    "impact",
    "type",
    "category",
    "sub_category",
    "item_category",
    "created_at",
    "updated_at",
    "due_by",
    "fr_due_by",
)
STATS = ("resolved_at", "closed_at", "first_responded_at")
STANDARD = (
    "id",
    *SCALARS,
    "group_id",
    "group",
    "responder_id",
    "agent",
    *STATS,
    "time_tracked",
    "topic",
)
# The UI's CSV headers (compared as ``header_key``: lower case, single spaces) -> API names.
CSV_HEADERS: dict[str, str] = {
    "ticket id": "id",
    "id": "id",
    "subject": "subject",
    "description": "description_text",
    "status": "status",
    "priority": "priority",
    "source": "source",
    "type": "type",
    "urgency": "urgency",
    "impact": "impact",
    "group": "group",
    "agent": "agent",
    "category": "category",
    "sub-category": "sub_category",
    "sub category": "sub_category",
    "item": "item_category",
    "item category": "item_category",
    "created date": "created_at",
    "created time": "created_at",
    "last updated time": "updated_at",
    "last update": "updated_at",
    "due by time": "due_by",
    "due by": "due_by",
    "first response due by": "fr_due_by",
    "resolved time": "resolved_at",
    "resolved date": "resolved_at",
    "closed time": "closed_at",
    "closed date": "closed_at",
    "initial response time": "first_responded_at",
    "time tracked": "time_tracked",
}
_HHMM = r"^\s*(\d{1,6}):([0-5]\d)(?::[0-5]\d)?\s*$"  # Freshservice writes time spent as hh:mm


def _object(value: object, *, field: str, path: Path, row: int) -> dict[str, Any]:
    """A nested object (``stats``): an object or null, nothing else."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(
            f"a JSON {type(value).__name__} where an object was expected",
            file=path,
            row=row,
            field=field,
            value=value,
            expected='an object such as {"resolved_at": "2024-03-05T09:00:00Z", ...} or null',
        )
    return value


def _flatten(
    ticket: dict[str, Any],
    row: int,
    path: Path,
    groups: dict[str, str],
    agents: dict[str, str],
) -> dict[str, str | None]:
    ticket_id = scalar_text(ticket.get("id"), field="id", path=path, row=row)
    if not ticket_id:
        raise InputError(
            "ticket has no id",
            file=path,
            row=row,
            field="id",
            value=ticket.get("id"),
            expected="the ticket number, such as 1234",
        )
    flat: dict[str, str | None] = {"id": ticket_id}
    for name in SCALARS:
        flat[name] = scalar_text(ticket.get(name), field=name, path=path, row=row)
    if flat["description_text"] is None:  # the HTML body, when the plain text is absent
        flat["description_text"] = scalar_text(
            ticket.get("description"), field="description", path=path, row=row
        )
    group_id = scalar_text(ticket.get("group_id"), field="group_id", path=path, row=row)
    responder = scalar_text(ticket.get("responder_id"), field="responder_id", path=path, row=row)
    flat["group_id"] = group_id
    flat["group"] = groups.get(group_id, group_id) if group_id else None
    flat["responder_id"] = responder
    flat["agent"] = agents.get(responder, responder) if responder else None
    stats = _object(ticket.get("stats"), field="stats", path=path, row=row)
    for name in STATS:
        flat[name] = scalar_text(stats.get(name), field=f"stats.{name}", path=path, row=row)
    flat["time_tracked"] = _time_entries(ticket.get("time_entries"), path, row)
    return flat


def _time_entries(entries: object, path: Path, row: int) -> str | None:
    """The ticket's time entries (``GET /api/v2/tickets/[id]/time_entries``, embedded under
    ``time_entries``) as one ``hh:mm`` total; None when there are none."""
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise InputError(
            f"'time_entries' is a JSON {type(entries).__name__}, not a list",
            file=path,
            row=row,
            field="time_entries",
            value=entries,
            expected='a list of {"time_spent": "01:30", ...}',
        )
    minutes = 0
    for entry in entries:
        if not isinstance(entry, dict):
            raise InputError(
                f"a time entry is a JSON {type(entry).__name__}, not an object",
                file=path,
                row=row,
                field="time_entries",
                value=entry,
                expected='{"time_spent": "01:30", ...}',
            )
        text = scalar_text(
            entry.get("time_spent"), field="time_entries.time_spent", path=path, row=row
        )
        if text is None:
            continue
        match = re.match(_HHMM, text)
        if match is None:
            raise InputError(
                "not a time spent",
                file=path,
                row=row,
                field="time_entries.time_spent",
                value=text,
                expected="hours and minutes such as 01:30",
            )
        minutes += int(match.group(1)) * 60 + int(match.group(2))
    return f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes else None


def _tracked_hours(frame: pd.DataFrame, path: Path, field: str) -> pd.Series:
    """``hh:mm`` time tracked as hours (``Float64``); 00:00 is nothing recorded."""
    text = frame["time_tracked"].astype("string").str.strip()
    text = text.mask(text == "")
    parts = text.str.extract(_HHMM)
    bad = text.notna() & parts[0].isna()
    if bad.any():
        first = bad[bad].index[0]
        raise InputError(
            "not a time tracked"
            + (f" ({int(bad.sum()) - 1} more rows like it)" if bad.sum() > 1 else ""),
            file=path,
            row=int(frame.loc[first, ROW]),
            field=field,
            value=text.loc[first],
            expected="hours and minutes such as 01:30",
        )
    hours = pd.to_numeric(parts[0]) + pd.to_numeric(parts[1]) / 60.0
    return hours.where(hours > 0).astype("Float64")


def _pages(data: Any, path: Path) -> list[dict[str, Any]]:
    """Response pages, whatever shape the export took."""
    if isinstance(data, dict) and "ticket" in data and "tickets" not in data:
        data = {"tickets": [data["ticket"]]}
    elif isinstance(data, list) and data and all(isinstance(d, dict) for d in data):
        if not any("tickets" in d or "ticket" in d for d in data):
            data = {"tickets": data}  # a plain list of tickets
        else:
            data = [
                {**d, "tickets": [d["ticket"]]} if "ticket" in d and "tickets" not in d else d
                for d in data
            ]
    return pages_of(data, key="tickets", path=path, expected=EXPECTED)


def _agent_name(item: dict[str, Any]) -> object:
    first, last = item.get("first_name"), item.get("last_name")
    if isinstance(first, str | type(None)) and isinstance(last, str | type(None)):
        return " ".join(p for p in (first, last) if p) or item.get("name")
    return first if not isinstance(first, str | type(None)) else last


def _from_api(
    path: Path, encoding: str, mapping: SourceMapping
) -> tuple[pd.DataFrame, list[str], int, dict[str, str]]:
    pages = _pages(read_json(path, encoding=encoding), path)
    records = records_of(pages, key="tickets", path=path)
    groups = {**sideloaded_names(pages, "groups", path, lambda g: g.get("name")), **mapping.groups}
    agents = sideloaded_names(pages, "agents", path, _agent_name)
    flat = [_flatten(t, row, path, groups, agents) for row, t in enumerate(records, 1)]
    frame = table_of(flat, STANDARD)
    frame[PAGE] = page_numbers(pages, key="tickets")
    labels = dict(zip(frame[ROW].tolist(), frame["id"].tolist(), strict=True))
    notes: list[str] = []
    with naming_records(labels, "ticket"):
        refuse_repeats(frame, key="id", path=path, noun="ticket")
    frame, repeated = keep_latest(frame, key="id", updated="updated_at")
    if repeated:
        notes.append(f"{repeated} repeated tickets (changed between pages) kept once, newest copy")
    if frame["resolved_at"].isna().all() and frame["closed_at"].isna().all():
        notes.append("no ticket stats (export with include=stats): no resolution or closure times")
    return frame, notes, len(records), {s: f"stats.{s}" for s in STATS}


def _from_csv(
    path: Path, encoding: str, delimiter: str | None, mapping: SourceMapping
) -> tuple[pd.DataFrame, list[str], int, dict[str, str]]:
    frame, absent, headers = read_labelled_csv(
        path,
        aliases=CSV_HEADERS,
        standard=STANDARD,
        required=("id", "created_at"),
        encoding=encoding,
        delimiter=delimiter,
    )
    note = absent_note(absent, mapping.columns)
    return frame, [note] if note else [], len(frame), headers


def import_freshservice(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    """Read a Freshservice JSON or CSV export into tickets (no events: see the module doc)."""
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    is_json = looks_like_json(path)
    if is_json:
        if mapping.dates.format is None:
            mapping = mapping.model_copy(
                update={"dates": mapping.dates.model_copy(update={"format": "ISO8601"})}
            )
        frame, notes, rows_read, fields = _from_api(path, encoding, mapping)
    else:
        frame, notes, rows_read, fields = _from_csv(path, encoding, delimiter, mapping)
    frame = mapping.decode(frame)
    parts = frame[["category", "sub_category", "item_category"]].astype("string").fillna("")
    joined = parts["category"] + "\x1f" + parts["sub_category"] + "\x1f" + parts["item_category"]
    topic = joined.str.replace(r"\x1f+", "\x1f", regex=True).str.strip("\x1f")
    topic = topic.str.replace("\x1f", " | ", regex=False)
    frame["topic"] = topic.mask(topic == "")
    labels = dict(zip(frame[ROW].tolist(), frame["id"].astype("string").tolist(), strict=True))
    with naming_records(labels, "ticket", fields):
        tickets, unmapped = record_tickets(
            frame,
            mapping,
            source=SOURCE,
            path=path,
            no_opening="no creation time",
            opening_expected="created_at such as 2024-03-04T08:00:00Z",
        )
    resolver_defaults_to_assignee(tickets)
    if tickets["worked_hours"].isna().all():  # a mapping may name an hours column instead
        field = fields.get("time_tracked", "time_entries.time_spent")
        with naming_records(labels, "ticket"):
            tracked = _tracked_hours(frame, path, field)
        tickets["worked_hours"] = tracked.to_numpy()
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=rows_read,
        tickets_frame=tickets[list(TICKET_FIELDS)],
        unmapped=unmapped,
        notes=notes,
    )
