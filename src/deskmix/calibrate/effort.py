"""Hands-on effort per ticket from an event log, within the capacity the history shows.

The time a ticket sits in a working status ("Active", "In Progress") is not the time anybody
worked on it: an agent keeps many tickets active at once, and a ticket stays active while its
agent works on others or waits for the user. Read as work, that time made a 220-person desk
look like it needed 950 people.

The estimate follows the business-process-simulation discovery literature on multitasking and
resource calendars (Estrada-Torres, Camargo, Dumas et al., "Discovering business process
simulation models in the presence of multitasking and availability constraints", Data &
Knowledge Engineering 2021; the Simod/Prosimos line of work):

1. **Who holds what, when.** Each interval between two consecutive events of a ticket is held
   by the ticket's assignee at the first event (else its group, else the desk). Intervals in a
   working status are what may be worked on.
2. **When each person was busy** (start-time estimation from completion-only logs, Chapela-
   Campa and Dumas 2022, the Simod line): a piece of work ends at each of an agent's events
   and began when both the agent (their previous event) and the ticket (its previous event)
   were free. If the event ends work on the ticket (it leaves a working status the agent
   held, or is a first-contact fix), the piece is work on that ticket. Otherwise (the agent
   takes a new ticket) the piece is time the agent was busy with the tickets they held, since
   a free agent takes new work at once; before the new ticket was there, they may have been
   idle, and that time is not effort.
3. **Only on shift, only on days present.** Each agent's shift is read from when they are
   seen working (``calendars.py``); days they left no event on are days away.
4. **Shared, never doubled.** Busy time is divided equally among the intervals the agent
   holds then (the multitasking correction). The pieces of one agent never overlap, so an
   agent's effort never exceeds their on-shift hours, and the desk's weekly effort never
   exceeds the on-shift hours of the people the log shows working.
5. **No ticket dropped.** A ticket whose work took no measurable time (every event within the
   same minute) did take some: it gets the median of the positive first-contact fixes of its
   domain x tier (else tier, else the whole desk), the short end of real work, and is counted
   as imputed.

Intervals held by a group or nobody have no person's events to read busy time from; their
on-shift time is shared among the intervals the group holds at once (an upper bound).
Waiting statuses (waiting for the user, a vendor, a queue) are never effort. The estimate is an
upper bound when agents sit idle while holding active tickets; the back-test (``deskmix
validate``) shows whether the utilisation it implies matches what happened.

Over 400 lines because the method above (five steps and their sources, about 40 lines) is
written beside the code that carries it out; the code is one estimate whose steps share the
same frames, and splitting it would only separate the description from what it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.calibrate.calendars import AgentCalendar, infer_calendars
from deskmix.calibrate.durations import classify_statuses
from deskmix.calibrate.statuses import StatusBook
from deskmix.calibrate.workhours import local_week_hours
from deskmix.domain.calendar import WeekCalendar

EFFORT_RULE = (
    "effort = each agent's on-shift time (shift read from their events) shared equally among "
    "the tickets they hold in a working status at that moment, plus the moment before a "
    "first-contact fix; waiting statuses and off-shift time are not effort; tickets with no "
    "measurable work get the median first-contact fix of their domain x tier (multitasking "
    "and resource calendars as in Estrada-Torres et al. 2021, the Simod line of work)"
)


@dataclass(frozen=True)
class EffortEstimate:
    """Per ticket effort, and the capacity it was measured against.

    ``hours`` and ``own_tier_hours`` are indexed by ticket id and hold only tickets with
    events whose statuses the book knows. ``own_tier_hours`` counts only time held by the
    ticket's own tier (a specialist ticket's first-line attempt is the first line's work).
    ``weekly`` has one row per calendar week: effort hours, agents seen, their on-shift hours.
    """

    hours: pd.Series
    own_tier_hours: pd.Series
    imputed: pd.Series  # bool per ticket: no measurable work, estimate imputed
    fix_hours: float  # the desk-wide imputation value
    weekly: pd.DataFrame
    calendars: dict[str, AgentCalendar]
    desk: WeekCalendar


class PresenceCalendar:
    """A weekly shift, open only on the days the person was seen at work.

    A shift says when someone works in a usual week; on a day they left no trace in the log
    they were away (leave, other duties), and an "Active" ticket they hold accrues no work.
    Times are hours since the epoch Monday, as ``local_week_hours`` gives them.
    """

    def __init__(self, shift: WeekCalendar, days_present: NDArray[np.int64] | None) -> None:
        self.shift = shift
        if days_present is None or days_present.size == 0:
            self.first_day, self.cumulative = 0, None
            return
        self.first_day = int(days_present.min())
        span = int(days_present.max()) - self.first_day + 1
        present = np.zeros(span, dtype=bool)
        present[days_present - self.first_day] = True
        hours = np.arange(span * 24) + self.first_day * 24
        open_hours = shift.mask[hours % (7 * 24)] & np.repeat(present, 24)
        self.open = open_hours
        self.cumulative = np.concatenate(([0.0], np.cumsum(open_hours, dtype=float)))

    def between(self, start: NDArray[np.float64], end: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.cumulative is None:
            return self.shift.between(start, end)
        return self._elapsed(end) - self._elapsed(start)

    def _elapsed(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        assert self.cumulative is not None
        offset = np.asarray(t, dtype=float) - self.first_day * 24
        last = self.open.size
        clipped = np.clip(offset, 0, last)
        hour = np.minimum(np.floor(clipped).astype(np.int64), last - 1)
        fraction = clipped - hour
        return np.asarray(self.cumulative[hour] + fraction * self.open[hour], dtype=float)


def _shared_time(
    starts: NDArray[np.float64],
    ends: NDArray[np.float64],
    calendar: PresenceCalendar,
    busy: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> NDArray[np.float64]:
    """Each interval's share of on-shift time, one holder's intervals dividing it equally.

    With F(t) the integral of open time divided by the number of intervals held at each
    moment, an interval's share is F(end) - F(start): one sweep, whatever the overlap. With
    ``busy`` (sorted, disjoint (starts, ends)), only time inside those stretches is open.
    """
    if starts.size == 0:
        return np.zeros(0)
    parts = [starts, ends] if busy is None else [starts, ends, busy[0], busy[1]]
    points = np.unique(np.concatenate(parts))
    left = points[:-1]
    held = np.searchsorted(np.sort(starts), left, side="right") - np.searchsorted(
        np.sort(ends), left, side="right"
    )
    open_time = calendar.between(left, points[1:])
    if busy is not None and busy[0].size == 0:
        open_time = np.zeros_like(open_time)
    elif busy is not None:
        middle = (left + points[1:]) / 2
        inside = np.searchsorted(busy[0], middle, side="right") - 1
        open_time = np.where(
            (inside >= 0) & (middle < busy[1][np.maximum(inside, 0)]), open_time, 0.0
        )
    share = np.where(held > 0, open_time / np.maximum(held, 1), 0.0)
    cumulative = np.concatenate(([0.0], np.cumsum(share)))
    return np.asarray(
        cumulative[np.searchsorted(points, ends)] - cumulative[np.searchsorted(points, starts)],
        dtype=float,
    )


@dataclass(frozen=True)
class _Pieces:
    """Working-status spans (who held what, when) and each person's busy stretches."""

    spans: pd.DataFrame  # ticket_id, holder, tier, start, end
    direct: pd.DataFrame  # ticket_id, holder, tier, start, end, quick: work on that ticket
    shared: pd.DataFrame  # holder, start, end: busy with whatever they held


