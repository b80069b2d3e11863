"""ServiceNow incident event logs (``deskmix import servicenow-events FILE``), one row per update.

Each row is a snapshot of an incident after one update (the shape of the UCI "Incident
management process enriched event log" and of a ``sys_history``/audit-style list export):
``sys_updated_at`` says when, ``incident_state`` what the state became, ``assignment_group``
and ``assigned_to`` who held it. Every row becomes an event; every incident one ticket, whose
fields (opened/resolved/closed times, counts, priority, category, title) come from its last
snapshot in time order, because ServiceNow carries them forward on every update.

Tier. The shipped rule is ``by: reassigned``: a ticket passed on to another group needed a
specialist. For events, the group that first held the incident is its first line (generalist)
and any other group that later holds it is specialist; this reads anonymous logs ("Group 56")
without knowing what the groups are. A rule on ``group``, ``assignee``, ``status`` or
``level`` (a mapped L1/L2/L3 column) is applied to each event instead, and a ticket is then
specialist work iff any of its events was.

Speed: the log is read with only the columns in use, per-ticket fields are parsed once per
ticket (on its last row), and dates take the mapping's explicit ``format`` when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deskmix.domain.ticket import TICKET_FIELDS, Tier
from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.eventlog import EVENT_LABELS, event_tiers, summarise
from deskmix.importers.mapping import LabelRule, SourceMapping, load_mapping
from deskmix.importers.parsing import DEFAULT_MISSING, check_order, clean_missing, parse_datetime
from deskmix.importers.readers import ROW
from deskmix.importers.servicenow_read import (
    read_export,
    resolve_mapping,
    unescape_excel,
    utc_dates,
    wanted_keys,
)
from deskmix.importers.tabular import DATE_FIELDS, REASSIGNED, apply_tier, build_tickets
from deskmix.importers.textfiles import file_hash

SOURCE = "servicenow-events"
EVENT_ONLY = ("at", "status", "level")  # mapping columns that describe an event, not a ticket
EVENT_COLUMNS = ("id", "at", "status", "group", "assignee", "level")
EVENT_TEXT = ("status", "group", "assignee", "level")
# States after which the work is done; leaving one of them again is a reopen (used only when
# the log has no reopen count of its own).
DONE_STATES = r"(?i)^\s*(?:resolved|closed|cancel+ed|complete|completed)\b"


@dataclass(frozen=True)
class _Column:
    """A column as codes into its distinct cleaned values (code -1: missing).

    Event logs repeat a few labels and times over many rows; cleaning and parsing each
    distinct value once is most of the speed of this importer. ``first`` is the row position
    where each value first occurs, the row an error about it names.
    """

    codes: np.ndarray
    values: pd.Series
    first: np.ndarray

    def taken(self, positions: np.ndarray) -> pd.Series:
        return pd.Series(self.values.array.take(self.codes[positions], allow_fill=True))


def _distinct(series: pd.Series, tokens: tuple[str, ...]) -> _Column:
    codes, uniques = pd.factorize(series)
    cleaned = clean_missing(pd.DataFrame({"v": pd.Series(uniques, dtype="string")}), tokens)
    # Stripping can merge two spellings ("A", "A ") and blank others: number them again.
    inner, values = pd.factorize(cleaned["v"])
    mapped = np.append(inner, -1)[codes]
    # Values are numbered in order of appearance: a value's first row is where its number
    # first exceeds every number before it.
    seen = np.maximum.accumulate(np.append(-1, mapped[:-1]))
    first = np.flatnonzero(mapped > seen)
    return _Column(mapped, pd.Series(values, dtype="string"), first)


@dataclass(frozen=True)
class _Log:
    """The events in time order per incident, with integer bookkeeping for fast per-ticket work.

    ``ticket`` numbers each event's incident 0..k-1 in order of first appearance (so it never
    decreases down the log); ``order`` is each event's position in the file; ``starts`` and
    ``ends`` are each incident's first and last event; ``labels`` hold the event columns
    (status, group, ...) as numbered distinct values; ``times`` maps every distinct time text
    of the log to its parsed value, so the incidents' own dates are mostly looked up rather
    than parsed again.
    """

    events: pd.DataFrame
    ticket: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    labels: dict[str, _Column]
    times: pd.Series

    def codes(self, name: str) -> np.ndarray:
        """Each event's number for its value of ``name`` (-1: none), in log order."""
        column = self.labels.get(name)
        if column is None:
            return np.full(len(self.order), -1, dtype=np.int64)
        codes: np.ndarray = column.codes[self.order]
        return codes

    def last_known(self, name: str) -> pd.Series:
        """Per incident, the last value of ``name`` the log names (the last holder)."""
        codes = self.codes(name)
        known = np.flatnonzero(codes >= 0)
        last = np.full(len(self.starts), -1, dtype=np.int64)
        if len(known):
            latest = pd.Series(known).groupby(self.ticket[known], sort=True).max()
            last[latest.index.to_numpy()] = codes[latest.to_numpy()]
        column = self.labels.get(name)
        if column is None:
            return pd.Series(pd.array([pd.NA] * len(last), dtype="string"))
        return pd.Series(column.values.array.take(last, allow_fill=True))


