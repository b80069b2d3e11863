"""Cross-validated evaluation: how well a target would have done on tickets it never saw.

Every ticket is predicted by a model trained on the other folds (stratified, seeded), so the
figures are honest about unseen tickets and reproducible run to run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

from deskmix.errors import InputError
from deskmix.triage.metrics import Scores, score
from deskmix.triage.options import TrainOptions
from deskmix.triage.train import fit_target, labelled

Progress = Callable[[str, int, int], None]


@dataclass
class TargetEvaluation:
    target: str
    folds: int
    scores: Scores
    dropped: list[str] = field(default_factory=list)


def evaluate_target(
    frame: pd.DataFrame,
    target: str,
    *,
    folds: int = 5,
    options: TrainOptions | None = None,
    progress: Progress | None = None,
) -> TargetEvaluation:
    """Out-of-fold probabilities for every labelled ticket, scored.

    Labels with fewer examples than folds cannot appear in every training fold; they are left
    out and named in ``dropped`` rather than scored unfairly.
    """
    if folds < 2:
        raise InputError("too few folds", field="folds", value=folds, expected="2 or more")
    options = options or TrainOptions()
    notes: list[str] = []
    texts, labels = labelled(frame, target, drop_rare=True, notes=notes)
    counts = pd.Series(labels).value_counts()
    dropped = sorted(str(k) for k, n in counts.items() if n < folds)
    keep = [i for i, label in enumerate(labels) if label not in dropped]
    x = np.asarray(texts, dtype=object)[keep]
    y = np.asarray(labels, dtype=object)[keep]
    classes = sorted(set(y))
    if len(classes) < 2:
        raise InputError(
            f"'{target}' has fewer than two labels with {folds} examples each",
            field=target,
            expected="more labelled tickets, or fewer --folds",
        )
    proba = np.zeros((len(y), len(classes)))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=options.seed)
    for fold, (train, test) in enumerate(splitter.split(x, y)):
        if progress is not None:
            progress(f"{target}: fold {fold + 1} of {folds}", fold, folds)
        model = fit_target(list(x[train]), list(y[train]), target, options)
        columns = [classes.index(c) for c in model.classes]
        proba[np.ix_(test, columns)] = model.predict_proba(list(x[test]))
    rare = [str(k) for k, n in counts.items() if n < 2]
    return TargetEvaluation(
        target, folds, score(list(y), proba, classes), sorted({*dropped, *rare})
    )


def evaluate(
    frame: pd.DataFrame,
    targets: Sequence[str],
    *,
    folds: int = 5,
    options: TrainOptions | None = None,
    progress: Progress | None = None,
) -> list[TargetEvaluation]:
    """Evaluate each target that has labels in ``frame``; targets without labels are skipped."""
    present = [t for t in targets if frame[t].notna().any()]
    if not present:
        raise InputError(
            "the data has none of the requested labels",
            expected="labelled history (see 'deskmix triage labels')",
        )
    return [
        evaluate_target(frame, t, folds=folds, options=options, progress=progress) for t in present
    ]
