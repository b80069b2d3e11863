"""Effort from an event log, checked against a desk whose true effort and team are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deskmix.calibrate import calibrate_frames
from deskmix.calibrate.calendars import infer_calendars
from deskmix.errors import InputError
from tests.calibrate.known_desk import generate


@pytest.mark.parametrize(("seed", "rate"), [(1, 4.0), (2, 6.0)])
def test_effort_of_a_known_desk_is_within_a_quarter_of_the_truth(seed: int, rate: float) -> None:
    """Agents multitask, tickets wait on users for days while still "Active", work stops
    overnight and specialist work is escalated after a first-line attempt: the time in a
    working status is several times the work, the effort estimate is not."""
    desk = generate(seed=seed, tickets_per_hour=rate)
    result = calibrate_frames(desk.tickets, desk.events, name="known")
    assert result.effort is not None
    tiers = desk.tickets.set_index("id")["tier"]
    own = result.effort.own_tier_hours
    for tier, truth in desk.true_effort.items():
        estimate = float(own[tiers.reindex(own.index) == tier].mean())
        assert estimate == pytest.approx(truth, rel=0.25), tier
    # Every ticket is in the fits: none dropped for having no measurable work.
    assert sum(h.observed for h in result.workload.handling) >= 0.99 * len(desk.tickets)
    for h in result.workload.handling:
        assert h.status_time_mean_hours is not None
        assert h.status_time_mean_hours > 1.5 * h.mean_hours  # the naive figure overstates
    # A fifth of tickets wait 4-72 h on their user mid-work: delays that occupy nobody.
    delays = {(d.domain, d.tier.value): d for d in result.workload.delays if d.priority is None}
    generalist = delays[("network", "generalist")]
    assert generalist.quantiles_hours[-1] > 24 and generalist.median_hours < 24
    # No agent works more than their shift: weekly effort within on-shift hours.
    weekly = result.effort.weekly
    assert (weekly["effort_hours"] <= weekly["on_shift_hours"] + 1e-9).all()


def test_shifts_and_team_of_a_known_desk_are_read_from_its_events() -> None:
    desk = generate(seed=3)
    calendars, team_shift = infer_calendars(desk.events)
    people = [c for c in calendars.values() if c.own]
    assert len(people) == desk.generalists + desk.specialists
    assert {c.describe() for c in people} <= {"mon-fri 08-17", "mon-fri 08-16", "mon-fri 09-17"}
    assert team_shift.open_hours_per_week == pytest.approx(45, abs=5)


def test_an_event_log_in_unknown_statuses_is_refused_naming_them() -> None:
    desk = generate(seed=4, weeks=2)
    events = desk.events.assign(
        status=desk.events["status"].replace({"Active": "Being worked", "New": "Fresh"})
    )
    with pytest.raises(InputError) as caught:
        calibrate_frames(desk.tickets, events, name="alien", accept_unsteady=True)
    text = str(caught.value)
    assert "'Being worked'" in text and "'Fresh'" in text and "--statuses" in text
    assert "\n" not in text


def test_a_ticket_fixed_within_the_minute_is_short_work_not_no_work() -> None:
    at = pd.Timestamp("2024-01-01 09:00", tz="UTC")
    rows, events = [], []
    for i in range(30):
        opened = at + pd.Timedelta(minutes=10 * i)
        gap = pd.Timedelta(minutes=0 if i % 3 == 0 else 5)
        rows.append(
            {"id": f"Q{i}", "source_system": "servicenow", "opened_at": opened,
             "resolved_at": opened + gap, "closed_at": pd.NaT, "domain": "end_user",
             "tier": "generalist", "priority": "P4", "group": "SD", "reassignments": 0,
             "reopens": 0, "title": None}
        )  # fmt: skip
        for seq, (status, when) in enumerate([("New", opened), ("Resolved", opened + gap)]):
            events.append(
                {"ticket_id": f"Q{i}", "seq": seq, "at": when, "status": status, "group": "SD",
                 "assignee": "ann", "tier": "generalist", "level": None,
                 "source_system": "servicenow"}
            )  # fmt: skip
    result = calibrate_frames(
        pd.DataFrame(rows), pd.DataFrame(events), name="quick", accept_unsteady=True
    )
    assert result.effort is not None
    hours = result.effort.own_tier_hours
    assert (hours > 0).all()
    assert int(result.effort.imputed.sum()) == 10
    assert np.allclose(hours[result.effort.imputed], 5 / 60)
