"""Quality figures of a set of predictions: accuracy, macro-F1, calibration and coverage.

Calibration matters as much as accuracy here: the abstain threshold is set in probability
terms, so the expected calibration error (ECE) says whether "0.9" means nine in ten.
Accuracy at 80% coverage is the accuracy on the 80% of tickets the model is most sure of:
what a desk gets if it lets triage decide alone for most tickets and sends the rest to people.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import (  # type: ignore[import-untyped]
    accuracy_score,
    confusion_matrix,
    f1_score,
)

ECE_BINS = 15


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class Scores:
    """Everything the benchmark and the evaluation report show for one target."""

    n: int
    accuracy: float
    macro_f1: float
    ece: float
    accuracy_at_80: float
    per_class_f1: dict[str, float]
    labels: list[str]
    confusion: list[list[int]]
    reliability: list[ReliabilityBin]

    def summary(self) -> dict[str, float]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "ece": round(self.ece, 4),
            "accuracy_at_80_coverage": round(self.accuracy_at_80, 4),
        }


def reliability(
    confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS
) -> list[ReliabilityBin]:
    """Equal-width confidence bins with their mean confidence and accuracy (empty bins left out)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high) if low > 0 else confidence <= high
        if inside.any():
            out.append(
                ReliabilityBin(
                    float(low),
                    float(high),
                    int(inside.sum()),
                    float(confidence[inside].mean()),
                    float(correct[inside].mean()),
                )
            )
    return out


def expected_calibration_error(bins: Sequence[ReliabilityBin]) -> float:
    total = sum(b.count for b in bins)
    if total == 0:
        return 0.0
    return float(sum(b.count * abs(b.accuracy - b.confidence) for b in bins) / total)


def accuracy_at_coverage(
    confidence: np.ndarray, correct: np.ndarray, coverage: float = 0.8
) -> float:
    """Accuracy on the ``coverage`` share of predictions with the highest confidence."""
    keep = max(1, round(coverage * len(confidence)))
    order = np.argsort(-confidence, kind="stable")[:keep]
    return float(correct[order].mean())


def score(truth: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> Scores:
    """Scores of probabilistic predictions (rows of ``proba`` in ``classes`` order)."""
    truth_arr = np.asarray([str(t) for t in truth])
    class_arr = np.asarray([str(c) for c in classes])
    predicted = class_arr[np.argmax(proba, axis=1)]
    confidence = proba.max(axis=1)
    correct = predicted == truth_arr
    labels = sorted(set(truth_arr) | set(class_arr))
    per_class = f1_score(truth_arr, predicted, labels=labels, average=None, zero_division=0)
    bins = reliability(confidence, correct)
    return Scores(
        n=len(truth_arr),
        accuracy=float(accuracy_score(truth_arr, predicted)),
        macro_f1=float(
            f1_score(
                truth_arr,
                predicted,
                labels=sorted(set(truth_arr)),
                average="macro",
                zero_division=0,
            )
        ),
        ece=expected_calibration_error(bins),
        accuracy_at_80=accuracy_at_coverage(confidence, correct),
        per_class_f1={label: float(f) for label, f in zip(labels, per_class, strict=True)},
        labels=labels,
        confusion=confusion_matrix(truth_arr, predicted, labels=labels).tolist(),
        reliability=bins,
    )
