"""The planning problem: the inputs, the cost model and the memo of every design simulated.

``PlanProblem`` holds what does not change while a plan is searched: the workload, the SLA,
the cost table, the MSP offers, the run settings and the staff who stay; what follows from
them (the domains, who stays in which pool, the on-shift hours a hire is paid for, the
analytic bounds, the extremes and each MSP option's cost floor); and the memo of designs
already simulated, with the search log in the order they were simulated. The search
(``search.py``, ``option_search.py``, ``budget.py``), the moves (``moves.py``, ``bisect.py``)
and the reasons (``reasons.py``) read it; only the search simulates, and it writes every
result here through ``record``, so each design is simulated once.
"""

from __future__ import annotations

import functools
import itertools
import math

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind, MspContract, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.plan.bounds import (
    PoolBound,
    hire_shrinkage,
    on_duty_hours,
    pool_bounds,
    reference_mean,
)
from deskmix.plan.design import Design, to_team
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.extremes import Extremes, extremes
from deskmix.plan.frontier import WEEKS_PER_YEAR
from deskmix.plan.inputs import CostTable, pair_pool, pool_domains
from deskmix.plan.moves import TOTAL
from deskmix.plan.result import Step
from deskmix.routing.base import SPECIALIST_MIN_LEVEL

MAX_OFFERS_COMBINED = 3
WEEKS_PER_MONTH = 52 / 12


