"""A trained text model as plain arrays: term counting, the linear scores and calibration.

Training uses scikit-learn (``pipeline.py``); prediction does not need it. A fitted pipeline
(TF-IDF blocks and cue indicators into a linear SVM per calibration fold, each fold's scores
turned into probabilities by its calibrator, the folds averaged) is compiled into this form by
``compile.py``. Why: importing scikit-learn and skops and unpacking a skops file took most of a
cold ``deskmix triage predict`` (4-10 s on 2 cores), while the arithmetic takes milliseconds;
and a model that is only arrays and JSON (``numpy.load(allow_pickle=False)``) cannot run code
when loaded, whatever file it is given. ``tests/triage/test_linear.py`` holds this form equal
to the scikit-learn pipeline it came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from deskmix.triage.cues import Cue, fired
from deskmix.triage.terms import WORD_PATTERN, char_terms, word_terms

Calibration = Literal["temperature", "sigmoid", "isotonic"]

Entries = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(rows, columns, values) of a batch's non-zero features."""

SCIPY_FROM_ROWS = 32
"""Batches above this many rows multiply with SciPy (fast on many rows, but its import costs
a cold one-ticket prediction a third of its start-up); smaller ones with NumPy alone."""

PRODUCT_CHUNK = 2_000_000
"""Non-zeros x classes multiplied at once: bounds the memory of a large batch."""


@dataclass(frozen=True)
class TermBlock:
    """TF-IDF over word or character n-grams: sublinear counts x idf, L2-normalised."""

    kind: Literal["word", "char"]
    ngram_range: tuple[int, int]
    terms: tuple[str, ...]
    """Column order: ``terms[i]`` is column ``i`` of the block."""
    idf: np.ndarray
    pattern: str = WORD_PATTERN

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.terms)}

    @property
    def width(self) -> int:
        return len(self.terms)

    def entries(self, texts: Sequence[str]) -> Entries:
        """(row, column, value) of every known term, the whole batch's arithmetic at once."""
        get = self.vocabulary.get
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            found = (
                word_terms(text, self.ngram_range, self.pattern)
                if self.kind == "word"
                else char_terms(text, self.ngram_range)
            )
            known = [(i, n) for t, n in Counter(found).items() if (i := get(t)) is not None]
            if known:
                rows.extend([row] * len(known))
                these, times = zip(*known, strict=True)
                cols.extend(these)
                counts.extend(times)
        row_arr = np.asarray(rows, dtype=np.int64)
        col_arr = np.asarray(cols, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=float))) * self.idf[col_arr]
        norms = np.sqrt(np.bincount(row_arr, values * values, minlength=len(texts)))
        if len(values):
            values /= norms[row_arr]
        return row_arr, col_arr, values


@dataclass(frozen=True)
class CueBlock:
    """One 0/1 column per cue of ``cues.py``."""

    cues: tuple[Cue, ...]

    @property
    def width(self) -> int:
        return len(self.cues)

    def entries(self, texts: Sequence[str]) -> Entries:
        found = [(row, col) for row, text in enumerate(texts) for col in fired(self.cues, text)]
        pairs = np.asarray(found, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1], np.ones(len(pairs))


Block = TermBlock | CueBlock


@dataclass(frozen=True)
class Rows:
    """Sparse feature rows in compressed-row form (the layout of SciPy's ``csr_matrix``).

    Prediction needs two things of its features: a product with a fold's weights and a row's
    entries for explanations; this does both with NumPy, so a cold prediction does not import
    SciPy (a third of its start-up time on a busy machine).
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.indptr) - 1, self.width

    def times(self, weights: np.ndarray) -> np.ndarray:
        """rows @ weights.T for dense (k x width) weights: one row of k scores per row."""
        n = len(self.indptr) - 1
        if n > SCIPY_FROM_ROWS:
            import scipy.sparse as sp  # a batch: SciPy's product, without the gathered copy

            matrix = sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)
            return np.asarray(matrix @ weights.T)
        out = np.zeros((n, weights.shape[0]))
        columns = weights.T
        step = max(1, PRODUCT_CHUNK // max(1, weights.shape[0]))
        start = 0
        while start < n:  # rows in chunks of about ``step`` non-zeros
            end = int(np.searchsorted(self.indptr, self.indptr[start] + step, side="right"))
            end = min(n, max(end - 1, start + 1))
            lo, hi = self.indptr[start], self.indptr[end]
            if hi > lo:
                products = columns[self.indices[lo:hi]] * self.data[lo:hi, None]
                starts = self.indptr[start:end] - lo
                filled = np.diff(self.indptr[start : end + 1]) > 0
                out[start:end][filled] = np.add.reduceat(products, starts[filled], axis=0)
            start = end
        return out

    def take(self, rows: Sequence[int] | np.ndarray) -> Rows:
        """The given rows, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        spans = [np.arange(a, b, dtype=np.int64) for a, b in zip(starts, ends, strict=True)]
        pick = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(ends - starts)])
        return Rows(indptr, self.indices[pick], self.data[pick], self.width)


