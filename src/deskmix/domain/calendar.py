"""A weekly calendar of open hours, and the open time between two moments.

Used wherever only some hours count: SLA clocks in business hours, and touch time measured
from event logs (an agent does not work on a ticket overnight, even if its status says
"Active" until the morning). Times are hours since a Monday 00:00 in the calendar's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:  # the SLA model is pydantic; this module stays numpy-only at import
    from deskmix.domain.sla import SlaPolicy

HOURS_PER_WEEK = 168


class WeekCalendar:
    """Open hours of a week (whole hours, Monday 00:00 = hour 0)."""

    def __init__(self, open_hours: Iterable[int]) -> None:
        self.mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
        hours = list(open_hours)
        if any(not 0 <= h < HOURS_PER_WEEK for h in hours):
            raise ValueError("open hours must lie in 0..167")
        self.mask[hours] = True
        self.cumulative = np.concatenate([[0.0], np.cumsum(self.mask, dtype=float)])

    @classmethod
    def always(cls) -> WeekCalendar:
        return cls(range(HOURS_PER_WEEK))

    @property
    def open_hours_per_week(self) -> float:
        return float(self.cumulative[-1])

    def elapsed(self, t: ArrayLike) -> NDArray[np.float64]:
        """Open hours from the epoch Monday 00:00 up to each ``t`` (NaN stays NaN)."""
        times = np.asarray(t, dtype=float)
        week = np.floor(times / HOURS_PER_WEEK)
        into = times - week * HOURS_PER_WEEK
        hour = np.clip(np.nan_to_num(np.floor(into)), 0, HOURS_PER_WEEK - 1).astype(np.int64)
        fraction = into - hour
        out = week * self.cumulative[-1] + self.cumulative[hour] + fraction * self.mask[hour]
        return np.asarray(out, dtype=float)

    def between(self, start: ArrayLike, end: ArrayLike) -> NDArray[np.float64]:
        """Open hours in each interval [start, end)."""
        return self.elapsed(end) - self.elapsed(start)


def business_calendar(sla: SlaPolicy) -> WeekCalendar:
    """The SLA's business hours as a week calendar: the hours its business-clock targets count.

    It lives beside ``WeekCalendar`` because it is vocabulary (an SLA's week), used by the
    simulator's model and by the history's attainment alike."""
    hours: set[int] = set()
    for shift in sla.business_hours:
        hours |= shift.hours_of_week()
    return WeekCalendar(hours)