def _tokens(mapping: SourceMapping) -> tuple[str, ...]:
    return tuple(mapping.missing) if mapping.missing is not None else DEFAULT_MISSING


def _require(column: _Column, rows: pd.Series, *, name: str, what: str, path: Path) -> None:
    empty = np.flatnonzero(column.codes < 0)
    if len(empty):
        more = len(empty) - 1
        raise InputError(
            f"{what} is empty" + (f" ({more} more rows like it)" if more else ""),
            file=path,
            row=int(rows.iloc[empty[0]]),
            field=name,
            expected=f"the {what} on every row",
        )


def _parse(
    values: pd.Series, rows: pd.Series, *, field: str, mapping: SourceMapping, path: Path
) -> pd.Series:
    return parse_datetime(
        values,
        rows,
        field=field,
        file=path,
        dayfirst=mapping.dates.dayfirst,
        fmt=mapping.dates.format,
        timezone=mapping.dates.timezone,
    )


def _parse_times(
    column: _Column, rows: pd.Series, *, field: str, mapping: SourceMapping, path: Path
) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct text once; returns the times and the text-to-time lookup.

    When a text fails, the full column is parsed again so the error names the first bad row
    and counts the bad rows exactly.
    """
    first_rows = pd.Series(rows.to_numpy()[column.first])
    try:
        parsed = _parse(column.values, first_rows, field=field, mapping=mapping, path=path)
    except InputError:
        every = column.taken(np.arange(len(column.codes)))
        every.index = rows.index
        _parse(every, rows, field=field, mapping=mapping, path=path)
        raise
    times = pd.Series(parsed.array.take(column.codes))
    return times, pd.Series(parsed.array, index=pd.Index(column.values))


def _read_log(raw: pd.DataFrame, mapping: SourceMapping, path: Path) -> _Log:
    used = {f: mapping.columns[f] for f in EVENT_COLUMNS if f in mapping.columns}
    tokens = _tokens(mapping)
    rows = raw[ROW]
    ids = _distinct(raw[used["id"]], tokens)
    _require(ids, rows, name=used["id"], what="incident number", path=path)
    stamps = _distinct(raw[used["at"]], tokens)
    _require(stamps, rows, name=used["at"], what="event time", path=path)
    at, times = _parse_times(stamps, rows, field=used["at"], mapping=mapping, path=path)
    order = np.lexsort((at.array.asi8, ids.codes))  # stable: equal times keep file order
    ticket = ids.codes[order]
    count = len(ticket)
    starts = np.flatnonzero(np.diff(ticket, prepend=-1))
    ends = np.append(starts[1:], count) - 1
    seq = np.arange(count) - np.repeat(starts, ends - starts + 1)
    events = pd.DataFrame(
        {"ticket_id": ids.taken(order), "seq": seq.astype("int64"), "at": at.array.take(order)}
    )
    labels: dict[str, _Column] = {}
    for name in EVENT_TEXT:
        if name in used:
            labels[name] = _distinct(raw[used[name]], tokens)
            events[name] = labels[name].taken(order)
        else:
            events[name] = pd.array([pd.NA] * count, dtype="string")
    return _Log(events, ticket, order, starts, ends, labels, times)


def _first_line_tiers(log: _Log) -> pd.Series:
    """The group that first held an incident is generalist; any other group, specialist."""
    codes = log.codes("group")
    group = pd.Series(codes, dtype="Int64").mask(codes < 0)
    first = (
        group.groupby(log.ticket, sort=False)
        .transform("first")
        .to_numpy(dtype=np.int64, na_value=-1)
    )
    known = codes >= 0
    tier = np.where(codes == first, Tier.GENERALIST.value, Tier.SPECIALIST.value).astype(object)
    tier[~known] = None
    return pd.Series(pd.array(tier, dtype="string"))


def _event_tiers(rule: LabelRule | None, log: _Log) -> tuple[pd.Series, dict[str, int]]:
    if rule is not None and rule.by == REASSIGNED:
        return _first_line_tiers(log), {}
    return event_tiers(rule, log.events)


def _is_done(status: pd.Series) -> pd.Series:
    """Whether each event's state ends the work; a log has a handful of distinct states."""
    codes, states = pd.factorize(status)
    done = pd.Series(states, dtype="string").str.contains(DONE_STATES, regex=True)
    flags = np.append(done.fillna(False).to_numpy(dtype=bool), False)  # code -1: no state
    return pd.Series(flags[codes], index=status.index)


