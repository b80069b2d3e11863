"""Hidden specialists: depth in an area that a person's title or tier does not claim.

The rule (docs/people.md, "Hidden specialists"): for each generalist-tier person p and area a,
compare p's share of resolved tickets in a with the pooled share of p's tier peers (the other
generalists), by a one-sided Fisher exact test (the hypergeometric tail: under "p works like
the peers", how often would p get this many tickets of a?). Every person x area is one test;
Benjamini-Hochberg keeps the expected share of false findings at ``fdr``. A finding also needs
``min_tickets`` tickets in the area (support) and a share at least ``min_ratio`` times the peers'.
Specialists are not candidates (depth is their title), nor is a generalist whose team file
already declares level 3+ in the area (the depth is known, not hidden).

Speed and first-time fixes against the same peers are evidence shown with each finding, not
part of the test: the test must not depend on how fast a desk happens to close tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

from deskmix.people.history import History
from deskmix.people.matrix import SPECIALIST_LEVEL

GENERALIST = "generalist"


@dataclass(frozen=True)
class HiddenRule:
    """What a manager would call real: significant against both the person's own group and
    the whole desk (Benjamini-Hochberg at ``fdr`` within each family of tests); at least
    ``min_tickets`` in the area; against the own group (the desk when the group has fewer
    than ``min_peers`` others) a share at least ``min_ratio`` times and ``min_gain`` points
    above the peers' and an effect size (Cohen's h) of at least ``min_effect`` (0.5, a medium
    effect in Cohen's terms); against the whole desk an effect of at least
    ``min_desk_effect`` (0.3, between small and medium): depth the team's own mix does not
    explain and the desk as a whole does not share."""

    fdr: float = 0.01
    min_tickets: int = 10
    min_ratio: float = 2.0
    min_gain: float = 0.10
    min_effect: float = 0.5
    min_desk_effect: float = 0.3
    min_peers: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.fdr < 1 or self.min_tickets < 1 or self.min_ratio < 1:
            raise ValueError("need 0 < fdr < 1, min_tickets >= 1 and min_ratio >= 1")
        if not 0 <= self.min_gain < 1 or self.min_effect < 0:
            raise ValueError("need 0 <= min_gain < 1 and min_effect >= 0")


NextStep = Literal["recognise", "move", "cross-train", "certify"]


@dataclass(frozen=True)
class Finding:
    person: str
    tier: str
    tier_source: str  # "team file" or "history"
    area: str
    tickets: int
    person_total: int
    share: float
    peer_share: float  # the rest of the desk's generalists
    peers: int
    p_value: float
    q_value: float
    median_hours: float | None
    peer_median_hours: float | None
    first_time_rate: float | None
    peer_first_time_rate: float | None
    group: str | None = None  # the person's own group (where most of their tickets sit)
    group_peers: int = 0
    group_share: float | None = None  # the group peers' share (None: too few peers)
    group_q_value: float | None = None
    effect: float = 0.0  # Cohen's h against the own group (the desk without one)
    score: float = 0.0  # the rank: effect x log2(1 + tickets / min_tickets)
    next_step: NextStep = "recognise"
    next_step_reason: str = ""

    @property
    def ratio(self) -> float:
        return self.share / self.peer_share if self.peer_share > 0 else float("inf")

    @property
    def speed(self) -> float | None:
        if not self.median_hours or self.peer_median_hours is None:
            return None
        return self.peer_median_hours / self.median_hours

    @property
    def evidence(self) -> str:
        text = f"{self.tickets} of {self.person_total} tickets ({self.share:.0%})"
        if self.group_share is not None:
            text += f" vs {self.group_share:.0%} for {self.group_peers} peers in {self.group}"
        text += f" and {self.peer_share:.0%} on the desk"
        if self.median_hours is not None and self.peer_median_hours is not None:
            text += f"; median {self.median_hours:.1f} h vs {self.peer_median_hours:.1f} h"
        if self.first_time_rate is not None and self.peer_first_time_rate is not None:
            text += (
                f"; first-time fixes {self.first_time_rate:.0%} vs {self.peer_first_time_rate:.0%}"
            )
        return text


def cohens_h(p1: np.ndarray | float, p2: np.ndarray | float) -> np.ndarray:
    """Cohen's h between two proportions: 0.2 small, 0.5 medium, 0.8 large."""
    a = np.arcsin(np.sqrt(np.clip(p1, 0, 1)))
    b = np.arcsin(np.sqrt(np.clip(p2, 0, 1)))
    return np.asarray(2 * (a - b), dtype="float64")


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Adjusted p-values (q-values): reject where q <= the chosen FDR."""
    p = np.asarray(p_values, dtype="float64")
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    # p_(k) / (k/m), not p_(k) * m / k: the step-up rule reads p_(k) <= (k/m) alpha, and the
    # product p * m can round up (0.05 * 3 / 3 > 0.05), turning a rejection at the boundary
    # into an acceptance.
    scaled = p[order] / (np.arange(1, m + 1) / m)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def tiers_for(history: History, kinds: dict[str, str] | None) -> pd.DataFrame:
    """Each person's tier and where it came from: the team file's kind wins over history."""
    people = history.work["person"].unique()
    rows = []
    for person in people:
        if kinds and person in kinds:
            rows.append((person, kinds[person], "team file"))
        else:
            rows.append((person, str(history.person_tier.get(person, GENERALIST)), "history"))
    return pd.DataFrame(rows, columns=["person", "tier", "tier_source"]).set_index("person")


def _groups(work: pd.DataFrame) -> pd.Series:
    """Each person's own group: where most of their resolved tickets sit (ties: first by
    name). Empty when the source records no groups."""
    if "group" not in work or work["group"].isna().all():
        return pd.Series(dtype="string")
    counts = work.dropna(subset=["group"]).groupby(["person", "group"]).size()
    ranked = counts.reset_index(name="n").sort_values(
        ["person", "n", "group"], ascending=[True, False, True]
    )
    return ranked.drop_duplicates("person").set_index("person")["group"].astype("string")


def next_step(finding: Finding, covering: dict[str, int] | None) -> tuple[NextStep, str]:
    """What a manager might do, in order: cross-train where the area rests on one person or
    none, move someone who already spends half their tickets there, certify where depth comes
    without the speed or first-time fixes of peers, else recognise it."""
    held = (covering or {}).get(finding.area)
    if held is not None and held <= 1:
        who = "nobody" if held == 0 else "one person"
        return "cross-train", (
            f"{finding.area} is covered by {who} at level 3+: make {finding.person} its "
            "named backup and share what they know"
        )
    if finding.share >= 0.5:
        return "move", (
            f"{finding.share:.0%} of their tickets are already {finding.area}: move them into "
            "that specialist role or team"
        )
    speed = finding.speed
    slower = speed is not None and speed < 0.8
    fewer = (
        finding.first_time_rate is not None
        and finding.peer_first_time_rate is not None
        and finding.first_time_rate < finding.peer_first_time_rate - 0.05
    )
    if slower or fewer:
        return "certify", (
            "the depth is there but not yet the speed or first-time fixes of peers: training "
            f"or a certification in {finding.area}"
        )
    return "recognise", (
        f"as fast and as right first time as peers in {finding.area}: recognise it "
        "(title, time for it, pay)"
    )


def _group_tests(
    counts: pd.DataFrame, groups: pd.Series, min_peers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person x area: the group peers' share, the one-sided p-value against them, and the
    number of group peers (NaN / 0 where the group has fewer than ``min_peers`` others)."""
    share = np.full(counts.shape, np.nan)
    p_values = np.full(counts.shape, np.nan)
    peers = np.zeros(len(counts), dtype=int)
    members = groups.reindex(counts.index)
    position = {p: i for i, p in enumerate(counts.index)}
    for _group, people in members.groupby(members, dropna=True):
        rows = [position[p] for p in people.index]
        if len(rows) < min_peers + 1:
            continue
        block = counts.to_numpy()[rows]
        total = block.sum(axis=0)  # the group's tickets per area
        grand = int(block.sum())
        for local, row in enumerate(rows):
            k = block[local]
            n = int(k.sum())
            others = grand - n
            if others <= 0:
                continue
            share[row] = (total - k) / others
            p_values[row] = hypergeom.sf(k - 1, grand, total, n)
            peers[row] = len(rows) - 1
    return share, p_values, peers


