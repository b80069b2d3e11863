"""A page's run as a background job of the server's ``JobRunner`` (the one behind
``/api/jobs``): finding the runner, reading a page's own job back, waiting for one.

Pages hand their slow runs (a simulation, a plan) to the runner rather than computing them in
the request's thread: the run is a job row like any other (``GET /api/jobs`` lists it), runs
in a worker process and outlives the request. htmx polls the page's job route every second;
a form posted without JavaScript, where nothing on the page can poll, waits here instead.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from deskmix.errors import NotFoundError
from deskmix.jobs.runner import JobInfo, JobRunner

OPEN = ("queued", "running")
WAIT_SECONDS = 600.0
"""How long a form posted without JavaScript waits for its job before the page is answered
with the job still running (the page then polls, should JavaScript be on after all)."""
POLL_SECONDS = 0.25


def runner_of(request: Request) -> JobRunner:
    """The server's job runner (made by ``api.app.create_app``, shared with the API)."""
    runner: JobRunner = request.app.state.job_runner
    return runner


def job_of(request: Request, job_id: str, kind: str, what: str) -> JobInfo:
    """The page's job by id; a job of any other kind is not the page's to show."""
    missing = f"no {what} '{job_id}' of this dashboard; run one again"
    try:
        job = runner_of(request).get(job_id)
    except NotFoundError:
        raise NotFoundError(missing) from None
    if job.kind != kind:
        raise NotFoundError(missing)
    return job


async def wait_for(request: Request, job: JobInfo) -> JobInfo:
    """The job once it has ended, or as it stands after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while job.status in OPEN and time.monotonic() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        job = await run_in_threadpool(runner_of(request).get, job.id)
    return job
