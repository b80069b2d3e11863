"""The team that actually worked the tickets, rebuilt from the stored history.

A back-test must simulate the people the history shows, not a team someone wrote down: who
touched tickets (events' assignee, else the ticket's resolver), which line they worked at (the
tier of the events they held, the people/ rule), which domains they worked, when (their shift,
read by ``calibrate.calendars.infer_calendars``) and in which weeks. Event logs carry no
roster, so two choices are made here and stated in ``TEAM_RULE``:

* **Who counts as one agent.** People come and go over a year; a desk of 230 names may have 80 at
  work in a given week. The simulated team is the *typical week*: per group of people (generalists;
  specialists by their main domain) the median number seen per week, filled with the people of
  that group active in the most weeks. Every group keeps at least one person, so no domain the
  history worked loses its people.
* **Skill levels.** The people/ evidence rule levels each person per domain (volume, speed,
  first-time fixes); those levels are reported. The simulated agents get the simulator's
  *reference* levels instead (2 for a generalist, 3 for a specialist in each domain that holds
  at least ``DOMAIN_SHARE`` of their tickets, 1 elsewhere they worked): the calibrated handling
  time is already the average of these very people, and the simulator's speed-up for levels
  above the reference would count their skill twice.

Groups whose name says managed services (``MSP_PATTERN``) become an MSP contract for the domains
they worked, not in-house agents, as the planner models MSPs.

Closing events a tool writes on its own (a ticket auto-closed days after its resolution) say
nothing about when people work, so only the first "done" event of a ticket (its resolution) is
kept with the working and waiting events when shifts and weeks are read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from deskmix.calibrate.calendars import AgentCalendar, describe_calendar, infer_calendars
from deskmix.calibrate.pipeline import UNMAPPED_DOMAIN
from deskmix.calibrate.statuses import StatusBook
from deskmix.domain.calendar import WeekCalendar
from deskmix.domain.team import Agent, AgentKind, MspContract, Shift, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DAYS
from deskmix.people.evidence import evidence_table
from deskmix.people.history import History
from deskmix.routing.base import SPECIALIST_MIN_LEVEL

UNMAPPED = UNMAPPED_DOMAIN  # the calibration's name for tickets without a domain
DOMAIN_SHARE = 0.10
"""A domain holding this share of a person's tickets is one they cover in the simulated team."""
GENERALIST_LEVEL = 2  # the simulator's reference level for generalist work (no speed-up)
MSP_PATTERN = re.compile(r"\bmsp\b|managed service|outsourc|vendor support", re.IGNORECASE)
FIRST_LINE = "first line"
TEAM_RULE = (
    "one agent per person at work in a typical week: per group (generalists; specialists by "
    "their main domain) the median number of people seen per week (an agent counts in a week "
    "when an event or resolution of theirs falls in it), at least one per group, filled with the "
    "group's people active in the most weeks; kind = the tier of most events they held (else of "
    "the tickets they resolved); shifts from the times of their events; specialists cover, at "
    f"level {SPECIALIST_MIN_LEVEL}, each domain holding at least {DOMAIN_SHARE:.0%} of their "
    "tickets; groups named like managed services become an MSP contract"
)


@dataclass(frozen=True)
class HistoryAgent:
    """One person the history shows, with what the team rebuild read about them."""

    name: str
    kind: AgentKind
    home: str
    """Their main domain (specialists) or ``first line`` (generalists)."""
    groups: list[str]
    tickets_by_domain: dict[str, int]
    evidence: dict[str, int]
    """people/ evidence levels per domain (from the tickets they resolved)."""
    first_seen: datetime
    last_seen: datetime
    weeks_active: int
    events: int
    shift: str
    own_shift: bool
    hours_per_week: float
    in_team: bool

    @property
    def tickets(self) -> int:
        return sum(self.tickets_by_domain.values())


