"""A daemon thread that writes "still alive" into the store at a fixed interval.

Why: a job's row has to show when nobody works on it any more, or it stays "running" forever
after its process or host stopped. A process can be looked up directly only on its own host;
a timestamp refreshed every few seconds can be judged by any server sharing the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("deskmix.jobs")

SILENT_BEATS = 6
"""A job whose heartbeat is older than this many intervals counts as abandoned: one or two
missed beats (a slow database, a long garbage collection) must not fail a healthy job."""


class Heartbeat:
    """Calls ``beat`` every ``every`` seconds until ``stop``; a failed beat is logged, not fatal
    (a database that is briefly unreachable should not end the job it is reporting on)."""

    def __init__(self, beat: Callable[[], object], every: float, name: str) -> None:
        self._beat = beat
        self._every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                self._beat()
            except Exception:
                log.warning("heartbeat %s missed a beat", self._thread.name, exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._every + 5)
