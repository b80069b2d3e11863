"""Simulation speed: deskmix against SimPy and Ciw on the same queueing models (issue 4).

Run from the repository root, with the benchmark dependency group installed
(``uv sync --group bench``; SimPy and Ciw are used here only):

    .venv/bin/python benchmarks/sim_bench.py [--quick] [--profile] [--workload PATH] [--runs N]

Models, each run by all three tools in this one process, one core, one after the other:

- A: M/M/20 at rho 0.85 (one pool, first come first served, exponential service);
- B: skills-based routing, 4 domains x 16 agents, load 0.8 per agent, in three variants:
  (a) specialists only, (b) half cross-trained, (c) all generalists. The rule: a new ticket goes
  to the free agent able to serve it with the fewest skills (then the lowest number); a freed
  agent takes the oldest waiting ticket it can serve.

deskmix runs ``compile_model`` + ``run_replication`` under its ``skills_based`` policy and the full
per-ticket KPIs (``replication_kpis``) of every replication; the clock covers all of it. SimPy
runs a ``Resource`` (model A) or an explicit dispatcher (model B) recording every customer's wait
and sojourn; Ciw runs ``simulate_until_max_time`` and reads ``get_all_records()``. Every tool runs
the same replications (count, length, warm-up); the agreement check compares the mean wait and
P(wait > 0) across tools with Student-t 95% intervals over the replications. Speed is tickets
per CPU second of this process (wall seconds are shown too): on a shared machine CPU time is
the steadier measure. Each tool is timed ``--runs`` times after a full garbage collection and
the fastest run kept.

Finally "a year of a 2,000-person company": examples/teams/company-2000.yaml against the
calibrated sample workload scaled to 60,000 tickets a year, 30 replications of 52 weeks through
``deskmix.sim.runner.simulate`` (processes on all cores), timed end to end.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import os
import platform
import pstats
import random
import tempfile
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table
from scipy import stats

from deskmix.calibrate.io import load_workload
from deskmix.domain.priority import Priority
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, Shift, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DAYS, ArrivalStream, HandlingFit, HandlingTime, Workload
from deskmix.routing import make_policy
from deskmix.sim import CompiledModel, SimSettings, compile_model, run_replication, simulate
from deskmix.sim.kpis import backlog, replication_kpis
from deskmix.teamfiles import load_team

try:
    import ciw  # type: ignore[import-untyped]
    import simpy
except ImportError as exc:  # the peers live in the optional "bench" dependency group
    raise SystemExit(
        f"{exc.name} is missing: run `uv sync --group bench` (SimPy and Ciw are benchmark-only "
        "dependencies)"
    ) from exc

REPO = Path(__file__).resolve().parent.parent
COMPANY_TEAM = REPO / "examples" / "teams" / "company-2000.yaml"
HOURS_PER_WEEK = 168.0
MEAN_SERVICE = 0.5  # hours, every model
WARMUP_HOURS = 24.0  # the empty-and-idle start is forgotten within a few service times
DRAIN_HOURS = 4.0  # arrivals stop at the horizon; tickets still waiting then finish
SPEED_TARGETS = {"SimPy": 8.0, "Ciw": 15.0}
YEAR_TARGET_SECONDS = 10.0
YEAR_TICKETS = 60_000
DOMAINS = ("end_user", "accounts_access", "network", "security")
ALL_WEEK = [Shift(days=list(DAYS), start="00:00", end="24:00")]


# ---------------------------------------------------------------------------------------------
# What a run measured


@dataclass
class Measured:
    """One tool on one model: the clock, the tickets, and per-replication statistics."""

    tool: str
    seconds: float = 0.0  # wall clock
    cpu: float = 0.0  # this process's CPU time: what the rates use (the machine may be shared)
    tickets: int = 0
    mean_wait: list[float] = field(default_factory=list)  # per replication, hours
    p_wait: list[float] = field(default_factory=list)  # per replication, share waiting > 0
    note: str = ""

    @property
    def rate(self) -> float:
        return self.tickets / self.cpu if self.cpu else math.nan

    def add(self, arrival: NDArray[np.float64], wait: NDArray[np.float64]) -> None:
        """Record one replication's customers; only those arriving after warm-up count."""
        measured = arrival >= WARMUP_HOURS
        kept = wait[measured]
        kept = kept[~np.isnan(kept)]
        self.mean_wait.append(float(kept.mean()))
        self.p_wait.append(float((kept > 1e-12).mean()))


