"""JSON API exports (Jira search, Zendesk incremental export) into a table of text columns.

APIs page their results, so a user's file is often several response documents: a JSON list of
them, or one per line. Each page is checked for the list it must carry; each record gets its
1-based position in the file, which is the "row" every error names, together with the record's
own key so a person can find it in the export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.errors import InputError
from deskmix.importers.adf import flatten_adf, is_adf
from deskmix.importers.readers import ROW

# Keys that name a JSON object's human-readable value, in order of preference: users carry
# displayName, priorities/statuses/components a name, select lists a value.
_NAME_KEYS = ("displayName", "name", "value", "title", "key")
PAGE = "__page__"  # which response document a record came from (1-based)


def pages_of(data: Any, *, key: str, path: Path, expected: str) -> list[dict[str, Any]]:
    """The response documents in a file, each with a list under ``key``."""
    pages = data if isinstance(data, list) else [data]
    for number, page in enumerate(pages, start=1):
        where = f"document {number}" if len(pages) > 1 else "the file"
        if not isinstance(page, dict):
            raise InputError(
                f"{where} is a JSON {type(page).__name__}, not an object",
                file=path,
                field=key,
                expected=expected,
            )
        if key not in page:
            shown = ", ".join(list(page)[:6]) or "nothing"
            raise InputError(
                f"{where} has no '{key}' list (its keys: {shown})",
                file=path,
                field=key,
                expected=expected,
            )
        if not isinstance(page[key], list):
            raise InputError(
                f"'{key}' in {where} is a JSON {type(page[key]).__name__}, not a list",
                file=path,
                field=key,
                expected=expected,
            )
    return pages


def records_of(pages: list[dict[str, Any]], *, key: str, path: Path) -> list[dict[str, Any]]:
    """All records of all pages in file order; a record that is not an object is refused."""
    records: list[dict[str, Any]] = []
    for page in pages:
        for item in page[key]:
            if not isinstance(item, dict):
                raise InputError(
                    f"entry of '{key}' is a JSON {type(item).__name__}, not an object",
                    file=path,
                    row=len(records) + 1,
                    field=key,
                    value=item,
                    expected=f"one JSON object per entry of '{key}'",
                )
            records.append(item)
    if not records:
        raise InputError(
            f"the export holds no {key}",
            file=path,
            field=key,
            expected=f"at least one entry in '{key}'",
        )
    return records


def page_numbers(pages: list[dict[str, Any]], *, key: str) -> list[int]:
    """Each record's document number, in the order ``records_of`` returns the records."""
    return [n for n, page in enumerate(pages, start=1) for _ in page[key]]


def _scalar(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(type(value).__name__)


def _wrong_type(value: object, *, field: str, path: Path, row: int, expected: str) -> InputError:
    return InputError(
        f"a JSON {_json_type(value)} where a value was expected",
        file=path,
        row=row,
        field=field,
        value=value,
        expected=expected,
    )


def _json_type(value: object) -> str:
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def scalar_text(
    value: object, *, field: str, path: Path, row: int, adf: bool = False
) -> str | None:
    """A field that holds one value (a title, a time, an id): text, a number or null.

    A list or an object there is a malformed export: joining or dumping it would store text
    the source never held. ``adf`` also accepts an ADF rich-text document (Jira descriptions).
    """
    if adf and is_adf(value):
        return flatten_adf(value)
    try:
        return _scalar(value)
    except TypeError:
        expected = "text, a number or null" + (" (or an ADF document)" if adf else "")
        raise _wrong_type(value, field=field, path=path, row=row, expected=expected) from None


def named_text(value: object, *, field: str, path: Path, row: int) -> str | None:
    """A field that names one thing (a priority, a status, a person): its text, or an
    object carrying a name (``displayName``, ``name``, ``value``) as text."""
    if isinstance(value, Mapping):
        for name in _NAME_KEYS:
            if name in value and not isinstance(value[name], Mapping | list):
                return _scalar(value[name])
        raise InputError(
            "object without a name",
            file=path,
            row=row,
            field=field,
            value=value,
            expected=f"text, or an object with one of: {', '.join(_NAME_KEYS)}",
        )
    return scalar_text(value, field=field, path=path, row=row)


def text_of(value: object) -> str | None:
    """A JSON value as the text a person would read in the tool's UI.

    Objects are reduced to their display name, ADF documents to plain text and lists to a
    comma-separated string; any other object is kept as compact JSON, so nothing is lost.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        if is_adf(value):
            return flatten_adf(value)
        if "requestType" in value:  # Jira Service Management's customer request type field
            return text_of(value["requestType"])
        for name in _NAME_KEYS:
            if name in value:
                return text_of(value[name])
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, list):
        parts = [t for t in (text_of(v) for v in value) if t]
        return ", ".join(parts) if parts else None
    return str(value)


def names_of(value: object, *, field: str, path: Path, row: int) -> list[str]:
    """A list field (components, labels, tags) as its entries' names."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(
            "not a list",
            file=path,
            row=row,
            field=field,
            value=value,
            expected="a JSON list (or null)",
        )
    return [t for t in (named_text(v, field=field, path=path, row=row) for v in value) if t]


