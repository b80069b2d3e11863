"""Group commit: requests queued to one routing thread per process and applied in batches.

While the thread applies a batch, new requests wait; the next batch takes all of them (up to
``MAX_BATCH``): one lock, one read of the desk, the operations applied in memory one after
another, a few bulk writes, one commit, then every waiting request is answered through its
future. Under light load a batch holds one request; under heavy load the lock and the round
trips are shared by many. What a batch does is the caller's (``GroupCommit``'s ``commit``);
this module only queues, groups and answers.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

log = logging.getLogger("deskmix.live")
T = TypeVar("T")
B = TypeVar("B")

MAX_BATCH = 256
"""Operations per batch at most: bounds the transaction and the memory of one batch."""
IDLE_SECONDS = 30.0
"""The routing thread ends after this long without work (and starts again on demand)."""


@dataclass(eq=False)
class Operation(Generic[B]):
    """One request waiting for a batch: the tickets it names (read with the batch) and what
    it does to the batch."""

    keys: tuple[str, ...]
    apply: Callable[[B], Any]
    future: Future[Any]


_STOP = object()

Outcome = tuple[bool, Any]
"""(True, the operation's answer) or (False, the exception it raised)."""


class GroupCommit(Generic[B]):
    """The routing thread of one process. ``commit`` applies a list of operations as one
    batch and returns each one's outcome, in order; it may raise, and then the operations are
    retried one by one so that only the one at fault fails."""

    def __init__(self, commit: Callable[[list[Operation[B]]], list[Outcome]]) -> None:
        self._commit = commit
        self._pending: queue.SimpleQueue[Operation[B] | list[Operation[B]] | object] = (
            queue.SimpleQueue()
        )
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._grouping = threading.local()
        self.batches = 0
        self.operations = 0

    def submit(self, keys: tuple[str, ...], apply: Callable[[B], T]) -> Future[T]:
        future: Future[T] = Future()
        operation = Operation(keys, apply, future)
        group: list[Operation[B]] | None = getattr(self._grouping, "ops", None)
        if group is not None:
            group.append(operation)
            return future
        self._pending.put(operation)
        self._start_worker()
        return future

    @contextmanager
    def together(self) -> Iterator[None]:
        """Operations submitted by this thread inside the block go into one batch, in order,
        when the block ends (however many they are); their futures resolve after it."""
        if getattr(self._grouping, "ops", None) is not None:
            raise RuntimeError("Desk.together() blocks do not nest")
        self._grouping.ops = []
        try:
            yield
        finally:
            ops: list[Operation[B]] = self._grouping.ops
            self._grouping.ops = None
        if ops:
            self._pending.put(ops)
            self._start_worker()

    def _start_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="deskmix-routing", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        """The routing thread: take every waiting operation (up to ``MAX_BATCH``), apply
        them as one batch, answer them, repeat."""
        while True:
            try:
                first = self._pending.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._worker_lock:
                    if self._pending.empty():
                        self._worker = None
                        return
                continue
            items = [first]
            while len(items) < MAX_BATCH:
                try:
                    items.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            stop = any(item is _STOP for item in items)
            flat: list[Operation[B]] = []
            for item in items:
                if isinstance(item, Operation):
                    flat.append(item)
                elif isinstance(item, list):  # a together() group
                    flat += item
            # A request whose caller gave up before its batch began is not applied.
            ops = [op for op in flat if op.future.set_running_or_notify_cancel()]
            if ops:
                self._run(ops)
            if stop:
                with self._worker_lock:
                    self._worker = None
                return

    def _run(self, ops: list[Operation[B]]) -> None:
        try:
            outcomes = self._commit(ops)
        except Exception as exc:
            if len(ops) == 1:
                ops[0].future.set_exception(exc)
                return
            # Something unexpected (not a refusal) failed the batch and rolled it back: apply
            # the operations one by one, so only the one at fault fails.
            log.warning("a routing batch of %d failed (%s); retrying one by one", len(ops), exc)
            for op in ops:
                self._run([op])
            return
        self.batches += 1
        self.operations += len(ops)
        for op, (ok, value) in zip(ops, outcomes, strict=True):
            if ok:
                op.future.set_result(value)
            else:
                op.future.set_exception(value)

    def close(self) -> None:
        """Finish the queued operations and stop the routing thread."""
        with self._worker_lock:
            worker = self._worker
        if worker is not None:
            self._pending.put(_STOP)
            worker.join()
        if self.batches:
            log.info(
                "live routing: %d operations in %d batches (%.1f per batch)",
                self.operations,
                self.batches,
                self.operations / self.batches,
            )
