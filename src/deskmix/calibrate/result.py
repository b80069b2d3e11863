"""What calibration hands back: the workload plus the durations its handling fits came from.

The durations travel with the workload (not inside it) because they are evidence for charts and
reports, thousands of numbers a person editing the YAML has no use for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from deskmix.calibrate.effort import EffortEstimate
from deskmix.calibrate.summary import summary_rows
from deskmix.domain.workload import Workload


@dataclass(frozen=True)
class CalibrationResult:
    """A fitted workload and, per (domain, tier), the hours each handling fit used."""

    workload: Workload
    durations: dict[tuple[str, str], NDArray[np.float64]] = field(default_factory=dict)
    effort: EffortEstimate | None = None
    """Per ticket effort and the capacity it was measured against, when events allowed."""

    def summary_rows(self) -> list[dict[str, object]]:
        """One row per domain with the columns of ``summary.SUMMARY_COLUMNS``."""
        return summary_rows(self.workload)
