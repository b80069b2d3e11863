"""Who is here now: the people a skills picture may count, and who dropped out of the history.

A person counts when they resolved a ticket in the recent window (default: the last 8 weeks of
the history, or from ``since``) and their silence since their last resolution is one their own
rhythm explains: at their usual rate (tickets over the span they were active), the chance of
no ticket in that many hours is above ``silence_p`` (1%). A resolver of ten tickets a week
who fell silent four weeks before the end has left, though the last ticket is inside an 8-week
window; someone who resolves one ticket a month may be quiet for four weeks by chance. Silences
shorter than ``min_silence_weeks`` are never read as leaving (holidays). A team file or CSV
overrides both: ``status: left`` or ``absent`` removes a person, and a person the team file
lists as active counts even without recent tickets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from deskmix.errors import InputError
from deskmix.people.history import History

DEFAULT_WEEKS = 8
SILENCE_P = 0.01
MIN_SILENCE_WEEKS = 2.0


@dataclass(frozen=True)
class PresenceRule:
    weeks: float = DEFAULT_WEEKS
    since: datetime | None = None
    silence_p: float = SILENCE_P
    min_silence_weeks: float = MIN_SILENCE_WEEKS

    def __post_init__(self) -> None:
        if self.weeks <= 0 or not 0 < self.silence_p < 1:
            raise ValueError("the window needs weeks > 0 and 0 < silence_p < 1")


@dataclass(frozen=True)
class Departure:
    person: str
    last_seen: datetime | None
    reason: str


@dataclass(frozen=True)
class Presence:
    since: datetime | None
    end: datetime | None
    active: frozenset[str]
    gone: list[Departure] = field(default_factory=list)


def who_is_here(
    history: History | None,
    rule: PresenceRule | None = None,
    status: dict[str, str] | None = None,
) -> Presence:
    """The people active now and the departures, each with the reason in words."""
    rule = rule or PresenceRule()
    status = status or {}
    declared_active = {p for p, s in status.items() if s == "active"}
    marked = {p: s for p, s in status.items() if s != "active"}
    gone: list[Departure] = []
    active: set[str] = set(declared_active)
    end = history.end if history is not None else None
    since = None
    if history is not None and end is not None:
        try:
            since = pd.Timestamp(rule.since) if rule.since else end - pd.Timedelta(weeks=rule.weeks)
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            raise InputError(
                "not a usable date",
                field="since",
                value=str(rule.since),
                expected="a date between 1678 and 2261, e.g. 2016-04-01",
            ) from None
        if since.tzinfo is None:
            since = since.tz_localize("UTC")
        work = history.work.dropna(subset=["resolved_at"])
        spans = work.groupby("person")["resolved_at"].agg(["min", "max", "count"])
        for person, row in spans.iterrows():
            name = str(person)
            if name in marked or name in declared_active:
                continue
            last = row["max"]
            silent = max(0.0, (end - last).total_seconds() / 3600)
            if last < since:
                gone.append(
                    Departure(
                        name,
                        last.to_pydatetime(),
                        f"last resolved {last:%Y-%m-%d}, before the window from {since:%Y-%m-%d}",
                    )
                )
                continue
            span = (last - row["min"]).total_seconds() / 3600
            rate = (int(row["count"]) - 1) / span if span > 0 else 0.0
            chance = math.exp(-rate * silent)
            if silent >= rule.min_silence_weeks * 168 and chance < rule.silence_p:
                gone.append(
                    Departure(
                        name,
                        last.to_pydatetime(),
                        f"silent for the last {silent / 168:.1f} weeks; at their usual "
                        f"{rate * 168:.1f} tickets a week that happens by chance with "
                        f"probability {chance:.0e}",
                    )
                )
                continue
            active.add(name)
    for person, state in sorted(marked.items()):
        gone.append(Departure(person, None, f"marked {state} in the team file"))
    gone.sort(
        key=lambda d: (d.last_seen is None, d.last_seen.timestamp() if d.last_seen else 0, d.person)
    )
    return Presence(
        since=since.to_pydatetime() if since is not None else None,
        end=end.to_pydatetime() if end is not None else None,
        active=frozenset(active),
        gone=gone,
    )
