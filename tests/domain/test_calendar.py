"""Open hours between two moments: the clock behind business-hours SLAs and touch time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmix.calibrate.workhours import parse_work_hours
from deskmix.domain.calendar import WeekCalendar, business_calendar
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Shift
from deskmix.errors import InputError

OFFICE = parse_work_hours("mon-fri 08-18")
times = st.floats(0, 168 * 10, allow_nan=False)


def test_office_hours_examples() -> None:
    assert OFFICE.open_hours_per_week == 50
    # Monday 07:00-09:00 -> 1 h; Monday 17:30 -> Tuesday 08:30 -> 1 h; a whole week -> 50 h.
    got = OFFICE.between([7, 17.5, 0], [9, 24 + 8.5, 168])
    assert got.tolist() == [1.0, 1.0, 50.0]
    # Saturday counts nothing.
    assert OFFICE.between([5 * 24 + 9], [5 * 24 + 17]).tolist() == [0.0]


@given(times, times)
def test_open_time_is_bounded_by_calendar_time(a: float, b: float) -> None:
    start, end = min(a, b), max(a, b)
    open_time = float(OFFICE.between([start], [end])[0])
    assert -1e-9 <= open_time <= end - start + 1e-9


@given(times, times, times)
def test_open_time_adds_up(a: float, b: float, c: float) -> None:
    x, y, z = sorted((a, b, c))
    whole = OFFICE.between([x], [z])[0]
    parts = OFFICE.between([x], [y])[0] + OFFICE.between([y], [z])[0]
    assert whole == pytest.approx(parts, abs=1e-6)


@given(times, times)
def test_always_open_is_calendar_time(a: float, b: float) -> None:
    assert WeekCalendar.always().between([a], [b])[0] == pytest.approx(b - a, abs=1e-6)


def test_work_hours_parser() -> None:
    assert parse_work_hours("mon-sat 07-19").open_hours_per_week == 72
    assert parse_work_hours("mon 09:00-17:00").open_hours_per_week == 8
    assert parse_work_hours("always").open_hours_per_week == 168
    for bad in ("weekdays", "mon-fri 18-08", "mon-xyz 08-18", "mon-fri 08-25"):
        with pytest.raises(InputError, match="unreadable work hours"):
            parse_work_hours(bad)


def test_missing_times_stay_missing() -> None:
    assert np.isnan(OFFICE.between([1.0], [np.nan])[0])


def test_business_calendar_joins_the_slas_business_hours() -> None:
    sla = SlaPolicy.default().model_copy(
        update={
            "business_hours": [
                Shift(days=["mon", "tue"], start="08:00", end="12:00"),
                Shift(days=["tue"], start="10:00", end="14:00"),  # overlaps Tuesday 10-12
            ]
        }
    )
    calendar = business_calendar(sla)
    assert calendar.open_hours_per_week == 4 + 6
    assert calendar.between([24 + 9], [24 + 15]).tolist() == [5.0]  # Tuesday 09-14 open
    assert calendar.between([9], [13]).tolist() == [3.0]  # Monday closes at 12
