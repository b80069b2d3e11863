"""The volume forecast: trend and season recovered from generated weekly series with known
truth; a short or missing history falls back to the stated growth rate."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskmix.calibrate.forecast import (
    DAYS_PER_YEAR,
    WeeklyHistory,
    check_horizon,
    forecast,
    weekly_history,
)
from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.errors import ConfigError

START = pd.Timestamp("2020-01-06")  # a Monday


def workload(per_week: float = 500.0) -> Workload:
    return Workload(
        name="forecast",
        arrivals=[
            ArrivalStream(
                domain="end_user",
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=0.8 * per_week,
                observed=1,
            ),
            ArrivalStream(
                domain="end_user",
                tier=Tier.SPECIALIST,
                priority=Priority.P2,
                tickets_per_week=0.2 * per_week,
                observed=1,
            ),
        ],
    )


def truth(when: pd.Timestamp, level: float, growth: float, amplitude: float) -> float:
    years = (when - START) / pd.Timedelta(days=DAYS_PER_YEAR)
    month = (when + pd.Timedelta(days=3)).month
    return level * (1 + growth) ** years * (1 + amplitude * math.cos(2 * math.pi * month / 12))


def series(weeks: int, level: float, growth: float, amplitude: float, seed: int) -> WeeklyHistory:
    mondays = pd.date_range(START, periods=weeks, freq="7D")
    means = np.array([truth(m, level, growth, amplitude) for m in mondays])
    counts = np.random.default_rng(seed).poisson(means).astype(np.float64)
    return WeeklyHistory(mondays, {"end_user": counts})


@settings(max_examples=15, deadline=None)
@given(growth=st.floats(-0.3, 0.6), seed=st.integers(0, 2**16))
def test_a_trend_is_recovered_from_a_year_of_weeks(growth: float, seed: int) -> None:
    history = series(52, 800.0, growth, 0.0, seed)
    result = forecast(workload(), history=history, quarters=4)
    assert result.method == "trend" and "fitted growth" in result.statement
    assert result.growth_per_year["end_user"] == pytest.approx(growth, abs=0.08)
    for quarter in result.quarters:
        when = pd.Timestamp(quarter.start)
        expected = [
            truth(when + pd.Timedelta(weeks=13 / 3 * (j + 0.5)), 800, growth, 0) for j in range(3)
        ]
        assert quarter.tickets_per_week == pytest.approx(max(expected), rel=0.12)
        assert quarter.low is not None and quarter.high is not None
        assert quarter.low < quarter.tickets_per_week < quarter.high


@settings(max_examples=8, deadline=None)
@given(growth=st.floats(0.0, 0.4), seed=st.integers(0, 2**16))
@example(growth=0.39, seed=1)
def test_trend_and_season_from_three_years(growth: float, seed: int) -> None:
    history = series(156, 600.0, growth, 0.3, seed)
    result = forecast(workload(), history=history, quarters=4)
    assert result.method == "trend_season" and result.seasonal
    assert result.growth_per_year["end_user"] == pytest.approx(growth, abs=0.06)
    assert result.start == date(2023, 1, 2)  # the Monday after the last full week
    peaks = []
    for quarter in result.quarters:
        when = pd.Timestamp(quarter.start)
        expected = [
            truth(when + pd.Timedelta(weeks=13 / 3 * (j + 0.5)), 600, growth, 0.3) for j in range(3)
        ]
        peaks.append(max(expected))
        assert quarter.tickets_per_week == pytest.approx(max(expected), rel=0.12)
    # the winter peak (cos high in December/January) against the summer quarter: planned in
    # the truth's order wherever the truth tells them apart (with strong growth the trend can
    # catch up with the season, found by this test at +39% a year)
    winter, summer = result.quarters[0].tickets_per_week, result.quarters[2].tickets_per_week
    if abs(peaks[0] - peaks[2]) > 0.05 * peaks[2]:
        assert (winter > summer) == (peaks[0] > peaks[2])


def test_no_history_uses_the_stated_growth() -> None:
    result = forecast(workload(500), growth=0.4, quarters=4, start=date(2026, 1, 5))
    assert result.method == "growth" and "+40.0% a year" in result.statement
    assert "no weekly history" in result.statement
    factors = [q.factor_by_domain["end_user"] for q in result.quarters]
    assert factors == sorted(factors) and factors[0] > 1
    # the busiest third of quarter 4 is its last: 11/12 of a year from the start, roughly
    assert factors[-1] == pytest.approx(1.4 ** (50.5 / 52.18), rel=0.01)
    assert result.quarters[-1].tickets_per_week == pytest.approx(500 * factors[-1])


def test_a_short_history_falls_back_to_the_growth_rate() -> None:
    result = forecast(workload(), history=series(5, 500, 0.5, 0, 1), growth=0.1)
    assert result.method == "growth"
    assert "5 full weeks of history, fewer than the 8" in result.statement
    without = forecast(workload(), history=series(5, 500, 0.5, 0, 1))
    assert "no growth assumed (pass --growth)" in without.statement
    assert all(q.factor_by_domain["end_user"] == 1.0 for q in without.quarters)


def test_a_stated_growth_replaces_the_fitted_trend() -> None:
    history = series(52, 800.0, 0.5, 0.0, 3)
    result = forecast(workload(), history=history, growth=0.0)
    assert "replaces the fitted trend" in result.statement
    volumes = [q.tickets_per_week for q in result.quarters]
    assert max(volumes) / min(volumes) == pytest.approx(1.0, abs=0.01)


def test_weekly_history_keeps_full_weeks_of_the_period() -> None:
    rng = np.random.default_rng(0)
    # Wednesday 2024-01-03 to Wednesday 2024-03-27: the first and last weeks are partial
    seconds = rng.uniform(
        0, (pd.Timestamp("2024-03-27") - pd.Timestamp("2024-01-03")).total_seconds(), 3000
    )
    opened = pd.Timestamp("2024-01-03", tz="UTC") + pd.to_timedelta(seconds, unit="s")
    frame = pd.DataFrame({"opened_at": opened, "domain": rng.choice(["network", "end_user"], 3000)})
    history = weekly_history(frame)
    assert history.mondays[0] == pd.Timestamp("2024-01-08", tz="UTC")
    assert history.mondays[-1] == pd.Timestamp("2024-03-18", tz="UTC")
    assert set(history.counts) == {"network", "end_user"}
    assert history.total().min() > 200


@pytest.mark.parametrize(
    ("quarters", "growth", "message"),
    [
        (0, None, "the horizon must be 1 to 8 quarters"),
        (9, None, "the horizon must be 1 to 8 quarters"),
        (4, -1.0, "--growth is a yearly rate above -1"),
        (4, -1.5, "--growth is a yearly rate above -1"),
    ],
)
def test_bad_horizon_or_growth_is_one_line(
    quarters: int, growth: float | None, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        check_horizon(quarters, growth)
    assert "\n" not in str(caught.value)
