"""When each agent works, read from the times of the events they handled.

A resource calendar is what business-process-simulation discovery (Simod, Prosimos) fits
beside processing times: work is only done while a person is on shift, so effort and capacity
must both be measured inside that person's hours. Event logs carry no rosters, but the moments
an agent touches tickets show them: a day of the week counts as a working day when the agent
was seen on it about as often as on their busiest day, and the working band of the day runs from a
low to a high percentile of the hours they were seen at, widened to whole hours. Closing
events that a tool writes on its own (auto-close after a few days) say nothing about shifts:
callers pass the events of people at work.

Agents seen too rarely to read a shift from get the desk's calendar, inferred the same way
from every agent's events together, so nobody is left without hours.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deskmix.calibrate.workhours import local_week_hours
from deskmix.domain.calendar import WeekCalendar

MIN_EVENTS = 30
"""Fewer events than this and an agent's own shift is not read; the desk's is used."""
DAY_SHARE = 0.25
"""A weekday is a working day when it holds this share of the agent's events on their busiest
day: a desk that answers the odd ticket on Saturdays does not work Saturdays."""
BAND = (0.05, 0.95)
"""The working band of a day: these quantiles of the hours of day the agent was seen at."""
MIN_BAND_HOURS = 4

CALENDAR_RULE = (
    f"shift per agent from the times of their events: a weekday is worked when it holds at "
    f"least {DAY_SHARE:.0%} as many of their events as their busiest weekday, the day runs "
    f"from the {BAND[0]:.0%} to the {BAND[1]:.0%} quantile of the hours they were seen at "
    f"(at least {MIN_BAND_HOURS} h); agents with fewer than {MIN_EVENTS} events get the desk's "
    "shift, read the same way from all events"
)


@dataclass(frozen=True)
class AgentCalendar:
    """One agent's inferred shift and when they were around."""

    agent: str
    calendar: WeekCalendar
    first_seen: pd.Timestamp
    last_seen: pd.Timestamp
    weeks_active: int
    events: int
    own: bool  # False: too few events, the desk's shift stands in

    @property
    def hours_per_week(self) -> float:
        return self.calendar.open_hours_per_week

    def describe(self) -> str:
        """The shift in words: ``mon-fri 08-17``, or each day's band when they differ."""
        return describe_calendar(self.calendar)


def describe_calendar(calendar: WeekCalendar) -> str:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    bands: list[tuple[str, int, int]] = []
    for d, day in enumerate(days):
        hours = np.flatnonzero(calendar.mask[d * 24 : (d + 1) * 24])
        if hours.size:
            bands.append((day, int(hours[0]), int(hours[-1]) + 1))
    if not bands:
        return "never"
    if len({(lo, hi) for _, lo, hi in bands}) == 1:
        lo, hi = bands[0][1], bands[0][2]
        names = [b[0] for b in bands]
        consecutive = [days.index(n) for n in names] == list(
            range(days.index(names[0]), days.index(names[-1]) + 1)
        )
        span = f"{names[0]}-{names[-1]}" if consecutive and len(names) > 1 else ",".join(names)
        return f"{span} {lo:02d}-{hi:02d}"
    return ", ".join(f"{day} {lo:02d}-{hi:02d}" for day, lo, hi in bands)


def _shift(week_hours: np.ndarray) -> WeekCalendar | None:
    """The shift read from one agent's (or the desk's) event times, or None if none shows."""
    if week_hours.size == 0:
        return None
    day = (week_hours // 24).astype(int) % 7
    hour = week_hours % 24
    per_day = np.bincount(day, minlength=7)
    days = [int(d) for d in np.flatnonzero(per_day >= DAY_SHARE * per_day.max())]
    lo, hi = np.quantile(hour[np.isin(day, days)], BAND)
    start, end = int(np.floor(lo)), int(np.ceil(hi))
    if end - start < MIN_BAND_HOURS:
        middle = (start + end) / 2
        start = int(max(0, np.floor(middle - MIN_BAND_HOURS / 2)))
        end = min(24, start + MIN_BAND_HOURS)
        start = end - MIN_BAND_HOURS
    return WeekCalendar(d * 24 + h for d in days for h in range(start, end))


def infer_calendars(
    events: pd.DataFrame, timezone: str = "UTC", fallback: WeekCalendar | None = None
) -> tuple[dict[str, AgentCalendar], WeekCalendar]:
    """Each agent's shift from ``events`` (``assignee``, ``at``), and the desk's.

    ``fallback`` stands in for the desk's shift when no event names an agent at all.
    """
    named = events[events["assignee"].notna() & events["at"].notna()]
    at = pd.to_datetime(named["at"], utc=True)
    week_hours = local_week_hours(at, timezone).to_numpy(dtype=float) % (7 * 24)
    week_index = (
        at.dt.tz_convert(timezone).dt.tz_localize(None).dt.to_period("W").astype("int64")
    ).to_numpy()
    desk = _shift(week_hours) or fallback or WeekCalendar.always()
    out: dict[str, AgentCalendar] = {}
    if named.empty:
        return out, desk
    agents = named["assignee"].astype(str).to_numpy()
    order = np.argsort(agents, kind="stable")
    sorted_agents = agents[order]
    bounds = np.flatnonzero(np.r_[True, sorted_agents[1:] != sorted_agents[:-1], True])
    at_values = at.to_numpy()[order]
    for lo, hi in itertools.pairwise(bounds):
        rows = order[lo:hi]
        name = str(sorted_agents[lo])
        own = hi - lo >= MIN_EVENTS
        calendar = _shift(week_hours[rows]) if own else None
        seen = at_values[lo:hi]
        out[name] = AgentCalendar(
            agent=name,
            calendar=calendar or desk,
            first_seen=pd.Timestamp(seen.min()),
            last_seen=pd.Timestamp(seen.max()),
            weeks_active=int(np.unique(week_index[rows]).size),
            events=int(hi - lo),
            own=calendar is not None,
        )
    return out, desk
