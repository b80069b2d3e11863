"""The plan beside the history: the team the stored tickets show next to the recommendation.

A recommendation is easier to trust (or to question) beside what the desk actually had: how
many people per domain and line were at work in a typical week, how busy the calibrated effort
says they were, and whether that effort is even possible. When the workload implies more hours
of work per week than the observed people were on shift, the calibration overstates effort (or
the history misses people), and a plan sized on it is too large: the warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmix.domain.team import AgentKind, Team
from deskmix.domain.workload import Workload
from deskmix.store import Store
from deskmix.validate.figures import effort_hours_per_week
from deskmix.validate.history_team import FIRST_LINE
from deskmix.validate.use_case import history_team

OVERLOAD = 1.0
"""Effort above this share of the observed on-shift hours draws the warning."""


@dataclass(frozen=True)
class HistoryBeside:
    """Counts per group (``generalist: first line``, ``specialist: <domain>``), both teams."""

    history: dict[str, int]
    recommended: dict[str, int]
    observed_people: int
    on_shift_hours_per_week: float
    effort_hours_per_week: float
    warning: str | None

    @property
    def observed_utilisation(self) -> float:
        hours = self.on_shift_hours_per_week
        return self.effort_hours_per_week / hours if hours else float("nan")

    def rows(self) -> list[dict[str, object]]:
        groups = sorted(set(self.history) | set(self.recommended))
        return [
            {
                "group": g,
                "history (typical week)": self.history.get(g, 0),
                "recommended": self.recommended.get(g, 0),
            }
            for g in groups
        ]

    def lines(self) -> list[str]:
        out = [
            f"the history shows {self.observed_people} people at work in a typical week, "
            f"{self.on_shift_hours_per_week:,.0f} on-shift hours a week; the calibrated effort "
            f"({self.effort_hours_per_week:,.0f} h a week) would keep them "
            f"{self.observed_utilisation:.0%} busy"
        ]
        if self.warning:
            out.append(self.warning)
        return out


def groups_of(team: Team) -> dict[str, int]:
    """Agents per group; a specialist's group is their deepest domain."""
    out: dict[str, int] = {}
    for agent in team.agents:
        if agent.kind == AgentKind.GENERALIST or not agent.skills:
            key = f"{agent.kind.value}: {FIRST_LINE}"
        else:
            home = max(agent.skills, key=lambda d: (agent.skills[d], d))
            key = f"specialist: {home}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def history_beside(
    store: Store, workload: Workload, recommended: Team, *, source: str | None = None
) -> HistoryBeside:
    """The stored history's team next to ``recommended`` (a ``StoreError`` on an empty store)."""
    team = history_team(store, source=source, timezone=workload.timezone)
    effort = effort_hours_per_week(workload)
    hours = team.on_shift_hours_per_week
    warning = None
    if hours and effort > OVERLOAD * hours:
        warning = (
            f"warning: the calibrated effort ({effort:,.0f} h a week) is {effort / hours:.1f}x "
            f"the on-shift hours of the people the history shows ({hours:,.0f} h a week): they "
            "could not have delivered it, so the effort is likely overstated (or the history "
            "misses people) and a plan sized on it is too large; check with 'deskmix validate'"
        )
    return HistoryBeside(
        history={f"{k}: {h}": n for (k, h), n in team.headcount().items()},
        recommended=groups_of(recommended),
        observed_people=len(team.team.agents),
        on_shift_hours_per_week=hours,
        effort_hours_per_week=effort,
        warning=warning,
    )
