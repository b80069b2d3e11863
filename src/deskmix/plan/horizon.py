"""A plan over the next quarters: who to hire or cross-train, by when, as volume grows.

For each quarter of the forecast (``calibrate/forecast.py``) the calibrated Workload's arrival
rates are scaled per domain to the quarter's planned volume (every tier x priority stream of a
domain by the same factor, so the calibrated shares stay) and the planner
(``plan.search.Planner``, used as it is) finds the cheapest team meeting every SLA **on top of
everyone already there**: today's team and every hire of the quarters before. Nobody is ever
removed, so headcount never falls; MSP contracts, not being people, may be bought or dropped
from one quarter to the next.

Each new person becomes an action with a date:

- **hire**: recruiting must start ``hire_lead_weeks`` before the quarter that needs them;
- **hire and train**: a hire the planner wants cross-trained in two domains, when nobody on
  the team can take the second domain: recruited as a specialist of the domain with more
  specialist work, then trained in the other (``hire_lead_weeks + training_weeks`` ahead);
- **cross-train**: instead of hiring a two-domain person, a one-domain specialist already on
  the team (today's or an earlier hire), on the new hire's shifts and at most
  ``people.crosstrain.MAX_STEPS`` levels below the reference level 3 in the other domain, is
  trained in it (``training_weeks`` ahead; paid the cost table's cross-training premium from
  then on), and a one-domain specialist is hired in their place. The team ends with the same
  skills on the same shifts as the planner's design, so the simulated SLAs carry over.

An action whose start date falls before the plan's start is marked late: quarter 1 needs
people sooner than they can arrive (``--start`` moves the horizon later).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

from deskmix.calibrate.forecast import WEEKS_PER_QUARTER, Forecast
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, AgentSource, MspContract, Team
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError, DeskmixError
from deskmix.people.crosstrain import MAX_STEPS
from deskmix.plan.evaluate import Progress, RunSettings
from deskmix.plan.horizon_result import Action, ActionKind, HiringTerms, QuarterPlan, YearPlan
from deskmix.plan.inputs import CostTable
from deskmix.plan.parallel import Backend, make_backend
from deskmix.routing.base import SPECIALIST_MIN_LEVEL

__all__ = [
    "Action",
    "ActionKind",
    "HiringTerms",
    "QuarterPlan",
    "YearPlan",
    "people_cost_per_week",
    "plan_horizon",
    "scaled",
]


def scaled(workload: Workload, factors: dict[str, float]) -> Workload:
    """A copy whose arrival streams are multiplied by their domain's factor."""
    streams = [
        s.model_copy(update={"tickets_per_week": s.tickets_per_week * factors.get(s.domain, 1.0)})
        for s in workload.arrivals
    ]
    return workload.model_copy(update={"arrivals": streams})


def people_cost_per_week(team: Team) -> float:
    return sum(a.cost_per_hour * sum(a.on_duty()) for a in team.agents)


def _specialist_work(workload: Workload) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in workload.arrivals:
        if s.tier == Tier.SPECIALIST:
            out[s.domain] = out.get(s.domain, 0.0) + s.tickets_per_week
    return out


def _pool(agent: Agent) -> str:
    if agent.kind == AgentKind.GENERALIST:
        return "generalists"
    return "+".join(sorted(d for d, v in agent.skills.items() if v >= SPECIALIST_MIN_LEVEL))


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


