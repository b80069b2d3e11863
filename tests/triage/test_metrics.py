"""Quality figures: checked against cases whose answer is known by construction."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.triage.metrics import accuracy_at_coverage, score
from deskmix.triage.text import clean_text, readable_text, ticket_text


def test_perfect_and_known_scores() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.45, 0.55]])
    s = score(["a", "b", "b", "a"], proba, ["a", "b"])
    assert s.accuracy == 0.5
    assert s.confusion == [[1, 1], [1, 1]]
    assert accuracy_at_coverage(proba.max(1), np.array([True, True, False, False]), 0.5) == 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.5, 1.0), min_size=5, max_size=50))
def test_ece_is_zero_when_confidence_equals_accuracy(confidences: list[float]) -> None:
    proba = np.array([[c, 1 - c] for c in confidences])
    s = score(["a"] * len(confidences), proba, ["a", "b"])
    assert s.accuracy == 1.0
    assert abs(s.ece - float(np.mean([1 - c for c in confidences]))) < 1e-9


@given(st.text(max_size=40), st.text(max_size=40))
def test_ticket_text_is_clean_and_stable(title: str, body: str) -> None:
    text = ticket_text(title, body)
    assert text == clean_text(text)
    assert "_x000d_" not in text


@given(st.text(max_size=40), st.text(max_size=40))
def test_ticket_text_weighs_the_title_twice_only_beside_a_body(title: str, body: str) -> None:
    head, rest = clean_text(title), clean_text(body)
    text = ticket_text(title, body)
    if head and rest and head != rest:
        assert text == f"{head} {head} {rest}"
    else:
        assert text == (head or rest)
    assert ticket_text(title, None) == head
    assert ticket_text(None, body) == rest
    shown = readable_text(title, body)
    assert shown == (f"{head} {rest}" if head and rest and head != rest else head or rest)
