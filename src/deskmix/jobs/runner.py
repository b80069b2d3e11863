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
from functools import partial
from typing import Any
from uuid import uuid4

from deskmix.errors import NotFoundError
from deskmix.jobs.heartbeat import SILENT_BEATS, Heartbeat
from deskmix.jobs.work import run_job, runner_id
from deskmix.lifeline import exit_with_parent
from deskmix.store import Store
from deskmix.store.jobs import (
    JobRecord,
    add_job,
    beat_waiting,
    fail_open_job,
    job_status,
    read_job,
    recent_job_ids,
)

MAX_LAUNCHES = 2
"""A waiting job whose pool broke is started again in a new pool; a job that broke two pools
before its worker even marked it running is failed rather than tried forever."""
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


def _info(row: JobRecord) -> JobInfo:
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


def _interrupted(row: JobRecord, now: datetime, silent_after: timedelta) -> str | None:
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
        self._launches: dict[str, int] = {}  # jobs handed to the pool, and how many times

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner is shut down")
            if self._pool is None:  # started on first use: a server without jobs spawns nothing
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=exit_with_parent,  # a killed server leaves no worker behind
                )
            if self._heartbeat is None:
                self._heartbeat = Heartbeat(
                    self._waiting_jobs_alive, self.heartbeat_seconds, name="jobs-waiting"
                ).start()
            return self._pool

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        """Forget a broken pool; the next launch makes a new one. (A broken pool has already
        stopped its processes and failed its futures: nothing is left to shut down.)"""
        with self._lock:
            if self._pool is pool:
                self._pool = None

    def _launch(self, job_id: str) -> None:
        """Hand the job to a worker; a pool that broke while idle (a worker killed between
        jobs) is replaced once. A job that cannot be started is marked failed, not left
        waiting: nothing would ever run it."""
        with self._lock:
            launches = self._launches[job_id] = self._launches.get(job_id, 0) + 1
        if launches > MAX_LAUNCHES:
            self._settle(job_id)
            reason = "its worker process stopped before starting it, twice; submit it again"
            self._fail(job_id, f"interrupted: {reason}")
            return
        args = (self.db_url, job_id, self.sim_workers, self.dask, self.heartbeat_seconds)
        for _ in range(2):
            pool = self._executor()
            try:
                future = pool.submit(run_job, *args)
            except BrokenProcessPool:
                self._drop(pool)
                continue
            future.add_done_callback(partial(self._ended, job_id, pool))
            return
        self._settle(job_id)
        self._fail(job_id, "could not start a worker process; submit it again")

    def _settle(self, job_id: str) -> None:
        """The job is no longer this server's to hold (ended, failed or never started)."""
        with self._lock:
            self._launches.pop(job_id, None)

    def _fail(self, job_id: str, reason: str) -> None:
        fail_open_job(self.store, job_id, reason, datetime.now(UTC))

    def _ended(self, job_id: str, pool: ProcessPoolExecutor, future: Future[None]) -> None:
        """A worker wrote its own job's outcome unless the pool itself failed it.

        A worker killed from outside (out of memory, an operator) breaks the whole pool: the
        job it ran is marked failed, jobs still waiting start again in a fresh pool (at most
        ``MAX_LAUNCHES`` times each), and later submissions get a fresh pool too. Runs in the
        pool's management thread, where an exception would only be logged: every path ends
        with the job's row settled.
        """
        if future.cancelled() or self._closed:  # the server is shutting down
            self._settle(job_id)
            return
        error = future.exception()
        try:
            if isinstance(error, BrokenProcessPool):
                self._drop(pool)
                status = job_status(self.store, job_id)
                if status == "queued" and not self._closed:
                    self._launch(job_id)  # keeps its launch count
                    return
                self._fail(job_id, "interrupted: its worker process was stopped; submit it again")
            elif error is not None:
                log.error("job %s: the worker failed", job_id, exc_info=error)
                self._fail(job_id, f"internal error ({type(error).__name__}); see the server log")
        except Exception:
            log.exception("job %s: could not settle its row", job_id)
        self._settle(job_id)

    def _waiting_jobs_alive(self) -> None:
        """A sign of life for the jobs this server has handed to its pool and whose worker
        has not started them yet (a running job's worker beats for itself). Only jobs it
        really holds: a row this server wrote but could not hand over must fall silent."""
        with self._lock:
            held = list(self._launches)
        if not held:
            return
        beat_waiting(self.store, held, datetime.now(UTC))

    def submit(self, kind: str, params: dict[str, Any]) -> JobInfo:
        job_id = str(uuid4())
        now = datetime.now(UTC)
        add_job(self.store, job_id, kind, params, runner_id(), now)
        self._launch(job_id)
        return self.get(job_id)

    def get(self, job_id: str) -> JobInfo:
        """The job as it stands; an open job nobody holds any more is marked failed first."""
        now = datetime.now(UTC)
        silent_after = timedelta(seconds=SILENT_BEATS * self.heartbeat_seconds)
        row = read_job(self.store, job_id, lambda r: _interrupted(r, now, silent_after), now)
        if row is None:
            raise NotFoundError(f"no job '{job_id}'; POST /api/jobs/simulate or /plan first")
        return _info(row)

    def recent(self, limit: int) -> list[JobInfo]:
        return [self.get(i) for i in recent_job_ids(self.store, limit)]

    def shutdown(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
