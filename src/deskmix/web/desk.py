"""The desk a dashboard shows: its store, the workload fitted from it, teams and SLA targets.

Calibration and the triage model are the slow parts of a page (half a second each on the
sample desk), so each is computed once and kept until the store changes: the workload is
keyed by the store's counts, which any import changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from fastapi import Request

from deskmix.calibrate.use_case import CalibrateRequest, calibrate_desk
from deskmix.domain.team import Team
from deskmix.domain.workload import Workload
from deskmix.errors import InputError
from deskmix.sample import sample_team_text
from deskmix.store import Store
from deskmix.teamfiles import SLA_PRESETS_DIR, parse_team
from deskmix.triage.model import ModelHolder, TriageModel

RESULTS_KEPT = 8  # recent runs kept, so "download report" does not run the same inputs again
T = TypeVar("T")
WORKLOAD_NAME = "stored history"

TEAM_CHOICES = {
    "sample": "the sample desk's team (4 generalists, 12 specialists, an MSP)",
    "custom": "my team (paste its YAML below)",
}


def sample_team() -> Team:
    return parse_team(sample_team_text(), "sample team")


def team_from(choice: str, yaml_text: str) -> Team:
    """The shipped sample team, or the team a user pasted (read like a team file)."""
    if choice == "sample":
        return sample_team()
    if choice == "custom":
        if not yaml_text.strip():
            raise InputError(
                "no team given", field="team_yaml", expected="a team in YAML (docs/formats.md)"
            )
        return parse_team(yaml_text, "pasted team")
    raise InputError("unknown team", field="team", value=choice, expected=", ".join(TEAM_CHOICES))


def sla_text(choice: str) -> str | None:
    """An SLA preset (``teamfiles.SLA_CHOICES``) as the text of its file, as a job takes it;
    None for deskmix's default targets."""
    if choice == "default":
        return None
    return (SLA_PRESETS_DIR / f"{choice}.yaml").read_text(encoding="utf-8")


@dataclass
class Dashboard:
    """What the dashboard keeps between requests for one store."""

    store: Store
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workload: tuple[tuple[int, ...], Workload] | None = None
    _triage: ModelHolder = field(default_factory=ModelHolder)
    _results: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)

    def fingerprint(self) -> tuple[int, ...]:
        counts = self.store.counts()
        return (counts["imports"], counts["tickets"], counts["events"])

    def workload(self) -> Workload:
        """The workload calibrated from every stored ticket (a ``StoreError`` when none)."""
        key = self.fingerprint()
        with self._lock:
            if self._workload is None or self._workload[0] != key:
                fitted = calibrate_desk(CalibrateRequest(name=WORKLOAD_NAME), self.store)
                self._workload = (key, fitted.workload)
            return self._workload[1]

    def triage_model(self) -> TriageModel:
        """The shipped default model, for an app without the API's triage service."""
        return self._triage.model()

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result of ``compute`` for ``key`` on the store as it is now, kept for a while.

        Runs are seeded, so the same inputs give the same result: keeping it only saves the
        time of running it again (the report download after a run on the page).
        """
        full_key = (key, self.fingerprint())
        with self._lock:
            if full_key in self._results:
                self._results.move_to_end(full_key)
                return cast(T, self._results[full_key])
        value = compute()
        with self._lock:
            self._results[full_key] = value
            while len(self._results) > RESULTS_KEPT:
                self._results.popitem(last=False)
        return value


def frozen_values(values: dict[str, Any]) -> tuple[tuple[str, Hashable], ...]:
    """Form values as a hashable key (lists become tuples)."""
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(values.items()))


def dashboard_of(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


def triage_model_of(request: Request) -> TriageModel:
    """The model the server's API answers with (``deskmix serve --triage-model``), so the
    page and ``POST /api/triage`` agree; the shipped default model when there is none."""
    service = getattr(request.app.state, "triage_service", None)
    if service is not None:
        return cast(TriageModel, service.model())
    return dashboard_of(request).triage_model()
