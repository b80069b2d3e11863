"""Simulation-based search over integer designs, from the analytic start to the cheapest feasible.

For each MSP option (in-house only, each offer, and combinations of up to three offers) the
search starts at the analytic start (``bounds.py``) raised to the constraints, then:

1. climb: while some SLA target fails, add one person to the pool that binds: generalists when
   a response target fails (they respond first), otherwise the busiest in-house pool;
2. descend: try removing one person from each pool (dearest first) and keep the first removal
   that still meets every target; repeat until no removal does.

Every candidate runs on the same seed (common random numbers), so two designs differ by their
staffing, not by luck, and each design is simulated once (memoised). "Meets" means the lower end
of the 95% interval of every priority's response and resolution attainment reaches its share.
The cheapest feasible design over all options wins; it is re-simulated on a fresh seed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import MspContract
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.plan.bounds import PoolBound, pool_bounds
from deskmix.plan.design import Design, to_team
from deskmix.plan.evaluate import Evaluation, Progress, RunSettings, evaluate_team
from deskmix.plan.inputs import CostTable

FRESH_SEED_OFFSET = 1_000_003  # verification seed = plan seed + this: independent streams
MAX_OFFERS_COMBINED = 3
MIN_BUDGET = 12  # designs each MSP option may simulate, at least
STALL_STEPS = 3  # additions in a row that do not move the binding target: give up the option
STALL_GAIN = 0.002  # a move smaller than this (0.2 points of attainment) counts as none


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
    removal_blocked: dict[str, str] = field(default_factory=dict)
    stuck: str = ""  # the target the search could not reach, when it gave up


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

    @property
    def verified(self) -> bool:
        return self.verification.feasible


class Planner:
    """Holds the inputs and the memo of simulated designs for one planning question."""

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
    ) -> None:
        self.workload, self.sla, self.costs, self.offers = workload, sla, costs, offers
        self.run, self.max_evaluations, self.progress = run, max_evaluations, progress
        self.domains = sorted({s.domain for s in workload.arrivals})
        self.spec_domains = sorted(
            {
                s.domain
                for s in workload.arrivals
                if s.tier == Tier.SPECIALIST and s.tickets_per_week > 0
            }
        )
        self.memo: dict[Design, Evaluation] = {}
        self.log: list[Step] = []

    # -- evaluation -------------------------------------------------------------------------
    def evaluate(self, design: Design, why: str) -> Evaluation:
        if design in self.memo:
            return self.memo[design]
        team = to_team(design, self.costs, self.domains, self.offers, name=design.label())
        evaluation = evaluate_team(self.workload, team, self.sla, self.run, progress=self.progress)
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
        return evaluation

    def pool_cost(self, pool: str) -> float:
        return self.costs.generalist if pool == "generalists" else self.costs.specialist_cost(pool)

    def pool_prefix(self, pool: str) -> str:
        return "Generalist" if pool == "generalists" else f"{pool} specialist"

    def minimum(self, pool: str) -> int:
        c = self.costs.constraints
        return c.min_generalists if pool == "generalists" else c.min_for(pool)

    # -- options ----------------------------------------------------------------------------
    def msp_options(self) -> list[tuple[str, ...]]:
        useful = [
            o.name
            for o in self.offers
            if any(o.covers(d, Tier.SPECIALIST) for d in self.spec_domains)
        ]
        options: list[tuple[str, ...]] = [()]
        for size in range(1, min(len(useful), MAX_OFFERS_COMBINED) + 1):
            options += [tuple(sorted(c)) for c in itertools.combinations(useful, size)]
        return options

    def covered(self, msp: tuple[str, ...]) -> frozenset[str]:
        return frozenset(
            d
            for o in self.offers
            if o.name in msp
            for d in self.spec_domains
            if o.covers(d, Tier.SPECIALIST)
        )

    def start(self, msp: tuple[str, ...]) -> tuple[Design, list[PoolBound]]:
        bounds = pool_bounds(
            self.workload, self.sla, list(self.costs.constraints.shifts), self.covered(msp)
        )
        counts = {b.pool: max(b.start, self.minimum(b.pool)) for b in bounds}
        generalists = counts.pop("generalists", self.minimum("generalists"))
        return Design.of(generalists, counts, msp), bounds

    # -- search -----------------------------------------------------------------------------
    def search_option(self, msp: tuple[str, ...], start: Design | None = None) -> OptionResult:
        design, bounds = self.start(msp)
        if start is not None:
            design = start
        floors = {b.pool: max(b.stability, self.minimum(b.pool)) for b in bounds}
        option = OptionResult(msp, bounds, None)
        current = self.evaluate(design, "analytic start" if start is None else "given start")
        cap = self.costs.constraints.max_headcount
        budget = len(self.memo) + max(MIN_BUDGET, self.max_evaluations // len(self.msp_options()))
        stalled = 0
        while not current.feasible:
            binding = current.binding
            assert binding is not None
            if design.headcount >= cap or len(self.memo) >= budget or stalled >= STALL_STEPS:
                option.stuck = binding.describe()
                if stalled >= STALL_STEPS:
                    option.stuck += (
                        f": {STALL_STEPS} more people did not help (tickets arriving off"
                        " shift, or an MSP response time, may make it unreachable)"
                    )
                return option
            pool, why = self.pool_to_add(design, current)
            design = design.changed(pool, +1)
            before = binding.estimate.mean
            current = self.evaluate(design, why)
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
        while True:
            removed = False
            for pool in sorted(design.pools(), key=lambda p: -self.pool_cost(p)):
                if design.count(pool) <= max(floors.get(pool, 0), self.minimum(pool), 0):
                    continue
                if len(self.memo) >= self.max_evaluations:
                    break
                smaller = design.changed(pool, -1)
                trial = self.evaluate(smaller, f"one {self.pool_name(pool)} fewer")
                if trial.feasible:
                    design, current, removed = smaller, trial, True
                    break
                binding = trial.binding
                option.removal_blocked[pool] = binding.describe() if binding else ""
            if not removed:
                break
        option.best = (design, current)
        return option

    def pool_name(self, pool: str) -> str:
        return "generalist" if pool == "generalists" else f"{pool} specialist"

    def pool_to_add(self, design: Design, current: Evaluation) -> tuple[str, str]:
        binding = current.binding
        assert binding is not None
        missed = binding.describe()
        if binding.kind == "response" or len(design.pools()) == 1:
            return "generalists", f"{missed}: generalists respond first, adding one"
        busiest = max(design.pools(), key=lambda p: (current.utilisation(self.pool_prefix(p)), p))
        load = current.utilisation(self.pool_prefix(busiest))
        shown = "" if math.isnan(load) else f", {100 * load:.0f}% busy"
        return busiest, f"{missed}: adding a {self.pool_name(busiest)} (busiest pool{shown})"

    def plan(self) -> PlanResult:
        options = [self.search_option(msp) for msp in self.msp_options()]
        found = [o.best for o in options if o.best is not None]
        if not found:
            from deskmix.errors import ConfigError

            stuck = "; ".join(
                f"{'in-house only' if not o.msp else ', '.join(o.msp)}: {o.stuck}" for o in options
            )
            raise ConfigError(
                "no design met every SLA within the limits (max_headcount "
                f"{self.costs.constraints.max_headcount}, {len(self.memo)} designs "
                f"simulated); still missed: {stuck}. Relax that target or widen the shifts"
            )
        feasible = sorted(
            ((d, e) for d, e in self.memo.items() if e.feasible),
            key=lambda de: (de[1].cost.mean, de[0].headcount),
        )
        best_design, best = min(found, key=lambda de: (de[1].cost.mean, de[0].headcount))
        verification = evaluate_team(
            self.workload,
            best.team,
            self.sla,
            self.run,
            seed=self.run.seed + FRESH_SEED_OFFSET,
            progress=self.progress,
        )
        chosen = next(o for o in options if o.best is not None and o.best[0] == best_design)
        runners = [(d, e) for d, e in feasible if d != best_design][:3]
        return PlanResult(
            recommended=best_design,
            evaluation=best,
            verification=verification,
            options=options,
            log=list(self.log),
            runners_up=runners,
            reasons=self.reasons(best_design, best, chosen, options),
            run=self.run,
        )

    def reasons(
        self,
        design: Design,
        evaluation: Evaluation,
        chosen: OptionResult,
        options: list[OptionResult],
    ) -> list[str]:
        """Plain words: what binds, what one fewer person would break, why this MSP choice."""
        currency = self.costs.currency
        out = [
            f"{design.label()} meets every SLA target at {evaluation.cost.mean:,.0f} "
            f"{currency} a week (the lower end of each 95% interval reaches its share)."
        ]
        binding = evaluation.binding
        if binding is not None:
            out.append(f"The binding SLA is {binding.describe()}.")
        for pool, broken in sorted(chosen.removal_blocked.items()):
            out.append(f"One {self.pool_name(pool)} fewer would miss: {broken}.")
        for pool in design.pools():
            if design.count(pool) <= self.minimum(pool) and pool != "generalists":
                out.append(f"{pool}: {design.count(pool)} specialist(s) is the bus-factor minimum.")
        for option in options:
            if option is chosen:
                continue
            name = "in-house only" if not option.msp else "buying " + ", ".join(option.msp)
            if option.best is None:
                out.append(f"Not {name}: no design met every SLA ({option.stuck}).")
            else:
                cost = option.best[1].cost.mean
                out.append(
                    f"Not {name}: its best design ({option.best[0].label()}) costs "
                    f"{cost:,.0f} {currency} a week."
                )
        return out
