"""pyworkforce's MultiSkillStaffing beside deskmix's planner on one multi-skill desk.

Run from the repository root, with the ``bench`` group installed:

    .tools/bin/uv sync --frozen --group bench
    .venv/bin/python benchmarks/peers_pyworkforce.py [--quick] [--workers 2] [--long-weeks 26]

Benchmark-only; deskmix never imports this module. pyworkforce 0.5.4 is the first release
with ``pyworkforce.staffing.MultiSkillStaffing`` (0.5.2 and later declare Python >= 3.12; see
pyproject.toml's ``dependency-metadata`` for why it is installed on our 3.11).

The case (built here, seeded): a business-hours desk of about 420 tickets a week in six
domains. Two are first-line only (``end_user``, ``accounts_access``); four have specialist
work too (``network``, ``security``, ``cloud_infra``, ``data_db``). Everybody works Monday to
Friday 08:00-17:00; SLA targets run on the business clock; no MSP offer, because
MultiSkillStaffing has no way to express one (a per-ticket price is not a headcount).

pyworkforce's answer is built the way its documentation composes it:

1. one skill per queue: ``first_line`` (generalist-tier tickets of every domain) and one per
   specialist domain (its specialist-tier tickets);
2. per skill, per business hour of the week and per priority feeding it,
   ``ErlangC(transactions, aht, asa, interval=60).required_positions(service_level)`` with
   ``service_level`` = the target share; the skill's requirement is the largest over the
   hours and priorities, because with one fixed shift the same people cover every hour (that
   makes the hourly covering problem exact);
3. ``MultiSkillStaffing`` over the profiles deskmix can hire: a generalist (``first_line``),
   a specialist per domain, and every cross-trained pair of domains, each costing its hourly
   rate times the 45 shift hours of a week.

Tickets that arrive while the desk is closed are worked in its hours, so each in-shift hour's
rate is scaled by (all arrivals) / (in-shift arrivals): Erlang C sees the week's whole load.
Two readings of the SLA give two answers:

- ``ASA``: the contact-centre reading. Every queue must answer within its priorities'
  response hours (``asa``), and specialist-tier tickets go straight to the specialists.
- ``adapted``: what a careful pyworkforce user could add by hand. The first line also does the
  generalists' attempt at each specialist-tier ticket (deskmix's ``generalist_first``
  routing: at most 0.75 h, then escalation), and a specialist queue may wait what the
  resolution target leaves after that attempt and the mean work, since the first line has
  answered those tickets already.

Each answer becomes a deskmix Team (``Design`` + ``to_team``) and is simulated by deskmix on
the same fresh seed that deskmix's planner verifies its own recommendation on; "meets SLAs"
is deskmix's rule (the lower end of every target's 95% interval at or above the target).
Then every team is simulated again over ``--long-weeks`` (26; 10 with ``--quick``): a team
can meet targets written per priority over a few weeks while one of its pools falls behind for
good, and the backlog (tickets open at the end), the busiest person and the worst domain show
it.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.sla import Clock, SlaPolicy, SlaTarget
from deskmix.domain.workload import DAYS
from deskmix.plan.design import Design, to_team
from deskmix.plan.evaluate import Evaluation, RunSettings, evaluate_team
from deskmix.plan.inputs import Constraints, CostTable, pair_pool, pool_domains
from deskmix.plan.search import FRESH_SEED_OFFSET, Planner
from plan_bench import WEEKDAY, business_week, lognormal

INSTALL_HINT = "install the bench extras: .tools/bin/uv sync --frozen --group bench"
SEED = 2026
FIRST_LINE = "first_line"
ATTEMPT_LIMIT_HOURS = 0.75  # generalist_first's default time limit on specialist work
MIN_WAIT_HOURS = 0.1  # Erlang C needs a positive answer time
SHIFT_HOURS = range(8, 17)  # WEEKDAY: Monday-Friday 08:00-17:00
# domain: (generalist-tier tickets a week, generalist hours, specialist-tier a week, hours)
DOMAINS: dict[str, tuple[float, float, float, float]] = {
    "end_user": (150, 0.35, 0, 0),
    "accounts_access": (90, 0.25, 0, 0),
    "network": (45, 0.35, 16, 2.8),
    "security": (25, 0.30, 9, 3.2),
    "cloud_infra": (30, 0.50, 14, 3.5),
    "data_db": (30, 0.40, 11, 3.0),
}
PRIORITY_MIX = {"P2": 0.15, "P3": 0.55, "P4": 0.30}
# priority: (response hours, resolution hours, share), business clock
SLA_ROWS = {"P2": (1, 8, 0.85), "P3": (2, 16, 0.90), "P4": (8, 40, 0.85)}


def desk_workload(seed: int = SEED) -> Workload:
    """The desk: Poisson streams per (domain, tier, priority), business-hours shapes."""
    rng = np.random.default_rng(seed)
    arrivals, handling, shapes = [], [], {}
    for domain, (general_n, general_h, special_n, special_h) in DOMAINS.items():
        shapes[domain] = business_week(rng)
        handling.append(lognormal(domain, Tier.GENERALIST, general_h))
        tiers = [(Tier.GENERALIST, general_n)]
        if special_n:
            tiers.append((Tier.SPECIALIST, special_n))
            handling.append(lognormal(domain, Tier.SPECIALIST, special_h))
        for (tier, weekly), (priority, share) in itertools.product(tiers, PRIORITY_MIX.items()):
            n = weekly * share
            arrivals.append(
                ArrivalStream(
                    domain=domain,
                    tier=tier,
                    priority=Priority(priority),
                    tickets_per_week=n,
                    observed=int(n * 52),
                )
            )
    return Workload(
        name="multi-skill desk (pyworkforce peer)",
        arrivals=arrivals,
        hour_of_week=shapes,
        handling=handling,
    )


def desk_sla() -> SlaPolicy:
    return SlaPolicy(
        targets=[
            SlaTarget(
                priority=Priority(p),
                response_hours=r,
                resolution_hours=h,
                share=s,
                clock=Clock.BUSINESS,
            )
            for p, (r, h, s) in SLA_ROWS.items()
        ],
        business_hours=[WEEKDAY],
    )


def desk_costs() -> CostTable:
    """The example rates; bus factor 1, so pyworkforce (which has none) is not handicapped."""
    return CostTable(
        generalist=40,
        specialist=60,
        specialist_by_domain={"security": 72, "network": 65},
        constraints=Constraints(min_specialists=1, shifts=[WEEKDAY]),
    )


def specialist_domains(workload: Workload) -> list[str]:
    return sorted(
        {s.domain for s in workload.arrivals if s.tier == Tier.SPECIALIST and s.tickets_per_week}
    )


def attempt_hours(workload: Workload, domain: str, draws: int = 200_000) -> float:
    """Mean of min(generalist-tier handling draw, limit): a generalist's attempt at a
    specialist-tier ticket before escalating it (the simulator draws it the same way)."""
    handling = next(
        h for h in workload.handling if h.domain == domain and h.tier == Tier.GENERALIST
    )
    params = handling.chosen.params if handling.chosen is not None else {}
    rng = np.random.default_rng(SEED)
    sample = rng.lognormal(params["mu"], params["sigma"], draws)
    return float(np.minimum(sample, ATTEMPT_LIMIT_HOURS).mean())


@dataclass
class Queue:
    """One pyworkforce skill: hourly arrival rates (168 of them) and work in hours, with
    the priorities that feed it."""

    rates: np.ndarray = field(default_factory=lambda: np.zeros(168))
    work: np.ndarray = field(default_factory=lambda: np.zeros(168))  # hours of work per hour
    priorities: set[str] = field(default_factory=set)

    def add(self, rates: np.ndarray, hours: float, priority: str) -> None:
        self.rates += rates
        self.work += rates * hours
        self.priorities.add(priority)


def skill_queues(workload: Workload, with_attempts: bool) -> dict[str, Queue]:
    """The skills' queues as a contact-centre model sees them (see the module docstring)."""
    handling = {(h.domain, h.tier): h.mean_hours for h in workload.handling}
    queues: dict[str, Queue] = {FIRST_LINE: Queue()}
    for domain in specialist_domains(workload):
        queues[domain] = Queue()
    for stream in workload.arrivals:
        rates = stream.tickets_per_week * np.array(workload.weekly_shape(stream.domain))
        priority = stream.priority.value
        if stream.tier == Tier.GENERALIST:
            queues[FIRST_LINE].add(rates, handling[(stream.domain, stream.tier)], priority)
            continue
        queues[stream.domain].add(rates, handling[(stream.domain, stream.tier)], priority)
        if with_attempts:
            queues[FIRST_LINE].add(rates, attempt_hours(workload, stream.domain), priority)
    return queues


