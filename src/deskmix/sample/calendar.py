"""Business-hours arithmetic on a float clock (hours since a Monday 00:00).

Touch time only advances while people work, so a two-hour fix started at 17:30 on a Friday ends
on Monday morning. Floats keep the generator fast and exact enough: the log is written in whole
seconds.
"""

from __future__ import annotations

import math

from deskmix.domain.workload import DAYS
from deskmix.sample.spec import BusinessHours

HOURS_PER_DAY = 24.0


class WorkCalendar:
    """Open on the given weekdays between ``start_hour`` and ``end_hour``; hour 0 is Monday."""

    def __init__(self, hours: BusinessHours) -> None:
        self.weekdays = frozenset(DAYS.index(d) for d in hours.days)
        self.start = float(hours.start_hour)
        self.end = float(hours.end_hour)

    def is_open(self, t: float) -> bool:
        day = math.floor(t / HOURS_PER_DAY)
        hour = t - day * HOURS_PER_DAY
        return day % 7 in self.weekdays and self.start <= hour < self.end

    def next_open(self, t: float) -> float:
        """``t`` itself when the desk is open, else the start of the next working day."""
        day = math.floor(t / HOURS_PER_DAY)
        hour = t - day * HOURS_PER_DAY
        if day % 7 in self.weekdays:
            if self.start <= hour < self.end:
                return t
            if hour < self.start:
                return day * HOURS_PER_DAY + self.start
        day += 1
        while day % 7 not in self.weekdays:
            day += 1
        return day * HOURS_PER_DAY + self.start

    def add(self, t: float, hours: float) -> float:
        """The moment ``hours`` of work started at (or after) ``t`` are done."""
        t = self.next_open(t)
        remaining = max(hours, 0.0)
        while True:
            day_end = math.floor(t / HOURS_PER_DAY) * HOURS_PER_DAY + self.end
            available = day_end - t
            if remaining <= available:
                return t + remaining
            remaining -= available
            t = self.next_open(day_end)

    def start_job(self, t: float, hours: float) -> float:
        """When a job of ``hours`` that could start at ``t`` starts: people do not begin work
        they cannot finish before going home, unless it is longer than a working day anyway.

        Without this rule a fix begun at 17:50 would sit in a working state all night, and touch
        time measured from an event log would count the night as work.
        """
        t = self.next_open(t)
        day_end = math.floor(t / HOURS_PER_DAY) * HOURS_PER_DAY + self.end
        if t + hours > day_end and hours <= self.end - self.start:
            return self.next_open(day_end)
        return t
