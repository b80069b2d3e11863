"""The knobs of a triage model's training, without importing scikit-learn.

Loading and predicting never import scikit-learn (see ``linear.py``); the shipped model's
options are named where it is loaded, so they live here rather than beside the pipeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

ClassWeight = Literal["sqrt", "balanced"] | None


@dataclass(frozen=True)
class TrainOptions:
    """Knobs of the pipeline; defaults chosen by cross-validation on benchmark training splits."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (3, 4)
    char_features: int = 50_000
    c: float = 1.0
    class_weight: ClassWeight = "sqrt"
    calibration: Literal["sigmoid", "isotonic", "temperature"] = "temperature"
    folds: int | None = None
    """Calibration folds; None picks 5 or 3 by data size (``MANY_FOLDS_BELOW``)."""
    seed: int = 0
    cues: bool = False
    """Add one indicator feature per cue of ``cues.yaml`` (scope, effect, urgency words)."""
    cue_file: str | None = None
    """Cues to use instead of the shipped ``cues.yaml`` (a path)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
