"""How long each ticket's work took, in hours: touch time from events, else resolution time.

Touch time (the intervals a ticket spent in a working status) is what an agent is busy for,
which is what the simulator needs. Resolution time also counts queueing and waiting for the
user, so it overstates handling; it is used only when there are no usable events, and the
workload says which basis it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.calibrate.statuses import StatusBook
from deskmix.calibrate.workhours import local_week_hours
from deskmix.domain.calendar import WeekCalendar

HOUR = pd.Timedelta(hours=1)
OUTLIER_IQRS = 3.0
MIN_FOR_FENCE = 8

OUTLIER_RULE = (
    f"durations above Q3 + {OUTLIER_IQRS:g} x IQR of log(hours) (Tukey's far-out fence on the log "
    "scale, per domain x tier) are left out as outliers; zero durations are left out because no "
    "distribution of positive times can hold them"
)


@dataclass(frozen=True)
class TouchTimes:
    """Per ticket touch hours, plus what could not be classified."""

    hours: pd.Series  # index: ticket id; only tickets whose events gave a usable measure
    unknown_statuses: dict[tuple[str, str], int]  # (source, status) -> events
    sources_without_names: list[str]  # sources with statuses, none of which the book knows
    backwards_intervals: int


def classify_statuses(events: pd.DataFrame, book: StatusBook) -> pd.Series:
    """``working``/``waiting``/``done`` or NA for each event, per its ticket's source."""
    keys = events[["source_system", "status"]].astype("string").fillna("")
    pairs = pd.MultiIndex.from_frame(keys).unique()
    lookup = {(s, st): (book.kind(s, st) if st else None) for s, st in pairs}
    kinds = [lookup[(s, st)] for s, st in zip(keys["source_system"], keys["status"], strict=True)]
    return pd.Series(kinds, index=events.index, dtype="string")


def touch_times(
    events: pd.DataFrame,
    book: StatusBook,
    work_hours: WeekCalendar | None = None,
    timezone: str = "UTC",
    ticket_tiers: pd.Series | None = None,
) -> TouchTimes:
    """Sum, per ticket, the time from each working-status event to the next event.

    With ``ticket_tiers`` (ticket id -> tier), only time held by agents of the ticket's own
    tier counts where events say who held it: a specialist ticket's handling time is the
    specialists' work, not the first line's attempt before escalating (the simulator draws
    that attempt separately, from the generalist-tier distribution).

    With ``work_hours``, only the part of each interval inside those hours (on ``timezone``'s
    wall clock) counts: a status left "Active" overnight is not a night of work.

    ``events`` needs ``ticket_id``, ``seq``, ``at``, ``status`` and ``source_system``. A ticket
    counts only when at least one of its statuses is known to the book for its source (else we
    cannot tell work from waiting and its touch time would be a meaningless zero). Intervals
    that run backwards in time (events out of order against ``seq``) count as zero.
    """
    if events.empty:
        return TouchTimes(pd.Series(dtype=float), {}, [], 0)
    ordered = events.sort_values(["ticket_id", "seq"], kind="stable")
    kinds = classify_statuses(ordered, book)
    at = pd.to_datetime(ordered["at"], utc=True)
    following = at.groupby(ordered["ticket_id"]).shift(-1)
    gaps = (following - at) / HOUR
    backwards = int((gaps < 0).sum())
    if work_hours is not None:
        start = local_week_hours(at, timezone).to_numpy(dtype=float)
        stop = local_week_hours(following, timezone).to_numpy(dtype=float)
        gaps = pd.Series(work_hours.between(start, stop), index=gaps.index).where(gaps >= 0)
    gaps = gaps.clip(lower=0).fillna(0.0)
    working = (kinds == "working").fillna(False).astype(bool)
    if ticket_tiers is not None and "tier" in ordered.columns:
        own = ordered["ticket_id"].map(ticket_tiers)
        held = ordered["tier"].astype("string")
        working &= (held.isna() | own.isna() | (held == own.astype("string"))).astype(bool)
    known = kinds.notna()
    per_ticket = pd.DataFrame(
        {
            "ticket_id": ordered["ticket_id"],
            "work": gaps.where(working, 0.0),
            "known": known,
        }
    ).groupby("ticket_id", sort=False)
    hours = per_ticket["work"].sum()
    usable = per_ticket["known"].any()
    unknown_events = ordered[~known & ordered["status"].notna()]
    unknown: dict[tuple[str, str], int] = {}
    for key, n in unknown_events.groupby(["source_system", "status"]).size().items():
        source, status = cast(tuple[object, object], key)
        unknown[(str(source), str(status))] = int(n)
    named = ordered["status"].notna()
    by_source = pd.DataFrame({"source": ordered["source_system"], "known": known})[named]
    any_known = by_source.groupby("source")["known"].any()
    without = sorted(str(s) for s, ok in any_known.items() if not ok)
    return TouchTimes(hours[usable].astype(float), unknown, without, backwards)


def resolution_hours(tickets: pd.DataFrame) -> tuple[pd.Series, str]:
    """``resolved_at - opened_at`` per ticket; ``closed_at`` only when no ticket has a resolution.

    Returns the hours (NA where unknown) and the name of the end field used.
    """
    opened = pd.to_datetime(tickets["opened_at"], utc=True)
    end_field = "resolved_at" if tickets["resolved_at"].notna().any() else "closed_at"
    end = pd.to_datetime(tickets[end_field], utc=True)
    return ((end - opened) / HOUR).astype(float), end_field


@dataclass(frozen=True)
class Cleaned:
    """Durations ready to fit, and how many of each kind were set aside."""

    values: NDArray[np.float64]
    zeros: int
    outliers: int
    fence_hours: float | None


def clean(hours: NDArray[np.float64] | pd.Series) -> Cleaned:
    """Drop missing, zero or negative durations and far-out outliers (see ``OUTLIER_RULE``)."""
    x = np.asarray(pd.Series(hours, dtype=float).dropna(), dtype=float)
    positive = x[x > 0]
    zeros = int(x.size - positive.size)
    fence: float | None = None
    outliers = 0
    if positive.size >= MIN_FOR_FENCE:
        logs = np.log(positive)
        q1, q3 = np.quantile(logs, [0.25, 0.75])
        if q3 > q1:
            fence = float(np.exp(q3 + OUTLIER_IQRS * (q3 - q1)))
            keep = positive <= fence
            outliers = int(positive.size - keep.sum())
            positive = positive[keep]
    return Cleaned(np.sort(positive), zeros, outliers, fence)
