"""Candidates evaluated in parallel: on this machine's cores or on a Dask cluster.

The unit of work is one replication of one design. A batch of designs (the neighbours the
search wants to compare, across every MSP option still open) becomes designs x replications
tasks, so two cores stay busy even when each design has few replications, and a cluster gets
enough tasks to spread. Replication r of a design always uses ``SeedSequence(seed).spawn(reps)[r]``
whoever runs it, so a Dask run, a process pool and a serial loop give the same numbers bit
for bit (common random numbers across candidates and across back ends).
"""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deskmix.errors import ConfigError
from deskmix.lifeline import exit_with_parent
from deskmix.routing.base import Policy
from deskmix.routing.policies import make_policy
from deskmix.sim.compiled import warm_up
from deskmix.sim.engine import run_replication
from deskmix.sim.kpis import backlog, replication_kpis, summarise
from deskmix.sim.model import CompiledModel, compile_model
from deskmix.sim.runner import SimulationResult
from deskmix.sim.whatif import Setup

Output = tuple[dict[str, float], NDArray[np.float64], list[tuple[float, str, str]]]
TRACE = 20  # routing decisions kept from replication 0, as ``sim.runner`` keeps them
CACHE_SIZE = 16


@dataclass(frozen=True)
class Task:
    """One replication of one design. ``key`` identifies the setup for the worker's cache."""

    key: str
    setup: Setup
    seed: int
    reps: int
    rep: int


_COMPILED: dict[str, tuple[CompiledModel, Policy]] = {}


def run_task(task: Task) -> Output:
    """Run in a worker (a process, a Dask worker or this process): compile once per setup."""
    cached = _COMPILED.get(task.key)
    if cached is None:
        s = task.setup
        cached = (
            compile_model(s.workload, s.team, s.sla, s.settings),
            make_policy(s.policy, **s.policy_settings),
        )
        if len(_COMPILED) >= CACHE_SIZE:
            _COMPILED.clear()
        _COMPILED[task.key] = cached
    model, policy = cached
    seed = np.random.SeedSequence(task.seed).spawn(task.reps)[task.rep]
    result = run_replication(
        model, copy.deepcopy(policy), seed, trace=TRACE if task.rep == 0 else 0
    )
    return replication_kpis(model, result), backlog(model, result), result.decisions


def setup_key(setup: Setup) -> str:
    return hashlib.sha256(pickle.dumps(setup)).hexdigest()


def assemble(setup: Setup, seed: int, outputs: list[Output]) -> SimulationResult:
    """The replications of one design as ``sim.runner.simulate`` would have returned them."""
    runs = [o[0] for o in outputs]
    curves = [o[1] for o in outputs]
    length = min(len(c) for c in curves)
    policy = make_policy(setup.policy, **setup.policy_settings)
    return SimulationResult(
        policy=policy.describe(),
        reps=len(outputs),
        seed=seed,
        runs=runs,
        summary=summarise(runs),
        backlog=np.mean([c[:length] for c in curves], axis=0),
        decisions=outputs[0][2],
    )


class Backend:
    """Runs tasks and returns their outputs in task order; ``tick`` is called per task done."""

    description = "this process"

    def run(self, tasks: list[Task], tick: Callable[[int], None] | None) -> list[Output]:
        out = []
        for task in tasks:
            out.append(run_task(task))
            if tick:
                tick(1)
        return out

    def close(self) -> None:
        """Nothing to release in-process."""


class ProcessBackend(Backend):
    """A pool of local processes kept for the whole plan (starting one per design costs)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} local processes"
        warm_up()  # workers fork from this process and inherit the loaded event loop
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent)

    def run(self, tasks: list[Task], tick: Callable[[int], None] | None) -> list[Output]:
        futures = [self.pool.submit(run_task, t) for t in tasks]
        out = []
        for future in futures:
            out.append(future.result())
            if tick:
                tick(1)
        return out

    def close(self) -> None:
        self.pool.shutdown()


class DaskBackend(Backend):
    """A Dask cluster at ``address`` (``tcp://HOST:PORT``) via ``dask.distributed.Client``.

    The workers must run the same deskmix version (they import ``deskmix.plan.parallel``).
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client: Any = Client(address, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"--dask {address}: cannot reach a Dask scheduler there ({exc}); expected "
                "the address of a running scheduler, e.g. tcp://10.0.0.5:8786"
            ) from exc
        self.description = f"Dask cluster at {address}"

    def run(self, tasks: list[Task], tick: Callable[[int], None] | None) -> list[Output]:
        from distributed import as_completed

        futures = [self.client.submit(run_task, t, pure=False) for t in tasks]
        for _ in as_completed(futures):  # type: ignore[no-untyped-call]
            if tick:
                tick(1)
        results: list[Output] = self.client.gather(futures)
        return results

    def close(self) -> None:
        self.client.close()


def make_backend(workers: int | None, dask: str | None) -> Backend:
    """Dask when an address is given, else processes (all cores by default), else serial."""
    if dask:
        return DaskBackend(dask)
    count = workers or os.cpu_count() or 1
    return ProcessBackend(count) if count > 1 else Backend()


class BatchRunner:
    """Simulates many setups at once on one back end; use it as a context manager."""

    def __init__(self, backend: Backend, reps: int) -> None:
        self.backend, self.reps = backend, reps

    def __enter__(self) -> BatchRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.backend.close()

    def simulate(
        self,
        setups: list[Setup],
        seed: int,
        tick: Callable[[int], None] | None = None,
    ) -> list[SimulationResult]:
        keys = [setup_key(s) for s in setups]
        tasks = [
            Task(key, setup, seed, self.reps, r)
            for key, setup in zip(keys, setups, strict=True)
            for r in range(self.reps)
        ]
        outputs = self.backend.run(tasks, tick)
        return [
            assemble(setup, seed, outputs[i * self.reps : (i + 1) * self.reps])
            for i, setup in enumerate(setups)
        ]