class _Quarter:
    """Turns one quarter's recommended team into actions and the team carried forward."""

    def __init__(
        self,
        quarter: int,
        ready_by: date,
        plan_start: date,
        terms: HiringTerms,
        costs: CostTable,
        workload: Workload,
    ) -> None:
        self.quarter, self.ready_by, self.plan_start = quarter, ready_by, plan_start
        self.terms, self.costs = terms, costs
        self.work = _specialist_work(workload)
        self.actions: list[Action] = []

    def action(
        self, kind: ActionKind, person: str, pool: str, detail: str, weeks: float, cost: float
    ) -> None:
        start_by = self.ready_by - timedelta(weeks=weeks)
        self.actions.append(
            Action(
                quarter=self.quarter,
                kind=kind,
                person=person,
                pool=pool,
                detail=detail,
                start_by=start_by,
                ready_by=self.ready_by,
                late=start_by < self.plan_start,
                one_off_cost=cost,
            )
        )

    def trainee(
        self, carried: list[Agent], hire: Agent, pair: list[str], trained: set[str]
    ) -> tuple[int, str, str] | None:
        """A one-domain specialist on the team who can learn the pair's other domain."""
        for index, agent in enumerate(carried):
            if (
                agent.kind != AgentKind.SPECIALIST
                or agent.source != AgentSource.IN_HOUSE
                or agent.name in trained
                or agent.on_duty() != hire.on_duty()
            ):
                continue
            for have, learn in (pair, pair[::-1]):
                level = agent.level(learn)
                if (
                    agent.level(have) >= SPECIALIST_MIN_LEVEL
                    and SPECIALIST_MIN_LEVEL - MAX_STEPS <= level < SPECIALIST_MIN_LEVEL
                ):
                    return index, have, learn
        return None

    def add(self, carried: list[Agent], hires: list[Agent], taken: set[str]) -> list[Agent]:
        """Record each hire's action; return the team carried into the next quarter."""
        terms, trained = self.terms, set[str]()
        team = list(carried)
        for hire in hires:
            name = _unique(f"Q{self.quarter} {hire.name.removeprefix('New ')}", taken)
            taken.add(name)
            pool = _pool(hire)
            pair = pool.split("+")
            if len(pair) < 2:
                what = "generalist" if pool == "generalists" else f"{pool} specialist"
                self.action(
                    "hire", name, pool, f"hire a {what}", terms.hire_lead_weeks, terms.hire_cost
                )
                team.append(hire.model_copy(update={"name": name}))
                continue
            found = self.trainee(team, hire, pair, trained)
            if found is None:
                first = max(pair, key=lambda d: (self.work.get(d, 0.0), d))
                other = next(d for d in pair if d != first)
                self.action(
                    "hire_and_train",
                    name,
                    pool,
                    f"hire a {first} specialist, then cross-train in {other}",
                    terms.hire_lead_weeks + terms.training_weeks,
                    terms.hire_cost + terms.training_cost,
                )
                team.append(hire.model_copy(update={"name": name}))
                continue
            index, have, learn = found
            person = team[index]
            trained.add(person.name)
            raised = person.model_copy(
                update={
                    "skills": {**person.skills, learn: SPECIALIST_MIN_LEVEL},
                    "cost_per_hour": person.cost_per_hour * (1 + self.costs.cross_training_premium),
                }
            )
            team[index] = raised
            self.action(
                "cross_train",
                person.name,
                f"{have}+{learn}",
                f"cross-train {person.name} ({have}) in {learn}, level "
                f"{person.level(learn)} -> {SPECIALIST_MIN_LEVEL}",
                terms.training_weeks,
                terms.training_cost,
            )
            self.action(
                "hire",
                name,
                have,
                f"hire a {have} specialist (instead of a {pool} hire)",
                terms.hire_lead_weeks,
                terms.hire_cost,
            )
            team.append(
                hire.model_copy(
                    update={
                        "name": name,
                        "skills": {have: SPECIALIST_MIN_LEVEL},
                        "cost_per_hour": self.costs.specialist_cost(have),
                    }
                )
            )
        return team


QuarterCallback = Callable[[int, int], None]


