"""Why a plan is what it is, in plain words: what binds, what one person fewer would break,
what cross-training saves, the bounds, and what every other MSP option would have cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.inputs import pool_domains
from deskmix.plan.moves import MERGE, NARROW, POOL

if TYPE_CHECKING:
    from deskmix.plan.problem import PlanProblem
    from deskmix.plan.result import OptionResult


def plan_reasons(
    problem: PlanProblem, design: Design, evaluation: Evaluation, options: list[OptionResult]
) -> list[str]:
    """Plain words: what binds, what one fewer person would break, why this MSP choice."""
    currency = problem.costs.currency
    chosen = next(o for o in options if o.msp == design.msp)
    out = [
        f"{design.label()} meets every SLA target at {evaluation.cost.mean:,.0f} "
        f"{currency} a week (the lower end of each 95% interval reaches its share)."
    ]
    if problem.existing is not None:
        out.append(
            f"The {len(problem.existing.agents)} people of '{problem.existing.name}' stay "
            f"({problem.existing_cost:,.0f} {currency} a week, included); the plan adds "
            f"{design.headcount} new hire(s)."
        )
    out.append(binding_reason(problem, design, evaluation))
    for pool, broken in sorted(chosen.removal_blocked.items()):
        if pool.startswith(MERGE):
            pair = listed(pool.removeprefix(MERGE))
            out.append(f"One person cross-trained in {pair} instead would miss: {broken}.")
        elif pool.startswith(NARROW):
            pair, keep = pool.removeprefix(NARROW).split(">")
            out.append(
                f"A {problem.pool_name(keep)} instead of one person cross-trained in "
                f"{listed(pair)} would miss: {broken}."
            )
        elif pool.startswith(POOL):
            pair = listed(pool.removeprefix(POOL))
            out.append(f"Pooling {pair} into one cross-trained team would miss: {broken}.")
        else:
            out.append(f"One {problem.pool_name(pool)} fewer would miss: {broken}.")
    for pair in design.pairs():
        domains = pool_domains(pair)
        alone = sum(problem.pool_cost(d) for d in domains) - problem.pool_cost(pair)
        saving = alone * problem.shift_hours
        named = listed(pair)
        out.append(
            f"{pair}: {design.count(pair)} person(s) cross-trained in {named} "
            f"cover those domains' bus factor; each saves {saving:,.0f} {currency} a week "
            "against one specialist per domain."
        )
    for domain in problem.in_house(design.msp):
        able = design.covering(domain) + problem.existing_cover.get(domain, 0)
        if 0 < able <= problem.costs.constraints.min_for(domain):
            out.append(f"{domain}: {able} specialist(s) is the bus-factor minimum.")
    if chosen.extremes is not None:
        ext = chosen.extremes
        staying = len(problem.existing.agents) if problem.existing is not None else 0
        out.append(
            f"Bounds for this MSP choice: Erlang C staffs one pool of versatile people for "
            f"every in-house ticket with {ext.pooled.people}; never fewer than "
            f"{ext.pooled.floor} people can keep up with the work in the long run; every "
            f"domain on its own specialists {ext.unpooled.people} "
            f"({ext.unpooled.cost_per_week:,.0f} {currency} a week in people). This design "
            f"has {design.headcount + staying} people."
        )
    for option in options:
        if option is chosen:
            continue
        name = "in-house only" if not option.msp else "buying " + ", ".join(option.msp)
        if option.pruned:
            out.append(
                f"Not {name}: {option.pruned} (dropped by the bound, not simulated further)."
            )
        elif option.best is None:
            out.append(f"Not {name}: no design met every SLA ({option.stuck}).")
        else:
            cost = option.best[1].cost.mean
            out.append(
                f"Not {name}: its best design ({option.best[0].label()}) costs "
                f"{cost:,.0f} {currency} a week."
            )
    return out


def binding_reason(problem: PlanProblem, design: Design, evaluation: Evaluation) -> str:
    """What stops a cheaper design: the targets missed by the dearest simulated design that
    is cheaper than the recommendation (the next-cheaper one), not merely the target with
    the smallest margin, which may have room to spare once a pool elsewhere shrinks."""
    cost = evaluation.cost.mean
    cheaper = [
        (e.cost.mean, d.label(), d, e)
        for d, e in problem.memo.items()
        if d != design and not e.feasible and e.cost.mean < cost
    ]
    if not cheaper:
        closest = evaluation.binding
        return (
            f"No cheaper design was simulated; the target closest to failing is "
            f"{closest.describe()}."
            if closest is not None
            else "No cheaper design was simulated."
        )
    _, label, _, nearest = max(cheaper, key=lambda c: (c[0], c[1]))
    missed = [c.describe() for c in nearest.checks if not c.met]
    return (
        f"The binding SLA target: the next-cheaper design simulated ({label}, "
        f"{nearest.cost.mean:,.0f} a week) misses {'; '.join(missed)}."
    )


def listed(pool: str) -> str:
    """``a+b+c`` as "a, b and c"."""
    domains = pool_domains(pool)
    return domains[0] if len(domains) == 1 else ", ".join(domains[:-1]) + f" and {domains[-1]}"
