"""The back-test's result as pydantic models: what ``deskmix validate --json`` prints, the API
returns, and the report and dashboard render (``ValidationResult``), with the converters from
the comparison's rows and the rebuilt team to those models.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from deskmix.validate import compare as cmp
from deskmix.validate.history_team import HistoryTeam


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentOut(_Model):
    name: str
    kind: str
    home: str = Field(description="Main domain (specialists) or 'first line'")
    groups: list[str]
    tickets: int
    tickets_by_domain: dict[str, int]
    evidence: dict[str, int] = Field(description="people/ evidence level per domain")
    first_seen: datetime
    last_seen: datetime
    weeks_active: int
    shift: str
    own_shift: bool = Field(description="False: too few events, the desk's shift stands in")
    in_team: bool = Field(description="Kept in the typical-week team that is simulated")


class TeamOut(_Model):
    people: int
    simulated_agents: int
    weeks: int
    median_headcount: float
    typical: dict[str, int] = Field(description="group -> agents in the simulated team")
    headcount: dict[str, int] = Field(description="'kind: home' -> agents simulated")
    msp: list[str]
    desk_shift: str
    on_shift_hours_per_week: float
    rule: str
    notes: list[str]
    agents: list[AgentOut]


class FigureOut(_Model):
    figure: str
    scope: str
    history: float | None
    simulated: float | None
    half_width: float | None = Field(description="95% interval across replications")
    difference: float | None = Field(description="relative or absolute, as the tolerance reads")
    distance: float | None = Field(description="W1 of resolution times (h) on time rows")
    tolerance: str
    within: bool | None = Field(description="None: too few tickets to judge")
    cause: str | None


class FactsOut(_Model):
    waiting_share: float | None
    waiting_statuses: list[str]
    busiest_week_ratio: float | None
    weekly_cv: float | None
    effort_hours_per_week: float
    on_shift_hours_per_week: float
    implied_utilisation: float | None


class BackTestOut(_Model):
    label: str
    calibrated_from: datetime
    calibrated_to: datetime
    compared_from: datetime
    compared_to: datetime
    weeks: float
    tickets: int
    policy: str
    policy_reason: str
    within: int
    judged: int
    figures: list[FigureOut]
    largest: list[FigureOut]
    facts: FactsOut
    backlog_history: list[float]
    backlog_simulated: list[float]
    calibration_missing: list[str]

    @property
    def verdict(self) -> str:
        return f"{self.within} of {self.judged} figures within tolerance"

    def within_by_scope(self) -> dict[str, tuple[int, int]]:
        """Per scope but 'all' (a domain, a priority): figures within tolerance, figures judged
        (a figure from too few tickets is not judged)."""
        counts: dict[str, tuple[int, int]] = {}
        for f in self.figures:
            if f.scope == "all" or f.within is None:
                continue
            within, judged = counts.get(f.scope, (0, 0))
            counts[f.scope] = (within + int(f.within), judged + 1)
        return counts


class ValidationResult(_Model):
    source: str
    replications: int
    seed: int
    timezone: str
    tolerances: dict[str, str]
    team: TeamOut
    full: BackTestOut
    holdout: BackTestOut | None
    notes: list[str]

    def tables(self) -> dict[str, list[dict[str, str | int | float | bool | None]]]:
        """What ``--csv``/``--xlsx`` write: ``figures`` (every figure of the full history and
        of the hold-out, history beside simulated) and ``team`` (the people the history shows)."""
        tests = [t for t in (self.full, self.holdout) if t is not None]
        figures: list[dict[str, str | int | float | bool | None]] = [
            {"back_test": t.label, **f.model_dump()} for t in tests for f in t.figures
        ]
        team: list[dict[str, str | int | float | bool | None]] = [
            {
                "name": a.name,
                "kind": a.kind,
                "home": a.home,
                "groups": ", ".join(a.groups),
                "tickets": a.tickets,
                "weeks_active": a.weeks_active,
                "shift": a.shift,
                "in_team": a.in_team,
            }
            for a in self.team.agents
        ]
        return {"figures": figures, "team": team}


def finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def figures_out(rows: list[cmp.Row]) -> list[FigureOut]:
    return [
        FigureOut(
            figure=r.figure,
            scope=r.scope,
            history=finite(r.history),
            simulated=finite(r.simulated),
            half_width=finite(r.half_width),
            difference=finite(r.difference),
            distance=finite(r.distance),
            tolerance=cmp.TOLERANCES[r.figure].describe(),
            within=r.within,
            cause=r.cause,
        )
        for r in rows
    ]


def team_out(team: HistoryTeam) -> TeamOut:
    return TeamOut(
        people=len(team.agents),
        simulated_agents=len(team.team.agents),
        weeks=team.weeks,
        median_headcount=float(np.median(team.weekly_headcount)) if team.weekly_headcount else 0,
        typical=team.typical,
        headcount={f"{k}: {h}": n for (k, h), n in team.headcount().items()},
        msp=team.msp_groups,
        desk_shift=team.desk_shift,
        on_shift_hours_per_week=team.on_shift_hours_per_week,
        rule=team.rule,
        notes=team.notes,
        agents=[
            AgentOut(
                name=a.name,
                kind=a.kind.value,
                home=a.home,
                groups=a.groups,
                tickets=a.tickets,
                tickets_by_domain=a.tickets_by_domain,
                evidence=a.evidence,
                first_seen=a.first_seen,
                last_seen=a.last_seen,
                weeks_active=a.weeks_active,
                shift=a.shift,
                own_shift=a.own_shift,
                in_team=a.in_team,
            )
            for a in team.agents
        ],
    )
