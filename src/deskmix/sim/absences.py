"""Shrinkage in the simulator: public holidays, training and meetings, leave and sickness.

Simulation hour 0 is the Monday ``SimSettings.start_date`` 00:00, so every run day is a date.

- **Public holidays** (a person's country calendar or dates): the person is off the whole
  day. Fixed, the same in every replication. MSP seats (``source: msp``) are unaffected.
- **Training and meetings** are a flat share ``f = training_days / working days a year +
  meetings_share`` of on-shift hours, removed as whole hours spread evenly: of a person's
  on-shift hours (public holidays excluded) numbered j = 0, 1, ..., hour j is removed when
  ``floor((j + 1) f + phase)`` exceeds ``floor(j f + phase)``, with ``phase = i / n`` for the
  i-th of the team's n agents, so the removed hours are staggered between people and the
  number at work in any hour stays within one of ``(1 - f)`` times the number on shift.
  Fixed, the same in every replication.
- **Leave and sickness** are drawn per replication as whole days off, from a stream of their
  own per person (``absence_seed``: the replication's seed with a spawn key of the absence
  stream and the person's name), so ticket draws are unchanged (common random numbers hold
  against a run without absences) and a person's absences are the same in every design of a
  plan that has them.
  *Leave*: each calendar year the run touches, ``round(annual_leave_days)`` working days (not
  public holidays) in blocks: one of 10 working days when there are that many, then weeks of
  5, then single days. A block starts on a working day drawn with weight 3 in July and
  August and 2 from 20 December to 3 January (``leave_pattern: seasonal``; 1 everywhere with
  ``even``) and takes the next free working days, so summer has several people out at once.
  *Sickness*: on the working days not on leave, spells start with probability
  ``r / (m (1 - r))`` and last a geometric number of working days with mean ``m = 2`` (single
  days and short spells), so about a share ``r`` of those days is lost (a little less where
  spells overlap).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deskmix.domain.shrinkage import LeavePattern, Shrinkage
from deskmix.domain.team import Agent, AgentKind, AgentSource, Team
from deskmix.domain.workload import HOURS_PER_WEEK
from deskmix.errors import ConfigError

ABSENCE_STREAM = 0x5AB5E  # spawn key of the absence streams under a replication's seed
SPELL_MEAN_DAYS = 2.0
LONG_BLOCK, WEEK_BLOCK = 10, 5
PROJECT_LEVEL = 3  # the level a specialist needs in a domain to work on its projects


@dataclass(frozen=True)
class PersonAbsences:
    """What a replication needs to draw one person's leave and sickness."""

    agent: int
    name: str
    leave_days: int
    sickness_rate: float
    years: tuple[tuple[NDArray[np.int64], NDArray[np.float64]], ...]
    """Per calendar year the run touches: its working days as run-day offsets (negative or
    past the run for days outside it) and each day's weight as a block start."""
    working: NDArray[np.bool_]  # per run day: on shift and not a public holiday


@dataclass(frozen=True)
class AbsencePlan:
    people: tuple[PersonAbsences, ...]
    days: int


def run_years(start: dt.date, days: int) -> range:
    return range(start.year, (start + dt.timedelta(days=max(days - 1, 0))).year + 1)


def _season_weight(day: dt.date, pattern: LeavePattern) -> float:
    if pattern == LeavePattern.EVEN:
        return 1.0
    if day.month in (7, 8):
        return 3.0
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3):
        return 2.0
    return 1.0


def _working_weekdays(weekly: NDArray[np.bool_]) -> NDArray[np.bool_]:
    return np.asarray(weekly.reshape(7, 24).any(axis=1), dtype=bool)


def working_days_in_year(shrinkage: Shrinkage, weekly: NDArray[np.bool_], year: int) -> int:
    """Days of ``year`` with shift hours that are not public holidays."""
    weekdays = _working_weekdays(weekly)
    holidays = shrinkage.holiday_dates(range(year, year + 1))
    day, count = dt.date(year, 1, 1), 0
    while day.year == year:
        count += bool(weekdays[day.weekday()]) and day not in holidays
        day += dt.timedelta(days=1)
    return count


