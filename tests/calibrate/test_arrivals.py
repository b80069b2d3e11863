"""Arrivals: the observed period, exposure per hour of week, and recovering a known weekly shape."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.calibrate import arrivals as arr
from deskmix.calibrate import calibrate_frames
from deskmix.domain.workload import HOURS_PER_WEEK

from .builders import tickets_frame

MONDAY = pd.Timestamp("2024-01-01", tz="UTC")


def business_week() -> np.ndarray:
    """A desk's week: busy 08-18 on weekdays with a lunch dip, quiet nights, thin weekends."""
    shape = np.full((7, 24), 0.2)
    shape[:5, 8:18] = 4.0
    shape[:5, 12] = 2.5
    shape[5:, 10:16] = 0.8
    flat = shape.ravel()
    return np.asarray(flat / flat.sum(), dtype=float)


def poisson_arrivals(
    shape: np.ndarray, per_week: float, weeks: int, seed: int, start: pd.Timestamp = MONDAY
) -> pd.Series:
    """A non-homogeneous Poisson stream: per-hour Poisson counts, uniform within the hour."""
    rng = np.random.default_rng(seed)
    means = np.tile(shape * per_week, weeks)
    counts = rng.poisson(means)
    hour_starts = np.repeat(np.arange(means.size), counts)
    offsets = (hour_starts + rng.random(hour_starts.size)) * 3600.0
    return pd.Series(start + pd.to_timedelta(np.sort(offsets), unit="s"))


def test_shape_and_volume_are_recovered_from_a_generated_stream() -> None:
    truth, per_week, weeks = business_week(), 600.0, 26
    opened = poisson_arrivals(truth, per_week, weeks, seed=11)
    n = len(opened)
    tickets = tickets_frame(
        [{"id": f"T{i}", "opened_at": t, "domain": "network"} for i, t in enumerate(opened)]
    )
    workload = calibrate_frames(tickets, name="generated").workload
    shape = np.asarray(workload.weekly_shape("network"))
    shrink = arr.PSEUDO_TICKETS / (n + arr.PSEUDO_TICKETS)
    tolerance = 5 * np.sqrt(truth / n) + 2 * shrink * np.abs(truth - 1 / HOURS_PER_WEEK) + 1e-6
    assert np.all(np.abs(shape - truth) <= tolerance)
    assert shape[9] > 10 * shape[2]  # Monday 09:00 busy, Monday 02:00 quiet
    assert workload.weeks == pytest.approx(weeks, abs=0.05)
    assert workload.tickets_per_week == pytest.approx(per_week, abs=5 * math.sqrt(per_week / weeks))


def test_the_shape_follows_the_desk_time_zone() -> None:
    truth = business_week()
    opened = poisson_arrivals(truth, 800.0, 12, seed=3)
    tickets = tickets_frame([{"id": f"T{i}", "opened_at": t} for i, t in enumerate(opened)])
    # Stored in UTC, read in a zone 5 hours ahead: the busy 08:00 block shows at 13:00.
    workload = calibrate_frames(tickets, name="tz", timezone="Asia/Karachi").workload
    shape = np.asarray(workload.weekly_shape("unmapped")).reshape(7, 24)
    assert shape[1, 13] > 10 * shape[1, 8]
    assert workload.timezone == "Asia/Karachi"


def test_a_thin_tail_does_not_dilute_the_weekly_volume() -> None:
    """Like the UCI log: 13 busy weeks, then a few tickets a week for nine months."""
    bulk = poisson_arrivals(business_week(), 1000.0, 13, seed=5)
    tail_start = MONDAY + pd.Timedelta(weeks=13)
    tail = poisson_arrivals(np.full(168, 1 / 168), 5.0, 36, seed=6, start=tail_start)
    period = arr.observed_period(pd.concat([bulk, tail], ignore_index=True))
    assert period is not None
    assert period.weeks == pytest.approx(13, abs=0.1)
    assert int(period.inside.sum()) == len(bulk)


def test_a_quiet_week_inside_the_period_stays_in() -> None:
    weeks = [
        poisson_arrivals(business_week(), 500.0, 1, seed=s, start=MONDAY + pd.Timedelta(weeks=s))
        for s in range(6)
    ]
    weeks[2] = weeks[2].iloc[:10]  # a holiday week with 2% of the traffic
    period = arr.observed_period(pd.concat(weeks, ignore_index=True))
    assert period is not None
    assert period.inside.all()
    assert period.weeks == pytest.approx(6, abs=0.05)


def test_a_history_shorter_than_a_day_has_no_period() -> None:
    opened = pd.Series(pd.date_range(MONDAY, periods=5, freq="h"))
    assert arr.observed_period(opened) is None
    assert arr.observed_period(pd.Series([pd.NaT] * 3, dtype="datetime64[ns, UTC]")) is None


@settings(max_examples=50, deadline=None)
@given(
    start_minutes=st.integers(0, 60 * 24 * 7 * 4),
    length_minutes=st.integers(1, 60 * 24 * 7 * 10),
)
def test_exposure_adds_up_to_the_period_length(start_minutes: int, length_minutes: int) -> None:
    start = MONDAY + pd.Timedelta(minutes=start_minutes)
    end = start + pd.Timedelta(minutes=length_minutes)
    exposed = arr.exposure(start, end)
    assert exposed.sum() == pytest.approx(length_minutes / 60)
    assert np.all(exposed >= 0)
    assert exposed.max() - exposed.min() <= 1.0 + 1e-9  # no hour of the week occurs twice more


def test_shrinkage_pulls_a_thin_domain_toward_the_prior() -> None:
    prior = business_week()
    counts = np.zeros(HOURS_PER_WEEK)
    counts[0] = 10  # ten tickets, all Monday 00:00
    shape = arr.shape_from_counts(counts, np.ones(HOURS_PER_WEEK), prior)
    own = 10 / (10 + arr.PSEUDO_TICKETS)
    assert shape[0] == pytest.approx(own + (1 - own) * prior[0])
    assert shape[50] == pytest.approx((1 - own) * prior[50])
    assert shape.sum() == pytest.approx(1.0)


def test_hours_the_period_never_covered_borrow_the_prior() -> None:
    exposed = np.zeros(HOURS_PER_WEEK)
    exposed[:24] = 1.0  # one Monday only
    counts = np.zeros(HOURS_PER_WEEK)
    counts[:24] = 1000 * business_week()[:24] / business_week()[:24].sum()
    shape = arr.shape_from_counts(counts, exposed, business_week(), pseudo=0.0)
    np.testing.assert_allclose(shape, business_week(), rtol=1e-9)
