"""One skills review: the history read once, then matrix, coverage, suggestions, findings.

The CLI commands and the HTML report all take a ``SkillsReview``, so each number is computed in
one place whichever way it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deskmix.domain.taxonomy import SkillTaxonomy
from deskmix.errors import InputError
from deskmix.people.crosstrain import Suggestion, in_house, suggest_cross_training
from deskmix.people.declared import Declared, load_declared
from deskmix.people.evidence import EvidenceRule, evidence_table
from deskmix.people.hidden import Finding, HiddenRule, find_hidden_specialists
from deskmix.people.history import Axis, History, load_history, name_key
from deskmix.people.matrix import (
    AreaCoverage,
    CoverageRule,
    SkillsMatrix,
    build_matrix,
    coverage,
    single_points_of_failure,
)
from deskmix.people.presence import Presence, PresenceRule, who_is_here
from deskmix.store.db import Store
from deskmix.store.selection import Selection

Phase = Callable[[str], None]


@dataclass(frozen=True)
class ReviewSettings:
    by: Axis = "domain"
    coverage: CoverageRule = field(default_factory=CoverageRule)
    evidence: EvidenceRule = field(default_factory=EvidenceRule)
    hidden: HiddenRule = field(default_factory=HiddenRule)
    suggestions: int = 5
    per_person: int = 1
    presence: PresenceRule = field(default_factory=PresenceRule)


@dataclass(frozen=True)
class SkillsReview:
    settings: ReviewSettings
    source: str
    history: History | None
    declared: Declared | None
    evidence: pd.DataFrame
    matrix: SkillsMatrix
    areas: list[AreaCoverage]
    single_points: dict[str, list[str]]
    suggestions: list[Suggestion]
    findings: list[Finding]
    presence: Presence = field(default_factory=lambda: Presence(None, None, frozenset()))
    merges: dict[str, list[str]] = field(default_factory=dict)

    def levels(self) -> dict[str, dict[str, int]]:
        """person -> area -> combined level 0..5 (declared and evidence)."""
        return {
            str(person): {str(a): int(v) for a, v in row.items()}
            for person, row in self.matrix.combined.iterrows()
        }

    def top_people(self, count: int) -> list[str]:
        """The ``count`` people with the most skill summed over areas, most first."""
        totals = self.matrix.combined.sum(axis=1).sort_values(ascending=False)
        return [str(p) for p in totals.index[:count]]

    def generalists_tested(self) -> int:
        """How many people the hidden-specialist test looked at (the generalists)."""
        if self.history is None:
            return 0
        from deskmix.people.hidden import tiers_for

        kinds = self.declared.kinds if self.declared else None
        return int((tiers_for(self.history, kinds)["tier"] == "generalist").sum())


def review_skills(
    settings: ReviewSettings,
    *,
    store: Store | None,
    selection: Selection | None = None,
    declared_file: Path | None = None,
    phase: Phase | None = None,
) -> SkillsReview:
    """Declared levels, evidence from the store, or both (at least one is needed)."""
    say = phase or (lambda _text: None)
    if store is None and declared_file is None:
        raise InputError("nothing to review", expected="a store (--db) or a team/skills file")
    declared = load_declared(declared_file) if declared_file else None
    history = None
    evidence = pd.DataFrame(columns=["person", "area", "resolved", "level"])
    if store is not None:
        say("reading resolved tickets")
        history = load_history(store, settings.by, selection)
        say("weighing the evidence")
        evidence = evidence_table(history, settings.evidence)
    if declared is not None and history is not None:
        # the team file's names under the history's spellings (case and spacing ignored)
        kept = {name_key(p): p for p in history.work["person"].dropna().unique()}
        declared = declared.renamed(
            {
                p: kept[name_key(p)]
                for p in [*declared.levels, *declared.status]
                if name_key(p) in kept
            }
        )
    status = dict(declared.status) if declared else {}
    if declared is not None and history is not None:
        seen = set(history.work["person"].dropna())
        for person in declared.levels:  # declared, never in the history: no evidence they left
            if person not in seen:
                status.setdefault(person, "active")
    say("who is here now")
    presence = (
        who_is_here(history, settings.presence, status)
        if history is not None
        else Presence(
            None,
            None,
            frozenset(
                p
                for p in (declared.levels if declared else {})
                if status.get(p, "active") == "active"
            ),
            who_is_here(None, settings.presence, status).gone,
        )
    )
    here = presence.active
    demand = evidence.groupby("area")["resolved"].sum() if not evidence.empty else None
    if not evidence.empty:
        evidence = evidence[evidence["person"].isin(here)].reset_index(drop=True)
    levels = {p: v for p, v in declared.levels.items() if p in here} if declared else None
    taxonomy = SkillTaxonomy.default().names if settings.by == "domain" else None
    matrix = build_matrix(levels, evidence, taxonomy, demand)
    say("coverage and bus factors")
    areas = coverage(matrix, settings.coverage)
    eligible = in_house(declared.team) if declared and declared.team else None
    suggestions = suggest_cross_training(
        matrix,
        settings.coverage,
        limit=settings.suggestions,
        per_person=settings.per_person,
        eligible=eligible,
    )
    findings: list[Finding] = []
    if history is not None:
        say("testing for hidden specialists")
        findings = find_hidden_specialists(
            history,
            settings.hidden,
            kinds=declared.kinds if declared else None,
            declared=declared.levels if declared else None,
            covering={a.area: len(a.covering) for a in areas},
        )
        findings = [f for f in findings if f.person in here]
    parts = []
    if store is not None:
        parts.append(f"{(selection or Selection()).describe()} in {store.url}")
    if declared is not None:
        parts.append(f"declared levels from {Path(declared.origin).name}")
    return SkillsReview(
        settings=settings,
        source="; ".join(parts),
        history=history,
        declared=declared,
        evidence=evidence,
        matrix=matrix,
        areas=areas,
        single_points=single_points_of_failure(areas),
        suggestions=suggestions,
        findings=findings,
        presence=presence,
        merges=history.merges if history is not None else {},
    )
