"""What-if scenarios: the baseline changed in one or more ways, run on the same seed.

Scenarios share the baseline's seed, so they face the same tickets and draws (common random
numbers) and the differences in the comparison table are the changes', not noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind, Shift, Team
from deskmix.domain.workload import HOURS_PER_WEEK, Workload
from deskmix.errors import ConfigError
from deskmix.routing.policies import make_policy
from deskmix.sim.model import SimSettings, compile_model
from deskmix.sim.runner import SimulationResult, simulate


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Absence(_Model):
    """Someone out: a named agent, or ``count`` agents (of ``kind``), for a period.

    By count, the first N agents of that kind in the team file's order are out. Weeks count
    from the start of the measured period; no ``weeks`` means until the end.
    """

    agent: str | None = None
    count: int | None = Field(default=None, ge=1)
    kind: AgentKind | None = None
    from_week: float = Field(default=0.0, ge=0)
    weeks: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_way(self) -> Absence:
        if (self.agent is None) == (self.count is None):
            raise ValueError("an absence names either an agent or a count")
        return self


class ShiftChange(_Model):
    """New working hours for named agents, or for every agent of a kind."""

    agents: list[str] = Field(default_factory=list)
    kind: AgentKind | None = None
    shifts: list[Shift]


class Scenario(_Model):
    name: str
    absent: list[Absence] = Field(default_factory=list)
    load: float | dict[str, float] | None = None
    shifts: list[ShiftChange] = Field(default_factory=list)
    policy: str | None = None
    policy_settings: dict[str, Any] = Field(default_factory=dict)


class ScenarioFile(_Model):
    scenarios: list[Scenario]


@dataclass(frozen=True)
class Setup:
    """Everything one simulation run needs besides the seed."""

    workload: Workload
    team: Team
    sla: SlaPolicy
    settings: SimSettings
    policy: str
    policy_settings: dict[str, Any]


def _absences(
    absence: Absence, team: Team, settings: SimSettings
) -> list[tuple[str, float, float]]:
    start = settings.warmup_hours + absence.from_week * HOURS_PER_WEEK
    end = settings.end_hours if absence.weeks is None else start + absence.weeks * HOURS_PER_WEEK
    if absence.agent is not None:
        if absence.agent not in {a.name for a in team.agents}:
            raise ConfigError(f"what-if: no agent named '{absence.agent}' in team '{team.name}'")
        return [(absence.agent, start, end)]
    pool = [a for a in team.agents if absence.kind is None or a.kind == absence.kind]
    count = absence.count or 0
    if count > len(pool):
        what = f"{absence.kind} agents" if absence.kind else "agents"
        raise ConfigError(f"what-if: {count} {what} out, but the team has {len(pool)}")
    return [(a.name, start, end) for a in pool[:count]]


def apply_scenario(base: Setup, scenario: Scenario) -> Setup:
    team, settings = base.team, base.settings
    absences = list(settings.absences)
    for absence in scenario.absent:
        absences.extend(_absences(absence, team, settings))
    load_factor, domain_load = settings.load_factor, dict(settings.domain_load)
    if isinstance(scenario.load, float | int):
        load_factor *= float(scenario.load)
    elif isinstance(scenario.load, dict):
        for domain, factor in scenario.load.items():
            domain_load[domain] = domain_load.get(domain, 1.0) * factor
    if scenario.shifts:
        agents = list(team.agents)
        names = {a.name for a in agents}
        for change in scenario.shifts:
            unknown = [n for n in change.agents if n not in names]
            if unknown:
                raise ConfigError(f"what-if shift change: unknown agent(s) {unknown}")
            agents = [
                a.model_copy(update={"shifts": change.shifts})
                if a.name in change.agents or (change.kind is not None and a.kind == change.kind)
                else a
                for a in agents
            ]
        team = team.model_copy(update={"agents": agents})
    return Setup(
        workload=base.workload,
        team=team,
        sla=base.sla,
        settings=replace(
            settings,
            absences=tuple(absences),
            load_factor=load_factor,
            domain_load=domain_load,
        ),
        policy=scenario.policy or base.policy,
        policy_settings=scenario.policy_settings if scenario.policy else base.policy_settings,
    )


def run_setup(
    setup: Setup,
    *,
    reps: int,
    seed: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    model = compile_model(setup.workload, setup.team, setup.sla, setup.settings)
    policy = make_policy(setup.policy, **setup.policy_settings)
    return simulate(model, policy, reps=reps, seed=seed, workers=workers, progress=progress)


def compare(
    base: Setup,
    scenarios: list[Scenario],
    *,
    reps: int,
    seed: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, SimulationResult]]:
    """The baseline and each scenario, all on the same seed (common random numbers)."""
    setups = [("baseline", base)] + [(s.name, apply_scenario(base, s)) for s in scenarios]
    return [
        (name, run_setup(setup, reps=reps, seed=seed, workers=workers, progress=progress))
        for name, setup in setups
    ]
