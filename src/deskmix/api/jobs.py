"""Background jobs from the server's side: record, hand to a worker process, report.

A job is a row in the store before it is anything else, so its status can always be read,
by any server process, after a restart too. A job nobody works on any more is marked failed
with that reason when next read, not left "running" forever: on the host that ran it, as soon
as its process is gone; from any host, once its heartbeat (written by the server while the job
waits and by the worker while it runs) is ``SILENT_BEATS`` intervals old.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Row, insert, select, update

from deskmix.api.heartbeat import SILENT_BEATS, Heartbeat
from deskmix.api.job_work import JOBS, run_job, runner_id
from deskmix.live.errors import NotFoundError
from deskmix.store import Store

OPEN = ("queued", "running")
log = logging.getLogger("deskmix.jobs")


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


def _interrupted(row: Row[Any], now: datetime, silent_after: timedelta) -> str | None:
    """Why an open job is abandoned, or None while someone still holds it."""
    if _gone(row.runner):
        return "interrupted: the process running it stopped; submit it again"
    if row.heartbeat_at is not None and now - row.heartbeat_at > silent_after:
        silent = int((now - row.heartbeat_at).total_seconds())
        return (
            f"interrupted: no sign of life from {row.runner} for {silent} s (its process or "
            "host stopped); submit it again"
        )
    return None


class JobRunner:
    """Runs jobs in a small pool of spawned worker processes."""

    def __init__(
        self,
        store: Store,
        processes: int,
        sim_workers: int | None,
        dask: str | None = None,
        heartbeat_seconds: float = 10.0,
    ) -> None:
        self.store = store
        self.sim_workers = sim_workers
        self.dask = dask
        self.heartbeat_seconds = heartbeat_seconds
        self.db_url = store.engine.url.render_as_string(hide_password=False)
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._heartbeat: Heartbeat | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:  # started on first use: a server without jobs spawns nothing
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes, mp_context=multiprocessing.get_context("spawn")
                )
            if self._heartbeat is None:
                self._heartbeat = Heartbeat(
                    self._waiting_jobs_alive, self.heartbeat_seconds, name="jobs-waiting"
                ).start()
            return self._pool

    def _launch(self, job_id: str) -> None:
        pool = self._executor()
        future = pool.submit(
            run_job, self.db_url, job_id, self.sim_workers, self.dask, self.heartbeat_seconds
        )
        future.add_done_callback(lambda f: self._ended(job_id, pool, f))

    def _ended(self, job_id: str, pool: ProcessPoolExecutor, future: Future[None]) -> None:
        """A worker wrote its own job's outcome unless the pool itself failed it.

        A worker killed from outside (out of memory, an operator) breaks the whole pool: the
        job it ran is marked failed, jobs still waiting start again in a fresh pool, and later
        submissions get that fresh pool instead of an error.
        """
        if future.cancelled() or self._closed:  # the server is shutting down
            return
        error = future.exception()
        if error is None:
            return
        if isinstance(error, BrokenProcessPool):
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            with self.store.transaction() as connection:
                status = connection.scalar(select(JOBS.c.status).where(JOBS.c.id == job_id))
            if status == "queued":
                self._launch(job_id)
                return
            reason = "interrupted: its worker process was stopped; submit it again"
        else:
            reason = f"internal error ({type(error).__name__}); see the server log"
            log.error("job %s: the worker failed", job_id, exc_info=error)
        with self.store.transaction() as connection:
            connection.execute(
                update(JOBS)
                .where(JOBS.c.id == job_id, JOBS.c.status.in_(OPEN))
                .values(status="failed", error=reason, finished_at=datetime.now(UTC))
            )

    def _waiting_jobs_alive(self) -> None:
        """Jobs still in this server's queue: their worker has not started, the server holds
        them (a job running elsewhere beats for itself)."""
        with self.store.transaction() as connection:
            connection.execute(
                update(JOBS)
                .where(JOBS.c.status == "queued", JOBS.c.runner == runner_id())
                .values(heartbeat_at=datetime.now(UTC))
            )

    def submit(self, kind: str, params: dict[str, Any]) -> JobInfo:
        job_id = str(uuid4())
        now = datetime.now(UTC)
        with self.store.transaction() as connection:
            connection.execute(
                insert(JOBS).values(
                    id=job_id,
                    kind=kind,
                    status="queued",
                    params=params,
                    progress=0,
                    runner=runner_id(),
                    created_at=now,
                    heartbeat_at=now,
                )
            )
        self._launch(job_id)
        return self.get(job_id)

    def get(self, job_id: str) -> JobInfo:
        with self.store.transaction() as connection:
            row = connection.execute(select(JOBS).where(JOBS.c.id == job_id)).first()
            if row is None:
                raise NotFoundError(f"no job '{job_id}'; POST /api/jobs/simulate or /plan first")
            now = datetime.now(UTC)
            silent_after = timedelta(seconds=SILENT_BEATS * self.heartbeat_seconds)
            reason = _interrupted(row, now, silent_after) if row.status in OPEN else None
            if reason is not None:
                connection.execute(
                    update(JOBS)
                    .where(JOBS.c.id == job_id, JOBS.c.status.in_(OPEN))
                    .values(status="failed", error=reason, finished_at=now)
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
        if self._heartbeat is not None:
            self._heartbeat.stop()
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
