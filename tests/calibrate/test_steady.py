"""The steady-state rule: steady weekly series pass, edge bursts and short periods are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.calibrate import arrivals as arr
from deskmix.calibrate import calibrate_frames, steady
from deskmix.errors import UnsteadyPeriodError

from .builders import tickets_frame

MONDAY = pd.Timestamp("2024-01-01", tz="UTC")


def opened_from_weeks(counts: list[int] | np.ndarray, seed: int = 0) -> pd.Series:
    """Opening times: each week's tickets spread uniformly over its Monday-to-Friday hours."""
    rng = np.random.default_rng(seed)
    counts = np.asarray(counts, dtype=np.int64)
    weeks = np.repeat(np.arange(counts.size), counts)
    seconds = weeks * 7 * 24 * 3600 + rng.uniform(0, 5 * 24 * 3600, weeks.size)
    return pd.Series(MONDAY + pd.to_timedelta(np.sort(seconds), unit="s"))


def verdict_of(counts: list[int] | np.ndarray) -> steady.Verdict:
    opened = opened_from_weeks(counts)
    period = arr.observed_period(opened)
    weekly = steady.weekly_counts(opened)
    assert period is not None and weekly is not None
    return steady.check(weekly, period)


def seasonal_poisson(
    mean: float, weeks: int, amplitude: float, phase: float, seed: int
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = mean * (1 + amplitude * np.sin(2 * np.pi * np.arange(weeks) / 52 + phase))
    return rng.poisson(level)


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(20, 3000),
    weeks=st.integers(steady.MIN_WEEKS + 1, 40),
    amplitude=st.floats(0, 0.3),
    phase=st.floats(0, 2 * np.pi),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_steady_seasonal_poisson_series_is_never_refused(
    mean: float, weeks: int, amplitude: float, phase: float, seed: int
) -> None:
    counts = seasonal_poisson(mean, weeks, amplitude, phase, seed)
    counts[0] = counts[0] // 3  # the export starts late in the first week: a ramp-up
    verdict = verdict_of(counts)
    assert verdict.steady, (counts.tolist(), verdict)


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(20, 3000),
    weeks=st.integers(steady.MIN_WEEKS, 40),
    factor=st.floats(steady.BURST_RATIO + 0.1, 60),
    at_end=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_burst_of_k_times_the_median_week_at_an_edge_is_always_refused(
    mean: float, weeks: int, factor: float, at_end: bool, seed: int
) -> None:
    counts = seasonal_poisson(mean, weeks, 0.1, 0.0, seed)
    burst = int(np.ceil(factor * np.median(counts)))
    counts = np.append(counts, burst) if at_end else np.insert(counts, 0, burst)
    verdict = verdict_of(counts)
    assert not verdict.steady
    # Either the burst is named as one, or it holds so many of the tickets that the weeks
    # around it look like a thin tail and the period is only the burst: too short.
    edge = verdict.last if at_end else verdict.first
    assert (verdict.end_burst if at_end else verdict.start_burst) == 1 or (
        verdict.short and edge == (counts.size - 1 if at_end else 0)
    )
    text = steady.refusal(verdict, None)
    day = (MONDAY + pd.Timedelta(weeks=counts.size - 1 if at_end else 0)).date().isoformat()
    assert f"opened in the week of {day}" in text


def test_holiday_weeks_and_a_quiet_first_week_are_steady() -> None:
    counts = [150, 480, 510, 495, 90, 120, 505, 520, 470, 500]  # Christmas and New Year inside
    assert verdict_of(counts).steady


def test_a_small_desk_noisy_week_is_not_a_burst() -> None:
    # 4x the median, but 12 tickets in a week whose median is 3 is Poisson noise, not a burst.
    assert not steady.is_burst(12, np.array([3, 2, 4, 3]))
    assert steady.is_burst(40, np.array([3, 2, 4, 3]))


def test_fewer_than_four_weeks_is_short() -> None:
    verdict = verdict_of([500, 510, 490])
    assert verdict.short and not verdict.steady
    assert verdict_of([500, 510, 490, 505]).steady


def test_the_refusal_names_the_burst_and_the_steady_weeks_to_keep() -> None:
    counts = [500, 520, 480, 510, 495, 505, 4900]
    opened = opened_from_weeks(counts)
    tickets = tickets_frame([{"id": f"T{i}", "opened_at": t} for i, t in enumerate(opened)])
    with pytest.raises(UnsteadyPeriodError) as caught:
        calibrate_frames(tickets, name="extract")
    text = str(caught.value)
    assert "\n" not in text
    assert "4,900 of 7,910 tickets (62%) opened in the week of 2024-02-12" in text
    assert "the 6 weeks before it (502 tickets)" in text
    assert "pass --from 2024-01-01 --to 2024-02-11" in text
    assert "--accept-unsteady" in text

    kept = calibrate_frames(
        tickets,
        name="trimmed",
        window=steady.Window(pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-02-11").date()),
    ).workload
    assert kept.tickets == sum(counts[:-1])
    assert kept.tickets_per_week == pytest.approx(sum(counts[:-1]) / kept.weeks, rel=1e-3)
    assert any(
        "window: --from 2024-01-01 --to 2024-02-11 keeps 3,010 of 7,910" in m
        and "4,900 after it" in m
        for m in kept.missing
    )

    anyway = calibrate_frames(tickets, name="anyway", accept_unsteady=True).workload
    assert anyway.tickets == sum(counts)
    assert anyway.missing[0].startswith("UNSTEADY PERIOD, calibrated anyway (--accept-unsteady)")


def test_a_start_burst_is_named_against_the_weeks_after_it() -> None:
    verdict = verdict_of([2000, 500, 520, 480, 510, 495])
    assert verdict.start_burst == 1 and not verdict.end_burst
    text = steady.refusal(verdict, steady.suggest(verdict.weekly))
    assert "2,000 of 4,505 tickets (44%) opened in the week of 2024-01-01" in text
    assert "the 5 weeks after it" in text
    assert "pass --from 2024-01-08 --to 2024-02-11" in text


def test_a_ramp_is_never_suggested() -> None:
    # Like BPIC'13: tickets still open at the export, thinner the older they are.
    counts = [2, 3, 5, 9, 15, 30, 55, 90, 160, 300, 1200, 5400]
    verdict = verdict_of(counts)
    assert verdict.short
    suggestion = steady.suggest(verdict.weekly)
    if suggestion is not None:
        i, j = suggestion
        assert 0.5 <= steady.trend_ratio(np.asarray(counts[i : j + 1])) <= 2


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    from deskmix.errors import InputError

    with pytest.raises(InputError, match="ends before it starts"):
        steady.Window(pd.Timestamp("2024-02-01").date(), pd.Timestamp("2024-01-01").date())
