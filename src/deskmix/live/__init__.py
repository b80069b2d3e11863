"""Live routing: the simulator's policies deciding real tickets against state kept in the store.

``Desk`` is the one entry point; every change (route, assign, complete, escalate, shifts, team
load) runs in one transaction that first locks the desk row, so concurrent requests, threads or
server processes never hand one agent two tickets nor lose an update.
"""

from deskmix.errors import ConflictError, NotFoundError
from deskmix.live.desk import Desk

__all__ = ["ConflictError", "Desk", "NotFoundError"]
