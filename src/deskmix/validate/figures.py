"""The back-test's figures, measured the same way on the history and on a simulation.

Each side is a ``Side``: values per (figure, scope), resolution times per scope (for the
distance between distributions) and the backlog per day. Scopes are ``all``, each priority
(``P1``..``P5``) and each domain (``domain:<name>``). The history's SLA attainment and backlog
come from ``calibrate.history`` and its escalation from ``calibrate.escalation.ticket_facts``,
the code the overview and calibration use, so the back-test judges the model against the same
reading of the history as everything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.calibrate.escalation import ticket_facts
from deskmix.calibrate.history import daily_backlog, sla_attainment
from deskmix.calibrate.pipeline import UNMAPPED_DOMAIN
from deskmix.calibrate.statuses import StatusBook
from deskmix.domain.priority import Priority
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.workload import Workload
from deskmix.sim.engine import ReplicationResult
from deskmix.sim.model import CompiledModel

UNMAPPED = UNMAPPED_DOMAIN  # the calibration's name for tickets without a domain
DEFAULT_PRIORITY = Priority.P3.value  # as calibration counts tickets without a priority
HOUR = pd.Timedelta(hours=1)

TICKETS = "tickets per week"
MEDIAN = "resolution median (h)"
P90 = "resolution p90 (h)"
SLA = "SLA attainment"
ESCALATION = "escalation share"
BACKLOG = "backlog (open tickets)"
PER_AGENT = "tickets per agent per week"
UTILISATION = "utilisation"
FIGURES = (TICKETS, MEDIAN, P90, SLA, ESCALATION, BACKLOG, PER_AGENT, UTILISATION)
DESK_ONLY = (BACKLOG, PER_AGENT, UTILISATION)  # figures of the whole desk (scope "all")


@dataclass
class Side:
    """One side of the comparison."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)
    """(figure, scope) -> value (for a simulation: the mean over replications)."""
    spread: dict[tuple[str, str], float] = field(default_factory=dict)
    """(figure, scope) -> half-width of the 95% interval across replications (simulation)."""
    resolution: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    """scope -> resolution times in calendar hours (simulation: all replications pooled)."""
    backlog: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    """Open tickets at the end of each day."""
    unresolved: float = 0.0
    """Share of the measured tickets a simulation never resolved (its times leave them out)."""


def scopes(priorities: pd.Series, domains: pd.Series) -> list[tuple[str, NDArray[np.bool_]]]:
    out = [("all", np.ones(len(priorities), dtype=bool))]
    for p in sorted(set(priorities.astype(str))):
        out.append((p, (priorities.astype(str) == p).to_numpy()))
    for d in sorted(set(domains.astype(str))):
        out.append((f"domain:{d}", (domains.astype(str) == d).to_numpy()))
    return out


def _times(side: Side, scope: str, hours: NDArray[np.float64]) -> None:
    done = hours[~np.isnan(hours)]
    side.resolution[scope] = done
    side.values[(MEDIAN, scope)] = float(np.median(done)) if done.size else math.nan
    side.values[(P90, scope)] = float(np.percentile(done, 90)) if done.size else math.nan


def effort_hours_per_week(workload: Workload) -> float:
    """Hours of handling per week the calibrated workload implies (arrivals x mean handling of
    their domain and tier); streams without a handling fit count nothing."""
    means = {(h.domain, h.tier.value): h.mean_hours for h in workload.handling}
    return float(
        sum(
            s.tickets_per_week * means.get((s.domain, s.tier.value), 0.0) for s in workload.arrivals
        )
    )


@dataclass(frozen=True)
class HistoryFacts:
    """What the history says beside the figures, for explaining gaps."""

    waiting_share: float
    """Share of tickets' open time spent in waiting statuses after work began (events; the
    queue before first work is left out, the model simulates it), NaN without events."""
    waiting_statuses: list[str]
    busiest_week_ratio: float
    """Tickets opened in the busiest week over the median week."""
    weekly_cv: float
    effort_hours_per_week: float
    on_shift_hours_per_week: float

    @property
    def implied_utilisation(self) -> float:
        if not self.on_shift_hours_per_week:
            return math.nan
        return self.effort_hours_per_week / self.on_shift_hours_per_week


