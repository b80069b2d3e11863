"""The shipped default model: built from licence-clean text only, rebuilt deterministically.

``python -m deskmix.triage.default_model`` rewrites ``deskmix/data/triage/default-model``;
``tests/triage/test_default_model.py`` fails when the shipped files no longer predict what a
fresh build predicts (after an edit of the seed taxonomy, the sample, or scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from deskmix.triage.model import TriageModel
from deskmix.triage.options import TrainOptions
from deskmix.triage.persist import load_model, save_model
from deskmix.triage.targets import DOMAIN, IMPACT, TIER, URGENCY

DEFAULT_DIR = "default-model"
DEFAULT_TARGETS = (DOMAIN, TIER, IMPACT, URGENCY)
DEFAULT_OPTIONS = TrainOptions(
    char_ngrams=(2, 4), char_features=5000, c=1.0, class_weight="balanced", folds=5, seed=0
)
DESCRIPTION = (
    "deskmix default model: trained only on text written for deskmix (the seed taxonomy, the "
    "labelled tickets in data/triage/written and the generated sample desk's titles); train "
    "your own with 'deskmix triage train'."
)


def default_model_dir() -> Path:
    """Where the shipped default model lives inside the installed package."""
    return Path(str(resources.files("deskmix.data").joinpath("triage", DEFAULT_DIR)))


def build_default_model() -> TriageModel:
    """Train the default model from scratch (seeded: the same inputs give the same model)."""
    from deskmix.triage.seed import default_training_frame
    from deskmix.triage.train import train_model

    outcome = train_model(
        default_training_frame(),
        DEFAULT_TARGETS,
        options=DEFAULT_OPTIONS,
        description=DESCRIPTION,
    )
    return outcome.model


def load_default_model() -> TriageModel:
    return load_model(default_model_dir())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=default_model_dir(), help="model folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    for pattern in ("*.skops", "*.npz"):
        for old in out.glob(pattern) if out.is_dir() else ():
            old.unlink()
    (out / "manifest.json").unlink(missing_ok=True)
    save_model(build_default_model(), out)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"default model written to {out} ({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
