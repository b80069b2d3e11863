"""Compile a fitted scikit-learn triage pipeline into a ``LinearTextModel`` (arrays only).

Only the shapes ``pipeline.build_pipeline`` makes are accepted; anything else is refused with
the reason, so a pipeline that would predict differently once compiled cannot slip through.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deskmix.triage.linear import Block, CueBlock, Fold, LinearTextModel, TermBlock
from deskmix.triage.pipeline import CueFeatures


class NotCompilableError(ValueError):
    """The pipeline has a step or setting the array form does not reproduce."""


def compile_pipeline(pipeline: Any) -> LinearTextModel:
    union = pipeline.named_steps["features"]
    blocks: list[Block] = []
    for name, step in union.transformer_list:
        if getattr(union, "transformer_weights", None):
            raise NotCompilableError("transformer weights")
        blocks.append(_block(name, step))
    calibrated = pipeline.named_steps["classifier"]
    classes = tuple(str(c) for c in calibrated.classes_)
    folds = tuple(_fold(c, len(classes)) for c in calibrated.calibrated_classifiers_)
    return LinearTextModel(classes, tuple(blocks), folds)


def _block(name: str, step: Any) -> Block:
    if isinstance(step, CueFeatures):
        return CueBlock(step.cue_list)
    settings = (step.lowercase, step.norm, step.use_idf, step.sublinear_tf, step.binary)
    if settings != (True, "l2", True, True, False) or step.stop_words or step.preprocessor:
        raise NotCompilableError(f"block '{name}': settings {settings}")
    if step.analyzer not in ("word", "char_wb"):
        raise NotCompilableError(f"block '{name}': analyzer {step.analyzer!r}")
    terms = [""] * len(step.vocabulary_)
    for term, column in step.vocabulary_.items():
        terms[column] = term
    return TermBlock(
        kind="word" if step.analyzer == "word" else "char",
        ngram_range=(int(step.ngram_range[0]), int(step.ngram_range[1])),
        terms=tuple(terms),
        idf=np.asarray(step.idf_, dtype=float),
        pattern=step.token_pattern,
    )


def _single(weights: Any) -> np.ndarray:
    """Weights kept to single precision (7 significant digits), the precision they are saved
    in: it halves a model's size, moves probabilities by less than 1e-6, and a model predicts
    the same before and after saving."""
    return np.asarray(weights, dtype=np.float32).astype(float)


def _fold(calibrated: Any, n_classes: int) -> Fold:
    estimator = calibrated.estimator
    coef = _single(estimator.coef_)
    intercept = np.asarray(estimator.intercept_, dtype=float)
    if len(estimator.classes_) != n_classes:
        raise NotCompilableError("a calibration fold did not see every class")
    method = calibrated.method
    calibrators = calibrated.calibrators
    if method == "temperature":
        return Fold(coef, intercept, method, {"beta": np.asarray([calibrators[0].beta_])})
    if method == "sigmoid":
        return Fold(
            coef,
            intercept,
            method,
            {
                "a": np.asarray([c.a_ for c in calibrators], dtype=float),
                "b": np.asarray([c.b_ for c in calibrators], dtype=float),
            },
        )
    if method == "isotonic":
        arrays: dict[str, np.ndarray] = {}
        for row, c in enumerate(calibrators):
            arrays[f"x{row}"] = np.asarray(c.X_thresholds_, dtype=float)
            arrays[f"y{row}"] = np.asarray(c.y_thresholds_, dtype=float)
        return Fold(coef, intercept, method, arrays)
    raise NotCompilableError(f"calibration method {method!r}")
