"""Extraneous delays: the part of a ticket's life that is neither queueing nor anyone's work.

Between the moment someone first takes a ticket and its resolution, history shows far more
time than the effort: the ticket waits on its user or a vendor, and it waits while its agent,
who holds many, works on others. A simulator that models each agent doing one ticket at a time
produces the queueing and the work; the rest is an *extraneous delay* (Chapela-Campa and Dumas,
"Enhancing business process simulation models with extraneous activity delays", 2022, from the
Simod line of work): time that passes without occupying anybody.

Per ticket: delay = (resolution - first pick-up) - effort, at least 0, where the first
pick-up is the first event naming an assignee (the opening when no event names one). Kept per
domain x tier x priority as an empirical distribution (quantiles), pooled to domain x tier and
then to the tier when a cell has too few tickets. The simulator adds a drawn delay to each
resolution when asked to reproduce history's wall-clock times (``deskmix validate``); plans
and SLA figures leave it out by default, as an SLA clock pauses while a ticket waits on its
user.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from deskmix.calibrate.effort import EffortEstimate
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DELAY_PROBABILITIES, DelayTime

MIN_DELAYS = 20
ANY_DOMAIN = "*"

DELAY_RULE = (
    "extraneous delay = resolution - first pick-up - effort (at least 0): waiting on users or "
    "vendors and waiting while the agent works on other tickets; empirical quantiles per "
    f"domain x tier x priority, pooled to domain x tier, then tier, below {MIN_DELAYS} tickets"
)


def ticket_delays(tickets: pd.DataFrame, events: pd.DataFrame, effort: EffortEstimate) -> pd.Series:
    """Per ticket id, hours of extraneous delay (NaN where unknown)."""
    end = pd.to_datetime(tickets["resolved_at"], utc=True).fillna(
        pd.to_datetime(tickets["closed_at"], utc=True)
    )
    end.index = tickets["id"]
    if events.empty:
        return pd.Series(np.nan, index=tickets["id"])
    taken = events[events["assignee"].notna()]
    pickup = pd.to_datetime(taken["at"], utc=True).groupby(taken["ticket_id"]).min()
    # A ticket no event assigns to a person was still picked up: its queue is not known, so
    # its delay counts from the opening (the simulator's queue then comes on top: an upper
    # bound for those tickets rather than leaving them out, which biased delays short).
    opened = pd.to_datetime(tickets["opened_at"], utc=True)
    opened.index = tickets["id"]
    start = pickup.reindex(end.index).fillna(opened)
    elapsed = (end - start) / pd.Timedelta(hours=1)
    work = effort.hours.reindex(end.index)
    return (elapsed - work).clip(lower=0.0)


def _delay(domain: str, tier: str, priority: str | None, values: np.ndarray) -> DelayTime:
    quantiles = np.quantile(values, DELAY_PROBABILITIES)
    return DelayTime(
        domain=domain,
        tier=Tier(tier),
        priority=Priority(priority) if priority is not None else None,
        observed=int(values.size),
        median_hours=round(float(np.median(values)), 4),
        mean_hours=round(float(values.mean()), 4),
        quantiles_hours=[round(float(q), 4) for q in quantiles],
    )


def fit_delays(frame: pd.DataFrame, delays: pd.Series) -> list[DelayTime]:
    """Delay distributions per cell; ``frame`` has ``id``, ``domain``, ``tier_filled`` and
    ``priority_filled`` (calibration's filled columns)."""
    data = pd.DataFrame(
        {
            "domain": frame["domain"].astype(str).to_numpy(),
            "tier": frame["tier_filled"].astype(str).to_numpy(),
            "priority": frame["priority_filled"].astype(str).to_numpy(),
            "delay": delays.reindex(frame["id"]).to_numpy(dtype=float),
        }
    ).dropna()
    out: list[DelayTime] = []
    for tier, part in data.groupby("tier", sort=True):
        if len(part) >= MIN_DELAYS:
            out.append(_delay(ANY_DOMAIN, str(tier), None, part["delay"].to_numpy()))
    for key, part in data.groupby(["domain", "tier"], sort=True):
        domain, tier = cast(tuple[str, str], key)
        if len(part) >= MIN_DELAYS:
            out.append(_delay(str(domain), str(tier), None, part["delay"].to_numpy()))
        for priority, cell in part.groupby("priority", sort=True):
            if len(cell) >= MIN_DELAYS:
                out.append(_delay(str(domain), str(tier), str(priority), cell["delay"].to_numpy()))
    return out
