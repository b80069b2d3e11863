"""Fitted triage models and their answers: label, calibrated confidence, abstain, explanation.

One ``TargetModel`` per learnt target; ``TriageModel`` holds them with the desk's ITIL matrix
and composes priority from impact and urgency, so the router gets one answer per ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.targets import ABSTAIN, DOMAIN, IMPACT, PRIORITY, TIER, URGENCY

EXPLAIN_WORDS = 5


@dataclass(frozen=True)
class TargetPrediction:
    """One target's answer for one ticket.

    ``label`` is ``abstain`` when ``confidence`` (the calibrated probability of the best label)
    is below the threshold; ``best_guess`` keeps the model's choice for the human who decides.
    """

    label: str
    best_guess: str
    confidence: float
    abstain: bool
    explanation: list[str]
    probabilities: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "abstain": self.abstain,
            "explanation": self.explanation,
        }
        if self.abstain:
            out["best_guess"] = self.best_guess
        return out


@dataclass
class TargetModel:
    """A fitted pipeline for one target plus what it was trained on (``metadata``)."""

    target: str
    pipeline: Pipeline
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.pipeline.named_steps["features"].transform(texts)

    def proba(self, features: sp.csr_matrix) -> np.ndarray:
        result: np.ndarray = self.pipeline.named_steps["classifier"].predict_proba(features)
        return result

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``classes`` order."""
        return self.proba(self.transform(texts))

    @cached_property
    def _word_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(classes x word features) weights, averaged over the calibration folds, and names.

        Only word features explain: character n-grams drive decisions too, but "pn d" tells
        a person nothing.
        """
        union = self.pipeline.named_steps["features"]
        words = dict(union.transformer_list)["word"]
        names = np.asarray(words.get_feature_names_out())
        n_words = len(names)
        calibrated = self.pipeline.named_steps["classifier"].calibrated_classifiers_
        coef = np.mean([c.estimator.coef_[:, :n_words] for c in calibrated], axis=0)
        if coef.shape[0] == 1:  # binary: one row for the second class
            coef = np.vstack([-coef[0], coef[0]])
        return coef, names

    def explain(self, features: sp.csr_matrix, row: int, class_index: int) -> list[str]:
        """Words with the largest positive pull (weight x tf-idf) toward the class."""
        return self._explain(self._words(features), row, class_index)

    def _words(self, features: sp.csr_matrix) -> sp.csr_matrix:
        """The word block of ``features``, cut once per batch: slicing row by row cost more
        than the rest of a prediction on long tickets."""
        return sp.csr_matrix(features)[:, : len(self._word_weights[1])]

    def _explain(self, words: sp.csr_matrix, row: int, class_index: int) -> list[str]:
        coef, names = self._word_weights
        start, end = words.indptr[row], words.indptr[row + 1]
        if start == end:
            return []
        cols = words.indices[start:end]
        pull = coef[class_index, cols] * words.data[start:end]
        order = np.argsort(-pull, kind="stable")[:EXPLAIN_WORDS]
        return [str(names[cols[i]]) for i in order if pull[i] > 0]

    def predict(
        self, texts: Sequence[str], threshold: float, *, explain: bool = True
    ) -> list[TargetPrediction]:
        features = self.transform(texts)
        proba = self.proba(features)
        words = self._words(features) if explain else None
        classes = self.classes
        out = []
        for row, p in enumerate(proba):
            best = int(np.argmax(p))
            out.append(
                _answer(
                    classes[best],
                    float(p[best]),
                    threshold,
                    self._explain(words, row, best) if words is not None else [],
                    dict(zip(classes, p.tolist(), strict=True)),
                )
            )
        return out


def _answer(
    best: str, confidence: float, threshold: float, why: list[str], probs: dict[str, float]
) -> TargetPrediction:
    abstain = confidence < threshold
    return TargetPrediction(ABSTAIN if abstain else best, best, confidence, abstain, why, probs)


@dataclass
class TriageModel:
    """All of a desk's target models, the matrix for priority, and where they came from."""

    models: dict[str, TargetModel]
    matrix: PriorityMatrix = field(default_factory=PriorityMatrix)
    description: str = ""

    @property
    def answers(self) -> list[str]:
        """The targets this model can answer (priority when impact+urgency or priority exist)."""
        out: list[str] = [t for t in (DOMAIN, TIER) if t in self.models]
        if PRIORITY in self.models or (IMPACT in self.models and URGENCY in self.models):
            out.append(PRIORITY)
        return out

    def require(self, targets: Sequence[str]) -> None:
        for target in targets:
            if target not in self.answers:
                raise InputError(
                    f"this model has no trained '{target}' target",
                    value=target,
                    expected=f"one of {', '.join(self.answers) or 'none'}, or train it with "
                    f"'deskmix triage train --target {target}'",
                )

    def predict(
        self,
        texts: Sequence[str],
        *,
        threshold: float = 0.5,
        targets: Sequence[str] | None = None,
        explain: bool = True,
    ) -> list[dict[str, TargetPrediction]]:
        """One dict per text, target -> prediction; texts must be non-empty and cleaned."""
        if not 0.0 <= threshold <= 1.0:
            raise InputError("threshold out of range", value=threshold, expected="0 to 1")
        wanted = list(targets) if targets is not None else self.answers
        self.require(wanted)
        results: list[dict[str, TargetPrediction]] = [{} for _ in texts]
        for target in wanted:
            answers = (
                self._priority(texts, threshold, explain)
                if target == PRIORITY
                else self.models[target].predict(texts, threshold, explain=explain)
            )
            for result, answer in zip(results, answers, strict=True):
                result[target] = answer
        return results

    def _priority(
        self, texts: Sequence[str], threshold: float, explain: bool
    ) -> list[TargetPrediction]:
        """P(priority) = sum over matrix cells of P(impact) x P(urgency), or the direct model."""
        if not (IMPACT in self.models and URGENCY in self.models):
            return self.models[PRIORITY].predict(texts, threshold, explain=explain)
        impact = self.models[IMPACT].predict(texts, 0.0, explain=explain)
        urgency = self.models[URGENCY].predict(texts, 0.0, explain=explain)
        out = []
        for i, u in zip(impact, urgency, strict=True):
            probs: dict[str, float] = {}
            for il, ip in i.probabilities.items():
                for ul, up in u.probabilities.items():
                    p = str(self.matrix.priority(int(il), int(ul)))
                    probs[p] = probs.get(p, 0.0) + ip * up
            best = max(sorted(probs), key=lambda k: probs[k])
            why = list(dict.fromkeys(i.explanation + u.explanation))[:EXPLAIN_WORDS]
            out.append(_answer(best, probs[best], threshold, why, dict(sorted(probs.items()))))
        return out
