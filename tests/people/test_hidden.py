"""The hidden-specialist detector against generated history with planted specialists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskmix.people.generator import HistorySpec, generate_history
from deskmix.people.hidden import HiddenRule, benjamini_hochberg, find_hidden_specialists

SEEDS = range(20)


@pytest.mark.parametrize("teams", [0, 4])
def test_planted_specialists_are_found_with_precision_0_9_and_recall_0_8(teams: int) -> None:
    """Four desk teams, each with its own focus domain, and specialists planted inside them
    in another domain: the hard case, where the desk as a whole would flag whole teams."""
    rule = HiddenRule()  # the documented defaults
    true_pos = false_pos = missed = 0
    for seed in SEEDS:
        world = generate_history(seed, HistorySpec(teams=teams))
        found = {(f.person, f.area) for f in find_hidden_specialists(world.history(), rule)}
        true_pos += len(found & world.planted)
        false_pos += len(found - world.planted)
        missed += len(world.planted - found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + missed)
    print(f"\nteams {teams}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.8


@pytest.mark.parametrize("teams", [0, 4])
def test_no_specialists_are_found_where_none_were_planted(teams: int) -> None:
    for seed in SEEDS:
        world = generate_history(seed, HistorySpec(hidden=0, teams=teams))
        assert world.planted == frozenset()
        assert find_hidden_specialists(world.history()) == []


def test_each_finding_carries_its_evidence() -> None:
    world = generate_history(3)
    findings = find_hidden_specialists(world.history())
    planted = dict(world.planted)
    hit = next(f for f in findings if planted.get(f.person) == f.area)
    work = world.history().work
    mine = work[(work["person"] == hit.person)]
    assert hit.person_total == len(mine)
    assert hit.tickets == int((mine["area"] == hit.area).sum()) >= 10
    assert hit.share >= 2 * hit.peer_share and hit.q_value <= 0.01
    assert hit.p_value <= hit.q_value
    assert hit.tier == "generalist" and hit.tier_source == "history"
    assert hit.effect >= 0.5 and hit.next_step in ("recognise", "move", "cross-train", "certify")
    assert hit.next_step_reason and str(hit.tickets) in hit.evidence
    # planted specialists are faster in their domain (the generator's time factor 0.7)
    assert hit.median_hours is not None and hit.peer_median_hours is not None


def test_specialists_and_declared_depth_are_not_hidden() -> None:
    world = generate_history(5)
    history = world.history()
    person, area = sorted(world.planted)[0]
    declared = {person: {area: 4}}
    found = find_hidden_specialists(history, declared=declared)
    assert (person, area) not in {(f.person, f.area) for f in found}
    kinds = {person: "specialist"}
    found = find_hidden_specialists(history, kinds=kinds)
    assert person not in {f.person for f in found}
    assert not any(f.person.startswith("Specialist") for f in find_hidden_specialists(history))


def test_generator_is_reproducible_to_the_bit() -> None:
    a, b = generate_history(11), generate_history(11)
    pd.testing.assert_frame_equal(a.tickets, b.tickets)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert a.planted == b.planted
    assert not generate_history(12).tickets.equals(a.tickets)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=60))
@example([0.0, 0.0, 0.05])  # on the boundary: p * m / k rounded it above alpha
def test_benjamini_hochberg_is_a_valid_adjustment(p_values: list[float]) -> None:
    p = np.array(p_values)
    q = benjamini_hochberg(p)
    assert np.all(q >= p - 1e-12) and np.all(q <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-12)  # monotone in p
    # step-up rule: reject the k smallest where p_(k) <= k/m * alpha, for alpha = 0.05
    m, ranked = len(p), np.sort(p)
    passing = [k for k in range(1, m + 1) if ranked[k - 1] <= k / m * 0.05]
    assert int((q <= 0.05).sum()) == (max(passing) if passing else 0)


def test_findings_compare_with_the_own_group_and_rank_the_ones_to_act_on() -> None:
    world = generate_history(7, HistorySpec(teams=4))
    findings = find_hidden_specialists(world.history())
    assert findings
    for f in findings:
        assert f.group is not None and f.group.startswith("Desk team")
        assert f.group_share is not None and f.group_q_value is not None
        assert f.share >= 2 * f.group_share and f.share - f.group_share >= 0.10
        assert f.group_peers >= 2
    scores = [f.score for f in findings]
    assert scores == sorted(scores, reverse=True)
    # a whole team's focus domain is its routing, not anyone's hidden depth
    focus_only = {(f.person, f.area) for f in findings} - world.planted
    assert focus_only == set()


def test_the_next_step_follows_coverage_share_and_quality() -> None:
    from dataclasses import replace

    from deskmix.people.hidden import next_step

    world = generate_history(3)
    hit = find_hidden_specialists(world.history())[0]
    assert next_step(hit, {hit.area: 1})[0] == "cross-train"
    assert next_step(replace(hit, share=0.6), {hit.area: 4})[0] == "move"
    slow = replace(hit, share=0.3, median_hours=10.0, peer_median_hours=5.0)
    assert next_step(slow, {hit.area: 4})[0] == "certify"
    quick = replace(
        hit,
        share=0.3,
        median_hours=4.0,
        peer_median_hours=5.0,
        first_time_rate=0.9,
        peer_first_time_rate=0.8,
    )
    assert next_step(quick, {hit.area: 4})[0] == "recognise"