def in_shift(hour_of_week: int) -> bool:
    day, hour = divmod(hour_of_week, 24)
    return DAYS[day] in WEEKDAY.days and hour in SHIFT_HOURS


def requirements(
    workload: Workload,
    sla: SlaPolicy,
    erlang_c: Any,
    *,
    adapted: bool,
) -> dict[str, int]:
    """Per skill, the most Erlang C positions any business hour needs for any of its
    priorities' targets (``raw_positions``: no shrinkage in this case).

    ``adapted`` False reads every target as a contact centre does: answer within the
    response hours. True adds the first line's attempts at specialist work and lets a
    specialist queue wait what its resolution target leaves after the attempt and the mean
    work (its tickets were answered by the first line already).
    """
    queues = skill_queues(workload, with_attempts=adapted)
    handling = {(h.domain, h.tier): h.mean_hours for h in workload.handling}
    shift = [h for h in range(168) if in_shift(h)]
    targets = {t.priority.value: t for t in sla.targets}
    out: dict[str, int] = {}
    for skill, queue in queues.items():
        scale = queue.rates.sum() / queue.rates[shift].sum()  # closed hours' work, done in shift
        need = 0
        for priority in sorted(queue.priorities):
            target = targets[priority]
            wait = target.response_hours
            if adapted and skill != FIRST_LINE:
                work = attempt_hours(workload, skill) + handling[(skill, Tier.SPECIALIST)]
                wait = max(target.resolution_hours - work, MIN_WAIT_HOURS)
            for hour in shift:
                rate = queue.rates[hour] * scale
                if rate <= 0:
                    continue
                erlang = erlang_c(
                    transactions=rate,
                    aht=60 * queue.work[hour] / queue.rates[hour],
                    asa=60 * wait,
                    interval=60,
                )
                result = erlang.required_positions(service_level=target.share)
                need = max(need, int(result["raw_positions"]))
        out[skill] = need
    return out


