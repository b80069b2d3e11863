"""The hidden-specialist detector against generated history with planted specialists."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskmix.people.generator import HistorySpec, generate_history
from deskmix.people.hidden import HiddenRule, benjamini_hochberg, find_hidden_specialists

SEEDS = range(20)


def test_planted_specialists_are_found_with_precision_and_recall_of_at_least_0_9() -> None:
    rule = HiddenRule()  # the documented defaults: FDR 0.01, 10 tickets, 2x the peers' share
    true_pos = false_pos = missed = 0
    for seed in SEEDS:
        world = generate_history(seed)
        found = {(f.person, f.area) for f in find_hidden_specialists(world.history(), rule)}
        true_pos += len(found & world.planted)
        false_pos += len(found - world.planted)
        missed += len(world.planted - found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + missed)
    print(f"\nprecision {precision:.3f}, recall {recall:.3f} over {len(SEEDS)} seeds")
    assert precision >= 0.9 and recall >= 0.9


def test_no_specialists_are_found_where_none_were_planted() -> None:
    for seed in SEEDS:
        world = generate_history(seed, HistorySpec(hidden=0))
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
