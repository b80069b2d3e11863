"""Saving and loading: a round trip changes nothing; foreign files are refused in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio  # type: ignore[import-untyped]
from sklearn.cluster import KMeans  # type: ignore[import-untyped]

from deskmix.errors import InputError
from deskmix.triage.model import TriageModel
from deskmix.triage.options import TrainOptions
from deskmix.triage.persist import load_model, read_manifest, save_model
from deskmix.triage.pipeline import build_pipeline
from tests.triage.conftest import EXAMPLES

TEXTS = ["vpn not connecting", "reset my password", "printer jammed", "something else"]


def test_round_trip_predicts_the_same(trained: TriageModel, tmp_path: Path) -> None:
    folder = save_model(trained, tmp_path / "model")
    loaded = load_model(folder)
    for target, model in trained.models.items():
        np.testing.assert_array_equal(
            model.predict_proba(TEXTS), loaded.models[target].predict_proba(TEXTS)
        )
    assert loaded.predict(TEXTS) == trained.predict(TEXTS)
    manifest = read_manifest(folder)
    assert manifest["format"] == "deskmix-triage"
    assert set(manifest["targets"]) == {"domain", "tier", "impact", "urgency"}
    assert len(manifest["targets"]["domain"]["data_hash"]) == 64
    assert not list(folder.glob("*.pkl")) and not list(folder.glob("*.skops"))


def test_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_model(tmp_path / "nowhere")
    (tmp_path / "file.skops").write_text("hello", "utf-8")
    with pytest.raises(InputError, match="not a deskmix triage model"):
        load_model(tmp_path / "file.skops")
    with pytest.raises(InputError, match=r"no manifest\.json"):
        load_model(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": "other"}', "utf-8")
    with pytest.raises(InputError, match="format is not"):
        load_model(tmp_path)


def _format_one_folder(folder: Path) -> tuple[Any, list[str]]:
    """A folder as deskmix 0.1 wrote it: a skops pipeline per target and format_version 1."""
    texts = [t for t, *_ in EXAMPLES]
    labels = [d for _, d, *_ in EXAMPLES]
    pipeline = build_pipeline(TrainOptions(folds=3), labels).fit(texts, labels)
    folder.mkdir()
    sio.dump(pipeline, folder / "domain.skops")
    manifest = {
        "format": "deskmix-triage",
        "format_version": 1,
        "targets": {"domain": {"file": "domain.skops", "examples": len(texts)}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return pipeline, texts


def test_a_format_one_folder_still_loads_and_predicts_the_same(
    trained: TriageModel, tmp_path: Path
) -> None:
    folder = tmp_path / "old"
    pipeline, _ = _format_one_folder(folder)
    loaded = load_model(folder)
    np.testing.assert_allclose(
        loaded.models["domain"].predict_proba(TEXTS), pipeline.predict_proba(TEXTS), atol=1e-6
    )
    save_model(TriageModel({"tier": trained.models["tier"]}), folder)  # rewritten whole
    assert read_manifest(folder)["format_version"] == 2
    assert not list(folder.glob("*.skops"))
    again = load_model(folder)
    assert set(again.models) == {"domain", "tier"}
    np.testing.assert_allclose(
        again.models["domain"].predict_proba(TEXTS), pipeline.predict_proba(TEXTS), atol=1e-6
    )


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _format_one_folder(folder)
    sio.dump(KMeans(n_clusters=2), folder / "domain.skops")
    with pytest.raises(InputError, match="not a triage pipeline"):
        load_model(folder)
    (folder / "domain.skops").write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(InputError, match="not a skops file"):
        load_model(folder)


def test_a_tampered_array_file_is_refused(trained: TriageModel, tmp_path: Path) -> None:
    folder = save_model(trained, tmp_path / "model")
    (folder / "domain.npz").write_bytes(b"PK\x03\x04 garbage")
    with pytest.raises(InputError, match="not a deskmix triage model"):
        load_model(folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["targets"]["domain"]["file"] = "../elsewhere.npz"
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(InputError, match="outside the folder"):
        load_model(folder)


def test_saving_one_target_keeps_the_others(trained: TriageModel, tmp_path: Path) -> None:
    folder = save_model(trained, tmp_path / "model")
    save_model(TriageModel({"domain": trained.models["domain"]}), folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert set(manifest["targets"]) == {"domain", "tier", "impact", "urgency"}
