"""Training refuses data it cannot learn from, with a message that says what to do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pytest

from deskmix.errors import InputError
from deskmix.triage.labels import label_summary, training_frame
from deskmix.triage.train import data_hash, train_model


def frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    return training_frame(pd.DataFrame([dict(r) for r in rows]))


def test_a_label_with_one_example_is_refused_or_dropped(desk_frame: pd.DataFrame) -> None:
    lonely = pd.concat(
        [desk_frame, frame([{"title": "sap posting error", "domain": "business_apps"}])],
        ignore_index=True,
    )
    with pytest.raises(InputError, match=r"'business_apps' has only one example.*--drop-rare"):
        train_model(lonely, ["domain"])
    outcome = train_model(lonely, ["domain"], drop_rare=True)
    assert "business_apps" not in outcome.model.models["domain"].classes
    assert any("business_apps" in note for note in outcome.notes)


def test_missing_single_and_out_of_range_labels() -> None:
    texts = [{"title": f"ticket {i}", "domain": "network"} for i in range(4)]
    with pytest.raises(InputError, match="single label"):
        train_model(frame(texts), ["domain"])
    with pytest.raises(InputError, match="no ticket carries a 'tier' label"):
        train_model(frame(texts), ["tier"])
    bad = [{"title": f"t {i}", "impact": 5 if i else 1} for i in range(4)]
    with pytest.raises(InputError, match="ITIL levels"):
        train_model(frame(bad), ["impact"])
    outcome = train_model(
        frame([*texts, *({"title": f"pw {i}", "domain": "accounts_access"} for i in range(4))]),
        ["domain", "tier"],
        skip_missing=True,
    )
    assert list(outcome.model.models) == ["domain"]


def test_tier_comes_from_what_happened() -> None:
    tickets = pd.DataFrame(
        {
            "title": ["a", "b", "c", "d"],
            "tier": ["specialist", None, None, None],
            "reassignments": [0, 2, 0, None],
        }
    )
    assert training_frame(tickets)["tier"].tolist() == [
        "specialist",
        "specialist",
        "generalist",
        None,
    ]
    summary = {c.target: c for c in label_summary(training_frame(tickets))}
    assert summary["tier"].counts == {"specialist": 2, "generalist": 1}
    assert summary["domain"].labelled == 0 and not summary["domain"].usable


def test_metadata_records_provenance(desk_frame: pd.DataFrame) -> None:
    model = train_model(desk_frame, ["domain"]).model.models["domain"]
    texts = desk_frame["text"].tolist()
    assert model.metadata["data_hash"] == data_hash(texts, desk_frame["domain"].tolist())
    assert model.metadata["labels"] == {"accounts_access": 24, "end_user": 24, "network": 24}
    assert model.metadata["trained_at"].endswith("+00:00")
