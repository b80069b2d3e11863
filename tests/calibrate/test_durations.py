"""Durations: touch time from events per the status file, resolution time, the cleaning rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deskmix.calibrate.durations import clean, resolution_hours, touch_times
from deskmix.calibrate.statuses import load_statuses
from deskmix.errors import ConfigError

from .builders import at, events_frame, tickets_frame


def _events(rows: list[dict[str, object]], source: str = "servicenow") -> pd.DataFrame:
    return events_frame(rows).assign(source_system=source)


def test_touch_time_sums_the_intervals_spent_in_working_statuses() -> None:
    events = _events(
        [
            {"ticket_id": "A", "at": at(0), "status": "New"},
            {"ticket_id": "A", "at": at(1), "status": "Active"},
            {"ticket_id": "A", "at": at(3), "status": "Awaiting User Info"},
            {"ticket_id": "A", "at": at(10), "status": "active"},  # case does not matter
            {"ticket_id": "A", "at": at(10.5), "status": "Resolved"},
            {"ticket_id": "A", "at": at(30), "status": "Closed"},
            {"ticket_id": "B", "at": at(0), "status": "New"},
            {"ticket_id": "B", "at": at(4), "status": "Resolved"},
        ]
    )
    touch = touch_times(events, load_statuses())
    assert touch.hours["A"] == pytest.approx(2.5)
    assert touch.hours["B"] == 0.0  # resolved straight from New: no work recorded
    assert touch.unknown_statuses == {}


def test_statuses_of_other_sources_use_their_own_names() -> None:
    events = _events(
        [
            {"ticket_id": "V", "at": at(0), "status": "Queued-Awaiting Assignment"},
            {"ticket_id": "V", "at": at(2), "status": "Accepted-In Progress"},
            {"ticket_id": "V", "at": at(5), "status": "Accepted-Wait - User"},
            {"ticket_id": "V", "at": at(9), "status": "Completed-Resolved"},
        ],
        source="bpic13",
    )
    assert touch_times(events, load_statuses()).hours["V"] == pytest.approx(3.0)


def test_unknown_statuses_are_reported_and_unknown_sources_give_no_touch_time() -> None:
    book = load_statuses()
    known = _events(
        [
            {"ticket_id": "A", "at": at(0), "status": "Active"},
            {"ticket_id": "A", "at": at(2), "status": "-100"},
            {"ticket_id": "A", "at": at(3), "status": "Closed"},
        ]
    )
    alien = _events(
        [
            {"ticket_id": "X", "at": at(0), "status": "Triage"},
            {"ticket_id": "X", "at": at(5), "status": "Fixing"},
        ],
        source="homegrown",
    )
    touch = touch_times(pd.concat([known, alien], ignore_index=True), book)
    assert touch.hours.to_dict() == {"A": pytest.approx(2.0)}
    assert touch.unknown_statuses == {
        ("servicenow", "-100"): 1,
        ("homegrown", "Triage"): 1,
        ("homegrown", "Fixing"): 1,
    }
    assert touch.sources_without_names == ["homegrown"]


def test_events_without_any_status_are_not_blamed_on_the_status_file() -> None:
    events = _events(
        [{"ticket_id": "A", "at": at(0), "status": None}, {"ticket_id": "A", "at": at(1)}],
        source="kaggle",
    )
    touch = touch_times(events, load_statuses())
    assert touch.hours.empty
    assert (touch.unknown_statuses, touch.sources_without_names) == ({}, [])


def test_a_user_status_file_adds_names_and_can_reclassify(tmp_path: Path) -> None:
    extra = tmp_path / "statuses.yaml"
    extra.write_text("homegrown:\n  working: [Fixing]\nservicenow:\n  working: [New]\n")
    book = load_statuses(extra)
    assert book.kind("homegrown", "fixing") == "working"
    assert book.kind("servicenow", "New") == "working"
    assert book.kind("servicenow", "Active") == "working"  # the shipped names stay
    assert book.kind("zendesk", "open") == "working"  # the source's section beats default
    assert book.kind("jira", "Open") == "waiting"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("servicenow: [Active]\n", "must hold 'working'"),
        ("servicenow:\n  busy: [Active]\n", "not a status class"),
        ("servicenow:\n  working: Active\n", "must be a list"),
        ("- a\n- b\n", "expected source names"),
        ("servicenow: {working: [a\n", "not valid YAML"),
    ],
)
def test_a_malformed_status_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_statuses(path)


def test_resolution_time_prefers_resolved_at_and_falls_back_to_closed_at() -> None:
    tickets = tickets_frame(
        [
            {"id": "A", "opened_at": at(0), "resolved_at": at(5), "closed_at": at(50)},
            {"id": "B", "opened_at": at(0), "closed_at": at(7)},
        ]
    )
    hours, end = resolution_hours(tickets)
    assert end == "resolved_at"
    assert hours.iloc[0] == 5.0 and pd.isna(hours.iloc[1])
    tickets["resolved_at"] = pd.NaT
    hours, end = resolution_hours(tickets)
    assert end == "closed_at"
    assert hours.tolist() == [50.0, 7.0]


def test_cleaning_drops_zeros_and_far_outliers_but_keeps_a_clean_sample() -> None:
    rng = np.random.default_rng(1)
    sample = rng.lognormal(0.5, 1.0, 5000)
    assert clean(sample).outliers == 0  # the fence sits ~4.7 sigma out on the log scale
    dirty = np.concatenate([sample, [0.0, 0.0, -1.0, np.nan, 1e6]])
    result = clean(dirty)
    assert (result.zeros, result.outliers) == (3, 1)
    assert result.values.size == 5000
    assert result.fence_hours is not None and 100 < result.fence_hours < 1e6
