"""Skills matrix, evidence levels, coverage, bus factor and cross-training: the rules as stated."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.errors import InputError
from deskmix.importers.writer import write_import
from deskmix.people.crosstrain import apply_suggestions, suggest_cross_training, write_team
from deskmix.people.declared import load_declared
from deskmix.people.evidence import EvidenceRule, evidence_levels, evidence_table
from deskmix.people.generator import HistorySpec, generate_history
from deskmix.people.matrix import CoverageRule, build_matrix, coverage, single_points_of_failure
from deskmix.people.presence import who_is_here
from deskmix.people.review import ReviewSettings, review_skills
from deskmix.store import Store
from deskmix.teamfiles import load_team

REPO = Path(__file__).resolve().parents[2]
PEOPLE = [f"P{i}" for i in range(6)]
AREAS = ["network", "security", "data_db"]

level_tables = st.fixed_dictionaries(
    {p: st.fixed_dictionaries({a: st.integers(0, 5) for a in AREAS}) for p in PEOPLE}
)


@settings(max_examples=80, deadline=None)
@given(levels=level_tables, level=st.integers(1, 5), k=st.integers(1, 3))
def test_bus_factor_is_the_fewest_absences_that_uncover_an_area(
    levels: dict[str, dict[str, int]], level: int, k: int
) -> None:
    matrix = build_matrix(levels, None, AREAS)
    rule = CoverageRule(level=level, min_people=k)
    for area in coverage(matrix, rule):
        able = [p for p in PEOPLE if levels[p][area.area] >= level]
        assert sorted(area.covering) == sorted(able)
        assert area.covered == (len(able) >= k)
        # brute force: the smallest set of people whose loss leaves fewer than k able
        smallest = next(
            size
            for size in range(len(PEOPLE) + 1)
            if any(len(set(able) - set(gone)) < k for gone in combinations(PEOPLE, size))
        )
        assert area.bus_factor == smallest
    spofs = single_points_of_failure(coverage(matrix, rule))
    for person, areas in spofs.items():
        for a in areas:
            rest = [p for p in PEOPLE if p != person and levels[p][a] >= level]
            assert len(rest) < k


@settings(max_examples=60, deadline=None)
@given(levels=level_tables, limit=st.integers(0, 6), k=st.integers(1, 2))
def test_each_suggestion_adds_one_covering_person_where_coverage_is_thin(
    levels: dict[str, dict[str, int]], limit: int, k: int
) -> None:
    matrix = build_matrix(levels, None, AREAS)
    rule = CoverageRule(level=3, min_people=k)
    suggestions = suggest_cross_training(matrix, rule, limit=limit)
    assert len(suggestions) <= limit
    assert len({s.person for s in suggestions}) == len(suggestions)  # one step per person
    counts = {a.area: len(a.covering) for a in coverage(matrix, rule)}
    for s in suggestions:
        assert s.covering_before == counts[s.area] < k + 1
        assert 1 <= s.to_level - s.from_level <= 2 and s.to_level == 3
        assert s.from_level == levels[s.person][s.area]
        counts[s.area] += 1
    # greedy order: never a two-level step while a one-level step in a thin area was left
    if suggestions and any(s.to_level - s.from_level == 2 for s in suggestions):
        first_two = next(i for i, s in enumerate(suggestions) if s.to_level - s.from_level == 2)
        assert all(s.to_level - s.from_level == 1 for s in suggestions[:first_two])


@settings(max_examples=80, deadline=None)
@given(
    resolved=st.lists(st.integers(0, 200), min_size=1, max_size=30),
    extra=st.integers(1, 50),
    speed=st.floats(0.1, 3.0),
    rate=st.floats(0, 1),
)
def test_evidence_level_never_falls_with_more_tickets(
    resolved: list[int], extra: int, speed: float, rate: float
) -> None:
    rule = EvidenceRule()
    table = pd.DataFrame(
        {"resolved": resolved, "speed": speed, "first_time_rate": rate, "area_first_time_rate": 0.5}
    )
    more = table.assign(resolved=table["resolved"] + extra)
    before, after = evidence_levels(table, rule), evidence_levels(more, rule)
    assert ((before >= 0) & (before <= 5)).all()
    assert (before[table["resolved"] == 0] == 0).all() and (
        before[table["resolved"] > 0] >= 1
    ).all()
    assert (after >= before).all()


def test_evidence_from_history_counts_speed_and_first_time_fixes() -> None:
    world = generate_history(2)
    table = evidence_table(world.history())
    work = world.history().work
    row = table.iloc[0]
    mine = work[(work["person"] == row["person"]) & (work["area"] == row["area"])]
    assert row["resolved"] == len(mine)
    assert row["median_hours"] == pytest.approx(mine["hours"].median())
    assert row["speed"] == pytest.approx(row["area_median_hours"] / row["median_hours"])
    specialist = table[table["person"].str.startswith("Specialist")].iloc[0]
    # escalated tickets: none is a first-time fix, and each was handed to the specialist
    assert specialist["first_time_fixes"] == 0
    assert specialist["received"] == specialist["resolved"]


def test_combined_level_is_the_higher_of_declared_and_evidence() -> None:
    evidence = pd.DataFrame(
        [
            {"person": "Ann", "area": "network", "resolved": 60, "level": 4},
            {"person": "Bob", "area": "weird label", "resolved": 3, "level": 1},
        ]
    )
    declared = {"Ann": {"network": 2, "security": 3}, "Cy": {"data_db": 5}}
    matrix = build_matrix(declared, evidence, ["network", "security", "data_db"])
    assert matrix.areas[:3] == ["network", "security", "data_db"]
    assert "weird label" in matrix.areas
    assert matrix.combined.at["Ann", "network"] == 4
    assert matrix.combined.at["Ann", "security"] == 3
    assert matrix.combined.at["Bob", "network"] == 0
    assert matrix.demand["network"] == 60


def test_skills_csv_is_read_and_bad_rows_are_named(tmp_path: Path) -> None:
    good = tmp_path / "skills.csv"
    good.write_text("person,domain,level\nAnn,network,4\nAnn,security,2\nBob,network,1\n")
    declared = load_declared(good)
    assert declared.levels == {"Ann": {"network": 4, "security": 2}, "Bob": {"network": 1}}
    cases = [
        ("person,level\nAnn,3\n", 1, None, "missing column"),
        ("person,domain,level\nAnn,network,9\n", 2, "level", "0..5"),
        ("person,domain,level\nAnn,network,3\n,network,2\n", 3, "person", "empty"),
        ("person,domain,level\nAnn,network,3\nAnn,network,2\n", 3, "domain", "twice"),
    ]
    for text, row, field, words in cases:
        bad = tmp_path / "bad.csv"
        bad.write_text(text)
        with pytest.raises(InputError) as caught:
            load_declared(bad)
        assert (caught.value.row, caught.value.field) == (row, field)
        assert words in str(caught.value)


def test_suggestions_applied_to_a_team_file_round_trip(tmp_path: Path) -> None:
    declared = load_declared(REPO / "examples" / "teams" / "company-300.yaml")
    assert declared.team is not None
    matrix = build_matrix(declared.levels, None, None)
    rule = CoverageRule(level=3, min_people=2)  # every domain already has 2: aim for 3
    suggestions = suggest_cross_training(matrix, rule, limit=3)
    assert suggestions
    out = write_team(
        apply_suggestions(declared.team, suggestions), tmp_path / "t.yaml", suggestions
    )
    team = load_team(out)
    assert [a.name for a in team.agents] == [a.name for a in declared.team.agents]
    for s in suggestions:
        assert team.agent(s.person).level(s.area) == 3
    untouched = {(s.person, s.area) for s in suggestions}
    for agent in declared.team.agents:
        for domain, level in agent.skills.items():
            if (agent.name, domain) not in untouched:
                assert team.agent(agent.name).level(domain) == level
    assert team.msp == declared.team.msp


def test_people_who_left_four_weeks_before_the_end_are_not_counted_and_are_listed(
    sqlite_store: Store,
) -> None:
    world = generate_history(4, HistorySpec(leavers=2))
    write_import(sqlite_store, world.batch())
    review = review_skills(ReviewSettings(), store=sqlite_store)
    gone = {d.person for d in review.presence.gone}
    assert set(world.leavers) == gone
    assert all("silent for the last" in d.reason for d in review.presence.gone)
    for area in review.areas:
        assert not set(area.covering) & gone
    assert not set(review.matrix.people) & gone
    assert not set(review.single_points) & gone
    # their domains lost the cover they gave: the bus factor counts only who is here now
    for leaver in world.leavers:
        domain = world.specialists[leaver]
        area = next(a for a in review.areas if a.area == domain)
        assert leaver not in area.covering
    # nobody else is read as gone, on any of twenty desks without leavers
    for seed in range(20):
        assert who_is_here(generate_history(seed).history()).gone == []


def test_a_window_from_since_and_team_file_statuses(tmp_path: Path) -> None:
    from datetime import timedelta

    from deskmix.people.presence import PresenceRule

    world = generate_history(4)
    history = world.history()
    assert history.end is not None
    late = who_is_here(history, PresenceRule(since=history.end - timedelta(days=2)))
    assert late.gone and all("before the window" in d.reason for d in late.gone)
    marked = who_is_here(history, status={"Generalist 01": "left", "Generalist 02": "absent"})
    assert {d.person for d in marked.gone} == {"Generalist 01", "Generalist 02"}
    assert "Generalist 01" not in marked.active
    csv = tmp_path / "skills.csv"
    csv.write_text("person,domain,level,status\nAnn,network,4,\nBob,,,left\nCy,data_db,3,absent\n")
    declared = load_declared(csv)
    assert declared.status == {"Bob": "left", "Cy": "absent"}
    bad = tmp_path / "bad.csv"
    bad.write_text("person,domain,level,status\nAnn,network,4,retired\n")
    with pytest.raises(InputError) as caught:
        load_declared(bad)
    assert caught.value.field == "status"


def test_names_differing_in_case_or_spacing_are_one_person_and_the_merge_is_reported() -> None:
    from deskmix.people.history import history_from_frames

    world = generate_history(2)
    tickets = world.tickets.rename(columns={"id": "ticket"})
    events = world.events.rename(columns={"ticket_id": "ticket"})
    person = "Generalist 03"
    mine = tickets.index[tickets["resolver"] == person]
    tickets.loc[mine[:5], ["resolver", "assignee"]] = "generalist  03"
    tickets.loc[mine[5:8], ["resolver", "assignee"]] = " GENERALIST 03"
    history = history_from_frames(tickets, events, "domain")
    assert person in set(history.work["person"])
    assert "generalist  03" not in set(history.work["person"])
    assert history.merges[person] == sorted([" GENERALIST 03", "Generalist 03", "generalist  03"])
    assert int((history.work["person"] == person).sum()) == len(mine)


def test_the_planner_counts_only_staff_marked_active() -> None:
    team = load_team(REPO / "examples" / "teams" / "company-300.yaml")
    first = team.agents[0]
    marked = team.model_copy(
        update={"agents": [first.model_copy(update={"status": "left"}), *team.agents[1:]]}
    )
    present = marked.present()
    assert first.name not in [a.name for a in present.agents]
    assert len(present.agents) == len(team.agents) - 1
    assert team.present() is team
