"""Replications in parallel processes, reproducible bit for bit from one seed.

Replication r of a run with seed s always uses ``SeedSequence(s).spawn(reps)[r]``, whichever
process runs it and in whichever order: the same seed gives the same numbers, and two
scenarios run with the same seed share their arrivals and draws (common random numbers).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from deskmix.lifeline import exit_with_parent
from deskmix.routing.base import Policy
from deskmix.sim.compiled import warm_up
from deskmix.sim.engine import run_replication
from deskmix.sim.kpis import Estimate, backlog, replication_kpis, summarise
from deskmix.sim.model import CompiledModel


@dataclass
class SimulationResult:
    """KPIs of every replication, their summary with intervals, and a mean backlog curve."""

    policy: str
    reps: int
    seed: int
    runs: list[dict[str, float]]
    summary: dict[str, Estimate]
    backlog: NDArray[np.float64]
    decisions: list[tuple[float, str, str]] = field(default_factory=list)

    def __getitem__(self, name: str) -> Estimate:
        return self.summary[name]


Output = tuple[dict[str, float], NDArray[np.float64], list[tuple[float, str, str]]]


def _one(model: CompiledModel, policy: Policy, seed: np.random.SeedSequence, trace: int) -> Output:
    result = run_replication(model, copy.deepcopy(policy), seed, trace=trace)
    return replication_kpis(model, result), backlog(model, result), result.decisions


# Each worker process receives the model and the policy once, not with every replication.
_WORKER: dict[str, object] = {}


def _install(model: CompiledModel, policy: Policy) -> None:
    exit_with_parent()
    _WORKER["model"], _WORKER["policy"] = model, policy


def _one_in_worker(seed: np.random.SeedSequence, trace: int) -> Output:
    model = _WORKER["model"]
    policy = _WORKER["policy"]
    assert isinstance(model, CompiledModel) and isinstance(policy, Policy)
    return _one(model, policy, seed, trace)


def simulate(
    model: CompiledModel,
    policy: Policy,
    *,
    reps: int = 30,
    seed: int = 0,
    workers: int | None = None,
    trace: int = 20,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run ``reps`` replications (in ``workers`` processes; default all cores)."""
    seeds = np.random.SeedSequence(seed).spawn(reps)
    workers = min(reps, workers or os.cpu_count() or 1)
    outputs: list[Output]
    if workers <= 1:
        outputs = []
        for r, s in enumerate(seeds):
            outputs.append(_one(model, policy, s, trace if r == 0 else 0))
            if progress:
                progress(1)
    else:
        # Load the compiled event loop here, once: the workers fork from this process and
        # inherit it instead of each loading it from disk (a second or so apiece).
        warm_up()
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_install, initargs=(model, policy)
        ) as pool:
            futures = [
                pool.submit(_one_in_worker, s, trace if r == 0 else 0) for r, s in enumerate(seeds)
            ]
            outputs = []
            for future in futures:
                outputs.append(future.result())
                if progress:
                    progress(1)
    runs = [o[0] for o in outputs]
    curves = [o[1] for o in outputs]
    length = min(len(c) for c in curves)
    return SimulationResult(
        policy=policy.describe(),
        reps=reps,
        seed=seed,
        runs=runs,
        summary=summarise(runs),
        backlog=np.mean([c[:length] for c in curves], axis=0),
        decisions=outputs[0][2],
    )
