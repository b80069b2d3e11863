"""Saving and loading: a round trip changes nothing; foreign files are refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio  # type: ignore[import-untyped]
from sklearn.cluster import KMeans  # type: ignore[import-untyped]

from deskmix.errors import InputError
from deskmix.triage.model import TriageModel
from deskmix.triage.persist import load_model, read_manifest, save_model

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
    assert not list(folder.glob("*.pkl"))


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


def test_untrusted_types_are_refused(trained: TriageModel, tmp_path: Path) -> None:
    folder = save_model(trained, tmp_path / "model")
    sio.dump(KMeans(n_clusters=2), folder / "domain.skops")
    with pytest.raises(InputError, match="not a triage pipeline"):
        load_model(folder)
    (folder / "domain.skops").write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(InputError, match="not a skops file"):
        load_model(folder)


def test_saving_one_target_keeps_the_others(trained: TriageModel, tmp_path: Path) -> None:
    folder = save_model(trained, tmp_path / "model")
    save_model(TriageModel({"domain": trained.models["domain"]}), folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert set(manifest["targets"]) == {"domain", "tier", "impact", "urgency"}
