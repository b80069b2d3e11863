"""The two extremes of the design space, in closed form: every ticket pooled on versatile
people, and every domain on its own specialists.

They bracket the search. Pooling is the most efficient way to use people (one queue, nobody
idle while work waits, no first-line attempt before a hand-off), so the **pooled extreme**
gives a floor: no design of in-house people at reference skill meets the SLAs with fewer
people than its stability bound ``floor(a) + 1``, and its Erlang C staff is the headcount of
the ideal, unattainable all-versatile team. The **unpooled extreme** staffs each domain
separately (its generalist- and specialist-tier work on its own people, at least the bus
factor); it is what no pooling at all would cost, so a design needing more people than
twice that is a sign the search is chasing an unreachable target, and the climb stops there.

The shift coverage rule of ``bounds.py`` applies: offered load on duty = weekly work hours /
on-duty hours per week. Each figure is exactly what it is called:

- the pooled extreme's people are Erlang C (fewest servers of one M/M/c queue with
  P(wait <= response target) >= share for the strictest response target), divided by
  ``1 - s`` for the hires' shrinkage s, with no other rule mixed in;
- its **floor** is the long-run stability bound at the fastest speed any hire works: a
  specialist hire (level 3) does generalist-tier work 1.25 times as fast as the reference
  level, so generalist-tier hours count at 0.8 when the option has in-house specialist work,
  and people are counted at the smallest shrinkage of any hire. Fewer people cannot keep up
  with the work in the long run whatever the mix; the search never goes below it, so a
  recommendation never contradicts the bound printed beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Shift
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.plan.bounds import on_duty_hours, reference_mean
from deskmix.plan.erlang import erlang_c_staff, square_root_staff
from deskmix.sim.model import SKILL_STEP

FASTEST_ON_GENERALIST_WORK = 1 / SKILL_STEP  # a level-3 hire on generalist-tier work


@dataclass(frozen=True)
class Extreme:
    """One extreme: its headcount, the hourly cost of that many people, and how it was found."""

    name: str
    people: int
    floor: int  # the stability bound (fewer and the queue grows without limit)
    offered_on_duty: float
    cost_per_week: float
    rule: str


@dataclass(frozen=True)
class Extremes:
    pooled: Extreme
    unpooled: Extreme
    per_domain: dict[str, int]  # unpooled staff of each domain

    @property
    def headcount_cap(self) -> int:
        """Where the climb gives up an option: twice the unpooled extreme's people."""
        return 2 * max(self.unpooled.people, self.pooled.people)


def _strictest(sla: SlaPolicy, priorities: set[str]) -> list[tuple[float, float]]:
    return [(t.response_hours, t.share) for t in sla.targets if t.priority.value in priorities]


def _hires(people: int, shrinkage: float) -> int:
    """People at work -> people hired, when a share of their hours is lost."""
    if shrinkage <= 0 or people <= 0:
        return people
    return math.ceil(people / (1 - shrinkage) - 1e-9)


def _erlang_c(tickets: float, work: float, on_duty: int, targets: list[tuple[float, float]]) -> int:
    """Erlang C for the strictest response target (square-root staffing without targets)."""
    if tickets <= 0:
        return 0
    rate, mean = tickets / on_duty, work / tickets
    if not targets:
        return square_root_staff(work / on_duty)
    return max(erlang_c_staff(rate, mean, within, share) for within, share in targets)


def _staff(tickets: float, work: float, on_duty: int, targets: list[tuple[float, float]]) -> int:
    """A domain on its own: Erlang C, never below square-root staffing (the specialists' SLA
    is a resolution time, which a response-time formula alone understaffs)."""
    if tickets <= 0:
        return 0
    return max(square_root_staff(work / on_duty), _erlang_c(tickets, work, on_duty, targets))


def extremes(
    workload: Workload,
    sla: SlaPolicy,
    shifts: list[Shift],
    *,
    msp_domains: frozenset[str] = frozenset(),
    generalist_cost: float,
    specialist_cost: Callable[[str], float],
    bus_minimum: Callable[[str], int],
    shrinkage: tuple[float, float] = (0.0, 0.0),
) -> Extremes:
    """Both extremes for the work left in-house when ``msp_domains`` are bought;
    ``shrinkage`` is the hires' (generalist, specialist) share of shift hours lost.

    Bought domains keep only their generalist-tier work in-house. Costs are people only (an
    MSP's bill is the same in both extremes) at the generalist rate (pooled) or each domain's
    specialist rate (unpooled), for the hours the new hires are on duty.
    """
    on_duty = on_duty_hours(shifts)
    tickets: dict[str, float] = {}
    work: dict[str, float] = {}
    priorities: dict[str, set[str]] = {}
    deep: set[str] = set()  # domains with specialist work in-house: the bus factor applies
    broad_work = 0.0  # generalist-tier hours, which a specialist hire does faster
    for stream in workload.arrivals:
        n = stream.tickets_per_week
        if n <= 0 or (stream.tier == Tier.SPECIALIST and stream.domain in msp_domains):
            continue
        d = stream.domain
        tickets[d] = tickets.get(d, 0.0) + n
        hours = n * reference_mean(workload, d, stream.tier)
        work[d] = work.get(d, 0.0) + hours
        if stream.tier != Tier.SPECIALIST:
            broad_work += hours
        priorities.setdefault(d, set()).add(stream.priority.value)
        if stream.tier == Tier.SPECIALIST:
            deep.add(d)
    all_tickets, all_work = sum(tickets.values()), sum(work.values())
    every = set().union(*priorities.values()) if priorities else set()
    at_work = _erlang_c(all_tickets, all_work, on_duty, _strictest(sla, every))
    pooled_people = _hires(at_work, shrinkage[0])
    pooled_offered = all_work / on_duty
    fastest = (all_work - broad_work * (1 - FASTEST_ON_GENERALIST_WORK)) if deep else all_work
    least_lost = min(shrinkage)
    floor = math.floor(fastest / on_duty / (1 - least_lost)) + 1 if all_work > 0 else 0
    lost = (
        f" at work, {pooled_people} hired with {shrinkage[0]:.1%} shrinkage"
        if shrinkage[0] > 0
        else ""
    )
    pooled = Extreme(
        name="all generalists (pooled)",
        people=pooled_people,
        floor=floor,
        offered_on_duty=pooled_offered,
        cost_per_week=pooled_people * generalist_cost * on_duty,
        rule=f"every ticket on one pool of versatile people: {pooled_offered:.2f} Erlangs on "
        f"duty, Erlang C for the strictest response target: {at_work}{lost}; "
        f"floor {floor}: fewer cannot keep up with the work at any hire's speed",
    )
    per_domain: dict[str, int] = {}
    for d in sorted(tickets):
        own = _staff(tickets[d], work[d], on_duty, _strictest(sla, priorities[d]))
        share = shrinkage[1] if d in deep else shrinkage[0]
        per_domain[d] = max(_hires(own, share), bus_minimum(d) if d in deep else 0)
    unpooled_offered = sum(work.values()) / on_duty
    unpooled = Extreme(
        name="all specialists (unpooled)",
        people=sum(per_domain.values()),
        floor=sum(math.floor(work[d] / on_duty / (1 - least_lost)) + 1 for d in per_domain),
        offered_on_duty=unpooled_offered,
        cost_per_week=sum(n * specialist_cost(d) * on_duty for d, n in per_domain.items()),
        rule="each domain's work on its own specialists (Erlang C for its strictest response "
        "target, at least the bus factor): " + ", ".join(f"{d} {n}" for d, n in per_domain.items()),
    )
    return Extremes(pooled, unpooled, per_domain)
