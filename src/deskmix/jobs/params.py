"""What each kind of job takes, checked at submission: a bad input fails the request (422),
never a job that has already been accepted.

The models are the API's request bodies and the rows' ``params``: one definition, so a job
stored by one server version is read back with the same fields by its worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from deskmix.calibrate.io import parse_workload
from deskmix.plan.inputs import parse_costs, parse_offers
from deskmix.plan.lead_times import (
    DEFAULT_HIRE_COST,
    DEFAULT_HIRE_LEAD_WEEKS,
    DEFAULT_TRAINING_COST,
    DEFAULT_TRAINING_WEEKS,
)
from deskmix.plan.request import PlanRequest
from deskmix.sim.model import SimSettings
from deskmix.sim.whatif import Scenario, Setup
from deskmix.teamfiles import parse_sla, parse_team


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SimulateParams(_Strict):
    """A simulation: the same inputs as 'deskmix simulate', files given as YAML (or JSON) text."""

    team: str = Field(min_length=1, max_length=2_000_000, description="Team YAML")
    workload: str = Field(min_length=1, max_length=20_000_000, description="Workload YAML")
    sla: str | None = Field(default=None, max_length=1_000_000, description="SLA YAML")
    policy: str = "generalist_first"
    reps: int = Field(default=10, ge=2, le=200)
    weeks: float = Field(default=13, ge=1, le=104)
    warmup_weeks: float = Field(default=1, ge=0, le=52)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=20)

    def setup(self) -> Setup:
        return Setup(
            workload=parse_workload(self.workload, "workload"),
            team=parse_team(self.team, "team"),
            sla=parse_sla(self.sla),
            settings=SimSettings(weeks=self.weeks, warmup_weeks=self.warmup_weeks),
            policy=self.policy,
            policy_settings={},
        )


class DashboardSimulateParams(SimulateParams):
    """A simulation the dashboard's simulate page submitted: the simulate job's inputs plus
    the form as the page read it, so the finished job's page can fill the form in again and
    offer the report download for the same inputs."""

    sla_name: str = Field(default="default", max_length=200, description="The SLA preset's name")
    form: dict[str, Any] = Field(default_factory=dict, description="The page's form, as read")


PlanParams = PlanRequest  # the plan job takes the one input model of every plan


class DashboardPlanParams(PlanRequest):
    """A plan the dashboard's plan page submitted: the plan job's inputs plus the form as the
    page read it, to fill the form in again and offer the downloads for the same inputs."""

    form: dict[str, Any] = Field(default_factory=dict, description="The page's form, as read")


class PlanYearParams(_Strict):
    """A 12-month plan, as 'deskmix plan-year' with a stated growth rate: files as YAML text."""

    workload: str = Field(min_length=1, max_length=20_000_000, description="Workload YAML")
    costs: str = Field(min_length=1, max_length=1_000_000, description="Costs YAML")
    sla: str | None = Field(default=None, max_length=1_000_000, description="SLA YAML")
    msp: str | None = Field(default=None, max_length=1_000_000, description="MSP offers YAML")
    existing_team: str | None = Field(
        default=None, max_length=2_000_000, description="Team YAML of today's people (they stay)"
    )
    growth: float | None = Field(
        default=None, gt=-1, le=10, description="Volume growth a year (0.1: +10%); none: 0"
    )
    quarters: int = Field(default=4, ge=1, le=8)
    start: date | None = Field(default=None, description="First quarter's Monday; default next")
    hire_lead_weeks: float = Field(default=DEFAULT_HIRE_LEAD_WEEKS, ge=0, le=104)
    training_weeks: float = Field(default=DEFAULT_TRAINING_WEEKS, ge=0, le=104)
    hire_cost: float = Field(default=DEFAULT_HIRE_COST, ge=0, le=1e9)
    training_cost: float = Field(default=DEFAULT_TRAINING_COST, ge=0, le=1e9)
    reps: int = Field(default=6, ge=2, le=50)
    weeks: float = Field(default=6, ge=1, le=52)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    max_designs: int = Field(default=40, ge=1, le=300)


class DashboardYearParams(PlanYearParams):
    """A 12-month plan the dashboard's year page submitted: the plan-year job's inputs plus
    the form as the page read it, to fill the form in again."""

    form: dict[str, Any] = Field(default_factory=dict, description="The page's form, as read")


def check_simulate(params: SimulateParams) -> None:
    """Fail at submission (422) rather than in the job on input that cannot run."""
    check_scenarios(params.setup(), params.scenarios)


def check_scenarios(base: Setup, scenarios: list[Scenario]) -> None:
    """The baseline's policy and every what-if can be built (a named agent exists, a policy
    is known): a caller that already holds the parsed ``Setup`` checks without parsing again."""
    from deskmix.routing.policies import make_policy
    from deskmix.sim.whatif import apply_scenario

    make_policy(base.policy)
    for scenario in scenarios:
        apply_scenario(base, scenario)
        if scenario.policy:
            make_policy(scenario.policy, **scenario.policy_settings)


def check_plan_year(params: PlanYearParams) -> None:
    parse_workload(params.workload, "workload")
    parse_costs(params.costs)
    parse_sla(params.sla)
    parse_offers(params.msp)
    if params.existing_team:
        parse_team(params.existing_team, "existing_team")


def check_plan(params: PlanParams) -> None:
    params.inputs()