def _pieces(events: pd.DataFrame, kinds: pd.Series, timezone: str) -> _Pieces:
    """Read the log the way start-time estimation does (a piece of work ends at each of an
    agent's events and began when both the agent, at their previous event, and the ticket,
    at its previous event, were free): the stretch before an event that ends work on a
    ticket (leaving a working status it held, or a first-contact fix) is work on that
    ticket; the stretch before any other event of theirs (taking a new ticket) is time they
    were busy with the tickets they held, since a free agent takes new work at once."""
    ordered = events.assign(kind=kinds.to_numpy())
    ordered["t"] = local_week_hours(ordered["at"], timezone).to_numpy(dtype=float)
    by_ticket = ordered.groupby("ticket_id", sort=False)
    ordered["next_t"] = by_ticket["t"].shift(-1)
    ordered["prev_t"] = by_ticket["t"].shift()
    ordered["prev_kind"] = by_ticket["kind"].shift().astype("string")
    ordered["prev_assignee"] = by_ticket["assignee"].shift().astype("string")
    group = ordered["group"].astype("string")
    holder = ordered["assignee"].astype("string")
    ordered["holder"] = holder.fillna("group:" + group).fillna("desk")
    working = ordered["kind"].eq("working").fillna(False).astype(bool)
    spans = ordered[working & ordered["next_t"].notna()]
    spans = pd.DataFrame(
        {
            "ticket_id": spans["ticket_id"],
            "holder": spans["holder"],
            "tier": spans["tier"],
            "start": spans["t"],
            "end": np.maximum(spans["next_t"], spans["t"]),
        }
    )
    before = ordered["prev_kind"]
    after_done = before.eq("done").fillna(False).astype(bool)
    # An agent's own events, but not the closures a tool writes after a resolution.
    acts = ordered[ordered["assignee"].notna() & ~after_done]
    acts = acts.sort_values(["assignee", "t"], kind="stable")
    agent_prev = acts.groupby("assignee", sort=False)["t"].shift()
    start = np.fmax(agent_prev.fillna(-np.inf), acts["prev_t"].fillna(np.inf))
    start = np.minimum(start, acts["t"])
    done = acts["kind"].eq("done").fillna(False).astype(bool)
    was_working = acts["prev_kind"].eq("working").fillna(False).astype(bool)
    own = acts["prev_assignee"].astype("string").eq(acts["assignee"].astype("string"))
    ends_work = (was_working & own.fillna(False).astype(bool)) | (
        done & acts["prev_kind"].notna() & ~was_working
    )
    pieces = pd.DataFrame(
        {
            "ticket_id": acts["ticket_id"],
            "holder": acts["assignee"].astype("string"),
            "tier": acts["tier"],
            "start": start,
            "end": acts["t"],
            "quick": (done & ~was_working).to_numpy(),
        }
    )
    pieces = pieces[pieces["end"] > pieces["start"]]
    on_ticket = ends_work.reindex(pieces.index).astype(bool)
    # The tier of the work just done is the tier that held the ticket before this event.
    direct = pieces[on_ticket].copy()
    direct["tier"] = by_ticket["tier"].shift().reindex(direct.index)
    return _Pieces(spans=spans, direct=direct, shared=pieces[~on_ticket].drop(columns="quick"))


