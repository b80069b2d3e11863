"""``deskmix serve``: the REST API and the web dashboard on one HTTP server."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Annotated

import typer

from deskmix.api.settings import DEFAULT_MAX_UPLOAD_BYTES, ServerSettings
from deskmix.cli.common import DbOption, console, fail, user_errors
from deskmix.routing.policies import POLICIES
from deskmix.store.db import normalise_db_url


def check_port_free(host: str, port: int) -> None:
    """Fail with one line if ``host:port`` cannot be listened on.

    uvicorn would report it only after the store was opened and "serving" printed, with a
    log line and exit 1; checked first, a user sees at once why and nothing claims to serve.
    The probe sets SO_REUSEADDR as uvicorn does, so a port in TIME_WAIT is not refused.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = (
                    f"port {port} on {host} is already in use; stop what holds it or choose "
                    "another --port"
                )
            else:
                message = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            raise fail(message) from None


# The application (FastAPI, scikit-learn, Plotly) is imported when the server starts, not
# whenever deskmix starts.


@user_errors
def serve_command(
    db: DbOption = None,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    max_upload_mb: float = typer.Option(
        DEFAULT_MAX_UPLOAD_BYTES / 1024 / 1024, min=0.001, help="Largest accepted upload, in MiB."
    ),
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes. More than one needs PostgreSQL to scale: SQLite takes one "
            "writer at a time.",
        ),
    ] = 1,
    team: Annotated[
        Path | None,
        typer.Option(
            "--team", help="Load this team for live routing before serving.", show_default=False
        ),
    ] = None,
    policy: Annotated[
        str,
        typer.Option("--policy", help=f"Live routing policy with --team: {', '.join(POLICIES)}."),
    ] = "generalist_first",
    public_reads: Annotated[
        bool,
        typer.Option(
            "--public-reads",
            help="Anyone who reaches the server reads tickets, people and results, in the API "
            "and the dashboard, without a token (default: a 'read' token or a signed-in "
            "session). Writes always need a token.",
        ),
    ] = False,
    private_reads: Annotated[
        bool,
        typer.Option("--private-reads", hidden=True, help="The default now; kept for scripts."),
    ] = False,
    triage_model: Annotated[
        Path | None,
        typer.Option(
            "--triage-model",
            help="Triage model folder (default: the shipped model).",
            show_default=False,
        ),
    ] = None,
    fast_routing: Annotated[
        bool,
        typer.Option(
            "--fast-routing",
            help="PostgreSQL: routing changes do not wait for the disk flush (faster; a "
            "database crash may lose the last moment of them; see docs/api.md).",
        ),
    ] = False,
    job_processes: Annotated[
        int, typer.Option("--job-processes", min=1, max=16, help="Background jobs run at once.")
    ] = 1,
    sim_workers: Annotated[
        int | None,
        typer.Option(
            "--sim-workers",
            min=1,
            help="Processes per simulation job (default: all cores).",
            show_default=False,
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Dask scheduler address (tcp://HOST:PORT): plan jobs simulate candidates there.",
            show_default=False,
        ),
    ] = None,
    job_heartbeat: Annotated[
        float,
        typer.Option(
            "--job-heartbeat",
            min=0.1,
            max=3600,
            help="Seconds between a job's signs of life; a job silent six times as long is "
            "marked failed (use one value on every server sharing a database).",
        ),
    ] = 10.0,
) -> None:
    """Serve the REST API (under /api, docs at /docs) and the web dashboard (at /)."""
    check_port_free(host, port)
    import uvicorn

    from deskmix.api.app import SETTINGS_ENV, create_app
    from deskmix.live import Desk
    from deskmix.store import open_store
    from deskmix.teamfiles import load_team

    settings = ServerSettings(
        db=normalise_db_url(db),
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        public_reads=public_reads and not private_reads,
        triage_model=str(triage_model) if triage_model else None,
        job_threads=job_processes,
        durable_routing=not fast_routing,
        sim_workers=sim_workers,
        dask=dask,
        job_heartbeat_seconds=job_heartbeat,
    )
    store = open_store(settings.db)
    try:
        if team is not None:
            snapshot = Desk(store).load_team(load_team(team), policy)
            console.print(
                f"live team '{snapshot.team}' ({len(snapshot.agents)} agents) under {policy}"
            )
        shown = store.url
    finally:
        store.dispose()
    console.print(f"deskmix serving {shown} on http://{host}:{port} ({workers} worker(s))")
    if settings.public_reads:
        console.print(
            "reads are public (--public-reads): anyone who reaches this port sees tickets, "
            "people and results"
        )
    else:
        console.print(
            f"reads are private: sign in at http://{host}:{port}/signin with a token from "
            "'deskmix token create --scope read'"
        )
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # Each worker is a fresh process: it rebuilds the app from settings passed in the environment.
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run(
        "deskmix.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # Importing the app (scikit-learn, SciPy, Plotly) can take tens of seconds on a busy
        # machine; uvicorn's default 5 s would kill workers that are merely starting.
        timeout_worker_healthcheck=300,
    )