def find_hidden_specialists(
    history: History,
    rule: HiddenRule | None = None,
    *,
    kinds: dict[str, str] | None = None,
    declared: dict[str, dict[str, int]] | None = None,
    covering: dict[str, int] | None = None,
) -> list[Finding]:
    """Findings ranked so the first ten are the ones to act on (largest effect with the most
    tickets behind it), each with its evidence and a suggested next step."""
    rule = rule or HiddenRule()
    work = history.work
    tiers = tiers_for(history, kinds)
    generalists = tiers.index[tiers["tier"] == GENERALIST]
    pool = work[work["person"].isin(generalists)]
    if pool["person"].nunique() < rule.min_peers + 1:
        return []
    counts = pool.groupby(["person", "area"]).size().unstack(fill_value=0)
    totals = counts.sum(axis=1)
    area_totals = counts.sum(axis=0)
    grand = int(totals.sum())
    k = counts.to_numpy()
    n_person = totals.to_numpy()[:, None]
    in_area = area_totals.to_numpy()[None, :]
    # The whole desk: peers = the other generalists; the 2x2 table is
    # (k, n_p - k; K - k, N - n_p - K + k), the one-sided tail of the hypergeometric.
    p_values = hypergeom.sf(k - 1, grand, in_area, n_person)
    q_values = benjamini_hochberg(p_values.ravel()).reshape(p_values.shape)
    peer_share = (in_area - k) / np.maximum(grand - n_person, 1)
    share = k / n_person
    # The person's own group: the same test against the group's other generalists.
    groups = _groups(pool)
    group_share, group_p, group_peers = _group_tests(counts, groups, rule.min_peers)
    tested = ~np.isnan(group_p)
    group_q = np.full(group_p.shape, np.nan)
    group_q[tested] = benjamini_hochberg(group_p[tested])
    with np.errstate(invalid="ignore"):
        desk_effect = cohens_h(share, peer_share)
        # the own group is the comparison that matters (a team's usual mix is not depth);
        # without enough group peers, the desk stands in for it
        near = np.where(tested, group_share, peer_share)
        effect = cohens_h(share, near)
        # where the source records groups, a person with no group peers cannot be told apart
        # from their group's routing (they are its queue): the bus factor shows them instead
        comparable = tested if not groups.empty else np.ones(tested.shape, dtype=bool)
        keep = (
            comparable
            & (q_values <= rule.fdr)
            & (~tested | (group_q <= rule.fdr))
            & (k >= rule.min_tickets)
            & (share >= rule.min_ratio * near)
            & (share - near >= rule.min_gain)
            & (effect >= rule.min_effect)
            & (desk_effect >= rule.min_desk_effect)
        )
    stats = _peer_stats(pool)
    findings = []
    for i, j in zip(*np.nonzero(keep), strict=True):
        person, area = str(counts.index[i]), str(counts.columns[j])
        if declared and declared.get(person, {}).get(area, 0) >= SPECIALIST_LEVEL:
            continue
        mine, peers = stats(person, area)
        found = Finding(
            person=person,
            tier=GENERALIST,
            tier_source=str(tiers.at[person, "tier_source"]),
            area=area,
            tickets=int(k[i, j]),
            person_total=int(n_person[i, 0]),
            share=float(share[i, j]),
            peer_share=float(peer_share[i, j]),
            peers=len(counts) - 1,
            p_value=float(p_values[i, j]),
            q_value=float(q_values[i, j]),
            median_hours=mine[0],
            peer_median_hours=peers[0],
            first_time_rate=mine[1],
            peer_first_time_rate=peers[1],
            group=str(groups[person]) if person in groups.index else None,
            group_peers=int(group_peers[i]),
            group_share=float(group_share[i, j]) if tested[i, j] else None,
            group_q_value=float(group_q[i, j]) if tested[i, j] else None,
            effect=float(effect[i, j]),
            score=float(effect[i, j] * np.log2(1 + k[i, j] / rule.min_tickets)),
        )
        step, why = next_step(found, covering)
        findings.append(replace(found, next_step=step, next_step_reason=why))
    return sorted(findings, key=lambda f: (-f.score, f.q_value, f.person, f.area))


Stats = tuple[float | None, float | None]  # median hours, first-time-fix rate


def _figures(rows: pd.DataFrame) -> Stats:
    hours = rows["hours"].dropna()
    fixes = rows["first_time"].dropna()
    return (
        float(hours.median()) if len(hours) else None,
        float(fixes.astype("float64").mean()) if len(fixes) else None,
    )


def _peer_stats(pool: pd.DataFrame) -> Callable[[str, str], tuple[Stats, Stats]]:
    """Speed and first-time fixes of a person in an area, and of their peers in it."""
    by_area = dict(tuple(pool.groupby("area")))

    def stats(person: str, area: str) -> tuple[Stats, Stats]:
        rows = by_area[area]
        mine = rows["person"] == person
        return _figures(rows[mine]), _figures(rows[~mine])

    return stats
