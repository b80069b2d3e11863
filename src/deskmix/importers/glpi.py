"""GLPI tickets (``deskmix import glpi FILE``): REST API JSON or a search-result CSV export.

JSON (by the file's suffix or first byte): Ticket items as ``GET /apirest.php/Ticket``
returns them (a list; ``expand_dropdowns=true`` gives names rather than ids), one item
(``GET /Ticket/:id``), or a document ``{"Ticket": [...], "TicketTask": [...], "Ticket_User":
[...], "Group_Ticket": [...]}`` whose sub-items carry ``tickets_id``. A ticket may also carry
its sub-items itself under those keys (``GET /Ticket/:id/TicketTask`` and so on). Fields:
``id, name, content, status (1-6), urgency, impact (1-5), priority (1-6), type,
itilcategories_id, requesttypes_id, date, date_mod, solvedate, closedate, actiontime``.
The assignee and group are the first ``Ticket_User`` / ``Group_Ticket`` of type 2 (assigned).

Worked time: the sum of the ticket's tasks' ``actiontime`` (seconds someone recorded working
on it), else the ticket's own ``actiontime`` (GLPI's total of its tasks); zero means nothing
was recorded and stays empty. It is stored as ``worked_hours``, which calibration prefers to
any estimate (docs/calibration.md).

CSV: the search list's export ("ID", "Title", "Status", "Opening date", "Last update",
"Priority", "Urgency", "Impact", "Category", "Assigned to - Technician", "Assigned to -
Group", "Resolution date", "Closing date", ...; GLPI writes it semicolon-delimited), renamed
to the API's field names. The export holds no task durations, so no worked time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.domain.ticket import TICKET_FIELDS
from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.jsondocs import (
    naming_records,
    refuse_repeats,
    scalar_text,
    table_of,
)
from deskmix.importers.jsonfiles import read_json
from deskmix.importers.limits import INT_MAX
from deskmix.importers.mapping import SourceMapping, load_mapping
from deskmix.importers.readers import ROW
from deskmix.importers.servicenow_read import looks_like_json
from deskmix.importers.tabular import record_tickets, resolver_defaults_to_assignee
from deskmix.importers.textfiles import file_hash
from deskmix.importers.vendor import absent_note, read_labelled_csv

SOURCE = "glpi"
EXPECTED = (
    'GLPI REST API Ticket items: a list [{"id": 1, "name": ..., "date": ...}], one item, or '
    '{"Ticket": [...], "TicketTask": [...]}'
)
SCALARS = (
    "name",
    "content",
    "status",
    "urgency",
    "impact",
    "priority",
    "type",
    "itilcategories_id",
    "requesttypes_id",
    "date",
    "date_mod",
    "solvedate",
    "closedate",
)
STANDARD = ("id", *SCALARS, "technician", "tech_group", "worked_seconds")
SUBITEMS = ("TicketTask", "Ticket_User", "Group_Ticket")
ASSIGNED = 2  # CommonITILActor::ASSIGN: the type of an assigned technician or group link
CSV_HEADERS: dict[str, str] = {
    "id": "id",
    "title": "name",
    "description": "content",
    "status": "status",
    "urgency": "urgency",
    "impact": "impact",
    "priority": "priority",
    "type": "type",
    "category": "itilcategories_id",
    "request source": "requesttypes_id",
    "opening date": "date",
    "last update": "date_mod",
    "resolution date": "solvedate",
    "closing date": "closedate",
    "assigned to - technician": "technician",
    "assigned to - group": "tech_group",
    "technician": "technician",
    "technician group": "tech_group",
}


def _items(data: Any, path: Path) -> tuple[list[Any], dict[str, list[Any]]]:
    """The Ticket items and any top-level sub-item lists, whatever shape the export took."""
    if isinstance(data, dict) and "Ticket" in data:
        tickets = data["Ticket"]
        if not isinstance(tickets, list):
            raise InputError(
                f"'Ticket' is a JSON {type(tickets).__name__}, not a list",
                file=path,
                field="Ticket",
                expected=EXPECTED,
            )
        subitems: dict[str, list[Any]] = {}
        for key in SUBITEMS:
            value = data.get(key)
            if value is None:
                continue
            if not isinstance(value, list):
                raise InputError(
                    f"'{key}' is a JSON {type(value).__name__}, not a list",
                    file=path,
                    field=key,
                    expected=f'a list of {key} items with "tickets_id"',
                )
            subitems[key] = value
        return tickets, subitems
    if isinstance(data, dict) and "id" in data:
        return [data], {}
    if isinstance(data, list):
        if data and all(isinstance(d, list) for d in data):  # JSON lines of result pages
            return [item for page in data for item in page], {}
        return data, {}
    shown = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
    raise InputError(
        f"no Ticket items found (the file holds: {shown or 'nothing'})",
        file=path,
        field="Ticket",
        expected=EXPECTED,
    )


def _seconds(value: object, *, field: str, path: Path, row: int) -> int | None:
    """A duration in whole seconds (GLPI's ``actiontime``): a number or digits, or null."""
    text = scalar_text(value, field=field, path=path, row=row)
    if text is None or text.strip() == "":
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not (number == number and 0 <= number <= INT_MAX and number == int(number)):
        raise InputError(
            "not a duration in whole seconds",
            file=path,
            row=row,
            field=field,
            value=value,
            expected=f"whole seconds from 0 to {INT_MAX:,} (3600 for an hour)",
        )
    return int(number)


def _subitems(
    ticket: dict[str, Any], key: str, shared: dict[str, list[dict[str, Any]]], row: int, path: Path
) -> list[dict[str, Any]]:
    own = ticket.get(key)
    if own is None:
        own = []
    if not isinstance(own, list):
        raise InputError(
            f"'{key}' is a JSON {type(own).__name__}, not a list",
            file=path,
            row=row,
            field=key,
            value=own,
            expected=f"a list of {key} items",
        )
    items = [*own, *shared.get(key, [])]
    for item in items:
        if not isinstance(item, dict):
            raise InputError(
                f"a {key} entry is a JSON {type(item).__name__}, not an object",
                file=path,
                row=row,
                field=key,
                value=item,
                expected=f"one JSON object per {key} item",
            )
    return items


def _assigned(
    items: list[dict[str, Any]], key: str, field: str, path: Path, row: int
) -> str | None:
    for item in items:
        kind = scalar_text(item.get("type"), field=f"{key}.type", path=path, row=row)
        if kind == str(ASSIGNED):
            return scalar_text(item.get(field), field=f"{key}.{field}", path=path, row=row)
    return None


def _by_ticket(
    subitems: dict[str, list[Any]], path: Path
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Top-level sub-items grouped by the ticket they belong to (``tickets_id``)."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key, items in subitems.items():
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise InputError(
                    f"{key} entry {position} is a JSON {type(item).__name__}, not an object",
                    file=path,
                    field=key,
                    value=item,
                    expected=f"one JSON object per {key} item",
                )
            owner = scalar_text(
                item.get("tickets_id"), field=f"{key}.tickets_id", path=path, row=position
            )
            if owner is None:
                raise InputError(
                    f"{key} entry {position} names no ticket",
                    file=path,
                    field=f"{key}.tickets_id",
                    value=item.get("tickets_id"),
                    expected="the id of the ticket it belongs to",
                )
            grouped.setdefault(owner, {}).setdefault(key, []).append(item)
    return grouped


def _flatten(
    ticket: Any, row: int, path: Path, shared: dict[str, dict[str, list[dict[str, Any]]]]
) -> dict[str, str | None]:
    if not isinstance(ticket, dict):
        raise InputError(
            f"a Ticket item is a JSON {type(ticket).__name__}, not an object",
            file=path,
            row=row,
            field="Ticket",
            value=ticket,
            expected="one JSON object per ticket",
        )
    ticket_id = scalar_text(ticket.get("id"), field="id", path=path, row=row)
    if not ticket_id:
        raise InputError(
            "ticket has no id",
            file=path,
            row=row,
            field="id",
            value=ticket.get("id"),
            expected="the ticket number, such as 42",
        )
    flat: dict[str, str | None] = {"id": ticket_id}
    for name in SCALARS:
        flat[name] = scalar_text(ticket.get(name), field=name, path=path, row=row)
    own = shared.get(ticket_id, {})
    tasks = _subitems(ticket, "TicketTask", own, row, path)
    users = _subitems(ticket, "Ticket_User", own, row, path)
    groups = _subitems(ticket, "Group_Ticket", own, row, path)
    flat["technician"] = _assigned(users, "Ticket_User", "users_id", path, row)
    flat["tech_group"] = _assigned(groups, "Group_Ticket", "groups_id", path, row)
    if tasks:
        spent = [
            _seconds(t.get("actiontime"), field="TicketTask.actiontime", path=path, row=row)
            for t in tasks
        ]
        total: int | None = sum(s for s in spent if s is not None)
    else:
        total = _seconds(ticket.get("actiontime"), field="actiontime", path=path, row=row)
    if total is not None and total > INT_MAX:
        raise InputError(
            "the ticket's tasks add up to more seconds than a duration can hold",
            file=path,
            row=row,
            field="TicketTask.actiontime",
            value=total,
            expected=f"at most {INT_MAX:,} seconds in all",
        )
    flat["worked_seconds"] = str(total) if total else None
    return flat


def _from_api(path: Path, encoding: str) -> tuple[pd.DataFrame, list[str], int, dict[str, str]]:
    items, subitems = _items(read_json(path, encoding=encoding), path)
    if not items:
        raise InputError(
            "the export holds no tickets", file=path, field="Ticket", expected=EXPECTED
        )
    shared = _by_ticket(subitems, path)
    flat = [_flatten(t, row, path, shared) for row, t in enumerate(items, 1)]
    frame = table_of(flat, STANDARD)
    labels = dict(zip(frame[ROW].tolist(), frame["id"].tolist(), strict=True))
    with naming_records(labels, "ticket"):
        refuse_repeats(frame, key="id", path=path, noun="ticket")
    notes: list[str] = []
    worked = int(frame["worked_seconds"].notna().sum())
    if worked:
        notes.append(
            f"worked time: {worked} of {len(frame)} tickets have task durations "
            "(TicketTask actiontime), stored as worked_hours for calibration"
        )
    else:
        notes.append(
            "no task durations (export TicketTask sub-items with actiontime): no worked time"
        )
    return frame, notes, len(items), {}


def _from_csv(
    path: Path, encoding: str, delimiter: str | None, mapping: SourceMapping
) -> tuple[pd.DataFrame, list[str], int, dict[str, str]]:
    frame, absent, headers = read_labelled_csv(
        path,
        aliases=CSV_HEADERS,
        standard=STANDARD,
        required=("id", "date"),
        encoding=encoding,
        delimiter=delimiter,
    )
    note = absent_note([a for a in absent if a != "worked_seconds"], mapping.columns)
    return frame, [note] if note else [], len(frame), headers


def import_glpi(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    """Read a GLPI JSON or CSV export into tickets, with worked time from tasks."""
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    if looks_like_json(path):
        frame, notes, rows_read, fields = _from_api(path, encoding)
    else:
        frame, notes, rows_read, fields = _from_csv(path, encoding, delimiter, mapping)
    frame = mapping.decode(frame)
    labels = dict(zip(frame[ROW].tolist(), frame["id"].astype("string").tolist(), strict=True))
    with naming_records(labels, "ticket", fields):
        tickets, unmapped = record_tickets(
            frame,
            mapping,
            source=SOURCE,
            path=path,
            no_opening="no opening date",
            opening_expected="date such as 2024-03-04 08:00:00",
        )
    resolver_defaults_to_assignee(tickets)
    if tickets["worked_hours"].isna().all():  # a mapping may name an hours column instead
        seconds = pd.to_numeric(frame["worked_seconds"], errors="coerce")  # checked: _seconds
        tickets["worked_hours"] = (seconds / 3600.0).astype("Float64").to_numpy()
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=rows_read,
        tickets_frame=tickets[list(TICKET_FIELDS)],
        unmapped=unmapped,
        notes=notes,
    )
