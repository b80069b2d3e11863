"""Calibration end to end: stored tickets and events in, a ``Workload`` and its evidence out.

Nothing is dropped silently. Tickets lacking a domain, tier or priority are kept under stated
defaults; anything a source cannot give (timestamps, tiers, reopen counts, ...) leaves that part
of the workload empty and adds a sentence with counts to ``workload.missing``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from deskmix.calibrate import arrivals as arr
from deskmix.calibrate import steady
from deskmix.calibrate.delays import DELAY_RULE, fit_delays, ticket_delays
from deskmix.calibrate.durations import OUTLIER_RULE, TouchTimes, resolution_hours, touch_times
from deskmix.calibrate.effort import EFFORT_RULE, EffortEstimate, capacity_text, estimate_effort
from deskmix.calibrate.escalation import ESCALATION_RULE, FCR_RULE, domain_stats, ticket_facts
from deskmix.calibrate.handling import MIN_OBSERVATIONS, POOLING_RULE, fit_cells
from deskmix.calibrate.loading import load_frames, stored_sources
from deskmix.calibrate.result import CalibrationResult
from deskmix.calibrate.statuses import StatusBook, load_statuses
from deskmix.calibrate.workhours import DEFAULT_WORK_HOURS, parse_work_hours
from deskmix.domain.calendar import WeekCalendar
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import HOURS_PER_WEEK, ArrivalStream, HandlingTime, Workload
from deskmix.errors import InputError, StoreError, UnsteadyPeriodError
from deskmix.store.db import Store
from deskmix.store.selection import Selection

UNMAPPED_DOMAIN = "unmapped"
DEFAULT_TIER = Tier.GENERALIST
DEFAULT_PRIORITY = Priority.P3
SHARE_DECIMALS = 4

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None) as calibration proceeds."""


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "0%"


def _count(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} tickets ({_pct(part, whole)})"


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


class _Notes:
    """Collects ``missing`` (what the data could not give) and ``notes`` (rules applied)."""

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.notes: list[str] = []


def _defaults(tickets: pd.DataFrame, log: _Notes) -> pd.DataFrame:
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
            f"domain: {_count(k, n)} have no skill domain (no mapping rule matched their "
            f"label); kept under domain '{UNMAPPED_DOMAIN}'"
        )
    if k := int(tier.isna().sum()):
        log.missing.append(
            f"tier: {_count(k, n)} have no tier; counted as '{DEFAULT_TIER.value}' for arrivals "
            "and handling (work nobody marked as needing depth starts at the first line); "
            "escalation uses only known tiers"
        )
    if k := int(priority.isna().sum()):
        log.missing.append(
            f"priority: {_count(k, n)} have no priority; counted as {DEFAULT_PRIORITY.value} "
            "(ITIL medium impact x medium urgency)"
        )
    out["domain"] = domain.fillna(UNMAPPED_DOMAIN)
    out["tier_raw"] = tier
    out["tier_filled"] = tier.fillna(DEFAULT_TIER.value)
    out["priority_filled"] = priority.fillna(DEFAULT_PRIORITY.value)
    return out


def _mixes(tickets: pd.DataFrame) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    n = len(tickets)
    counts = tickets["domain"].value_counts()
    domain_mix = {str(d): round(int(c) / n, SHARE_DECIMALS) for d, c in counts.items()}
    tier_mix: dict[str, dict[str, float]] = {}
    for domain in counts.index:
        tiers = tickets.loc[tickets["domain"] == domain, "tier_filled"].value_counts(normalize=True)
        tier_mix[str(domain)] = {str(t): round(float(s), SHARE_DECIMALS) for t, s in tiers.items()}
    return domain_mix, tier_mix


class _ArrivalFit:
    def __init__(self) -> None:
        self.period: arr.Period | None = None
        self.streams: list[ArrivalStream] = []
        self.shapes: dict[str, dict[str, list[float]]] = {}


SHORT_PERIOD_WEEKS = 4