def _days_present(events: pd.DataFrame, timezone: str) -> dict[str, NDArray[np.int64]]:
    """Per agent, the days (since the epoch Monday, local time) they left an event on."""
    named = events[events["assignee"].notna()]
    day = np.floor(local_week_hours(named["at"], timezone).to_numpy(dtype=float) / 24)
    frame = pd.DataFrame({"agent": named["assignee"].astype(str).to_numpy(), "day": day})
    return {
        str(agent): np.unique(part["day"].to_numpy()).astype(np.int64)
        for agent, part in frame.groupby("agent", sort=False)
    }


def _weekly(
    intervals: pd.DataFrame, calendars: dict[str, AgentCalendar], timezone: str
) -> pd.DataFrame:
    """Per calendar week: effort, the agents seen working and their on-shift hours."""
    columns = ["effort_hours", "agents", "on_shift_hours"]
    if intervals.empty:
        return pd.DataFrame(columns=columns)
    epoch = pd.Timestamp("2000-01-03")
    week = np.floor(intervals["end"].to_numpy() / (7 * 24)).astype(np.int64)
    starts = epoch + pd.to_timedelta(week * 7, unit="D")
    frame = pd.DataFrame(
        {"week": starts, "holder": intervals["holder"], "effort": intervals["effort"]}
    )
    effort = frame.groupby("week")["effort"].sum()
    people = frame[frame["holder"].isin(list(calendars))].drop_duplicates(["week", "holder"])
    shift_hours = people["holder"].map({n: c.hours_per_week for n, c in calendars.items()})
    out = pd.DataFrame(
        {
            "effort_hours": effort,
            "agents": people.groupby("week").size().reindex(effort.index, fill_value=0),
            "on_shift_hours": shift_hours.astype(float)
            .groupby(people["week"])
            .sum()
            .reindex(effort.index, fill_value=0.0),
        }
    )
    out.index.name = f"week ({timezone})"
    return out


