"""What a 12-month plan returns: the hiring terms, each quarter's plan and its dated actions.

Apart from ``horizon.py`` (which builds them) so that the plan's readers (the CLI, the API's
job, the dashboard, the report, the JSON Schema) share the models without the planning code;
``horizon.py`` re-exports them, its public names.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deskmix.calibrate.forecast import Forecast
from deskmix.domain.team import Team
from deskmix.plan.lead_times import (
    DEFAULT_HIRE_COST,
    DEFAULT_HIRE_LEAD_WEEKS,
    DEFAULT_TRAINING_COST,
    DEFAULT_TRAINING_WEEKS,
)

ActionKind = Literal["hire", "hire_and_train", "cross_train"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HiringTerms(_Model):
    """Lead times and one-off costs of adding people (illustrative defaults, docs/plan.md)."""

    hire_lead_weeks: float = Field(default=DEFAULT_HIRE_LEAD_WEEKS, ge=0, le=104)
    hire_cost: float = Field(default=DEFAULT_HIRE_COST, ge=0)
    training_weeks: float = Field(default=DEFAULT_TRAINING_WEEKS, ge=0, le=104)
    training_cost: float = Field(default=DEFAULT_TRAINING_COST, ge=0)


class Action(_Model):
    """One person to hire or cross-train, and by when."""

    quarter: int
    kind: ActionKind
    person: str
    pool: str  # generalists, a domain, or a cross-trained pair a+b
    detail: str
    start_by: date  # recruiting or training must start by then
    ready_by: date  # the first day of the quarter that needs them
    late: bool
    one_off_cost: float


class QuarterPlan(_Model):
    quarter: int
    start: date
    tickets_per_week: float
    low: float | None
    high: float | None
    headcount: int
    added: int
    design: str
    msp: list[str]
    people_cost_per_week: float
    msp_cost_per_week: float
    cost_per_week: float
    one_off_cost: float
    quarter_cost: float  # 13 weeks at cost_per_week plus the one-off costs
    verified: bool  # the design met every SLA on a fresh seed too
    actions: list[Action]


class YearPlan(_Model):
    """The whole horizon, as ``deskmix plan-year --json`` prints it."""

    workload: str
    currency: str
    forecast: Forecast
    terms: HiringTerms
    starting_headcount: int
    quarters: list[QuarterPlan]
    total_cost: float
    one_off_cost: float
    notes: list[str]
    team: Team  # everyone at the end of the horizon
