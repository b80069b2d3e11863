"""One design simulated and judged: every SLA target against the lower end of its 95% interval."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Team
from deskmix.domain.workload import Workload
from deskmix.plan.parallel import BatchRunner
from deskmix.sim.kpis import Estimate
from deskmix.sim.model import SimSettings
from deskmix.sim.runner import SimulationResult
from deskmix.sim.whatif import Setup, run_setup

Progress = Callable[[int], None]
POLICY = "generalist_first"


@dataclass(frozen=True)
class RunSettings:
    """How hard each candidate is simulated. Few replications keep the search fast; the
    95% interval is wide with few, so a design has to clear its targets by a margin."""

    reps: int = 8
    weeks: float = 8.0
    warmup_weeks: float = 1.0
    seed: int = 0
    workers: int | None = None
    load_factor: float = 1.0
    reserved_share: float = 0.0
    """A portfolio's reserved project share of specialists' hours (``deskmix.projects``):
    every design's tickets are simulated without those hours."""
    policy: str = POLICY
    """The routing policy every design runs under: the desk's own, so a desk that routes
    by skills is not planned under first-line-first."""

    def sim(self) -> SimSettings:
        return SimSettings(
            weeks=self.weeks,
            warmup_weeks=self.warmup_weeks,
            load_factor=self.load_factor,
            reserved_share=self.reserved_share,
        )


@dataclass(frozen=True)
class Check:
    """One SLA target: response or resolution attainment for a priority."""

    kind: str  # "response" | "resolution"
    priority: str
    share: float
    estimate: Estimate

    @property
    def low(self) -> float:
        half = 0.0 if math.isnan(self.estimate.half_width) else self.estimate.half_width
        return self.estimate.mean - half

    @property
    def met(self) -> bool:
        return self.low >= self.share - 1e-12

    @property
    def slack(self) -> float:
        return self.low - self.share

    def describe(self) -> str:
        return (
            f"{self.priority} {self.kind} {100 * self.estimate.mean:.1f}% "
            f"(95% CI low {100 * max(0.0, self.low):.1f}%) vs target {100 * self.share:.0f}%"
        )


@dataclass(frozen=True)
class Evaluation:
    team: Team
    result: SimulationResult
    checks: tuple[Check, ...]

    @property
    def feasible(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def cost(self) -> Estimate:
        return self.result.summary["cost_per_week"]

    @property
    def binding(self) -> Check | None:
        """The target closest to failing (or failing worst)."""
        return min(self.checks, key=lambda c: c.slack, default=None)

    def utilisation(self, prefix: str) -> float:
        """Mean utilisation of the agents whose names start with ``prefix``."""
        values = [
            e.mean
            for k, e in self.result.summary.items()
            if k.startswith(f"utilisation/agent:{prefix}") and not math.isnan(e.mean)
        ]
        return sum(values) / len(values) if values else math.nan

    def utilisation_of(self, names: list[str]) -> float:
        """Mean utilisation of the named agents (NaN when none of them has a figure)."""
        values = [
            e.mean
            for name in names
            if (e := self.result.summary.get(f"utilisation/agent:{name}")) is not None
            and not math.isnan(e.mean)
        ]
        return sum(values) / len(values) if values else math.nan


def sla_checks(result: SimulationResult, sla: SlaPolicy) -> tuple[Check, ...]:
    """Targets of priorities that had tickets in the run; others cannot be judged."""
    checks: list[Check] = []
    for target in sla.targets:
        p = target.priority.value
        for kind in ("response", "resolution"):
            estimate = result.summary.get(f"sla_{kind}/{p}")
            if estimate is not None and estimate.n > 0:
                checks.append(Check(kind, p, target.share, estimate))
    return tuple(checks)


def evaluate_team(
    workload: Workload,
    team: Team,
    sla: SlaPolicy,
    run: RunSettings,
    *,
    seed: int | None = None,
    settings: SimSettings | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    setup = Setup(
        workload=workload,
        team=team,
        sla=sla,
        settings=settings or run.sim(),
        policy=run.policy,
        policy_settings={},
    )
    result = run_setup(
        setup,
        reps=run.reps,
        seed=run.seed if seed is None else seed,
        workers=run.workers,
        progress=progress,
    )
    return Evaluation(team, result, sla_checks(result, sla))


def evaluate_teams(
    workload: Workload,
    teams: list[Team],
    sla: SlaPolicy,
    run: RunSettings,
    runner: BatchRunner,
    *,
    seed: int | None = None,
    progress: Progress | None = None,
) -> list[Evaluation]:
    """Several designs at once on ``runner``'s back end, all on the same seed."""
    setups = [Setup(workload, team, sla, run.sim(), run.policy, {}) for team in teams]
    results = runner.simulate(setups, run.seed if seed is None else seed, progress)
    return [Evaluation(t, r, sla_checks(r, sla)) for t, r in zip(teams, results, strict=True)]


def with_load(run: RunSettings, factor: float) -> SimSettings:
    return replace(run.sim(), load_factor=run.load_factor * factor)