def _arrivals(
    tickets: pd.DataFrame, timezone: str, log: _Notes, accept_unsteady: bool = False
) -> _ArrivalFit:
    fit = _ArrivalFit()
    n = len(tickets)
    opened = tickets["opened_at"]
    without = int(opened.isna().sum())
    if without == n:
        log.missing.append(
            "opened_at: no ticket has an opening time (the source has no timestamps); weekly "
            "volumes and hour-of-week shapes cannot be estimated, so 'arrivals' is empty: write "
            "them by hand (domain_mix and tier_mix give the split)"
        )
        return fit
    if without:
        log.missing.append(
            f"opened_at: {_count(without, n)} have no opening time; left out of weekly volumes "
            "and hour-of-week shapes"
        )
    period = arr.observed_period(opened)
    if period is None:
        log.missing.append(
            "period: the opening times span less than a day; weekly volumes and hour-of-week "
            "shapes cannot be estimated"
        )
        return fit
    _check_steady(opened, period, log, accept_unsteady)
    fit.period = period
    inside = tickets[period.inside.to_numpy()]
    outside = n - without - len(inside)
    log.notes.append(
        f"period: {period.start:%Y-%m-%d %H:%M} to {period.end:%Y-%m-%d %H:%M} UTC "
        f"({period.weeks:.2f} weeks, {len(inside):,} tickets); rule: {arr.PERIOD_RULE}"
    )
    if outside:
        log.missing.append(
            f"period: {_count(outside, n)} opened in sparse weeks before or after the observed "
            "period; left out of weekly volumes and hour-of-week shapes, counted everywhere else"
        )
    if period.weeks < 1:
        log.missing.append(
            f"period: only {period.weeks * 7:.1f} days of history; weekly volumes are "
            "extrapolated and hours of the week never seen borrow the flat shape"
        )
    elif period.weeks < SHORT_PERIOD_WEEKS:
        log.missing.append(
            f"period: only {period.weeks:.1f} weeks of steady arrivals (the export may be a "
            "snapshot); weekly volumes rest on little history, treat them with care"
        )
    groups = inside.groupby(["domain", "tier_filled", "priority_filled"], sort=True).size()
    for key, count in groups.items():
        domain, tier, priority = (str(part) for part in cast(tuple[object, ...], key))
        fit.streams.append(
            ArrivalStream(
                domain=domain,
                tier=Tier(tier),
                priority=Priority(priority),
                tickets_per_week=round(int(count) / period.weeks, SHARE_DECIMALS),
                observed=int(count),
            )
        )
    hours = arr.hour_of_week(inside["opened_at"], timezone)
    exposed = arr.exposure(period.start, period.end, timezone)
    counts_all = np.bincount(hours, minlength=HOURS_PER_WEEK).astype(float)
    overall = arr.shape_from_counts(counts_all, exposed, arr.uniform_week())
    domains = inside["domain"].to_numpy()
    for domain in sorted(set(domains)):
        counts = np.bincount(hours[domains == domain], minlength=HOURS_PER_WEEK)
        shape = arr.shape_from_counts(counts.astype(float), exposed, overall)
        fit.shapes[str(domain)] = arr.as_days(shape)
    log.notes.append(f"hour of week ({timezone}): {arr.SHAPE_RULE}")
    return fit


def _check_steady(
    opened: pd.Series, period: arr.Period, log: _Notes, accept_unsteady: bool
) -> None:
    """Refuse (or, when accepted, flag loudly) a period that is not a steady state."""
    weekly = steady.weekly_counts(opened)
    assert weekly is not None  # the period exists, so some ticket has an opening time
    verdict = steady.check(weekly, period)
    if verdict.steady:
        log.notes.append(f"steady state: {steady.STEADY_RULE}")
        return
    text = steady.refusal(verdict, steady.suggest(weekly))
    if not accept_unsteady:
        raise UnsteadyPeriodError(text)
    log.missing.insert(
        0,
        f"UNSTEADY PERIOD, calibrated anyway (--accept-unsteady): {text}; the weekly volumes "
        "are not a steady desk's, so plans built on them are not either",
    )


