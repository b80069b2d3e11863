"""Cold start: the shipped seed taxonomy and the licence-clean data the default model learns from.

A desk with no history still needs an answer on day one. The default model is trained only on
text deskmix owns: the seed taxonomy's phrases (written for deskmix) and the titles of the
embedded sample desk (generated from a documented spec, no one else's data). The public data
sets are used to evaluate, never to train what ships, because their licences are unclear.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from deskmix.data.shipped import SAMPLE_SOURCE, sample_files
from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.errors import ConfigError
from deskmix.importers import read_source
from deskmix.triage.labels import TRAINING_COLUMNS, training_frame
from deskmix.triage.targets import DOMAIN, IMPACT, TIER, URGENCY
from deskmix.triage.text import clean_text

SEED_FILE = "seed_taxonomy.yaml"
WRITTEN_DIR = "written"
WRITTEN_LABELS = (DOMAIN, TIER, IMPACT, URGENCY)


def seed_text(path: Path | None = None) -> str:
    if path is not None:
        return Path(path).read_text("utf-8")
    return resources.files("deskmix.data").joinpath("triage", SEED_FILE).read_text("utf-8")


def load_seed(path: Path | None = None) -> dict[str, Any]:
    """The seed taxonomy (the shipped one by default), checked against the domain names."""
    where = str(path or SEED_FILE)
    try:
        data = yaml.safe_load(seed_text(path))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("domains"), dict):
        raise ConfigError(f"{where}: expected a 'domains' section of domain -> phrases")
    unknown = sorted(set(data["domains"]) - set(DEFAULT_DOMAINS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown domain '{unknown[0]}'; expected one of {', '.join(DEFAULT_DOMAINS)}"
        )
    return data


def _rows(target: str, groups: dict[str, Any], where: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for label, phrases in groups.items():
        if isinstance(phrases, dict):  # domains: {keywords: [...], phrases: [...]}
            phrases = [*phrases.get("keywords", []), *phrases.get("phrases", [])]
        if not isinstance(phrases, list):
            raise ConfigError(f"{where}: {target} '{label}' must list phrases")
        rows.extend({"text": clean_text(str(p)), target: str(label)} for p in phrases)
    return rows


def seed_frame(path: Path | None = None) -> pd.DataFrame:
    """The seed phrases as a training frame, each row labelled for the target it illustrates."""
    data = load_seed(path)
    where = str(path or SEED_FILE)
    rows = _rows(DOMAIN, data["domains"], where)
    for target in (TIER, IMPACT, URGENCY):
        rows += _rows(target, data.get(target) or {}, where)
    frame = pd.DataFrame.from_records(rows)
    for column in TRAINING_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[list(TRAINING_COLUMNS)].astype(object).where(frame.notna(), None)


def written_frame() -> pd.DataFrame:
    """The shipped training tickets (``written/*.csv``): written for deskmix, each labelled
    with domain, tier, impact and urgency by the guide in docs/triage-labels.md.

    They are what the default model learns priority from: no public data set with ticket text
    and priorities has a licence that allows shipping a model trained on it.
    """
    folder = resources.files("deskmix.data").joinpath("triage", WRITTEN_DIR)
    frames = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".csv"):
            continue
        with entry.open("r", encoding="utf-8") as handle:
            raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
        missing = sorted({"title", "description", *WRITTEN_LABELS} - set(raw.columns))
        if missing:
            raise ConfigError(f"{entry.name}: missing column '{missing[0]}'")
        raw = raw.replace("", None)
        frames.append(training_frame(raw[["title", "description", *WRITTEN_LABELS]]))
    return pd.concat(frames, ignore_index=True)


def sample_frame() -> pd.DataFrame:
    """The sample desk's distinct titles with their domain and tier (first seen wins).

    Its impact and urgency were drawn at random, unrelated to the text, so they would teach
    noise; its titles teach domain and tier only.
    """
    with sample_files() as (events, mapping):
        batch = read_source(SAMPLE_SOURCE, events, mapping_file=mapping)
    tickets = batch.tickets_frame.drop(columns=["impact", "urgency", "priority", "description"])
    frame = training_frame(tickets)
    frame = frame.drop_duplicates(subset=["text"], keep="first").reset_index(drop=True)
    frame[IMPACT] = None
    frame[URGENCY] = None
    return frame


def default_training_frame() -> pd.DataFrame:
    """Seed phrases, the written tickets, then sample titles: everything the shipped default
    model learns from."""
    return pd.concat([seed_frame(), written_frame(), sample_frame()], ignore_index=True)