@dataclass(frozen=True)
class Fold:
    """One calibration fold's linear scores and how they become probabilities.

    ``coef`` is (rows x features) with one row per class, or a single row (the second class's
    score) for two classes, as a linear SVM gives them. ``calibration`` holds ``beta`` for
    temperature scaling, per-row ``a``/``b`` for Platt's sigmoid, or per-row thresholds for
    isotonic regression.
    """

    coef: np.ndarray
    intercept: np.ndarray
    method: Calibration
    calibration: dict[str, np.ndarray]

    def proba(self, features: Rows, n_classes: int) -> np.ndarray:
        scores = features.times(self.coef) + self.intercept
        if self.method == "temperature":
            logits = np.hstack([-scores, scores]) if scores.shape[1] == 1 else scores
            return _softmax(float(self.calibration["beta"][0]) * logits)
        columns = [self._calibrate(scores[:, i], i) for i in range(scores.shape[1])]
        if n_classes == 2:
            positive = columns[0]
            pair: np.ndarray = np.column_stack([1.0 - positive, positive])
            return pair
        proba = np.column_stack(columns)
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / n_classes)
        result: np.ndarray = np.divide(proba, total, out=uniform, where=total != 0)
        return result

    def _calibrate(self, scores: np.ndarray, row: int) -> np.ndarray:
        if self.method == "sigmoid":
            a, b = self.calibration["a"][row], self.calibration["b"][row]
            sigmoid: np.ndarray = 1.0 / (1.0 + np.exp(a * scores + b))
            return sigmoid
        x = self.calibration[f"x{row}"]
        return np.asarray(np.interp(scores, x, self.calibration[f"y{row}"]))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


@dataclass(frozen=True)
class LinearTextModel:
    """Text -> calibrated class probabilities, from arrays alone."""

    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    folds: tuple[Fold, ...]

    @cached_property
    def offsets(self) -> list[int]:
        out, at = [], 0
        for block in self.blocks:
            out.append(at)
            at += block.width
        return out

    @property
    def width(self) -> int:
        return sum(block.width for block in self.blocks)

    def features(self, texts: Sequence[str]) -> Rows:
        """One row per text: every block's columns side by side."""
        parts = [block.entries(texts) for block in self.blocks]
        rows = np.concatenate([p[0] for p in parts])
        cols = np.concatenate(
            [p[1] + offset for p, offset in zip(parts, self.offsets, strict=True)]
        )
        data = np.concatenate([p[2] for p in parts])
        order = np.lexsort((cols, rows))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(texts)))])
        return Rows(indptr.astype(np.int64), cols[order], data[order], self.width)

    def proba(self, features: Rows) -> np.ndarray:
        """The folds' calibrated probabilities averaged (columns in ``classes`` order)."""
        total = np.zeros((features.shape[0], len(self.classes)))
        for fold in self.folds:
            total += fold.proba(features, len(self.classes))
        total /= len(self.folds)
        total[(total > 1.0) & (total <= 1.0 + 1e-5)] = 1.0
        return total

    @cached_property
    def mean_weights(self) -> np.ndarray:
        """(classes x features) weights averaged over folds, one row per class even for two:
        what explanations rank words and cues by."""
        coef = np.mean([fold.coef for fold in self.folds], axis=0)
        if coef.shape[0] == 1:
            coef = np.vstack([-coef[0], coef[0]])
        result: np.ndarray = coef
        return result