class Stopwatch:
    """Wall clock and CPU time of this process from creation to ``stop``."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self, out: Measured) -> None:
        out.seconds = time.perf_counter() - self.wall
        out.cpu = time.process_time() - self.cpu


@dataclass(frozen=True)
class Interval:
    mean: float
    half: float
    stderr: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Interval:
        data = np.asarray(values, dtype=float)
        n = data.size
        stderr = float(data.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        half = float(stats.t.ppf(0.975, n - 1) * stderr) if n > 1 else math.nan
        return cls(float(data.mean()), half, stderr)

    def agrees(self, other: Interval) -> bool:
        """The 95% intervals overlap, or the gap is within 3 combined standard errors."""
        gap = abs(self.mean - other.mean)
        overlap = gap <= self.half + other.half
        return overlap or gap <= 3 * math.hypot(self.stderr, other.stderr)

    def text(self, scale: float = 1.0, digits: int = 4) -> str:
        return f"{self.mean * scale:.{digits}f} ± {self.half * scale:.{digits}f}"


@dataclass(frozen=True)
class Plan:
    """The replications every tool runs: how many, and how long each is."""

    reps: int
    hours: float  # arrivals in [0, hours); measured from WARMUP_HOURS
    seed: int

    def seeds(self) -> list[int]:
        states = np.random.SeedSequence(self.seed).spawn(self.reps)
        return [int(s.generate_state(1)[0]) for s in states]

    def settings(self) -> SimSettings:
        return SimSettings(
            weeks=(self.hours - WARMUP_HOURS) / HOURS_PER_WEEK,
            warmup_weeks=WARMUP_HOURS / HOURS_PER_WEEK,
            drain_weeks=DRAIN_HOURS / HOURS_PER_WEEK,
        )


def erlang_c(servers: int, offered: float) -> float:
    """P(wait > 0) in M/M/c with ``offered`` Erlangs."""
    term = total = 1.0
    for k in range(1, servers):
        term *= offered / k
        total += term
    top = term * offered / servers / (1 - offered / servers)
    return top / (total + top)


@dataclass(frozen=True)
class Theory:
    """Closed-form M/M/c values when the model (or each of its identical parts) is one."""

    p_wait: float
    mean_wait: float

    @classmethod
    def mmc(cls, servers: int, rate: float) -> Theory:
        p = erlang_c(servers, rate * MEAN_SERVICE)
        return cls(p, p / (servers / MEAN_SERVICE - rate))


# ---------------------------------------------------------------------------------------------
# The models, as deskmix inputs


def _exponential(domain: str) -> HandlingTime:
    fit = HandlingFit(
        family="exponential",
        params={"scale": MEAN_SERVICE},
        aic=0.0,
        ks_statistic=0.0,
        ks_pvalue=1.0,
        mean_hours=MEAN_SERVICE,
    )
    return HandlingTime(
        domain=domain,
        tier=Tier.GENERALIST,
        observed=1,
        basis="benchmark",
        mean_hours=MEAN_SERVICE,
        p50_hours=MEAN_SERVICE * math.log(2),
        p90_hours=MEAN_SERVICE * math.log(10),
        chosen=fit,
        candidates=[fit],
    )


def flat_workload(rates: dict[str, float]) -> Workload:
    """Flat Poisson streams per domain (tickets per hour), exponential handling."""
    return Workload(
        name="benchmark",
        arrivals=[
            ArrivalStream(
                domain=domain,
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=rate * HOURS_PER_WEEK,
                observed=1,
            )
            for domain, rate in rates.items()
        ],
        handling=[_exponential(domain) for domain in rates],
    )


def skills_team(skills: Sequence[frozenset[int]]) -> Team:
    """Agents with the given domain indexes; an empty set means a generalist (serves anything).

    Level 2 is the calibrated speed on generalist-tier work, so every agent works at the same
    exponential rate and only who-may-serve-what differs between the variants. Names sort in
    index order so deskmix's tie-break (fewest skills, cost, name) matches the peers'.
    """
    agents = [
        Agent(
            name=f"a{i:02d}",
            kind=AgentKind.SPECIALIST if domains else AgentKind.GENERALIST,
            skills={DOMAINS[d]: 2 for d in sorted(domains)},
            cost_per_hour=30.0,
            shifts=ALL_WEEK,
        )
        for i, domains in enumerate(skills)
    ]
    return Team(name="benchmark", agents=agents)


def deskmix_run(workload: Workload, team: Team, plan: Plan) -> Measured:
    """Compile once, then every replication with its full KPIs, all on the clock."""
    out = Measured("deskmix")
    clock = Stopwatch()
    model = compile_model(workload, team, SlaPolicy.default(), plan.settings())
    for seed in plan.seeds():
        result = run_replication(model, make_policy("skills_based"), seed)
        kpis = replication_kpis(model, result)
        out.tickets += len(result.arrival)
        out.add(result.arrival, result.first_response - result.arrival)
    clock.stop(out)
    out.note = f"skills_based policy, {len(kpis)} KPIs per replication"
    return out


# ---------------------------------------------------------------------------------------------
# SimPy


Customers = tuple[list[float], list[float], list[float]]  # arrival, wait, sojourn


def _simpy_mmc_once(servers: int, rate: float, hours: float, seed: int) -> Customers:
    rng = random.Random(seed)
    mu = 1 / MEAN_SERVICE
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    arrived: list[float] = []
    waited: list[float] = []
    sojourn: list[float] = []

    def customer(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        t = env.now
        with desk.request() as request:
            yield request
            arrived.append(t)
            waited.append(env.now - t)
            yield env.timeout(rng.expovariate(mu))
        sojourn.append(env.now - t)

    def source(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= hours:
                return
            env.process(customer(env))

    env.process(source(env))
    env.run(until=hours + DRAIN_HOURS)
    return arrived, waited, sojourn


def simpy_mmc(servers: int, rate: float, plan: Plan) -> Measured:
    """The textbook SimPy M/M/c: a source process and a ``Resource`` with ``servers`` slots."""
    out = Measured("SimPy", note="simpy.Resource")
    clock = Stopwatch()
    for seed in plan.seeds():
        arrived, waited, _ = _simpy_mmc_once(servers, rate, plan.hours, seed)
        out.tickets += len(arrived)
        out.add(np.array(arrived), np.array(waited))
    clock.stop(out)
    return out


def _simpy_skills_once(
    served: list[list[int]], able: list[list[int]], rate: float, hours: float, seed: int
) -> tuple[Customers, int]:
    rng = random.Random(seed)
    mu = 1 / MEAN_SERVICE
    env = simpy.Environment()
    free = [True] * len(served)
    queues: list[deque[float]] = [deque() for _ in able]
    arrived: list[float] = []
    waited: list[float] = []
    sojourn: list[float] = []

    def serve(
        env: simpy.Environment, agent: int, opened: float
    ) -> Generator[simpy.Event, Any, None]:
        arrived.append(opened)
        waited.append(env.now - opened)
        yield env.timeout(rng.expovariate(mu))
        sojourn.append(env.now - opened)
        best, oldest = -1, math.inf
        for d in served[agent]:
            queue = queues[d]
            if queue and queue[0] < oldest:
                best, oldest = d, queue[0]
        if best < 0:
            free[agent] = True
        else:
            queues[best].popleft()
            env.process(serve(env, agent, oldest))

    def source(env: simpy.Environment, domain: int) -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(rate))
            now = env.now
            if now >= hours:
                return
            for agent in able[domain]:
                if free[agent]:
                    free[agent] = False
                    env.process(serve(env, agent, now))
                    break
            else:
                queues[domain].append(now)

    for d in range(len(able)):
        env.process(source(env, d))
    env.run(until=hours + DRAIN_HOURS)
    return (arrived, waited, sojourn), sum(len(q) for q in queues)


def simpy_skills(skills: Sequence[frozenset[int]], rate: float, plan: Plan) -> Measured:
    """Skills-based routing in SimPy: per-domain FIFO queues and a dispatcher.

    On arrival the free able agent with the fewest skills (then lowest number) takes the ticket;
    on completion the agent takes the oldest waiting ticket among the domains it serves.
    """
    out = Measured("SimPy", note="per-domain queues + dispatcher")
    clock = Stopwatch()
    n_domains = len(DOMAINS)
    served = [sorted(s) if s else list(range(n_domains)) for s in skills]
    preference = sorted(range(len(skills)), key=lambda a: (len(served[a]), a))
    able = [[a for a in preference if d in served[a]] for d in range(n_domains)]
    for seed in plan.seeds():
        (arrived, waited, _), unserved = _simpy_skills_once(served, able, rate, plan.hours, seed)
        out.tickets += len(arrived) + unserved
        out.add(np.array(arrived), np.array(waited))
    clock.stop(out)
    return out


# ---------------------------------------------------------------------------------------------
# Ciw


def _ciw_run(network: Any, plan: Plan, node_class: Any = None, note: str = "") -> Measured:
    out = Measured("Ciw", note=note)
    clock = Stopwatch()
    for seed in plan.seeds():
        ciw.seed(seed)
        sim = ciw.Simulation(network, node_class=node_class)
        sim.simulate_until_max_time(plan.hours + DRAIN_HOURS)
        records = [r for r in sim.get_all_records() if r.arrival_date < plan.hours]
        out.tickets += len(records)
        out.add(
            np.array([r.arrival_date for r in records]),
            np.array([r.waiting_time for r in records]),
        )
    clock.stop(out)
    return out


def ciw_mmc(servers: int, rate: float, plan: Plan) -> Measured:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=rate)],
        service_distributions=[ciw.dists.Exponential(rate=1 / MEAN_SERVICE)],
        number_of_servers=[servers],
    )
    return _ciw_run(network, plan, note=f"create_network, {servers} servers, get_all_records()")


def skill_node_class(skills: Sequence[frozenset[int]]) -> type:
    """A ``ciw.Node`` that serves skills-based routing exactly.

    Ciw's own hooks cannot say "this server may not serve that class": a server priority
    function only orders the free servers (any free one is still taken) and a service
    discipline chooses among waiting customers without knowing which server is free. Ciw's
    documented extension point is a Node subclass, so this one overrides the two moments a
    service can begin: on arrival only the newcomer can start (everyone already waiting has no
    free able server), on release the freed server takes the oldest customer it may serve.
    """
    n_domains = len(DOMAINS)
    served = [sorted(s) if s else list(range(n_domains)) for s in skills]
    preference = sorted(range(len(skills)), key=lambda a: (len(served[a]), a))
    able = {f"d{d}": [a for a in preference if d in served[a]] for d in range(n_domains)}
    serves = {a + 1: frozenset(f"d{d}" for d in served[a]) for a in range(len(skills))}

    class SkillNode(ciw.Node):  # type: ignore[misc]
        def find_free_server(self, ind: Any) -> Any:
            servers = self.servers
            for a in able[ind.customer_class]:
                if not servers[a].busy:
                    return servers[a]
            return None

        def _start(self, server: Any, ind: Any) -> None:
            self.attach_server(server, ind)
            ind.service_start_date = self.now
            ind.service_time = self.get_service_time(ind)
            ind.service_end_date = self.now + ind.service_time
            self.number_in_service += 1
            server.next_end_service_date = ind.service_end_date

        def begin_service_if_possible_accept(self, next_individual: Any) -> None:
            next_individual.arrival_date = self.now
            server = self.find_free_server(next_individual)
            if server is not None:
                self._start(server, next_individual)

        def begin_service_if_possible_release(
            self, next_individual: Any, newly_free_server: Any
        ) -> None:
            if newly_free_server is None:
                return
            classes = serves[newly_free_server.id_number]
            for ind in self.individuals[0]:  # arrival order
                if not ind.server and ind.customer_class in classes:
                    self._start(newly_free_server, ind)
                    return

    return SkillNode


def ciw_skills(variant: str, skills: Sequence[frozenset[int]], rate: float, plan: Plan) -> Measured:
    """Variant (a) as four M/M/4 nodes and (c) as one M/M/16 node with Ciw's built-ins (both
    exactly the model: disjoint pools, and interchangeable servers); (b) needs ``SkillNode``."""
    mu = 1 / MEAN_SERVICE
    n_domains = len(DOMAINS)
    if variant == "a":
        pool = len(skills) // n_domains
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate=rate) for _ in range(n_domains)],
            service_distributions=[ciw.dists.Exponential(rate=mu) for _ in range(n_domains)],
            number_of_servers=[pool] * n_domains,
            routing=[[0.0] * n_domains for _ in range(n_domains)],
        )
        return _ciw_run(
            network,
            plan,
            note="four separate M/M/4 nodes (built-ins); exact, since specialists-only "
            "pools are disjoint",
        )
    classes = [f"d{d}" for d in range(n_domains)]
    network = ciw.create_network(
        arrival_distributions={c: [ciw.dists.Exponential(rate=rate)] for c in classes},
        service_distributions={c: [ciw.dists.Exponential(rate=mu)] for c in classes},
        number_of_servers=[len(skills)],
    )
    if variant == "c":
        return _ciw_run(
            network,
            plan,
            note="one M/M/16 node with 4 customer classes (built-ins); exact for waits, "
            "since the servers are interchangeable",
        )
    return _ciw_run(
        network,
        plan,
        node_class=skill_node_class(skills),
        note="one 16-server node, 4 customer classes and a ciw.Node subclass: "
        "server_priority_functions only order the free servers (cannot forbid one) and "
        "service disciplines do not see which server is free, so the built-ins cannot say "
        "'only able agents serve'; the subclass applies the same rule as deskmix",
    )


# ---------------------------------------------------------------------------------------------
# Reporting


@dataclass
class Verdict:
    label: str
    results: list[Measured]
    theory: Theory | None
    agree: bool = False
    speed: dict[str, float] = field(default_factory=dict)


def report(console: Console, label: str, results: list[Measured], theory: Theory | None) -> Verdict:
    deskmix = results[0]
    verdict = Verdict(label, results, theory)
    waits = {r.tool: Interval.of(r.mean_wait) for r in results}
    shares = {r.tool: Interval.of(r.p_wait) for r in results}
    agreements = []
    table = Table(title=label, title_justify="left")
    for column in (
        "tool",
        "tickets",
        "wall s",
        "CPU s",
        "tickets/CPU s",
        "deskmix ÷",
        "mean wait min (95% CI)",
        "P(wait>0) (95% CI)",
        "agrees",
    ):
        table.add_column(column, justify="left" if column == "tool" else "right")
    for r in results:
        if r is deskmix:
            ratio, agree_text = "", ""
        else:
            verdict.speed[r.tool] = deskmix.rate / r.rate
            ratio = f"{verdict.speed[r.tool]:.2f}x"
            ok = waits[r.tool].agrees(waits["deskmix"]) and shares[r.tool].agrees(shares["deskmix"])
            agreements.append(ok)
            agree_text = "[green]yes[/]" if ok else "[red]no[/]"
        table.add_row(
            r.tool,
            f"{r.tickets:,}",
            f"{r.seconds:.2f}",
            f"{r.cpu:.2f}",
            f"{r.rate:,.0f}",
            ratio,
            waits[r.tool].text(60, 3),
            shares[r.tool].text(1, 4),
            agree_text,
        )
    if theory is not None:
        table.add_row(
            "Erlang C",
            "",
            "",
            "",
            "",
            "",
            f"{theory.mean_wait * 60:.3f}",
            f"{theory.p_wait:.4f}",
            "",
        )
    console.print(table)
    for r in results:
        if r.note:
            console.print(f"  {r.tool}: {r.note}", highlight=False)
    verdict.agree = all(agreements)
    parts = [f"agreement {'[green]PASS[/]' if verdict.agree else '[red]FAIL[/]'}"]
    for tool, target in SPEED_TARGETS.items():
        got = verdict.speed.get(tool, math.nan)
        mark = "[green]PASS[/]" if got >= target else "[red]FAIL[/]"
        parts.append(f"deskmix/{tool} {got:.2f}x (target {target:g}x) {mark}")
    console.print("  " + "; ".join(parts) + "\n")
    return verdict


# ---------------------------------------------------------------------------------------------
# The cases


def fastest(runs: int, measure: Callable[[], Measured]) -> Measured:
    """The fastest of ``runs`` identical runs (same seeds, same numbers): the least disturbed by
    whatever else the machine is doing. Each starts after a full garbage collection, so no tool
    pays for collecting the objects the previous one left behind."""
    best: Measured | None = None
    for _ in range(runs):
        gc.collect()
        measured = measure()
        if best is None or measured.cpu < best.cpu:
            best = measured
    assert best is not None
    return best


def model_a(plan: Plan, runs: int) -> tuple[str, list[Measured], Theory]:
    servers, rho = 20, 0.85
    rate = rho * servers / MEAN_SERVICE
    workload, team = flat_workload({DOMAINS[0]: rate}), skills_team([frozenset()] * servers)
    results = [
        fastest(runs, lambda: deskmix_run(workload, team, plan)),
        fastest(runs, lambda: simpy_mmc(servers, rate, plan)),
        fastest(runs, lambda: ciw_mmc(servers, rate, plan)),
    ]
    return "A: M/M/20, rho 0.85", results, Theory.mmc(servers, rate)


VARIANTS = {
    "a": "B(a): 4 domains x 16 agents, specialists only",
    "b": "B(b): 4 domains x 16 agents, half cross-trained",
    "c": "B(c): 4 domains x 16 agents, all generalists",
}


def variant_skills(variant: str) -> list[frozenset[int]]:
    """16 agents, 4 per primary domain. In (b) the third and fourth of each domain also serve
    the next and the previous domain, so every domain has 4 primary and 2 secondary agents."""
    skills: list[frozenset[int]] = []
    for d in range(len(DOMAINS)):
        for k in range(4):
            if variant == "c":
                skills.append(frozenset())
            elif variant == "b" and k == 2:
                skills.append(frozenset({d, (d + 1) % 4}))
            elif variant == "b" and k == 3:
                skills.append(frozenset({d, (d - 1) % 4}))
            else:
                skills.append(frozenset({d}))
    return skills


def model_b(variant: str, plan: Plan, runs: int) -> tuple[str, list[Measured], Theory | None]:
    agents, load = 16, 0.8
    rate = load * agents / MEAN_SERVICE / len(DOMAINS)  # per domain
    skills = variant_skills(variant)
    workload = flat_workload(dict.fromkeys(DOMAINS, rate))
    team = skills_team(skills)
    results = [
        fastest(runs, lambda: deskmix_run(workload, team, plan)),
        fastest(runs, lambda: simpy_skills(skills, rate, plan)),
        fastest(runs, lambda: ciw_skills(variant, skills, rate, plan)),
    ]
    theory = {"a": Theory.mmc(4, rate), "c": Theory.mmc(16, rate * 4), "b": None}[variant]
    return VARIANTS[variant], results, theory


def sample_workload(path: Path | None) -> Workload:
    """The calibrated sample desk: the given file, or a fresh ``deskmix demo`` in a temp dir."""
    if path is not None:
        return load_workload(path)
    from deskmix.sample.demo import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        outcome = run_demo(Path(tmp))
        return load_workload(outcome.workload_path)


def year_inputs(workload_path: Path | None) -> tuple[Workload, Team]:
    """The 2,000-person company's team and the sample workload scaled to 60,000 a year."""
    base = sample_workload(workload_path)
    factor = YEAR_TICKETS / 52 / base.tickets_per_week
    workload = base.model_copy(
        update={
            "arrivals": [
                s.model_copy(update={"tickets_per_week": s.tickets_per_week * factor})
                for s in base.arrivals
            ]
        }
    )
    return workload, load_team(COMPANY_TEAM)


