"""Handling-time distributions per domain x tier, pooling cells that have too few durations.

A fit on a dozen durations picks a family by noise; pooling to the domain (same kind of work,
any tier), then to the tier (same line, any domain), then to everything keeps every stream
the simulator will generate with a distribution, and the workload says which were pooled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from deskmix.calibrate.durations import clean
from deskmix.calibrate.fitting import FitError, choose, fit_all, significant
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import HandlingTime

MIN_OBSERVATIONS = 20
POOLING_RULE = (
    f"a domain x tier with fewer than {MIN_OBSERVATIONS} usable durations is fitted on its "
    f"domain's durations (all tiers) if those reach {MIN_OBSERVATIONS}, else on its tier's (all "
    "domains), else on all durations"
)

Cell = tuple[str, str]
Step = Callable[[int, int], None]


@dataclass
class HandlingOutcome:
    handling: list[HandlingTime] = field(default_factory=list)
    durations: dict[Cell, NDArray[np.float64]] = field(default_factory=dict)
    zeros: int = 0
    outliers: int = 0
    pooled: int = 0
    unfitted: list[tuple[Cell, str]] = field(default_factory=list)


def _pool(
    cell: Cell, cleaned: dict[Cell, NDArray[np.float64]]
) -> tuple[NDArray[np.float64], str | None]:
    domain, tier = cell
    own = cleaned.get(cell, np.empty(0))
    if own.size >= MIN_OBSERVATIONS:
        return own, None
    candidates = [
        ([v for (d, _), v in cleaned.items() if d == domain], f"domain {domain} (all tiers)"),
        ([v for (_, t), v in cleaned.items() if t == tier], f"tier {tier} (all domains)"),
        (list(cleaned.values()), "all tickets"),
    ]
    for parts, label in candidates:
        values = np.sort(np.concatenate(parts)) if parts else np.empty(0)
        if values.size >= MIN_OBSERVATIONS:
            return values, label
    # Too few anywhere: fit whatever exists (the caller reports the small sample).
    everything = [v for v in cleaned.values() if v.size]
    values = np.sort(np.concatenate(everything)) if everything else np.empty(0)
    return values, (None if values.size == own.size else "all tickets")


def fit_cells(
    hours: pd.Series,
    domains: pd.Series,
    tiers: pd.Series,
    cells: list[Cell],
    basis: Callable[[Cell], str],
    step: Step | None = None,
    *,
    status_hours: pd.Series | None = None,
    imputed: pd.Series | None = None,
) -> HandlingOutcome:
    """Clean each cell's durations, pool where thin, fit the four families, choose by AIC.

    ``hours`` is per ticket (NA where unknown), aligned with ``domains`` and ``tiers``;
    ``cells`` lists every domain x tier that needs a distribution; ``basis`` names what a
    cell's durations measure. ``status_hours`` (time in a working status, per ticket) and
    ``imputed`` (per ticket: effort imputed) are summarised beside each cell's fit.
    """
    outcome = HandlingOutcome()
    cleaned: dict[Cell, NDArray[np.float64]] = {}
    frame = pd.DataFrame({"hours": hours, "domain": domains, "tier": tiers}).dropna()
    for (domain, tier), part in frame.groupby(["domain", "tier"], sort=True):
        result = clean(part["hours"].to_numpy(dtype=float))
        cleaned[(str(domain), str(tier))] = result.values
        outcome.zeros += result.zeros
        outcome.outliers += result.outliers
    for done, cell in enumerate(cells, start=1):
        values, pooled_from = _pool(cell, cleaned)
        own = int(cleaned.get(cell, np.empty(0)).size)
        try:
            fits = fit_all(values)
        except FitError as exc:
            outcome.unfitted.append((cell, str(exc)))
        else:
            chosen = choose(fits)
            outcome.durations[cell] = values
            outcome.pooled += pooled_from is not None
            p50, p90 = np.quantile(values, [0.5, 0.9])
            outcome.handling.append(
                HandlingTime(
                    domain=cell[0],
                    tier=Tier(cell[1]),
                    observed=int(values.size),
                    basis=basis(cell),
                    mean_hours=significant(float(values.mean())),
                    p50_hours=significant(float(p50)),
                    p90_hours=significant(float(p90)),
                    chosen=chosen,
                    candidates=fits,
                    pooled_from=pooled_from,
                    own_observations=own if pooled_from is not None else None,
                    status_time_mean_hours=_cell_mean(status_hours, domains, tiers, cell),
                    imputed=_cell_count(imputed, domains, tiers, cell),
                )
            )
        if step is not None:
            step(done, len(cells))
    return outcome


def _in_cell(values: pd.Series, domains: pd.Series, tiers: pd.Series, cell: Cell) -> pd.Series:
    return values[(domains.astype(str) == cell[0]) & (tiers.astype(str) == cell[1])]


def _cell_mean(
    values: pd.Series | None, domains: pd.Series, tiers: pd.Series, cell: Cell
) -> float | None:
    if values is None:
        return None
    part = _in_cell(values, domains, tiers, cell).dropna()
    return significant(float(part.mean())) if len(part) else None


def _cell_count(
    flags: pd.Series | None, domains: pd.Series, tiers: pd.Series, cell: Cell
) -> int | None:
    if flags is None:
        return None
    return int(_in_cell(flags, domains, tiers, cell).astype(bool).sum())