def estimate_effort(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    book: StatusBook,
    timezone: str = "UTC",
    work_hours: WeekCalendar | None = None,
) -> EffortEstimate:
    """Effort per ticket (see the module's docstring for the method).

    ``tickets`` needs ``id``, ``domain``, ``tier`` (filled); ``events`` needs ``ticket_id``,
    ``seq``, ``at``, ``status``, ``group``, ``assignee``, ``tier``, ``source_system``.
    ``work_hours`` replaces the inferred shifts when the user states the desk's hours.
    """
    ordered = events.sort_values(["ticket_id", "seq"], kind="stable").reset_index(drop=True)
    kinds = classify_statuses(ordered, book)
    at_work = ordered[kinds.ne("done").fillna(True).astype(bool)]
    calendars, desk = infer_calendars(at_work, timezone, fallback=work_hours)
    if work_hours is not None:
        calendars = {
            name: AgentCalendar(
                c.agent, work_hours, c.first_seen, c.last_seen, c.weeks_active, c.events, False
            )
            for name, c in calendars.items()
        }
        desk = work_hours
    pieces = _pieces(ordered, kinds, timezone)
    presence = _days_present(at_work, timezone)
    spans = pieces.spans
    effort = np.zeros(len(spans))
    shared = {str(k): v for k, v in pieces.shared.groupby("holder", sort=False)}
    direct = pieces.direct
    direct_effort = np.zeros(len(direct))
    direct_rows = {str(h): r for h, r in direct.groupby("holder", sort=False).indices.items()}
    span_rows = {str(h): r for h, r in spans.groupby("holder", sort=False).indices.items()}
    for holder in set(span_rows) | set(direct_rows):
        known = calendars.get(holder)
        calendar = PresenceCalendar(
            known.calendar if known is not None else desk, presence.get(holder)
        )
        rows = span_rows.get(holder, np.zeros(0, dtype=np.int64))
        part = spans.iloc[rows]
        busy = None
        if known is not None:  # a person: only their busy stretches are work
            stretch = shared.get(holder, pd.DataFrame({"start": [], "end": []}))
            stretch = stretch.sort_values("start")
            busy = (stretch["start"].to_numpy(dtype=float), stretch["end"].to_numpy(dtype=float))
        effort[rows] = _shared_time(
            part["start"].to_numpy(dtype=float), part["end"].to_numpy(dtype=float), calendar, busy
        )
        if holder in direct_rows:
            idx = direct_rows[holder]
            d = direct.iloc[idx]
            direct_effort[idx] = calendar.between(
                d["start"].to_numpy(dtype=float), d["end"].to_numpy(dtype=float)
            )
    intervals = pd.concat(
        [
            spans.assign(effort=effort, fix=False),
            direct.assign(effort=direct_effort).rename(columns={"quick": "fix"}),
        ],
        ignore_index=True,
    )
    known_tickets = ordered.loc[kinds.notna().to_numpy(), "ticket_id"].unique()
    index = pd.Index(known_tickets, name="ticket_id")
    total = intervals.groupby("ticket_id")["effort"].sum().reindex(index, fill_value=0.0)
    own_tier = tickets.set_index("id")["tier_filled"].astype("string")
    held = intervals["tier"].astype("string")
    mine = intervals["ticket_id"].map(own_tier).astype("string")
    own = (held.isna() | mine.isna() | (held == mine)).fillna(True).astype(bool)
    own_hours = (
        intervals[own.to_numpy()]
        .groupby("ticket_id")["effort"]
        .sum()
        .reindex(index, fill_value=0.0)
    )
    fix_value, cell_values = _fix_medians(intervals, tickets)
    zero = own_hours <= 0
    cells = tickets.set_index("id").reindex(index)
    keys = list(zip(cells["domain"].astype(str), cells["tier_filled"].astype(str), strict=True))
    fill = pd.Series(
        [cell_values.get(k, cell_values.get(("*", k[1]), fix_value)) for k in keys], index=index
    )
    own_hours = own_hours.where(~zero, fill)
    total = total.where(total > 0, fill)
    return EffortEstimate(
        hours=total.astype(float),
        own_tier_hours=own_hours.astype(float),
        imputed=zero.astype(bool),
        fix_hours=fix_value,
        weekly=_weekly(intervals, calendars, timezone),
        calendars=calendars,
        desk=desk,
    )


