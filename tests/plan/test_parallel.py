"""Candidates in parallel: local processes and a Dask cluster give the serial plan exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner
from tests.plan.helpers import costs, network_msp, sla, two_pool_workload
from tests.plan.test_cli import _args, _files

RUN = RunSettings(reps=4, weeks=3, seed=11)


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    """A small real Dask cluster (scheduler and worker over TCP, inside this process)."""
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def _plan(workers: int, dask: str | None = None) -> PlanResult:
    run = RunSettings(reps=RUN.reps, weeks=RUN.weeks, seed=RUN.seed, workers=workers)
    ticks: list[int] = []
    with Planner(
        two_pool_workload(),
        sla(),
        costs(),
        [network_msp(40.0)],
        run,
        dask=dask,
        progress=ticks.append,
    ) as planner:
        plan = planner.plan()
    # every replication of every design, and of the verification, reported progress
    assert sum(ticks) == (len(plan.log) + 1) * run.reps
    return plan


def _fingerprint(plan: PlanResult) -> tuple[object, ...]:
    return (
        plan.recommended,
        plan.evaluation.result.runs,
        plan.verification.result.runs,
        [(s.design, s.feasible, s.cost) for s in plan.log],
    )


def test_processes_and_a_dask_cluster_give_the_serial_plan(dask_address: str) -> None:
    serial = _plan(workers=1)
    assert serial.backend == "this process"
    local = _plan(workers=2)
    assert local.backend == "2 local processes"
    remote = _plan(workers=1, dask=dask_address)
    assert remote.backend == f"Dask cluster at {dask_address}"
    # same seed, same common random numbers: bit for bit the same plan on every back end
    assert _fingerprint(local) == _fingerprint(serial)
    assert _fingerprint(remote) == _fingerprint(serial)
    assert len(serial.log) >= 2  # a real search (the start and one fewer), not one design


def test_plan_command_runs_on_a_dask_cluster(dask_address: str, tmp_path: Path) -> None:
    files = _files(tmp_path)
    result = CliRunner().invoke(
        app, [*_args(files), "--dask", dask_address], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert f"designs simulated on Dask cluster at {dask_address}" in result.output
    assert "recommended: 2 generalists, MSP: NetOps" in result.output
