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

The parts: ``problem.py`` holds the inputs, the cost model and the memo; ``option_search.py``
is one option's climb, bisection and descent (``budget.py`` in budget mode); ``backend.py``
starts and releases the back end; ``Planner`` here drives the options in lockstep, simulates
each batch and verifies the winner.
"""

from __future__ import annotations

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import MspContract, Team
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.plan.backend import PlanBackend
from deskmix.plan.bounds import PoolBound
from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation, Progress, RunSettings, evaluate_teams
from deskmix.plan.extremes import Extremes
from deskmix.plan.frontier import frontier
from deskmix.plan.inputs import CostTable
from deskmix.plan.option_search import cheapest_option_search
from deskmix.plan.parallel import Backend, BatchRunner
from deskmix.plan.problem import PlanProblem
from deskmix.plan.reasons import plan_reasons
from deskmix.plan.result import OptionResult, OptionSearch, PlanResult, Request

VERIFY_CANDIDATES = 10
"""How many of the cheapest feasible designs may be re-simulated on the fresh seed (bisection
ends right at the edge of a target, so several of the cheapest can pass the search's seed by
luck; the first that holds on both is recommended)."""
FRESH_SEED_OFFSET = 1_000_003  # verification seed = plan seed + this: independent streams
CONCURRENT_OPTIONS = 2  # MSP options searched side by side (more would prune less)
NEIGHBOUR_BATCH = 4  # descent neighbours simulated per round (fixed: same plan on any back end)


class Planner:
    """The search for one planning question: its problem (``problem``), the back end it
    simulates on, and the search settings.

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
        self.problem = PlanProblem(
            workload, sla, costs, offers, run, existing=existing, budget_per_year=budget_per_year
        )
        self.run, self.max_evaluations, self.progress = run, max_evaluations, progress
        self.neighbour_batch = neighbour_batch
        self.concurrent_options = concurrent_options
        self.backend = PlanBackend(run.workers, dask, backend)

    @property
    def runner(self) -> BatchRunner:
        """The back end, started on first use (a process pool, a Dask client, or none)."""
        return self.backend.runner(self.run.reps)

    def close(self) -> None:
        """Release the back end this planner started (one given to it stays open)."""
        self.backend.close()

    def __enter__(self) -> Planner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- evaluation -------------------------------------------------------------------------
    def evaluate_many(self, request: Request) -> None:
        """Simulate the designs not seen yet, as one batch, and log them in request order."""
        problem = self.problem
        fresh: list[tuple[Design, str]] = []
        for design, why in request:
            if design not in problem.memo and all(design != d for d, _ in fresh):
                fresh.append((design, why))
        if not fresh:
            return
        teams = [problem.team(d) for d, _ in fresh]
        evaluations = evaluate_teams(
            problem.workload, teams, problem.sla, self.run, self.runner, progress=self.progress
        )
        for (design, why), evaluation in zip(fresh, evaluations, strict=True):
            problem.record(design, why, evaluation)

    def evaluate(self, design: Design, why: str) -> Evaluation:
        self.evaluate_many([(design, why)])
        return self.problem.memo[design]

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
        """One option's search as a generator for ``drive``: the cheapest feasible design, or
        in budget mode the best service within the budget."""
        if self.problem.budget_per_week is not None:
            from deskmix.plan.budget import budget_option_search

            return budget_option_search(self, msp, start, options)
        return cheapest_option_search(self, msp, start, options)

    def plan(self) -> PlanResult:
        """Search every MSP option, verify the winner on a fresh seed, say why; the back end
        is released at the end even when the caller does not close the planner."""
        try:
            return self._plan()
        finally:
            self.close()

    def _plan(self) -> PlanResult:
        keys = self.problem.msp_options()
        # Cheapest analytic floor first, so a good incumbent prunes the dear options early.
        floors = {m: self.problem.cost_floor(m, *self._bounds(m)) for m in keys}
        order = sorted(keys, key=lambda m: (floors[m], m))
        if self.problem.budget_per_week is not None:
            from deskmix.plan.budget import check_budget

            check_budget(self.problem, list(floors.values()))
        # The cheapest-floor option first and alone: the others start warm from its best
        # design (``warm_start``) or are dropped by its estimate (``estimated_cost``).
        found_options = self.drive({order[0]: self.option_search(order[0], None, len(keys))})
        found_options |= self.drive({m: self.option_search(m, None, len(keys)) for m in order[1:]})
        options = [found_options[m] for m in keys]
        if self.problem.budget_per_week is not None:
            return self._budget_plan(options)
        found = [o.best for o in options if o.best is not None]
        if not found:
            stuck = "; ".join(
                f"{'in-house only' if not o.msp else ', '.join(o.msp)}: {o.stuck or o.pruned}"
                for o in options
            )
            raise ConfigError(
                "no design met every SLA within the limits (max_headcount "
                f"{self.problem.costs.constraints.max_headcount}, {len(self.problem.memo)} designs "
                f"simulated); still missed: {stuck}. Relax that target or widen the shifts"
            )
        feasible = sorted(
            ((d, e) for d, e in self.problem.memo.items() if e.feasible),
            key=lambda de: (de[1].cost.mean, de[0].headcount, de[0].label()),
        )
        best_design, best, verification = self._verified(feasible)
        runners = [(d, e) for d, e in feasible if d != best_design][:3]
        return PlanResult(
            recommended=best_design,
            evaluation=best,
            verification=verification,
            options=options,
            log=list(self.problem.log),
            runners_up=runners,
            reasons=plan_reasons(self.problem, best_design, best, options),
            run=self.run,
            backend=self.backend.description,
            existing=self.problem.existing,
            currency=self.problem.costs.currency,
            frontier=frontier(self.problem.memo.items()),
        )

    def _budget_plan(self, options: list[OptionResult]) -> PlanResult:
        """Budget mode's answer: the best design by the objective among every design
        simulated within the budget (so it is on their frontier), re-simulated on the
        fresh seed to show how it holds; the next best are the runners-up."""
        from deskmix.plan.budget import budget_reasons, nothing_within, within_budget

        ranked = within_budget(self.problem)
        if not ranked:
            raise nothing_within(self.problem)
        design, evaluation = ranked[0]
        verification = self._on_fresh_seed(evaluation)
        return PlanResult(
            recommended=design,
            evaluation=evaluation,
            verification=verification,
            options=options,
            log=list(self.problem.log),
            runners_up=ranked[1:4],
            reasons=budget_reasons(self.problem, design, evaluation, options),
            run=self.run,
            backend=self.backend.description,
            existing=self.problem.existing,
            budget_per_week=self.problem.budget_per_week,
            currency=self.problem.costs.currency,
            frontier=frontier(self.problem.memo.items(), self.problem.budget_per_week),
        )

    def _on_fresh_seed(self, evaluation: Evaluation) -> Evaluation:
        """The same team re-simulated on an independent seed: the check a recommendation
        must pass."""
        return evaluate_teams(
            self.problem.workload,
            [evaluation.team],
            self.problem.sla,
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
        _, bounds = self.problem.start(msp)
        return bounds, self.problem.extremes(msp)
