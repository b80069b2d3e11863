"""Simulation-based search over integer designs, from the analytic start to the cheapest feasible.

For each MSP option (in-house only, each useful offer, and combinations of up to three offers)
the search starts at the analytic start (``bounds.py``) raised to the constraints, then:

1. climb: while some SLA target fails, add one person to the pool that binds: generalists when
   a response target fails (they respond first), otherwise the busiest in-house pool;
2. descend: rank the neighbours by what they save (``moves.py``: one person fewer in a pool,
   two one-domain specialists merged into one person cross-trained in both domains, or two
   domains' teams pooled into one cross-trained team of one fewer), simulate
   the first ``NEIGHBOUR_BATCH`` of them at once and move to the cheapest that still meets
   every target; a move that fails is not tried again (removing people elsewhere never makes
   it feasible); stop when no move is left.

The options advance in lockstep: each round gathers the designs every open option wants next
and simulates them as one batch (``parallel.py``: local processes or a Dask cluster). Bounds
narrow the search: an option whose cheapest possible cost (people at the stability floor of
each pool, or of the pooled extreme, plus the MSP bill every covered ticket must incur) is
already above a feasible design found is dropped unsimulated, a climb stops as soon as its
people alone cost more than that design, and no climb goes past twice the unpooled extreme
(``extremes.py``).

Every candidate runs on the same seed (common random numbers), so two designs differ by their
staffing, not by luck, and each design is simulated once (memoised). "Meets" means the lower end
of the 95% interval of every priority's response and resolution attainment reaches its share.
The cheapest feasible design over all options wins; it is re-simulated on a fresh seed.

**Budget mode** (``budget_per_year``, see ``budget.py``): the same options, starts, moves,
memo and back ends, but each option's search looks for the best service within the budget
(smallest worst shortfall against the SLA targets, ties by cost) instead of the cheapest
feasible design; every design simulated is a point of the cost-service frontier
(``frontier.py``).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Generator
from dataclasses import dataclass, field

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind, MspContract, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.plan.bisect import Intervals, bisect, bisect_merges
from deskmix.plan.bounds import (
    PoolBound,
    hire_shrinkage,
    on_duty_hours,
    pool_bounds,
    reference_mean,
)
from deskmix.plan.design import Design, to_team
from deskmix.plan.evaluate import Evaluation, Progress, RunSettings, evaluate_teams
from deskmix.plan.extremes import Extremes, extremes
from deskmix.plan.frontier import WEEKS_PER_YEAR, FrontierPoint, frontier
from deskmix.plan.inputs import CostTable, pair_pool, pool_domains
from deskmix.plan.moves import TOTAL, Move, combined, neighbours
from deskmix.plan.parallel import Backend, BatchRunner, make_backend
from deskmix.plan.reasons import plan_reasons
from deskmix.routing.base import SPECIALIST_MIN_LEVEL

VERIFY_CANDIDATES = 10
"""How many of the cheapest feasible designs may be re-simulated on the fresh seed (bisection
ends right at the edge of a target, so several of the cheapest can pass the search's seed by
luck; the first that holds on both is recommended)."""
FRESH_SEED_OFFSET = 1_000_003  # verification seed = plan seed + this: independent streams
MAX_OFFERS_COMBINED = 3
MIN_BUDGET = 6  # designs each MSP option may simulate, at least (start, a few moves)
CONCURRENT_OPTIONS = 2  # MSP options searched side by side (more would prune less)
NEIGHBOUR_BATCH = 4  # descent neighbours simulated per round (fixed: same plan on any back end)
STALL_STEPS = 3  # additions in a row that do not move the binding target: give up the option
STALL_GAIN = 0.002  # a move smaller than this (0.2 points of attainment) counts as none
ESTIMATE_MARGIN = 0.02  # an option estimated within 2% of the best found is still searched
CLIMB_SHARE = 0.02  # a climb's first step: 2% of the binding pool (at least one person)
WEEKS_PER_MONTH = 52 / 12

Request = list[tuple[Design, str]]
OptionSearch = Generator[Request, None, "OptionResult"]


@dataclass(frozen=True)
class Step:
    """One line of the search log: a design tried, why, and what came of it."""

    design: Design
    why: str
    feasible: bool
    cost: float
    binding: str


@dataclass
class OptionResult:
    msp: tuple[str, ...]
    bounds: list[PoolBound]
    best: tuple[Design, Evaluation] | None
    extremes: Extremes | None = None
    cost_floor: float = 0.0
    removal_blocked: dict[str, str] = field(default_factory=dict)
    stuck: str = ""  # the target the search could not reach, when it gave up
    pruned: str = ""  # why the option was dropped by a bound, when it was


@dataclass
class PlanResult:
    recommended: Design
    evaluation: Evaluation
    verification: Evaluation
    options: list[OptionResult]
    log: list[Step]
    runners_up: list[tuple[Design, Evaluation]]
    reasons: list[str]
    run: RunSettings
    backend: str = "this process"
    existing: Team | None = None
    budget_per_week: float | None = None  # budget mode: the yearly budget / 52
    frontier: list[FrontierPoint] = field(default_factory=list)
    currency: str = "EUR"

    @property
    def verified(self) -> bool:
        return self.verification.feasible

    @property
    def budget_per_year(self) -> float | None:
        return None if self.budget_per_week is None else self.budget_per_week * WEEKS_PER_YEAR

    @property
    def chosen(self) -> OptionResult:
        return next(o for o in self.options if o.msp == self.recommended.msp)


class Planner:
    """Holds the inputs and the memo of simulated designs for one planning question.

    ``existing`` is the staff who stay: in every design, paid, never removed; the search
    only adds hires and MSP help. ``budget_per_year`` turns on budget mode: the best
    service for at most that cost a year (52 weeks), see ``budget.py``. Use it as a context
    manager (or call ``close``) to release the process pool or the Dask client.
    """

    def __init__(
        self,
        workload: Workload,
        sla: SlaPolicy,
        costs: CostTable,
        offers: list[MspContract],
        run: RunSettings,
        *,
        max_evaluations: int = 60,
        progress: Progress | None = None,
        existing: Team | None = None,
        dask: str | None = None,
        backend: Backend | None = None,
        neighbour_batch: int = NEIGHBOUR_BATCH,
        concurrent_options: int = CONCURRENT_OPTIONS,
        budget_per_year: float | None = None,
    ) -> None:
        if budget_per_year is not None and not budget_per_year > 0:
            raise ConfigError(f"the budget must be above 0 a year; got {budget_per_year:g}")
        self.budget_per_week = None if budget_per_year is None else budget_per_year / WEEKS_PER_YEAR
        self.workload, self.sla, self.costs, self.offers = workload, sla, costs, offers
        self.run, self.max_evaluations, self.progress = run, max_evaluations, progress
        # who is here now: people the team file marks absent or left are not staff who stay,
        # so they neither cover a domain's bus factor nor cost anything (the skills review's
        # picture, docs/people.md "Who is here now")
        existing = existing.present() if existing is not None else None
        self.existing = existing
        self.neighbour_batch = neighbour_batch
        self.concurrent_options = concurrent_options
        self.dask = dask
        self.given_backend = backend
        self.open_backend: Backend | None = backend
        self.backend_description = backend.description if backend else ""
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

    @property
    def runner(self) -> BatchRunner:
        """The back end, started on first use (a process pool, a Dask client, or none)."""
        if self.open_backend is None:
            self.open_backend = make_backend(self.run.workers, self.dask)
            self.backend_description = self.open_backend.description
        return BatchRunner(self.open_backend, self.run.reps)

    def close(self) -> None:
        """Release the back end this planner started (one given to it stays open)."""
        if self.open_backend is not None and self.open_backend is not self.given_backend:
            self.open_backend.close()
            self.open_backend = None

    def __enter__(self) -> Planner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- evaluation -------------------------------------------------------------------------
    def team(self, design: Design) -> Team:
        return to_team(design, self.costs, self.domains, self.offers, design.label(), self.existing)

    def evaluate_many(self, request: Request) -> None:
        """Simulate the designs not seen yet, as one batch, and log them in request order."""
        fresh: list[tuple[Design, str]] = []
        for design, why in request:
            if design not in self.memo and all(design != d for d, _ in fresh):
                fresh.append((design, why))
        if not fresh:
            return
        teams = [self.team(d) for d, _ in fresh]
        evaluations = evaluate_teams(
            self.workload, teams, self.sla, self.run, self.runner, progress=self.progress
        )
        for (design, why), evaluation in zip(fresh, evaluations, strict=True):
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

    def evaluate(self, design: Design, why: str) -> Evaluation:
        self.evaluate_many([(design, why)])
        return self.memo[design]

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

    # -- costs and limits -------------------------------------------------------------------
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

    def pool_prefix(self, pool: str) -> str:
        from deskmix.plan.design import hire_prefix

        return hire_prefix(pool, self.existing is not None)

    def minimum(self, pool: str) -> int:
        """New hires a one-domain pool needs for the constraints, given who stays."""
        c = self.costs.constraints
        if pool == "generalists":
            return max(0, c.min_generalists - self.existing_generalists)
        return max(0, c.min_for(pool) - self.existing_cover.get(pool, 0))

    def headcount_limit(self, extreme: Extremes) -> int:
        staying = len(self.existing.agents) if self.existing is not None else 0
        return min(self.costs.constraints.max_headcount - staying, extreme.headcount_cap)

    # -- options ----------------------------------------------------------------------------
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

    # -- search -----------------------------------------------------------------------------
    def search_option(self, msp: tuple[str, ...], start: Design | None = None) -> OptionResult:
        """One option on its own (the lockstep driver of ``plan`` runs many at once)."""
        return self.drive({msp: self.option_search(msp, start, 1)})[msp]

    def drive(
        self, searches: dict[tuple[str, ...], OptionSearch]
    ) -> dict[tuple[str, ...], OptionResult]:
        """Advance the options' searches in lockstep, each round one batch of designs.

        At most ``concurrent_options`` run at once, in the given order (cheapest analytic
        floor first), so the first feasible designs found can prune the dearer options
        before they start. The batch size does not depend on the back end, so a plan is the
        same on one core, many, or a Dask cluster."""
        results: dict[tuple[str, ...], OptionResult] = {}
        pending: dict[tuple[str, ...], Request] = {}

        def advance(key: tuple[str, ...], first: bool) -> None:
            try:
                pending[key] = next(searches[key]) if first else searches[key].send(None)
            except StopIteration as done:
                results[key] = done.value
                pending.pop(key, None)

        waiting = list(searches)
        while waiting or pending:
            while waiting and len(pending) < self.concurrent_options:
                advance(waiting.pop(0), True)
            if not pending:
                continue
            batch = [item for key in pending for item in pending[key]]
            self.evaluate_many(batch)
            for key in list(pending):
                advance(key, False)
        return results

    def option_search(
        self, msp: tuple[str, ...], start: Design | None, options: int
    ) -> OptionSearch:
        if self.budget_per_week is not None:
            from deskmix.plan.budget import budget_option_search

            return (yield from budget_option_search(self, msp, start, options))
        design, bounds = self.start(msp)
        why = "analytic start"
        warm = self.warm_start(msp, design) if start is None else None
        if start is not None:
            design, why = start, "given start"
        elif warm is not None:
            design, why = warm
        ext = self.extremes(msp)
        option = OptionResult(msp, bounds, None, ext, self.cost_floor(msp, bounds, ext))
        if option.cost_floor >= self.incumbent_high():
            option.pruned = (
                f"its cheapest possible design costs at least {option.cost_floor:,.0f} a week"
            )
            return option
        estimate = self.estimated_cost(msp)
        if estimate is not None and estimate >= self.incumbent_high() * (1 + ESTIMATE_MARGIN):
            option.pruned = (
                f"estimated from the best design found, it would cost about {estimate:,.0f} a "
                f"week, more than that design's {self.incumbent():,.0f}"
            )
            return option
        floors = self.floors(bounds, ext)
        pooled_gap = (
            ext.pooled.floor
            - design.headcount
            - (len(self.existing.agents) if self.existing is not None else 0)
        )
        if start is None and pooled_gap > 0:  # never below the pooled extreme's floor
            design = design.changed("generalists", pooled_gap)
        budget = max(MIN_BUDGET, self.max_evaluations // options)
        used = 0
        yield [(design, why)]
        used += 1
        intervals = Intervals()
        step_pool, step = "", 0
        current = self.memo[design]
        limit = self.headcount_limit(ext)
        stalled = 0
        while not current.feasible:
            binding = current.binding
            assert binding is not None
            floor = max(self.people_cost(design) + self.msp_floor(msp), option.cost_floor)
            if floor >= self.incumbent_high():
                option.pruned = (
                    f"still missing {binding.describe()} with people alone costing more than "
                    "a feasible design already found"
                )
                return option
            exhausted = used >= budget and len(self.memo) >= self.max_evaluations
            if design.headcount >= limit or exhausted or stalled >= STALL_STEPS:
                option.stuck = binding.describe()
                if stalled >= STALL_STEPS:
                    option.stuck += (
                        f": {STALL_STEPS} more people did not help (tickets arriving off"
                        " shift, or an MSP response time, may make it unreachable)"
                    )
                elif design.headcount >= limit:
                    option.stuck += f": the headcount limit ({limit}) was reached"
                else:
                    option.stuck += ": the design budget (--max-designs) ran out"
                return option
            pool, why = self.pool_to_add(design, current, msp)
            # steps sized by the distance: 2% of the pool at first, doubled while the same
            # pool still binds; the bisection after takes back what overshoots. (The count a
            # step left is no known miss: the target may have failed for another pool,
            # which grew later.)
            step = (
                step * 2
                if pool == step_pool
                else max(1, math.ceil(CLIMB_SHARE * design.count(pool)))
            )
            step_pool = pool
            if step > 1:
                why += f" (+{step})"
            design = design.changed(pool, +step)
            before = binding.estimate.mean
            yield [(design, why)]
            used += 1
            current = self.memo[design]
            again = next(
                (
                    c
                    for c in current.checks
                    if (c.kind, c.priority) == (binding.kind, binding.priority)
                ),
                None,
            )
            improved = again is not None and again.estimate.mean > before + STALL_GAIN
            stalled = 0 if improved else stalled + 1
        if used < budget or len(self.memo) < self.max_evaluations:
            room = max(budget - used, self.max_evaluations - len(self.memo))
            design, spent = yield from bisect(self, design, floors, intervals, room)
            used += spent
            if self.costs.cross_training:
                room = max(budget - used, self.max_evaluations - len(self.memo))
                design, spent = yield from bisect_merges(self, design, floors, room)
                used += spent
            current = self.memo[design]
        # a pool whose interval a simulation closed: one fewer there is known to miss
        blocked = {p for p in intervals.tried if intervals.closed(design, p)}
        for pool in blocked:
            if pool in intervals.missed and intervals.lo[pool] == design.count(pool) - 1:
                option.removal_blocked[pool] = intervals.missed[pool]
        while True:
            if option.cost_floor >= self.incumbent_high() and current.cost.mean > self.incumbent():
                option.pruned = (
                    f"its cheapest possible design costs at least {option.cost_floor:,.0f} a "
                    "week, more than a feasible design already found"
                )
                break
            room = self.max_evaluations - len(self.memo)
            if used >= budget and room <= 0:
                break
            moves = [m for m in neighbours(self, design, floors) if m.pool not in blocked]
            moves = moves[: self.neighbour_batch]
            if not moves:
                break
            yield [(m.design, m.why) for m in moves]
            used += len(moves)
            feasible = []
            for move in moves:
                trial = self.memo[move.design]
                if trial.feasible:
                    feasible.append((trial.cost.mean, move.design.headcount, move.design.label()))
                    continue
                # Removing more people elsewhere never makes this move feasible again.
                blocked.add(move.pool)
                if trial.binding is not None:
                    option.removal_blocked[move.pool] = trial.binding.describe()
            if not feasible:
                continue
            cheapest = min(feasible)
            single = next(m.design for m in moves if m.design.label() == cheapest[2])
            good = [m for m in moves if self.memo[m.design].feasible]
            together = combined(self, design, good, floors)
            if together is not None and together != single:
                # Several moves hold on their own: try them all at once (an overstaffed
                # start then sheds several people per round instead of one).
                yield [(together, "the moves that held, together")]
                used += 1
                if self.memo[together].feasible:
                    single = together
            design, current = single, self.memo[single]
        option.best = (design, current)
        return option

    def best_found(self) -> Design | None:
        """The cheapest feasible design simulated so far, of any MSP option."""
        feasible = [(e.cost.mean, d.label(), d) for d, e in self.memo.items() if e.feasible]
        return min(feasible)[2] if feasible else None

    def warm_start(self, msp: tuple[str, ...], analytic: Design) -> tuple[Design, str] | None:
        """Another option's best design, adapted: pools of the domains this option buys
        dropped (a cross-trained person keeps the domain still in-house), pools it keeps
        in-house that the other lacked at their analytic start. On a large desk this saves
        each later option the climb and most of the bisection the first one did."""
        best = self.best_found()
        if best is None:
            return None
        covered = self.covered(msp)
        counts: dict[str, int] = {}
        for pool, n in best.specialists:
            kept = [d for d in pool_domains(pool) if d not in covered]
            if kept:
                name = kept[0] if len(kept) == 1 else pool
                counts[name] = counts.get(name, 0) + n
        for pool, n in analytic.specialists:
            if not any(pool in pool_domains(p) for p in counts):
                counts[pool] = n
        design = Design.of(best.generalists, counts, msp)
        return design, f"warm start from {best.label()}"

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

    def neighbours(self, design: Design, floors: dict[str, int]) -> list[Move]:
        return neighbours(self, design, floors)

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

    def pool_to_add(
        self, design: Design, current: Evaluation, msp: tuple[str, ...]
    ) -> tuple[str, str]:
        binding = current.binding
        assert binding is not None
        missed = binding.describe()
        candidates = sorted({*self.in_house(msp), *design.pairs()})
        if binding.kind == "response" or not candidates:
            return "generalists", f"{missed}: generalists respond first, adding one"

        def load(pool: str) -> float:
            value = current.utilisation_of(self.pool_members(current.team, pool))
            return -1.0 if math.isnan(value) else value

        busiest = max(candidates, key=lambda p: (load(p), p))
        shown = "" if load(busiest) < 0 else f", {100 * load(busiest):.0f}% busy"
        return busiest, f"{missed}: adding a {self.pool_name(busiest)} (busiest pool{shown})"

    def plan(self) -> PlanResult:
        """Search every MSP option, verify the winner on a fresh seed, say why; the back end
        is released at the end even when the caller does not close the planner."""
        try:
            return self._plan()
        finally:
            self.close()

    def _plan(self) -> PlanResult:
        keys = self.msp_options()
        # Cheapest analytic floor first, so a good incumbent prunes the dear options early.
        floors = {m: self.cost_floor(m, *self._bounds(m)) for m in keys}
        order = sorted(keys, key=lambda m: (floors[m], m))
        if self.budget_per_week is not None:
            from deskmix.plan.budget import check_budget

            check_budget(self, list(floors.values()))
        # The cheapest-floor option first and alone: the others start warm from its best
        # design (``warm_start``) or are dropped by its estimate (``estimated_cost``).
        found_options = self.drive({order[0]: self.option_search(order[0], None, len(keys))})
        found_options |= self.drive({m: self.option_search(m, None, len(keys)) for m in order[1:]})
        options = [found_options[m] for m in keys]
        if self.budget_per_week is not None:
            return self._budget_plan(options)
        found = [o.best for o in options if o.best is not None]
        if not found:
            stuck = "; ".join(
                f"{'in-house only' if not o.msp else ', '.join(o.msp)}: {o.stuck or o.pruned}"
                for o in options
            )
            raise ConfigError(
                "no design met every SLA within the limits (max_headcount "
                f"{self.costs.constraints.max_headcount}, {len(self.memo)} designs "
                f"simulated); still missed: {stuck}. Relax that target or widen the shifts"
            )
        feasible = sorted(
            ((d, e) for d, e in self.memo.items() if e.feasible),
            key=lambda de: (de[1].cost.mean, de[0].headcount, de[0].label()),
        )
        best_design, best, verification = self._verified(feasible)
        runners = [(d, e) for d, e in feasible if d != best_design][:3]
        return PlanResult(
            recommended=best_design,
            evaluation=best,
            verification=verification,
            options=options,
            log=list(self.log),
            runners_up=runners,
            reasons=plan_reasons(self, best_design, best, options),
            run=self.run,
            backend=self.backend_description,
            existing=self.existing,
            currency=self.costs.currency,
            frontier=frontier(self.memo.items()),
        )

    def _budget_plan(self, options: list[OptionResult]) -> PlanResult:
        """Budget mode's answer: the best design by the objective among every design
        simulated within the budget (so it is on their frontier), re-simulated on the
        fresh seed to show how it holds; the next best are the runners-up."""
        from deskmix.plan.budget import budget_reasons, nothing_within, within_budget

        ranked = within_budget(self)
        if not ranked:
            raise nothing_within(self)
        design, evaluation = ranked[0]
        verification = self._on_fresh_seed(evaluation)
        return PlanResult(
            recommended=design,
            evaluation=evaluation,
            verification=verification,
            options=options,
            log=list(self.log),
            runners_up=ranked[1:4],
            reasons=budget_reasons(self, design, evaluation, options),
            run=self.run,
            backend=self.backend_description,
            existing=self.existing,
            budget_per_week=self.budget_per_week,
            currency=self.costs.currency,
            frontier=frontier(self.memo.items(), self.budget_per_week),
        )

    def _on_fresh_seed(self, evaluation: Evaluation) -> Evaluation:
        """The same team re-simulated on an independent seed: the check a recommendation
        must pass."""
        return evaluate_teams(
            self.workload,
            [evaluation.team],
            self.sla,
            self.run,
            self.runner,
            seed=self.run.seed + FRESH_SEED_OFFSET,
            progress=self.progress,
        )[0]

    def _verified(
        self, feasible: list[tuple[Design, Evaluation]]
    ) -> tuple[Design, Evaluation, Evaluation]:
        """The cheapest feasible design that also meets the SLAs on a fresh seed.

        A design found at the edge of a target can pass on the search's seed by luck; the
        recommendation must not contradict its own check. The cheapest few are re-simulated
        on the fresh seed in cost order; if none holds, the cheapest stands, marked unverified.
        """
        checked: list[tuple[Design, Evaluation, Evaluation]] = []
        for design, evaluation in feasible[:VERIFY_CANDIDATES]:
            verification = self._on_fresh_seed(evaluation)
            checked.append((design, evaluation, verification))
            if verification.feasible:
                return design, evaluation, verification
        return checked[0]

    def _bounds(self, msp: tuple[str, ...]) -> tuple[list[PoolBound], Extremes]:
        _, bounds = self.start(msp)
        return bounds, self.extremes(msp)
