"""A plan's outcome as JSON: what the API job returns and ``deskmix plan --json`` prints.

Full precision (the terminal rounds, machine output does not); undefined KPIs are null.
``PlanOutput`` is the documented model of that JSON (``docs/schemas/plan.json``): ``plan_json``
stays the API job's result, ``plan_output`` adds ``kind`` and ``schema_version`` and checks it
against the model; its ``tables()`` are what ``--csv``/``--xlsx`` write.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from deskmix import __version__
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.result import PlanResult
from deskmix.plan.use_case import PlanOutcome
from deskmix.sim.kpis import json_number
from deskmix.sim.output import Interval
from deskmix.tables import Row, Tables


def evaluation_json(label: str, e: Evaluation) -> dict[str, Any]:
    return {
        "design": label,
        "people": len(e.team.agents),
        "feasible": e.feasible,
        "cost_per_week": e.cost.as_json(),
        "checks": [
            {
                "priority": c.priority,
                "kind": c.kind,
                "target": c.share,
                "estimate": c.estimate.as_json(),
                "met": c.met,
            }
            for c in e.checks
        ],
    }


def plan_json(outcome: PlanOutcome) -> dict[str, Any]:
    plan, inputs = outcome.plan, outcome.inputs
    projects: dict[str, Any] | None = None
    done = outcome.projects
    if done is not None:
        projects = {
            "choice": done.choice,
            "hires": done.hires,
            "hire_cost": done.hire_cost,
            "msp_cost": done.msp_cost,
            "mixed_hires": done.mixed[0] if done.mixed else None,
            "mixed_cost": done.mixed[1] if done.mixed else None,
            "notes": done.lines(),
            "projects": [
                {
                    "name": r.name,
                    "due": r.due,
                    "effort_hours": r.effort_hours,
                    "hours_in_run": r.hours_in_run.as_json(),
                    "on_time": r.on_time.as_json(),
                    "days_late": r.days_late.as_json(),
                    "hours_short_at_due": r.short_at_due.as_json(),
                }
                for r in done.before.rows
            ],
            "reserved_cost_per_week": done.before.reserved_cost_per_week.as_json(),
        }
    return {
        "sla": inputs.sla_name,
        "policy": inputs.run.policy,
        "currency": plan.currency,
        "projects": projects,
        "recommended": evaluation_json(plan.recommended.label(), plan.evaluation),
        "verification": evaluation_json(plan.recommended.label(), plan.verification),
        "verified": plan.verified,
        "team": plan.evaluation.team.model_dump(mode="json"),
        "reasons": list(plan.reasons),
        "runners_up": [evaluation_json(d.label(), e) for d, e in plan.runners_up],
        "stresses": [evaluation_json(s.name, s.evaluation) for s in outcome.stresses],
        "compared": [evaluation_json(name, e) for name, e in outcome.compared],
        "designs_simulated": len(plan.log),
        "search": [
            {
                "design": step.design.label(),
                "people": step.design.headcount,
                "why": step.why,
                "feasible": step.feasible,
                "cost_per_week": json_number(step.cost),
                "binding": step.binding,
            }
            for step in plan.log
        ],
        "simulated_on": plan.backend,
        "run": asdict(plan.run),
        "budget_per_year": plan.budget_per_year,
        "frontier": [
            {
                "design": p.design.label(),
                "cost_per_week": json_number(p.cost_per_week),
                "cost_per_year": json_number(p.cost_per_year),
                "worst_shortfall": json_number(p.shortfall),
                "feasible": p.feasible,
                "pareto": p.pareto,
                "within_budget": p.within_budget,
            }
            for p in plan.frontier
        ],
    }


def team_yaml(plan: PlanResult) -> str:
    """The recommended design as a team file, its reasons as comments: what
    ``deskmix plan --out`` writes and the dashboard offers as a download."""
    data = plan.evaluation.team.model_dump(mode="json", exclude_defaults=False)
    header = "# Recommended by 'deskmix plan'. Format: docs/formats.md (Team).\n"
    for reason in plan.reasons:
        header += f"# {reason}\n"
    return header + yaml.safe_dump(data, sort_keys=False)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlaCheck(_Out):
    priority: str
    kind: Literal["response", "resolution"]
    target: float = Field(description="The share of tickets the SLA asks to meet in time.")
    estimate: Interval
    met: bool = Field(description="The interval's low end clears the target.")


class DesignResult(_Out):
    design: str
    people: int
    feasible: bool
    cost_per_week: Interval
    checks: list[SlaCheck]

    def kpis(self) -> dict[str, Interval]:
        """The KPIs under the simulation's names (``deskmix compare``)."""
        out = {"cost_per_week": self.cost_per_week}
        out.update({f"sla_{c.kind}/{c.priority}": c.estimate for c in self.checks})
        return out


