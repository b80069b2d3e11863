"""Calibration end to end: stored tickets and events in, a ``Workload`` and its evidence out.

Nothing is dropped silently. Tickets lacking a domain, tier or priority are kept under stated
defaults; anything a source cannot give (timestamps, tiers, reopen counts, ...) leaves that part
of the workload empty and adds a sentence with counts to ``workload.missing``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from deskmix.calibrate import steady
from deskmix.calibrate.arrival_steps import fit_arrivals, mixes
from deskmix.calibrate.delays import DELAY_RULE, fit_delays, ticket_delays
from deskmix.calibrate.effort import capacity_text
from deskmix.calibrate.escalation import ESCALATION_RULE, FCR_RULE, domain_stats, ticket_facts
from deskmix.calibrate.handling_steps import Progress, WorkHours, fit_handling
from deskmix.calibrate.loading import load_frames, stored_sources
from deskmix.calibrate.notes import SHARE_DECIMALS, Notes, counted
from deskmix.calibrate.result import CalibrationResult
from deskmix.calibrate.statuses import StatusBook, load_statuses
from deskmix.calibrate.workhours import parse_work_hours
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import InputError, StoreError
from deskmix.store.db import Store
from deskmix.store.selection import Selection

UNMAPPED_DOMAIN = "unmapped"
DEFAULT_TIER = Tier.GENERALIST
DEFAULT_PRIORITY = Priority.P3


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            "unknown time zone",
            field="timezone",
            value=timezone,
            expected="an IANA zone name such as UTC or Europe/Brussels",
        ) from exc


def _defaults(tickets: pd.DataFrame, log: Notes) -> pd.DataFrame:
    """Fill unknown domain/tier/priority with the stated defaults; say how many."""
    n = len(tickets)
    out = tickets.copy()
    domain = out["domain"].astype("string")
    tiers = {t.value for t in Tier}
    tier = out["tier"].astype("string").where(lambda s: s.isin(tiers))
    priorities = {p.value for p in Priority}
    priority = out["priority"].astype("string").where(lambda s: s.isin(priorities))
    if k := int(domain.isna().sum()):
        log.missing.append(
            f"domain: {counted(k, n)} have no skill domain (no mapping rule matched their "
            f"label); kept under domain '{UNMAPPED_DOMAIN}'"
        )
    if k := int(tier.isna().sum()):
        log.missing.append(
            f"tier: {counted(k, n)} have no tier; counted as '{DEFAULT_TIER.value}' for arrivals "
            "and handling (work nobody marked as needing depth starts at the first line); "
            "escalation uses only known tiers"
        )
    if k := int(priority.isna().sum()):
        log.missing.append(
            f"priority: {counted(k, n)} have no priority; counted as {DEFAULT_PRIORITY.value} "
            "(ITIL medium impact x medium urgency)"
        )
    out["domain"] = domain.fillna(UNMAPPED_DOMAIN)
    out["tier_raw"] = tier
    out["tier_filled"] = tier.fillna(DEFAULT_TIER.value)
    out["priority_filled"] = priority.fillna(DEFAULT_PRIORITY.value)
    return out


def _window(
    tickets: pd.DataFrame, events: pd.DataFrame, window: steady.Window, log: Notes
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Only the tickets opened inside ``window`` (and their events) are calibrated."""
    before, after = window.sides(tickets["opened_at"])
    undated = tickets["opened_at"].isna().to_numpy()
    keep = window.mask(tickets["opened_at"])
    n, kept = len(tickets), int(keep.sum())
    log.missing.append(
        f"window: {window.describe()} keeps {counted(kept, n)} opened inside it; "
        f"{int(before.sum()):,} opened before it, {int(after.sum()):,} after it and "
        f"{int(undated.sum()):,} without an opening time are left out of everything "
        "(arrivals, handling, escalation)"
    )
    if not kept:
        raise InputError(
            f"no ticket opened inside the calibration window ({n:,} tickets outside it)",
            field="from/to",
            value=window.describe(),
            expected="days that hold tickets",
        )
    inside = tickets[keep]
    ids = set(inside["id"])
    return inside, events[events["ticket_id"].isin(ids)]


def _escalation_notes(facts: pd.DataFrame, log: Notes) -> None:
    n = len(facts)
    if facts["started_generalist"].isna().all():
        log.missing.append(
            "escalation: neither events nor tickets carry a tier (or specialist tickets lack a "
            "reassignment count); escalation rates and tier paths unknown"
        )
    elif k := int(facts["started_generalist"].isna().sum()):
        log.missing.append(
            f"escalation: {counted(k, n)} have no known first holder tier; left out of "
            "escalation rates"
        )
    if facts["reassigned"].isna().all():
        log.missing.append(
            "reassignments: no reassignment count and no events with groups; reassignment and "
            "first-contact resolution rates unknown"
        )
    if facts["reopened"].isna().all():
        log.missing.append(
            "reopens: the source has no reopen count; reopen rate unknown, and first-contact "
            "resolution counts tickets as not reopened"
        )
    log.notes.append(f"escalation: {ESCALATION_RULE}")
    log.notes.append(f"first-contact resolution: {FCR_RULE}")


