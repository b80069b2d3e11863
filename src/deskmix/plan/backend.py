"""The back end a plan simulates on, from its start to its release.

A back end (``parallel.py``: a process pool, a Dask client, or this process) is costly to
start and holds processes or a connection, so a plan starts one only when its first batch is
simulated and releases it when the plan is done. One given by the caller (a 12-month plan
shares one across its quarters, a benchmark across its planners) is used as it is and left
open: whoever started it closes it.
"""

from __future__ import annotations

from deskmix.plan.parallel import Backend, BatchRunner, make_backend


class PlanBackend:
    """A given back end, or one started on first use with ``workers`` processes or ``dask``."""

    def __init__(
        self, workers: int | None, dask: str | None = None, given: Backend | None = None
    ) -> None:
        self.workers, self.dask, self.given = workers, dask, given
        self.open: Backend | None = given
        self.description = given.description if given else ""

    def runner(self, reps: int) -> BatchRunner:
        """The back end, started on first use, running ``reps`` replications per design."""
        if self.open is None:
            self.open = make_backend(self.workers, self.dask)
            self.description = self.open.description
        return BatchRunner(self.open, reps)

    def close(self) -> None:
        """Release the back end this object started (a given one stays open)."""
        if self.open is not None and self.open is not self.given:
            self.open.close()
            self.open = None
