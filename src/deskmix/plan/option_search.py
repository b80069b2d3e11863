"""One MSP option's search for its cheapest feasible design: climb, bisect, descend.

``search.py`` describes the whole search and drives the options in lockstep; this is one
option's part, a generator that yields the designs it wants simulated next and reads them
back from the memo (``problem.py``) when resumed:

1. start: the analytic start raised to the constraints and the pooled extreme's floor, or
   another option's best design adapted (``warm_start``); an option whose cost floor, or its
   estimate from the best design found, is above that design is dropped unsimulated;
2. climb: while some SLA target fails, add people to the pool that binds (``pool_to_add``) in
   steps sized by the pool, doubled while the same pool binds;
3. bisect: take back what the climb overshot, per pool and along chains of cross-training
   merges (``bisect.py``);
4. descend: simulate the cheapest neighbours (``moves.py``) a batch at a time and move to the
   cheapest that still meets every target, several together when they each hold.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from deskmix.plan.bisect import Intervals, bisect, bisect_merges
from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.inputs import pool_domains
from deskmix.plan.moves import combined, neighbours
from deskmix.plan.problem import PlanProblem
from deskmix.plan.result import OptionResult, OptionSearch

if TYPE_CHECKING:
    from deskmix.plan.search import Planner

MIN_BUDGET = 6  # designs each MSP option may simulate, at least (start, a few moves)
STALL_STEPS = 3  # additions in a row that do not move the binding target: give up the option
STALL_GAIN = 0.002  # a move smaller than this (0.2 points of attainment) counts as none
ESTIMATE_MARGIN = 0.02  # an option estimated within 2% of the best found is still searched
CLIMB_SHARE = 0.02  # a climb's first step: 2% of the binding pool (at least one person)


def cheapest_option_search(
    planner: Planner, msp: tuple[str, ...], start: Design | None, options: int
) -> OptionSearch:
    """One option's cheapest feasible design (``start``: a given first design); ``options``
    shares the design budget (``max_evaluations``) among the options searched."""
    problem = planner.problem
    design, bounds = problem.start(msp)
    why = "analytic start"
    warm = warm_start(problem, msp, design) if start is None else None
    if start is not None:
        design, why = start, "given start"
    elif warm is not None:
        design, why = warm
    ext = problem.extremes(msp)
    option = OptionResult(msp, bounds, None, ext, problem.cost_floor(msp, bounds, ext))
    if option.cost_floor >= problem.incumbent_high():
        option.pruned = (
            f"its cheapest possible design costs at least {option.cost_floor:,.0f} a week"
        )
        return option
    estimate = problem.estimated_cost(msp)
    if estimate is not None and estimate >= problem.incumbent_high() * (1 + ESTIMATE_MARGIN):
        option.pruned = (
            f"estimated from the best design found, it would cost about {estimate:,.0f} a "
            f"week, more than that design's {problem.incumbent():,.0f}"
        )
        return option
    floors = problem.floors(bounds, ext)
    pooled_gap = (
        ext.pooled.floor
        - design.headcount
        - (len(problem.existing.agents) if problem.existing is not None else 0)
    )
    if start is None and pooled_gap > 0:  # never below the pooled extreme's floor
        design = design.changed("generalists", pooled_gap)
    budget = max(MIN_BUDGET, planner.max_evaluations // options)
    used = 0
    yield [(design, why)]
    used += 1
    intervals = Intervals()
    step_pool, step = "", 0
    current = problem.memo[design]
    limit = problem.headcount_limit(ext)
    stalled = 0
    while not current.feasible:
        binding = current.binding
        assert binding is not None
        floor = max(problem.people_cost(design) + problem.msp_floor(msp), option.cost_floor)
        if floor >= problem.incumbent_high():
            option.pruned = (
                f"still missing {binding.describe()} with people alone costing more than "
                "a feasible design already found"
            )
            return option
        exhausted = used >= budget and len(problem.memo) >= planner.max_evaluations
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
        pool, why = pool_to_add(problem, design, current, msp)
        # steps sized by the distance: 2% of the pool at first, doubled while the same
        # pool still binds; the bisection after takes back what overshoots. (The count a
        # step left is no known miss: the target may have failed for another pool,
        # which grew later.)
        step = (
            step * 2 if pool == step_pool else max(1, math.ceil(CLIMB_SHARE * design.count(pool)))
        )
        step_pool = pool
        if step > 1:
            why += f" (+{step})"
        design = design.changed(pool, +step)
        before = binding.estimate.mean
        yield [(design, why)]
        used += 1
        current = problem.memo[design]
        again = next(
            (c for c in current.checks if (c.kind, c.priority) == (binding.kind, binding.priority)),
            None,
        )
        improved = again is not None and again.estimate.mean > before + STALL_GAIN
        stalled = 0 if improved else stalled + 1
    if used < budget or len(problem.memo) < planner.max_evaluations:
        room = max(budget - used, planner.max_evaluations - len(problem.memo))
        design, spent = yield from bisect(problem, design, floors, intervals, room)
        used += spent
        if problem.costs.cross_training:
            room = max(budget - used, planner.max_evaluations - len(problem.memo))
            design, spent = yield from bisect_merges(problem, design, floors, room)
            used += spent
        current = problem.memo[design]
    # a pool whose interval a simulation closed: one fewer there is known to miss
    blocked = {p for p in intervals.tried if intervals.closed(design, p)}
    for pool in blocked:
        if pool in intervals.missed and intervals.lo[pool] == design.count(pool) - 1:
            option.removal_blocked[pool] = intervals.missed[pool]
    while True:
        if (
            option.cost_floor >= problem.incumbent_high()
            and current.cost.mean > problem.incumbent()
        ):
            option.pruned = (
                f"its cheapest possible design costs at least {option.cost_floor:,.0f} a "
                "week, more than a feasible design already found"
            )
            break
        room = planner.max_evaluations - len(problem.memo)
        if used >= budget and room <= 0:
            break
        moves = [m for m in neighbours(problem, design, floors) if m.pool not in blocked]
        moves = moves[: planner.neighbour_batch]
        if not moves:
            break
        yield [(m.design, m.why) for m in moves]
        used += len(moves)
        feasible = []
        for move in moves:
            trial = problem.memo[move.design]
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
        good = [m for m in moves if problem.memo[m.design].feasible]
        together = combined(problem, design, good, floors)
        if together is not None and together != single:
            # Several moves hold on their own: try them all at once (an overstaffed
            # start then sheds several people per round instead of one).
            yield [(together, "the moves that held, together")]
            used += 1
            if problem.memo[together].feasible:
                single = together
        design, current = single, problem.memo[single]
    option.best = (design, current)
    return option


def warm_start(
    problem: PlanProblem, msp: tuple[str, ...], analytic: Design
) -> tuple[Design, str] | None:
    """Another option's best design, adapted: pools of the domains this option buys
    dropped (a cross-trained person keeps the domain still in-house), pools it keeps
    in-house that the other lacked at their analytic start. On a large desk this saves
    each later option the climb and most of the bisection the first one did."""
    best = problem.best_found()
    if best is None:
        return None
    covered = problem.covered(msp)
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


def pool_to_add(
    problem: PlanProblem, design: Design, current: Evaluation, msp: tuple[str, ...]
) -> tuple[str, str]:
    """The pool one more person goes to while ``current`` misses a target, and why:
    generalists for a response target (they respond first), else the busiest in-house pool."""
    binding = current.binding
    assert binding is not None
    missed = binding.describe()
    candidates = sorted({*problem.in_house(msp), *design.pairs()})
    if binding.kind == "response" or not candidates:
        return "generalists", f"{missed}: generalists respond first, adding one"

    def load(pool: str) -> float:
        value = current.utilisation_of(problem.pool_members(current.team, pool))
        return -1.0 if math.isnan(value) else value

    busiest = max(candidates, key=lambda p: (load(p), p))
    shown = "" if load(busiest) < 0 else f", {100 * load(busiest):.0f}% busy"
    return busiest, f"{missed}: adding a {problem.pool_name(busiest)} (busiest pool{shown})"
