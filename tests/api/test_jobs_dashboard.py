"""The dashboard's simulation job, run by a worker on both databases: its result holds what
the simulate page draws, as JSON PostgreSQL's JSON type accepts (no NaN)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from uuid import uuid4

import yaml

from deskmix.calibrate.io import dump_workload
from deskmix.jobs.params import DashboardSimulateParams
from deskmix.jobs.work import run_job, runner_id
from deskmix.sim.whatif import Scenario
from deskmix.store import Store
from deskmix.store.jobs import add_job, read_job
from tests.live.test_desk import TEAM
from tests.sim.helpers import two_domains


def test_a_dashboard_simulation_stores_the_pages_figures(store: Store) -> None:
    params = DashboardSimulateParams(
        team=yaml.safe_dump(TEAM.model_dump(mode="json")),
        workload=dump_workload(two_domains(40, 8)),
        reps=2,
        weeks=1,
        warmup_weeks=0,
        scenarios=[Scenario(name="busier", load=1.5)],
        form={"team": "custom", "reps": 2},
    )
    job_id = str(uuid4())
    add_job(
        store,
        job_id,
        "dashboard-simulate",
        params.model_dump(mode="json"),
        runner_id(),
        datetime.now(UTC),
    )
    run_job(store.engine.url.render_as_string(hide_password=False), job_id, workers=1)

    row = read_job(store, job_id, lambda _row: None, datetime.now(UTC))
    assert row is not None and row.status == "done", row
    result = row.result
    assert result is not None
    json.dumps(result, allow_nan=False)  # strict JSON: what PostgreSQL's JSON type takes
    assert result["title"].startswith(f"{TEAM.name} under generalist_first")
    assert result["run"].startswith("2 replications of 1 weeks")
    baseline, busier = result["scenarios"]
    assert (baseline["name"], busier["name"]) == ("baseline", "busier")
    hours = 7 * 24  # one measured week, hourly
    assert len(baseline["backlog"]) == len(busier["backlog"]) == hours
    assert all(v is None or (isinstance(v, float) and math.isfinite(v)) for v in busier["backlog"])
    assert sum(v or 0 for v in busier["backlog"]) > sum(v or 0 for v in baseline["backlog"])
    assert baseline["kpis"]["sla_resolution"]["n"] == 2
    assert row.params["form"] == {"team": "custom", "reps": 2}