class SearchStep(_Out):
    design: str
    people: int
    why: str
    feasible: bool
    cost_per_week: float | None
    binding: str | None


class FrontierPoint(_Out):
    design: str
    cost_per_week: float | None
    cost_per_year: float | None
    worst_shortfall: float | None
    feasible: bool
    pareto: bool
    within_budget: bool | None


class ProjectResult(_Out):
    name: str
    due: str
    effort_hours: float
    hours_in_run: Interval
    on_time: Interval
    days_late: Interval
    hours_short_at_due: Interval


class ProjectsResult(_Out):
    choice: str
    hires: dict[str, int]
    hire_cost: float | None
    msp_cost: float | None
    mixed_hires: dict[str, int] | None
    mixed_cost: float | None
    notes: list[str]
    projects: list[ProjectResult]
    reserved_cost_per_week: Interval


class PlanOutput(_Out):
    """What ``deskmix plan --json`` prints."""

    kind: Literal["plan"] = "plan"
    schema_version: Literal[1] = 1
    deskmix_version: str = __version__
    sla: str = Field(description="The SLA targets every design is judged by.")
    policy: str
    currency: str
    projects: ProjectsResult | None
    recommended: DesignResult
    verification: DesignResult = Field(description="The recommendation on a fresh seed.")
    verified: bool
    team: dict[str, Any] = Field(description="The recommended team (docs/formats.md, Team).")
    reasons: list[str]
    runners_up: list[DesignResult]
    stresses: list[DesignResult]
    compared: list[DesignResult]
    designs_simulated: int
    search: list[SearchStep]
    simulated_on: str
    run: dict[str, Any] = Field(description="Replications, weeks, seed, ... of every design.")
    budget_per_year: float | None
    frontier: list[FrontierPoint]

    def designs(self) -> list[tuple[str, DesignResult]]:
        """Every design simulated to the end, as the terminal lists them."""
        rows = [("recommended", self.recommended), ("recommended, fresh seed", self.verification)]
        rows += [("runner-up", d) for d in self.runners_up]
        rows += [("compared", d) for d in self.compared]
        rows += [("stress", d) for d in self.stresses]
        return rows

    def tables(self) -> Tables:
        """``designs``: designs side by side (cost and every SLA check with intervals);
        ``staffing``: the recommended team per domain; ``search``: every design tried."""
        return {
            "designs": design_rows(self),
            "staffing": staffing_rows(self.team),
            "search": [step.model_dump() for step in self.search],
        }


def design_rows(plan: PlanOutput) -> list[Row]:
    rows: list[Row] = []
    for role, d in plan.designs():
        row: Row = {
            "role": role,
            "design": d.design,
            "people": d.people,
            "feasible": d.feasible,
            "currency": plan.currency,
            "cost_per_week mean": d.cost_per_week.mean,
            "cost_per_week low": d.cost_per_week.low,
            "cost_per_week high": d.cost_per_week.high,
        }
        for c in d.checks:
            name = f"sla_{c.kind}/{c.priority}"
            row[f"{name} target"] = c.target
            row[f"{name} mean"] = c.estimate.mean
            row[f"{name} low"] = c.estimate.low
            row[f"{name} high"] = c.estimate.high
            row[f"{name} met"] = c.met
        rows.append(row)
    return rows


def staffing_rows(team: dict[str, Any]) -> list[Row]:
    """Per domain: the specialists skilled in it, the generalists beside them (they take
    every domain's first line) and the MSP contracts that cover it; hours per week paid."""
    agents = team.get("agents", [])
    domains = sorted(
        {d for a in agents for d in a.get("skills", {})}
        | {d for c in team.get("msp", []) for d in c.get("domains", [])}
    )
    generalists = [a for a in agents if a.get("kind") == "generalist"]
    rows: list[Row] = []
    for domain in domains:
        specialists = [
            a for a in agents if a.get("kind") == "specialist" and domain in a.get("skills", {})
        ]
        rows.append(
            {
                "domain": domain,
                "specialists": len(specialists),
                "specialists only in this domain": sum(
                    len(a.get("skills", {})) == 1 for a in specialists
                ),
                "generalists skilled in it": sum(
                    domain in a.get("skills", {}) for a in generalists
                ),
                "msp": ", ".join(
                    c["name"] for c in team.get("msp", []) if domain in c.get("domains", [])
                ),
            }
        )
    rows.append(
        {
            "domain": "(all)",
            "specialists": sum(a.get("kind") == "specialist" for a in agents),
            "specialists only in this domain": None,
            "generalists skilled in it": len(generalists),
            "msp": ", ".join(c["name"] for c in team.get("msp", [])),
        }
    )
    return rows


def plan_output(outcome: PlanOutcome) -> PlanOutput:
    """The model of a plan's outcome, next to ``plan_json`` (the API job's result)."""
    return PlanOutput.model_validate(plan_json(outcome))
