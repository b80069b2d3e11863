"""The descent's moves: which neighbours of a design the search simulates next.

A move saves money per hour: one person fewer in a pool, two one-domain specialists merged
into one person cross-trained in both, two domains' whole teams pooled into one
cross-trained team of one person fewer, or one cross-trained person replaced by a specialist
in one of the two domains (so a pair formed early in the descent can be undone). ``allowed``
keeps every move inside the constraints (bus factor, stability floors); ``combined`` applies
several moves that held on their own at once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deskmix.plan.design import Design
from deskmix.plan.inputs import pair_pool, pool_domains, union_pool

if TYPE_CHECKING:
    from deskmix.plan.problem import PlanProblem

MERGE = "merge "  # key of a merge move, apart from the pair pool's own removal
POOL = "pool "  # key of a pooling move (two domains' teams into one cross-trained team)
NARROW = "narrow "  # key of a narrowing move (a cross-trained person kept in one domain)
TOTAL = "*total"  # floors' key of the fewest hires in all (the pooled extreme's floor)


@dataclass(frozen=True)
class Move:
    """A neighbour in the descent: what it saves per hour, the pool it changes, the design."""

    saving: float
    pool: str
    design: Design
    why: str


def combined(
    problem: PlanProblem, design: Design, moves: list[Move], floors: dict[str, int]
) -> Design | None:
    """Every move's change applied to ``design`` (skipping one that would take a pool
    below zero or a domain below its floor); None unless two or more combine."""
    counts = {p: design.count(p) for p in design.pools()}
    applied = 0
    for move in moves:
        trial = dict(counts)
        for pool in {*design.pools(), *move.design.pools()}:
            trial[pool] = trial.get(pool, 0) + move.design.count(pool) - design.count(pool)
        candidate = Design.of(
            trial.pop("generalists"), {p: n for p, n in trial.items() if n > 0}, design.msp
        )
        if min(trial.values(), default=0) < 0 or not allowed(problem, candidate, floors):
            continue
        counts, applied = {**trial, "generalists": candidate.generalists}, applied + 1
    if applied < 2:
        return None
    generalists = counts.pop("generalists")
    return Design.of(generalists, {p: n for p, n in counts.items() if n > 0}, design.msp)


def allowed(problem: PlanProblem, design: Design, floors: dict[str, int]) -> bool:
    """The constraints and the stability floors: generalists, and people per domain."""
    if design.generalists < floors.get("generalists", 0):
        return False
    if design.headcount < floors.get(TOTAL, 0):
        return False
    if not all(
        design.covering(d) + problem.existing_cover.get(d, 0)
        >= max(floors.get(d, 0), problem.costs.constraints.min_for(d))
        for d in problem.in_house(design.msp)
    ):
        return False
    return all(jointly_able(problem, design, group) for group in linked_domains(design))


def linked_domains(design: Design) -> list[str]:
    """Groups of domains that cross-trained people link (``a+b`` and ``b+c`` link a, b and c),
    each as a pool name: the sets whose work shares the same people."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        while parent.setdefault(d, d) != d:
            d = parent[d]
        return d

    for pool in design.pairs():
        first, *rest = pool_domains(pool)
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[str, list[str]] = {}
    for d in list(parent):
        groups.setdefault(root(d), []).append(d)
    return ["+".join(sorted(g)) for g in groups.values() if len(g) > 1]


def jointly_able(problem: PlanProblem, design: Design, pool: str) -> bool:
    """Enough people for a group of domains' work together: everyone able to take any of
    them, counted once, reaches their joint stability floor."""
    domains = set(pool_domains(pool))
    able = sum(n for p, n in design.specialists if domains & set(pool_domains(p)))
    able += sum(problem.existing_cover.get(d, 0) for d in domains)
    return able >= problem.joint_floor(tuple(sorted(domains)), design.msp)


