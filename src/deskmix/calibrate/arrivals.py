"""When tickets arrive: the observed period, weekly volumes and hour-of-week shapes.

Real exports have ragged edges (the UCI log holds 98% of its tickets in three months and a thin
tail over the next nine), and dividing by the full span would dilute the weekly volume several
times over. The period is therefore the run of weeks that carry real traffic (``PERIOD_RULE``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.domain.workload import DAYS, HOURS_PER_WEEK

WEEK = pd.Timedelta(days=7)
EPOCH_MONDAY = pd.Timestamp("1970-01-05", tz="UTC")
BUSY_WEEK_SHARE = 0.10
PSEUDO_TICKETS = float(HOURS_PER_WEEK)
MIN_SPAN = pd.Timedelta(days=1)

PERIOD_RULE = (
    "the observed period runs from the first to the last ticket of the calendar weeks (Monday "
    f"to Sunday, UTC) that each hold at least {BUSY_WEEK_SHARE:.0%} of the ticket-weighted median "
    "weekly count; quiet weeks inside it stay in, thin tails before or after it are left out of "
    "the weekly volumes"
)
SHAPE_RULE = (
    "hour-of-week shapes are arrivals per hour of the week divided by how often that hour "
    f"occurs in the period; each domain's shape is pulled toward the all-domain shape with "
    f"{PSEUDO_TICKETS:g} pseudo-tickets (weight n / (n + {PSEUDO_TICKETS:g}) on its own counts), "
    "and the all-domain shape toward a flat week the same way"
)


@dataclass(frozen=True)
class Period:
    """The span weekly volumes are measured over and which tickets fall inside it."""

    start: pd.Timestamp
    end: pd.Timestamp
    inside: pd.Series  # bool per ticket (False where opened_at is missing)

    @property
    def weeks(self) -> float:
        return float((self.end - self.start) / WEEK)


def observed_period(opened: pd.Series) -> Period | None:
    """Apply ``PERIOD_RULE``; ``None`` when the times span less than a day."""
    times = pd.to_datetime(opened, utc=True)
    present = times.dropna()
    if present.empty:
        return None
    week = ((present - EPOCH_MONDAY) // WEEK).astype("int64")
    counts = week.value_counts()
    typical = float(np.median(counts.reindex(week).to_numpy()))
    busy = counts[counts >= BUSY_WEEK_SHARE * typical].index
    first, last = int(busy.min()), int(busy.max())
    inside_present = (week >= first) & (week <= last)
    inside = pd.Series(False, index=times.index)
    inside[inside_present[inside_present].index] = True
    kept = present[inside_present]
    start, end = kept.min(), kept.max()
    if end - start < MIN_SPAN:
        return None
    return Period(start=start, end=end, inside=inside)


def hour_of_week(times: pd.Series, timezone: str = "UTC") -> NDArray[np.int64]:
    """0 = Monday 00:00-00:59 in ``timezone`` ... 167 = Sunday 23:00-23:59."""
    local = pd.to_datetime(times, utc=True).dt.tz_convert(timezone)
    return np.asarray(local.dt.day_of_week * 24 + local.dt.hour, dtype=np.int64)


def exposure(start: pd.Timestamp, end: pd.Timestamp, timezone: str = "UTC") -> NDArray[np.float64]:
    """How many times each hour of the week occurs in ``[start, end]`` (partial hours pro rata).

    Dividing counts by this keeps a 14.3-week period from over-weighting the hours that happen
    to occur 15 times rather than 14.
    """
    first = start.floor("h")
    hours = pd.date_range(first, end.floor("h"), freq="h", tz="UTC")
    one = pd.Timedelta(hours=1)
    weight = np.ones(len(hours))
    if len(hours) == 1:
        weight[0] = (end - start) / one
    else:
        weight[0] = 1.0 - (start - first) / one
        weight[-1] = (end - hours[-1]) / one
    index = hour_of_week(pd.Series(hours), timezone)
    return np.bincount(index, weights=weight, minlength=HOURS_PER_WEEK).astype(float)


def shape_from_counts(
    counts: NDArray[np.float64],
    exposed: NDArray[np.float64],
    prior: NDArray[np.float64],
    pseudo: float = PSEUDO_TICKETS,
) -> NDArray[np.float64]:
    """A 168-hour shape summing to 1: exposure-corrected counts shrunk toward ``prior``.

    Hours the period never covered borrow the prior, scaled to the level of the covered hours.
    """
    counts = np.asarray(counts, dtype=float)
    exposed = np.asarray(exposed, dtype=float)
    prior = np.asarray(prior, dtype=float) / np.sum(prior)
    total = float(counts.sum())
    if total <= 0:
        return prior
    covered = exposed > 0
    rate = np.zeros(HOURS_PER_WEEK)
    rate[covered] = counts[covered] / exposed[covered]
    if (~covered).any():
        covered_prior = prior[covered].sum()
        level = rate[covered].sum() / covered_prior if covered_prior > 0 else 0.0
        rate[~covered] = prior[~covered] * level
    if rate.sum() <= 0:
        return prior
    own = total / (total + pseudo)
    shape = own * rate / rate.sum() + (1 - own) * prior
    return np.asarray(shape / shape.sum(), dtype=float)


def uniform_week() -> NDArray[np.float64]:
    return np.full(HOURS_PER_WEEK, 1.0 / HOURS_PER_WEEK)


def as_days(shape: NDArray[np.float64], decimals: int = 8) -> dict[str, list[float]]:
    """168 weights to the Workload's ``{mon: [24 weights], ...}``."""
    rounded = np.round(np.asarray(shape, dtype=float), decimals)
    return {day: [float(v) for v in rounded[i * 24 : (i + 1) * 24]] for i, day in enumerate(DAYS)}
