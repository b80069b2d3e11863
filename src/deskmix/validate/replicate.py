"""The back-test's simulated side: the history's team on the calibrated workload, replicated
as ``deskmix simulate`` seeds runs (replication r of seed s uses ``SeedSequence(s).spawn(R)[r]``),
in this process or on a process pool.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.workload import Workload
from deskmix.lifeline import exit_with_parent
from deskmix.routing.base import Policy
from deskmix.routing.policies import make_policy
from deskmix.sim.compiled import warm_up
from deskmix.sim.engine import run_replication
from deskmix.sim.model import CompiledModel, SimSettings, compile_model
from deskmix.validate import figures as fig
from deskmix.validate.history_team import HistoryTeam

MIN_PART_WEEKS = 1.0
"""The shortest part of a history that is simulated or compared (weeks)."""

Run = tuple[dict[tuple[str, str], float], dict[str, np.ndarray], np.ndarray]
_WORKER: dict[str, object] = {}


def _install(model: CompiledModel, policy: str) -> None:
    exit_with_parent()
    _WORKER["model"], _WORKER["policy"] = model, make_policy(policy)


def _one(seed: np.random.SeedSequence) -> Run:
    """One replication in a pool worker, on the model its initialiser installed."""
    model, policy = _WORKER["model"], _WORKER["policy"]
    assert isinstance(model, CompiledModel) and isinstance(policy, Policy)
    return _replicate(model, policy, seed)


def _replicate(model: CompiledModel, policy: Policy, seed: np.random.SeedSequence) -> Run:
    result = run_replication(model, copy.deepcopy(policy), seed)
    return fig.replication_figures(model, result)


def simulate_side(
    workload: Workload,
    team: HistoryTeam,
    sla: SlaPolicy,
    policy: str,
    weeks: float,
    runs_wanted: tuple[int, int, int | None],
    tick: Callable[[], None],
) -> fig.Side:
    """The rebuilt team on the workload: ``(replications, seed, workers)`` as the request
    says, seeded as simulate's."""
    replications, seed, wanted_workers = runs_wanted
    settings = SimSettings(weeks=max(weeks, MIN_PART_WEEKS), warmup_weeks=1, delays=True)
    model = compile_model(workload, team.team, sla, settings)
    seeds = np.random.SeedSequence(seed).spawn(replications)
    runs: list[Run] = []
    workers = min(replications, wanted_workers or 1)
    if workers <= 1:
        # In this process the model travels as an argument: a module-level slot would be
        # shared by concurrent back-tests (the API and dashboard run them in threads).
        chosen = make_policy(policy)
        for s in seeds:
            runs.append(_replicate(model, chosen, s))
            tick()
    else:
        warm_up()
        with ProcessPoolExecutor(workers, initializer=_install, initargs=(model, policy)) as pool:
            for run in pool.map(_one, seeds):
                runs.append(run)
                tick()
    return fig.simulated_side(runs)
