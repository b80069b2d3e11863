"""Evidence of skill per person x area from resolved tickets, and the rule that levels it.

Volume is the backbone (you cannot be an expert in what you never resolve); speed and
first-time fixes relative to the area's own figures move the level one step, because they are
noisy on small counts and depend on what work a person is routed. Reassignments received are
reported but not scored: being handed tickets is a sign of trust, and also of how the routing
happens to be set up, so their sign is not ours to guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deskmix.people.history import History

MIN_TIMED = 3  # tickets with a resolution time needed before speed is judged


@dataclass(frozen=True)
class EvidenceRule:
    """Volume thresholds for levels 1..4; the quality step applies from ``volume[2]`` tickets."""

    volume: tuple[int, int, int, int] = (1, 5, 20, 50)
    fast: float = 1.0  # speed ratio at or above which a person counts as fast
    slow: float = 0.5  # below this, slow

    def __post_init__(self) -> None:
        if list(self.volume) != sorted(self.volume) or self.volume[0] < 1:
            raise ValueError("volume thresholds must be increasing and start at 1 or more")


def evidence_table(history: History, rule: EvidenceRule | None = None) -> pd.DataFrame:
    """One row per person x area with counts, relative speed, first-time fixes and a level.

    Columns: person, area, resolved, median_hours, area_median_hours, speed (area median /
    person median: above 1 is faster than the area), first_time_fixes, first_time_rate,
    area_first_time_rate, received, level.
    """
    rule = rule or EvidenceRule()
    work = history.work
    grouped = work.groupby(["person", "area"])
    table = pd.DataFrame(
        {
            "resolved": grouped.size(),
            "timed": grouped["hours"].count(),
            "median_hours": grouped["hours"].median(),
            "first_time_fixes": grouped["first_time"].sum(min_count=1),
            "first_time_known": grouped["first_time"].count(),
        }
    ).reset_index()
    area = work.groupby("area").agg(
        area_median_hours=("hours", "median"),
        area_first_time=("first_time", "sum"),
        area_first_known=("first_time", "count"),
    )
    table = table.join(area, on="area")
    table["speed"] = (table["area_median_hours"] / table["median_hours"]).where(
        table["timed"] >= MIN_TIMED
    )
    table.loc[~np.isfinite(table["speed"].astype("float64")), "speed"] = np.nan
    table["first_time_rate"] = table["first_time_fixes"].astype("float64") / table[
        "first_time_known"
    ].replace(0, np.nan)
    table["area_first_time_rate"] = table["area_first_time"].astype("float64") / table[
        "area_first_known"
    ].replace(0, np.nan)
    table = table.merge(history.received, on=["person", "area"], how="left")
    table["received"] = table["received"].fillna(0).astype("int64")
    table["level"] = evidence_levels(table, rule)
    return table[
        [
            "person",
            "area",
            "resolved",
            "median_hours",
            "area_median_hours",
            "speed",
            "first_time_fixes",
            "first_time_rate",
            "area_first_time_rate",
            "received",
            "level",
        ]
    ].sort_values(["area", "level", "resolved"], ascending=[True, False, False], ignore_index=True)


def evidence_levels(table: pd.DataFrame, rule: EvidenceRule) -> pd.Series:
    """Volume level 0..4, then +1 (fast and first-time fixes at least the area's) or -1 (slow
    and fewer first-time fixes than the area), clipped to 1..5 for anyone with a ticket.

    The +1 needs ``volume[2]`` tickets, the -1 ``volume[1]``: a quality verdict on two tickets
    would be noise.
    """
    n = table["resolved"].to_numpy()
    level = np.searchsorted(np.asarray(rule.volume), n, side="right")
    speed = table["speed"].astype("float64").to_numpy()
    rate = table["first_time_rate"].astype("float64").to_numpy()
    area_rate = table["area_first_time_rate"].astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        good_fix = ~(rate < area_rate)  # unknown rates do not count against
        bonus = (n >= rule.volume[2]) & (speed >= rule.fast) & good_fix
        malus = (n >= rule.volume[1]) & (speed < rule.slow) & (rate < area_rate)
    level = level + bonus.astype(int) - malus.astype(int)
    level = np.where(n > 0, np.clip(level, 1, 5), 0)
    return pd.Series(level, index=table.index, dtype="int64")
