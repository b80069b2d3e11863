"""What the stored history says about a desk: when tickets arrive, how the backlog moved, and
how often each priority's resolution target was met.

These are plain aggregates of stored tickets (no web types), so a CLI or an API route can
use them as well as the dashboard, whose overview shows them next to each other.

The SLA figures judge *resolution* only: a ticket's first response needs per-source status
semantics that the store does not record uniformly, so a response attainment would be a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.calibrate.arrivals import hour_of_week
from deskmix.calibrate.loading import load_frames
from deskmix.domain.calendar import business_calendar
from deskmix.domain.sla import Clock, SlaPolicy
from deskmix.domain.workload import HOURS_PER_WEEK
from deskmix.store import Store
from deskmix.store.selection import Selection

UNMAPPED = "(unmapped)"
# Hour 0 of every week-calendar computation: a Monday at 00:00 UTC.
_EPOCH = pd.Timestamp(datetime(1970, 1, 5, tzinfo=UTC))
_HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True)
class SlaAttainment:
    """Resolution attainment of one priority against its target."""

    priority: str
    resolution_hours: float
    clock: str
    share: float
    judged: int
    met: int
    open_too_long: int

    @property
    def attainment(self) -> float:
        return self.met / self.judged if self.judged else math.nan

    @property
    def on_target(self) -> bool:
        return self.judged > 0 and self.attainment >= self.share


@dataclass(frozen=True)
class DeskHistory:
    """Aggregates of the stored tickets; ``tickets == 0`` means the store is empty."""

    tickets: int
    first_opened: datetime | None
    last_seen: datetime | None
    arrivals: NDArray[np.int64]
    """Tickets opened per hour of the week, 7 days (Monday first) x 24 hours (UTC)."""
    backlog: pd.Series
    """Open tickets at the end of each day (index: the day)."""
    sla: list[SlaAttainment]
    mix: pd.DataFrame
    """Tickets per domain (rows) and tier (columns), largest domain first."""


def _hours_since_epoch(times: pd.Series) -> NDArray[np.float64]:
    return np.asarray((times - _EPOCH) / _HOUR, dtype=float)


def _done_at(tickets: pd.DataFrame) -> pd.Series:
    """When a ticket stopped needing work: resolved, else closed, else NaT (still open)."""
    return tickets["resolved_at"].fillna(tickets["closed_at"])


def daily_backlog(opened: pd.Series, done: pd.Series) -> pd.Series:
    """Open tickets at the end of each day from the first opening to the last event."""
    opened = opened.dropna()
    if opened.empty:
        return pd.Series(dtype=float)
    last = max(opened.max(), done.max()) if done.notna().any() else opened.max()
    days = pd.date_range(opened.min().normalize(), last.normalize(), freq="D", tz="UTC")
    ends = days + pd.Timedelta(days=1)
    opened_sorted = np.sort(opened.to_numpy(dtype="datetime64[ns]"))
    done_sorted = np.sort(done.dropna().to_numpy(dtype="datetime64[ns]"))
    moments = ends.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    counts = np.searchsorted(opened_sorted, moments, side="right") - np.searchsorted(
        done_sorted, moments, side="right"
    )
    return pd.Series(counts, index=days, name="open tickets")


def sla_attainment(
    tickets: pd.DataFrame, sla: SlaPolicy, as_of: pd.Timestamp
) -> list[SlaAttainment]:
    """Share of each priority's tickets resolved within target.

    A ticket still open at ``as_of`` counts as a miss once it is older than its target (it can
    no longer make it) and is left out before that (it still can).
    """
    calendar = business_calendar(sla)
    done = _done_at(tickets)
    out: list[SlaAttainment] = []
    for target in sla.targets:
        rows = (tickets["priority"] == target.priority.value).fillna(False).to_numpy(dtype=bool)
        if not rows.any():
            continue
        start = _hours_since_epoch(tickets.loc[rows, "opened_at"])
        end_times = done[rows].fillna(as_of)
        end = _hours_since_epoch(end_times)
        still_open = done[rows].isna().to_numpy()
        business = target.clock == Clock.BUSINESS
        elapsed = calendar.between(start, end) if business else end - start
        valid = ~np.isnan(elapsed)
        late = elapsed > target.resolution_hours
        resolved = valid & ~still_open
        met = int(np.sum(resolved & ~late))
        open_late = int(np.sum(valid & still_open & late))
        out.append(
            SlaAttainment(
                priority=target.priority.value,
                resolution_hours=target.resolution_hours,
                clock=target.clock.value,
                share=target.share,
                judged=int(np.sum(resolved)) + open_late,
                met=met,
                open_too_long=open_late,
            )
        )
    return out


def domain_tier_mix(tickets: pd.DataFrame) -> pd.DataFrame:
    domains = tickets["domain"].astype("object").fillna(UNMAPPED)
    tiers = tickets["tier"].astype("object").fillna(UNMAPPED)
    mix = pd.crosstab(domains, tiers)
    return mix.loc[mix.sum(axis=1).sort_values(ascending=False).index]


def arrivals_by_hour(opened: pd.Series) -> NDArray[np.int64]:
    hours = hour_of_week(opened.dropna())
    counts = np.bincount(hours, minlength=HOURS_PER_WEEK)
    return np.asarray(counts.reshape(7, 24), dtype=np.int64)


def desk_history(store: Store, sla: SlaPolicy, selection: Selection | None = None) -> DeskHistory:
    """All of the overview's aggregates from one read of the store."""
    tickets, _events = load_frames(store, selection)
    if tickets.empty:
        return DeskHistory(
            tickets=0,
            first_opened=None,
            last_seen=None,
            arrivals=np.zeros((7, 24), dtype=np.int64),
            backlog=pd.Series(dtype=float),
            sla=[],
            mix=pd.DataFrame(),
        )
    opened = tickets["opened_at"]
    done = _done_at(tickets)
    seen = pd.concat([opened, done]).dropna()
    as_of = seen.max()
    return DeskHistory(
        tickets=len(tickets),
        first_opened=opened.min().to_pydatetime() if opened.notna().any() else None,
        last_seen=as_of.to_pydatetime(),
        arrivals=arrivals_by_hour(opened),
        backlog=daily_backlog(opened, done),
        sla=sla_attainment(tickets.loc[opened.notna()], sla, as_of),
        mix=domain_tier_mix(tickets),
    )
