"""A simulation's result as a stable, documented model: ``deskmix simulate --json``, its
``--csv``/``--xlsx`` tables, and what ``deskmix compare`` reads back.

Full precision (the terminal rounds, machine output does not); an undefined KPI is null.
The JSON Schema is ``docs/schemas/simulation.json`` (``scripts/write_schemas.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from deskmix import __version__
from deskmix.tables import Row, Tables

if TYPE_CHECKING:
    from deskmix.sim.kpis import Estimate
    from deskmix.sim.runner import SimulationResult
    from deskmix.sim.whatif import Setup

SCHEMA_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Interval(_Out):
    """A KPI across replications: the mean and its Student-t 95% confidence interval,
    ``mean ± t(0.975, n-1) * s / sqrt(n)`` over ``n`` replications; null where undefined."""

    mean: float | None
    half_width: float | None = Field(description="Half the width of the 95% interval.")
    low: float | None
    high: float | None
    n: int = Field(description="Replications the KPI is defined in.")

    @classmethod
    def of(cls, estimate: Estimate) -> Interval:
        return cls.model_validate(estimate.as_json())


class FirstDecision(_Out):
    hour: float
    ticket: str
    reason: str


class ScenarioResult(_Out):
    """One column of the comparison: the baseline or a what-if, on the same seed."""

    name: str
    policy: str
    reps: int
    seed: int
    kpis: dict[str, Interval] = Field(
        description="Every KPI by name (docs/routing.md: 'sla_resolution/P2', "
        "'utilisation/specialist', 'cost_per_week', ...)."
    )
    first_decisions: list[FirstDecision] = Field(default_factory=list)


class SimulationOutput(_Out):
    """What ``deskmix simulate --json`` prints."""

    kind: Literal["simulation"] = "simulation"
    schema_version: Literal[1] = 1
    deskmix_version: str = __version__
    team: str
    workload: str
    sla: str = Field(description="The SLA targets the attainment KPIs are judged by.")
    policy: str
    reps: int
    weeks: float
    warmup_weeks: float
    seed: int
    scenarios: list[ScenarioResult]

    def tables(self) -> Tables:
        """``kpis``: one row per scenario and KPI (long, for pivot tables); ``scenarios``:
        one row per scenario with the headline KPIs' mean, low and high side by side."""
        return {"kpis": kpi_rows(self.scenarios), "scenarios": headline_rows(self.scenarios)}


HEADLINE = (
    "tickets_per_week",
    "sla_response",
    "sla_resolution",
    "wait_mean",
    "resolution_mean",
    "utilisation/generalist",
    "utilisation/specialist",
    "escalated_share",
    "msp_share",
    "cost_people_per_week",
    "cost_msp_per_week",
    "cost_per_week",
    "cost_per_ticket",
)
"""The KPIs of the wide ``scenarios`` table (all KPIs are in the long ``kpis`` table)."""


def kpi_rows(scenarios: list[ScenarioResult]) -> list[Row]:
    return [
        {
            "scenario": s.name,
            "kpi": name,
            "mean": value.mean,
            "low": value.low,
            "high": value.high,
            "half_width": value.half_width,
            "n": value.n,
        }
        for s in scenarios
        for name, value in s.kpis.items()
    ]


def headline_rows(scenarios: list[ScenarioResult]) -> list[Row]:
    rows: list[Row] = []
    for s in scenarios:
        row: Row = {"scenario": s.name, "policy": s.policy, "reps": s.reps, "seed": s.seed}
        for name in HEADLINE:
            value = s.kpis.get(name)
            for part in ("mean", "low", "high"):
                row[f"{name} {part}"] = getattr(value, part) if value is not None else None
        rows.append(row)
    return rows


def scenario_result(name: str, result: SimulationResult, decisions: int = 10) -> ScenarioResult:
    return ScenarioResult(
        name=name,
        policy=result.policy,
        reps=result.reps,
        seed=result.seed,
        kpis={k: Interval.of(v) for k, v in result.summary.items()},
        first_decisions=[
            FirstDecision(hour=when, ticket=ticket, reason=why)
            for when, ticket, why in result.decisions[:decisions]
        ],
    )


def simulation_output(
    base: Setup, results: list[tuple[str, SimulationResult]], sla_name: str
) -> SimulationOutput:
    """The model of ``whatif.compare``'s results (the baseline first)."""
    first = results[0][1]
    return SimulationOutput(
        team=base.team.name,
        workload=base.workload.name,
        sla=sla_name,
        policy=base.policy,
        reps=first.reps,
        weeks=base.settings.weeks,
        warmup_weeks=base.settings.warmup_weeks,
        seed=first.seed,
        scenarios=[scenario_result(name, result) for name, result in results],
    )
