"""Budget mode: the best service for at most a given cost a year.

The objective is lexicographic (``frontier.objective``): among the designs whose simulated
mean cost per week is within the budget (the yearly budget / 52 weeks), the smallest **worst
shortfall** (over every SLA target, its share less the lower end of the 95% interval of its
attainment; below zero, every target is met with that margin), then the cheapest, then the
fewest people. The answer is therefore on the cost-service frontier of the designs simulated:
none within the budget is cheaper-or-equal and better.

It is a mode of the planner's search (``search.Planner`` with ``budget_per_year``), not a
search of its own: the same MSP options, starts, bounds, moves, memo (nothing simulated
twice), lockstep batches on the same back ends, and fresh-seed re-simulation. Per MSP option:

1. an option whose cost floor is above the budget is dropped unsimulated;
2. *shed*: when the analytic start costs more than the budget, jump to the option's least
   design (every pool at its stability and bus-factor floor); while still over, take the
   descent's moves (``moves.neighbours``) to the best service among those within the budget
   (the cheapest when none is yet);
3. *climb*: while one more person where the worst target binds (``option_search.pool_to_add``)
   fits the budget (people exactly, the MSP at its floor) and improves the objective, add them;
4. *exchange*: a local search over one more person in any pool, a descent move plus one
   person in any pool (money moved from where it helps least to where a target binds), and
   the descent moves alone (same service for less); ``NEIGHBOUR_BATCH`` unseen neighbours are
   simulated a round and the best improving one within the budget is taken, until no
   neighbour improves or ``--max-designs`` runs out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskmix.errors import ConfigError
from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.frontier import WEEKS_PER_YEAR, objective, shortfall
from deskmix.plan.moves import allowed, neighbours
from deskmix.plan.option_search import MIN_BUDGET, pool_to_add
from deskmix.plan.result import OptionResult

if TYPE_CHECKING:
    from deskmix.plan.problem import PlanProblem
    from deskmix.plan.result import OptionSearch
    from deskmix.plan.search import Planner


def per_year(week: float) -> float:
    return week * WEEKS_PER_YEAR


def additions(problem: PlanProblem, design: Design, evaluation: Evaluation) -> list[str]:
    """Pools that may take one more person: where the worst target binds first."""
    pools = ["generalists", *problem.in_house(design.msp), *design.pairs()]
    first = pool_to_add(problem, design, evaluation, design.msp)[0] if evaluation.binding else ""
    return sorted(dict.fromkeys(pools), key=lambda p: (p != first, p))


def fits(problem: PlanProblem, design: Design, floors: dict[str, int], limit: int) -> bool:
    """Within the constraints, and its exact people cost plus the MSP floor within budget."""
    assert problem.budget_per_week is not None
    return (
        design.generalists >= 0
        and min((n for _, n in design.specialists), default=0) >= 0
        and design.headcount <= limit
        and allowed(problem, design, floors)
        and problem.people_cost(design) + problem.msp_floor(design.msp)
        <= problem.budget_per_week + 1e-9
    )


def exchange_neighbours(
    problem: PlanProblem,
    design: Design,
    evaluation: Evaluation,
    floors: dict[str, int],
    limit: int,
) -> list[tuple[Design, str]]:
    """One more person, a descent move plus one more person, a descent move alone."""
    pools = additions(problem, design, evaluation)
    moves = neighbours(problem, design, floors)
    out: list[tuple[Design, str]] = []
    for pool in pools:
        out.append((design.changed(pool, +1), f"one more {problem.pool_name(pool)}"))
    for move in moves:
        for pool in pools:
            out.append(
                (
                    move.design.changed(pool, +1),
                    f"{move.why}, and one more {problem.pool_name(pool)}",
                )
            )
    out += [(m.design, m.why) for m in moves]
    seen: set[Design] = {design}
    kept = []
    for candidate, why in out:
        if candidate in seen or not fits(problem, candidate, floors, limit):
            continue
        seen.add(candidate)
        kept.append((candidate, why))
    return kept


def floor_design(
    problem: PlanProblem, msp: tuple[str, ...], floors: dict[str, int], pooled_floor: int
) -> Design:
    """The least design of an option: each pool at its stability and bus-factor floor (new
    hires only), and never fewer people than the pooled extreme's floor."""
    counts = {
        d: max(
            floors.get(d, 0),
            problem.costs.constraints.min_for(d),
        )
        - problem.existing_cover.get(d, 0)
        for d in problem.in_house(msp)
    }
    design = Design.of(
        floors.get("generalists", 0), {d: n for d, n in counts.items() if n > 0}, msp
    )
    gap = pooled_floor - design.headcount
    return design.changed("generalists", gap) if gap > 0 else design


