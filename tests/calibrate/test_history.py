"""The overview's aggregates of stored history, on hand-made tickets with known answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.calibrate.history import arrivals_by_hour, daily_backlog, desk_history, sla_attainment
from deskmix.domain.priority import Priority
from deskmix.domain.sla import Clock, SlaPolicy, SlaTarget
from deskmix.store import Store

MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


def at(days: float, hours: float = 0.0) -> pd.Timestamp:
    return pd.Timestamp(MONDAY + timedelta(days=days, hours=hours))


def frame(rows: list[tuple[str, pd.Timestamp, pd.Timestamp | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "priority": pd.Series([p for p, _, _ in rows], dtype="string"),
            "opened_at": pd.Series([o for _, o, _ in rows], dtype="datetime64[ns, UTC]"),
            "resolved_at": pd.Series([r for _, _, r in rows], dtype="datetime64[ns, UTC]"),
            "closed_at": pd.Series([None] * len(rows), dtype="datetime64[ns, UTC]"),
        }
    )


def policy(clock: Clock, hours: float) -> SlaPolicy:
    return SlaPolicy(
        targets=[
            SlaTarget(
                priority=Priority.P2,
                response_hours=1,
                resolution_hours=hours,
                share=0.9,
                clock=clock,
            )
        ]
    )


def test_business_clock_skips_the_weekend_and_nights() -> None:
    # Friday 16:00 to Monday 10:00: 66 calendar hours, 3 business hours (Fri 16-17, Mon 08-10).
    tickets = frame([("P2", at(4, 16), at(7, 10))])
    as_of = at(8)
    business = sla_attainment(tickets, policy(Clock.BUSINESS, 8), as_of)[0]
    calendar = sla_attainment(tickets, policy(Clock.CALENDAR, 8), as_of)[0]
    assert (business.judged, business.met) == (1, 1)
    assert (calendar.judged, calendar.met) == (1, 0)
    assert business.on_target and not calendar.on_target


def test_open_tickets_count_as_misses_only_once_they_are_late() -> None:
    tickets = frame(
        [
            ("P2", at(0, 9), at(0, 10)),  # met
            ("P2", at(0, 9), None),  # open for days: already late
            ("P2", at(2, 9), None),  # open for one hour at as_of: may still make it
            ("P3", at(0, 9), None),  # no P3 target in this policy
        ]
    )
    result = sla_attainment(tickets, policy(Clock.CALENDAR, 8), at(2, 10))
    assert len(result) == 1
    p2 = result[0]
    assert (p2.judged, p2.met, p2.open_too_long) == (2, 1, 1)
    assert p2.attainment == 0.5


def test_arrivals_land_in_their_day_and_hour() -> None:
    opened = pd.Series([at(0, 9.5), at(0, 9.9), at(6, 23.2), None], dtype="datetime64[ns, UTC]")
    grid = arrivals_by_hour(opened)
    assert grid.shape == (7, 24)
    assert grid[0, 9] == 2 and grid[6, 23] == 1 and grid.sum() == 3


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=20 * 24),
            st.one_of(st.none(), st.floats(min_value=0, max_value=10 * 24)),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_backlog_equals_a_count_of_open_tickets_at_each_day_end(
    spans: list[tuple[float, float | None]],
) -> None:
    opened = pd.Series([at(0, o) for o, _ in spans], dtype="datetime64[ns, UTC]")
    done = pd.Series(
        [None if d is None else at(0, o + d) for o, d in spans], dtype="datetime64[ns, UTC]"
    )
    backlog = daily_backlog(opened, done)
    for day, value in backlog.items():
        end = pd.Timestamp(day) + pd.Timedelta(days=1)
        expected = sum(
            1 for o, d in zip(opened, done, strict=True) if o <= end and (pd.isna(d) or d > end)
        )
        assert value == expected
    assert backlog.index[0] == opened.min().normalize()
    assert np.all(backlog.to_numpy() >= 0)


def test_an_empty_store_has_an_empty_history(sqlite_store: Store) -> None:
    history = desk_history(sqlite_store, SlaPolicy.default())
    assert history.tickets == 0 and history.sla == [] and history.backlog.empty