MIN_FIXES = 10
DEFAULT_FIX_HOURS = 0.25
"""With no positive quick fix anywhere in the log, a quarter of an hour (stated in notes)."""


def _fix_medians(
    intervals: pd.DataFrame, tickets: pd.DataFrame
) -> tuple[float, dict[tuple[str, str], float]]:
    """Median positive first-contact fix per domain x tier, per tier (``"*"``), and overall."""
    fixes = intervals[intervals["fix"] & (intervals["effort"] > 0)]
    cells = tickets.set_index("id")[["domain", "tier_filled"]].astype(str)
    joined = fixes.join(cells, on="ticket_id")
    overall = float(joined["effort"].median()) if len(joined) else DEFAULT_FIX_HOURS
    out: dict[tuple[str, str], float] = {}
    for tier, part in joined.groupby("tier_filled"):
        if len(part) >= MIN_FIXES:
            out[("*", str(tier))] = float(part["effort"].median())
    for key, part in joined.groupby(["domain", "tier_filled"]):
        domain, tier = cast(tuple[str, str], key)
        if len(part) >= MIN_FIXES:
            out[(str(domain), str(tier))] = float(part["effort"].median())
    return overall, out


def capacity_text(
    effort: EffortEstimate, start: datetime | None = None, end: datetime | None = None
) -> str:
    """The median week's effort against the on-shift hours of the agents seen working.

    With ``start``/``end`` (the calibrated period) only its weeks count: a thin tail of late
    tickets (the UCI log's nine months after the bulk) would otherwise make the median week
    one of a handful of people.
    """
    weekly = effort.weekly
    busy = weekly[weekly["agents"] > 0]
    if start is not None and end is not None:
        weeks = pd.DatetimeIndex(busy.index)
        first = pd.Timestamp(start).tz_localize(None).normalize() - pd.Timedelta(days=6)
        busy = busy[(weeks >= first) & (weeks <= pd.Timestamp(end).tz_localize(None))]
    if busy.empty:
        return "no agent is named in the events; effort cannot be set against capacity"
    median = busy.median()
    hours, shift = float(median["effort_hours"]), float(median["on_shift_hours"])
    share = f" ({hours / shift:.0%} utilisation implied)" if shift else ""
    return (
        f"a median week of {len(busy)} holds {hours:,.0f} hours of hands-on work against "
        f"{shift:,.0f} on-shift hours of the {median['agents']:,.0f} agents seen working{share}"
    )
