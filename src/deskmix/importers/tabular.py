"""From a table of source columns to canonical tickets: the path every importer ends on.

A source contributes only its column names and label conventions (a ``SourceMapping``); parsing,
validation and domain/tier mapping happen here once, so every source is checked the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from deskmix.domain.priority import PriorityMatrix
from deskmix.domain.ticket import TICKET_FIELDS, Tier
from deskmix.errors import ConfigError, InputError
from deskmix.importers.jsondocs import require_values
from deskmix.importers.limits import check_text, ticket_length
from deskmix.importers.mapping import LabelRule, SourceMapping
from deskmix.importers.parsing import (
    DEFAULT_MISSING,
    check_order,
    clean_missing,
    derive_priority,
    parse_datetime,
    parse_hours,
    parse_int,
    parse_level,
    parse_priority,
)
from deskmix.importers.readers import ROW, require_columns

TEXT_FIELDS = ("title", "description", "group", "assignee", "resolver", "channel", "category")
DATE_FIELDS = ("opened_at", "resolved_at", "closed_at")
COUNT_FIELDS = ("reassignments", "reopens")
REASSIGNED = "reassigned"  # tier rule: a ticket passed on to another group needed a specialist


def content_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Stable ids for sources without one: a hash of the row plus its occurrence number.

    Re-importing the same rows gives the same keys (so nothing is added twice) while two
    identical rows in one file stay two tickets.
    """
    cells = [frame[c].astype(object).where(frame[c].notna(), "\x1f").tolist() for c in columns]
    digests = [
        hashlib.sha1("\x1e".join(map(str, row)).encode("utf-8")).hexdigest()[:16]
        for row in zip(*cells, strict=True)
    ]
    keys = pd.Series(digests, index=frame.index, dtype="string")
    occurrence = keys.groupby(keys).cumcount()
    return keys.where(occurrence == 0, keys + "-" + occurrence.astype("string"))


def _resolve_rule_input(
    rule: LabelRule, tickets: pd.DataFrame, raw: pd.DataFrame, kind: str
) -> pd.Series:
    if rule.by in tickets.columns:
        return tickets[rule.by]
    if rule.by in raw.columns:
        return raw[rule.by].astype("string")
    raise ConfigError(
        f"{kind} mapping reads '{rule.by}', which is neither a ticket field nor a column "
        f"of the file; columns are: {', '.join(c for c in raw.columns if c != ROW)}"
    )


def apply_tier(
    rule: LabelRule | None, tickets: pd.DataFrame, raw: pd.DataFrame
) -> tuple[pd.Series, dict[str, int]]:
    if rule is None:
        return pd.Series(pd.NA, index=tickets.index, dtype="string"), {}
    if rule.by == REASSIGNED:
        count = tickets["reassignments"]
        tier = pd.Series(pd.NA, index=tickets.index, dtype="string")
        tier[count.notna() & (count > 0)] = Tier.SPECIALIST.value
        tier[count.notna() & (count == 0)] = Tier.GENERALIST.value
        missing = int(count.isna().sum())
        return tier, ({"(no reassignment count)": missing} if missing else {})
    return rule.apply(_resolve_rule_input(rule, tickets, raw, "tier"))


