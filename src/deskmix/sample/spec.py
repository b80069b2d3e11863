"""The generating model of the embedded sample desk: a Workload plus what only a generator needs.

``deskmix.domain.Workload`` describes demand as calibration sees it (arrival rates, handling-time
fits, escalation rates). Writing a believable ServiceNow event log needs more: touch time versus
time spent waiting for the user, which group a ticket is passed to, who works it, how long the
auto-close takes and what people type as a short description. This model holds exactly that, in
the same vocabulary (domains, tiers, hour-of-week weights), and is read from a YAML file shipped
in the package so the figures are data a reader can check against docs/sample.md.
"""

from __future__ import annotations

import math
from datetime import date
from importlib import resources
from string import Formatter
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.domain.workload import DAYS
from deskmix.errors import ConfigError
from deskmix.sample import SPEC_FILE


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LogNormal(_Model):
    """A lognormal duration in hours, given by its median and the sigma of its logarithm.

    Median and sigma are what one reads off a log-scale histogram of real durations, so they are
    easier to check against data than the mean of the underlying normal.
    """

    median_hours: float = Field(gt=0)
    sigma: float = Field(ge=0)
    cap_hours: float | None = Field(default=None, gt=0)

    @property
    def mean_hours(self) -> float:
        return self.median_hours * math.exp(self.sigma**2 / 2)

    def draw(self, rng: np.random.Generator) -> float:
        value = float(rng.lognormal(math.log(self.median_hours), self.sigma))
        return min(value, self.cap_hours) if self.cap_hours is not None else value


class TierTimes(_Model):
    generalist: LogNormal
    specialist: LogNormal


class BusinessHours(_Model):
    """When the desk's people work; touch time only advances inside these hours."""

    days: list[str] = Field(default_factory=lambda: list(DAYS[:5]))
    start_hour: int = Field(default=8, ge=0, le=23)
    end_hour: int = Field(default=18, ge=1, le=24)

    @model_validator(mode="after")
    def _check(self) -> BusinessHours:
        unknown = set(self.days) - set(DAYS)
        if unknown or not self.days:
            raise ValueError(f"business days must be among {', '.join(DAYS)}")
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        return self


class AwaitingUser(_Model):
    """How often work stops for an answer from the user, and how long the answer takes."""

    probability: float = Field(ge=0, le=1)
    wait: LogNormal


class Reopen(_Model):
    probability: float = Field(ge=0, le=1)
    after: LogNormal = Field(description="calendar hours from resolution to the user's reopen")
    touch_factor: float = Field(gt=0, description="rework as a fraction of a fresh touch time")


class Closure(_Model):
    """Resolved tickets close when the user confirms, or by the auto-close job after N hours."""

    user_confirms: float = Field(ge=0, le=1)
    user_delay: LogNormal
    auto_close_hours: float = Field(gt=0)


class Agent(_Model):
    """A person in a group. ``strong_in`` lists domains a first-line agent fixes without help."""

    name: str
    group: str
    strong_in: list[str] = Field(default_factory=list)


class CategorySpec(_Model):
    """A category label people pick, how often, and the short descriptions that go with it."""

    share: float = Field(gt=0)
    titles: list[str] = Field(min_length=1)


class DomainSpec(_Model):
    """One skill domain: its share of demand, labels, routing and the text people write."""

    share: float = Field(gt=0)
    categories: dict[str, CategorySpec] = Field(min_length=1)
    second_line: float = Field(ge=0, le=1, description="share of tickets a specialist touches")
    direct: float = Field(
        default=0.0, ge=0, le=1, description="of those, the share routed straight to specialists"
    )
    specialist_groups: dict[str, float] = Field(min_length=1)
    related_groups: dict[str, float] = Field(
        default_factory=dict, description="where a specialist passes a ticket on, if anywhere"
    )
    touch: TierTimes
    urgency: list[float] | None = Field(default=None, description="high, medium, low weights")
    round_the_clock: float = Field(
        default=0.0, ge=0, le=1, description="share of arrivals spread evenly over the week"
    )
    direct_channel: str | None = Field(
        default=None, description="channel of tickets routed straight to specialists (alerts)"
    )
    slots: dict[str, list[str]] = Field(
        default_factory=dict, description="values for the {placeholders} in titles"
    )

    @model_validator(mode="after")
    def _slots_filled(self) -> DomainSpec:
        for name, category in self.categories.items():
            for title in category.titles:
                for _, slot, _, _ in Formatter().parse(title):
                    if slot and not self.slots.get(slot):
                        raise ValueError(
                            f"category {name}: no values for '{{{slot}}}' in {title!r}"
                        )
        return self


