"""Background jobs from the server's side: record, hand to a worker process, report.

A job is a row in the store before it is anything else, so its status can always be read,
by any server process, after a restart too. A job whose worker process is gone (the server
stopped mid-run) is marked failed with that reason when next read, not left "running" forever.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Row, insert, select, update

from deskmix.api.job_work import JOBS, run_job, runner_id
from deskmix.live.errors import NotFoundError
from deskmix.store import Store

OPEN = ("queued", "running")


@dataclass(frozen=True)
class JobInfo:
    id: str
    kind: str
    status: str
    progress: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    result: dict[str, Any] | None
    params: dict[str, Any]


def _info(row: Row[Any]) -> JobInfo:
    return JobInfo(
        id=row.id,
        kind=row.kind,
        status=row.status,
        progress=row.progress,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        result=row.result,
        params=row.params,
    )


def _gone(runner: str) -> bool:
    """Is the process named ``host:pid`` known to be dead? (Only answerable on its host.)"""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobRunner:
    """Runs jobs in a small pool of spawned worker processes."""

    def __init__(
        self, store: Store, processes: int, sim_workers: int | None, dask: str | None = None
    ) -> None:
        self.store = store
        self.sim_workers = sim_workers
        self.dask = dask
        self.db_url = store.engine.url.render_as_string(hide_password=False)
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:  # started on first use: a server without jobs spawns nothing
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def submit(self, kind: str, params: dict[str, Any]) -> JobInfo:
        job_id = str(uuid4())
        with self.store.transaction() as connection:
            connection.execute(
                insert(JOBS).values(
                    id=job_id,
                    kind=kind,
                    status="queued",
                    params=params,
                    progress=0,
                    runner=runner_id(),
                    created_at=datetime.now(UTC),
                )
            )
        self._executor().submit(run_job, self.db_url, job_id, self.sim_workers, self.dask)
        return self.get(job_id)

    def get(self, job_id: str) -> JobInfo:
        with self.store.transaction() as connection:
            row = connection.execute(select(JOBS).where(JOBS.c.id == job_id)).first()
            if row is None:
                raise NotFoundError(f"no job '{job_id}'; POST /api/jobs/simulate or /plan first")
            if row.status in OPEN and _gone(row.runner):
                connection.execute(
                    update(JOBS)
                    .where(JOBS.c.id == job_id, JOBS.c.status.in_(OPEN))
                    .values(
                        status="failed",
                        error="interrupted: the process running it stopped; submit it again",
                        finished_at=datetime.now(UTC),
                    )
                )
                row = connection.execute(select(JOBS).where(JOBS.c.id == job_id)).one()
            return _info(row)

    def recent(self, limit: int) -> list[JobInfo]:
        with self.store.transaction() as connection:
            ids = [
                r.id
                for r in connection.execute(
                    select(JOBS.c.id).order_by(JOBS.c.created_at.desc()).limit(limit)
                )
            ]
        return [self.get(i) for i in ids]

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
