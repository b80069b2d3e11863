"""Fitted triage models and their answers: label, calibrated confidence, abstain, explanation.

One ``TargetModel`` per learnt target; ``TriageModel`` holds them with the desk's ITIL matrix
and composes priority from impact and urgency, so the router gets one answer per ticket.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.linear import CueBlock, LinearTextModel, Rows, TermBlock
from deskmix.triage.stopwords import is_stop_phrase
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
    """A compiled model for one target plus what it was trained on (``metadata``)."""

    target: str
    linear: LinearTextModel
    metadata: dict[str, Any] = field(default_factory=dict)
    fallback: TargetModel | None = None
    """The shipped model's head for the same target, answering for ``fallback_labels``."""
    fallback_labels: tuple[str, ...] = ()
    """Labels the history had too few tickets of: their probability is the fallback's."""

    @property
    def classes(self) -> list[str]:
        own = [c for c in self.linear.classes if c not in self.fallback_labels]
        return own + list(self.fallback_labels) if self.fallback is not None else own

    def transform(self, texts: Sequence[str]) -> Rows:
        return self.linear.features(texts)

    def proba(self, features: Rows) -> np.ndarray:
        return self.linear.proba(features)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``classes`` order."""
        own = self.proba(self.transform(texts))
        if self.fallback is None:
            return own
        return self._blend(own, self.fallback.predict_proba(texts))

    def _blend(self, own: np.ndarray, shipped: np.ndarray) -> np.ndarray:
        """The shipped head's probability for each fallback label as it is; the rest shared
        out by this head: P(d) = (1 - m) x P_own(d | not a fallback label), m the shipped
        mass on fallback labels. A ticket the shipped model reads as being about a domain the
        history never saw keeps that reading; the others are this history's answer."""
        assert self.fallback is not None
        keep = [i for i, c in enumerate(self.linear.classes) if c not in self.fallback_labels]
        take = [self.fallback.classes.index(label) for label in self.fallback_labels]
        theirs = shipped[:, take]
        mine = own[:, keep]
        total = mine.sum(axis=1, keepdims=True)
        mine = np.divide(mine, total, out=np.full_like(mine, 1.0 / len(keep)), where=total > 0)
        return np.hstack([(1.0 - theirs.sum(axis=1, keepdims=True)) * mine, theirs])

    @cached_property
    def _explainable(self) -> tuple[int, TermBlock | None, int, CueBlock | None]:
        """(offset, block) of the word block and of the cue block, if the model has them.

        Only words and cues explain: character n-grams drive decisions too, but "pn d" tells
        a person nothing."""
        words: tuple[int, TermBlock | None] = (0, None)
        cues: tuple[int, CueBlock | None] = (0, None)
        for offset, block in zip(self.linear.offsets, self.linear.blocks, strict=True):
            if isinstance(block, TermBlock) and block.kind == "word" and words[1] is None:
                words = (offset, block)
            elif isinstance(block, CueBlock):
                cues = (offset, block)
        return (*words, *cues)

    def explain(self, text: str, features: Rows, row: int, class_index: int) -> list[str]:
        """Words and cue matches with the largest positive pull (weight x value) toward the
        class, stop words left out ("the", "on": they weigh a little everywhere)."""
        word_at, words, cue_at, cues = self._explainable
        start, end = features.indptr[row], features.indptr[row + 1]
        cols = features.indices[start:end]
        pulls = self.linear.mean_weights[class_index, cols] * features.data[start:end]
        out: list[str] = []
        for i in np.argsort(-pulls, kind="stable"):
            if pulls[i] <= 0 or len(out) == EXPLAIN_WORDS:
                break
            col = int(cols[i])
            said: str | None = None
            if words is not None and word_at <= col < word_at + words.width:
                term = words.terms[col - word_at]
                said = None if is_stop_phrase(term) else term
            elif cues is not None and cue_at <= col < cue_at + cues.width:
                said = cues.cues[col - cue_at].match(text)
            if said and said not in out:
                out.append(said)
        return out

    def predict(
        self, texts: Sequence[str], threshold: float, *, explain: bool = True
    ) -> list[TargetPrediction]:
        features = self.transform(texts)
        proba = self.proba(features)
        shipped = None
        if self.fallback is not None:
            shipped_features = self.fallback.transform(texts)
            shipped = self.fallback.proba(shipped_features)
            proba = self._blend(proba, shipped)
        classes = self.classes
        out = []
        for row, p in enumerate(proba):
            best = int(np.argmax(p))
            why: list[str] = []
            if explain and classes[best] in self.fallback_labels and self.fallback is not None:
                index = self.fallback.classes.index(classes[best])
                why = self.fallback.explain(texts[row], shipped_features, row, index)
            elif explain:
                why = self.explain(
                    texts[row], features, row, self.linear.classes.index(classes[best])
                )
            out.append(
                _answer(
                    classes[best],
                    float(p[best]),
                    threshold,
                    why,
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


class ModelHolder:
    """One triage model, loaded on first use and shared by every request of a server.

    Loading takes about a second, so a server (the API's triage and routing, the dashboard's
    triage page) holds one and loads it lazily; thread-safe, so concurrent first requests
    load it once. ``folder`` None: the shipped default model.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        from deskmix.triage.default_model import default_model_dir

        self.folder = Path(folder) if folder else default_model_dir()
        self._model: TriageModel | None = None
        self._lock = threading.Lock()

    def model(self) -> TriageModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from deskmix.triage.persist import load_model

                    self._model = load_model(self.folder)
        return self._model