def profiles(spec_domains: list[str], costs: CostTable) -> list[dict[str, Any]]:
    """What deskmix can hire, as MultiSkillStaffing profiles costed per week."""
    week = 5 * len(SHIFT_HOURS)
    pools = ["generalists", *spec_domains]
    if costs.cross_training:
        pools += [pair_pool(a, b) for a, b in itertools.combinations(spec_domains, 2)]
    return [
        {
            "name": pool,
            "skills": [FIRST_LINE] if pool == "generalists" else list(pool_domains(pool)),
            "cost": costs.pool_cost(pool) * week,
        }
        for pool in pools
    ]


@dataclass
class Answer:
    method: str
    design: Design
    seconds: float  # time to the answer (for pyworkforce: Erlang C + the solver)
    evaluation: Evaluation
    note: str = ""
    long: Evaluation | None = None  # the same team over --long-weeks


def pyworkforce_answer(
    workload: Workload, sla: SlaPolicy, costs: CostTable, adapted: bool
) -> tuple[Design, float, str]:
    """MultiSkillStaffing's cheapest mix for the case; the design, seconds and a summary."""
    from pyworkforce.queuing import ErlangC
    from pyworkforce.staffing import MultiSkillStaffing

    started = time.perf_counter()
    spec = specialist_domains(workload)
    needed = requirements(workload, sla, ErlangC, adapted=adapted)
    solver = MultiSkillStaffing(
        skills=[FIRST_LINE, *spec],
        profiles=profiles(spec, costs),
        required_positions=needed,
        max_search_time=30.0,
        num_search_workers=1,
    )
    solution = solver.solve()
    seconds = time.perf_counter() - started
    if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
        raise RuntimeError(f"MultiSkillStaffing found no mix: {solution['status']}")
    counts = {e["profile"]: int(e["agents"]) for e in solution["agents_per_profile"]}
    design = Design.of(counts.pop("generalists", 0), {pool: n for pool, n in counts.items() if n})
    wanted = ", ".join(f"{skill} {n}" for skill, n in needed.items())
    summary = f"needs {wanted}; solver {solution['status'].lower()}, {solution['cost']:,.0f}/week"
    return design, seconds, summary


