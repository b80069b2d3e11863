"""Training: check the labels a target has, fit its pipeline, record where it came from.

The checks come first because the failures they prevent are silent otherwise: a label seen
once cannot be calibrated (it has no held-out fold), one label alone teaches nothing, and
impact/urgency outside 1..3 has no cell in the ITIL matrix.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from deskmix.domain.priority import PriorityMatrix
from deskmix.errors import InputError
from deskmix.triage.compile import compile_pipeline
from deskmix.triage.linear import LinearTextModel, Rows
from deskmix.triage.metrics import score
from deskmix.triage.model import TargetModel, TriageModel
from deskmix.triage.options import TrainOptions
from deskmix.triage.pipeline import build_pipeline
from deskmix.triage.targets import DOMAIN, IMPACT, PRIORITY, TIER, URGENCY

CUE_TARGETS = frozenset({TIER, IMPACT, URGENCY, PRIORITY})

Progress = Callable[[str, int, int], None]
"""Called with (what, done, total) as targets are trained."""

LEVELS = {"1", "2", "3"}

FEW_EXAMPLES = 10
"""A label with fewer tickets than this is named at training time: its answers will be
unsure, and a domain the shipped model knows is answered by the shipped model instead."""

COLLAPSE_SHARE = 0.8
"""A head answering one label for this share of its held-out tickets tells little apart."""


@dataclass
class TrainOutcome:
    """The trained model plus what was skipped or dropped, for the user to read."""

    model: TriageModel
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def data_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 of the (text, label) pairs in order: the same data gives the same hash."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(text.encode("utf-8"))
        digest.update(b"\x1f")
        digest.update(label.encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def labelled(
    frame: pd.DataFrame, target: str, *, drop_rare: bool, notes: list[str]
) -> tuple[list[str], list[str]]:
    """The (texts, labels) a target can learn from, after the checks in the module docstring."""
    rows = frame[frame[target].notna()]
    if rows.empty:
        raise InputError(
            f"no ticket carries a '{target}' label",
            field=target,
            expected="labelled history (see 'deskmix triage labels') or another --target",
        )
    labels = rows[target].astype(str)
    if target in (IMPACT, URGENCY):
        bad = sorted(set(labels) - LEVELS)
        if bad:
            raise InputError(
                f"'{target}' labels outside the ITIL levels",
                field=target,
                value=bad[0],
                expected="1 (high), 2 (medium) or 3 (low)",
            )
    counts = labels.value_counts()
    rare = sorted(str(label) for label, n in counts.items() if n < 2)
    if rare and drop_rare:
        notes.append(
            f"{target}: dropped {len(rare)} label(s) with one example: {', '.join(rare[:5])}"
        )
        keep = ~labels.isin(rare)
        rows, labels = rows[keep], labels[keep]
    elif rare:
        raise InputError(
            f"'{target}' label '{rare[0]}' has only one example"
            + (f" ({len(rare) - 1} more such labels)" if len(rare) > 1 else ""),
            field=target,
            expected="at least 2 examples per label (add tickets, merge the label in the "
            "mapping file, or pass --drop-rare)",
        )
    if labels.nunique() < 2:
        raise InputError(
            f"'{target}' has a single label, nothing to tell apart",
            field=target,
            value=str(labels.iloc[0]),
            expected="at least two different labels",
        )
    return rows["text"].astype(str).tolist(), labels.tolist()


def options_for(target: str, options: TrainOptions) -> TrainOptions:
    """The options a target trains with: cue features for every head but the domain.

    Scope, effect and urgency cues are what impact, urgency and tier are about; the domain is
    about the subject, where cues only add noise (and the domain figures on the public
    benchmarks are kept as they were)."""
    return replace(options, cues=target in CUE_TARGETS)


def fit_target(
    texts: list[str], labels: list[str], target: str, options: TrainOptions
) -> TargetModel:
    """Fit one target's pipeline, compile it to arrays and attach its provenance, with how
    it did on the tickets each calibration fold held out."""
    options = options_for(target, options)
    counts = pd.Series(labels).value_counts()
    pipeline = build_pipeline(options, labels)
    # the steps of Pipeline.fit, keeping the training features for the held-out scores
    matrix = pipeline.named_steps["features"].fit_transform(texts).tocsr()
    pipeline.named_steps["classifier"].fit(matrix, labels)
    linear = compile_pipeline(pipeline)
    features = Rows(matrix.indptr, matrix.indices, matrix.data, matrix.shape[1])
    metadata = {
        "data_hash": data_hash(texts, labels),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "examples": len(texts),
        "labels": {str(k): int(v) for k, v in sorted(counts.items())},
        "options": options.as_dict(),
        "calibration_folds": len(linear.folds),
        "held_out": held_out_scores(pipeline, linear, features, labels),
    }
    return TargetModel(target, linear, metadata)


def held_out_scores(
    pipeline: Any, linear: LinearTextModel, features: Rows, labels: list[str]
) -> dict[str, Any]:
    """Accuracy, ECE, accuracy at 80% coverage and the most predicted label's share, each
    ticket predicted by the calibration fold that did not train on it: honest figures at no
    extra training cost, and the check that a head does not answer one label for everything.
    """
    cv = pipeline.named_steps["classifier"].cv
    splits = cv if isinstance(cv, list) else list(cv.split(np.zeros(len(labels)), labels))
    proba = np.zeros((len(labels), len(linear.classes)))
    for fold, (_, test) in zip(linear.folds, splits, strict=True):
        proba[test] = fold.proba(features.take(test), len(linear.classes))
    scores = score(labels, proba, list(linear.classes))
    predicted = pd.Series(np.asarray(linear.classes)[proba.argmax(axis=1)]).value_counts()
    return {
        **scores.summary(),
        "most_predicted": str(predicted.index[0]),
        "most_predicted_share": round(float(predicted.iloc[0]) / len(labels), 4),
    }


def train_model(
    frame: pd.DataFrame,
    targets: Sequence[str],
    *,
    options: TrainOptions | None = None,
    drop_rare: bool = False,
    skip_missing: bool = False,
    matrix: PriorityMatrix | None = None,
    description: str = "",
    progress: Progress | None = None,
) -> TrainOutcome:
    """Train each target on the rows of ``frame`` (see ``labels.training_frame``) labelled for it.

    With ``skip_missing`` a target the data has no labels for is skipped with a note (for
    ``--target all``); otherwise it is an error, because the user asked for it by name.
    """
    options = options or TrainOptions()
    notes: list[str] = []
    models: dict[str, TargetModel] = {}
    seconds: dict[str, float] = {}
    for done, target in enumerate(targets):
        if progress is not None:
            progress(f"training {target}", done, len(targets))
        if skip_missing and not frame[target].notna().any():
            notes.append(f"{target}: no labels in this data, not trained")
            continue
        texts, labels = labelled(frame, target, drop_rare=drop_rare, notes=notes)
        start = time.perf_counter()
        models[target] = fit_target(texts, labels, target, options)
        seconds[target] = time.perf_counter() - start
        notes += quality_notes(models[target])
    if progress is not None:
        progress("done", len(targets), len(targets))
    if not models:
        raise InputError(
            "no target could be trained: the data has none of the requested labels",
            expected="labelled history (see 'deskmix triage labels')",
        )
    model = TriageModel(models, matrix or PriorityMatrix(), description)
    return TrainOutcome(model, notes, seconds)


def quality_notes(model: TargetModel) -> list[str]:
    """What a user should know about a freshly trained head: labels with few tickets, and a
    head that answers (nearly) one label for everything."""
    notes = []
    counts = model.metadata["labels"]
    few = sorted((label for label, n in counts.items() if n < FEW_EXAMPLES), key=counts.get)
    if few:
        listed = ", ".join(f"{label} ({counts[label]})" for label in few[:6])
        notes.append(
            f"{model.target}: few tickets (under {FEW_EXAMPLES}) for {listed}"
            + (f" and {len(few) - 6} more" if len(few) > 6 else "")
            + "; their answers will be unsure"
        )
    held = model.metadata.get("held_out") or {}
    share = float(held.get("most_predicted_share", 0.0))
    if share >= COLLAPSE_SHARE:
        top = held["most_predicted"]
        notes.append(
            f"{model.target}: WARNING answers '{top}' for {share:.0%} of held-out tickets "
            f"('{top}' is {counts.get(top, 0) / max(1, sum(counts.values())):.0%} of the "
            "labels): it tells little apart; label more varied tickets or keep the shipped head"
        )
    return notes


def keep_what_history_lacks(model: TriageModel, shipped: TriageModel) -> list[str]:
    """Fill the answers a desk's own history cannot teach from the shipped model, and say
    where the history is narrower than it.

    Domains the shipped model knows and the history has under ``FEW_EXAMPLES`` tickets of are
    answered by the shipped head (see ``TargetModel._blend``), so that a history covering a
    few domains does not make the model forget the others.

    A ServiceNow or Kaggle assignment export often carries groups but no priorities, and
    covers a few of the domains: a model trained on it alone answered no priority at all and
    forced every ticket into those few domains, without a word. Heads the history has no
    labels for are now the shipped model's (a note says so), and a domain head that knows
    fewer domains than the shipped one is named with the domains it will never answer.
    """
    notes: list[str] = []
    for target in (DOMAIN, TIER):
        if target not in model.models and target in shipped.models:
            model.models[target] = shipped.models[target]
            notes.append(f"{target}: no labels in this history; the shipped model's is kept")
    if PRIORITY not in model.answers and PRIORITY in shipped.answers:
        for target in (IMPACT, URGENCY, PRIORITY):
            if target in shipped.models and target not in model.models:
                model.models[target] = shipped.models[target]
        notes.append(
            "priority: no impact, urgency or priority labels in this history; the shipped "
            "model's impact and urgency heads are kept"
        )
    mine, theirs = model.models.get(DOMAIN), shipped.models.get(DOMAIN)
    if mine is not None and theirs is not None and mine is not theirs:
        counts = mine.metadata.get("labels", {})
        lacking = tuple(label for label in theirs.classes if counts.get(label, 0) < FEW_EXAMPLES)
        if lacking and len(lacking) < len(theirs.classes):
            mine.fallback, mine.fallback_labels = theirs, lacking
            described = ", ".join(f"{label} ({counts.get(label, 0)})" for label in lacking)
            notes.append(
                f"domain: the history has under {FEW_EXAMPLES} tickets of {described}; "
                "tickets the shipped model reads as one of these are answered by it, the "
                "rest by this history's model (--history-only to turn this off)"
            )
    return notes