def _ticket_times(
    snapshot: pd.DataFrame,
    columns: dict[str, str],
    log: _Log,
    mapping: SourceMapping,
    path: Path,
) -> dict[str, pd.Series]:
    """Opened/resolved/closed of each incident, from its last row (looked up where the log
    already parsed the same text as an event time)."""
    out: dict[str, pd.Series] = {}
    rows = snapshot[ROW]
    for field_name in DATE_FIELDS:
        column = columns.get(field_name)
        if column is None:
            out[field_name] = pd.Series(pd.NaT, index=snapshot.index, dtype="datetime64[ns, UTC]")
            continue
        text = clean_missing(snapshot[[column]], _tokens(mapping))[column]
        position = log.times.index.get_indexer(pd.Index(text))
        found = pd.Series(log.times.array.take(position, allow_fill=True), index=text.index)
        todo = text.notna() & found.isna()
        if todo.any():
            found[todo] = _parse(text[todo], rows[todo], field=column, mapping=mapping, path=path)
        out[field_name] = found
    return out


def _per_ticket(series: pd.Series, log: _Log, how: str) -> np.ndarray:
    values: np.ndarray = series.groupby(log.ticket, sort=True).agg(how).to_numpy()
    return values


def _notes(log: _Log, tickets: pd.DataFrame) -> list[str]:
    """What in the log is odd but kept: a reader of the import deserves to know."""
    notes: list[str] = []
    opened = tickets["opened_at"].dt.tz_localize(None).to_numpy()[log.ticket]  # UTC, naive
    early = log.events["at"].dt.tz_localize(None).to_numpy() < opened  # NaT compares False
    if early.any():
        notes.append(
            f"events timed before their incident's opened_at: {int(early.sum())} in "
            f"{np.unique(log.ticket[early]).size} incident(s) (ServiceNow lets opened_at be set "
            "by hand); kept as recorded, opened_at taken from the source"
        )
    status = log.labels.get("status")
    if status is None:
        return notes
    codes = log.codes("status")
    counts = pd.Series(
        np.bincount(codes[codes >= 0], minlength=len(status.values)), index=status.values.array
    )
    numeric = counts[
        status.values.str.fullmatch(r"-?\d+").to_numpy(dtype=bool) & (counts > 0).to_numpy()
    ]
    if len(numeric):
        shown = ", ".join(f"'{k}' ({v})" for k, v in numeric.items())
        notes.append(
            f"events whose state is a bare number, a raw choice value rather than a label: "
            f"{shown}; kept as is"
        )
    return notes