def people(design: Design) -> str:
    """Generalists, one-domain specialists, cross-trained pairs: G/S/X."""
    pairs = sum(n for pool, n in design.specialists if len(pool_domains(pool)) > 1)
    single = sum(n for pool, n in design.specialists) - pairs
    return f"{design.headcount} ({design.generalists}/{single}/{pairs})"


def worst(evaluation: Evaluation) -> str:
    check = evaluation.binding
    if check is None:
        return "-"
    kind = "resp" if check.kind == "response" else "resol"
    return f"{check.priority} {kind} {100 * check.estimate.mean:.1f}/{100 * check.share:.0f}"


def busiest(evaluation: Evaluation) -> str:
    """The busiest in-house person's utilisation: 100% means a queue that only grows."""
    values = [
        e.mean
        for k, e in evaluation.result.summary.items()
        if k.startswith("utilisation/agent:") and not math.isnan(e.mean)
    ]
    return f"{100 * max(values):.0f}%" if values else "-"


def worst_domain(evaluation: Evaluation, domains: list[str]) -> str:
    """The domain whose tickets meet their resolution target least often: the SLA is written
    per priority across the desk, so one overloaded domain can hide in the average."""
    summary = evaluation.result.summary
    shares = {
        d: e.mean
        for d in domains
        if (e := summary.get(f"sla_resolution/{d}")) is not None and not math.isnan(e.mean)
    }
    if not shares:
        return "-"
    name = min(shares, key=lambda d: shares[d])
    return f"{name} {100 * shares[name]:.0f}"


