"""Calibration as one use case: the stored history -> a ``Workload`` with its fit summary.

``calibrate_desk(CalibrateRequest, store) -> CalibrationResult`` is what ``deskmix calibrate``
and the dashboard (its workload, refitted when the store changes) call; the result's output
model is ``calibrate.output.calibration_output``. The request names which tickets (a source,
an import, a window of opening dates) and how to read them (time zone, status names, the
desk's hours); the fitting itself is ``calibrate.pipeline``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskmix.calibrate.forecast import WeeklyHistory
    from deskmix.calibrate.history import DeskHistory
    from deskmix.calibrate.result import CalibrationResult
    from deskmix.store import Store

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None)."""


@dataclass(frozen=True)
class CalibrateRequest:
    """Which stored tickets to fit a workload from, and how to read them."""

    source: str | None = None
    """Only tickets of this source system."""
    import_id: int | None = None
    """Only tickets of this import."""
    name: str | None = None
    """The workload's name; default: the source's, '(calibrated)'."""
    timezone: str = "UTC"
    """Zone for the hour-of-week shapes (IANA name)."""
    statuses: Path | None = None
    """YAML of extra event status names (working/waiting/done per source)."""
    work_hours: str | None = None
    """The desk's hours, in which effort accrues ('mon-fri 08-18', 'always'); default each
    agent's shift as their events show it."""
    start: date | None = None
    end: date | None = None
    """Only tickets opened in these days (both included)."""
    accept_unsteady: bool = False
    """Fit a period that is not a steady state anyway."""

    @property
    def workload_name(self) -> str:
        return self.name or f"{self.source or 'all sources'} (calibrated)"


def calibrate_desk(
    request: CalibrateRequest, store: Store, progress: Progress | None = None
) -> CalibrationResult:
    """Fit arrivals, handling times and escalation from ``store``'s tickets (a
    ``StoreError`` when there are none; an ``UnsteadyPeriodError`` naming the weeks to keep
    when the history is not a steady state)."""
    from deskmix.calibrate.pipeline import calibrate_store
    from deskmix.calibrate.steady import Window

    window = (
        Window(request.start, request.end)
        if request.start is not None or request.end is not None
        else None
    )
    return calibrate_store(
        store,
        name=request.workload_name,
        source_system=request.source,
        import_id=request.import_id,
        timezone=request.timezone,
        statuses_file=request.statuses,
        work_hours=request.work_hours,
        progress=progress,
        window=window,
        accept_unsteady=request.accept_unsteady,
    )


def mix_rows(history: DeskHistory) -> list[tuple[str, list[int], int]]:
    """The history's tickets per domain and tier as table rows: the domain, its count per
    tier (in ``history.mix.columns``' order) and its total, busiest domain first."""
    return [
        (str(domain), [int(v) for v in row], int(row.sum()))
        for domain, row in history.mix.iterrows()
    ]


def stored_weekly_history(store: Store, source: str | None = None) -> WeeklyHistory | None:
    """The stored tickets (of one source) as weekly counts per domain, what the 12-month
    plan's forecast reads; None when the store holds none."""
    from deskmix.calibrate.forecast import weekly_history
    from deskmix.calibrate.loading import load_frames
    from deskmix.store.selection import Selection

    tickets, _ = load_frames(store, Selection(source_system=source))
    return None if tickets.empty else weekly_history(tickets)