def calibrate_frames(
    tickets: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    name: str,
    source: str | None = None,
    timezone: str = "UTC",
    statuses: StatusBook | None = None,
    work_hours: str | None = None,
    progress: Progress | None = None,
    window: steady.Window | None = None,
    accept_unsteady: bool = False,
) -> CalibrationResult:
    """Fit a workload from ticket and event frames (the columns ``load_frames`` returns).

    ``work_hours`` (``"mon-fri 08-18"`` or ``"always"``) states the desk's hours for effort
    measured from events; ``None`` reads each agent's shift from their events.
    ``window`` keeps only the tickets opened in it (``steady.Window``); a period that is not a
    steady state raises ``UnsteadyPeriodError`` unless ``accept_unsteady`` (``steady.STEADY_RULE``).

    ``tickets`` needs ``id``, ``source_system``, ``opened_at``, ``resolved_at``, ``closed_at``,
    ``domain``, ``tier``, ``priority``, ``reassignments`` and ``reopens``; ``events`` needs
    ``ticket_id`` (matching ``id``), ``seq``, ``at``, ``status``, ``group``, ``tier``, ``level``
    and ``source_system``.
    """
    _check_timezone(timezone)
    if tickets.empty:
        raise InputError("no tickets to calibrate from", expected="at least one ticket")
    if events is None or events.empty:
        events = pd.DataFrame(columns=_EVENT_FRAME_COLUMNS)
    if "source_system" not in events.columns:
        by_id = tickets.set_index("id")["source_system"]
        events = events.assign(source_system=events["ticket_id"].map(by_id))
    book = statuses or load_statuses()
    log = Notes()
    if window is not None:
        tickets, events = _window(tickets, events, window, log)
    if progress is not None:
        progress("measuring arrivals", 0, None)
    frame = _defaults(tickets.reset_index(drop=True), log)
    domain_mix, tier_mix = mixes(frame)
    arrival = fit_arrivals(frame, timezone, log, accept_unsteady)
    calendar = parse_work_hours(work_hours) if work_hours is not None else None
    work = WorkHours(work_hours or "inferred", calendar, timezone)
    handling, durations, effort = fit_handling(frame, events, book, work, log, progress)
    if effort is not None:
        period = arrival.period
        bounds = (period.start, period.end) if period is not None else (None, None)
        log.notes.append(f"effort: {capacity_text(effort, *bounds)}")
    if progress is not None:
        progress("measuring escalation", 0, None)
    facts = ticket_facts(frame.assign(tier=frame["tier_raw"]), events)
    escalation = domain_stats(facts)
    _escalation_notes(facts, log)
    delays = fit_delays(frame, ticket_delays(frame, events, effort)) if effort else []
    if delays:
        log.notes.append(f"delays: {DELAY_RULE}")
    if "title" in frame and frame["title"].isna().all():
        log.missing.append("text: no ticket titles; calibration does not need them (triage does)")
    systems = sorted(str(s) for s in frame["source_system"].dropna().unique())
    period = arrival.period
    workload = Workload(
        name=name,
        source=source or f"calibrated from {', '.join(systems) or 'unknown source'}",
        fitted_at=datetime.now(UTC).replace(microsecond=0),
        period_start=period.start.floor("s").to_pydatetime() if period else None,
        period_end=period.end.floor("s").to_pydatetime() if period else None,
        weeks=round(period.weeks, SHARE_DECIMALS) if period else None,
        tickets=len(frame),
        domain_mix=domain_mix,
        tier_mix=tier_mix,
        arrivals=arrival.streams,
        timezone=timezone,
        hour_of_week=arrival.shapes,
        handling=handling,
        escalation=escalation,
        delays=delays,
        missing=log.missing,
        notes=log.notes,
    )
    return CalibrationResult(workload=workload, durations=durations, effort=effort)


_EVENT_FRAME_COLUMNS = [
    "ticket_id",
    "seq",
    "at",
    "status",
    "group",
    "assignee",
    "tier",
    "level",
    "source_system",
]


def calibrate_store(
    store: Store,
    name: str = "calibrated workload",
    source_system: str | None = None,
    *,
    import_id: int | None = None,
    timezone: str = "UTC",
    statuses_file: Path | None = None,
    work_hours: str | None = None,
    progress: Progress | None = None,
    window: steady.Window | None = None,
    accept_unsteady: bool = False,
) -> CalibrationResult:
    """Fit a workload from the stored tickets (optionally of one source and/or one import)."""
    selection = Selection(source_system=source_system, import_id=import_id)
    _check_timezone(timezone)
    book = load_statuses(statuses_file)
    if progress is not None:
        progress("reading the store", 0, None)
    tickets, events = load_frames(store, selection)
    if tickets.empty:
        present = stored_sources(store)
        listed = ", ".join(f"{name} ({count:,} tickets)" for name, count in present.items())
        hint = (
            f"the store holds: {listed}" if present else "import some first with 'deskmix import'"
        )
        raise StoreError(f"no tickets to calibrate from ({selection.describe()}); {hint}")
    source = f"calibrated from {selection.describe()}" if import_id is not None else None
    return calibrate_frames(
        tickets,
        events,
        name=name,
        source=source,
        timezone=timezone,
        statuses=book,
        work_hours=work_hours,
        progress=progress,
        window=window,
        accept_unsteady=accept_unsteady,
    )
