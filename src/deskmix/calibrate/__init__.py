"""Calibration: fit a Workload (arrivals, handling times, escalation) from stored history.

``calibrate_store`` reads the store and returns a ``CalibrationResult``; the pure pieces
(``fitting``, ``arrivals``, ``durations``, ``escalation``) work on arrays and frames alone.
"""

from deskmix.calibrate.pipeline import calibrate_frames, calibrate_store
from deskmix.calibrate.result import CalibrationResult

__all__ = ["CalibrationResult", "calibrate_frames", "calibrate_store"]
