"""The text classifier every target uses: word and character TF-IDF into a calibrated linear SVM.

Why this shape: ticket texts are short, misspelt and full of product names, so character
n-grams catch what words miss ("outlok", "vpn-client"); a linear model trains in seconds on
tens of thousands of tickets, predicts in well under a millisecond and its coefficients say
which words drove a decision. An SVM's margins are not probabilities, so they are calibrated on
held-out folds (``CalibratedClassifierCV``): a confidence of 0.9 should be right nine times in
ten, which is what makes an abstain threshold meaningful.

Class weights are "sqrt" by default: each class weighs (n / (k x n_class)) ** 0.5, halfway (in
log scale) between none and scikit-learn's "balanced". Full balancing pulls tickets toward
groups with a handful of examples and cost 1.5 points of cross-validated accuracy (3 before
calibration) on the ServiceNow training split; no weighting neglects the small classes (lower
macro-F1). On Kaggle topics the three are within 0.1 point. Measured by cross-validation on
the benchmarks' training splits only, see docs/benchmarks.md.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin  # type: ignore[import-untyped]
from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from deskmix.triage.cues import Cue, cues_from_pairs, fired, load_cues
from deskmix.triage.options import TrainOptions
from deskmix.triage.terms import WORD_PATTERN

SMALL_DATA = 2000
"""Below this many tickets every word counts (min_df 1); above it, words seen once are noise."""

MANY_FOLDS_BELOW = 20_000
"""Below this many tickets calibration uses 5 folds, above it 3 (when ``folds`` is None).

Each fold's SVM learns from the other folds, so 5 folds let it see 80% of scarce data instead
of 67% (cross-validated on the ServiceNow training split: +0.6 points accuracy and +2 points
macro-F1 over the 2 folds its rarest labels used to force); on tens of thousands of tickets
the gain vanishes and the training time would nearly double (the 47,837-ticket benchmark must
train in under a minute on 2 cores)."""


class SoftBalancedSVC(LinearSVC):  # type: ignore[misc]
    """A ``LinearSVC`` whose classes weigh (n / (k x n_class)) ** ``power``.

    ``power=1`` is scikit-learn's "balanced", 0 is no weighting. The weights are computed from
    the ``y`` that ``fit`` receives, not fixed up front, because ``CalibratedClassifierCV``
    hands its estimator integer-encoded labels of one fold. They go to liblinear as class
    weights (in each one-vs-rest problem they scale the positive class), exactly as
    ``class_weight="balanced"`` does, so the two ends match scikit-learn's own options.
    """

    def __init__(
        self,
        *,
        power: float = 0.5,
        C: float = 1.0,  # noqa: N803 - scikit-learn's name, so get_params/clone work
        random_state: int | None = None,
        max_iter: int = 1000,
    ) -> None:
        super().__init__(C=C, random_state=random_state, max_iter=max_iter)
        self.power = power

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> SoftBalancedSVC:  # noqa: N803
        labels, counts = np.unique(np.asarray(y), return_counts=True)
        weights = (counts.sum() / (len(counts) * counts.astype(float))) ** self.power
        # Not a constructor parameter here (get_params does not list it): set per fit.
        self.class_weight = {
            label: float(w) for label, w in zip(labels.tolist(), weights, strict=True)
        }
        super().fit(X, y, sample_weight=sample_weight)
        return self


class CueFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One 0/1 column per cue (see ``cues.py``): which scope, effect and urgency cues fire.

    ``cues`` holds (name, patterns) pairs rather than compiled objects so that scikit-learn can
    clone the step for each calibration fold, and the compiled model can store them as JSON.
    """

    def __init__(self, cues: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        self.cues = cues

    @property
    def cue_list(self) -> tuple[Cue, ...]:
        return cues_from_pairs(self.cues)

    def fit(self, X: Any, y: Any = None) -> CueFeatures:  # noqa: N803
        return self

    def transform(self, X: Any) -> sp.csr_matrix:  # noqa: N803
        cues = self.cue_list
        rows = [fired(cues, str(text)) for text in X]
        indptr = np.cumsum([0, *(len(r) for r in rows)])
        indices = np.asarray([c for r in rows for c in r], dtype=np.int64)
        data = np.ones(len(indices))
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(cues)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"cue:{name}" for name, _ in self.cues], dtype=object)


def cue_pairs(cues: tuple[Cue, ...] | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The shipped cues (or ``cues``) as the (name, patterns) pairs ``CueFeatures`` takes."""
    return tuple((cue.name, cue.patterns) for cue in (cues or load_cues()))


def classifier(options: TrainOptions) -> LinearSVC:
    """The SVM for ``options.class_weight`` (plain LinearSVC for "balanced" or none)."""
    if options.class_weight == "sqrt":
        return SoftBalancedSVC(power=0.5, C=options.c, random_state=options.seed)
    return LinearSVC(C=options.c, class_weight=options.class_weight, random_state=options.seed)


def calibration_folds(options: TrainOptions, labels: Sequence[str]) -> Any:
    """A ``StratifiedKFold``, or its (train, test) index pairs when a label has fewer examples
    than folds.

    scikit-learn refuses a splitter with more folds than the rarest label has examples, and
    shrinking every desk's folds to its rarest label (2 on a desk with a few tiny groups) trains
    each fold's SVM on half the data. A stratified split gives a label with at least two
    examples one in every training fold anyway, so such data gets the same folds as explicit
    index lists.
    """
    n_examples = len(labels)
    wanted = options.folds or (5 if n_examples < MANY_FOLDS_BELOW else 3)
    folds = max(2, min(wanted, n_examples // 2))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=options.seed)
    if min(Counter(labels).values()) >= folds:
        return splitter
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(splitter.split(np.zeros(n_examples), np.asarray(labels)))


def build_pipeline(options: TrainOptions, labels: Sequence[str]) -> Pipeline:
    """An unfitted pipeline for these training labels (their count sets min_df and folds)."""
    n_examples = len(labels)
    min_df = 1 if n_examples < SMALL_DATA else 2
    transformers: list[tuple[str, TfidfVectorizer]] = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=options.word_ngrams,
                sublinear_tf=True,
                min_df=min_df,
                token_pattern=WORD_PATTERN,
            ),
        )
    ]
    if options.char_ngrams is not None:
        transformers.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=options.char_ngrams,
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=options.char_features,
                ),
            )
        )
    steps: list[tuple[str, Any]] = list(transformers)
    if options.cues:
        chosen = load_cues(Path(options.cue_file)) if options.cue_file else None
        steps.append(("cues", CueFeatures(cue_pairs(chosen))))
    features = FeatureUnion(steps)
    calibrated = CalibratedClassifierCV(
        classifier(options), method=options.calibration, cv=calibration_folds(options, labels)
    )
    return Pipeline([("features", features), ("classifier", calibrated)])
