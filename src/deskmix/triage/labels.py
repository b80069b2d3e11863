"""Labels from history: what each stored ticket teaches about domain, tier and priority.

The labels come from what happened, not from what was first guessed: the domain the importer
mapped from category or group (through the user's mapping file), the tier the ticket ended at
(stored tier, else "passed on to another group" means specialist work), and impact/urgency or
the priority the desk gave it. Per dataset, ``label_summary`` says which targets it can teach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from deskmix.triage.targets import DOMAIN, IMPACT, LEARNT_TARGETS, PRIORITY, TIER, URGENCY
from deskmix.triage.text import ticket_text

TRAINING_COLUMNS: tuple[str, ...] = ("text", *LEARNT_TARGETS)


def _as_label(series: pd.Series) -> pd.Series:
    """Labels as plain strings with ``None`` for missing (levels 1..3 become "1".."3")."""
    out = series.astype("object").where(series.notna(), None)
    return out.map(lambda v: None if v is None else str(int(v)) if isinstance(v, float) else str(v))


def _tier(frame: pd.DataFrame) -> pd.Series:
    """Stored tier first; else a reassigned ticket is specialist work, an unmoved one generalist."""
    stored = _as_label(frame["tier"]) if "tier" in frame else pd.Series(None, index=frame.index)
    if "reassignments" not in frame:
        return stored
    moved = pd.to_numeric(frame["reassignments"], errors="coerce")
    inferred = moved.map(
        lambda n: None if pd.isna(n) else ("specialist" if n > 0 else "generalist")
    )
    return stored.where(stored.notna(), inferred)


def training_frame(tickets: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket with text: ``text`` plus one label column per target (None = unknown).

    ``tickets`` has deskmix ticket fields (any subset of title, description, domain, tier,
    impact, urgency, priority, reassignments); tickets with no text are dropped because a model
    cannot learn from them.
    """
    index = tickets.index
    title = tickets["title"] if "title" in tickets else pd.Series(None, index=index)
    body = tickets["description"] if "description" in tickets else pd.Series(None, index=index)
    text = pd.Series([ticket_text(t, d) for t, d in zip(title, body, strict=True)], index=index)
    out = pd.DataFrame({"text": text})
    for target in (DOMAIN, IMPACT, URGENCY, PRIORITY):
        out[target] = (
            _as_label(tickets[target]) if target in tickets else pd.Series(None, index=index)
        )
    out[TIER] = _tier(tickets)
    out = out[list(TRAINING_COLUMNS)].astype(object)
    out = out.where(out.notna(), None)
    return out[out["text"].str.len() > 0].reset_index(drop=True)


@dataclass(frozen=True)
class LabelCount:
    """How many tickets carry a label for one target, and how they spread."""

    target: str
    labelled: int
    total: int
    counts: dict[str, int]

    @property
    def usable(self) -> bool:
        """At least two labels with two examples each: the least a classifier can learn from."""
        return sum(1 for n in self.counts.values() if n >= 2) >= 2


def label_summary(frame: pd.DataFrame, targets: Iterable[str] = LEARNT_TARGETS) -> list[LabelCount]:
    """Per target: labelled tickets and the count per label (most frequent first)."""
    out = []
    for target in targets:
        column = frame[target].dropna()
        counts = {str(k): int(v) for k, v in column.value_counts().items()}
        out.append(LabelCount(target, len(column), len(frame), counts))
    return out
