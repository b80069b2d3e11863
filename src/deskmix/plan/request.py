"""The one input model of a plan, whichever interface asks for it.

``deskmix plan``, the API's plan job, the dashboard's plan page and ``deskmix demo`` all fill a
``PlanRequest`` (files as YAML text, the run's size) and call ``deskmix.plan.use_case``; so
every input one of them takes can be given to all, and the same limits apply everywhere
(the dashboard once capped headcount and run size below the CLI's without saying so).
``sources`` names where each text came from (the CLI's file paths), so an error in a file
names that file whichever interface read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from deskmix.calibrate.io import parse_workload
from deskmix.domain.projects import Portfolio
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import MspContract, Team
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.plan.evaluate import POLICY, RunSettings
from deskmix.plan.inputs import (
    CostTable,
    DesignsFile,
    parse_costs,
    parse_offers,
    with_named_offers,
)
from deskmix.teamfiles import SLA_CHOICES, expand_counts, parse_sla, parse_team, sla_preset
from deskmix.yamlfiles import parse_yaml, validate

MAX_REPS = 200
MAX_WEEKS = 104
MAX_DESIGNS = 2000
MAX_BUDGET = 1e12
DEFAULT_SLA_NAME = "deskmix's default ITIL-style targets"
STAYING = "today's team"


class PlanRequest(BaseModel):
    """A plan: the inputs of ``deskmix plan``, files given as YAML (or JSON) text."""

    model_config = ConfigDict(extra="forbid")

    workload: str = Field(min_length=1, max_length=20_000_000, description="Workload YAML")
    costs: str = Field(min_length=1, max_length=1_000_000, description="Costs YAML")
    sla: str | None = Field(default=None, max_length=1_000_000, description="SLA YAML")
    sla_preset: str | None = Field(
        default=None, description=f"SLA targets by name instead of YAML: {', '.join(SLA_CHOICES)}"
    )
    msp: str | None = Field(default=None, max_length=1_000_000, description="MSP offers YAML")
    existing_team: str | None = Field(
        default=None, max_length=2_000_000, description="Team YAML of people who stay"
    )
    compare: str | None = Field(
        default=None,
        max_length=5_000_000,
        description="Designs YAML to compare against (teams inline)",
    )
    projects: str | None = Field(
        default=None, max_length=1_000_000, description="Portfolio YAML: projects beside tickets"
    )
    policy: str | None = Field(
        default=None, description="Routing policy the plan runs under; default generalist_first"
    )
    reps: int = Field(default=8, ge=2, le=MAX_REPS)
    weeks: float = Field(default=8, ge=1, le=MAX_WEEKS)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    max_designs: int = Field(default=60, ge=1, le=MAX_DESIGNS)
    budget_per_year: float | None = Field(
        default=None,
        gt=0,
        le=MAX_BUDGET,
        description="Budget mode: the best service for at most this cost a year (52 weeks)",
    )
    stress: bool = Field(default=True, description="Stress-test the recommended design")
    sources: dict[str, str] = Field(
        default_factory=dict, description="Where each text came from, named in errors"
    )

    def origin(self, name: str) -> str:
        return self.sources.get(name, name)

    def inputs(self) -> PlanInputs:
        """Every text parsed and checked: a bad file stops here, before any simulation."""
        workload = parse_workload(self.workload, self.origin("workload"))
        costs = parse_costs(self.costs, self.origin("costs"))
        sla, sla_name = self._sla()
        existing = (
            parse_team(self.existing_team, self.origin("existing_team"))
            if self.existing_team
            else None
        )
        compared = parse_designs(self.compare, self.origin("compare")) if self.compare else []
        offers = parse_offers(self.msp or None, self.origin("msp"))
        kept = [(STAYING, existing)] if existing is not None else []
        portfolio = None
        if self.projects:
            from deskmix.projects.portfolio import parse_portfolio

            domains = {s.domain for s in workload.arrivals}
            portfolio = parse_portfolio(self.projects, self.origin("projects"), domains)
        policy = self.policy or POLICY
        from deskmix.routing.policies import make_policy

        make_policy(policy)  # an unknown name stops here, with the names it could be
        return PlanInputs(
            workload=workload,
            sla=sla,
            sla_name=sla_name,
            costs=costs,
            offers=with_named_offers(offers, kept + compared),
            existing=existing,
            compared=compared,
            portfolio=portfolio,
            run=RunSettings(
                reps=self.reps,
                weeks=self.weeks,
                seed=self.seed,
                reserved_share=portfolio.share_out_of_tickets if portfolio is not None else 0.0,
                policy=policy,
            ),
            max_designs=self.max_designs,
            budget_per_year=self.budget_per_year,
            stress=self.stress,
        )

    def _sla(self) -> tuple[SlaPolicy, str]:
        if self.sla and self.sla_preset:
            raise ConfigError("give the SLA targets as YAML or as a preset name, not both")
        if self.sla_preset:
            return sla_preset(self.sla_preset), f"SLA preset '{self.sla_preset}'"
        if self.sla:
            return parse_sla(self.sla, self.origin("sla")), self.origin("sla")
        return parse_sla(None), DEFAULT_SLA_NAME


@dataclass(frozen=True)
class PlanInputs:
    """A request parsed: what the planner, the stress tests and the project plan read."""

    workload: Workload
    sla: SlaPolicy
    sla_name: str  # named on every table and chart of the plan
    costs: CostTable
    offers: list[MspContract]  # with every contract of the compared designs and the staff
    existing: Team | None
    compared: list[tuple[str, Team]]
    portfolio: Portfolio | None
    run: RunSettings
    max_designs: int
    budget_per_year: float | None
    stress: bool


def parse_designs(text: str, origin: str) -> list[tuple[str, Team]]:
    """Designs YAML with every team inline (a text has no folder to read team files from)."""
    out: list[tuple[str, Team]] = []
    for position, design in enumerate(
        validate(DesignsFile, parse_yaml(text, origin), origin, "designs").designs
    ):
        where = f"{origin}: designs.{position}"
        if isinstance(design.team, str):
            raise ConfigError(
                f"{where}: team '{design.team}' is a file name; give the team inline here"
            )
        data = expand_counts(dict(design.team), where)
        out.append((design.name, validate(Team, data, where, "team")))
    return out


def designs_text(designs: list[tuple[str, Team]]) -> str:
    """Named teams as designs YAML, inline: what ``compare`` takes."""
    data: dict[str, Any] = {
        "designs": [
            {"name": name, "team": team.model_dump(mode="json", exclude_defaults=True)}
            for name, team in designs
        ]
    }
    return yaml.safe_dump(data, sort_keys=False)


def team_text(team: Team) -> str:
    return yaml.safe_dump(team.model_dump(mode="json", exclude_defaults=True), sort_keys=False)
