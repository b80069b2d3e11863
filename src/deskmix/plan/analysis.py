"""After the search: the recommended design under stress, and the user's designs beside it.

Every run here uses the plan's seed (common random numbers), so differences against the
recommended design come from the change, not from chance.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind, MspContract, Team
from deskmix.domain.workload import Workload
from deskmix.plan.evaluate import Evaluation, Progress, RunSettings, evaluate_team, with_load
from deskmix.plan.result import PlanResult
from deskmix.sim.whatif import Absence, Scenario, Setup, apply_scenario

LOAD_STRESS = 1.3
PRICE_STRESS = 1.2


@dataclass(frozen=True)
class Stress:
    name: str
    evaluation: Evaluation


def _dearer(contract: MspContract, factor: float) -> MspContract:
    p = contract.pricing
    pricing = p.model_copy(
        update={
            "per_ticket": p.per_ticket * factor,
            "per_hour": p.per_hour * factor,
            "retainer_per_month": p.retainer_per_month * factor,
            "overage_per_ticket": p.overage_per_ticket * factor,
        }
    )
    return contract.model_copy(update={"pricing": pricing})


def sensitivity(
    workload: Workload,
    sla: SlaPolicy,
    plan: PlanResult,
    *,
    progress: Progress | None = None,
) -> list[Stress]:
    """Load +30%, one specialist out for the whole run, MSP prices +20% (when MSP is bought)."""
    team, run = plan.evaluation.team, plan.run
    out = [
        Stress(
            f"load +{LOAD_STRESS - 1:.0%}",
            evaluate_team(
                workload,
                team,
                sla,
                run,
                settings=with_load(run, LOAD_STRESS),
                progress=progress,
            ),
        )
    ]
    specialists = [a for a in team.agents if a.kind == AgentKind.SPECIALIST]
    if specialists:
        base = Setup(workload, team, sla, run.sim(), run.policy, {})
        absent = apply_scenario(
            base, Scenario(name="out", absent=[Absence(agent=specialists[0].name)])
        )
        out.append(
            Stress(
                f"{specialists[0].name} out",
                evaluate_team(
                    workload, team, sla, run, settings=absent.settings, progress=progress
                ),
            )
        )
    if team.msp:
        dearer = team.model_copy(update={"msp": [_dearer(c, PRICE_STRESS) for c in team.msp]})
        out.append(
            Stress(
                f"MSP price +{PRICE_STRESS - 1:.0%}",
                evaluate_team(workload, dearer, sla, run, progress=progress),
            )
        )
    return out


def compare_designs(
    workload: Workload,
    sla: SlaPolicy,
    designs: list[tuple[str, Team]],
    run: RunSettings,
    *,
    progress: Progress | None = None,
) -> list[tuple[str, Evaluation]]:
    return [
        (name, evaluate_team(workload, team, sla, run, progress=progress)) for name, team in designs
    ]


def compared_notes(plan: PlanResult, compared: list[tuple[str, Evaluation]]) -> list[str]:
    """Say so when a design the user named beats the recommendation. The search also sees
    the named designs' MSP contracts, so what is left outside it is people: new hires are
    at reference skill (generalists level 2, specialists level 3) on the constraints' shifts,
    so a design with stronger or differently shifted people can win, and is news, not an
    error."""
    best = plan.evaluation.cost.mean
    notes = []
    for name, evaluation in compared:
        if evaluation.feasible and evaluation.cost.mean < best:
            notes.append(
                f"'{name}' also meets every SLA and costs {evaluation.cost.mean:,.0f} a week, "
                f"less than the recommendation ({best:,.0f}): its people are outside the "
                "planner's search (new hires are at reference skill on the constraints' "
                "shifts); if they exist, name them with --team so the plan keeps them."
            )
    return notes
