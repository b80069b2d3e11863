"""The jobs table: a background job's row from submission to its result.

Every change a job's row can go through is one function here, each one transaction, and each
guarded by the state the row must still be in (a worker writes only while it holds the job; a
failure is written only over an open job), so two servers or a late worker sharing the database
cannot overwrite each other. What a job runs and when it counts as abandoned is
``deskmix.jobs``'s business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, insert, select, update

from deskmix.store.db import Store
from deskmix.store.models import JobRow

JOBS = cast(Table, JobRow.__table__)
OPEN = ("queued", "running")


@dataclass(frozen=True)
class JobRecord:
    """One row of the jobs table."""

    id: str
    kind: str
    status: str
    params: dict[str, Any]
    progress: int
    runner: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    error: str | None
    result: dict[str, Any] | None


def _record(row: Row[Any]) -> JobRecord:
    return JobRecord(
        id=row.id,
        kind=row.kind,
        status=row.status,
        params=row.params,
        progress=row.progress,
        runner=row.runner,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat_at=row.heartbeat_at,
        error=row.error,
        result=row.result,
    )


def _fail_open(connection: Connection, job_id: str, reason: str, now: datetime) -> None:
    connection.execute(
        update(JOBS)
        .where(JOBS.c.id == job_id, JOBS.c.status.in_(OPEN))
        .values(status="failed", error=reason, finished_at=now)
    )


def add_job(
    store: Store, job_id: str, kind: str, params: dict[str, Any], runner: str, now: datetime
) -> None:
    """A new waiting job, held (and beating) by ``runner`` until a worker takes it."""
    with store.transaction() as connection:
        connection.execute(
            insert(JOBS).values(
                id=job_id,
                kind=kind,
                status="queued",
                params=params,
                progress=0,
                runner=runner,
                created_at=now,
                heartbeat_at=now,
            )
        )


def fail_open_job(store: Store, job_id: str, reason: str, now: datetime) -> None:
    """Mark the job failed with ``reason`` unless it has already ended."""
    with store.transaction() as connection:
        _fail_open(connection, job_id, reason, now)


def job_status(store: Store, job_id: str) -> str | None:
    """The job's status, or None when there is no such job."""
    with store.transaction() as connection:
        status: str | None = connection.scalar(select(JOBS.c.status).where(JOBS.c.id == job_id))
    return status


def read_job(
    store: Store,
    job_id: str,
    abandoned: Callable[[JobRecord], str | None],
    now: datetime,
) -> JobRecord | None:
    """The job (None when there is none). An open job that ``abandoned`` gives a reason for
    is marked failed with it first, in the same transaction, and returned as it is then."""
    with store.transaction() as connection:
        row = connection.execute(select(JOBS).where(JOBS.c.id == job_id)).first()
        if row is None:
            return None
        record = _record(row)
        reason = abandoned(record) if record.status in OPEN else None
        if reason is not None:
            _fail_open(connection, job_id, reason, now)
            record = _record(connection.execute(select(JOBS).where(JOBS.c.id == job_id)).one())
        return record


def recent_job_ids(store: Store, limit: int) -> list[str]:
    """The ids of the ``limit`` most recently submitted jobs, newest first."""
    with store.transaction() as connection:
        return [
            r.id
            for r in connection.execute(
                select(JOBS.c.id).order_by(JOBS.c.created_at.desc()).limit(limit)
            )
        ]


def beat_waiting(store: Store, job_ids: list[str], now: datetime) -> None:
    """A sign of life for these jobs, where they still wait for a worker."""
    with store.transaction() as connection:
        connection.execute(
            update(JOBS)
            .where(JOBS.c.status == "queued", JOBS.c.id.in_(job_ids))
            .values(heartbeat_at=now)
        )


def take_job(store: Store, job_id: str, runner: str, now: datetime) -> JobRecord | None:
    """Mark the job running for ``runner`` if it still waits; the row, or None (failed or
    taken meanwhile)."""
    with store.transaction() as connection:
        taken = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "queued")
            .values(status="running", started_at=now, heartbeat_at=now, runner=runner)
        )
        if taken.rowcount == 0:
            return None
        return _record(connection.execute(select(JOBS).where(JOBS.c.id == job_id)).one())


def update_held_job(store: Store, job_id: str, runner: str, **values: Any) -> bool:
    """Write to the job's row while ``runner`` still holds it running; False once it does not.

    Another server may have marked the job failed (silent too long) and the user may have
    submitted it again: a worker that comes back must not turn that row into "done" too.
    """
    with store.transaction() as connection:
        written = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "running", JOBS.c.runner == runner)
            .values(**values)
        )
        return written.rowcount > 0