def plan_horizon(
    workload: Workload,
    sla: SlaPolicy,
    costs: CostTable,
    offers: list[MspContract],
    run: RunSettings,
    volume: Forecast,
    *,
    existing: Team | None = None,
    terms: HiringTerms | None = None,
    max_designs: int = 60,
    progress: Progress | None = None,
    on_quarter: QuarterCallback | None = None,
    dask: str | None = None,
    backend: Backend | None = None,
) -> YearPlan:
    """Plan every quarter of ``volume`` on top of the team the quarters before left."""
    from deskmix.plan.search import Planner

    terms = terms or HiringTerms()
    today = existing or Team(name="today's team")
    carried = list(today.agents)
    taken = {a.name for a in carried}
    quarters: list[QuarterPlan] = []
    own = backend or make_backend(run.workers, dask)
    try:
        for q in volume.quarters:
            if on_quarter is not None:
                on_quarter(q.quarter, len(volume.quarters))
            quarter_load = scaled(workload, q.factor_by_domain)
            staying = Team(name=today.name, agents=carried, msp=today.msp) if carried else None
            try:
                with Planner(
                    quarter_load,
                    sla,
                    costs,
                    offers,
                    run,
                    max_evaluations=max_designs,
                    progress=progress,
                    existing=staying,
                    backend=own,
                ) as planner:
                    found = planner.plan()
            except DeskmixError as exc:
                raise ConfigError(f"quarter {q.quarter} ({q.start}): {exc}") from exc
            known = {a.name for a in carried}
            hires = [a for a in found.evaluation.team.agents if a.name not in known]
            step = _Quarter(q.quarter, q.start, volume.start, terms, costs, quarter_load)
            carried = step.add(carried, hires, taken)
            team = Team(name=f"Q{q.quarter}", agents=carried)
            people = people_cost_per_week(team)
            msp_estimate = found.evaluation.result.summary.get("cost_msp_per_week")
            msp = (
                0.0 if msp_estimate is None or math.isnan(msp_estimate.mean) else msp_estimate.mean
            )
            one_off = sum(a.one_off_cost for a in step.actions)
            weekly = people + msp
            quarters.append(
                QuarterPlan(
                    quarter=q.quarter,
                    start=q.start,
                    tickets_per_week=q.tickets_per_week,
                    low=q.low,
                    high=q.high,
                    headcount=len(carried),
                    added=len(hires),
                    design=found.recommended.label(),
                    msp=list(found.recommended.msp),
                    people_cost_per_week=people,
                    msp_cost_per_week=msp,
                    cost_per_week=weekly,
                    one_off_cost=one_off,
                    quarter_cost=WEEKS_PER_QUARTER * weekly + one_off,
                    verified=found.verified,
                    actions=step.actions,
                )
            )
    finally:
        if backend is None:
            own.close()
    final = Team(
        name=f"{workload.name}: end of the horizon",
        agents=carried,
        msp=[o for o in offers if quarters and o.name in quarters[-1].msp],
    )
    return YearPlan(
        workload=workload.name,
        currency=costs.currency,
        forecast=volume,
        terms=terms,
        starting_headcount=len(today.agents),
        quarters=quarters,
        total_cost=sum(p.quarter_cost for p in quarters),
        one_off_cost=sum(p.one_off_cost for p in quarters),
        notes=_notes(quarters, terms, volume),
        team=final,
    )


def _notes(quarters: list[QuarterPlan], terms: HiringTerms, volume: Forecast) -> list[str]:
    notes = [volume.statement]
    notes.append(
        f"lead times: a hire {terms.hire_lead_weeks:g} weeks, cross-training "
        f"{terms.training_weeks:g} weeks; one-off costs: {terms.hire_cost:,.0f} a hire, "
        f"{terms.training_cost:,.0f} a cross-training"
    )
    late = [a for p in quarters for a in p.actions if a.late]
    if late:
        notes.append(
            f"{len(late)} action(s) should have started before {volume.start}: quarter "
            f"{min(a.quarter for a in late)} needs people sooner than they can arrive; "
            "an MSP or overtime must bridge the gap, or pass a later --start"
        )
    unverified = [p.quarter for p in quarters if not p.verified]
    if unverified:
        notes.append(
            "quarter(s) " + ", ".join(map(str, unverified)) + " missed an SLA on a fresh seed: "
            "rerun with more --reps or --weeks"
        )
    return notes
