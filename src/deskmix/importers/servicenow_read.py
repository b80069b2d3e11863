"""Reading any ServiceNow export into a table of text columns, and finding its columns.

ServiceNow hands out the same records in several shapes: a list export (CSV or XLSX) whose
headers are either the system names (``assignment_group``) or the list's labels ("Assignment
group"), and the Table API's JSON (``{"result": [...]}``), whose cells are plain strings or,
with ``sysparm_display_value=all``, objects carrying both a ``display_value`` and a ``value``.
Both importers (incidents and event logs) start here, so both accept every shape.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from deskmix.domain.ticket import TICKET_FIELDS
from deskmix.errors import InputError
from deskmix.importers.jsondocs import pages_of, records_of, table_of
from deskmix.importers.jsonfiles import read_json
from deskmix.importers.mapping import DateSettings, SourceMapping, default_mapping_data
from deskmix.importers.readers import ROW, read_table

# Header spellings beyond the system name, keyed by system name. Case, spaces, underscores and
# dots are ignored when comparing (``header_key``), so "Short description" already finds
# ``short_description``; only labels that differ in words are listed. The list view labels
# come from ServiceNow's incident form ("Opened", "Resolved", "Channel", "Updated", "State").
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("incident", "incident number"),
    "opened_at": ("opened", "opened on"),
    "resolved_at": ("resolved", "resolved on"),
    "closed_at": ("closed", "closed on"),
    "contact_type": ("channel",),
    "sys_updated_at": ("sys_updated_on", "updated", "updated on"),
    "sys_updated_on": ("sys_updated_at", "updated", "updated on"),
    "incident_state": ("state", "incident state"),
    "reassignment_count": ("reassignments",),
    "reopen_count": ("reopens",),
}

# Rule inputs that name a derived value or an event field rather than a column of the file.
NOT_COLUMNS = ("reassigned", "at", "status", "level")
_KEY_NOISE = re.compile(r"[\s_.]+")
# A glide date-time value as the Table API sends it: always UTC, always this shape.
_GLIDE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_JSON_SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson")
_TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".csv.gz", ".tsv", ".txt")
EXPECTED_JSON = 'a Table API response such as {"result": [{"number": "INC0010001", ...}]}'


def header_key(name: str) -> str:
    """The comparable form of a header: lower case, runs of space/underscore/dot as one space."""
    return _KEY_NOISE.sub(" ", name).strip().lower()


def candidates(column: str) -> list[str]:
    """The header keys that may hold ``column``: its own name first, then its aliases."""
    key = header_key(column)
    found = [key]
    for system, aliases in ALIASES.items():
        if header_key(system) == key:
            found += [header_key(a) for a in aliases]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Export:
    """A ServiceNow export as text columns (plus ``__row__``), and how its dates are written.

    ``utc_values`` is true for Table API JSON with display values, whose dates were taken
    from the ``value`` half: those are UTC in ``YYYY-MM-DD HH:MM:SS`` whatever the user's
    profile says, so the mapping's date settings (meant for list exports) must not apply.
    ``sys_id_columns`` name the reference fields that came without a display value.
    """

    frame: pd.DataFrame
    is_json: bool
    utc_values: bool = False
    sys_id_columns: tuple[str, ...] = ()

    def notes(self) -> list[str]:
        """What the import report should say about how the export was read."""
        notes: list[str] = []
        if self.utc_values:
            notes.append("Table API display values: dates taken from their UTC 'value'")
        if self.sys_id_columns:
            notes.append(
                "reference fields hold record ids (sys_id), not names: "
                + ", ".join(self.sys_id_columns)
                + "; export with sysparm_display_value=all to get group and person names"
            )
        return notes


def looks_like_json(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(_JSON_SUFFIXES):
        return True
    if name.endswith(_TABLE_SUFFIXES) or not path.is_file():
        return False
    try:
        opener = gzip.open if name.endswith(".gz") else Path.open
        with opener(path, "rb") as handle:
            head = handle.read(4096)
    except (OSError, EOFError):
        return False  # the table reader names the problem
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


_SYS_ID = re.compile(r"^[0-9a-f]{32}$")
UTC_VALUE = "utc value"  # a date taken from its UTC ``value``
SYS_ID = "sys_id"  # a reference without its display value: a record id, not a name


def _cell(value: Any, *, field: str, path: Path, row: int) -> tuple[str | None, str | None]:
    """One Table API cell as text, and what kind of value was taken (``UTC_VALUE``, ``SYS_ID``).

    Labels prefer ``display_value`` (a group's name rather than its sys_id, "3 - Moderate"
    rather than "3"); a date prefers ``value``, which is UTC and in one fixed format. A list,
    or an object without a text ``display_value``/``value``, is no Table API cell: it is
    refused rather than stored as Python's rendering of it.
    """
    if isinstance(value, Mapping):
        shown = value.get("display_value")
        raw = value.get("value")
        if not all(v is None or isinstance(v, str | int | float) for v in (shown, raw)):
            raise _not_a_cell(value, field=field, path=path, row=row)
        if isinstance(raw, str) and _GLIDE_VALUE.match(raw):
            return raw, UTC_VALUE
        if shown not in (None, ""):
            return str(shown), None
        kind = SYS_ID if isinstance(raw, str) and _SYS_ID.match(raw) else None
        return (None if raw is None else str(raw)), kind
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if not isinstance(value, str | int | float):
        raise _not_a_cell(value, field=field, path=path, row=row)
    return str(value), None


def _not_a_cell(value: object, *, field: str, path: Path, row: int) -> InputError:
    kind = "list" if isinstance(value, list) else "object"
    return InputError(
        f"a JSON {kind} where a field value was expected",
        file=path,
        row=row,
        field=field,
        value=value,
        expected='text, a number, null or {"display_value": ..., "value": ...}',
    )


def _table_api(path: Path, encoding: str) -> Export:
    data = read_json(path, encoding=encoding)
    records_only = isinstance(data, list) and all(isinstance(d, dict) for d in data)
    if records_only and not any("result" in d or "records" in d for d in data):
        data = {"result": data}  # a bare list of records rather than response pages
    key = "records" if isinstance(data, dict) and "records" in data else "result"
    records = records_of(
        pages_of(data, key=key, path=path, expected=EXPECTED_JSON), key=key, path=path
    )
    kinds: set[str] = set()
    sys_id_columns: set[str] = set()
    rows: list[dict[str, str | None]] = []
    for position, record in enumerate(records, start=1):
        row: dict[str, str | None] = {}
        for name, value in record.items():
            text, kind = _cell(value, field=str(name), path=path, row=position)
            row[str(name)] = text
            if kind is not None:
                kinds.add(kind)
                if kind == SYS_ID:
                    sys_id_columns.add(str(name))
        rows.append(row)
    return Export(
        table_of(rows),
        is_json=True,
        utc_values=UTC_VALUE in kinds,
        sys_id_columns=tuple(sorted(sys_id_columns)),
    )


def read_export(
    path: Path,
    *,
    encoding: str = "utf-8",
    wanted: set[str] | None = None,
    delimiter: str | None = None,
) -> Export:
    """Any ServiceNow export, by its suffix or, failing that, its first byte.

    ``wanted`` (header keys) limits a list export to the columns an importer uses: a wide
    event log parses several times faster that way.
    """
    path = Path(path)
    if looks_like_json(path):
        return _table_api(path, encoding)
    usecols = None if wanted is None else (lambda name: header_key(name) in wanted)
    table = read_table(path, encoding=encoding, usecols=usecols, delimiter=delimiter)
    return Export(table, is_json=False)


def _find(headers: Mapping[str, str], keys: Iterable[str]) -> str | None:
    for key in keys:
        if key in headers:
            return headers[key]
    return None


@lru_cache(maxsize=16)
def _shipped_columns(source: str) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(default_mapping_data(source).get("columns") or {}))


def resolve_mapping(
    frame: pd.DataFrame,
    mapping: SourceMapping,
    *,
    source: str,
    path: Path,
    required: tuple[str, ...] = (),
) -> tuple[SourceMapping, list[str]]:
    """The mapping rewritten to the file's own headers, keeping only columns it has.

    A column the shipped mapping names is looked for under its aliases and left out when the
    export lacks it (list exports carry whichever columns the user chose); a column the user's
    own mapping names, or one in ``required``, must be there. Returns the fields left out.
    """
    headers: dict[str, str] = {}
    for name in frame.columns:
        if name != ROW:
            headers.setdefault(header_key(str(name)), str(name))
    shipped = _shipped_columns(source)
    present = ", ".join(headers.values())
    columns: dict[str, str] = {}
    absent: list[str] = []
    for field_name, column in mapping.columns.items():
        chosen = column != shipped.get(field_name)
        keys = [header_key(column)] if chosen else candidates(column)
        found = _find(headers, keys)
        if found is not None:
            columns[field_name] = found
        elif chosen or field_name in required:
            raise InputError(
                f"missing column '{column}' (for {field_name})",
                file=path,
                row=1,
                field=column,
                expected=f"a column named '{column}'; the file has: {present[:200]}",
            )
        else:
            absent.append(field_name)
    update: dict[str, Any] = {"columns": columns}
    for kind in ("domain", "tier"):
        rule = getattr(mapping, kind)
        if rule is None or rule.by in TICKET_FIELDS or rule.by in NOT_COLUMNS:
            continue
        found = _find(headers, candidates(rule.by))
        if found is not None:
            update[kind] = rule.model_copy(update={"by": found})
    return mapping.model_copy(update=update), absent


def wanted_keys(mapping: SourceMapping) -> set[str]:
    """Header keys of every column the mapping could read, aliases included."""
    names = [*mapping.columns.values()]
    names += [r.by for r in (mapping.domain, mapping.tier) if r is not None]
    return {key for name in names for key in candidates(name)}


def utc_dates(mapping: SourceMapping, export: Export) -> SourceMapping:
    """Table API values are UTC in one format; the list-export date settings do not apply."""
    if not export.utc_values:
        return mapping
    return mapping.model_copy(update={"dates": DateSettings()})


EXCEL_CR = re.compile(r"_x000D_\r?\n?")


def unescape_excel(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Excel writes a carriage return inside a cell as the literal ``_x000D_``; make it a
    line break again (``_x000D_`` followed by a newline is one CR LF, so one line break)."""
    for column in columns:
        if column in frame.columns:
            text = frame[column].astype("string")
            frame[column] = text.str.replace(EXCEL_CR, "\n", regex=True)