def budget_option_search(
    planner: Planner, msp: tuple[str, ...], start: Design | None, options: int
) -> OptionSearch:
    """One MSP option in budget mode (see the module docstring); a generator like
    ``Planner.option_search``, so ``Planner.drive`` runs the options in lockstep."""
    problem = planner.problem
    budget = problem.budget_per_week
    assert budget is not None
    design, bounds = problem.start(msp)
    if start is not None:
        design = start
    ext = problem.extremes(msp)
    option = OptionResult(msp, bounds, None, ext, problem.cost_floor(msp, bounds, ext))
    if option.cost_floor > budget:
        option.pruned = (
            f"its cheapest possible design costs at least {option.cost_floor:,.0f} a week, "
            f"above the budget ({budget:,.0f} a week)"
        )
        return option
    floors = problem.floors(bounds, ext)
    staying = len(problem.existing.agents) if problem.existing is not None else 0
    pooled_gap = ext.pooled.floor - design.headcount - staying
    if start is None and pooled_gap > 0:
        design = design.changed("generalists", pooled_gap)
    limit = problem.headcount_limit(ext)
    quota = max(MIN_BUDGET, planner.max_evaluations // options)
    used = 0

    def spent() -> bool:
        return used >= quota and len(problem.memo) >= planner.max_evaluations

    yield [(design, "analytic start" if start is None else "given start")]
    used += 1
    current = problem.memo[design]
    # 1. shed: over the budget, jump to the option's least design, then take the descent's
    # moves while still over.
    least = floor_design(problem, msp, floors, ext.pooled.floor - staying)
    if current.cost.mean > budget and least != design and least not in problem.memo:
        yield [(least, "every pool at its floor (the start is over the budget)")]
        used += 1
        design, current = least, problem.memo[least]
    while current.cost.mean > budget:
        moves = neighbours(problem, design, floors)[: planner.neighbour_batch]
        if not moves or spent():
            option.stuck = (
                f"no design within the budget: the least found, {design.label()}, costs "
                f"{current.cost.mean:,.0f} a week"
            )
            return option
        yield [(m.design, f"{m.why} (over the budget)") for m in moves]
        used += len(moves)
        tried = [(m.design, problem.memo[m.design]) for m in moves]
        inside = [(d, e) for d, e in tried if e.cost.mean <= budget]
        if inside:
            design, current = min(inside, key=lambda de: objective(*de))
        else:
            design, current = min(tried, key=lambda de: (de[1].cost.mean, objective(*de)))
    # 2. climb: one more person where the worst target binds, while it fits and helps.
    while current.binding is not None and not spent():
        pool, why = pool_to_add(problem, design, current, msp)
        bigger = design.changed(pool, +1)
        if bigger in problem.memo or not fits(problem, bigger, floors, limit):
            break
        yield [(bigger, f"{why} (within the budget)")]
        used += 1
        trial = problem.memo[bigger]
        if trial.cost.mean > budget or objective(bigger, trial) >= objective(design, current):
            break
        design, current = bigger, trial
    # 3. exchange: the best improving neighbour, a batch of unseen ones a round.
    while True:
        candidates = exchange_neighbours(problem, design, current, floors, limit)
        better = [
            (d, problem.memo[d])
            for d, _ in candidates
            if d in problem.memo
            and problem.memo[d].cost.mean <= budget
            and objective(d, problem.memo[d]) < objective(design, current)
        ]
        if better:
            design, current = min(better, key=lambda de: objective(*de))
            continue
        fresh = [(d, why) for d, why in candidates if d not in problem.memo]
        if not fresh or spent():
            break
        batch = fresh[: planner.neighbour_batch]
        yield batch
        used += len(batch)
    option.best = (design, current)
    return option


def within_budget(problem: PlanProblem) -> list[tuple[Design, Evaluation]]:
    """Every simulated design within the budget, best first by the objective."""
    budget = problem.budget_per_week
    assert budget is not None
    inside = [(d, e) for d, e in problem.memo.items() if e.cost.mean <= budget]
    return sorted(inside, key=lambda de: objective(*de))


def check_budget(problem: PlanProblem, floors: list[float]) -> None:
    """A budget below every option's cost floor: no simulation can help, say so in one line."""
    budget = problem.budget_per_week
    assert budget is not None
    cheapest = min(floors)
    if cheapest > budget:
        raise ConfigError(
            f"the budget of {per_year(budget):,.0f} {problem.costs.currency} a year is below "
            f"the cheapest possible design, which costs at least {per_year(cheapest):,.0f} a "
            f"year ({cheapest:,.0f} a week, {WEEKS_PER_YEAR} weeks a year); raise the budget"
        )


def nothing_within(problem: PlanProblem) -> ConfigError:
    budget = problem.budget_per_week
    assert budget is not None
    design, evaluation = min(problem.memo.items(), key=lambda de: de[1].cost.mean)
    return ConfigError(
        f"the budget of {per_year(budget):,.0f} {problem.costs.currency} a year is below every "
        f"design simulated: the cheapest, {design.label()}, costs "
        f"{per_year(evaluation.cost.mean):,.0f} a year ({evaluation.cost.mean:,.0f} a week, "
        f"{WEEKS_PER_YEAR} weeks a year); raise the budget"
    )


def budget_reasons(
    problem: PlanProblem,
    design: Design,
    evaluation: Evaluation,
    options: list[OptionResult],
) -> list[str]:
    """Plain words for a budget-mode plan: the budget, the service it buys, the frontier."""
    budget = problem.budget_per_week
    assert budget is not None
    currency = problem.costs.currency
    cost = evaluation.cost.mean
    out = [
        f"Budget mode: the best service for at most {per_year(budget):,.0f} {currency} a year "
        f"({budget:,.0f} a week, {WEEKS_PER_YEAR} weeks a year). Best service means the "
        "smallest worst shortfall: over every SLA target, its share less the lower end of "
        "the 95% interval of its attainment; ties go to the cheaper design.",
        f"{design.label()} costs {cost:,.0f} {currency} a week "
        f"({per_year(cost):,.0f} a year, {100 * cost / budget:.0f}% of the budget).",
    ]
    binding = evaluation.binding
    if binding is not None:
        gap = 100 * shortfall(evaluation)
        if evaluation.feasible:
            out.append(
                f"It meets every SLA target; the closest is {binding.describe()}, "
                f"{-gap:.1f} points above its share."
            )
        else:
            missed = [c for c in evaluation.checks if not c.met]
            out.append(
                f"Within this budget it misses {len(missed)} target(s); the worst is "
                f"{binding.describe()}, {gap:.1f} points short."
            )
    feasible = sorted(
        ((d, e) for d, e in problem.memo.items() if e.feasible),
        key=lambda de: (de[1].cost.mean, de[0].headcount, de[0].label()),
    )
    if feasible:
        d, e = feasible[0]
        where = "within" if e.cost.mean <= budget else "above"
        out.append(
            f"The cheapest design simulated that meets every SLA, {d.label()}, costs "
            f"{per_year(e.cost.mean):,.0f} {currency} a year ({where} the budget)."
        )
    else:
        out.append("No design simulated met every SLA target.")
    out.append(
        "It is on the cost-service frontier: no design simulated within the budget is "
        "cheaper or as cheap and gives better service."
    )
    for option in options:
        name = "in-house only" if not option.msp else "buying " + ", ".join(option.msp)
        if option.msp == design.msp:
            continue
        if option.pruned:
            out.append(f"Not {name}: {option.pruned}.")
        elif option.best is None:
            out.append(f"Not {name}: {option.stuck}.")
        else:
            d, e = option.best
            out.append(
                f"Not {name}: its best design within the budget ({d.label()}) has a worst "
                f"shortfall of {100 * shortfall(e):.1f} points at {e.cost.mean:,.0f} "
                f"{currency} a week."
            )
    return out
