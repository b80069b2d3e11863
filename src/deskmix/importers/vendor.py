"""What the Freshservice and GLPI importers share: a UI's CSV export read under the API's
field names, and id -> name tables from sideloaded lists.

Both tools export the same tickets two ways: the REST API's JSON, whose fields have system
names and numeric codes, and a CSV export from the UI, whose headers are the UI's labels and
whose cells are the codes' labels. Renaming the CSV's headers to the API's names lets one
mapping (``data/mappings/<source>.yaml``) and one code table serve both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.errors import InputError
from deskmix.importers.readers import ROW, read_table
from deskmix.importers.servicenow_read import header_key


def read_labelled_csv(
    path: Path,
    *,
    aliases: Mapping[str, str],
    standard: tuple[str, ...],
    required: tuple[str, ...],
    encoding: str,
    delimiter: str | None,
) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """A UI export with its headers renamed to API field names (``aliases``: header key ->
    field), every ``standard`` field present (empty when the export lacks it).

    Headers are compared ignoring case, spaces and underscores; columns no alias names keep
    their own header, so a user's mapping may still name them. ``required`` fields must have
    a column. Returns the table, the standard fields the export lacked and each renamed
    field's header in the file (for errors that name the user's column).
    """
    frame = read_table(path, encoding=encoding, delimiter=delimiter)
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for column in frame.columns:
        if column == ROW:
            continue
        field = aliases.get(header_key(str(column)))
        if field is not None and field not in taken and field not in frame.columns:
            renames[column] = field
            taken.add(field)
    frame = frame.rename(columns=renames)
    present = ", ".join(str(c) for c in frame.columns if c != ROW)
    for field in required:
        if field not in frame.columns:
            labels = [k for k, v in aliases.items() if v == field]
            raise InputError(
                f"missing column '{labels[0] if labels else field}'",
                file=path,
                row=1,
                field=labels[0] if labels else field,
                expected=f"a column named '{labels[0] if labels else field}'; "
                f"the file has: {present[:200]}",
            )
    absent = [f for f in standard if f not in frame.columns]
    for field in absent:
        frame[field] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame, absent, {field: str(header) for header, field in renames.items()}


def sideloaded_names(
    pages: list[dict[str, Any]],
    key: str,
    path: Path,
    name_of: Callable[[dict[str, Any]], object],
) -> dict[str, str]:
    """``id -> name`` from a list of objects at the top of any page (``groups``, ``agents``).

    A name that is not text (a list, an object) is refused naming the list; entries without
    an id or a name are skipped.
    """
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
            if not isinstance(item, dict) or item.get("id") is None:
                continue
            name = name_of(item)
            if name is None or name == "":
                continue
            if not isinstance(name, str | int | float) or isinstance(name, bool):
                raise InputError(
                    f"sideloaded {key} entry {item['id']!r} has a name that is a JSON "
                    f"{type(name).__name__}",
                    file=path,
                    field=f"{key}.name",
                    value=name,
                    expected="text",
                )
            ident = item["id"]
            if isinstance(ident, dict | list):
                raise InputError(
                    f"sideloaded {key} entry has an id that is a JSON {type(ident).__name__}",
                    file=path,
                    field=f"{key}.id",
                    value=ident,
                    expected="a number or text",
                )
            names[str(ident)] = str(name)
    return names


def absent_note(absent: list[str], fields: Mapping[str, str]) -> str | None:
    """One note naming the mapped fields a CSV export had no column for."""
    missing = [f"{field} ({column})" for field, column in fields.items() if column in absent]
    return "columns not in the file, fields left empty: " + ", ".join(missing) if missing else None
