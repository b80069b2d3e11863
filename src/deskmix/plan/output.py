"""A plan's outcome as JSON: what the API job returns and ``deskmix plan --json`` prints.

Full precision (the terminal rounds, machine output does not); undefined KPIs are null.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import yaml

from deskmix.plan.evaluate import Evaluation
from deskmix.plan.search import PlanResult
from deskmix.plan.use_case import PlanOutcome
from deskmix.sim.kpis import json_number


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
