"""The text classifier every target uses: word and character TF-IDF into a calibrated linear SVM.

Why this shape: ticket texts are short, misspelt and full of product names, so character
n-grams catch what words miss ("outlok", "vpn-client"); a linear model trains in seconds on
tens of thousands of tickets, predicts in well under a millisecond and its coefficients say
which words drove a decision. An SVM's margins are not probabilities, so they are calibrated on
held-out folds (``CalibratedClassifierCV``): a confidence of 0.9 should be right nine times in
ten, which is what makes an abstain threshold meaningful.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

SMALL_DATA = 2000
"""Below this many tickets every word counts (min_df 1); above it, words seen once are noise."""


@dataclass(frozen=True)
class TrainOptions:
    """Knobs of the pipeline; the defaults were tuned on the Kaggle topics benchmark."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (3, 4)
    char_features: int = 50_000
    c: float = 1.0
    class_weight: Literal["balanced"] | None = "balanced"
    calibration: Literal["sigmoid", "isotonic", "temperature"] = "temperature"
    folds: int = 3
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def build_pipeline(options: TrainOptions, n_examples: int, smallest_class: int) -> Pipeline:
    """An unfitted pipeline; folds shrink to the smallest class so a label with two works."""
    min_df = 1 if n_examples < SMALL_DATA else 2
    transformers: list[tuple[str, TfidfVectorizer]] = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=options.word_ngrams,
                sublinear_tf=True,
                min_df=min_df,
                token_pattern=r"(?u)\b\w[\w'.-]*\w\b|\b\w\b",
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
    features = FeatureUnion(transformers)
    folds = max(2, min(options.folds, smallest_class))
    classifier = CalibratedClassifierCV(
        LinearSVC(C=options.c, class_weight=options.class_weight, random_state=options.seed),
        method=options.calibration,
        cv=StratifiedKFold(folds, shuffle=True, random_state=options.seed),
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def slim(pipeline: Pipeline) -> Pipeline:
    """Make the saved model small: drop what prediction never reads (``stop_words_``, every
    term cut by min_df or max_features) and store vocabulary indices as plain ints (skops
    writes each NumPy scalar as a file of its own, which made models ten times larger)."""
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
        vectorizer.vocabulary_ = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    return pipeline
