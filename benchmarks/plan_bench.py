"""Planning speed and quality: a 2,000-person company, and brute force on small desks (issue 6).

Run from the repository root:

    .venv/bin/python benchmarks/plan_bench.py [--quick] [--workers 2] [--reps 6] [--weeks 6]

1. **The company.** A seeded Workload built here: 2,000 people raising about 60,000 tickets a
   year (1,154 a week), 8 domains, 5 priorities, arrivals concentrated in business hours,
   lognormal handling times; business-hour SLA targets, the example cost table (with
   cross-training), and two MSP offers. ``deskmix.plan.search.Planner`` plans it on
   ``--workers`` processes; the target is under 5 minutes on 2 cores. Printed: designs
   simulated, the cost found, whether it holds on a fresh seed, wall time.
2. **How close to optimal.** Small desks (a first line and two quiet specialist domains, one
   MSP offer) where every design in a box (generalists, network, security and cross-trained
   network+security specialists, the offer bought or not) can be simulated: the exhaustive
   search's cheapest feasible design is the optimum of that space under the same seed and the
   same 95% rule. The table gives the planner's cost over the optimum's, and how many designs
   each simulated.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import time
from dataclasses import dataclass, replace

import numpy as np
from rich.console import Console
from rich.table import Table

from deskmix.domain import ArrivalStream, HandlingFit, HandlingTime, Priority, Tier, Workload
from deskmix.domain.projects import Portfolio
from deskmix.domain.sla import Clock, SlaPolicy, SlaTarget
from deskmix.domain.team import MspContract, MspPricing, Shift
from deskmix.domain.workload import DAYS
from deskmix.plan.design import Design, fte
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.inputs import Constraints, CostTable
from deskmix.plan.moves import allowed
from deskmix.plan.parallel import make_backend
from deskmix.plan.projects import plan_projects
from deskmix.plan.search import Planner

SEED = 2026
YEAR_TICKETS = 60_000
WEEKDAY = Shift(days=["mon", "tue", "wed", "thu", "fri"], start="08:00", end="17:00")
# domain: (share of tickets, share that needs a specialist, generalist hours, specialist hours)
COMPANY_DOMAINS = {
    "end_user": (0.34, 0.10, 0.35, 1.6),
    "accounts_access": (0.20, 0.08, 0.25, 1.2),
    "procurement_hr": (0.12, 0.15, 0.45, 1.5),
    "business_apps": (0.11, 0.35, 0.40, 2.5),
    "network": (0.07, 0.45, 0.35, 2.8),
    "cloud_infra": (0.06, 0.60, 0.50, 3.5),
    "data_db": (0.06, 0.55, 0.40, 3.0),
    "security": (0.04, 0.55, 0.30, 3.2),
}
PRIORITY_MIX = {"P1": 0.01, "P2": 0.07, "P3": 0.42, "P4": 0.40, "P5": 0.10}


def lognormal(domain: str, tier: Tier, mean: float, sigma: float = 0.9) -> HandlingTime:
    mu = math.log(mean) - sigma**2 / 2
    fit = HandlingFit(
        family="lognormal",
        params={"mu": mu, "sigma": sigma},
        aic=0.0,
        ks_statistic=0.0,
        ks_pvalue=1.0,
        mean_hours=mean,
    )
    return HandlingTime(
        domain=domain,
        tier=tier,
        observed=1000,
        basis="benchmark",
        mean_hours=mean,
        p50_hours=math.exp(mu),
        p90_hours=mean,
        chosen=fit,
        candidates=[fit],
    )


def business_week(rng: np.random.Generator) -> dict[str, list[float]]:
    """Most tickets on weekdays 08-18, a little at night and at weekends, seeded noise."""
    week = {}
    for day in DAYS:
        weekday = day not in ("sat", "sun")
        hours = [
            (1.0 if weekday and 8 <= h < 18 else 0.04 if weekday else 0.02) * rng.uniform(0.8, 1.2)
            for h in range(24)
        ]
        week[day] = hours
    return week


def seeded_workload(
    name: str,
    domains: dict[str, tuple[float, float, float, float]],
    per_week: float,
    effort: float = 1.0,
    seed: int = SEED,
) -> Workload:
    """Arrivals per domain x tier x priority with seeded noise, business-hour shapes and
    lognormal work (each domain's hours times ``effort``)."""
    rng = np.random.default_rng(seed)
    arrivals, handling, shapes = [], [], {}
    for domain, (share, deep, general_h, special_h) in domains.items():
        shapes[domain] = business_week(rng)
        for tier, tier_share in ((Tier.GENERALIST, 1 - deep), (Tier.SPECIALIST, deep)):
            for priority, p_share in PRIORITY_MIX.items():
                n = per_week * share * tier_share * p_share * rng.uniform(0.9, 1.1)
                arrivals.append(
                    ArrivalStream(
                        domain=domain,
                        tier=tier,
                        priority=Priority(priority),
                        tickets_per_week=n,
                        observed=int(n * 52),
                    )
                )
        handling.append(lognormal(domain, Tier.GENERALIST, general_h * effort))
        handling.append(lognormal(domain, Tier.SPECIALIST, special_h * effort))
    return Workload(name=name, arrivals=arrivals, hour_of_week=shapes, handling=handling)


def company_workload(seed: int = SEED) -> Workload:
    return seeded_workload(
        "2,000-person company (benchmark)", COMPANY_DOMAINS, YEAR_TICKETS / 52, seed=seed
    )


def business_sla() -> SlaPolicy:
    rows = [
        ("P1", 1, 40, 0.80),
        ("P2", 1, 24, 0.85),
        ("P3", 4, 24, 0.90),
        ("P4", 8, 72, 0.85),
        ("P5", 24, 160, 0.80),
    ]
    return SlaPolicy(
        targets=[
            SlaTarget(
                priority=Priority(p),
                response_hours=r,
                resolution_hours=h,
                share=s,
                clock=Clock.BUSINESS,
            )
            for p, r, h, s in rows
        ],
        business_hours=[WEEKDAY],
    )


def company_costs(shrinkage: bool = False) -> CostTable:
    """The company's cost table; with ``shrinkage`` every hire takes the documented typical
    shrinkage (25 days' leave, 3.5% sickness, 4 training days, 10% meetings)."""
    return CostTable.model_validate(
        {
            "generalist": 40,
            "specialist": 60,
            "specialist_by_domain": {"security": 72, "network": 65, "procurement_hr": 48},
            "constraints": Constraints(min_specialists=2, max_headcount=400, shifts=[WEEKDAY]),
            "shrinkage": {"generalist": {}, "specialist": {}} if shrinkage else None,
        }
    )


def company_portfolio() -> Portfolio:
    """Three projects in the run's first weeks (simulation starts Monday 2025-01-06), on 20%
    of every specialist's hours: the kind of portfolio a 2,000-person company carries."""
    return Portfolio.model_validate(
        {
            "rule": "reserved",
            "reserved_share": 0.2,
            "projects": [
                {"name": "Core switch refresh", "domains": ["network"], "effort_hours": 240,
                 "earliest_start": "2025-01-13", "due": "2025-02-14", "priority": 1},
                {"name": "Cloud landing zone", "domains": ["cloud_infra"], "effort_hours": 200,
                 "earliest_start": "2025-01-06", "due": "2025-02-07"},
                {"name": "MFA roll-out", "domains": ["security", "accounts_access"],
                 "effort_hours": 120, "earliest_start": "2025-01-06", "due": "2025-02-14"},
            ],
        }
    )  # fmt: skip


def company_offers() -> list[MspContract]:
    return [
        MspContract(
            name="SecureOps MSP",
            domains=["security"],
            response_hours=2,
            handling_factor=1.2,
            pricing=MspPricing(
                retainer_per_month=1500, included_tickets_per_month=10, overage_per_ticket=120
            ),
        ),
        MspContract(
            name="NetCloud MSP",
            domains=["network", "cloud_infra"],
            response_hours=4,
            pricing=MspPricing(per_ticket=95),
        ),
    ]


# -- a 1,000-agent desk: an enterprise or an MSP serving many clients ---------------------------

ENTERPRISE_TICKETS_PER_WEEK = 25_000
ENTERPRISE_EFFORT = 1.4  # hours below times this: about 1,000 people in-house before MSP help
# domain: (share of tickets, share that needs a specialist, generalist hours, specialist hours)
ENTERPRISE_DOMAINS = {
    "end_user": (0.26, 0.08, 1.1, 2.4),
    "accounts_access": (0.16, 0.06, 0.8, 1.8),
    "procurement_hr": (0.08, 0.12, 1.0, 2.2),
    "business_apps": (0.09, 0.30, 1.0, 3.0),
    "erp": (0.05, 0.45, 1.1, 3.6),
    "collaboration": (0.08, 0.15, 0.8, 2.4),
    "telephony": (0.04, 0.35, 0.9, 2.6),
    "network": (0.06, 0.45, 0.9, 3.2),
    "cloud_infra": (0.06, 0.55, 1.1, 3.8),
    "data_db": (0.04, 0.55, 1.0, 3.4),
    "security": (0.05, 0.50, 0.8, 3.4),
    "devops": (0.03, 0.60, 1.0, 3.6),
}


def enterprise_workload(seed: int = SEED) -> Workload:
    """About 25,000 tickets a week in 12 domains: a 20,000-employee enterprise's desk."""
    return seeded_workload(
        "1,000-agent desk (benchmark)",
        ENTERPRISE_DOMAINS,
        ENTERPRISE_TICKETS_PER_WEEK,
        effort=ENTERPRISE_EFFORT,
        seed=seed,
    )


def enterprise_costs() -> CostTable:
    return CostTable.model_validate(
        {
            "generalist": 38,
            "specialist": 60,
            "specialist_by_domain": {
                "security": 74, "network": 66, "cloud_infra": 70, "devops": 70,
                "erp": 68, "procurement_hr": 46, "telephony": 55,
            },
            "constraints": Constraints(min_specialists=2, max_headcount=3000, shifts=[WEEKDAY]),
        }
    )  # fmt: skip


def enterprise_offers() -> list[MspContract]:
    return [
        *company_offers(),
        MspContract(
            name="ERP Partner",
            domains=["erp"],
            response_hours=4,
            pricing=MspPricing(retainer_per_month=20_000, per_hour=90),
        ),
        MspContract(
            name="DevOps Crew",
            domains=["devops", "cloud_infra"],
            response_hours=3,
            handling_factor=1.1,
            pricing=MspPricing(per_ticket=140),
        ),
    ]


# -- small desks for the exhaustive search -----------------------------------------------------


@dataclass(frozen=True)
class SmallCase:
    name: str
    end_user: float  # tickets a week, first line
    quiet: float  # tickets a week in each of network and security (specialist work)
    share: float
    msp_per_ticket: float


SMALL_CASES = [
    SmallCase("quiet domains, cheap MSP", 150, 4, 0.85, 60),
    SmallCase("quiet domains, dear MSP", 150, 4, 0.85, 400),
    SmallCase("busier domains, dear MSP, tight SLA", 220, 14, 0.90, 400),
]


def small_workload(case: SmallCase) -> Workload:
    rng = np.random.default_rng(SEED)
    shape = business_week(rng)
    streams = [("end_user", Tier.GENERALIST, "P3", case.end_user)]
    streams += [(d, Tier.SPECIALIST, "P2", case.quiet) for d in ("network", "security")]
    return Workload(
        name=case.name,
        arrivals=[
            ArrivalStream(domain=d, tier=t, priority=Priority(p), tickets_per_week=n, observed=1)
            for d, t, p, n in streams
        ],
        hour_of_week=dict.fromkeys(("end_user", "network", "security"), shape),
        handling=[
            lognormal("end_user", Tier.GENERALIST, 0.35),
            lognormal("network", Tier.GENERALIST, 0.35),
            lognormal("security", Tier.GENERALIST, 0.35),
            lognormal("network", Tier.SPECIALIST, 2.0),
            lognormal("security", Tier.SPECIALIST, 2.0),
        ],
    )


def small_sla(share: float) -> SlaPolicy:
    return SlaPolicy(
        targets=[
            SlaTarget(
                priority=Priority(p),
                response_hours=2,
                resolution_hours=16,
                share=share,
                clock=Clock.BUSINESS,
            )
            for p in ("P2", "P3")
        ],
        business_hours=[WEEKDAY],
    )


def small_costs() -> CostTable:
    return CostTable(
        generalist=40,
        specialist=60,
        constraints=Constraints(min_specialists=1, shifts=[WEEKDAY]),
    )


def small_offer(price: float) -> MspContract:
    return MspContract(
        name="NetSec MSP",
        domains=["network", "security"],
        response_hours=2,
        pricing=MspPricing(per_ticket=price),
    )


def design_box(max_generalists: int) -> list[Design]:
    """Every design of the small space that respects the bus factor (1 per in-house domain)."""
    out = []
    for g, net, sec, pair, bought in itertools.product(
        range(1, max_generalists + 1), range(4), range(4), range(3), (False, True)
    ):
        if bought:
            if net or sec or pair:
                continue  # bought: no in-house specialists for the domains it covers
            out.append(Design.of(g, {}, ("NetSec MSP",)))
            continue
        if net + pair < 1 or sec + pair < 1:
            continue
        counts = {"network": net, "security": sec, "network+security": pair}
        out.append(Design.of(g, {k: v for k, v in counts.items() if v}))
    return out


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def brute_force(planner: Planner, designs: list[Design]) -> tuple[Design, Evaluation] | None:
    memo = planner.problem.memo
    for start in range(0, len(designs), 32):
        planner.evaluate_many([(d, "exhaustive") for d in designs[start : start + 32]])
    feasible = [(memo[d].cost.mean, d.headcount, d.label(), d) for d in designs]
    feasible = [f for f in feasible if memo[f[3]].feasible]
    if not feasible:
        return None
    best = min(feasible)[3]
    return best, memo[best]


def wider_search(planner: Planner, start: Design, budget: int) -> Design:
    """The reference: a wider neighbourhood than the planner's, given ``budget`` designs.
    From ``start``, every one-person-fewer, every two-people-fewer in two pools at once and
    every swap of one person for a cheaper one in another pool, cheapest first, in batches;
    move to the cheapest that holds and repeat while the budget lasts. It keeps the planner's
    hard rules (``moves.allowed``: the bus factor and every pool's long-run stability floor):
    over a few simulated weeks an overloaded domain's misses are diluted in each priority's
    attainment, so a design below a floor can pass the SLA check while its backlog grows
    without limit, and it would be no answer."""
    problem = planner.problem
    best = start
    planner.evaluate(best, "reference start")
    floors = problem.floors(problem.pool_bounds(start.msp), problem.extremes(start.msp))
    while len(problem.memo) < budget:
        pools = best.pools()
        moves = [best.changed(p, -1) for p in pools if best.count(p) > 0]
        for first, second in itertools.combinations(pools, 2):
            if best.count(first) > 0 and best.count(second) > 0:
                moves.append(best.changed(first, -1).changed(second, -1))
            for down, up in ((first, second), (second, first)):
                if best.count(down) > 0 and problem.pool_cost(up) < problem.pool_cost(down):
                    moves.append(best.changed(down, -1).changed(up, +1))
        fresh = sorted(
            {m for m in moves if m not in problem.memo and allowed(problem, m, floors)},
            key=lambda d: (problem.people_cost(d), d.label()),
        )
        if not fresh:
            break
        improved = False
        for i in range(0, len(fresh), 16):
            if len(problem.memo) >= budget:
                break
            planner.evaluate_many([(d, "reference move") for d in fresh[i : i + 16]])
            held = [d for d in fresh[i : i + 16] if problem.memo[d].feasible]
            cheaper = [d for d in held if problem.memo[d].cost.mean < problem.memo[best].cost.mean]
            if cheaper:
                best = min(cheaper, key=lambda d: problem.memo[d].cost.mean)
                improved = True
                break
        if not improved:
            break
    return best


def enterprise(args: argparse.Namespace, console: Console) -> None:
    """The 1,000-agent desk: planned within the design budget, then a reference search given
    ten times the designs (``wider_search`` from the plan's answer) to say how far from the
    best found the plan is."""
    workload = enterprise_workload()
    per_week = sum(s.tickets_per_week for s in workload.arrivals)
    run = RunSettings(reps=args.reps, weeks=args.weeks, seed=0, workers=args.workers)
    console.print(
        f"Enterprise desk: {per_week:,.0f} tickets a week, {len(ENTERPRISE_DOMAINS)} domains, "
        f"{len(enterprise_offers())} MSP offers; {run.reps} replications of {run.weeks:g} weeks"
    )
    sla, costs, offers = business_sla(), enterprise_costs(), enterprise_offers()
    started = time.perf_counter()
    with Planner(workload, sla, costs, offers, run, max_evaluations=args.max_designs) as planner:
        plan = planner.plan()
    wall = time.perf_counter() - started
    ext = plan.chosen.extremes
    console.print(f"recommended: {plan.recommended.label()}", highlight=False)
    if ext is not None:
        console.print(
            f"bounds: Erlang C pooled {ext.pooled.people}, never fewer than {ext.pooled.floor};"
            f" unpooled {ext.unpooled.people}; recommended {plan.recommended.headcount}",
            highlight=False,
        )
    reference_started = time.perf_counter()
    with Planner(workload, sla, costs, offers, run) as reference:
        wider_search(reference, plan.recommended, 10 * len(plan.log))
        # as the plan's answer is: the cheapest that also holds on the fresh seed (among
        # hundreds of designs, one can pass the search's seed by luck)
        feasible = sorted(
            ((d, e) for d, e in reference.problem.memo.items() if e.feasible),
            key=lambda de: (de[1].cost.mean, de[0].label()),
        )
        best = feasible[0][0]
        for design, evaluation in feasible[:16]:
            if reference._on_fresh_seed(evaluation).feasible:
                best = design
                break
        else:
            console.print("(no reference design held on the fresh seed: its cheapest shown)")
    best_cost = reference.problem.memo[best].cost.mean
    console.print(f"reference: {best.label()}", highlight=False)
    reference_wall = time.perf_counter() - reference_started
    table = Table(title="Planning a 1,000-agent desk (target: under 120 s, within 2%)")
    for column in ("search", "designs", "people", "cost/week", "wall s", "ratio"):
        table.add_column(column, justify="left" if column == "search" else "right")
    cost = plan.evaluation.cost.mean
    table.add_row(
        "deskmix plan", str(len(plan.log)), str(plan.recommended.headcount),
        f"{cost:,.0f}", f"{wall:.0f}", f"{cost / best_cost:.3f}",
    )  # fmt: skip
    table.add_row(
        "reference (10x designs)", str(len(reference.problem.memo)), str(best.headcount),
        f"{best_cost:,.0f}", f"{reference_wall:.0f}", "1.000",
    )  # fmt: skip
    console.print(table)
    console.print(
        f"target: under 120 s -> {'met' if wall < 120 else 'MISSED'}; within 2% of the "
        f"reference -> {'met' if cost <= 1.02 * best_cost else 'MISSED'}; verified on a fresh "
        f"seed: {'yes' if plan.verified else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the company, small cases only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument("--weeks", type=float, default=6)
    parser.add_argument("--max-designs", type=int, default=80)
    parser.add_argument(
        "--projects",
        action="store_true",
        help="also plan with typical shrinkage and a project portfolio (20%% reserved)",
    )
    parser.add_argument(
        "--shrinkage",
        action="store_true",
        help="plan the company twice, without and with typical shrinkage for hires",
    )
    parser.add_argument(
        "--enterprise", action="store_true", help="only the 1,000-agent desk (and its reference)"
    )
    args = parser.parse_args()
    console = Console(width=200)
    if args.enterprise:
        enterprise(args, console)
        return
    console.print(f"{os.cpu_count()} cores on this machine; {args.workers} worker processes")
    run = RunSettings(reps=args.reps, weeks=args.weeks, seed=0, workers=args.workers)
    if not args.quick:
        workload = company_workload()
        per_week = sum(s.tickets_per_week for s in workload.arrivals)
        console.print(
            f"Company: {per_week * 52:,.0f} tickets a year ({per_week:,.0f} a week), "
            f"{len(COMPANY_DOMAINS)} domains, {len(PRIORITY_MIX)} priorities; "
            f"{run.reps} replications of {run.weeks:g} weeks per design"
        )
        table = Table(title="Planning a 2,000-person company")
        columns = (
            "hires' shrinkage",
            "designs simulated",
            "replications",
            "people",
            "FTE, ticket team",
            "cost/week",
            "verified",
            "wall s",
            "CPU s",
        )
        for column in columns:
            table.add_column(column, justify="right")
        variants: list[tuple[str, bool, Portfolio | None]] = [("none", False, None)]
        if args.shrinkage:
            variants.append(("typical", True, None))
        if args.projects:
            variants.append(("typical + projects", True, company_portfolio()))
        people: dict[str, int] = {}
        for label, shrinkage, portfolio in variants:
            reserved = portfolio.share_out_of_tickets if portfolio is not None else 0.0
            started, cpu_started = time.perf_counter(), cpu_seconds()
            ticks = [0]

            def tick(n: int, ticks: list[int] = ticks) -> None:
                ticks[0] += n

            variant_run = replace(run, reserved_share=reserved)
            with Planner(
                workload,
                business_sla(),
                company_costs(shrinkage),
                company_offers(),
                variant_run,
                max_evaluations=args.max_designs,
                progress=tick,
            ) as planner:
                plan = planner.plan()
            team = plan.evaluation.team
            extra_people, extra_cost = 0, 0.0
            if portfolio is not None:
                projects = plan_projects(
                    workload,
                    business_sla(),
                    team,
                    company_costs(shrinkage),
                    company_offers(),
                    portfolio,
                    variant_run,
                    plan.evaluation.result.runs,
                )
                if "hire" in projects.choice:
                    extra_people = sum(projects.hires.values())
                weeks = max(projects.span_weeks, 1.0)
                extra_cost = projects.extra_cost / weeks
                console.print(
                    f"projects: {projects.choice}; " + "; ".join(projects.lines()),
                    highlight=False,
                )
            wall = time.perf_counter() - started
            cpu = cpu_seconds() - cpu_started
            people[label] = len(team.agents) + extra_people
            table.add_row(
                label,
                str(len(plan.log)),
                f"{ticks[0]:,}",
                str(people[label]),
                f"{fte(team):,.1f}",
                f"{plan.evaluation.cost.mean + extra_cost:,.0f} ± "
                f"{plan.evaluation.cost.half_width:,.0f}",
                "yes" if plan.verified else "NO",
                f"{wall:.0f}",
                f"{cpu:.0f}",
            )
            console.print(f"recommended ({label}): {plan.recommended.label()}", highlight=False)
            ext = plan.chosen.extremes
            if ext is not None:
                console.print(
                    f"bounds: pooled {ext.pooled.people} (floor {ext.pooled.floor}), unpooled "
                    f"{ext.unpooled.people} people",
                    highlight=False,
                )
            console.print(
                f"target: under 300 s on 2 cores -> {'met' if wall < 300 else 'MISSED'} "
                f"(CPU {cpu:.0f} s over 2 cores = {cpu / 2:.0f} s if the cores were ours "
                f"alone; load average now {os.getloadavg()[0]:.1f})"
            )
        console.print(table)
        base = people["none"]
        for label, count in people.items():
            if label != "none":
                extra = count - base
                console.print(
                    f"{label}: {extra:+d} people ({extra / base:+.0%}) against no shrinkage",
                    highlight=False,
                )

    table = Table(title="Planner against exhaustive search (same space, seed and 95% rule)")
    for column in (
        "case",
        "optimum",
        "optimum cost/week",
        "planner",
        "planner cost/week",
        "ratio",
        "designs: planner / exhaustive",
    ):
        table.add_column(
            column, justify="left" if column in ("case", "optimum", "planner") else "right"
        )
    for case in SMALL_CASES:
        workload, sla = small_workload(case), small_sla(case.share)
        offers = [small_offer(case.msp_per_ticket)]
        with Planner(workload, sla, small_costs(), offers, run) as planner:
            plan = planner.plan()
        backend = make_backend(args.workers, None)
        with Planner(workload, sla, small_costs(), offers, run, backend=backend) as exhaustive:
            box = design_box(max(plan.recommended.generalists + 3, 6))
            found = brute_force(exhaustive, box)
        backend.close()
        if found is None:
            table.add_row(
                case.name,
                "none feasible in the box",
                "-",
                plan.recommended.label(),
                f"{plan.evaluation.cost.mean:,.0f}",
                "-",
                f"{len(plan.log)} / {len(box)}",
            )
            continue
        best, evaluation = found
        ratio = plan.evaluation.cost.mean / evaluation.cost.mean
        table.add_row(
            case.name,
            best.label(),
            f"{evaluation.cost.mean:,.0f}",
            plan.recommended.label(),
            f"{plan.evaluation.cost.mean:,.0f}",
            f"{ratio:.3f}",
            f"{len(plan.log)} / {len(box)}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