def build_tickets(
    raw: pd.DataFrame,
    mapping: SourceMapping,
    *,
    source: str,
    path: Path,
    required: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Parse and validate mapped columns; returns canonical tickets and unmapped label counts."""
    columns = {f: c for f, c in mapping.columns.items() if f in TICKET_FIELDS}
    unknown = sorted(set(mapping.columns) - set(TICKET_FIELDS))
    if unknown:
        mappable = [f for f in TICKET_FIELDS if f not in ("source_system", "domain", "tier")]
        raise ConfigError(
            f"{mapping.origin}: 'columns' names unknown ticket fields {unknown}; "
            f"expected any of: {', '.join(mappable)}"
        )
    for field_name in required:
        if field_name not in columns:
            raise ConfigError(f"mapping for {source} must say which column holds '{field_name}'")
    require_columns(raw, columns, path)
    tokens = tuple(mapping.missing) if mapping.missing is not None else DEFAULT_MISSING
    used = [*dict.fromkeys(columns.values())]
    cleaned = clean_missing(raw[used], tokens)
    rows = raw[ROW]
    out = pd.DataFrame(index=raw.index)
    out["source_system"] = mapping.source_system or source

    def column(field_name: str) -> pd.Series | None:
        name = columns.get(field_name)
        return cleaned[name] if name is not None else None

    for field_name, name in columns.items():
        if field_name in (*TEXT_FIELDS, "id"):  # the others are parsed into typed values
            check_text(
                cleaned[name],
                limit=ticket_length(field_name),
                field=name,
                file=path,
                rows=rows,
            )
    ids = column("id")
    if ids is None:
        out["id"] = content_keys(raw.drop(columns=[ROW]), [c for c in raw.columns if c != ROW])
    else:
        empty = ids.isna()
        if empty.any():
            first = ids[empty].index[0]
            raise InputError(
                "ticket id is empty",
                file=path,
                row=int(rows.loc[first]),
                field=columns["id"],
                expected="a ticket number on every row",
            )
        duplicated = ids.duplicated(keep=False)
        if duplicated.any():
            dupes = ids[duplicated]
            first_value = dupes.iloc[0]
            where = rows[ids == first_value].tolist()
            raise InputError(
                f"ticket id appears more than once (rows {', '.join(map(str, where[:5]))})",
                file=path,
                row=int(where[1]),
                field=columns["id"],
                value=first_value,
                expected="one row per ticket (use an event-log importer for one row per update)",
            )
        out["id"] = ids.astype("string")

    for field_name in TEXT_FIELDS:
        values = column(field_name)
        out[field_name] = values.astype("string") if values is not None else pd.NA
    for field_name in DATE_FIELDS:
        values = column(field_name)
        out[field_name] = (
            parse_datetime(
                values,
                rows,
                field=columns[field_name],
                file=path,
                dayfirst=mapping.dates.dayfirst,
                fmt=mapping.dates.format,
                timezone=mapping.dates.timezone,
            )
            if values is not None
            else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
        )
    for field_name in ("impact", "urgency"):
        values = column(field_name)
        out[field_name] = (
            parse_level(
                values, rows, field=columns[field_name], file=path, overrides=mapping.levels
            )
            if values is not None
            else pd.Series(pd.NA, index=raw.index, dtype="Int64")
        )
    for field_name in COUNT_FIELDS:
        values = column(field_name)
        out[field_name] = (
            parse_int(values, rows, field=columns[field_name], file=path)
            if values is not None
            else pd.Series(pd.NA, index=raw.index, dtype="Int64")
        )
    hours = column("worked_hours")
    out["worked_hours"] = (
        parse_hours(hours, rows, field=columns["worked_hours"], file=path)
        if hours is not None
        else pd.Series(pd.NA, index=raw.index, dtype="Float64")
    )
    priority = column("priority")
    matrix = (
        PriorityMatrix.from_rows(mapping.priority_matrix)
        if mapping.priority_matrix
        else PriorityMatrix()
    )
    derived = derive_priority(out["impact"], out["urgency"], matrix)
    if priority is not None:
        parsed = parse_priority(
            priority, rows, field=columns["priority"], file=path, overrides=mapping.priority
        )
        out["priority"] = parsed.fillna(derived)
    else:
        out["priority"] = derived
    for later in ("resolved_at", "closed_at"):
        check_order(
            out["opened_at"],
            out[later],
            rows,
            earlier_field="opened_at",
            later_field=later,
            file=path,
            column=columns.get(later),
        )
    unmapped: dict[str, dict[str, int]] = {}
    if mapping.domain is not None:
        out["domain"], unmapped["domain"] = mapping.domain.apply(
            _resolve_rule_input(mapping.domain, out, raw, "domain")
        )
    else:
        out["domain"] = pd.NA
    out["tier"], unmapped["tier"] = apply_tier(mapping.tier, out, raw)
    return out[list(TICKET_FIELDS)], {k: v for k, v in unmapped.items() if v}


def record_tickets(
    frame: pd.DataFrame,
    mapping: SourceMapping,
    *,
    source: str,
    path: Path,
    no_opening: str,
    opening_expected: str,
) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Tickets from a record-per-ticket export (Jira, Zendesk, Freshservice, GLPI: JSON or a
    UI's CSV), inside the caller's ``naming_records``: a record without its opening time is
    refused in one line naming it (``no_opening``, ``opening_expected``), then every field is
    validated as for any table, with id and opening time required."""
    require_values(
        frame,
        mapping.columns.get("opened_at"),
        path=path,
        message=no_opening,
        expected=opening_expected,
    )
    return build_tickets(frame, mapping, source=source, path=path, required=("id", "opened_at"))


def resolver_defaults_to_assignee(tickets: pd.DataFrame) -> None:
    """Where an export names no resolver, a resolved ticket's assignee resolved it: these tools
    keep the assignee at resolution and record no separate resolver. In place."""
    resolved = tickets["resolved_at"].notna()
    tickets["resolver"] = tickets["resolver"].fillna(tickets["assignee"].where(resolved))