def import_servicenow_events(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    export = read_export(path, encoding=encoding, wanted=wanted_keys(mapping), delimiter=delimiter)
    raw = export.frame
    resolved, absent = resolve_mapping(
        raw, mapping, source=SOURCE, path=path, required=("id", "at")
    )
    resolved = utc_dates(resolved, export)
    log = _read_log(raw, resolved, path)
    events = log.events
    events["tier"], tier_unmapped = _event_tiers(resolved.tier, log)

    # One row per incident, its last in time order: ServiceNow carries the fields forward.
    snapshot = raw.iloc[log.order[log.ends]].reset_index(drop=True)
    columns = {f: c for f, c in resolved.columns.items() if f not in EVENT_ONLY}
    unescape_excel(snapshot, [columns[f] for f in ("title", "description") if f in columns])
    labels = {f: c for f, c in columns.items() if f not in DATE_FIELDS}
    per_ticket = resolved.model_copy(update={"columns": labels, "tier": None})
    tickets, unmapped = build_tickets(snapshot, per_ticket, source=SOURCE, path=path)
    unmapped.pop("tier", None)
    for name, values in _ticket_times(snapshot, columns, log, resolved, path).items():
        tickets[name] = values
    tickets["opened_at"] = tickets["opened_at"].fillna(
        pd.Series(events["at"].array.take(log.starts), index=tickets.index)
    )
    for name in ("group", "assignee"):  # the last holder the log names
        tickets[name] = log.last_known(name)
    _fill_counts(tickets, log)
    for later in ("resolved_at", "closed_at"):
        check_order(
            tickets["opened_at"],
            tickets[later],
            snapshot[ROW],
            earlier_field="opened_at",
            later_field=later,
            file=path,
            column=columns.get(later),
        )
    rule = resolved.tier
    if rule is not None and (rule.by == REASSIGNED or rule.by not in EVENT_LABELS):
        tickets["tier"], ticket_unmapped = apply_tier(rule, tickets, snapshot)
        tier_unmapped = ticket_unmapped or tier_unmapped
    else:
        tickets["tier"] = _ticket_tiers(events["tier"], log)
    if tier_unmapped:
        unmapped["tier"] = tier_unmapped

    notes = _notes(log, tickets) + export.notes()
    if absent:
        notes.append(
            "columns not in the file, fields left empty: "
            + ", ".join(f"{f} ({mapping.columns[f]})" for f in absent)
        )
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=len(raw),
        tickets_frame=tickets[list(TICKET_FIELDS)],
        events_frame=events,
        unmapped={k: v for k, v in unmapped.items() if v},
        notes=notes,
    )


def _ticket_tiers(tier: pd.Series, log: _Log) -> pd.Series:
    """Specialist if any event was, generalist when the events' tiers are known."""
    specialist = _per_ticket(tier == Tier.SPECIALIST.value, log, "any")
    known = _per_ticket(tier.notna(), log, "any")
    out = np.where(specialist, Tier.SPECIALIST.value, Tier.GENERALIST.value).astype(object)
    out[~known] = None
    return pd.Series(pd.array(out, dtype="string"))


def _fill_counts(tickets: pd.DataFrame, log: _Log) -> None:
    """The source's reassignment and reopen counts; derived from the events where it has none
    (changes of group, and leaving a resolved/closed state, per the shared event-log rules)."""
    if not (tickets["reassignments"].isna().any() or tickets["reopens"].isna().any()):
        return
    summary = summarise(log.events, _is_done(log.events["status"]))
    for name in ("reassignments", "reopens"):
        derived = pd.Series(summary[name].to_numpy(), index=tickets.index, dtype="Int64")
        tickets[name] = tickets[name].fillna(derived).astype("Int64")
