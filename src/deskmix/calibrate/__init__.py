"""Calibration: fit a Workload (arrivals, handling times, escalation) from stored history.

``calibrate_store`` reads the store and returns a ``CalibrationResult``; the pure pieces
(``fitting``, ``arrivals``, ``durations``, ``escalation``) work on arrays and frames alone.

The names below are loaded on first use: light submodules (``workhours``, ``loading``) are
imported by commands that start often, and importing the pipeline (SciPy) with them would cost
every ``deskmix`` command seconds.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskmix.calibrate.pipeline import calibrate_frames, calibrate_store
    from deskmix.calibrate.result import CalibrationResult

_LAZY = {
    "calibrate_frames": "deskmix.calibrate.pipeline",
    "calibrate_store": "deskmix.calibrate.pipeline",
    "CalibrationResult": "deskmix.calibrate.result",
}

__all__ = ["CalibrationResult", "calibrate_frames", "calibrate_store"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'deskmix.calibrate' has no attribute {name!r}")
