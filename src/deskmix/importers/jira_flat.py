"""Jira exports flattened to one text column per field: the issue search JSON and the CSV export.

Both formats end in the same column names (the REST field ids: ``key``, ``summary``,
``created``, ``resolutiondate``, ``priority``, ``components``, ...), so one mapping serves both.
Custom fields appear under their id (``customfield_10010``) and, where the export names them
(``expand=names`` in JSON, ``Custom field (Team)`` in CSV), also under their name (``Team``).
Three columns are derived: ``request_type`` (JSM's customer request type), ``Team`` and
``topic`` (components, request type and labels together, which the domain rule reads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.errors import InputError
from deskmix.importers.jsondocs import (
    PAGE,
    is_shapeless,
    named_text,
    names_of,
    page_numbers,
    pages_of,
    records_of,
    scalar_text,
    table_of,
    text_of,
)
from deskmix.importers.parsing import DEFAULT_MISSING, clean_missing
from deskmix.importers.readers import ROW, read_table, require_columns

JSON_EXPECTED = (
    'a Jira issue search response {"issues": [{"key": ..., "fields": {...}}]}, '
    "or a list / JSON lines of such pages"
)
STANDARD = (
    "key",
    "summary",
    "description",
    "created",
    "resolutiondate",
    "updated",
    "priority",
    "status",
    "issuetype",
    "resolution",
    "assignee",
    "reporter",
    "components",
    "labels",
    "request_type",
    "Team",
    "topic",
)
DERIVED = ("request_type", "Team", "topic")
DATE_COLUMNS = ("created", "resolutiondate", "updated")
CSV_HEADERS: dict[str, str] = {
    "Issue key": "key",
    "Summary": "summary",
    "Description": "description",
    "Created": "created",
    "Resolved": "resolutiondate",
    "Updated": "updated",
    "Priority": "priority",
    "Status": "status",
    "Issue Type": "issuetype",
    "Resolution": "resolution",
    "Assignee": "assignee",
    "Reporter": "reporter",
    "Component/s": "components",
    "Labels": "labels",
}
REQUEST_TYPE_NAMES = ("Customer Request Type", "Request Type", "Request type")
# Jira's CSV date format in its default English locale ("12/Jan/24 9:15 AM"), with variants.
CSV_DATE_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M")
CSV_DATE_EXPECTED = (
    "Jira's date format such as 12/Jan/24 9:15 AM, or ISO 8601 "
    "(set dates.format in the mapping for another format)"
)
_CUSTOM = re.compile(r"^Custom field \((.+)\)$")
_REPEAT = re.compile(r"^(.*)\.(\d+)$")
_CHANGE_KINDS = ("status", "assignee", "group")
# Standard fields and the shape each must have: one value, or one named thing.
SCALAR_FIELDS = ("summary", "created", "resolutiondate", "updated")
NAMED_FIELDS = ("priority", "status", "issuetype", "resolution", "assignee", "reporter")


@dataclass
class JiraExport:
    """The flattened issues, the changelog as one row per history, and how to name rows."""

    issues: pd.DataFrame
    changes: pd.DataFrame | None = None
    fields: dict[str, str] = field(default_factory=dict)  # column -> the name the file uses
    # column -> first record whose value was an object naming nothing (kept as JSON text)
    shapeless: dict[str, int] = field(default_factory=dict)

    def refuse_shapeless(self, columns: set[str], path: Path) -> None:
        """A column the mapping reads must hold text or named objects, not JSON text."""
        for column in sorted(columns & set(self.shapeless)):
            raise InputError(
                "a JSON object without a name where the mapping reads text",
                file=path,
                row=self.shapeless[column],
                field=column,
                expected="text, or an object with a displayName, name or value",
            )


def _derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill ``request_type``, ``Team`` and ``topic`` and make sure every standard column exists."""
    for column in STANDARD:
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name in REQUEST_TYPE_NAMES:
        if name in frame.columns:
            frame["request_type"] = frame["request_type"].fillna(frame[name])
    parts = frame[["components", "request_type", "labels"]].astype("string")
    parts = parts.apply(lambda s: s.str.strip()).mask(lambda s: s == "")
    topic = parts.stack().dropna().groupby(level=0).agg(" | ".join)
    frame["topic"] = topic.reindex(frame.index).astype("string")
    return frame


