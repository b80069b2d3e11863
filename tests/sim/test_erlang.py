"""The engine against closed forms: one pool, exponential times, first come first served.

Tolerance: each case runs R independent replications; the simulated mean of each statistic has
a standard error s/sqrt(R) estimated from them. We accept the Erlang C value within 4 standard
errors (plus 1% of the value for the finite-run bias of a warm-up that is not infinite). With
the fixed seeds the test is deterministic; 4 standard errors means a correct engine would fail
with probability about 6e-5 per statistic for a fresh seed, while a modelling error of a few
percent at these run lengths shows up as tens of standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from deskmix.domain.sla import SlaPolicy
from deskmix.plan.erlang import erlang_c
from deskmix.routing import make_policy
from deskmix.sim import SimSettings, compile_model, run_replication
from tests.sim.helpers import pool_team, single_pool


@pytest.mark.parametrize(
    ("servers", "rho", "weeks", "reps"),
    [(4, 0.5, 6, 6), (8, 0.7, 6, 6), (20, 0.85, 4, 6), (10, 0.95, 20, 8)],
)
def test_mmc_matches_erlang_c(servers: int, rho: float, weeks: float, reps: int) -> None:
    mean_service = 0.5
    rate = rho * servers / mean_service
    model = compile_model(
        single_pool(rate, mean_service),
        pool_team(servers),
        SlaPolicy.default(),
        SimSettings(weeks=weeks, warmup_weeks=1, drain_weeks=1),
    )
    p_wait, mean_wait = [], []
    for seed in np.random.SeedSequence(2024).spawn(reps):
        result = run_replication(model, make_policy("skills_based"), seed)
        measured = result.arrival >= model.settings.warmup_hours
        wait = (result.first_response - result.arrival)[measured]
        p_wait.append(float((wait > 1e-12).mean()))
        mean_wait.append(float(wait.mean()))
    theory_p = erlang_c(servers, rate * mean_service)
    theory_w = theory_p / (servers / mean_service - rate)
    for simulated, theory in ((p_wait, theory_p), (mean_wait, theory_w)):
        values = np.array(simulated)
        stderr = values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - theory) <= 4 * stderr + 0.01 * theory, (
            values.mean(),
            theory,
            stderr,
        )


def test_erlang_c_reference_value() -> None:
    # Textbook check: 2 servers, 1 Erlang offered -> P(wait) = 1/3.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
