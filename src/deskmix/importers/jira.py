"""Jira Service Management: the issue search JSON (with changelogs) or the CSV export.

``deskmix import jira FILE`` reads either format (JSON by content or a .json/.jsonl name, CSV
otherwise). A JSON export made with ``expand=changelog`` also yields events: one when the issue
was created (with the state before its first change) and one per history that changed its
status, assignee or group. Those events give reassignments (changes of group), reopens (leaving
a done status) and the resolver (the assignee when the issue last became done). Without a
changelog the resolver of a resolved issue is its assignee: Jira keeps whoever resolved it
assigned unless someone reassigns a finished issue, which is rare.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

from deskmix.domain.ticket import EVENT_FIELDS, TICKET_FIELDS
from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.eventlog import (
    EVENT_LABELS,
    canonical_events,
    event_tiers,
    sequence,
    summarise,
)
from deskmix.importers.jira_flat import (
    JiraExport,
    normalise_csv_dates,
    read_csv_issues,
    read_json_issues,
)
from deskmix.importers.jsondocs import (
    keep_latest,
    naming_records,
    refuse_repeats,
)
from deskmix.importers.jsonfiles import read_json
from deskmix.importers.mapping import SourceMapping, load_mapping
from deskmix.importers.parsing import parse_datetime
from deskmix.importers.readers import ROW
from deskmix.importers.tabular import record_tickets, resolver_defaults_to_assignee
from deskmix.importers.textfiles import file_hash

SOURCE = "jira"
# Status names that mean the work is finished. Leaving one of them is a reopen; the assignee
# when an issue last entered one is its resolver. Compared case-insensitively.
DONE_STATUSES = frozenset(
    {"resolved", "done", "closed", "completed", "cancelled", "canceled", "won't do", "declined"}
)
_UNSET = "\x00unset"  # a change to nothing (unassigned), told apart from "no change"
_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


def _is_json(path: Path) -> bool:
    suffixes = {s.lower() for s in path.suffixes}
    if ".csv" in suffixes:
        return False
    if suffixes & _JSON_SUFFIXES:
        return True
    try:
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        with opener(path, "rb") as handle:
            head: bytes = handle.read(4096)
    except OSError:
        return False  # the CSV reader reports a missing or unreadable file properly
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _event_table(
    changes: pd.DataFrame, issues: pd.DataFrame, tickets: pd.DataFrame, path: Path
) -> pd.DataFrame:
    """Created events plus one per relevant history, each carrying the state after it."""
    logged = issues["_changelog"].to_numpy(bool)
    keys = pd.Index(issues.loc[logged, "key"].astype("string"))
    if not len(keys):
        return pd.DataFrame()
    by_id = tickets.set_index("id")
    current = {
        "status": issues.set_index("key")["status"],
        "assignee": by_id["assignee"],
        "group": by_id["group"],
    }
    changes = changes[changes[ROW].isin(issues.loc[logged, ROW])].copy()
    missing = changes["created"].isna()
    if missing.any():
        raise InputError(
            "changelog history has no 'created' time",
            file=path,
            row=int(changes.loc[missing, ROW].iloc[0]),
            field="changelog.histories.created",
            expected="the time of the change, such as 2024-01-12T09:15:00.000+0000",
        )
    changes["at"] = parse_datetime(
        changes["created"],
        changes[ROW],
        field="changelog.histories.created",
        file=path,
        fmt="ISO8601",
    )
    order = pd.Series(range(len(keys)), index=keys)
    changes["_order"] = changes["ticket_id"].map(order)
    changes = changes.sort_values(["_order", "at", "hpos"], kind="stable")
    created = pd.DataFrame(
        {"ticket_id": keys, "at": by_id.loc[keys, "opened_at"].to_numpy()}, index=keys
    )
    for kind in ("status", "assignee", "group"):
        changed = changes[f"{kind}_changed"].to_numpy(bool)
        first = changes[changed].drop_duplicates("ticket_id").set_index("ticket_id")
        initial = current[kind].reindex(keys).astype("string")
        initial.loc[first.index] = first[f"{kind}_from"]
        marked = changes[f"{kind}_to"].fillna(_UNSET).where(changed)
        held = marked.groupby(changes["ticket_id"], sort=False).ffill()
        held = held.fillna(changes["ticket_id"].map(initial))
        changes[kind] = held.mask(held == _UNSET).astype("string")
        created[kind] = initial
    columns = ["ticket_id", "at", "status", "assignee", "group"]
    events = pd.concat([created[columns], changes[columns]], ignore_index=True)
    events["at"] = events["at"].astype("datetime64[ns, UTC]")
    events["level"] = pd.Series(pd.NA, index=events.index, dtype="string")
    return sequence(events)


def _rule_labels(by: str, tickets: pd.DataFrame, issues: pd.DataFrame) -> pd.Series:
    if by in tickets.columns:
        return tickets[by].astype("string")
    return issues[by].astype("string").set_axis(tickets.index)


def _with_events(
    tickets: pd.DataFrame,
    issues: pd.DataFrame,
    events: pd.DataFrame,
    mapping: SourceMapping,
    unmapped: dict[str, dict[str, int]],
) -> pd.DataFrame:
    """Overlay what the events say on the tickets: tier, reassignments, reopens, resolver."""
    events["tier"], event_unmapped = event_tiers(mapping.tier, events)
    done = events["status"].str.lower().isin(DONE_STATUSES).fillna(False)
    summary = summarise(events, done).reindex(tickets["id"]).set_axis(tickets.index)
    out = tickets.copy()
    known = summary["tier"].notna()
    out.loc[known, "tier"] = summary.loc[known, "tier"]
    for name in ("reassignments", "reopens"):
        out[name] = out[name].fillna(summary[name])
    rule = mapping.tier
    if rule is not None and rule.by in EVENT_LABELS:
        without = ~out["id"].isin(events["ticket_id"])
        _, counts = rule.apply(_rule_labels(rule.by, tickets, issues)[without])
        for label, count in event_unmapped.items():
            counts[label] = counts.get(label, 0) + count
        unmapped["tier"] = counts
    resolved = out["resolved_at"].notna()
    out["resolver"] = out["resolver"].fillna(summary["resolver"].where(resolved))
    return out


def import_jira(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    """Read a Jira export (JSON pages or CSV) into tickets and, from changelogs, events."""
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    notes: list[str] = []
    export: JiraExport
    if _is_json(path):
        export = read_json_issues(
            read_json(path, encoding=encoding), path, mapping.columns.get("group")
        )
        if mapping.dates.format is None:
            dates = mapping.dates.model_copy(update={"format": "ISO8601"})
            mapping = mapping.model_copy(update={"dates": dates})
    else:
        export = read_csv_issues(path, encoding, delimiter)
        notes.append("a CSV export has no history: no events, reassignments or reopens")
    rules = (mapping.domain, mapping.tier)
    read = {*mapping.columns.values(), *(r.by for r in rules if r is not None)}
    export.refuse_shapeless(read, path)
    rows_read = len(export.issues)
    keys = export.issues["key"].fillna("(no key)")
    labels = dict(zip(export.issues[ROW].tolist(), keys.tolist(), strict=True))
    events = pd.DataFrame()
    with naming_records(labels, "issue", fields=export.fields):
        if export.changes is None and mapping.dates.format is None:
            normalise_csv_dates(export.issues, export.fields, path)
        refuse_repeats(export.issues, key="key", path=path, noun="issue")
        issues, repeated = keep_latest(export.issues, key="key", updated="updated")
        if repeated:
            notes.append(f"{repeated} repeated issues (overlapping pages) kept once, newest copy")
        tickets, unmapped = record_tickets(
            issues,
            mapping,
            source=SOURCE,
            path=path,
            no_opening="no creation time",
            opening_expected="the time the issue was created, such as 2024-01-12T09:15:00.000+0000",
        )
        if export.changes is not None:
            events = _event_table(export.changes, issues, tickets, path)
    if len(events):
        tickets = _with_events(tickets, issues, events, mapping, unmapped)
    resolver_defaults_to_assignee(tickets)
    if export.changes is not None:
        lacking = int((~issues["_changelog"].astype(bool)).sum())
        if lacking:
            notes.append(
                f"{lacking} issues carry no changelog (search with expand=changelog for events)"
            )
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=rows_read,
        tickets_frame=tickets[list(TICKET_FIELDS)],
        events_frame=(
            canonical_events(events) if len(events) else pd.DataFrame(columns=list(EVENT_FIELDS))
        ),
        unmapped={k: v for k, v in unmapped.items() if v},
        notes=notes,
    )