class PlanProblem:
    """The inputs, the cost model and the memo of simulated designs for one planning question.

    ``existing`` is the staff who stay: in every design, paid, never removed; the search
    only adds hires and MSP help. ``budget_per_year`` turns on budget mode: the best
    service for at most that cost a year (52 weeks), see ``budget.py``.
    """

    def __init__(
        self,
        workload: Workload,
        sla: SlaPolicy,
        costs: CostTable,
        offers: list[MspContract],
        run: RunSettings,
        *,
        existing: Team | None = None,
        budget_per_year: float | None = None,
    ) -> None:
        if budget_per_year is not None and not budget_per_year > 0:
            raise ConfigError(f"the budget must be above 0 a year; got {budget_per_year:g}")
        self.budget_per_week = None if budget_per_year is None else budget_per_year / WEEKS_PER_YEAR
        self.workload, self.sla, self.costs, self.offers = workload, sla, costs, offers
        self.run = run
        # who is here now: people the team file marks absent or left are not staff who stay,
        # so they neither cover a domain's bus factor nor cost anything (the skills review's
        # picture, docs/people.md "Who is here now")
        existing = existing.present() if existing is not None else None
        self.existing = existing
        self.domains = sorted({s.domain for s in workload.arrivals})
        self.spec_domains = sorted(
            {
                s.domain
                for s in workload.arrivals
                if s.tier == Tier.SPECIALIST and s.tickets_per_week > 0
            }
        )
        staying = list(existing.agents) if existing is not None else []
        self.existing_generalists = sum(1 for a in staying if a.kind == AgentKind.GENERALIST)
        self.existing_cover = {
            d: sum(
                1
                for a in staying
                if a.kind == AgentKind.SPECIALIST and a.level(d) >= SPECIALIST_MIN_LEVEL
            )
            for d in self.domains
        }
        self.shift_hours = on_duty_hours(list(costs.constraints.shifts))
        self.existing_cost = sum(a.cost_per_hour * sum(a.on_duty()) for a in staying)  # per week
        self.memo: dict[Design, Evaluation] = {}
        self.bounds_memo: dict[frozenset[str], list[PoolBound]] = {}
        self.log: list[Step] = []

    # -- the memo -----------------------------------------------------------------------------
    def record(self, design: Design, why: str, evaluation: Evaluation) -> None:
        """Keep a simulated design's evaluation and log it (the search log's order)."""
        self.memo[design] = evaluation
        binding = evaluation.binding
        self.log.append(
            Step(
                design,
                why,
                evaluation.feasible,
                evaluation.cost.mean,
                binding.describe() if binding else "no SLA targets",
            )
        )

    def incumbent(self) -> float:
        """The cheapest feasible design simulated so far (infinity before the first)."""
        return min((e.cost.mean for e in self.memo.values() if e.feasible), default=math.inf)

    def incumbent_high(self) -> float:
        """The upper end of the 95% interval of that design's cost: what an option must be
        sure to exceed before it is dropped (pruning by intervals, not means; an MSP bill
        varies with the tickets drawn, so two options' means alone can mislead)."""
        feasible = [e for e in self.memo.values() if e.feasible]
        if not feasible:
            return math.inf
        best = min(feasible, key=lambda e: e.cost.mean)
        return best.cost.mean + (0.0 if math.isnan(best.cost.half_width) else best.cost.half_width)

    def best_found(self) -> Design | None:
        """The cheapest feasible design simulated so far, of any MSP option."""
        feasible = [(e.cost.mean, d.label(), d) for d, e in self.memo.items() if e.feasible]
        return min(feasible)[2] if feasible else None

    # -- costs and limits -------------------------------------------------------------------
    def team(self, design: Design) -> Team:
        return to_team(design, self.costs, self.domains, self.offers, design.label(), self.existing)

    def pool_cost(self, pool: str) -> float:
        return self.costs.pool_cost(pool)

    def people_cost(self, design: Design) -> float:
        """People per week, exactly as the simulator bills them (paid on-shift hours)."""
        hired = sum(design.count(p) * self.pool_cost(p) for p in design.pools())
        return hired * self.shift_hours + self.existing_cost

    def msp_floor(self, msp: tuple[str, ...]) -> float:
        """What the bought offers must bill a week at least: every covered specialist ticket
        goes to them (retainer, per ticket, per hour, overage on the mean volume)."""
        covered = self.covered(msp)
        total = 0.0
        factor = self.run.load_factor
        for offer in (o for o in self.offers if o.name in msp):
            mine = [d for d in covered if offer.covers(d, Tier.SPECIALIST)]
            tickets = hours = 0.0
            for stream in self.workload.arrivals:
                if stream.tier == Tier.SPECIALIST and stream.domain in mine:
                    n = stream.tickets_per_week * factor
                    tickets += n
                    hours += n * reference_mean(self.workload, stream.domain, Tier.SPECIALIST)
            p = offer.pricing
            monthly = tickets * WEEKS_PER_MONTH
            overage = max(0.0, monthly - p.included_tickets_per_month) / WEEKS_PER_MONTH
            total += (
                p.retainer_per_month / WEEKS_PER_MONTH
                + p.per_ticket * tickets
                + p.per_hour * hours * offer.handling_factor
                + p.overage_per_ticket * overage
            )
            covered = covered - set(mine)  # the first covering contract takes the tickets
        return total

    def minimum(self, pool: str) -> int:
        """New hires a one-domain pool needs for the constraints, given who stays."""
        c = self.costs.constraints
        if pool == "generalists":
            return max(0, c.min_generalists - self.existing_generalists)
        return max(0, c.min_for(pool) - self.existing_cover.get(pool, 0))

    def headcount_limit(self, extreme: Extremes) -> int:
        staying = len(self.existing.agents) if self.existing is not None else 0
        return min(self.costs.constraints.max_headcount - staying, extreme.headcount_cap)

    def pool_name(self, pool: str) -> str:
        if pool == "generalists":
            return "generalist"
        if "+" in pool:
            return f"{pool} cross-trained specialist"
        return f"{pool} specialist"

    def pool_members(self, team: Team, pool: str) -> list[str]:
        if pool == "generalists":
            return [a.name for a in team.agents if a.kind == AgentKind.GENERALIST]
        domains = pool_domains(pool)
        return [
            a.name
            for a in team.agents
            if a.kind == AgentKind.SPECIALIST
            and any(a.level(d) >= SPECIALIST_MIN_LEVEL for d in domains)
        ]

    # -- options and their bounds -----------------------------------------------------------
    def buyable(self) -> list[str]:
        """Domains an MSP can take over: specialist work and no specialist who stays (the
        router only hands work to an MSP when nobody in-house can do it)."""
        return [d for d in self.spec_domains if self.existing_cover.get(d, 0) == 0]

    def msp_options(self) -> list[tuple[str, ...]]:
        buyable = self.buyable()
        useful = [o.name for o in self.offers if any(o.covers(d, Tier.SPECIALIST) for d in buyable)]
        options: list[tuple[str, ...]] = [()]
        for size in range(1, min(len(useful), MAX_OFFERS_COMBINED) + 1):
            options += [tuple(sorted(c)) for c in itertools.combinations(useful, size)]
        return options

    def covered(self, msp: tuple[str, ...]) -> frozenset[str]:
        return frozenset(
            d
            for o in self.offers
            if o.name in msp
            for d in self.buyable()
            if o.covers(d, Tier.SPECIALIST)
        )

    def in_house(self, msp: tuple[str, ...]) -> list[str]:
        covered = self.covered(msp)
        return [d for d in self.spec_domains if d not in covered]

    def extremes(self, msp: tuple[str, ...]) -> Extremes:
        c = self.costs.constraints
        return extremes(
            self.workload,
            self.sla,
            list(c.shifts),
            msp_domains=self.covered(msp),
            generalist_cost=self.costs.generalist,
            specialist_cost=self.costs.specialist_cost,
            bus_minimum=c.min_for,
            shrinkage=self.hire_shares,
        )

    @functools.cached_property
    def hire_shares(self) -> tuple[float, float]:
        """The share of a new generalist's and a new specialist's shift hours lost to
        tickets: shrinkage, and for specialists a portfolio's reserved project share."""
        generalist, specialist = hire_shrinkage(self.costs)
        if self.run.reserved_share > 0:
            specialist = 1 - (1 - specialist) * (1 - self.run.reserved_share)
        return generalist, specialist

    def pool_bounds(self, msp: tuple[str, ...]) -> list[PoolBound]:
        covered = self.covered(msp)
        if covered not in self.bounds_memo:
            shifts = list(self.costs.constraints.shifts)
            # the bounds count hires, not people at work
            self.bounds_memo[covered] = pool_bounds(
                self.workload, self.sla, shifts, covered, self.hire_shares
            )
        return self.bounds_memo[covered]

    def start(self, msp: tuple[str, ...]) -> tuple[Design, list[PoolBound]]:
        bounds = self.pool_bounds(msp)
        counts = {
            b.pool: max(b.start - self.existing_cover.get(b.pool, 0), self.minimum(b.pool))
            for b in bounds
            if b.pool != "generalists"
        }
        g = next((b for b in bounds if b.pool == "generalists"), None)
        generalists = max(
            (g.start if g else 0) - self.existing_generalists, self.minimum("generalists")
        )
        return Design.of(generalists, counts, msp), bounds

    def floors(self, bounds: list[PoolBound], ext: Extremes | None = None) -> dict[str, int]:
        """People able to do each pool's work, at least (stability, bus factor), who stay
        included; for a domain, pairs that include it count. With the extremes, ``TOTAL``
        is the hires the pooled extreme's floor asks for at least."""
        out = {}
        if ext is not None:
            staying = len(self.existing.agents) if self.existing is not None else 0
            out[TOTAL] = max(ext.pooled.floor - staying, 0)
        for b in bounds:
            if b.pool == "generalists":
                out[b.pool] = max(b.stability - self.existing_generalists, 0)
            else:
                out[b.pool] = max(b.stability, self.costs.constraints.min_for(b.pool))
        out["generalists"] = max(out.get("generalists", 0), self.minimum("generalists"))
        return out

    def joint_floor(self, domains: tuple[str, ...], msp: tuple[str, ...]) -> int:
        """The stability floor of several domains' specialist work together: people who can
        each take one of them must be at least this many. Per-domain floors count a person
        cross-trained in two domains in both, so without this a lone pair could be handed
        two domains' work, more than their hours (a Hall condition on the pools' domains)."""
        bounds = {b.pool: b for b in self.pool_bounds(msp)}
        mine = [bounds[d] for d in domains if d in bounds]
        if not mine:
            return 0
        offered = sum(b.offered_on_duty for b in mine)
        return math.floor(offered / (1 - max(b.shrinkage for b in mine)) + 1e-9) + 1

    def domain_unit_cost(self, domain: str, in_house: list[str]) -> float:
        """The least an hour of one person able to cover ``domain`` can cost it: a one-domain
        specialist, half a cross-trained pair, or a k-th of a person cross-trained in k
        domains (whose rate is at least this domain's, plus the premium per extra domain)."""
        own = self.costs.specialist_cost(domain)
        if not self.costs.cross_training:
            return own
        shared = [self.pool_cost(pair_pool(domain, e)) / 2 for e in in_house if e != domain]
        premium = self.costs.cross_training_premium
        most = min(self.costs.cross_training_max_domains, len(in_house))
        wider = [own * (1 + premium * (k - 1)) / k for k in range(3, most + 1)]
        return min([own, *shared, *wider])

    def cost_floor(self, msp: tuple[str, ...], bounds: list[PoolBound], ext: Extremes) -> float:
        """A lower bound on the weekly cost of any design of this MSP option: the stability
        and bus-factor floors of each pool at the least each person can cost (pairs shared
        between two domains), or the pooled extreme's floor at the cheapest rate, whichever
        is higher; plus the staff who stay and the MSP bill every covered ticket incurs."""
        floors = self.floors(bounds)
        in_house = self.in_house(msp)
        hourly = floors["generalists"] * self.costs.generalist + sum(
            max(floors.get(d, 0) - self.existing_cover.get(d, 0), 0)
            * self.domain_unit_cost(d, in_house)
            for d in in_house
        )
        staying = len(self.existing.agents) if self.existing is not None else 0
        cheapest = min(
            [self.costs.generalist, *(self.domain_unit_cost(d, in_house) for d in in_house)]
        )
        pooled = max(0, ext.pooled.floor - staying) * cheapest
        return max(hourly, pooled) * self.shift_hours + self.existing_cost + self.msp_floor(msp)

    def estimated_cost(self, msp: tuple[str, ...]) -> float | None:
        """About what this option's best design costs a week, from the best design found so
        far (of another option): its people, less the pools whose every domain this option
        buys, plus each domain it keeps in-house that the best design bought at that
        domain's floor, plus the least this option's offers bill. Domains' specialist
        queues share nobody and the first line's work is the same whoever takes the
        escalations, so the rest of that design stays about right. An option estimated
        above the best found is not simulated (the plan's reasons say so)."""
        best = self.best_found()
        if best is None or best.msp == msp:
            return None
        covered = self.covered(msp)
        people = self.memo[best].result.summary["cost_people_per_week"].mean
        saved = sum(
            n * self.pool_cost(pool)
            for pool, n in best.specialists
            if set(pool_domains(pool)) <= covered
        )
        floors = self.floors(self.pool_bounds(msp))
        added = sum(
            floors.get(d, 0) * self.pool_cost(d)
            for d in self.in_house(msp)
            if best.covering(d) == 0 and self.existing_cover.get(d, 0) == 0
        )
        return people + (added - saved) * self.shift_hours + self.msp_floor(msp)
