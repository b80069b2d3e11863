"""Worker processes end when the process that started them ends, even by ``kill -9``.

A server's job workers and every simulation pool's workers are started by a parent that may be
killed without a chance to stop them; left alone they would keep running (hundreds of MB each,
a simulation nobody will read). Each such worker runs ``exit_with_parent`` first: a daemon
thread that checks every half second whether the parent is still its parent and ends the
process at once when it is not. A chain (server -> job worker -> simulation pool) unwinds from
the top, each level noticing its own parent's end.

Linux's parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is not used: it fires when the parent
*thread* that started the child ends, and pools are started from request and job threads
that come and go while the server lives.
"""

from __future__ import annotations

import os
import threading
import time

CHECK_SECONDS = 0.5
_watching: int | None = None  # the pid whose watch runs (a forked child inherits the value)


def _watch(parent: int) -> None:
    while True:
        time.sleep(CHECK_SECONDS)
        if os.getppid() != parent:
            # Nothing to clean up that the parent's end has not already lost; exit now, without
            # running atexit handlers that could wait on pools or queues of the dead parent.
            os._exit(1)


def exit_with_parent() -> None:
    """End this process when its parent ends (a pool initializer; safe to call twice)."""
    global _watching
    if _watching == os.getpid():
        return
    _watching = os.getpid()
    parent = os.getppid()
    if parent <= 1:  # already orphaned: the parent died before the worker started
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True).start()