def year_model(workload: Workload, team: Team) -> CompiledModel:
    return compile_model(workload, team, SlaPolicy.default(), SimSettings(weeks=52, warmup_weeks=1))


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the runner's worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def year_case(console: Console, workload: Workload, team: Team, reps: int, policy: str) -> float:
    cores = os.cpu_count() or 1
    model = year_model(workload, team)
    start = time.process_time()
    one = run_replication(model, make_policy(policy), 1)
    replication_kpis(model, one)
    backlog(model, one)
    serial = time.process_time() - start
    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    result = simulate(year_model(workload, team), make_policy(policy), reps=reps, seed=0)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    tickets = result["tickets"].mean
    mark = "[green]PASS[/]" if seconds < YEAR_TARGET_SECONDS else "[red]FAIL[/]"
    if reps < 30:
        mark = "[yellow]not the target case (fewer than 30 replications)[/]"
    agents = len(model.agents)
    console.print(
        f"[bold]Year of a 2,000-person company[/]: {team.name} ({agents} agents, "
        f"{len(model.msp)} MSP contracts), sample workload scaled to {YEAR_TICKETS:,} tickets a "
        f"year, policy {policy}, {reps} replications x 52 weeks (+1 warm-up), {cores} processes\n"
        f"  {tickets:,.0f} measured tickets per replication; [bold]{seconds:.1f} s[/] end to end "
        f"({reps * tickets / seconds:,.0f} tickets/s), {cpu:.1f} CPU s in all processes; "
        f"target < {YEAR_TARGET_SECONDS:g} s: {mark}\n"
        f"  on {cores} otherwise idle cores that is at least {cpu / cores:.1f} s (CPU s / cores); "
        f"one replication alone (simulate + KPIs + backlog) takes {serial:.2f} CPU s, "
        f"{reps} of them {reps * serial / cores:.1f} s per core\n"
        f"  SLA resolution {result['sla_resolution'].mean:.3f}, "
        f"mean wait {result['wait_mean'].mean:.2f} h\n"
    )
    return seconds


