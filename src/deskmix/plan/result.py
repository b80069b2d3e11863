"""What a plan returns: the search log's steps, each MSP option's outcome, the plan itself.

Apart from the search so that the problem (``problem.py``, which logs the steps), the search
(``search.py``, ``option_search.py``, ``budget.py``) and everything that reads a plan (output,
reports, analysis) share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

from deskmix.domain.team import Team
from deskmix.plan.bounds import PoolBound
from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.extremes import Extremes
from deskmix.plan.frontier import WEEKS_PER_YEAR, FrontierPoint

Request = list[tuple[Design, str]]
"""Designs a search wants simulated next, each with why (one batch)."""
OptionSearch = Generator[Request, None, "OptionResult"]
"""One MSP option's search: yields requests, is resumed once they are in the memo."""


@dataclass(frozen=True)
class Step:
    """One line of the search log: a design tried, why, and what came of it."""

    design: Design
    why: str
    feasible: bool
    cost: float
    binding: str


@dataclass
class OptionResult:
    msp: tuple[str, ...]
    bounds: list[PoolBound]
    best: tuple[Design, Evaluation] | None
    extremes: Extremes | None = None
    cost_floor: float = 0.0
    removal_blocked: dict[str, str] = field(default_factory=dict)
    stuck: str = ""  # the target the search could not reach, when it gave up
    pruned: str = ""  # why the option was dropped by a bound, when it was


@dataclass
class PlanResult:
    recommended: Design
    evaluation: Evaluation
    verification: Evaluation
    options: list[OptionResult]
    log: list[Step]
    runners_up: list[tuple[Design, Evaluation]]
    reasons: list[str]
    run: RunSettings
    backend: str = "this process"
    existing: Team | None = None
    budget_per_week: float | None = None  # budget mode: the yearly budget / 52
    frontier: list[FrontierPoint] = field(default_factory=list)
    currency: str = "EUR"

    @property
    def verified(self) -> bool:
        return self.verification.feasible

    @property
    def budget_per_year(self) -> float | None:
        return None if self.budget_per_week is None else self.budget_per_week * WEEKS_PER_YEAR

    @property
    def chosen(self) -> OptionResult:
        return next(o for o in self.options if o.msp == self.recommended.msp)