def flat_share(shrinkage: Shrinkage, weekly: NDArray[np.bool_], year: int) -> float:
    """Training and meetings as a share of on-shift hours."""
    working = working_days_in_year(shrinkage, weekly, year)
    training = shrinkage.training_days / working if working else 0.0
    return training + shrinkage.meetings_share


def expected_shrinkage(shrinkage: Shrinkage | None, weekly: NDArray[np.bool_], year: int) -> float:
    """The expected share of on-shift hours lost, holidays, leave, sickness, training and
    meetings together (sickness taken as exactly ``r`` of the days not on leave)."""
    if shrinkage is None:
        return 0.0
    weekdays = _working_weekdays(weekly)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    shift_days = sum(
        bool(weekdays[(first + dt.timedelta(days=k)).weekday()])
        for k in range((last - first).days + 1)
    )
    if shift_days == 0:
        return 0.0
    working = working_days_in_year(shrinkage, weekly, year)
    leave = min(round(shrinkage.annual_leave_days), working)
    present = (working - leave) / shift_days * (1 - shrinkage.sickness_rate)
    return 1.0 - present * (1 - min(flat_share(shrinkage, weekly, year), 1.0))


def apply_fixed(
    team: Team, start: dt.date, available: NDArray[np.bool_]
) -> tuple[AbsencePlan | None, NDArray[np.bool_]]:
    """Remove public holidays and the training-and-meetings hours from ``available`` (in
    place); return the plan of what each replication draws, and the public-holiday days per
    agent x run day. ``available`` is agents x hours and still equals the shifts here."""
    if start.weekday() != 0:
        raise ConfigError(f"the run's start date {start} is not a Monday")
    agents, hours = available.shape
    days = -(-hours // 24)
    years = run_years(start, days)
    holiday = np.zeros((agents, days), dtype=bool)
    people: list[PersonAbsences] = []
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    for i, agent in enumerate(team.agents):
        shrinkage = agent.shrinkage
        if shrinkage is None or agent.source == AgentSource.MSP:
            continue
        weekly = np.array(agent.on_duty(), dtype=bool)
        off = shrinkage.holiday_dates(years)
        for k, day in enumerate(dates):
            if day in off:
                holiday[i, k] = True
        row = available[i]
        row &= ~np.repeat(holiday[i], 24)[:hours]
        share = flat_share(shrinkage, weekly, start.year)
        if share >= 1:
            raise ConfigError(
                f"agent '{agent.name}': training days and meetings_share take every on-shift "
                f"hour ({share:.0%}); expected less than 100%"
            )
        if share > 0:
            on = np.flatnonzero(row)
            j = np.arange(on.size, dtype=float)
            phase = i / max(agents, 1)
            removed = np.floor((j + 1) * share + phase) > np.floor(j * share + phase)
            row[on[removed]] = False
        if shrinkage.draws_absences:
            weekdays = _working_weekdays(weekly)
            run_working = (
                np.array([bool(weekdays[d.weekday()]) for d in dates], dtype=bool) & ~holiday[i]
            )
            per_year = []
            for year in years:
                day, offsets, weights = dt.date(year, 1, 1), [], []
                holidays = shrinkage.holiday_dates(range(year, year + 1))
                while day.year == year:
                    if weekdays[day.weekday()] and day not in holidays:
                        offsets.append((day - start).days)
                        weights.append(_season_weight(day, shrinkage.leave_pattern))
                    day += dt.timedelta(days=1)
                per_year.append((np.array(offsets, dtype=np.int64), np.array(weights, dtype=float)))
            people.append(
                PersonAbsences(
                    agent=i,
                    name=agent.name,
                    leave_days=round(shrinkage.annual_leave_days),
                    sickness_rate=shrinkage.sickness_rate,
                    years=tuple(per_year),
                    working=run_working,
                )
            )
    plan = AbsencePlan(tuple(people), days) if people else None
    return plan, holiday


def works_on_projects(agent: Agent) -> bool:
    """An in-house agent of kind ``specialist`` at level 3 or more in some domain."""
    return (
        agent.kind == AgentKind.SPECIALIST
        and agent.source != AgentSource.MSP
        and max(agent.skills.values(), default=0) >= PROJECT_LEVEL
    )


def reserve_for_projects(
    team: Team, share: float, available: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Take ``share`` of every in-house specialist's remaining hours out of ``available`` (in
    place) for project work, spread evenly and staggered between people as the meetings
    share is (hour j of a person's available hours is reserved when ``floor((j + 1) share +
    phase)`` exceeds ``floor(j share + phase)``, ``phase = (i + 0.5) / n``); return the
    reserved hours, agents x hours. A specialist is an agent of kind ``specialist`` at level
    3 or more in some domain; generalists and MSP seats keep all their hours."""
    reserved = np.zeros_like(available)
    if share <= 0:
        return reserved
    agents = max(len(team.agents), 1)
    for i, agent in enumerate(team.agents):
        if not works_on_projects(agent):
            continue
        on = np.flatnonzero(available[i])
        j = np.arange(on.size, dtype=float)
        phase = (i + 0.5) / agents
        taken = on[np.floor((j + 1) * share + phase) > np.floor(j * share + phase)]
        reserved[i, taken] = True
        available[i, taken] = False
    return reserved


def absence_seed(seed: np.random.SeedSequence | int, name: str) -> np.random.SeedSequence:
    """A person's absence stream under a replication's seed: never drawn from the ticket
    stream, the same for the same person in every design."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    key = (*root.spawn_key, ABSENCE_STREAM, zlib.crc32(name.encode()))
    return np.random.SeedSequence(root.entropy, spawn_key=key)