def neighbours(problem: PlanProblem, design: Design, floors: dict[str, int]) -> list[Move]:
    """One person fewer in each pool the constraints allow, and merges of two one-domain
    specialists into one cross-trained person; the largest saving first."""
    out: list[Move] = []
    constraints = problem.costs.constraints
    for pool in design.pools():
        if design.count(pool) <= 0:
            continue
        smaller = design.changed(pool, -1)
        if smaller.headcount < floors.get(TOTAL, 0):
            continue
        if pool == "generalists":
            if smaller.generalists < floors.get("generalists", 0):
                continue
        elif any(
            smaller.covering(d) + problem.existing_cover.get(d, 0)
            < max(floors.get(d, 0), constraints.min_for(d))
            for d in pool_domains(pool)
        ):
            continue
        if not all(jointly_able(problem, smaller, g) for g in linked_domains(smaller)):
            continue
        out.append(
            Move(problem.pool_cost(pool), pool, smaller, f"one {problem.pool_name(pool)} fewer")
        )
    if problem.costs.cross_training:
        out += merges(problem, design, floors)
        out += poolings(problem, design, floors)
    out += narrowings(problem, design, floors)
    return sorted(out, key=lambda m: (-m.saving, m.pool))


def merges(problem: PlanProblem, design: Design, floors: dict[str, int]) -> list[Move]:
    """Two specialists (one-domain or already cross-trained) replaced by one person
    cross-trained in every domain of both, up to ``cross_training_max_domains`` domains."""
    out = []
    most = problem.costs.cross_training_max_domains
    specialist_pools = sorted(p for p in design.pools() if p != "generalists" and design.count(p))
    for first, second in itertools.combinations(specialist_pools, 2):
        union = union_pool(first, second)
        domains = pool_domains(union)
        if len(domains) > most or union in (first, second):
            continue
        saving = problem.pool_cost(first) + problem.pool_cost(second) - problem.pool_cost(union)
        if saving <= 0:
            continue
        merged = design.changed(first, -1).changed(second, -1).changed(union, +1)
        if not allowed(problem, merged, floors):
            continue
        named = " and ".join(domains)
        why = (
            f"one {problem.pool_name(first)} and one {problem.pool_name(second)} replaced by "
            f"one person cross-trained in {named} "
            f"(saves {saving * problem.shift_hours:,.0f} a week)"
        )
        out.append(Move(saving, f"{MERGE}{union}", merged, why))
    return out


def narrowings(problem: PlanProblem, design: Design, floors: dict[str, int]) -> list[Move]:
    """One person cross-trained in two domains replaced by a specialist in one of them.

    Merges and poolings only ever add cross-training; without this move a descent that
    pooled two domains could not reach "one pair and one specialist" from "two pairs", which
    is cheaper when one domain needs less depth than the other.
    """
    out = []
    for pair in design.pairs():
        domains = pool_domains(pair)
        for dropped in domains:
            keep = "+".join(d for d in domains if d != dropped)
            saving = problem.pool_cost(pair) - problem.pool_cost(keep)
            narrowed = design.changed(pair, -1).changed(keep, +1)
            if saving <= 0 or not allowed(problem, narrowed, floors):
                continue
            why = (
                f"one person cross-trained in {pair.replace('+', ' and ')} replaced by a "
                f"{problem.pool_name(keep)} (saves {saving * problem.shift_hours:,.0f} a week)"
            )
            out.append(Move(saving, f"{NARROW}{pair}>{keep}", narrowed, why))
    return out


def poolings(problem: PlanProblem, design: Design, floors: dict[str, int]) -> list[Move]:
    """For two in-house domains: everyone in their one-domain and pair pools replaced by
    one person fewer, all cross-trained in both (the two teams pooled). A merge changes
    one person of each domain; this reaches designs such as two pairs instead of two
    network specialists and one security specialist, which a chain of cheaper merges
    cannot (the merge in between may miss a target)."""
    out = []
    for first, second in itertools.combinations(sorted(problem.in_house(design.msp)), 2):
        pair = pair_pool(first, second)
        people = design.count(first) + design.count(second) + design.count(pair)
        if people < 3 or not (design.count(first) and design.count(second)):
            continue  # two people: the plain merge is the same move
        counts = {p: design.count(p) for p in design.pools() if p != "generalists"}
        counts.update({first: 0, second: 0, pair: people - 1})
        pooled = Design.of(design.generalists, {p: n for p, n in counts.items() if n}, design.msp)
        before = sum(design.count(p) * problem.pool_cost(p) for p in (first, second, pair))
        saving = before - (people - 1) * problem.pool_cost(pair)
        if saving <= 0 or not allowed(problem, pooled, floors):
            continue
        why = (
            f"the {first} and {second} specialists pooled: {people - 1} people cross-trained "
            f"in both instead of {people} (saves {saving * problem.shift_hours:,.0f} a week)"
        )
        out.append(Move(saving, f"{POOL}{pair}", pooled, why))
    return out
