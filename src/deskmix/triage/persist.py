"""Saving and loading triage models: array files plus a JSON manifest, never pickle.

A model folder holds ``manifest.json`` (what deskmix wrote, when, from which data, with which
labels and metrics) and one ``<target>.npz`` per target (``arrays.py``: numbers, terms and a
JSON spec, read with ``allow_pickle=False``, so a file cannot run code). A head that falls
back to the shipped model for labels the history lacks keeps that model beside it as
``<target>.fallback.npz``.

Folders of format 1 (deskmix 0.1's skops files) still load: skops refuses types it was not told
to trust (``TRUSTED_TYPES``), and the pipeline is compiled to arrays once loaded. skops and
scikit-learn are imported only for such a folder.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskmix import __version__
from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.arrays import BadModelFileError, load_linear, save_linear
from deskmix.triage.linear import LinearTextModel
from deskmix.triage.model import TargetModel, TriageModel

MANIFEST = "manifest.json"
FORMAT = "deskmix-triage"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

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
    """Write every target of ``model`` to ``folder`` (created; existing targets kept).

    A folder of the older skops format is rewritten whole in this format: its other targets
    are loaded and saved again, so one folder never mixes formats."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder) if (folder / MANIFEST).exists() else _new_manifest()
    if manifest["format_version"] != FORMAT_VERSION:
        older = load_model(folder)
        for stale in folder.glob("*.skops"):
            stale.unlink()
        manifest = _new_manifest()
        model = TriageModel({**older.models, **model.models}, model.matrix, model.description)
    for target, target_model in model.models.items():
        file_name = f"{target}.npz"
        save_linear(target_model.linear, folder / file_name)
        entry: dict[str, Any] = {"file": file_name, **target_model.metadata}
        fallback_file = folder / f"{target}.fallback.npz"
        if target_model.fallback is not None:
            save_linear(target_model.fallback.linear, fallback_file)
            entry["fallback"] = {
                "file": fallback_file.name,
                "labels": list(target_model.fallback_labels),
                "metadata": target_model.fallback.metadata,
            }
        else:
            fallback_file.unlink(missing_ok=True)
        manifest["targets"][target] = entry
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
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise _not_ours(path, f"format version {manifest.get('format_version')!r} unknown")
    return manifest


def load_pipeline(path: Path) -> Any:
    """Load one skops file of a format-1 folder after checking every type it holds against
    ``TRUSTED_TYPES``."""
    import skops.io as sio  # type: ignore[import-untyped]
    from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
    from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]

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


def _load_target(folder: Path, file_name: str, version: int) -> LinearTextModel:
    path = folder / file_name
    if Path(file_name).name != file_name:
        raise _not_ours(folder, f"a target file outside the folder: {file_name!r}")
    if version == 1:
        from deskmix.triage.compile import NotCompilableError, compile_pipeline

        try:
            return compile_pipeline(load_pipeline(path))
        except NotCompilableError as exc:
            raise _not_ours(path, str(exc)) from exc
    if not path.is_file():
        raise _not_ours(path, "a target file is missing")
    try:
        return load_linear(path)
    except BadModelFileError as exc:
        raise _not_ours(path, str(exc)) from exc


def load_model(folder: Path) -> TriageModel:
    """Read a model folder; refuses foreign or tampered files with a one-line ``InputError``."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    version = int(manifest["format_version"])
    models = {}
    for target, meta in sorted(manifest["targets"].items()):
        meta = dict(meta)
        linear = _load_target(folder, str(meta.pop("file")), version)
        fallback = meta.pop("fallback", None)
        model = TargetModel(target, linear, meta)
        if isinstance(fallback, dict):
            model.fallback = TargetModel(
                target,
                _load_target(folder, str(fallback["file"]), version),
                dict(fallback.get("metadata") or {}),
            )
            model.fallback_labels = tuple(str(label) for label in fallback["labels"])
        models[target] = model
    if not models:
        raise _not_ours(folder, "no trained targets")
    matrix = PriorityMatrix.from_rows(
        manifest.get("priority_matrix") or _matrix_rows(PriorityMatrix())
    )
    return TriageModel(models, matrix, str(manifest.get("description", "")))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest alone (for ``deskmix triage info``-style listings and tests)."""
    return _read_manifest(Path(folder))