@dataclass(frozen=True)
class HistoryTeam:
    """The people, the typical week's headcount per group and the ``Team`` to simulate."""

    agents: list[HistoryAgent]
    weeks: int
    """Calendar weeks in which anyone was seen."""
    weekly_headcount: list[int]
    """People seen in each of those weeks, in order."""
    typical: dict[str, int]
    """Group (``generalist`` or ``specialist: <domain>``) -> agents kept."""
    team: Team
    desk_shift: str
    msp_groups: list[str]
    notes: list[str]
    rule: str = TEAM_RULE

    @property
    def on_shift_hours_per_week(self) -> float:
        """Hours per week the simulated (typical-week) team is on shift."""
        return float(sum(sum(1 for on in a.on_duty() if on) for a in self.team.agents))

    def headcount(self) -> dict[tuple[str, str], int]:
        """Agents of the simulated team per (kind, home domain), for the plan's comparison."""
        out: dict[tuple[str, str], int] = {}
        for agent in self.agents:
            if agent.in_team:
                key = (agent.kind.value, agent.home)
                out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def work_events(events: pd.DataFrame, book: StatusBook) -> pd.DataFrame:
    """Events that show a person at work: all but a ticket's ``done`` events after its first.

    The first done event is the resolution (someone resolved it); later ones are closures a
    tool writes on its own, days later, at any hour.
    """
    if events.empty:
        return events
    pairs = events[["source_system", "status"]].astype("object").fillna("")
    kinds = {
        key: book.kind(str(key[0]), str(key[1]))
        for key in pairs.drop_duplicates().itertuples(index=False, name=None)
    }
    kind = pd.Series(
        [kinds[key] for key in pairs.itertuples(index=False, name=None)], index=events.index
    )
    done = (kind == "done").to_numpy()
    first_done = (
        done
        & ~pd.Series(done, index=events.index)
        .groupby(events["ticket_id"].to_numpy())
        .cumsum()
        .gt(1)
        .to_numpy()
    )
    return events[~done | first_done]