def profile(console: Console, title: str, work: Callable[[], object]) -> None:
    """Where deskmix's time goes: the top functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(12)
    console.print(f"[bold]cProfile of deskmix: {title} (sorted by own time)[/]")
    console.print(buffer.getvalue(), markup=False, highlight=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small runs to check the script")
    parser.add_argument("--reps", type=int, help="replications per model (default 8; quick 4)")
    parser.add_argument(
        "--tickets", type=int, help="tickets per model over all replications (default 200,000)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--runs", type=int, help="time each tool this many times, keep the fastest (3; quick 1)"
    )
    parser.add_argument("--workload", type=Path, help="calibrated sample workload.yaml to reuse")
    parser.add_argument("--year-policy", default="generalist_first")
    parser.add_argument("--skip-year", action="store_true")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile deskmix (model A, one year replication)",
    )
    args = parser.parse_args()
    reps = args.reps or (4 if args.quick else 8)
    runs = args.runs or (1 if args.quick else 3)
    tickets = args.tickets or (40_000 if args.quick else 200_000)
    console = Console(width=max(Console().width, 110))
    console.print(
        f"[bold]deskmix simulation benchmark[/] {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"Python {platform.python_version()}, SimPy {simpy.__version__}, Ciw {ciw.__version__}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.2f} at start); "
        f"{reps} replications per tool and model, ~{tickets:,} tickets, "
        f"{WARMUP_HOURS:g} h warm-up each; one process, fastest of {runs} run(s) per tool "
        "(the year case: all cores)\n"
    )
    verdicts = []
    for case in ("A", *VARIANTS):
        rate = 0.85 * 20 / MEAN_SERVICE if case == "A" else 0.8 * 16 / MEAN_SERVICE
        plan = Plan(reps=reps, hours=WARMUP_HOURS + tickets / reps / rate, seed=args.seed)
        label, results, theory = model_a(plan, runs) if case == "A" else model_b(case, plan, runs)
        verdicts.append(report(console, label, results, theory))
    summary = Table(title="Summary: tickets per CPU second (one process)", title_justify="left")
    for column in ("model", "deskmix", "SimPy", "Ciw", "÷ SimPy", "÷ Ciw", "agreement"):
        summary.add_column(column, justify="left" if column == "model" else "right")
    for v in verdicts:

        def mark(tool: str, v: Verdict = v) -> str:
            ok = v.speed[tool] >= SPEED_TARGETS[tool]
            return f"[{'green' if ok else 'red'}]{v.speed[tool]:.2f}x[/]"

        summary.add_row(
            v.label,
            *(f"{r.rate:,.0f}" for r in v.results),
            mark("SimPy"),
            mark("Ciw"),
            "[green]PASS[/]" if v.agree else "[red]FAIL[/]",
        )
    console.print(summary)
    console.print(
        f"  speed targets: deskmix >= {SPEED_TARGETS['SimPy']:g}x SimPy and "
        f">= {SPEED_TARGETS['Ciw']:g}x Ciw on every model\n"
    )
    if not args.skip_year or args.profile:
        workload, team = year_inputs(args.workload)
    if not args.skip_year:
        year_case(console, workload, team, 4 if args.quick else 30, args.year_policy)
    if args.profile:
        rate = 0.85 * 20 / MEAN_SERVICE
        plan = Plan(reps=2, hours=WARMUP_HOURS + 25_000 / rate, seed=args.seed)
        pool, desk = flat_workload({DOMAINS[0]: rate}), skills_team([frozenset()] * 20)
        profile(console, "model A, 2 replications", lambda: deskmix_run(pool, desk, plan))
        model = year_model(workload, team)

        def one_year() -> None:
            result = run_replication(model, make_policy(args.year_policy), 1)
            replication_kpis(model, result)
            backlog(model, result)

        profile(console, f"one year replication, {args.year_policy}", one_year)


if __name__ == "__main__":
    main()
