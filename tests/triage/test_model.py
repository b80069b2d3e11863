"""Predictions: valid labels, honest abstention, probabilities that add up, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.model import TriageModel
from deskmix.triage.targets import ABSTAIN

WORDS = st.sampled_from(
    [
        "vpn",
        "password",
        "printer",
        "urgent",
        "all",
        "users",
        "laptop",
        "the",
        "xyzzy",
        "wifi",
        "locked",
        "dns",
        "monitor",
        "please",
        "help",
        "ünïcødé",
        "42",
    ]
)
TEXTS = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(text=TEXTS, threshold=st.floats(0.0, 1.0))
def test_answers_are_valid_labels_or_abstain(
    trained: TriageModel, text: str, threshold: float
) -> None:
    answer = trained.predict([text], threshold=threshold)[0]
    assert set(answer) == {"domain", "tier", "priority"}
    for name, prediction in answer.items():
        labels = (
            {"P1", "P2", "P3", "P4", "P5"}
            if name == "priority"
            else set(trained.models[name].classes)
        )
        assert prediction.best_guess in labels
        assert math.isclose(sum(prediction.probabilities.values()), 1.0, abs_tol=1e-6)
        assert prediction.confidence == pytest.approx(max(prediction.probabilities.values()))
        assert prediction.abstain == (prediction.confidence < threshold)
        assert prediction.label == (ABSTAIN if prediction.abstain else prediction.best_guess)


@settings(max_examples=20, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=4))
def test_same_input_same_output_alone_or_in_a_batch(trained: TriageModel, texts: list[str]) -> None:
    batch = trained.predict(texts)
    again = [trained.predict([t])[0] for t in texts]
    assert batch == again


def test_learns_the_fixture_desk(trained: TriageModel) -> None:
    answers = trained.predict(
        ["vpn not connecting at all", "please reset my password", "printer jammed"], threshold=0.0
    )
    assert [a["domain"].label for a in answers] == ["network", "accounts_access", "end_user"]
    assert "vpn" in answers[0]["domain"].explanation


def test_priority_combines_impact_and_urgency_through_the_matrix(trained: TriageModel) -> None:
    text = "urgent: all users vpn not connecting"
    answer = trained.predict([text], threshold=0.0)[0]
    impact = trained.models["impact"].predict_proba([text])[0]
    urgency = trained.models["urgency"].predict_proba([text])[0]
    matrix = PriorityMatrix()
    expected: dict[str, float] = {}
    for i, ip in zip(trained.models["impact"].classes, impact, strict=True):
        for u, up in zip(trained.models["urgency"].classes, urgency, strict=True):
            key = str(matrix.priority(int(i), int(u)))
            expected[key] = expected.get(key, 0.0) + float(ip * up)
    assert answer["priority"].probabilities == pytest.approx(expected)
    assert answer["priority"].best_guess == "P1"


def test_probabilities_rows_sum_to_one(trained: TriageModel) -> None:
    proba = trained.models["domain"].predict_proba(["vpn", "printer", "nothing known here"])
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_untrained_target_and_bad_threshold_are_refused(trained: TriageModel) -> None:
    only_domain = TriageModel({"domain": trained.models["domain"]})
    with pytest.raises(InputError, match="no trained 'tier' target"):
        only_domain.predict(["vpn"], targets=["tier"])
    with pytest.raises(InputError, match="threshold"):
        trained.predict(["vpn"], threshold=1.5)