# --- JSON -----------------------------------------------------------------------------------


def _names(pages: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for page in pages:
        given = page.get("names")
        if isinstance(given, dict):
            names.update({str(k): str(v) for k, v in given.items() if isinstance(v, str)})
    return names


def _flatten(
    issue: dict[str, Any],
    names: dict[str, str],
    path: Path,
    row: int,
    shapeless: dict[str, int],
) -> dict[str, Any]:
    key = issue.get("key")
    if not isinstance(key, str) or not key.strip():
        raise InputError(
            "issue has no key",
            file=path,
            row=row,
            field="key",
            value=key,
            expected='the issue key as text, such as "ITSM-12"',
        )
    fields = issue.get("fields")
    if not isinstance(fields, dict):
        raise InputError(
            f"issue {key}: no 'fields' object",
            file=path,
            row=row,
            field="fields",
            value=fields,
            expected='"fields": {"summary": ..., "created": ..., ...}',
        )
    flat: dict[str, Any] = {"key": key}
    for name, value in fields.items():
        flat[name] = _field_text(name, value, path, row)
        if isinstance(value, dict) and "requestType" in value:
            flat["request_type"] = flat[name]
    for name in list(flat):
        alias = names.get(name)
        reserved = alias in STANDARD and alias not in DERIVED
        if alias and alias not in fields and not reserved and alias not in flat:
            flat[alias] = flat[name]
    if "Team" not in flat and "team" in fields:
        flat["Team"] = flat["team"]
    for name, value in fields.items():
        if is_shapeless(value):
            for column in (name, names.get(name), "Team" if name == "team" else None):
                if column in flat:
                    shapeless.setdefault(column, row)
    return flat


def _field_text(name: str, value: object, path: Path, row: int) -> str | None:
    """A field's text, refusing a standard field of the wrong shape (a list as summary)."""
    where = name
    if name in ("components", "labels"):
        return ", ".join(names_of(value, field=where, path=path, row=row)) or None
    if name in SCALAR_FIELDS or name == "description":
        return scalar_text(value, field=where, path=path, row=row, adf=name == "description")
    if name in NAMED_FIELDS:
        return named_text(value, field=where, path=path, row=row)
    return text_of(value)


def _group_fields(group_column: str | None, names: dict[str, str]) -> set[str]:
    """Changelog items name a field by its display name or id; accept both, any case."""
    if not group_column:
        return set()
    wanted = {group_column.lower()}
    wanted |= {alias.lower() for fid, alias in names.items() if fid.lower() in wanted}
    wanted |= {fid.lower() for fid, alias in names.items() if alias.lower() in wanted}
    return wanted


def _kind(item: dict[str, Any], group_fields: set[str]) -> str | None:
    names = {str(item.get("field", "")).lower(), str(item.get("fieldId", "")).lower()}
    if "status" in names:
        return "status"
    if "assignee" in names:
        return "assignee"
    if names & group_fields:
        return "group"
    return None


def _histories(
    issue: dict[str, Any], key: str, group_fields: set[str], path: Path, row: int
) -> list[dict[str, Any]] | None:
    """One row per history that changed status, assignee or group; ``None`` without a changelog.

    A change to nothing (unassigned) is kept as ``changed`` with an empty ``to``.
    """
    changelog = issue.get("changelog")
    if changelog is None:
        return None
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    if not isinstance(histories, list):
        raise InputError(
            f"issue {key}: changelog has no 'histories' list",
            file=path,
            row=row,
            field="changelog",
            expected='"changelog": {"histories": [{"created": ..., "items": [...]}]}',
        )
    out: list[dict[str, Any]] = []
    for position, history in enumerate(histories):
        items = history.get("items") if isinstance(history, dict) else None
        if not isinstance(items, list):
            raise InputError(
                f"issue {key}: changelog history {position + 1} has no 'items' list",
                file=path,
                row=row,
                field="changelog.histories.items",
                expected='{"created": ..., "items": [{"field": ..., "toString": ...}]}',
            )
        record: dict[str, Any] = {}
        for item in items:
            kind = _kind(item, group_fields) if isinstance(item, dict) else None
            if kind is None:
                continue
            if f"{kind}_changed" not in record:  # the first change's "from" is the old value
                record[f"{kind}_from"] = text_of(item.get("fromString"))
            record[f"{kind}_changed"] = True
            record[f"{kind}_to"] = text_of(item.get("toString"))
        if record:
            record.update({"ticket_id": key, "created": text_of(history.get("created")), ROW: row})
            record["hpos"] = position
            out.append(record)
    return out


def read_json_issues(data: Any, path: Path, group_column: str | None) -> JiraExport:
    pages = pages_of(data, key="issues", path=path, expected=JSON_EXPECTED)
    issues = records_of(pages, key="issues", path=path)
    names = _names(pages)
    group_fields = _group_fields(group_column, names)
    flat: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    with_changelog: list[bool] = []
    shapeless: dict[str, int] = {}
    for row, issue in enumerate(issues, start=1):
        record = _flatten(issue, names, path, row, shapeless)
        flat.append(record)
        histories = _histories(issue, record["key"], group_fields, path, row)
        with_changelog.append(histories is not None)
        changes.extend(histories or [])
    frame = _derive(table_of(flat, STANDARD))
    frame["_changelog"] = with_changelog
    frame[PAGE] = page_numbers(pages, key="issues")
    parts = [f"{k}_{part}" for k in _CHANGE_KINDS for part in ("changed", "from", "to")]
    change_columns = ["ticket_id", "created", "hpos", ROW, *parts]
    table = pd.DataFrame.from_records(changes, columns=change_columns)
    for kind in _CHANGE_KINDS:
        table[f"{kind}_changed"] = table[f"{kind}_changed"].eq(True)
        for part in ("from", "to"):
            table[f"{kind}_{part}"] = table[f"{kind}_{part}"].astype("string")
    table["created"] = table["created"].astype("string")
    return JiraExport(issues=frame, changes=table, shapeless=shapeless)


# --- CSV ------------------------------------------------------------------------------------


def _join_repeats(raw: pd.DataFrame) -> pd.DataFrame:
    """Jira repeats a header once per value ("Component/s" x 3); pandas reads them as
    ``Component/s``, ``Component/s.1``, ...; join each set back into one comma-separated cell."""
    groups: dict[str, list[str]] = {}
    for column in raw.columns:
        match = _REPEAT.match(column)
        base = match.group(1) if match and match.group(1) in raw.columns else column
        groups.setdefault(base, []).append(column)
    out = pd.DataFrame(index=raw.index)
    for base, columns in groups.items():
        if base == ROW or len(columns) == 1:
            out[base] = raw[base]
            continue
        cells = clean_missing(raw[columns], DEFAULT_MISSING)
        joined = cells.stack().dropna().groupby(level=0).agg(", ".join)
        out[base] = joined.reindex(raw.index).astype("string")
    return out


def normalise_csv_dates(frame: pd.DataFrame, fields: dict[str, str], path: Path) -> None:
    """Jira CSV dates to ISO text (still naive: the mapping's time zone applies)."""
    for column in DATE_COLUMNS:
        text = frame[column].astype("string").str.strip().mask(lambda s: s == "")
        parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        for fmt in CSV_DATE_FORMATS:
            todo = text.notna() & parsed.isna()
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        left = text.notna() & parsed.isna()
        if left.any():
            check = pd.to_datetime(text[left], format="mixed", errors="coerce", utc=True)
            bad = check[check.isna()].index
            if len(bad):
                more = len(bad) - 1
                raise InputError(
                    "unparseable date" + (f" ({more} more rows like it)" if more else ""),
                    file=path,
                    row=int(frame.loc[bad[0], ROW]),
                    field=fields.get(column, column),
                    value=text.loc[bad[0]],
                    expected=CSV_DATE_EXPECTED,
                )
        iso = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S").astype("string")
        frame[column] = iso.where(parsed.notna(), text)


def read_csv_issues(path: Path, encoding: str, delimiter: str | None = None) -> JiraExport:
    raw = read_table(path, encoding=encoding, delimiter=delimiter)
    require_columns(raw, {"id": "Issue key", "opened_at": "Created"}, path)
    frame = _join_repeats(raw)
    fields: dict[str, str] = {}
    for column in list(frame.columns):
        custom = _CUSTOM.match(column)
        name = CSV_HEADERS.get(column) or (custom.group(1) if custom else None)
        if name and name not in frame.columns:
            frame[name] = frame[column]
            fields[name] = column
    frame = _derive(frame)
    frame["_changelog"] = False
    return JiraExport(issues=frame, fields=fields)
