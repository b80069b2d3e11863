"""A trained model scored on labelled tickets it never saw: per head, accuracy and calibration.

Cross-validation (``evaluate.py``) says how a training recipe does on its own data; this says
how one finished model does on a desk's held-out tickets, or on the hand-written set the
benchmark keeps. Priority is scored as the model composes it (impact x urgency through the
model's matrix), against the labelled priority, or impact and urgency through the same matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deskmix.errors import InputError
from deskmix.triage.metrics import Scores, score
from deskmix.triage.model import TriageModel
from deskmix.triage.targets import DOMAIN, IMPACT, PRIORITY, TIER, URGENCY

HEADS: tuple[str, ...] = (DOMAIN, TIER, IMPACT, URGENCY, PRIORITY)


@dataclass(frozen=True)
class HeadScore:
    target: str
    scores: Scores
    most_predicted: str
    most_predicted_share: float


def _truth(frame: pd.DataFrame, target: str, model: TriageModel) -> pd.Series:
    if target != PRIORITY or (PRIORITY in frame and frame[PRIORITY].notna().any()):
        return frame[target] if target in frame else pd.Series(None, index=frame.index)
    both = frame[IMPACT].notna() & frame[URGENCY].notna()
    composed = [
        str(model.matrix.priority(int(i), int(u))) if ok else None
        for i, u, ok in zip(frame[IMPACT], frame[URGENCY], both, strict=True)
    ]
    return pd.Series(composed, index=frame.index)


def score_model(
    model: TriageModel, frame: pd.DataFrame, targets: Sequence[str] = HEADS
) -> list[HeadScore]:
    """Scores per head the model answers and ``frame`` (``labels.training_frame``) labels."""
    out = []
    for target in targets:
        answers_it = target in model.models or (target == PRIORITY and PRIORITY in model.answers)
        if not answers_it or target not in frame:
            continue
        truth = _truth(frame, target, model)
        rows = truth.notna()
        if not rows.any():
            continue
        texts = frame.loc[rows, "text"].astype(str).tolist()
        answers = (
            model.models[target].predict(texts, 0.0, explain=False)
            if target in (IMPACT, URGENCY)
            else [a[target] for a in model.predict(texts, targets=[target], explain=False)]
        )
        classes = sorted({*answers[0].probabilities, *truth[rows].astype(str)})
        proba = np.asarray([[a.probabilities.get(c, 0.0) for c in classes] for a in answers])
        predicted = pd.Series([a.best_guess for a in answers]).value_counts()
        out.append(
            HeadScore(
                target,
                score(truth[rows].astype(str).tolist(), proba, classes),
                str(predicted.index[0]),
                float(predicted.iloc[0]) / len(answers),
            )
        )
    if not out:
        raise InputError(
            "the tickets carry none of the labels this model answers",
            expected=f"columns among {', '.join(HEADS)}",
        )
    return out
