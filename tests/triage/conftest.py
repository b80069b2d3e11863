"""A small, hand-written labelled desk: fast to train, clear enough that a model must learn it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from deskmix.triage.labels import training_frame
from deskmix.triage.model import TriageModel
from deskmix.triage.train import train_model

# (text, domain, tier, impact, urgency)
EXAMPLES: list[tuple[str, str, str, int, int]] = []
_PHRASES = {
    "network": [
        "vpn not connecting",
        "wifi drops in office",
        "no internet on floor two",
        "network switch down",
        "dns lookups failing",
        "firewall blocks the portal",
    ],
    "accounts_access": [
        "reset my password",
        "account locked out",
        "cannot log in to portal",
        "need access to shared folder",
        "mfa code not arriving",
        "password expired",
    ],
    "end_user": [
        "printer jammed again",
        "laptop will not boot",
        "outlook crashes on start",
        "second monitor flickers",
        "keyboard keys stuck",
        "excel freezes on save",
    ],
}
for domain, phrases in _PHRASES.items():
    for i, phrase in enumerate(phrases):
        for variant, (prefix, impact, urgency) in enumerate(
            [("", 3, 3), ("urgent: all users ", 1, 1), ("please help ", 2, 2), ("team says ", 2, 3)]
        ):
            tier = "specialist" if (i + variant) % 3 == 0 else "generalist"
            EXAMPLES.append((prefix + phrase, domain, tier, impact, urgency))


@pytest.fixture(scope="session")
def desk_frame() -> pd.DataFrame:
    tickets = pd.DataFrame(EXAMPLES, columns=["title", "domain", "tier", "impact", "urgency"])
    return training_frame(tickets)


@pytest.fixture(scope="session")
def trained(desk_frame: pd.DataFrame) -> TriageModel:
    return train_model(desk_frame, ["domain", "tier", "impact", "urgency"]).model


@pytest.fixture
def desk_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "desk.jsonl"
    lines = [
        json.dumps({"text": t, "domain": d, "tier": tier, "impact": i, "urgency": u})
        for t, d, tier, i, u in EXAMPLES
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