def _waiting(events: pd.DataFrame, book: StatusBook) -> tuple[float, list[str]]:
    if events.empty:
        return math.nan, []
    ordered = events.sort_values(["ticket_id", "seq"], kind="stable")
    at = pd.to_datetime(ordered["at"], utc=True)
    nxt = at.groupby(ordered["ticket_id"].to_numpy()).shift(-1)
    hours = ((nxt - at) / HOUR).clip(lower=0).fillna(0.0).to_numpy()
    pairs = ordered[["source_system", "status"]].astype("object").fillna("")
    kinds = {
        key: book.kind(str(key[0]), str(key[1]))
        for key in pairs.drop_duplicates().itertuples(index=False, name=None)
    }
    kind = np.array([kinds[key] for key in pairs.itertuples(index=False, name=None)])
    open_time = hours[kind != "done"].sum()
    # Waiting before anyone worked the ticket is its queue, which the model simulates; waiting
    # after work began (on the user, a vendor, a change) is what it does not.
    worked = (
        pd.Series(kind == "working").groupby(ordered["ticket_id"].to_numpy()).cummax().to_numpy()
    )
    waiting = (kind == "waiting") & worked
    names = (
        pd.Series(hours[waiting], index=ordered["status"].astype(str).to_numpy()[waiting])
        .groupby(level=0)
        .sum()
        .sort_values(ascending=False)
    )
    share = float(hours[waiting].sum() / open_time) if open_time > 0 else math.nan
    return share, [str(n) for n in names.index[:3]]


def history_side(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    sla: SlaPolicy,
    workload: Workload,
    agents: int,
    on_shift_hours: float,
    book: StatusBook,
) -> tuple[Side, HistoryFacts]:
    """Figures of the tickets opened in [start, end) (the calibrated period or a hold-out)."""
    side = Side()
    weeks = (end - start) / pd.Timedelta(weeks=1)
    opened = tickets["opened_at"]
    inside = tickets[(opened >= start) & (opened < end)].reset_index(drop=True)
    done = inside["resolved_at"].fillna(inside["closed_at"])
    hours: NDArray[np.float64] = np.array(
        (done - inside["opened_at"]).dt.total_seconds() / 3600.0, dtype=np.float64
    )
    hours[hours < 0] = np.nan
    priority = inside["priority"].astype("object").fillna(DEFAULT_PRIORITY)
    domain = inside["domain"].astype("object").fillna(UNMAPPED)
    facts = ticket_facts(inside, events[events["ticket_id"].isin(inside["id"])])
    escalated = facts["escalated"]
    all_done = tickets["resolved_at"].fillna(tickets["closed_at"])
    as_of = pd.concat([opened, all_done]).dropna().max()
    judged = inside.assign(priority=priority)
    for scope, mask in scopes(priority, domain):
        side.values[(TICKETS, scope)] = float(mask.sum()) / weeks
        _times(side, scope, hours[mask])
        rows = sla_attainment(judged[mask], sla, as_of)
        met, count = sum(r.met for r in rows), sum(r.judged for r in rows)
        side.values[(SLA, scope)] = met / count if count else math.nan
        known = escalated[mask].dropna()
        side.values[(ESCALATION, scope)] = (
            float(known.astype(bool).mean()) if len(known) else math.nan
        )
    backlog = daily_backlog(opened, all_done)
    # The simulation starts empty and measures after a week of warm-up: so does this.
    shown = backlog[
        (backlog.index >= start.normalize() + pd.Timedelta(days=7))
        & (backlog.index < end.normalize())
    ]
    side.backlog = shown.to_numpy(dtype=float)
    side.values[(BACKLOG, "all")] = float(shown.mean()) if len(shown) else math.nan
    resolved = int((~np.isnan(hours)).sum())
    side.values[(PER_AGENT, "all")] = resolved / weeks / agents if agents else math.nan
    effort = effort_hours_per_week(workload)
    side.values[(UTILISATION, "all")] = effort / on_shift_hours if on_shift_hours else math.nan
    weekly = inside.groupby(inside["opened_at"].dt.tz_localize(None).dt.to_period("W")).size()
    waiting, names = _waiting(events[events["ticket_id"].isin(inside["id"])], book)
    median_week = float(weekly.median()) if len(weekly) else math.nan
    return side, HistoryFacts(
        waiting_share=waiting,
        waiting_statuses=names,
        busiest_week_ratio=float(weekly.max() / median_week) if median_week else math.nan,
        weekly_cv=float(weekly.std() / weekly.mean()) if len(weekly) > 1 else math.nan,
        effort_hours_per_week=effort,
        on_shift_hours_per_week=on_shift_hours,
    )


