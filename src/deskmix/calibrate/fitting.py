"""Handling-time distributions: maximum-likelihood fits of four families on plain arrays.

Pure functions on NumPy arrays of hours (no store, no pandas) so they can be tested against
samples drawn from known distributions. Location is fixed at 0: a duration cannot be negative,
and a free location lets a fit park its support above the smallest observation, which then
looks excellent in AIC while saying nothing useful about short tickets.

The Kolmogorov-Smirnov p-values are computed against the fitted parameters, so they are
optimistic (Lilliefors): read them as a relative measure, and the statistic as the distance.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from deskmix.domain.workload import Family, HandlingFit

FAMILIES: tuple[Family, ...] = ("exponential", "lognormal", "gamma", "weibull")
FREE_PARAMETERS: dict[Family, int] = {"exponential": 1, "lognormal": 2, "gamma": 2, "weibull": 2}
SIGNIFICANT = 6


class FitError(ValueError):
    """The sample cannot support the family (too few or identical values, or no convergence)."""


def significant(value: float, digits: int = SIGNIFICANT) -> float:
    """Round to ``digits`` significant figures so a YAML file stays readable and stable."""
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")


def frozen(family: Family, params: dict[str, float]) -> Any:
    """The scipy distribution a fit describes (for densities, quantiles and tests)."""
    if family == "exponential":
        return stats.expon(scale=params["scale"])
    if family == "lognormal":
        return stats.lognorm(s=params["sigma"], scale=math.exp(params["mu"]))
    if family == "gamma":
        return stats.gamma(a=params["shape"], scale=params["scale"])
    if family == "weibull":
        return stats.weibull_min(c=params["shape"], scale=params["scale"])
    raise ValueError(f"unknown family {family!r}")


def _estimate(family: Family, x: NDArray[np.float64]) -> dict[str, float]:
    if family == "exponential":
        return {"scale": float(x.mean())}
    if family == "lognormal":
        logs = np.log(x)
        return {"mu": float(logs.mean()), "sigma": float(logs.std())}  # MLE: ddof 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if family == "gamma":
            shape, _, scale = stats.gamma.fit(x, floc=0)
        else:
            shape, _, scale = stats.weibull_min.fit(x, floc=0)
    return {"shape": float(shape), "scale": float(scale)}


def _sample(hours: ArrayLike) -> NDArray[np.float64]:
    x = np.asarray(hours, dtype=float).ravel()
    if x.size < 2 or not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise FitError("needs at least two finite, positive durations")
    if np.ptp(x) == 0:
        raise FitError("all durations are equal")
    return x


def fit_family(hours: ArrayLike, family: Family) -> HandlingFit:
    """Fit one family by maximum likelihood; AIC = 2k - 2 log L, KS against the fit."""
    x = _sample(hours)
    try:
        params = _estimate(family, x)
    except (ValueError, RuntimeError, FloatingPointError) as exc:
        raise FitError(f"{family}: {exc}") from exc
    if not all(math.isfinite(v) for v in params.values()) or any(
        params[k] <= 0 for k in params if k != "mu"
    ):
        raise FitError(f"{family}: no valid estimate ({params})")
    dist = frozen(family, params)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_likelihood = float(np.sum(dist.logpdf(x)))
    if not math.isfinite(log_likelihood):
        raise FitError(f"{family}: likelihood is not finite")
    aic = 2 * FREE_PARAMETERS[family] - 2 * log_likelihood
    ks = stats.kstest(x, dist.cdf)
    mean = float(dist.mean())
    return HandlingFit(
        family=family,
        params={k: significant(v) for k, v in params.items()},
        aic=round(aic, 3),
        ks_statistic=significant(min(max(float(ks.statistic), 0.0), 1.0), 4),
        ks_pvalue=significant(min(max(float(ks.pvalue), 0.0), 1.0), 4),
        mean_hours=significant(mean if math.isfinite(mean) else float(x.mean())),
    )


def fit_all(hours: ArrayLike, families: tuple[Family, ...] = FAMILIES) -> list[HandlingFit]:
    """Every family that can be fitted, best (lowest AIC) first; raises if none can."""
    fits: list[HandlingFit] = []
    reasons: list[str] = []
    for family in families:
        try:
            fits.append(fit_family(hours, family))
        except FitError as exc:
            reasons.append(str(exc))
    if not fits:
        raise FitError("; ".join(reasons) or "no family to fit")
    return sorted(fits, key=lambda f: f.aic)


def choose(fits: list[HandlingFit]) -> HandlingFit:
    """The selection criterion the Workload states: lowest AIC (first family on a tie)."""
    if not fits:
        raise FitError("no candidate fits")
    return min(fits, key=lambda f: f.aic)
