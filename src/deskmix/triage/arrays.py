"""A ``LinearTextModel`` to and from one ``.npz`` file: arrays plus a JSON spec, no pickle.

``numpy.load(..., allow_pickle=False)`` reads only numeric and string arrays, so a model file
cannot run code however it was made; everything else a file holds is checked here and a file
that does not fit is refused with the reason.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from deskmix.triage.cues import cues_from_pairs
from deskmix.triage.linear import Block, CueBlock, Fold, LinearTextModel, TermBlock

SPEC = "spec"


class BadModelFileError(ValueError):
    """The file is not a model this module wrote; the message says why."""


def save_linear(model: LinearTextModel, path: Path) -> None:
    arrays: dict[str, np.ndarray] = {"classes": np.asarray(model.classes, dtype=str)}
    blocks: list[dict[str, Any]] = []
    for i, block in enumerate(model.blocks):
        if isinstance(block, CueBlock):
            blocks.append(
                {"kind": "cues", "cues": [[c.name, list(c.patterns)] for c in block.cues]}
            )
            continue
        blocks.append(
            {"kind": block.kind, "ngram_range": list(block.ngram_range), "pattern": block.pattern}
        )
        arrays[f"block{i}_terms"] = np.asarray(block.terms, dtype=str)
        arrays[f"block{i}_idf"] = block.idf
    folds: list[dict[str, Any]] = []
    for j, fold in enumerate(model.folds):
        folds.append({"method": fold.method, "calibration": sorted(fold.calibration)})
        arrays[f"fold{j}_coef"] = fold.coef.astype(np.float32)  # exact: see compile._single
        arrays[f"fold{j}_intercept"] = fold.intercept
        for key, values in fold.calibration.items():
            arrays[f"fold{j}_{key}"] = values
    arrays[SPEC] = np.asarray(json.dumps({"blocks": blocks, "folds": folds}))
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


def load_linear(path: Path) -> LinearTextModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise BadModelFileError(f"not a model array file: {exc}") from exc
    try:
        spec = json.loads(str(arrays[SPEC]))
        classes = tuple(str(c) for c in arrays["classes"])
        blocks = tuple(_block(i, b, arrays) for i, b in enumerate(spec["blocks"]))
        folds = tuple(_fold(j, f, arrays) for j, f in enumerate(spec["folds"]))
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise BadModelFileError(f"incomplete model file: {exc!r}") from exc
    model = LinearTextModel(classes, blocks, folds)
    _check_shapes(model)
    return model


def _block(i: int, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Block:
    if spec["kind"] == "cues":
        return CueBlock(cues_from_pairs([(str(n), [str(p) for p in ps]) for n, ps in spec["cues"]]))
    if spec["kind"] not in ("word", "char"):
        raise ValueError(f"unknown block kind {spec['kind']!r}")
    low, high = (int(n) for n in spec["ngram_range"])
    return TermBlock(
        kind=spec["kind"],
        ngram_range=(low, high),
        terms=tuple(str(t) for t in arrays[f"block{i}_terms"]),
        idf=np.asarray(arrays[f"block{i}_idf"], dtype=float),
        pattern=str(spec["pattern"]),
    )


def _fold(j: int, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Fold:
    if spec["method"] not in ("temperature", "sigmoid", "isotonic"):
        raise ValueError(f"unknown calibration {spec['method']!r}")
    return Fold(
        coef=np.asarray(arrays[f"fold{j}_coef"], dtype=float),
        intercept=np.asarray(arrays[f"fold{j}_intercept"], dtype=float),
        method=spec["method"],
        calibration={
            k: np.asarray(arrays[f"fold{j}_{k}"], dtype=float) for k in spec["calibration"]
        },
    )


def _check_shapes(model: LinearTextModel) -> None:
    rows = 1 if len(model.classes) == 2 else len(model.classes)
    if len(model.classes) < 2 or not model.folds:
        raise BadModelFileError("fewer than two classes or no folds")
    for block in model.blocks:
        if isinstance(block, TermBlock) and block.idf.shape != (len(block.terms),):
            raise BadModelFileError("idf and terms differ in length")
    for fold in model.folds:
        if fold.coef.shape != (rows, model.width) or fold.intercept.shape != (rows,):
            raise BadModelFileError(
                f"weights of shape {fold.coef.shape}, expected {(rows, model.width)}"
            )