def is_shapeless(value: object) -> bool:
    """An object (or a list holding one) that names nothing: ``text_of`` can only keep it as
    JSON text, which is fine for a column nobody reads and wrong for a mapped one."""
    if isinstance(value, list):
        return any(is_shapeless(v) for v in value)
    if not isinstance(value, Mapping) or is_adf(value) or "requestType" in value:
        return False
    return not any(name in value for name in _NAME_KEYS)


def table_of(rows: list[dict[str, str | None]], columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Flattened records as string columns plus ``__row__`` (the record's position)."""
    frame = pd.DataFrame.from_records(rows)
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.NA
    frame = frame.astype("string")
    frame[ROW] = pd.RangeIndex(1, len(frame) + 1)
    return frame


def refuse_repeats(frame: pd.DataFrame, *, key: str, path: Path, noun: str) -> None:
    """The same record twice in one response document (or in a CSV export, one document) is
    a broken export, not an overlap of pages: refuse it, naming both rows."""
    pages = frame[PAGE] if PAGE in frame.columns else pd.Series(1, index=frame.index)
    keyed = pd.DataFrame({"k": frame[key], "p": pages}).dropna()
    repeated = keyed.duplicated(keep=False)
    if not repeated.any():
        return
    first_key = keyed.loc[repeated, "k"].iloc[0]
    first_page = keyed.loc[repeated, "p"].iloc[0]
    same = (keyed["k"] == first_key) & (keyed["p"] == first_page)
    where = frame.loc[same[same].index, ROW].tolist()
    raise InputError(
        f"{noun} appears more than once (rows {', '.join(map(str, where[:5]))})",
        file=path,
        row=int(where[1]),
        field=key,
        value=first_key,
        expected=f"one entry per {noun} (a later page may repeat it; one page may not)",
    )


def keep_latest(frame: pd.DataFrame, *, key: str, updated: str) -> tuple[pd.DataFrame, int]:
    """One record per key: the most recently updated (else the last in the file).

    Paged and incremental exports repeat a record that changed while the pages were fetched;
    the newest copy is the truth, and dropping the others is not an error (repeats within
    one page are refused first, by ``refuse_repeats``).
    """
    keys = frame[key]
    if not keys.dropna().duplicated().any():
        return frame, 0
    stamp = pd.to_datetime(frame[updated], errors="coerce", utc=True, format="ISO8601")
    order = pd.DataFrame({"k": keys, "t": stamp, "p": range(len(frame))}, index=frame.index)
    order = order.sort_values(["t", "p"], na_position="first")
    latest = order[order["k"].notna()].drop_duplicates("k", keep="last").index
    keep = frame.index[keys.isna()].union(latest).sort_values()
    return frame.loc[keep], len(frame) - len(keep)


def require_values(
    frame: pd.DataFrame, column: str | None, *, path: Path, message: str, expected: str
) -> None:
    """Refuse records whose ``column`` is empty, naming the first one."""
    if column is None or column not in frame.columns:
        return
    empty = frame[column].isna()
    if empty.any():
        first = frame[empty].index[0]
        more = int(empty.sum()) - 1
        raise InputError(
            message + (f" ({more} more records like it)" if more else ""),
            file=path,
            row=int(frame.loc[first, ROW]),
            field=column,
            expected=expected,
        )


@contextmanager
def naming_records(
    labels: Mapping[int, str], noun: str, fields: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Prefix errors that name a record position with the record's own key.

    ``fields`` renames internal column names back to the ones the user's file uses.
    """
    try:
        yield
    except InputError as exc:
        if exc.row is None or exc.row not in labels:
            raise
        field = (fields or {}).get(exc.field or "", exc.field)
        label = labels[exc.row]
        # A key is the user's text: one with a line break or other control character is shown
        # quoted and escaped, so the error stays one line.
        shown = label if label.isprintable() else repr(label)
        raise InputError(
            f"{noun} {shown}: {exc.message}",
            file=exc.file,
            row=exc.row,
            field=field,
            value=exc.value,
            expected=exc.expected,
        ) from exc
