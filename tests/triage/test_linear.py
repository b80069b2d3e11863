"""The array form of a model predicts exactly what the scikit-learn pipeline it came from does.

Prediction runs without scikit-learn (``triage/linear.py``), so these tests are what ties the
two: term counting against scikit-learn's own analysers on generated text, and probabilities
against ``Pipeline.predict_proba`` for every calibration method, two classes and many, with
and without cue features.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from deskmix.triage.arrays import BadModelFileError, load_linear, save_linear
from deskmix.triage.compile import compile_pipeline
from deskmix.triage.options import TrainOptions
from deskmix.triage.pipeline import build_pipeline
from deskmix.triage.terms import WORD_PATTERN, char_terms, word_terms

TEXTS = [
    "vpn down for the whole site!!",
    "reset my password please",
    "printer on floor 2 jammed again",
    "outlook crashes when i open it",
    "the ceo cannot log in, urgent",
    "new laptop for a starter next week",
    "wi-fi drops in the meeting room",
    "sql job failed overnight",
] * 3
LABELS = [
    "network",
    "accounts",
    "end_user",
    "end_user",
    "accounts",
    "end_user",
    "network",
    "data",
] * 3
UNSEEN = ["vpn keeps dropping", "password expired", "zzz qqq", "", "all users locked out now"]

text_strategy = st.lists(
    st.sampled_from([*"abcé zZ1-'.\t\n!,ß", "  ", "wi-fi", "can't", "İ"]), max_size=30
).map("".join)


@given(text_strategy)
@settings(max_examples=150, deadline=None)
def test_terms_equal_scikit_learns_analysers(text: str) -> None:
    word = TfidfVectorizer(token_pattern=WORD_PATTERN, ngram_range=(1, 2)).build_analyzer()
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    assert word_terms(text, (1, 2)) == word(text)
    assert char_terms(text, (2, 4)) == char(text)
    assert word_terms(text, (2, 3)) == TfidfVectorizer(
        token_pattern=WORD_PATTERN, ngram_range=(2, 3)
    ).build_analyzer()(text)


@pytest.mark.parametrize(
    ("calibration", "cues", "labels"),
    [
        ("temperature", False, LABELS),
        ("temperature", True, LABELS),
        ("temperature", True, ["a" if lab == "network" else "b" for lab in LABELS]),
        ("sigmoid", False, LABELS),
        ("sigmoid", True, ["a" if lab == "network" else "b" for lab in LABELS]),
        ("isotonic", False, LABELS),
    ],
)
def test_compiled_model_predicts_what_the_pipeline_does(
    calibration: str, cues: bool, labels: list[str], tmp_path: Path
) -> None:
    options = TrainOptions(calibration=calibration, cues=cues, folds=3)  # type: ignore[arg-type]
    pipeline = build_pipeline(options, labels).fit(TEXTS, labels)
    compiled = compile_pipeline(pipeline)
    texts = TEXTS + UNSEEN
    expected = pipeline.predict_proba(texts)
    assert list(compiled.classes) == [str(c) for c in pipeline.classes_]
    np.testing.assert_allclose(compiled.proba(compiled.features(texts)), expected, atol=1e-6)
    save_linear(compiled, tmp_path / "m.npz")
    loaded = load_linear(tmp_path / "m.npz")
    np.testing.assert_array_equal(
        loaded.proba(loaded.features(texts)), compiled.proba(compiled.features(texts))
    )


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BadModelFileError, match="not a model array file"):
        load_linear(path)
    np.savez(path, classes=np.asarray(["a", "b"]))
    with pytest.raises(BadModelFileError, match="incomplete"):
        load_linear(path)
    pipeline = build_pipeline(TrainOptions(folds=2), LABELS).fit(TEXTS, LABELS)
    save_linear(compile_pipeline(pipeline), path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["fold0_coef"] = arrays["fold0_coef"][:, :-1]
    np.savez(path, **arrays)
    with pytest.raises(BadModelFileError, match="weights of shape"):
        load_linear(path)
    arrays["spec"] = np.asarray(np.asarray([1, 2], dtype=object), dtype=object)
    np.savez(path, **arrays)  # an object array needs pickle: refused, never unpickled
    with pytest.raises(BadModelFileError):
        load_linear(path)


@given(
    st.lists(st.lists(st.tuples(st.integers(0, 6), st.floats(-3, 3)), max_size=5), max_size=6),
    st.lists(st.integers(0, 5), max_size=8),
)
@settings(max_examples=100, deadline=None)
def test_rows_multiply_and_slice_as_scipy_does(
    entries: list[list[tuple[int, float]]], picked: list[int]
) -> None:
    import scipy.sparse as sp

    from deskmix.triage.linear import Rows

    indptr = np.cumsum([0, *(len(r) for r in entries)])
    indices = np.asarray([c for r in entries for c, _ in r], dtype=np.int64)
    data = np.asarray([v for r in entries for _, v in r], dtype=float)
    rows = Rows(indptr, indices, data, 7)
    reference = sp.csr_matrix((data, indices, indptr), shape=(len(entries), 7))
    weights = np.arange(21, dtype=float).reshape(3, 7) / 7
    np.testing.assert_allclose(rows.times(weights), reference @ weights.T, atol=1e-12)
    import deskmix.triage.linear as linear

    whole, linear.PRODUCT_CHUNK = linear.PRODUCT_CHUNK, 4  # chunks of one or two rows
    batch, linear.SCIPY_FROM_ROWS = linear.SCIPY_FROM_ROWS, 0  # and SciPy's product
    try:
        np.testing.assert_allclose(rows.times(weights), reference @ weights.T, atol=1e-12)
        linear.SCIPY_FROM_ROWS = batch
        np.testing.assert_allclose(rows.times(weights), reference @ weights.T, atol=1e-12)
    finally:
        linear.PRODUCT_CHUNK, linear.SCIPY_FROM_ROWS = whole, batch
    chosen = [p for p in picked if p < len(entries)]
    taken = rows.take(chosen)
    np.testing.assert_allclose(
        taken.times(weights), (reference[chosen] @ weights.T).reshape(-1, 3), atol=1e-12
    )
