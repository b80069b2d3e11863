"""Agents, MSP contracts and teams: the supply side a design puts against the Workload."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from deskmix.domain.shrinkage import Shrinkage, ShrinkageByKind
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DAYS, HOURS_PER_WEEK


class AgentKind(StrEnum):
    GENERALIST = "generalist"
    SPECIALIST = "specialist"


class AgentSource(StrEnum):
    IN_HOUSE = "in_house"
    MSP = "msp"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _hour(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours)
    if minutes not in ("", "00") or not 0 <= value <= 24:
        raise ValueError(f"'{text}' is not a whole hour between 00:00 and 24:00")
    return value


class Shift(_Model):
    """Working hours on some days, in the desk's local week (whole hours)."""

    days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    start: str = "08:00"
    end: str = "17:00"

    @field_validator("days")
    @classmethod
    def _known_days(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in DAYS]
        if unknown:
            raise ValueError(f"unknown day(s) {unknown}; use {', '.join(DAYS)}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if _hour(self.start) >= _hour(self.end):
            raise ValueError(f"shift start {self.start} must be before end {self.end}")
        return self

    def hours_of_week(self) -> set[int]:
        first, last = _hour(self.start), _hour(self.end)
        return {DAYS.index(d) * 24 + h for d in self.days for h in range(first, last)}


class Agent(_Model):
    """A person (or a named MSP seat). Skills are SFIA-like levels 0..5 per domain."""

    name: str
    kind: AgentKind
    skills: dict[str, int] = Field(default_factory=dict)
    cost_per_hour: float = Field(ge=0)
    shifts: list[Shift] = Field(default_factory=lambda: [Shift()])
    source: AgentSource = AgentSource.IN_HOUSE
    shrinkage: Shrinkage | None = None
    """Leave, public holidays, sickness, training and meetings (``deskmix.domain.shrinkage``);
    None: works every shift hour."""
    status: Literal["active", "absent", "left"] = "active"
    """Who is here now: ``absent`` (long leave) and ``left`` people stay in the file for the
    record, but the skills review, its bus factor and the planner's staff who stay count only
    ``active`` ones (``Team.present``)."""

    @field_validator("skills")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        for domain, level in value.items():
            if not 0 <= level <= 5:
                raise ValueError(f"skill level for {domain} is {level}; expected 0..5")
        return value

    def on_duty(self) -> list[bool]:
        """168 flags, Monday 00:00 first: is the agent working in that hour of the week?"""
        hours: set[int] = set()
        for shift in self.shifts:
            hours |= shift.hours_of_week()
        return [h in hours for h in range(HOURS_PER_WEEK)]

    def level(self, domain: str) -> int:
        return self.skills.get(domain, 0)


class MspPricing(_Model):
    """How an MSP bills: any mix of per ticket, per hour, and a monthly retainer with overage."""

    per_ticket: float = Field(default=0.0, ge=0)
    per_hour: float = Field(default=0.0, ge=0)
    retainer_per_month: float = Field(default=0.0, ge=0)
    included_tickets_per_month: int = Field(default=0, ge=0)
    overage_per_ticket: float = Field(default=0.0, ge=0)


class ProjectHours(_Model):
    """Project hours an MSP sells beside its ticket work: any number of hours in ``domains``
    at ``price_per_hour``, delivered from ``lead_time_weeks`` after the plan's start."""

    price_per_hour: float = Field(gt=0)
    lead_time_weeks: float = Field(default=0.0, ge=0)
    domains: list[str] = Field(min_length=1)


class MspContract(_Model):
    """Help bought from a managed service provider for some domains and tiers."""

    name: str
    domains: list[str]
    tiers: list[Tier] = Field(default_factory=lambda: [Tier.SPECIALIST])
    response_hours: float = Field(default=4.0, ge=0)
    handling_factor: float = Field(
        default=1.0, gt=0, description="MSP handling time relative to an in-house specialist"
    )
    pricing: MspPricing = Field(default_factory=MspPricing)
    project_hours: ProjectHours | None = None
    """Project hours it also sells (``deskmix.projects``); None: none."""

    def covers(self, domain: str, tier: Tier) -> bool:
        return domain in self.domains and tier in self.tiers


class Team(_Model):
    """A set of agents plus MSP contracts; in planning, one candidate Design."""

    name: str
    agents: list[Agent] = Field(default_factory=list)
    msp: list[MspContract] = Field(default_factory=list)
    shrinkage: ShrinkageByKind | None = None
    """Per agent kind, for the people without a ``shrinkage`` of their own."""

    @model_validator(mode="before")
    @classmethod
    def _kind_shrinkage(cls, data: Any) -> Any:
        """Give each agent without its own shrinkage its kind's, from the team's block."""
        if not isinstance(data, dict) or not isinstance(data.get("shrinkage"), dict | BaseModel):
            return data
        try:
            by_kind = ShrinkageByKind.model_validate(data["shrinkage"])
        except ValidationError:  # reported with its place by the field's own validation
            return data
        agents = data.get("agents")
        if not isinstance(agents, list):
            return data
        out: list[Any] = []
        for agent in agents:
            if isinstance(agent, Agent) and agent.shrinkage is None:
                agent = agent.model_copy(update={"shrinkage": by_kind.of(agent.kind)})
            elif isinstance(agent, dict) and agent.get("shrinkage") is None:
                own = by_kind.of(str(agent.get("kind")))
                agent = {**agent, "shrinkage": own} if own is not None else agent
            out.append(agent)
        return {**data, "agents": out}

    @model_validator(mode="after")
    def _unique_names(self) -> Team:
        names = [a.name for a in self.agents]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"agent names must be unique; repeated: {', '.join(duplicates)}")
        return self

    def present(self) -> Team:
        """The team without the people marked absent or left."""
        if all(a.status == "active" for a in self.agents):
            return self
        return self.model_copy(update={"agents": [a for a in self.agents if a.status == "active"]})

    def agent(self, name: str) -> Agent:
        for candidate in self.agents:
            if candidate.name == name:
                return candidate
        raise KeyError(name)
