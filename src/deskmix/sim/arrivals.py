"""Tickets for one replication, drawn up front so every policy sees the same ones.

Arrivals are a non-homogeneous Poisson process with rates constant within each hour: the count
in each hour is Poisson, the times within it uniform, which is exact for piecewise-constant
rates; each arrival belongs to a stream with probability proportional to its rate that hour.
Every per-ticket random quantity (work, first-line attempt, reopen, whether specialist work
goes straight to specialists) is drawn here in a fixed order from the replication's own
generator: two policies run on the same seed therefore face the
same tickets with the same draws (common random numbers), and their difference is the
policies', not noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deskmix.domain.workload import DELAY_PROBABILITIES, HOURS_PER_WEEK
from deskmix.sim.model import CompiledModel


@dataclass(frozen=True)
class TicketDraws:
    """Arrays indexed by ticket, sorted by arrival time."""

    arrival: NDArray[np.float64]
    domain: NDArray[np.int64]
    tier: NDArray[np.int64]
    priority: NDArray[np.int64]
    work: NDArray[np.float64]  # hours at reference skill, for the ticket's own tier
    attempt: NDArray[np.float64]  # a generalist's attempt at it (generalist-tier draw)
    reopens: NDArray[np.bool_]
    reopen_delay: NDArray[np.float64]
    direct: NDArray[np.bool_]  # starts at Stage.DIRECT: the history sends it to specialists
    delay: NDArray[np.float64]  # extraneous delay added to the resolution (0 unless asked for)

    def __len__(self) -> int:
        return len(self.arrival)


def _hourly_rates(model: CompiledModel) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Total tickets per hour over the run, and each hour's bounds for picking a stream (hour +
    cumulative share of the streams). A model's own: see ``CompiledModel.once``."""
    hours = int(np.ceil(model.settings.horizon_hours))
    weeks = -(-hours // HOURS_PER_WEEK)
    rates = np.tile(model.stream_rates, (1, weeks))[:, :hours]
    total = rates.sum(axis=0)
    share = np.cumsum(rates, axis=0) / np.where(total > 0, total, 1.0)
    share[-1] = 1.0
    bounds = (np.arange(hours)[None, :] + share).T.ravel()  # increasing
    return total, bounds


def draw_tickets(model: CompiledModel, rng: np.random.Generator) -> TicketDraws:
    settings = model.settings
    streams_count = len(model.stream_rates)
    # The streams together are one Poisson process whose arrivals belong to each stream with
    # probability rate / total (superposition): drawing it that way yields times already in
    # hour order and needs one sort of values instead of sorting indices across streams.
    total, bounds = model.once(_hourly_rates)
    counts = rng.poisson(total)
    hour_of = np.repeat(np.arange(total.size, dtype=np.int64), counts)
    # Out of order only within each hour: a merge sort finds the runs (several times quicker).
    arrival = np.sort(hour_of + rng.random(hour_of.size), kind="stable")
    picks = np.searchsorted(bounds, hour_of + rng.random(hour_of.size), side="right")
    streams = np.minimum(picks - hour_of * streams_count, streams_count - 1)
    n = arrival.size
    u_work = rng.random(n)
    u_attempt = rng.random(n)
    u_reopen = rng.random(n)
    reopen_delay = rng.exponential(settings.reopen_delay_hours, n)
    # Drawn last, so a workload without escalation rates (or an older seed's run) keeps every
    # earlier draw: common random numbers hold across that change too.
    u_direct = rng.random(n)
    u_delay = rng.random(n)
    domain = model.stream_domain[streams]
    tier = model.stream_tier[streams]
    work = np.empty(n)
    attempt = np.empty(n)
    pair = domain * 2 + tier
    for (d, t), dist in model.handling.items():
        mask = pair == d * 2 + t
        attempt_mask = domain == d if t == 0 else np.zeros(0, dtype=bool)
        # One ppf call per distribution for both draws: scipy's per-call overhead is larger
        # than the work on a replication's few thousand tickets.
        u = np.concatenate((u_work[mask], u_attempt[attempt_mask]))
        if u.size:
            both = dist.ppf(u)
            work[mask] = both[: int(mask.sum())]
            if t == 0:
                attempt[attempt_mask] = both[int(mask.sum()) :]
    # ppf(1.0) is infinite; uniforms are in [0, 1) but guard against extreme tails anyway.
    np.minimum(work, 10_000.0, out=work)
    np.minimum(attempt, 10_000.0, out=attempt)
    return TicketDraws(
        arrival=arrival,
        domain=domain,
        tier=tier,
        priority=model.stream_priority[streams],
        work=work,
        attempt=attempt,
        reopens=u_reopen < model.reopen_p[domain],
        reopen_delay=reopen_delay,
        direct=(tier == 1) & (u_direct < model.direct_p[domain]),
        delay=_delays(model, domain, tier, model.stream_priority[streams], u_delay),
    )


def _delays(
    model: CompiledModel,
    domain: NDArray[np.int64],
    tier: NDArray[np.int64],
    priority: NDArray[np.int64],
    u: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Each ticket's extraneous delay, by inverting its cell's empirical quantiles."""
    table = model.delay_quantiles
    out = np.zeros(u.size)
    if not table.any():
        return out
    cell = (domain * table.shape[1] + tier) * table.shape[2] + priority
    flat = table.reshape(-1, table.shape[3])
    for key in np.unique(cell):
        mask = cell == key
        out[mask] = np.interp(u[mask], DELAY_PROBABILITIES, flat[key])
    return out
