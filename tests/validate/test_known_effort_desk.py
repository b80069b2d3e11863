"""The team behind a desk whose truth is known, rebuilt from its event log alone.

The desk of ``tests/calibrate/known_desk.py``: agents who multitask, tickets waiting on users
for days while still "Active", work stopping overnight, escalations after a first-line attempt.
"""

from __future__ import annotations

from pathlib import Path

from deskmix.calibrate.loading import load_frames
from deskmix.calibrate.statuses import load_statuses
from deskmix.domain.team import AgentKind
from deskmix.people.history import history_frames, history_from_frames
from deskmix.store import open_store
from deskmix.store.selection import Selection
from deskmix.validate.history_team import rebuild_team
from tests.calibrate.builders import store_rows
from tests.calibrate.known_desk import generate


def test_validate_finds_the_true_team_of_a_known_desk(tmp_path: Path) -> None:
    desk = generate(seed=5, generalists=5, specialists=3)
    store = open_store(tmp_path / "known.db")
    try:
        tickets = desk.tickets.drop(columns=["title"]).to_dict("records")
        events = desk.events.drop(columns=["seq"]).to_dict("records")
        store_rows(store, tickets, events)
        frames = load_frames(store)
        people = history_from_frames(*history_frames(store, Selection()), "domain")
        team = rebuild_team(*frames, people, load_statuses())
    finally:
        store.dispose()
    kinds = [a.kind for a in team.team.agents]
    assert kinds.count(AgentKind.GENERALIST) == desk.generalists
    assert kinds.count(AgentKind.SPECIALIST) == desk.specialists
    assert sorted(a.name for a in team.team.agents) == sorted(
        [f"gen-{i}" for i in range(desk.generalists)]
        + [f"spec-{i}" for i in range(desk.specialists)]
    )
    # Shifts read back: Monday to Friday, around 08:00-17:00.
    for agent in team.team.agents:
        hours = [h for h, on in enumerate(agent.on_duty()) if on]
        assert {h // 24 for h in hours} == {0, 1, 2, 3, 4}
        assert 36 <= len(hours) <= 50


def test_a_short_history_keeps_its_back_test_and_skips_the_hold_out(tmp_path: Path) -> None:
    """Five weeks: the whole passes calibration's steady-state rule, its first 70% does not."""
    from deskmix.validate import ValidationRequest, run_validation

    desk = generate(seed=6, weeks=5, generalists=3, specialists=2)
    store = open_store(tmp_path / "short.db")
    try:
        store_rows(
            store,
            desk.tickets.drop(columns=["title"]).to_dict("records"),
            desk.events.drop(columns=["seq"]).to_dict("records"),
        )
        result = run_validation(store, ValidationRequest(replications=2, holdout=0.3))
    finally:
        store.dispose()
    assert result.full.judged > 0
    assert result.holdout is None
    assert any(n.startswith("hold-out skipped") for n in result.notes)
