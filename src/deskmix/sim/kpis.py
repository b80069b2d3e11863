"""KPIs of a replication, and their means with 95% confidence intervals across replications.

Every KPI is computed over tickets that arrived inside the measured window (after warm-up).
A ticket not resolved when the run ends counts as an SLA miss and is left out of time averages
(reported as ``unresolved``), so an overloaded design cannot look good by never finishing.
Intervals are Student-t across independent replications: mean +- t(0.975, n-1) * s / sqrt(n).

Per week of the window (numbered from 1): ``weekly_tickets/N``, ``weekly_sla_resolution/N``
and ``weekly_people_in/N`` (the mean number of in-house people at work, on the days anyone is
scheduled). ``uncovered_day/DOMAIN`` is the share of the window's working days for the domain
(days one of its able people is scheduled: on shift, not a public holiday) on which none of the
people able to resolve its specialist work is in (on leave, sick, or every hour taken by
training and meetings): the bus factor made measurable. ``uncovered_day`` is the share of days
with at least one such domain uncovered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from deskmix.domain.team import AgentKind
from deskmix.domain.ticket import Tier
from deskmix.sim.engine import ReplicationResult
from deskmix.sim.model import TIERS, CompiledModel

PERCENTILES = (50, 90, 95)


def _sla_clock(
    model: CompiledModel,
    start: NDArray[np.float64],
    stops: tuple[NDArray[np.float64], ...],
    business: NDArray[np.bool_],
) -> list[NDArray[np.float64]]:
    """Hours on each ticket's SLA clock from ``start`` to each of ``stops``: business hours
    where the ticket's SLA counts them, calendar hours elsewhere; NaN where a stop is NaN.

    The business calendar is read only for the tickets whose SLA uses it, and the start only
    once: this runs for every replication of every design the planner tries.
    """
    out = [stop - start for stop in stops]
    if business.any():
        opened = model.business.elapsed(start[business])
        for clock, stop in zip(out, stops, strict=True):
            clock[business] = model.business.elapsed(stop[business]) - opened
    return out


def _time_stats(prefix: str, values: NDArray[np.float64], out: dict[str, float]) -> None:
    done = values[~np.isnan(values)]
    out[f"{prefix}_mean"] = float(done.mean()) if done.size else math.nan
    found = np.percentile(done, PERCENTILES) if done.size else [math.nan] * len(PERCENTILES)
    for p, value in zip(PERCENTILES, found, strict=True):
        out[f"{prefix}_p{p}"] = float(value)


def _team_figures(
    model: CompiledModel,
) -> tuple[NDArray[np.float64], float, list[tuple[AgentKind, list[int]]]]:
    """On-shift hours per agent in the measured window, the people cost of the window, and
    the agents of each kind: the same for every replication of a model (``CompiledModel.once``)."""
    settings = model.settings
    lo, hi = int(settings.warmup_hours), math.ceil(settings.horizon_hours)
    available = model.available[:, lo:hi].sum(axis=1).astype(float)
    paid = model.paid[:, lo:hi].sum(axis=1).astype(float)
    rates = np.array([a.cost_per_hour for a in model.agents])
    people = float((paid * rates).sum()) if len(rates) else 0.0
    kinds = [(kind, [a.index for a in model.agents if a.kind == kind]) for kind in AgentKind]
    return available, people, kinds


def replication_kpis(model: CompiledModel, result: ReplicationResult) -> dict[str, float]:
    """Flat ``{name: value}``; names read ``metric[/group]`` such as ``sla_resolution/P2``."""
    settings = model.settings
    window = settings.horizon_hours - settings.warmup_hours
    measured = result.arrival >= settings.warmup_hours
    arrival = result.arrival[measured]
    response_at = result.first_response[measured]
    resolved_at = result.resolved[measured]
    priority = result.priority[measured]
    domain = result.domain[measured]
    business = model.sla_business[priority]
    response, resolution = _sla_clock(model, arrival, (response_at, resolved_at), business)
    wait = response_at - arrival
    resolution_calendar = resolved_at - arrival
    # NaN (never responded or resolved) compares False: a miss.
    met_response = response <= model.sla_response[priority]
    met_resolution = resolution <= model.sla_resolution[priority]
    escalated = result.escalations[measured] > 0
    ticket_tier = result.tier[measured]
    out: dict[str, float] = {
        "tickets": float(measured.sum()),
        "tickets_per_week": float(measured.sum()) / (window / 168.0),
        "unresolved": float(np.isnan(resolved_at).sum()),
        "escalated_share": float(escalated.mean()) if measured.any() else 0,
        "msp_share": float((result.msp[measured] >= 0).mean()) if measured.any() else 0.0,
        "reopened_share": float(result.reopened[measured].mean()) if measured.any() else 0.0,
        "sla_response": float(met_response.mean()) if measured.any() else math.nan,
        "sla_resolution": float(met_resolution.mean()) if measured.any() else math.nan,
    }
    before = set(out)
    _time_stats("wait", wait, out)
    _time_stats("resolution", resolution_calendar, out)
    overall_stats = [k for k in out if k not in before]
    for p in range(1, 6):
        mask = priority == p
        if not mask.any():
            continue
        key = f"P{p}"
        out[f"tickets/{key}"] = float(mask.sum())
        out[f"sla_response/{key}"] = float(met_response[mask].mean())
        out[f"sla_resolution/{key}"] = float(met_resolution[mask].mean())
        if mask.all():  # one priority only: its figures are the overall ones
            stats_out = {k: out[k] for k in overall_stats}
        else:
            stats_out = {}
            _time_stats("wait", wait[mask], stats_out)
            _time_stats("resolution", resolution_calendar[mask], stats_out)
        out.update({f"{k}/{key}": v for k, v in stats_out.items()})
    for d, name in enumerate(model.domains):
        mask = domain == d
        if not mask.any():
            continue
        out[f"tickets/{name}"] = float(mask.sum())
        out[f"sla_resolution/{name}"] = float(met_resolution[mask].mean())
        done = wait[mask]
        out[f"wait_mean/{name}"] = float(np.nanmean(done)) if (~np.isnan(done)).any() else math.nan
        out[f"escalated_share/{name}"] = float(escalated[mask].mean())
    for t, tier in enumerate(TIERS):
        mask = ticket_tier == t
        if mask.any():
            out[f"sla_resolution/{tier}"] = float(met_resolution[mask].mean())
    available, people, kinds = model.once(_team_figures)
    if result.available is not None:  # this replication drew leave and sickness
        lo, hi = int(settings.warmup_hours), math.ceil(settings.horizon_hours)
        available = result.available[:, lo:hi].sum(axis=1).astype(float)
    _weekly(model, result, measured, met_resolution, out)
    _coverage(model, result, out)
    for kind, members in kinds:
        if members:
            capacity = available[members].sum()
            busy = result.busy_hours[members].sum()
            out[f"utilisation/{kind}"] = float(busy / capacity) if capacity else math.nan
    for agent in model.agents:
        cap = available[agent.index]
        out[f"utilisation/agent:{agent.name}"] = (
            float(result.busy_hours[agent.index] / cap) if cap else math.nan
        )
    months = window / (24 * 365.25 / 12)
    msp_cost = 0.0
    for c, contract in enumerate(model.msp):
        handled = float(((result.msp[measured]) == c).sum())
        pricing = contract.pricing
        overage = max(0.0, handled - pricing.included_tickets_per_month * months)
        msp_cost += (
            pricing.retainer_per_month * months
            + pricing.per_ticket * handled
            + pricing.per_hour * float(result.msp_hours[c])
            + pricing.overage_per_ticket * overage
        )
    weeks = window / 168.0
    out["cost_people_per_week"] = people / weeks
    out["cost_msp_per_week"] = msp_cost / weeks
    out["cost_per_week"] = (people + msp_cost) / weeks
    out["cost_per_ticket"] = (people + msp_cost) / out["tickets"] if out["tickets"] else math.nan
    return out


def _in_days(model: CompiledModel, result: ReplicationResult) -> NDArray[np.bool_]:
    """Agents x run days: at work (available) for at least one hour that day."""
    available = result.available if result.available is not None else model.available
    days = -(-available.shape[1] // 24)
    padded = np.zeros((available.shape[0], days * 24), dtype=bool)
    padded[:, : available.shape[1]] = available
    return np.asarray(padded.reshape(available.shape[0], days, 24).any(axis=2), dtype=bool)


def _window_days(model: CompiledModel) -> range:
    settings = model.settings
    return range(math.ceil(settings.warmup_hours / 24), int(settings.horizon_hours // 24))


def _weekly(
    model: CompiledModel,
    result: ReplicationResult,
    measured: NDArray[np.bool_],
    met_resolution: NDArray[np.bool_],
    out: dict[str, float],
) -> None:
    settings = model.settings
    weeks = int((settings.horizon_hours - settings.warmup_hours) // 168)
    week_of = ((result.arrival[measured] - settings.warmup_hours) // 168).astype(np.int64)
    scheduled = model.scheduled_days
    in_days = _in_days(model, result) if scheduled is not None and len(model.agents) else None
    first_day = math.ceil(settings.warmup_hours / 24)
    for w in range(weeks):
        mask = week_of == w
        out[f"weekly_tickets/{w + 1}"] = float(mask.sum())
        if mask.any():
            out[f"weekly_sla_resolution/{w + 1}"] = float(met_resolution[mask].mean())
        if in_days is not None and scheduled is not None:
            days = slice(first_day + 7 * w, first_day + 7 * (w + 1))
            working = scheduled[:, days].any(axis=0)
            if working.any():
                present = (in_days[:, days] & scheduled[:, days]).sum(axis=0)
                out[f"weekly_people_in/{w + 1}"] = float(present[working].mean())


def _coverage(model: CompiledModel, result: ReplicationResult, out: dict[str, float]) -> None:
    scheduled = model.scheduled_days
    if scheduled is None or not len(model.agents):
        return
    window = _window_days(model)
    if not len(window):
        return
    days = slice(window.start, window.stop)
    in_days = _in_days(model, result)[:, days] & scheduled[:, days]
    any_uncovered = np.zeros(len(window), dtype=bool)
    any_working = np.zeros(len(window), dtype=bool)
    for name in model.domains:
        able = [a.index for a in model.agents if a.can_resolve(name, Tier.SPECIALIST)]
        if not able:
            continue
        working: NDArray[np.bool_] = np.asarray(scheduled[able, days].any(axis=0), dtype=bool)
        if not working.any():
            continue
        uncovered = working & ~in_days[able].any(axis=0)
        out[f"uncovered_day/{name}"] = float(uncovered[working].mean())
        any_uncovered |= uncovered
        any_working |= working
    if any_working.any():
        out["uncovered_day"] = float(any_uncovered[any_working].mean())


def backlog(model: CompiledModel, result: ReplicationResult) -> NDArray[np.float64]:
    """Open tickets at each whole hour of the measured window (arrived, not yet resolved)."""
    settings = model.settings
    hours = np.arange(int(settings.warmup_hours), math.ceil(settings.horizon_hours))
    arrived = np.searchsorted(np.sort(result.arrival), hours, side="right")
    resolved = np.sort(np.nan_to_num(result.resolved, nan=np.inf))
    done = np.searchsorted(resolved, hours, side="right")
    return (arrived - done).astype(float)


@dataclass(frozen=True)
class Estimate:
    """A KPI across replications: mean and the half-width of its 95% confidence interval."""

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def as_json(self) -> dict[str, float | int | None]:
        """Full precision; JSON has no NaN (PostgreSQL rejects it): undefined is null."""
        return {
            "mean": json_number(self.mean),
            "half_width": json_number(self.half_width),
            "low": json_number(self.low),
            "high": json_number(self.high),
            "n": self.n,
        }


def json_number(value: float) -> float | None:
    """A float for JSON: NaN and infinity (an undefined KPI) become null."""
    return None if math.isnan(value) or math.isinf(value) else value


def summarise(runs: list[dict[str, float]]) -> dict[str, Estimate]:
    """Mean and Student-t 95% interval of every KPI over the replications that have it."""
    names = sorted({k for run in runs for k in run})
    out: dict[str, Estimate] = {}
    for name in names:
        values = np.array([run[name] for run in runs if name in run], dtype=float)
        values = values[~np.isnan(values)]
        n = values.size
        if n == 0:
            out[name] = Estimate(math.nan, math.nan, 0)
            continue
        mean = float(values.mean())
        half = (
            float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
            if n > 1
            else math.nan
        )
        out[name] = Estimate(mean, half, n)
    return out