def _window(
    tickets: pd.DataFrame, events: pd.DataFrame, window: steady.Window, log: _Notes
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Only the tickets opened inside ``window`` (and their events) are calibrated."""
    before, after = window.sides(tickets["opened_at"])
    undated = tickets["opened_at"].isna().to_numpy()
    keep = window.mask(tickets["opened_at"])
    n, kept = len(tickets), int(keep.sum())
    log.missing.append(
        f"window: {window.describe()} keeps {_count(kept, n)} opened inside it; "
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


@dataclass(frozen=True)
class _WorkHours:
    text: str
    calendar: WeekCalendar | None
    timezone: str


UNKNOWN_STATUS_SHARE = 0.01
"""Events in statuses the book does not know, above this share, stop calibration: work and
waiting cannot be told apart. Below it (a stray code in a large log) they count as not working
and the workload says so."""


def _check_statuses(touch: TouchTimes, events: pd.DataFrame, log: _Notes) -> None:
    if not touch.unknown_statuses:
        return
    listed = sorted(touch.unknown_statuses.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{s} '{st}' ({k:,} events)" for (s, st), k in listed[:6])
    more = f" and {len(listed) - 6} more" if len(listed) > 6 else ""
    unknown = sum(touch.unknown_statuses.values())
    named = int(events["status"].notna().sum())
    if unknown > UNKNOWN_STATUS_SHARE * named or touch.sources_without_names:
        raise InputError(
            f"the event log has statuses deskmix does not know: {shown}{more}",
            field="status",
            expected="each status declared as working, waiting or done in a file passed "
            "with --statuses (see 'deskmix calibrate --help' and the shipped statuses.yaml)",
        )
    log.missing.append(
        f"statuses: not in statuses.yaml, so counted as not working: {shown}{more} "
        f"({unknown:,} of {named:,} events); add them with --statuses if they are work"
    )


@dataclass(frozen=True)
class _Durations:
    """Per ticket hours (aligned with the tickets frame), each domain x tier's basis, the old
    time-in-working-status figure beside them, and the effort estimate when there was one."""

    hours: pd.Series
    basis: dict[tuple[str, str], str]
    status_hours: pd.Series
    imputed: pd.Series
    effort: EffortEstimate | None


def _recorded_hours(tickets: pd.DataFrame) -> pd.Series:
    """Hands-on hours the source recorded per ticket (``worked_hours``), by ticket id; NaN
    where none (zero is "nothing recorded", not an instant fix)."""
    if "worked_hours" not in tickets.columns:
        return pd.Series(np.nan, index=tickets["id"])
    values = pd.to_numeric(tickets["worked_hours"], errors="coerce").astype("float64")
    recorded = pd.Series(values.to_numpy(), index=tickets["id"])
    return recorded.where(recorded > 0)


def _durations(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    book: StatusBook,
    work: _WorkHours,
    log: _Notes,
) -> _Durations:
    """Per-ticket hours: effort from events where a domain x tier has them, else resolution
    time (the last resort, stated per cell)."""
    n = len(tickets)
    resolution, end_field = resolution_hours(tickets)
    resolution.index = tickets["id"]
    tiers = pd.Series(tickets["tier_filled"].to_numpy(), index=tickets["id"])
    shift = work.calendar
    # The old figure, time in a working status within office hours, shown beside the effort.
    office = shift or parse_work_hours(DEFAULT_WORK_HOURS)
    touch = touch_times(events, book, office, work.timezone, tiers)
    _check_statuses(touch, events, log)
    if touch.backwards_intervals:
        log.notes.append(
            f"events: {touch.backwards_intervals:,} intervals ran backwards in time against "
            "their sequence numbers and counted as zero"
        )
    effort: EffortEstimate | None = None
    measured = pd.Series(np.nan, index=tickets["id"])
    imputed = pd.Series(False, index=tickets["id"])
    if touch.hours.size:
        effort = estimate_effort(tickets, events, book, work.timezone, shift)
        measured = effort.own_tier_hours.reindex(tickets["id"])
        imputed = effort.imputed.reindex(tickets["id"], fill_value=False).astype(bool)
    status_hours = touch.hours.reindex(tickets["id"])
    cells = pd.Series(
        list(zip(tickets["domain"].astype(str), tickets["tier_filled"].astype(str), strict=True)),
        index=tickets["id"],
    )
    hours = pd.Series(np.nan, index=tickets["id"])
    basis: dict[tuple[str, str], str] = {}
    sources = sorted(events["source_system"].dropna().unique())
    names = "; ".join(f"{s}: {', '.join(book.working_names(s))}" for s in sources)
    shifts = (
        f"within work hours {work.text} ({work.timezone})"
        if shift is not None
        else f"within each agent's shift read from their events ({work.timezone})"
    )
    effort_basis = (
        f"effort from events: agents' time in working statuses ({names}) {shifts}, shared "
        "among the tickets each agent held at once; first-contact fixes included, waiting "
        "excluded; by the ticket's own tier"
    )
    resolution_basis = (
        f"resolution time ({end_field} - opened_at): includes queueing and waiting, so it "
        "overstates hands-on work (no usable events)"
    )
    recorded = _recorded_hours(tickets)
    recorded_basis = (
        "recorded worked time (worked_hours: the hands-on hours the source recorded, such as "
        "GLPI task durations), the effort from events where a ticket has none"
    )
    fallback = 0
    on_recorded = 0
    on_resolution = pd.Series(False, index=tickets["id"])
    for key, ids in cells.groupby(cells).groups.items():
        cell = cast(tuple[str, str], key)
        has_effort = measured.loc[ids].notna()
        has_record = recorded.loc[ids].notna()
        if int(has_record.sum()) * 2 >= len(ids) and has_record.any():
            # Recorded work comes first: it is effort measured, not estimated.
            hours.loc[ids] = recorded.loc[ids].fillna(measured.loc[ids])
            imputed.loc[ids] = imputed.loc[ids] & ~has_record
            basis[cell] = recorded_basis
            on_recorded += int(has_record.sum())
        elif int(has_effort.sum()) * 2 >= len(ids) and has_effort.any():
            hours.loc[ids] = recorded.loc[ids].fillna(measured.loc[ids])
            imputed.loc[ids] = imputed.loc[ids] & ~has_record
            basis[cell] = effort_basis
            on_recorded += int(has_record.sum())
        else:
            hours.loc[ids] = resolution.loc[ids]
            basis[cell] = resolution_basis
            on_resolution.loc[ids] = True
            fallback += len(ids)
    if on_recorded:
        log.notes.append(
            f"handling: {_count(on_recorded, n)} measured by the worked time their source "
            "recorded (worked_hours), preferred to any estimate"
        )
    if effort is not None:
        k = int(imputed.sum())
        log.notes.append(f"effort: {EFFORT_RULE}")
        log.notes.append(
            f"effort: {_count(k, n)} had no measurable work (every event within the same "
            f"minute) and were given the median first-contact fix ({effort.fix_hours * 60:.1f} "
            "minutes desk-wide, per domain x tier where 10 fixes exist); none dropped"
        )
        without = n - int(measured.notna().sum())
        if without and fallback < n:
            log.missing.append(
                f"handling: {_count(without, n)} have no usable events; their domain x tier "
                "cells use the effort of the tickets that have them, or resolution time "
                "where most lack events"
            )
    if fallback:
        log.missing.append(
            f"handling: {_count(fallback, n)} are in domain x tier cells measured by "
            f"resolution time ({end_field} - opened_at), which overstates hands-on work"
        )
        if k := int(
            resolution.loc[cells.index[cells.map(basis).eq(resolution_basis)]].isna().sum()
        ):
            log.missing.append(
                f"handling: {_count(k, n)} lack opened_at or {end_field}; left out of the "
                "handling fits"
            )
    return _Durations(
        hours=hours,
        basis=basis,
        status_hours=status_hours,
        imputed=imputed,
        effort=effort,
    )


def _handling(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    book: StatusBook,
    work: _WorkHours,
    log: _Notes,
    progress: Progress | None,
) -> tuple[list[HandlingTime], dict[tuple[str, str], np.ndarray], EffortEstimate | None]:
    measured = _durations(tickets, events, book, work, log)
    hours = measured.hours
    if hours.notna().sum() == 0:
        log.missing.append(
            "handling: no ticket has both an opening and a resolution time, and no usable "
            "events; handling-time distributions cannot be estimated"
        )
        return [], {}, measured.effort
    cells = sorted(
        {(str(d), str(t)) for d, t in zip(tickets["domain"], tickets["tier_filled"], strict=True)}
    )

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress("fitting handling times", done, total)

    outcome = fit_cells(
        pd.Series(hours.to_numpy(), index=tickets.index),
        tickets["domain"],
        tickets["tier_filled"],
        cells,
        lambda cell: measured.basis.get(cell, ""),
        step,
        status_hours=pd.Series(measured.status_hours.to_numpy(), index=tickets.index),
        imputed=pd.Series(measured.imputed.to_numpy(), index=tickets.index),
    )
    if outcome.zeros or outcome.outliers:
        log.missing.append(
            f"handling: {outcome.zeros:,} zero-length durations (no time in a working status, "
            f"or equal timestamps) and {outcome.outliers:,} far-out outliers left out of the fits"
        )
    log.notes.append(f"handling outliers: {OUTLIER_RULE}")
    log.notes.append(
        f"handling pooling: {POOLING_RULE}; {outcome.pooled} of {len(cells)} cells pooled"
    )
    for (domain, tier), reason in outcome.unfitted:
        log.missing.append(f"handling: no distribution for {domain} x {tier} ({reason})")
    small = [h for h in outcome.handling if h.observed < MIN_OBSERVATIONS]
    for h in small:
        log.missing.append(
            f"handling: {h.domain} x {h.tier.value} fitted on only {h.observed} durations "
            "(all there are); treat its family and parameters as rough"
        )
    return outcome.handling, outcome.durations, measured.effort


def _escalation_notes(facts: pd.DataFrame, log: _Notes) -> None:
    n = len(facts)
    if facts["started_generalist"].isna().all():
        log.missing.append(
            "escalation: neither events nor tickets carry a tier (or specialist tickets lack a "
            "reassignment count); escalation rates and tier paths unknown"
        )
    elif k := int(facts["started_generalist"].isna().sum()):
        log.missing.append(
            f"escalation: {_count(k, n)} have no known first holder tier; left out of "
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
    log = _Notes()
    if window is not None:
        tickets, events = _window(tickets, events, window, log)
    if progress is not None:
        progress("measuring arrivals", 0, None)
    frame = _defaults(tickets.reset_index(drop=True), log)
    domain_mix, tier_mix = _mixes(frame)
    arrival = _arrivals(frame, timezone, log, accept_unsteady)
    calendar = parse_work_hours(work_hours) if work_hours is not None else None
    work = _WorkHours(work_hours or "inferred", calendar, timezone)
    handling, durations, effort = _handling(frame, events, book, work, log, progress)
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