def _leave(person: PersonAbsences, rng: np.random.Generator, days: int) -> NDArray[np.int64]:
    out: list[NDArray[np.int64]] = []
    for offsets, weights in person.years:
        n = offsets.size
        total = min(person.leave_days, n)
        if total == 0:
            continue
        sizes = []
        left = total
        if left >= LONG_BLOCK:
            sizes.append(LONG_BLOCK)
            left -= LONG_BLOCK
        while left >= WEEK_BLOCK:
            sizes.append(WEEK_BLOCK)
            left -= WEEK_BLOCK
        sizes += [1] * left
        taken = np.zeros(n, dtype=bool)
        for size in sizes:
            free_weights = np.where(taken, 0.0, weights)
            first = int(rng.choice(n, p=free_weights / free_weights.sum()))
            order = np.roll(np.arange(n), -first)
            chosen = order[~taken[order]][:size]
            taken[chosen] = True
        picked = offsets[taken]
        out.append(picked[(picked >= 0) & (picked < days)])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _sickness(
    person: PersonAbsences, rng: np.random.Generator, free: NDArray[np.bool_]
) -> NDArray[np.int64]:
    rate = person.sickness_rate
    days = np.flatnonzero(free)
    if rate <= 0 or days.size == 0:
        return np.zeros(0, dtype=np.int64)
    start_p = min(1.0, rate / (SPELL_MEAN_DAYS * (1 - rate)))
    starts = np.flatnonzero(rng.random(days.size) < start_p)
    lengths = rng.geometric(1 / SPELL_MEAN_DAYS, starts.size)
    cover = np.zeros(days.size + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, np.minimum(starts + lengths, days.size), -1)
    return days[np.cumsum(cover[:-1]) > 0]


def draw_absent_days(
    plan: AbsencePlan, agents: int, seed: np.random.SeedSequence | int
) -> NDArray[np.bool_]:
    """Agents x run days: out on leave or sick in this replication."""
    absent = np.zeros((agents, plan.days), dtype=bool)
    for person in plan.people:
        rng = np.random.default_rng(absence_seed(seed, person.name))
        leave = _leave(person, rng, plan.days)
        absent[person.agent, leave] = True
        free = person.working & ~absent[person.agent]
        absent[person.agent, _sickness(person, rng, free)] = True
    return absent


def weekly_pattern(team: Team) -> NDArray[np.bool_]:
    return np.array([a.on_duty() for a in team.agents], dtype=bool).reshape(
        len(team.agents), HOURS_PER_WEEK
    )
