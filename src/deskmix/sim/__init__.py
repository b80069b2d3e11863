"""Discrete-event simulation of a team under a routing policy and a workload."""

from deskmix.sim.engine import ReplicationResult, run_replication
from deskmix.sim.kpis import Estimate
from deskmix.sim.model import CompiledModel, SimSettings, compile_model
from deskmix.sim.runner import SimulationResult, simulate

__all__ = [
    "CompiledModel",
    "Estimate",
    "ReplicationResult",
    "SimSettings",
    "SimulationResult",
    "compile_model",
    "run_replication",
    "simulate",
]
