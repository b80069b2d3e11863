"""Calibration's handling steps: per-ticket hours (recorded worked time, else effort measured
from events, else resolution time, chosen per domain x tier and stated) and the distributions
fitted to them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from deskmix.calibrate.durations import OUTLIER_RULE, TouchTimes, resolution_hours, touch_times
from deskmix.calibrate.effort import EFFORT_RULE, EffortEstimate, estimate_effort
from deskmix.calibrate.handling import MIN_OBSERVATIONS, POOLING_RULE, fit_cells
from deskmix.calibrate.notes import Notes, counted
from deskmix.calibrate.statuses import StatusBook
from deskmix.calibrate.workhours import DEFAULT_WORK_HOURS, parse_work_hours
from deskmix.domain.calendar import WeekCalendar
from deskmix.domain.workload import HandlingTime
from deskmix.errors import InputError

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None) as calibration proceeds."""


@dataclass(frozen=True)
class WorkHours:
    """The desk's stated hours (or "inferred" from each agent's events) and their zone."""

    text: str
    calendar: WeekCalendar | None
    timezone: str


UNKNOWN_STATUS_SHARE = 0.01
"""Events in statuses the book does not know, above this share, stop calibration: work and
waiting cannot be told apart. Below it (a stray code in a large log) they count as not working
and the workload says so."""


def _check_statuses(touch: TouchTimes, events: pd.DataFrame, log: Notes) -> None:
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
    work: WorkHours,
    log: Notes,
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
            f"handling: {counted(on_recorded, n)} measured by the worked time their source "
            "recorded (worked_hours), preferred to any estimate"
        )
    if effort is not None:
        k = int(imputed.sum())
        log.notes.append(f"effort: {EFFORT_RULE}")
        log.notes.append(
            f"effort: {counted(k, n)} had no measurable work (every event within the same "
            f"minute) and were given the median first-contact fix ({effort.fix_hours * 60:.1f} "
            "minutes desk-wide, per domain x tier where 10 fixes exist); none dropped"
        )
        without = n - int(measured.notna().sum())
        if without and fallback < n:
            log.missing.append(
                f"handling: {counted(without, n)} have no usable events; their domain x tier "
                "cells use the effort of the tickets that have them, or resolution time "
                "where most lack events"
            )
    if fallback:
        log.missing.append(
            f"handling: {counted(fallback, n)} are in domain x tier cells measured by "
            f"resolution time ({end_field} - opened_at), which overstates hands-on work"
        )
        if k := int(
            resolution.loc[cells.index[cells.map(basis).eq(resolution_basis)]].isna().sum()
        ):
            log.missing.append(
                f"handling: {counted(k, n)} lack opened_at or {end_field}; left out of the "
                "handling fits"
            )
    return _Durations(
        hours=hours,
        basis=basis,
        status_hours=status_hours,
        imputed=imputed,
        effort=effort,
    )


def fit_handling(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    book: StatusBook,
    work: WorkHours,
    log: Notes,
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
