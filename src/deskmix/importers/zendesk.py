"""Zendesk Support: the incremental ticket export JSON, with ticket metrics where present.

``deskmix import zendesk FILE`` reads one page or several (a list of pages, or one per line)
of ``GET /api/v2/incremental/tickets/cursor.json?include=metric_sets``. Ticket metrics, whether
sideloaded (``metric_sets`` keyed by ``ticket_id``) or embedded (``metric_set``), give what a
ticket alone does not: when it was solved, how often it was reopened and how many groups it
passed through. A ticket that went through n groups was reassigned n - 1 times.

The export repeats a ticket on every page where it changed; the newest copy is kept. Deleted
tickets are left out. Group ids become names through the mapping's ``groups`` or a sideloaded
``groups`` list, else stay ids; assignee ids become names from a sideloaded ``users`` list.
The resolver of a solved ticket is its assignee: Zendesk asks for one to solve a ticket.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.domain.ticket import TICKET_FIELDS
from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.jsondocs import (
    PAGE,
    keep_latest,
    names_of,
    naming_records,
    page_numbers,
    pages_of,
    records_of,
    refuse_repeats,
    scalar_text,
    table_of,
    text_of,
)
from deskmix.importers.jsonfiles import read_json
from deskmix.importers.mapping import load_mapping
from deskmix.importers.parsing import parse_int
from deskmix.importers.readers import ROW
from deskmix.importers.tabular import record_tickets, resolver_defaults_to_assignee
from deskmix.importers.textfiles import file_hash

SOURCE = "zendesk"
EXPECTED = (
    'a Zendesk incremental ticket export {"tickets": [...], "end_of_stream": ...} '
    '(with "metric_sets" when exported with include=metric_sets), or a list / JSON lines of pages'
)
STANDARD = (
    "id",
    "created_at",
    "updated_at",
    "subject",
    "description",
    "priority",
    "status",
    "type",
    "group_id",
    "group",
    "assignee_id",
    "assignee",
    "requester_id",
    "tags",
    "channel",
    "topic",
    "solved_at",
    "reopens",
    "replies",
    "group_stations",
    "assignee_stations",
    "full_resolution_minutes",
    "reassignments",
)
_METRICS = ("solved_at", "reopens", "replies", "group_stations", "assignee_stations")


def _named(pages: list[dict[str, Any]], key: str, path: Path) -> dict[str, str]:
    """``id -> name`` from a sideloaded list such as ``groups`` or ``users``."""
    names: dict[str, str] = {}
    for page in pages:
        items = page.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(
                f"sideloaded '{key}' is not a list", file=path, field=key, expected="a JSON list"
            )
        for item in items:
            if isinstance(item, dict) and item.get("id") is not None and item.get("name"):
                name = item["name"]
                if not isinstance(name, str | int | float) or isinstance(name, bool):
                    raise InputError(
                        f"sideloaded {key} entry {item['id']!r} has a name that is a JSON "
                        f"{type(name).__name__}",
                        file=path,
                        field=f"{key}.name",
                        value=name,
                        expected="text",
                    )
                names[str(item["id"])] = str(name)
    return names


def _metric_sets(pages: list[dict[str, Any]], path: Path) -> dict[str, dict[str, Any]]:
    """Sideloaded metric sets by ticket id; a later page's set replaces an earlier one."""
    sets: dict[str, dict[str, Any]] = {}
    for page in pages:
        items = page.get("metric_sets")
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(
                "'metric_sets' is not a list",
                file=path,
                field="metric_sets",
                expected='a list of {"ticket_id": ..., "solved_at": ..., ...}',
            )
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict) or item.get("ticket_id") is None:
                raise InputError(
                    f"metric set {position} has no ticket_id",
                    file=path,
                    field="metric_sets.ticket_id",
                    value=item,
                    expected='{"ticket_id": 123, "solved_at": ..., "reopens": ..., ...}',
                )
            sets[str(item["ticket_id"])] = item
    return sets


SCALARS = (
    "created_at",
    "updated_at",
    "subject",
    "description",
    "priority",
    "status",
    "type",
    "requester_id",
)


def _minutes(value: object, path: Path, row: int) -> str | None:
    # full_resolution_time_in_minutes is {"calendar": n, "business": n}; calendar is what
    # a requester waited.
    field = "metric_set.full_resolution_time_in_minutes"
    if isinstance(value, dict):
        return scalar_text(value.get("calendar"), field=f"{field}.calendar", path=path, row=row)
    return scalar_text(value, field=field, path=path, row=row)


