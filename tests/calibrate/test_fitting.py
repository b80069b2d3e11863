"""Handling-time fits: known parameters come back, AIC picks the family the sample came from."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from deskmix.calibrate.fitting import (
    FAMILIES,
    FREE_PARAMETERS,
    FitError,
    choose,
    fit_all,
    fit_family,
    frozen,
    significant,
)
from deskmix.domain.workload import Family, HandlingFit

N = 2000
SIGMAS = 5.0  # tolerance in asymptotic standard errors: a false failure is ~1e-6 per check


def draw(family: Family, params: dict[str, float], n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if family == "exponential":
        return rng.exponential(params["scale"], n)
    if family == "lognormal":
        return rng.lognormal(params["mu"], params["sigma"], n)
    if family == "gamma":
        return rng.gamma(params["shape"], params["scale"], n)
    return rng.weibull(params["shape"], n) * params["scale"]


def standard_errors(family: Family, p: dict[str, float], n: int) -> dict[str, float]:
    """Asymptotic standard errors of the maximum-likelihood estimates (inverse Fisher info)."""
    if family == "exponential":
        return {"scale": p["scale"] / math.sqrt(n)}
    if family == "lognormal":
        return {"mu": p["sigma"] / math.sqrt(n), "sigma": p["sigma"] / math.sqrt(2 * n)}
    if family == "gamma":
        k, theta = p["shape"], p["scale"]
        trigamma = float(special.polygamma(1, k))
        det = k * trigamma - 1
        return {
            "shape": math.sqrt(k / (n * det)),
            "scale": theta * math.sqrt(trigamma / (n * det)),
        }
    c, lam = p["shape"], p["scale"]
    return {
        "shape": c * math.sqrt(6 / (math.pi**2 * n)),
        "scale": lam / c * math.sqrt(1.1087 / n),
    }


def _params(family: Family) -> st.SearchStrategy[dict[str, float]]:
    positive = st.floats(0.1, 50.0)
    if family == "exponential":
        return st.fixed_dictionaries({"scale": positive})
    if family == "lognormal":
        return st.fixed_dictionaries({"mu": st.floats(-2.0, 4.0), "sigma": st.floats(0.3, 2.5)})
    return st.fixed_dictionaries({"shape": st.floats(0.4, 5.0), "scale": positive})


@st.composite
def cases(draw_: st.DrawFn) -> tuple[Family, dict[str, float], int]:
    family = draw_(st.sampled_from(FAMILIES))
    return family, draw_(_params(family)), draw_(st.integers(0, 2**32 - 1))


@settings(max_examples=40, deadline=None)
@given(cases())
def test_fit_recovers_known_parameters(case: tuple[Family, dict[str, float], int]) -> None:
    family, truth, seed = case
    fit = fit_family(draw(family, truth, N, seed), family)
    errors = standard_errors(family, truth, N)
    for name, value in truth.items():
        assert abs(fit.params[name] - value) <= SIGMAS * errors[name] + 1e-9, (name, fit.params)
    assert fit.mean_hours == pytest.approx(float(frozen(family, fit.params).mean()), rel=1e-4)


@pytest.mark.parametrize(
    ("family", "params", "seed"),
    [
        ("lognormal", {"mu": 1.0, "sigma": 1.2}, 1),
        ("lognormal", {"mu": -1.0, "sigma": 0.5}, 2),
        ("gamma", {"shape": 2.5, "scale": 2.0}, 3),
        ("gamma", {"shape": 0.5, "scale": 10.0}, 4),
        ("weibull", {"shape": 0.6, "scale": 5.0}, 5),
        ("weibull", {"shape": 3.0, "scale": 8.0}, 6),
    ],
)
def test_aic_chooses_the_family_the_sample_came_from(
    family: Family, params: dict[str, float], seed: int
) -> None:
    fits = fit_all(draw(family, params, 3000, seed))
    assert choose(fits).family == family
    assert [f.family for f in fits] == [f.family for f in sorted(fits, key=lambda f: f.aic)]
    assert {f.family for f in fits} == set(FAMILIES)


def test_exponential_data_is_not_mistaken_for_a_different_shape() -> None:
    """Gamma and Weibull contain the exponential (shape 1), so either may win by chance, but
    only with a shape near 1, and the exponential's AIC stays within the likelihood-ratio
    noise of the best (LR < 15, p ~ 1e-4)."""
    x = draw("exponential", {"scale": 3.0}, 3000, 7)
    fits = {f.family: f for f in fit_all(x)}
    best = choose(list(fits.values()))
    assert best.family != "lognormal"
    assert fits["exponential"].aic - best.aic <= 15 - 2
    for name in ("gamma", "weibull"):
        shape_se = standard_errors(name, {"shape": 1.0, "scale": 3.0}, 3000)["shape"]
        assert abs(fits[name].params["shape"] - 1.0) <= SIGMAS * shape_se


def test_aic_is_two_k_minus_twice_the_log_likelihood() -> None:
    x = draw("gamma", {"shape": 1.7, "scale": 3.0}, 500, 8)
    for family in FAMILIES:
        fit = fit_family(x, family)
        log_likelihood = float(np.sum(frozen(family, fit.params).logpdf(x)))
        assert fit.aic == pytest.approx(2 * FREE_PARAMETERS[family] - 2 * log_likelihood, abs=0.05)
        ks = stats.kstest(x, frozen(family, fit.params).cdf)
        assert fit.ks_statistic == pytest.approx(ks.statistic, rel=1e-3)
        assert 0 <= fit.ks_pvalue <= 1


def test_choose_takes_the_lowest_aic() -> None:
    def fit(family: Family, aic: float) -> HandlingFit:
        return HandlingFit(
            family=family, params={}, aic=aic, ks_statistic=0.1, ks_pvalue=0.5, mean_hours=1.0
        )

    candidates = [fit("exponential", 10.0), fit("gamma", -3.5), fit("weibull", 2.0)]
    assert choose(candidates).family == "gamma"
    with pytest.raises(FitError):
        choose([])


@pytest.mark.parametrize(
    "hours", [[], [1.0], [2.0, 2.0, 2.0], [1.0, 0.0, 3.0], [1.0, -2.0], [1.0, math.nan]]
)
def test_samples_no_distribution_can_hold_are_refused(hours: list[float]) -> None:
    with pytest.raises(FitError):
        fit_all(hours)


def test_significant_keeps_six_figures() -> None:
    assert significant(123.456789) == 123.457
    assert significant(0.000123456789) == 0.000123457
    assert significant(0.0) == 0.0
