"""Bisection on headcount per pool: how the descent takes a large desk down in few rounds.

Removing one person per simulated design cannot reach the cheapest design of a desk of
hundreds of agents (a start 5% over is 50 designs away). Each pool instead keeps an interval:
``hi`` is its count in the current feasible design, ``lo`` the largest count known to miss a
target (or one below the least the constraints allow). Every round simulates, as one batch,
the current design with each open pool at the middle of its interval; a pool that still meets
every target lowers its ``hi``, one that misses raises its ``lo``. The pools that held are then
tried all together; if that misses, the one saving most is kept. Rounds go on until every
interval is closed (``hi - lo <= 1``), about log2 of the largest gap; the single steps, merges
and poolings of ``moves.py`` then finish near the boundary.

Fewer people in one pool never makes another pool's targets easier, so a count that missed
stays a lower bound while other pools shrink (the monotonicity the interval relies on).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from deskmix.plan.design import Design
from deskmix.plan.moves import allowed

if TYPE_CHECKING:
    from deskmix.plan.problem import PlanProblem

Request = list[tuple[Design, str]]
BISECT_BATCH = 16  # trials per round at most (fixed: the same plan on any back end)


@dataclass
class Intervals:
    """Per pool: the largest count known to miss (``lo``); ``hi`` is the current count."""

    lo: dict[str, int] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)  # pools whose lo a simulation set
    missed: dict[str, str] = field(default_factory=dict)  # the target the lo count missed

    def closed(self, design: Design, pool: str) -> bool:
        return design.count(pool) - self.lo.get(pool, -1) <= 1


def least_allowed(problem: PlanProblem, design: Design, pool: str, floors: dict[str, int]) -> int:
    """The fewest people the pool may have with every other pool as in ``design``."""
    count = design.count(pool)
    low, high = 0, count  # allowed(high) holds: the design is feasible, so allowed
    while low < high:
        mid = (low + high) // 2
        if allowed(problem, with_count(design, pool, mid), floors):
            high = mid
        else:
            low = mid + 1
    return low


def with_count(design: Design, pool: str, count: int) -> Design:
    return design.changed(pool, count - design.count(pool))


def bisect(
    problem: PlanProblem,
    design: Design,
    floors: dict[str, int],
    intervals: Intervals,
    budget: int,
) -> Generator[Request, None, tuple[Design, int]]:
    """Narrow every pool of the feasible ``design`` by bisection; returns the design reached
    and the designs it asked to simulate (counted against the option's budget)."""
    used = 0
    for pool in design.pools():
        least = least_allowed(problem, design, pool, floors)
        intervals.lo[pool] = max(intervals.lo.get(pool, -1), least - 1)
    while used < budget:
        open_pools = [p for p in design.pools() if not intervals.closed(design, p)]
        if not open_pools:
            break
        # the largest possible saving first, so a capped batch takes the pools that matter
        open_pools.sort(
            key=lambda p: (-(design.count(p) - intervals.lo[p]) * problem.pool_cost(p), p)
        )
        trials: list[tuple[str, Design]] = []
        for pool in open_pools[:BISECT_BATCH]:
            mid = (intervals.lo[pool] + design.count(pool)) // 2
            trial = with_count(design, pool, mid)
            if allowed(problem, trial, floors):
                trials.append((pool, trial))
            else:  # the constraints forbid it: nothing lower is allowed either
                intervals.lo[pool] = mid
        if not trials:
            continue
        yield [
            (t, f"bisection: {problem.pool_name(p)}s {design.count(p)} -> {t.count(p)}")
            for p, t in trials
        ]
        used += len(trials)
        held: list[tuple[str, Design]] = []
        for pool, trial in trials:
            if problem.memo[trial].feasible:
                held.append((pool, trial))
            else:
                intervals.lo[pool] = trial.count(pool)
                intervals.tried.add(pool)
                binding = problem.memo[trial].binding
                intervals.missed[pool] = binding.describe() if binding else "a target"
        if not held:
            continue
        together = design
        for pool, trial in held:
            together = with_count(together, pool, trial.count(pool))
        if len(held) > 1 and allowed(problem, together, floors):
            yield [(together, "bisection: the pools that held, together")]
            used += 1
            if problem.memo[together].feasible:
                design = together
                continue
        pool, best = max(
            held,
            key=lambda pt: (
                (design.count(pt[0]) - pt[1].count(pt[0])) * problem.pool_cost(pt[0]),
                pt[0],
            ),
        )
        design = best
    return design, used


def merge_chain(problem: PlanProblem, design: Design, floors: dict[str, int]) -> list[Design]:
    """Merges of two specialists into one cross-trained person, applied one after another
    (largest saving first, each kept only if the constraints allow it): the designs after
    1, 2, ... merges."""
    from deskmix.plan.moves import MERGE, neighbours

    chain: list[Design] = []
    current = design
    for move in neighbours(problem, design, floors):
        if not move.pool.startswith(MERGE):
            continue
        trial = current
        for pool in {*design.pools(), *move.design.pools()}:
            trial = trial.changed(pool, move.design.count(pool) - design.count(pool))
        if min((n for _, n in trial.specialists), default=0) < 0 or trial.generalists < 0:
            continue
        trial = Design.of(trial.generalists, dict(trial.specialists), trial.msp)
        if allowed(problem, trial, floors):
            chain.append(trial)
            current = trial
    return chain


def bisect_merges(
    problem: PlanProblem, design: Design, floors: dict[str, int], budget: int
) -> Generator[Request, None, tuple[Design, int]]:
    """On a desk with many small domains, cross-training one pair at a time takes one
    simulated design per person saved. Here the merges are chained and the longest chain
    that still meets every target is found by bisection on its length, then the chain is
    rebuilt from there while that finds any."""
    used = 0
    while used < budget:
        chain = merge_chain(problem, design, floors)
        if len(chain) < 2:
            break
        good, bad = 0, len(chain) + 1  # after `good` merges it holds, after `bad` it misses
        probe = len(chain)
        while bad - good > 1 and used < budget:
            trial = chain[probe - 1]
            yield [(trial, f"{probe} specialist pairs cross-trained at once (bisection)")]
            used += 1
            if problem.memo[trial].feasible:
                good = probe
            else:
                bad = probe
            probe = (good + bad) // 2
        if good == 0:
            break
        design = chain[good - 1]
    return design, used