def replication_figures(
    model: CompiledModel, result: ReplicationResult
) -> tuple[dict[tuple[str, str], float], dict[str, NDArray[np.float64]], NDArray[np.float64]]:
    """One replication's figures (values, resolution times per scope, daily backlog)."""
    settings = model.settings
    weeks = settings.weeks
    measured = (result.arrival >= settings.warmup_hours) & (result.arrival < settings.horizon_hours)
    arrival = result.arrival[measured]
    resolved = result.resolved[measured]
    hours = resolved - arrival
    priority = pd.Series([f"P{p}" for p in result.priority[measured]])
    names = np.array(model.domains, dtype=object)
    domain = pd.Series(names[result.domain[measured]] if len(names) else [], dtype=object)
    sla_hours = np.asarray(model.sla_resolution)[result.priority[measured]]
    business = np.asarray(model.sla_business)[result.priority[measured]]
    clock = hours.copy()
    if business.any():
        clock[business] = model.business.elapsed(resolved[business]) - model.business.elapsed(
            arrival[business]
        )
    met = clock <= sla_hours  # NaN (never resolved): a miss, as sim.kpis counts it
    escalated = result.escalations[measured] > 0
    values: dict[tuple[str, str], float] = {}
    times: dict[str, NDArray[np.float64]] = {}
    for scope, mask in scopes(priority, domain):
        values[(TICKETS, scope)] = float(mask.sum()) / weeks
        done = hours[mask]
        done = done[~np.isnan(done)]
        times[scope] = done
        values[(MEDIAN, scope)] = float(np.median(done)) if done.size else math.nan
        values[(P90, scope)] = float(np.percentile(done, 90)) if done.size else math.nan
        values[(SLA, scope)] = float(met[mask].mean()) if mask.any() else math.nan
        values[(ESCALATION, scope)] = float(escalated[mask].mean()) if mask.any() else math.nan
    lo, hi = int(settings.warmup_hours), math.ceil(settings.horizon_hours)
    ends = np.arange(lo + 24, hi + 1, 24)
    arrived = np.searchsorted(np.sort(result.arrival), ends, side="left")
    finished = np.searchsorted(np.sort(np.nan_to_num(result.resolved, nan=np.inf)), ends, "left")
    backlog = (arrived - finished).astype(float)
    values[(BACKLOG, "all")] = float(backlog.mean()) if backlog.size else math.nan
    values[("unresolved", "all")] = float(np.isnan(hours).mean()) if hours.size else 0.0
    agents = len(model.agents)
    resolved_count = int((~np.isnan(hours)).sum())
    values[(PER_AGENT, "all")] = resolved_count / weeks / agents if agents else math.nan
    available = model.available[:, lo:hi].sum()
    values[(UTILISATION, "all")] = (
        float(result.busy_hours.sum() / available) if available else math.nan
    )
    return values, times, backlog


def simulated_side(
    runs: list[
        tuple[dict[tuple[str, str], float], dict[str, NDArray[np.float64]], NDArray[np.float64]]
    ],
) -> Side:
    """Means and 95% half-widths over replications; resolution times pooled."""
    from scipy import stats

    side = Side()
    keys = sorted({k for values, _, _ in runs for k in values})
    for key in keys:
        found = np.array([v[key] for v, _, _ in runs if key in v], dtype=float)
        found = found[~np.isnan(found)]
        if not found.size:
            side.values[key] = math.nan
            continue
        side.values[key] = float(found.mean())
        side.spread[key] = (
            float(stats.t.ppf(0.975, found.size - 1) * found.std(ddof=1) / math.sqrt(found.size))
            if found.size > 1
            else math.nan
        )
    for scope in sorted({s for _, times, _ in runs for s in times}):
        side.resolution[scope] = np.concatenate([t[scope] for _, t, _ in runs if scope in t])
    side.unresolved = side.values.pop(("unresolved", "all"), 0.0)
    side.spread.pop(("unresolved", "all"), None)
    length = min((b.size for _, _, b in runs), default=0)
    side.backlog = np.mean([b[:length] for _, _, b in runs], axis=0) if length else np.zeros(0)
    return side
