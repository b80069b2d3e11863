"""Saving and loading triage models: skops files plus a JSON manifest, never pickle.

A model folder holds ``manifest.json`` (what deskmix wrote, when, from which data, with which
labels and metrics) and one ``<target>.skops`` per target. Pickle would run any code a file
contains; skops refuses types it was not told to trust, and ``TRUSTED_TYPES`` lists exactly the
scikit-learn/NumPy/SciPy types our pipeline is made of. A file asking for anything else is
refused rather than loaded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import skops.io as sio  # type: ignore[import-untyped]
from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]

from deskmix import __version__
from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.model import TargetModel, TriageModel

MANIFEST = "manifest.json"
FORMAT = "deskmix-triage"
FORMAT_VERSION = 1

TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "builtins.slice",
        "numpy.dtype",
        "numpy.float64",
        "numpy.int64",
        "numpy.ndarray",
        "scipy.sparse._csr.csr_matrix",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.calibration._TemperatureScaling",
        "sklearn.isotonic.IsotonicRegression",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.pipeline.Pipeline",
        "sklearn.svm._classes.LinearSVC",
        "sklearn.linear_model._logistic.LogisticRegression",
        "deskmix.triage.pipeline.SoftBalancedSVC",
    }
)
"""Types a deskmix triage file may contain; anything else means it is not ours."""


def _not_ours(path: Path, why: str) -> InputError:
    return InputError(
        f"not a deskmix triage model ({why})",
        file=path,
        expected="a folder written by 'deskmix triage train' (manifest.json + .skops files)",
    )


def save_model(model: TriageModel, folder: Path) -> Path:
    """Write every target of ``model`` to ``folder`` (created; existing targets kept)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder) if (folder / MANIFEST).exists() else _new_manifest()
    for target, target_model in model.models.items():
        file_name = f"{target}.skops"
        sio.dump(target_model.pipeline, folder / file_name, compression=8)
        manifest["targets"][target] = {"file": file_name, **target_model.metadata}
    manifest["priority_matrix"] = _matrix_rows(model.matrix)
    manifest["description"] = model.description or manifest.get("description", "")
    manifest["saved_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest["deskmix_version"] = __version__
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return folder


def _new_manifest() -> dict[str, Any]:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "targets": {}}


def _matrix_rows(matrix: PriorityMatrix) -> list[list[str]]:
    return [[str(matrix.priority(i, u)) for u in (1, 2, 3)] for i in (1, 2, 3)]


def _read_manifest(folder: Path) -> dict[str, Any]:
    if not folder.exists():
        raise InputError("model folder not found", file=folder, expected="an existing folder")
    if not folder.is_dir():
        raise _not_ours(folder, "a file, not a model folder")
    path = folder / MANIFEST
    if not path.is_file():
        raise _not_ours(folder, f"no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _not_ours(path, f"unreadable manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours(path, f"manifest format is not '{FORMAT}'")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _not_ours(path, f"format version {manifest.get('format_version')!r} unknown")
    return manifest


def load_pipeline(path: Path) -> Any:
    """Load one skops file after checking every type it holds against ``TRUSTED_TYPES``."""
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises zip/JSON errors of several kinds on foreign files
        raise _not_ours(path, f"not a skops file: {exc}") from exc
    unknown = sorted(set(untrusted) - TRUSTED_TYPES)
    if unknown:
        raise _not_ours(path, f"holds types deskmix does not trust: {', '.join(unknown)}")
    try:
        loaded = sio.load(path, trusted=list(untrusted))
    except Exception as exc:
        raise _not_ours(path, f"cannot be loaded: {exc}") from exc
    # skops trusts every scikit-learn estimator by default; check the shape is ours too.
    steps = getattr(loaded, "named_steps", {})
    if not (
        isinstance(loaded, Pipeline)
        and isinstance(steps.get("features"), FeatureUnion)
        and isinstance(steps.get("classifier"), CalibratedClassifierCV)
    ):
        raise _not_ours(path, f"a {type(loaded).__name__}, not a triage pipeline")
    return loaded


def load_model(folder: Path) -> TriageModel:
    """Read a model folder; refuses foreign or tampered files with a one-line ``InputError``."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    models = {}
    for target, meta in sorted(manifest["targets"].items()):
        meta = dict(meta)
        file_name = str(meta.pop("file"))
        pipeline = load_pipeline(folder / file_name)
        models[target] = TargetModel(target, pipeline, meta)
    if not models:
        raise _not_ours(folder, "no trained targets")
    matrix = PriorityMatrix.from_rows(
        manifest.get("priority_matrix") or _matrix_rows(PriorityMatrix())
    )
    return TriageModel(models, matrix, str(manifest.get("description", "")))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest alone (for ``deskmix triage info``-style listings and tests)."""
    return _read_manifest(Path(folder))