def _flatten(
    ticket: dict[str, Any],
    row: int,
    path: Path,
    metrics: dict[str, dict[str, Any]],
    groups: dict[str, str],
    users: dict[str, str],
) -> dict[str, Any]:
    ticket_id = scalar_text(ticket.get("id"), field="id", path=path, row=row)
    if not ticket_id:
        raise InputError(
            "ticket has no id",
            file=path,
            row=row,
            field="id",
            value=ticket.get("id"),
            expected="the ticket number, such as 12345",
        )
    via = ticket.get("via")
    group_id = scalar_text(ticket.get("group_id"), field="group_id", path=path, row=row)
    assignee_id = scalar_text(ticket.get("assignee_id"), field="assignee_id", path=path, row=row)
    tags = names_of(ticket.get("tags"), field="tags", path=path, row=row)
    flat: dict[str, Any] = {"id": ticket_id}
    for name in SCALARS:
        flat[name] = scalar_text(ticket.get(name), field=name, path=path, row=row)
    flat.update(
        {
            "group_id": group_id,
            "group": groups.get(group_id, group_id) if group_id else None,
            "assignee_id": assignee_id,
            "assignee": users.get(assignee_id, assignee_id) if assignee_id else None,
            "tags": " ".join(tags) or None,
            "channel": (
                scalar_text(via.get("channel"), field="via.channel", path=path, row=row)
                if isinstance(via, dict)
                else None
            ),
        }
    )
    custom = ticket.get("custom_fields")
    if isinstance(custom, list):
        for item in custom:
            if isinstance(item, dict) and item.get("id") is not None:
                flat[f"field_{item['id']}"] = text_of(item.get("value"))
    metric = ticket.get("metric_set")
    if not isinstance(metric, dict):
        metric = metrics.get(ticket_id, {})
    for name in _METRICS:
        flat[name] = scalar_text(metric.get(name), field=f"metric_set.{name}", path=path, row=row)
    flat["full_resolution_minutes"] = _minutes(
        metric.get("full_resolution_time_in_minutes"), path, row
    )
    topic = [flat["group"], flat["type"], flat["tags"]]
    flat["topic"] = " | ".join(t for t in topic if t) or None
    return flat


def _reassignments(frame: pd.DataFrame, path: Path) -> pd.Series:
    stations = parse_int(
        frame["group_stations"], frame[ROW], field="metric_set.group_stations", file=path
    )
    return (stations - 1).clip(lower=0).astype("string")


def import_zendesk(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    """Read incremental-export pages into tickets; metrics fill resolution and hand-offs.

    ``delimiter`` is accepted like every importer's and unused: the export is JSON.
    """
    del delimiter
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    if mapping.dates.format is None:
        mapping = mapping.model_copy(
            update={"dates": mapping.dates.model_copy(update={"format": "ISO8601"})}
        )
    pages = pages_of(
        read_json(path, encoding=encoding), key="tickets", path=path, expected=EXPECTED
    )
    records = records_of(pages, key="tickets", path=path)
    metrics = _metric_sets(pages, path)
    groups = {**_named(pages, "groups", path), **mapping.groups}
    users = _named(pages, "users", path)
    flat = [_flatten(t, row, path, metrics, groups, users) for row, t in enumerate(records, 1)]
    frame = table_of(flat, STANDARD)
    frame[PAGE] = page_numbers(pages, key="tickets")
    labels = dict(zip(frame[ROW].tolist(), frame["id"].tolist(), strict=True))
    notes: list[str] = []
    with naming_records(labels, "ticket"):
        refuse_repeats(frame, key="id", path=path, noun="ticket")
    frame, repeated = keep_latest(frame, key="id", updated="updated_at")
    if repeated:
        notes.append(f"{repeated} repeated tickets (changed between pages) kept once, newest copy")
    deleted = frame["status"].str.lower().eq("deleted").fillna(False)
    if deleted.any():
        notes.append(f"{int(deleted.sum())} deleted tickets left out")
        frame = frame[~deleted]
    if frame.empty:
        raise InputError(
            "the export holds only deleted tickets", file=path, field="tickets", expected=EXPECTED
        )
    if frame["group_stations"].isna().all():
        notes.append(
            "no ticket metrics (export with include=metric_sets): "
            "no resolution times, reopens or reassignments"
        )
    with naming_records(labels, "ticket"):
        frame["reassignments"] = _reassignments(frame, path)
        tickets, unmapped = record_tickets(
            frame,
            mapping,
            source=SOURCE,
            path=path,
            no_opening="no creation time",
            opening_expected="created_at such as 2024-01-12T09:15:00Z",
        )
    resolver_defaults_to_assignee(tickets)
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=len(records),
        tickets_frame=tickets[list(TICKET_FIELDS)],
        unmapped=unmapped,
        notes=notes,
    )
