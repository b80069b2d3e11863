"""Distances between two event logs, as the log-distance-measures package computes them (issue 14).

Benchmark-only: deskmix never imports this module and does not depend on the package. It lets a
back-test print the same distances that Simod's papers and its own evaluation report
(``simod.metrics``), for deskmix and for Simod side by side.

Event logs here are ``pandas.DataFrame`` objects with one row per activity instance and the
columns of ``LOG_COLUMNS``:

- ``case_id``: the case (for deskmix: the ticket) the event belongs to;
- ``activity``: the activity label;
- ``start_time``, ``end_time``: timezone-aware timestamps (UTC), ``start_time <= end_time``;
- ``resource``: who did it (optional: only the workforce measure uses it; missing or all-null
  skips that measure).

``tickets_to_event_log`` turns a deskmix ticket table (``id``, ``opened_at``, ``resolved_at``) into
such a log: one activity per ticket, from opening to resolution.

The distances follow Simod 5.2's settings (``simod.metrics``): the package's defaults, which
are the 1-Wasserstein distance between histograms of hour bins (scipy's
``wasserstein_distance``), not the package's linear-programming EMD (its ``DistanceMetric.EMD``
builds one PuLP variable per pair of distinct bins and is far too slow for months of hourly
bins on 25,000 cases). Every value is >= 0 and 0 means identical histograms:

- ``cycle_time_emd``: per-case duration (last end - first start), 1 h bins; unit: hours;
- ``arrival_emd``: case arrival (first start) on the absolute clock, 1 h bins; unit: hours;
- ``relative_emd``: every start and end relative to its case's first start, 1 h bins; hours;
- ``absolute_emd``: every start and end on the absolute clock, 1 h bins; hours;
- ``circadian_emd``: hour of day of every start and end, per weekday, averaged; hours (0-23);
- ``circadian_workforce_emd``: mean active resources per weekday and hour (needs ``resource``);
- ``three_gram_distance``: normalised absolute difference of activity 3-gram counts, in
  [0, 1]; only when a log has more than one activity label (with one activity per ticket it
  would only compare the numbers of cases, and it is the slowest measure).

The Wasserstein distance compares shapes (each histogram is normalised), so a simulation that
makes twice as many tickets with the same timing scores 0 on the shape measures; compare case
counts separately.

Cost: the package loops over cases in Python. On the UCI log (24,918 cases) the ticket-level
measures (one event per ticket) took 28 s and the activity-level ones with the 3-gram measure
(64,000 events) 48 s, one core on an otherwise idle machine; several times that when another
CPU-bound job shares the two cores. Pass ``measures=`` to compute fewer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

CASE = "case_id"
ACTIVITY = "activity"
START = "start_time"
END = "end_time"
RESOURCE = "resource"
LOG_COLUMNS = (CASE, ACTIVITY, START, END, RESOURCE)
MEASURES = (
    "cycle_time_emd",
    "arrival_emd",
    "relative_emd",
    "absolute_emd",
    "circadian_emd",
    "circadian_workforce_emd",
    "three_gram_distance",
)

TICKET_ACTIVITY = "ticket"

INSTALL_HINT = (
    "log-distance-measures is not installed. It is a benchmark-only extra: install the "
    "project's `bench` dependency group (`uv sync --group bench`), which pins "
    "log-distance-measures==2.2.0 (with pulp and jellyfish). It declares pandas<3, so the "
    "project overrides that to its own pandas pin (tool.uv override-dependencies)."
)


def _package() -> dict[str, Any]:
    """Import the package's functions lazily; a clear ImportError when it is absent."""
    try:
        from log_distance_measures.absolute_event_distribution import (
            absolute_event_distribution_distance,
        )
        from log_distance_measures.case_arrival_distribution import (
            case_arrival_distribution_distance,
        )
        from log_distance_measures.circadian_event_distribution import (
            circadian_event_distribution_distance,
        )
        from log_distance_measures.circadian_workforce_distribution import (
            circadian_workforce_distribution_distance,
        )
        from log_distance_measures.config import AbsoluteTimestampType, EventLogIDs
        from log_distance_measures.cycle_time_distribution import (
            cycle_time_distribution_distance,
        )
        from log_distance_measures.n_gram_distribution import n_gram_distribution_distance
        from log_distance_measures.relative_event_distribution import (
            relative_event_distribution_distance,
        )
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return {
        "absolute": absolute_event_distribution_distance,
        "arrival": case_arrival_distribution_distance,
        "circadian": circadian_event_distribution_distance,
        "workforce": circadian_workforce_distribution_distance,
        "cycle_time": cycle_time_distribution_distance,
        "n_gram": n_gram_distribution_distance,
        "relative": relative_event_distribution_distance,
        "both": AbsoluteTimestampType.BOTH,
        "ids": EventLogIDs(
            case=CASE, activity=ACTIVITY, start_time=START, end_time=END, resource=RESOURCE
        ),
    }


def _checked(log: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in (CASE, ACTIVITY, START, END) if c not in log.columns]
    if missing:
        raise ValueError(f"{name} log lacks column(s) {missing}; expected {list(LOG_COLUMNS)}")
    if log.empty:
        raise ValueError(f"{name} log has no events")
    out = log.copy()
    for column in (START, END):
        out[column] = pd.to_datetime(out[column], utc=True)
    if out[[START, END]].isna().any().any():
        raise ValueError(f"{name} log has missing {START} or {END}")
    if (out[END] < out[START]).any():
        raise ValueError(f"{name} log has events that end before they start")
    # The package picks rows by index label (idxmin + loc): make labels unique.
    return out.reset_index(drop=True)


