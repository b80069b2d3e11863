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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

from deskmix.people.history import History
from deskmix.people.matrix import SPECIALIST_LEVEL

GENERALIST = "generalist"


@dataclass(frozen=True)
class HiddenRule:
    fdr: float = 0.01
    min_tickets: int = 10
    min_ratio: float = 2.0
    min_peers: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.fdr < 1 or self.min_tickets < 1 or self.min_ratio < 1:
            raise ValueError("need 0 < fdr < 1, min_tickets >= 1 and min_ratio >= 1")


@dataclass(frozen=True)
class Finding:
    person: str
    tier: str
    tier_source: str  # "team file" or "history"
    area: str
    tickets: int
    person_total: int
    share: float
    peer_share: float
    peers: int
    p_value: float
    q_value: float
    median_hours: float | None
    peer_median_hours: float | None
    first_time_rate: float | None
    peer_first_time_rate: float | None

    @property
    def ratio(self) -> float:
        return self.share / self.peer_share if self.peer_share > 0 else float("inf")

    @property
    def speed(self) -> float | None:
        if not self.median_hours or self.peer_median_hours is None:
            return None
        return self.peer_median_hours / self.median_hours


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


def find_hidden_specialists(
    history: History,
    rule: HiddenRule | None = None,
    *,
    kinds: dict[str, str] | None = None,
    declared: dict[str, dict[str, int]] | None = None,
) -> list[Finding]:
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
    # Peers = the other generalists: the 2x2 table is (k, n_p - k; K - k, N - n_p - K + k).
    p_values = hypergeom.sf(k - 1, grand, in_area, n_person)
    q_values = benjamini_hochberg(p_values.ravel()).reshape(p_values.shape)
    peer_share = (in_area - k) / (grand - n_person)
    share = k / n_person
    keep = (q_values <= rule.fdr) & (k >= rule.min_tickets) & (share >= rule.min_ratio * peer_share)
    stats = _peer_stats(pool)
    findings = []
    for i, j in zip(*np.nonzero(keep), strict=True):
        person, area = str(counts.index[i]), str(counts.columns[j])
        if declared and declared.get(person, {}).get(area, 0) >= SPECIALIST_LEVEL:
            continue
        mine, peers = stats(person, area)
        findings.append(
            Finding(
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
            )
        )
    return sorted(findings, key=lambda f: (f.q_value, -f.tickets, f.person, f.area))


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
