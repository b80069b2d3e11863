"""The triage model a server answers with: loaded once, on first use, shared by all requests."""

from __future__ import annotations

import threading
from pathlib import Path

from deskmix.triage.default_model import default_model_dir
from deskmix.triage.model import TargetPrediction, TriageModel
from deskmix.triage.persist import load_model
from deskmix.triage.text import require_text


class TriageService:
    """Lazy, thread-safe access to one triage model (loading takes about a second)."""

    def __init__(self, folder: str | None) -> None:
        self.folder = Path(folder) if folder else default_model_dir()
        self._model: TriageModel | None = None
        self._lock = threading.Lock()

    def model(self) -> TriageModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_model(self.folder)
        return self._model

    def predict(
        self, texts: list[str], threshold: float = 0.5, targets: list[str] | None = None
    ) -> list[dict[str, TargetPrediction]]:
        cleaned = [require_text(t, row=i + 1) for i, t in enumerate(texts)]
        return self.model().predict(cleaned, threshold=threshold, targets=targets or None)
