"""The shipped default model: obvious answers on clear texts, identical to a fresh rebuild."""

from __future__ import annotations

import numpy as np
import pytest

from deskmix.triage.default_model import build_default_model, default_model_dir, load_default_model
from deskmix.triage.model import TriageModel
from deskmix.triage.seed import default_training_frame, seed_frame

CLEAR = {
    "VPN down for all users": "network",
    "reset my password": "accounts_access",
    "printer on the third floor is jammed": "end_user",
    "I clicked a link in a phishing email": "security",
    "the database backup failed last night": "data_db",
    "virtual machine will not start": "cloud_infra",
    "new starter on monday needs a laptop and accounts": "procurement_hr",
    "error when posting an invoice in the erp": "business_apps",
}


@pytest.fixture(scope="module")
def shipped() -> TriageModel:
    return load_default_model()


def test_obvious_answers(shipped: TriageModel) -> None:
    from deskmix.triage.text import clean_text

    answers = shipped.predict([clean_text(t) for t in CLEAR], threshold=0.5)
    assert [a["domain"].label for a in answers] == list(CLEAR.values())
    assert answers[0]["priority"].best_guess in {"P1", "P2"}
    assert answers[1]["priority"].best_guess in {"P3", "P4"}


def test_shipped_model_equals_a_fresh_rebuild(shipped: TriageModel) -> None:
    fresh = build_default_model()
    texts = [*default_training_frame()["text"].tolist()[::7], "vpn", "vip cannot log in", "zzz"]
    for target in ("domain", "tier", "impact", "urgency"):
        assert fresh.models[target].classes == shipped.models[target].classes
        np.testing.assert_allclose(
            fresh.models[target].predict_proba(texts),
            shipped.models[target].predict_proba(texts),
            atol=1e-9,
            err_msg=f"{target}: rebuild with python -m deskmix.triage.default_model",
        )
        assert (
            fresh.models[target].metadata["data_hash"]
            == shipped.models[target].metadata["data_hash"]
        )


def test_small_and_licence_clean() -> None:
    size = sum(p.stat().st_size for p in default_model_dir().iterdir())
    assert size < 5_000_000  # 3.9 MB: 3,190 written tickets, 5 calibration folds
    seeds = seed_frame()
    assert seeds["domain"].notna().sum() > 50 and seeds["urgency"].notna().sum() > 10
