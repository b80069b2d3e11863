"""A real uvicorn server on a free loopback port, for API and browser tests.

The server runs in a thread of the test process (uvicorn's own ``Server``), so tests talk to it
over real HTTP while the store behind it stays inspectable from the test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI


@dataclass(frozen=True)
class LiveServer:
    app: FastAPI
    base_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: FastAPI, *, timeout: float = 20.0) -> Iterator[LiveServer]:
    """Run ``app`` under uvicorn until the block ends; wait until it answers first."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on {base_url}")
        time.sleep(0.05)
    try:
        yield LiveServer(app=app, base_url=base_url)
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