class SampleDeskSpec(_Model):
    """Everything that shapes the sample desk; one seed turns it into one event log."""

    name: str
    description: str
    seed: int = Field(ge=0)
    employees: int = Field(gt=0)
    start: date
    weeks: int = Field(gt=0)
    tickets_per_week: float = Field(gt=0)
    export_after_days: int = Field(ge=0, description="days after the last week the log is taken")
    number_prefix: str = "INC"
    first_number: int = Field(default=10001, ge=0)
    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    hour_of_week: dict[str, list[float]]
    impact: list[float] = Field(min_length=3, max_length=3)
    urgency: list[float] = Field(min_length=3, max_length=3)
    channels: dict[str, float] = Field(min_length=1)
    first_line_group: str
    pickup: TierTimes = Field(description="business hours from arrival in a queue to pickup")
    awaiting_user: AwaitingUser
    handoff: float = Field(ge=0, le=1, description="chance a specialist passes the ticket on")
    max_handoffs: int = Field(ge=0)
    strong_factor: float = Field(
        ge=0, le=1, description="escalation chance multiplier for a strong first-line agent"
    )
    reopen: Reopen
    closure: Closure
    vague_titles: list[str] = Field(default_factory=list)
    vague_share: float = Field(default=0.0, ge=0, le=1)
    agents: list[Agent] = Field(min_length=1)
    domains: dict[str, DomainSpec] = Field(min_length=1)

    @field_validator("start")
    @classmethod
    def _monday(cls, value: date) -> date:
        if value.weekday() != 0:
            raise ValueError("start must be a Monday so hour 0 of the period is Monday 00:00")
        return value

    @field_validator("hour_of_week")
    @classmethod
    def _week(cls, value: dict[str, list[float]]) -> dict[str, list[float]]:
        if set(value) != set(DAYS):
            raise ValueError(f"hour_of_week needs the days {', '.join(DAYS)}")
        for day, hours in value.items():
            if len(hours) != 24 or any(h < 0 for h in hours):
                raise ValueError(f"hour_of_week[{day}] needs 24 non-negative weights")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SampleDeskSpec:
        unknown = set(self.domains) - set(DEFAULT_DOMAINS)
        if unknown:
            raise ValueError(f"unknown domains {sorted(unknown)}")
        staffed = {a.group for a in self.agents}
        needed = {self.first_line_group}
        for spec in self.domains.values():
            needed |= set(spec.specialist_groups) | set(spec.related_groups)
        if needed - staffed:
            raise ValueError(f"groups without agents: {sorted(needed - staffed)}")
        for agent in self.agents:
            if set(agent.strong_in) - set(self.domains):
                raise ValueError(f"agent {agent.name} is strong in an unknown domain")
        return self

    @property
    def specialist_group_names(self) -> list[str]:
        """Every group other than the first line, in file order."""
        seen = dict.fromkeys(a.group for a in self.agents)
        return [g for g in seen if g != self.first_line_group]

    def weekly_shape(self) -> NDArray[np.float64]:
        """The 168 hour-of-week weights, Monday 00:00 first, summing to 1."""
        flat = np.array([w for day in DAYS for w in self.hour_of_week[day]], dtype=float)
        normalised: NDArray[np.float64] = flat / flat.sum()
        return normalised

    def domain_shares(self) -> dict[str, float]:
        total = sum(d.share for d in self.domains.values())
        return {name: d.share / total for name, d in self.domains.items()}

    def expected_second_line(self) -> float:
        """Share of tickets a specialist touches, before strong first-line agents keep some."""
        return sum(s * self.domains[d].second_line for d, s in self.domain_shares().items())


def spec_text() -> str:
    """The shipped YAML, comments included."""
    resource = resources.files("deskmix.data").joinpath("sample", SPEC_FILE)
    return resource.read_text(encoding="utf-8")


def parse_spec(text: str, origin: str = SPEC_FILE) -> SampleDeskSpec:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top level")
    try:
        return SampleDeskSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{origin}: '{where}': {first['msg']}") from exc


def load_spec() -> SampleDeskSpec:
    """The sample desk's generating model as shipped."""
    return parse_spec(spec_text())
