"""The Kaggle topic dataset through the generic CSV importer, and the mapping docs' example."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.importers import read_source
from deskmix.importers.mapping import load_mapping

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "examples" / "mappings"
KAGGLE = MAPPINGS / "kaggle-topics.yaml"
TOPICS = {
    "Hardware",
    "Access",
    "Miscellaneous",
    "HR Support",
    "Purchase",
    "Administrative rights",
    "Storage",
    "Internal Project",
}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "all_tickets_processed_improved_v3.csv"
    rows = [
        ("laptop screen broken please replace", "Hardware"),
        ("reset password for external account", "Access"),
        ("expense report not showing for approval", "Miscellaneous"),
        ("new starter bucharest needs badge", "HR Support"),
        ("new purchase po for screen protectors", "Purchase"),
        ("need to install software admin rights", "Administrative rights"),
        ("mailbox almost full please extend", "Storage"),
        ("new project code setup in oracle", "Internal Project"),
        ("mailbox almost full please extend", "Storage"),  # identical rows stay two tickets
    ]
    pd.DataFrame(rows, columns=["Document", "Topic_group"]).to_csv(path, index=False)
    return path


def test_every_topic_maps_to_a_deskmix_domain() -> None:
    mapping = load_mapping("csv", KAGGLE)
    assert mapping.domain is not None and mapping.tier is None
    assert set(mapping.domain.values) == TOPICS
    assert set(mapping.domain.values.values()) <= set(DEFAULT_DOMAINS)
    assert mapping.domain.patterns == []  # no fall-back to the generic CSV patterns


def test_sample_imports_with_content_keys(sample: Path) -> None:
    batch = read_source("csv", sample, mapping_file=KAGGLE)
    tickets = batch.tickets_frame
    assert batch.ticket_count == 9 and batch.unmapped == {}
    assert (tickets["title"] == tickets["description"]).all()
    assert tickets["id"].is_unique
    assert tickets["id"].iloc[8] == tickets["id"].iloc[6] + "-1"  # second identical row
    assert tickets["domain"].tolist()[:3] == ["end_user", "accounts_access", "end_user"]
    assert tickets["category"].iloc[7] == "Internal Project"
    assert tickets["source_system"].unique().tolist() == ["kaggle-topics"]
    assert tickets[["opened_at", "priority", "tier", "group"]].isna().all().all()
    again = read_source("csv", sample, mapping_file=KAGGLE).tickets_frame
    assert again["id"].tolist() == tickets["id"].tolist()  # re-import: same keys


def test_a_topic_the_mapping_lacks_is_counted_not_dropped(sample: Path) -> None:
    frame = pd.read_csv(sample)
    frame.loc[len(frame)] = ["vpn drops at home", "Network"]
    frame.to_csv(sample, index=False)
    batch = read_source("csv", sample, mapping_file=KAGGLE)
    assert batch.ticket_count == 10
    assert batch.unmapped == {"domain": {"Network": 1}}


def test_readme_worked_example_does_what_it_says(tmp_path: Path) -> None:
    text = (MAPPINGS / "README.md").read_text()
    example = text[text.index("## Worked example") :]
    data = re.search(r"```text\n(.*?)```", example, re.S)
    mapping = re.search(r"```yaml\n(.*?)```", example, re.S)
    assert data and mapping
    (tmp_path / "tickets.csv").write_text(data.group(1))
    (tmp_path / "tickets.yaml").write_text(mapping.group(1))
    batch = read_source("csv", tmp_path / "tickets.csv", mapping_file=tmp_path / "tickets.yaml")
    t = batch.tickets_frame.set_index("id")
    assert t.loc["T-1", "opened_at"] == pd.Timestamp("2024-04-03T08:12:00Z")
    assert list(t["priority"]) == ["P2", "P1", "P3"]
    assert list(t["domain"]) == ["end_user", "network", "procurement_hr"]
    assert list(t["tier"]) == ["generalist", "specialist", "generalist"]
    assert pd.isna(t.loc["T-2", "resolved_at"]) and batch.unmapped == {}


def test_readme_yaml_snippets_are_valid_yaml() -> None:
    text = (MAPPINGS / "README.md").read_text()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        assert isinstance(yaml.safe_load(block), dict)


@pytest.mark.shared_data
def test_full_kaggle_dataset(shared_data: Path) -> None:
    path = shared_data / "it-service-ticket-topics-kaggle" / "all_tickets_processed_improved_v3.csv"
    batch = read_source("csv", path, mapping_file=KAGGLE)
    tickets = batch.tickets_frame
    assert batch.ticket_count == 47837 and tickets["id"].is_unique
    assert tickets["domain"].notna().all() and batch.unmapped == {}
    assert set(tickets["category"].unique()) == TOPICS
    print("\nKaggle domains:", tickets["domain"].value_counts().to_dict())