def narrow_table(title: str, columns: tuple[str, ...]) -> Table:
    """A table that fits 80 columns: no side borders, the method left, figures right."""
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, justify="left" if column == "method" else "right", no_wrap=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 replications of 3 weeks")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument("--weeks", type=float, default=6)
    parser.add_argument("--max-designs", type=int, default=60)
    parser.add_argument(
        "--long-weeks",
        type=float,
        default=26,
        help="re-simulate every answer this long: is it sustainable? (0: skip)",
    )
    args = parser.parse_args()
    if importlib.util.find_spec("pyworkforce") is None:
        sys.exit(f"pyworkforce is not installed; {INSTALL_HINT}")
    reps, weeks = (3, 3.0) if args.quick else (args.reps, args.weeks)
    long_weeks = min(args.long_weeks, 10.0) if args.quick else args.long_weeks
    run = RunSettings(reps=reps, weeks=weeks, seed=0, workers=args.workers)
    fresh = run.seed + FRESH_SEED_OFFSET
    console = Console(width=80)
    workload, sla, costs = desk_workload(), desk_sla(), desk_costs()
    domains = sorted({s.domain for s in workload.arrivals})
    console.print(
        f"Desk: {workload.tickets_per_week:,.0f} tickets a week, {len(domains)} domains "
        f"({len(specialist_domains(workload))} with specialist work), "
        f"{len(SLA_ROWS)} priorities; {reps} replications x {weeks:g} weeks per design",
        highlight=False,
    )

    answers: list[Answer] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} replications"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:

        def ticker(task: TaskID) -> Callable[[int], None]:
            return lambda n: bar.advance(task, n)

        for method, adapted in (("pyworkforce ASA", False), ("pyworkforce adapted", True)):
            design, seconds, summary = pyworkforce_answer(workload, sla, costs, adapted)
            task = bar.add_task(f"simulating {method}", total=reps)
            team = to_team(design, costs, domains, [], name=method)
            evaluation = evaluate_team(workload, team, sla, run, seed=fresh, progress=ticker(task))
            answers.append(Answer(method, design, seconds, evaluation, summary))
        task = bar.add_task("deskmix planner", total=None)
        started = time.perf_counter()
        with Planner(
            workload, sla, costs, [], run, max_evaluations=args.max_designs, progress=ticker(task)
        ) as planner:
            plan = planner.plan()
        seconds = time.perf_counter() - started
        answers.append(
            Answer(
                "deskmix planner",
                plan.recommended,
                seconds,
                plan.verification,
                f"{len(plan.log)} designs simulated",
            )
        )
        if long_weeks > 0:
            long_run = replace(run, weeks=long_weeks)
            for answer in answers:
                task = bar.add_task(f"{long_weeks:g} weeks: {answer.method}", total=reps)
                answer.long = evaluate_team(
                    workload,
                    answer.evaluation.team,
                    sla,
                    long_run,
                    seed=fresh,
                    progress=ticker(task),
                )

    for answer in answers:
        console.print(f"{answer.method}: {answer.design.label()}", highlight=False)
        console.print(f"  {answer.note}", highlight=False, style="dim")
    table = narrow_table(
        "pyworkforce MultiSkillStaffing beside deskmix",
        ("method", "people\nG/S/X", "cost\n/week", "meets\nSLAs", "worst\ntarget %", "s"),
    )
    for answer in answers:
        evaluation = answer.evaluation
        table.add_row(
            answer.method,
            people(answer.design),
            f"{evaluation.cost.mean:,.0f}",
            "yes" if evaluation.feasible else "NO",
            worst(evaluation),
            f"{answer.seconds:.1f}",
        )
    console.print(table)
    console.print(
        "G/S/X: generalists / one-domain specialists / cross-trained pairs. All simulated\n"
        "on the seed deskmix verifies on. Worst target: mean attainment / target share.\n"
        "s: time to the answer (Erlang C + solver; deskmix: its whole search).",
        highlight=False,
    )
    if long_weeks > 0:
        table = narrow_table(
            f"The same teams over {long_weeks:g} weeks",
            ("method", "meets\nSLAs", "worst\ntarget %", "open", "busiest", "worst\ndomain %"),
        )
        for answer in answers:
            assert answer.long is not None
            table.add_row(
                answer.method,
                "yes" if answer.long.feasible else "NO",
                worst(answer.long),
                f"{answer.long.result.summary['unresolved'].mean:,.0f}",
                busiest(answer.long),
                worst_domain(answer.long, domains),
            )
        console.print(table)
        console.print(
            "SLAs: meets them (deskmix's rule). open: tickets unresolved when the run ends\n"
            "(mean per replication; counted as misses). busiest: the highest utilisation\n"
            "of one person. worst domain: lowest share resolved within its priority's target.",
            highlight=False,
        )
    base = answers[-1].evaluation.cost.mean
    for answer in answers[:-1]:
        ratio = answer.evaluation.cost.mean / base
        console.print(f"cost {answer.method} / deskmix: {ratio:.3f}", highlight=False)


if __name__ == "__main__":
    main()
