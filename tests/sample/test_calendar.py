"""Business-hours arithmetic: work advances only while the desk is open."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmix.sample.calendar import WorkCalendar
from deskmix.sample.spec import BusinessHours

CAL = WorkCalendar(BusinessHours())  # Mon-Fri 08-18; hour 0 is Monday 00:00
WEEKS = 4 * 168.0

times = st.floats(min_value=0, max_value=WEEKS, allow_nan=False)
hours = st.floats(min_value=0, max_value=60, allow_nan=False)


def open_hours_between(start: float, end: float) -> float:
    """Open hours in [start, end], summed day by day."""
    total = 0.0
    day = math.floor(start / 24)
    while day * 24 < end:
        if day % 7 < 5:
            lo, hi = max(start, day * 24 + 8), min(end, day * 24 + 18)
            total += max(0.0, hi - lo)
        day += 1
    return total


def test_examples() -> None:
    friday_1730 = 4 * 24 + 17.5
    assert CAL.add(friday_1730, 2) == pytest.approx(7 * 24 + 9.5)  # Monday 09:30
    assert CAL.next_open(5 * 24 + 12) == 7 * 24 + 8  # Saturday noon -> Monday 08:00
    assert CAL.next_open(10.0) == 10.0
    assert CAL.is_open(9.0) and not CAL.is_open(18.0) and not CAL.is_open(5 * 24 + 9)


@given(times, hours)
def test_add_counts_exactly_the_open_hours(t: float, h: float) -> None:
    end = CAL.add(t, h)
    assert end >= t
    assert open_hours_between(t, end) == pytest.approx(h, abs=1e-6)


@given(times, hours, hours)
def test_adding_in_two_steps_ends_no_earlier_than_one(t: float, a: float, b: float) -> None:
    # Two steps can only lose the gap when the first one ends exactly at closing time.
    one = CAL.add(t, a + b)
    two = CAL.add(CAL.add(t, a), b)
    assert two >= one - 1e-9
    assert open_hours_between(one, two) == pytest.approx(0.0, abs=1e-6)


@given(times)
def test_next_open_is_open_and_skips_only_closed_time(t: float) -> None:
    start = CAL.next_open(t)
    assert CAL.is_open(start)
    assert open_hours_between(t, start) == pytest.approx(0.0, abs=1e-9)


@given(times, hours)
def test_a_job_that_fits_in_a_day_starts_when_it_can_end_the_same_day(t: float, h: float) -> None:
    start = CAL.start_job(t, h)
    assert CAL.is_open(start) and start >= t
    if h <= 10:
        assert start + h <= math.floor(start / 24) * 24 + 18 + 1e-9
        first = CAL.next_open(t)
        if start != first:  # waited only because the job would not fit in that day
            assert first + h > math.floor(first / 24) * 24 + 18
            assert start == CAL.next_open(math.floor(first / 24) * 24 + 18)
    else:
        assert start == CAL.next_open(t)