def _has_resources(log: pd.DataFrame) -> bool:
    return RESOURCE in log.columns and bool(log[RESOURCE].notna().any())


def peer_distances(
    original: pd.DataFrame,
    simulated: pd.DataFrame,
    *,
    bin_size: dt.timedelta = dt.timedelta(hours=1),
    measures: Iterable[str] | None = None,
) -> dict[str, float]:
    """log-distance-measures' distances between a historical and a simulated event log.

    Both logs have the columns of ``LOG_COLUMNS`` (see the module docstring). ``bin_size``
    is the cycle-time bin (Simod uses one hour); the other temporal measures bin by hour.
    ``measures`` picks among ``MEASURES`` (default: all). Returns the chosen measures that
    apply, in the order of ``MEASURES``: the workforce measure only when both logs carry
    resources, the 3-gram one only when a log has more than one activity. Raises ImportError
    (with how to install) when the package is absent and ValueError for a log that is not of
    the expected form or an unknown measure.
    """
    wanted = set(MEASURES if measures is None else measures)
    unknown = wanted - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown measure(s) {sorted(unknown)}; known: {list(MEASURES)}")
    pkg = _package()
    ids = pkg["ids"]
    orig = _checked(original, "original")
    sim = _checked(simulated, "simulated")
    args = (orig, ids, sim, ids)
    both = pkg["both"]
    compute: dict[str, Any] = {
        "cycle_time_emd": lambda: pkg["cycle_time"](*args, bin_size),
        "arrival_emd": lambda: pkg["arrival"](*args),
        "relative_emd": lambda: pkg["relative"](*args, both),
        "absolute_emd": lambda: pkg["absolute"](*args, both),
        "circadian_emd": lambda: pkg["circadian"](*args, both),
        "circadian_workforce_emd": lambda: pkg["workforce"](
            orig.dropna(subset=[RESOURCE]), ids, sim.dropna(subset=[RESOURCE]), ids
        ),
        "three_gram_distance": lambda: pkg["n_gram"](*args, n=3),
    }
    applies = {
        "circadian_workforce_emd": _has_resources(orig) and _has_resources(sim),
        "three_gram_distance": max(orig[ACTIVITY].nunique(), sim[ACTIVITY].nunique()) > 1,
    }
    return {
        name: float(compute[name]())
        for name in MEASURES
        if name in wanted and applies.get(name, True)
    }


def tickets_to_event_log(
    tickets: pd.DataFrame,
    *,
    id_column: str = "id",
    opened_column: str = "opened_at",
    resolved_column: str = "resolved_at",
    resource_column: str | None = None,
) -> pd.DataFrame:
    """One event per resolved ticket: activity ``ticket`` from ``opened_at`` to ``resolved_at``.

    Works for historical and simulated tickets alike, so both sides of a back-test go through
    the same conversion. Timestamps are read as UTC (naive ones are taken to be UTC). Tickets
    with no opening or resolution time, or resolved before they opened, are left out (they
    have no cycle time); the caller can compare ``len(result)`` with ``len(tickets)``.
    ``resource_column``, when given, fills ``resource`` (e.g. the last assignee); otherwise it
    is null and ``peer_distances`` skips the workforce measure.
    """
    missing = [c for c in (id_column, opened_column, resolved_column) if c not in tickets.columns]
    if missing:
        raise ValueError(f"ticket table lacks column(s) {missing}")
    opened = pd.to_datetime(tickets[opened_column], utc=True)
    resolved = pd.to_datetime(tickets[resolved_column], utc=True)
    keep = opened.notna() & resolved.notna() & (resolved >= opened)
    log = pd.DataFrame(
        {
            CASE: tickets.loc[keep, id_column].astype(str),
            ACTIVITY: TICKET_ACTIVITY,
            START: opened[keep],
            END: resolved[keep],
            RESOURCE: (
                tickets.loc[keep, resource_column].astype(object)
                if resource_column is not None
                else pd.Series(None, index=tickets.index[keep], dtype=object)
            ),
        }
    )
    return log.reset_index(drop=True)


def _demo() -> None:
    """A tiny synthetic check: identical logs give 0; a log shifted by 2 h and one twice as
    long give the expected distances."""
    base = pd.Timestamp("2026-01-05 08:00", tz="UTC")
    tickets = pd.DataFrame(
        {
            "id": [f"T{i}" for i in range(6)],
            "opened_at": [base + pd.Timedelta(hours=h) for h in (0, 1, 2, 25, 26, 50)],
        }
    )
    tickets["resolved_at"] = tickets["opened_at"] + pd.to_timedelta([1, 2, 3, 4, 5, 6], unit="h")
    shifted = tickets.assign(
        opened_at=tickets["opened_at"] + pd.Timedelta(hours=2),
        resolved_at=tickets["resolved_at"] + pd.Timedelta(hours=2),
    )
    slower = tickets.assign(
        resolved_at=tickets["opened_at"] + 2 * (tickets["resolved_at"] - tickets["opened_at"])
    )
    original = tickets_to_event_log(tickets)
    for name, other in (("same", tickets), ("shifted +2h", shifted), ("twice as long", slower)):
        distances = peer_distances(original, tickets_to_event_log(other))
        print(name, {k: round(v, 4) for k, v in distances.items()})


if __name__ == "__main__":
    _demo()