def _week_index(at: pd.Series, timezone: str) -> np.ndarray:
    local = pd.to_datetime(at, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return np.asarray(local.dt.to_period("W").astype("int64").to_numpy())


def _presence(tickets: pd.DataFrame, events: pd.DataFrame, history: History | None) -> pd.DataFrame:
    """(person, ticket, at, tier) rows: each event a person held, and the resolution of tickets
    whose events name nobody (sources without event logs) by their resolver."""
    held = events.loc[events["assignee"].notna() & events["at"].notna()]
    rows = pd.DataFrame(
        {
            "person": held["assignee"].astype(str).to_numpy(),
            "ticket": held["ticket_id"].to_numpy(),
            "at": pd.to_datetime(held["at"], utc=True).to_numpy(),
            "group": held["group"].astype("object").to_numpy(),
        }
    )
    if history is not None and not history.work.empty:
        covered = set(rows["ticket"].unique())
        work = history.work[~history.work["ticket"].isin(covered)]
        resolved = tickets.set_index("id")["resolved_at"]
        groups = tickets.set_index("id")["group"]
        extra = pd.DataFrame(
            {
                "person": work["person"].astype(str).to_numpy(),
                "ticket": work["ticket"].to_numpy(),
                "at": pd.to_datetime(work["ticket"].map(resolved), utc=True).to_numpy(),
                "group": work["ticket"].map(groups).astype("object").to_numpy(),
            }
        ).dropna(subset=["at"])
        rows = pd.concat([rows, extra], ignore_index=True)
    rows["at"] = pd.to_datetime(rows["at"], utc=True)
    return rows


def shifts_of(calendar: WeekCalendar) -> list[Shift]:
    """A week calendar as team-file shifts: one per run of hours, days with the same band merged."""
    bands: dict[tuple[int, int], list[str]] = {}
    for d, day in enumerate(DAYS):
        hours = calendar.mask[d * 24 : (d + 1) * 24]
        start = None
        for h in range(25):
            on = h < 24 and bool(hours[h])
            if on and start is None:
                start = h
            elif not on and start is not None:
                bands.setdefault((start, h), []).append(day)
                start = None
    return [
        Shift(days=days, start=f"{lo:02d}:00", end=f"{hi:02d}:00")
        for (lo, hi), days in sorted(bands.items(), key=lambda kv: (DAYS.index(kv[1][0]), kv[0]))
    ]


def _kind(person: str, history: History | None, tiers: pd.Series) -> AgentKind:
    if history is not None and person in history.person_tier.index:
        return AgentKind(str(history.person_tier[person]))
    if person in tiers.index:
        return AgentKind(str(tiers[person]))
    return AgentKind.GENERALIST


def _event_tiers(events: pd.DataFrame) -> pd.Series:
    """Each assignee's majority event tier (ties: generalist), for people the History lacks."""
    known = events[events["assignee"].notna() & events["tier"].notna()]
    if known.empty:
        return pd.Series(dtype="string")
    share = (known["tier"] == Tier.SPECIALIST.value).groupby(known["assignee"].astype(str)).mean()
    return pd.Series(np.where(share > 0.5, "specialist", "generalist"), index=share.index)


def _levels(kind: AgentKind, by_domain: dict[str, int]) -> dict[str, int]:
    total = sum(by_domain.values())
    deep = SPECIALIST_MIN_LEVEL if kind == AgentKind.SPECIALIST else GENERALIST_LEVEL
    return {
        domain: deep if total and n / total >= DOMAIN_SHARE else 1
        for domain, n in by_domain.items()
        if n > 0
    }


def rebuild_team(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    history: History | None,
    book: StatusBook,
    *,
    timezone: str = "UTC",
    name: str = "the history's team",
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> HistoryTeam:
    """The team the history shows (``tickets``/``events`` as ``calibrate.loading.load_frames``
    returns them; ``history`` from ``people.history`` for resolvers and tiers).

    ``window`` (the calibrated period) limits the weeks read: a thin tail of late tickets
    (the UCI log's year after the bulk) would otherwise count dozens of near-empty weeks and
    pull the typical week's headcount down.
    """
    notes: list[str] = []
    working = work_events(events, book) if not events.empty else events
    seen = _presence(tickets, working, history)
    if window is not None:
        seen = seen[(seen["at"] >= window[0]) & (seen["at"] < window[1])].reset_index(drop=True)
    if seen.empty:
        return HistoryTeam([], 0, [], {}, Team(name=name), "never", [], ["nobody is named"])
    domains = tickets.set_index("id")["domain"].astype("object").fillna(UNMAPPED)
    seen["domain"] = seen["ticket"].map(domains).fillna(UNMAPPED)
    seen["week"] = _week_index(seen["at"], timezone)
    calendars, desk = infer_calendars(
        seen.rename(columns={"person": "assignee"})[["assignee", "at"]], timezone
    )
    tiers = _event_tiers(events)
    evidence: dict[str, dict[str, int]] = {}
    if history is not None and not history.work.empty and history.by == "domain":
        table = evidence_table(history)
        for row in table.itertuples(index=False):
            evidence.setdefault(str(row.person), {})[str(row.area)] = int(str(row.level))
    per_ticket = seen.drop_duplicates(["person", "ticket"])
    by_domain: dict[str, dict[str, int]] = {}
    for person, domain, n in (
        per_ticket.groupby(["person", "domain"]).size().reset_index().itertuples(index=False)
    ):
        by_domain.setdefault(str(person), {})[str(domain)] = int(n)
    groups_of = (
        seen.dropna(subset=["group"])
        .groupby("person")["group"]
        .agg(lambda s: list(s.value_counts().index))
    )
    weeks_of: dict[str, set[int]] = {
        str(person): {int(w) for w in part} for person, part in seen.groupby("person")["week"]
    }
    all_weeks = sorted(set(seen["week"].tolist()))

    msp_people: dict[str, list[str]] = {}
    people: list[tuple[str, AgentKind, str, dict[str, int]]] = []
    for person in sorted(calendars):
        counts = by_domain.get(person, {})
        main_group = groups_of[person][0] if person in groups_of.index else None
        if main_group is not None and MSP_PATTERN.search(str(main_group)):
            msp_people.setdefault(str(main_group), []).append(person)
            continue
        kind = _kind(person, history, tiers)
        home = max(counts, key=lambda d: (counts[d], d)) if counts else UNMAPPED
        people.append((person, kind, home if kind == AgentKind.SPECIALIST else FIRST_LINE, counts))

    group_of = {
        p: (k.value if k == AgentKind.GENERALIST else f"specialist: {h}") for p, k, h, _ in people
    }
    typical: dict[str, int] = {}
    kept: set[str] = set()
    weekly_headcount = [sum(1 for p, *_ in people if w in weeks_of[p]) for w in all_weeks]
    for group in sorted(set(group_of.values())):
        members = [p for p in group_of if group_of[p] == group]
        per_week = [sum(1 for p in members if w in weeks_of[p]) for w in all_weeks]
        n = max(1, math.floor(float(np.median(per_week)) + 0.5))
        ranked = sorted(
            members,
            key=lambda p: (-len(weeks_of[p]), -sum(by_domain[p].values()), p),
        )
        typical[group] = min(n, len(members))
        kept.update(ranked[: typical[group]])

    agents: list[HistoryAgent] = []
    team_agents: list[Agent] = []
    for person, kind, home, counts in people:
        cal: AgentCalendar = calendars[person]
        agents.append(
            HistoryAgent(
                name=person,
                kind=kind,
                home=home,
                groups=[str(g) for g in groups_of.get(person, [])],
                tickets_by_domain=dict(sorted(counts.items(), key=lambda kv: -kv[1])),
                evidence=evidence.get(person, {}),
                first_seen=cal.first_seen.to_pydatetime(),
                last_seen=cal.last_seen.to_pydatetime(),
                weeks_active=len(weeks_of[person]),
                events=cal.events,
                shift=cal.describe(),
                own_shift=cal.own,
                hours_per_week=cal.hours_per_week,
                in_team=person in kept,
            )
        )
        if person in kept:
            team_agents.append(
                Agent(
                    name=person,
                    kind=kind,
                    skills=_levels(kind, counts),
                    cost_per_hour=0.0,
                    shifts=shifts_of(cal.calendar) or [Shift()],
                )
            )
    msp = [
        MspContract(
            name=group,
            domains=sorted({d for p in members for d in by_domain[p]}),
            tiers=[Tier.SPECIALIST],
        )
        for group, members in sorted(msp_people.items())
    ]
    team_agents = _cover(team_agents, tickets, msp, notes)
    if msp:
        notes.append(
            "managed services: "
            + "; ".join(f"{c.name} ({len(msp_people[c.name])} people)" for c in msp)
            + " modelled as MSP contracts (default response time and pricing)"
        )
    return HistoryTeam(
        agents=sorted(agents, key=lambda a: (a.kind.value, a.home, -a.weeks_active, a.name)),
        weeks=len(all_weeks),
        weekly_headcount=weekly_headcount,
        typical=typical,
        team=Team(name=name, agents=team_agents, msp=msp),
        desk_shift=describe_calendar(desk),
        msp_groups=sorted(msp_people),
        notes=notes,
    )


def _cover(
    agents: list[Agent], tickets: pd.DataFrame, msp: list[MspContract], notes: list[str]
) -> list[Agent]:
    """Give each domain with specialist work someone able to resolve it (level 3): the kept
    specialist who worked it most, so the simulation does not strand work the history resolved."""
    tier = tickets["tier"].astype("object")
    domain = tickets["domain"].astype("object").fillna(UNMAPPED)
    needed = sorted(set(domain[tier == Tier.SPECIALIST.value].astype(str)))
    out = list(agents)
    for d in needed:
        if any(a.kind == AgentKind.SPECIALIST and a.level(d) >= SPECIALIST_MIN_LEVEL for a in out):
            continue
        if any(d in c.domains for c in msp):
            continue
        candidates = [(a.level(d), i) for i, a in enumerate(out) if a.kind == AgentKind.SPECIALIST]
        if not candidates:
            notes.append(f"{d}: specialist work, but no specialist in the history's team")
            continue
        _, best = max(candidates)
        agent = out[best]
        out[best] = agent.model_copy(update={"skills": {**agent.skills, d: SPECIALIST_MIN_LEVEL}})
        notes.append(
            f"{d}: no kept specialist worked it often enough; {agent.name} given level "
            f"{SPECIALIST_MIN_LEVEL} so its specialist work has someone"
        )
    return out
