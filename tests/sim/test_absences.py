"""Shrinkage in the simulator: absences as real days off, their KPIs, and bad inputs."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.shrinkage import Shrinkage
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, Team
from deskmix.errors import ConfigError
from deskmix.plan.inputs import load_costs
from deskmix.routing.policies import GeneralistFirst
from deskmix.sim.absences import draw_absent_days, working_days_in_year
from deskmix.sim.engine import run_replication
from deskmix.sim.model import SimSettings, compile_model
from deskmix.sim.runner import simulate
from deskmix.teamfiles import parse_team
from tests.sim.helpers import handling, single_pool

DOMAINS = ["network", "security", "cloud_infra", "data_db", "business_apps"]
START = dt.date(2025, 1, 6)


def _workload() -> Workload:
    return Workload(
        name="five domains",
        arrivals=[
            ArrivalStream(
                domain=d, tier=Tier.SPECIALIST, priority=Priority.P3, tickets_per_week=2, observed=1
            )
            for d in DOMAINS
        ],
        handling=[handling(d, t, 1.0) for d in DOMAINS for t in Tier],
    )


def _specialists(shrinkage: Shrinkage) -> Team:
    return Team(
        name="one specialist per domain",
        agents=[
            Agent(
                name=f"{d} specialist",
                kind=AgentKind.SPECIALIST,
                skills={d: 3},
                cost_per_hour=50,
                shrinkage=shrinkage,
            )
            for d in DOMAINS
        ],
    )


def test_uncovered_domain_day_matches_independent_absences() -> None:
    """One specialist per domain, 25 days' leave drawn independently per person: a domain is
    uncovered on a working day with probability p = 25 / working days a year."""
    leave = Shrinkage(
        annual_leave_days=25,
        sickness_rate=0,
        training_days=0,
        meetings_share=0,
        leave_pattern="even",
    )
    weekly = np.array(_specialists(leave).agents[0].on_duty(), dtype=bool)
    p = 25 / working_days_in_year(leave, weekly, START.year)
    assert p == pytest.approx(25 / 261)
    run = SimSettings(weeks=13, warmup_weeks=1, start_date=START)
    model = compile_model(_workload(), _specialists(leave), SlaPolicy.default(), run)
    # Independent trials: in each of 300 replications, each domain on one working day
    # (a different day per replication), as the simulator's availability has it.
    assert model.scheduled_days is not None
    window = [k for k in range(7, 7 * 14) if model.scheduled_days[0, k]]
    uncovered = trials = 0
    for r, seed in enumerate(np.random.SeedSequence(11).spawn(300)):
        day = window[r % len(window)]
        available = model.for_replication(seed).available
        at_work = available[:, day * 24 : (day + 1) * 24].any(axis=1)
        uncovered += int((~at_work).sum())
        trials += len(DOMAINS)
    ci = stats.binomtest(uncovered, trials).proportion_ci(0.99)
    assert ci.low <= p <= ci.high
    # The KPI over whole replications agrees (mean within its interval, widened by 2 points
    # for the few replications).
    result = simulate(model, GeneralistFirst(), reps=8, seed=3, workers=1, trace=0)
    for d in DOMAINS:
        estimate = result[f"uncovered_day/{d}"]
        assert abs(estimate.mean - p) <= estimate.half_width + 0.02
    assert result["uncovered_day"].mean > result["uncovered_day/network"].mean


def test_no_shrinkage_keeps_kpis_and_adds_weekly_figures() -> None:
    team = _specialists(
        Shrinkage(annual_leave_days=0, sickness_rate=0, training_days=0, meetings_share=0)
    )
    model = compile_model(_workload(), team, SlaPolicy.default(), SimSettings(weeks=3))
    assert model.absence_plan is None
    result = simulate(model, GeneralistFirst(), reps=2, seed=0, workers=1, trace=0)
    assert result["uncovered_day"].mean == 0.0
    assert result["weekly_people_in/1"].mean == pytest.approx(5.0)
    assert sum(result[f"weekly_tickets/{w}"].mean for w in (1, 2, 3)) == pytest.approx(
        result["tickets"].mean
    )


def test_leave_is_seasonal_and_common_random_numbers_hold() -> None:
    seasonal = Shrinkage(annual_leave_days=25, public_holidays="DE")
    run = SimSettings(weeks=52, warmup_weeks=0, drain_weeks=0, start_date=START)
    team = _specialists(seasonal)
    model = compile_model(_workload(), team, SlaPolicy.default(), run)
    assert model.absence_plan is not None
    absent = np.mean(
        [
            draw_absent_days(model.absence_plan, len(team.agents), s)
            for s in np.random.SeedSequence(5).spawn(40)
        ],
        axis=0,
    ).mean(axis=0)
    july = slice((dt.date(2025, 7, 7) - START).days, (dt.date(2025, 8, 25) - START).days)
    march = slice((dt.date(2025, 3, 3) - START).days, (dt.date(2025, 4, 14) - START).days)
    assert absent[july].mean() > 1.5 * absent[march].mean()
    # Absences come from their own streams: the tickets are those of a run without them.
    plain = compile_model(
        _workload(),
        _specialists(
            Shrinkage(annual_leave_days=0, sickness_rate=0, training_days=0, meetings_share=0)
        ),
        SlaPolicy.default(),
        run,
    )
    with_absences = run_replication(model, GeneralistFirst(), 7)
    without = run_replication(plain, GeneralistFirst(), 7)
    assert np.array_equal(with_absences.arrival, without.arrival)
    assert with_absences.available is not None and without.available is None


@settings(max_examples=15, deadline=None)
@given(
    leave=st.floats(0, 60),
    sickness=st.floats(0, 0.3),
    meetings=st.floats(0, 0.5),
    training=st.floats(0, 20),
    seed=st.integers(0, 2**31),
    country=st.sampled_from([None, "DE", "FR", "GB"]),
)
def test_availability_properties(
    leave: float, sickness: float, meetings: float, training: float, seed: int, country: str | None
) -> None:
    shrinkage = Shrinkage(
        annual_leave_days=leave,
        sickness_rate=sickness,
        meetings_share=meetings,
        training_days=training,
        public_holidays=country,
    )
    run = SimSettings(weeks=8, warmup_weeks=0, drain_weeks=0, start_date=START)
    team = _specialists(shrinkage)
    model = compile_model(_workload(), team, SlaPolicy.default(), run)
    first = model.for_replication(seed).available
    # never more than the shift
    assert not (first & ~model.paid).any()
    # same seed, same absences
    assert np.array_equal(first, model.for_replication(seed).available)
    if model.absence_plan is None:
        return
    absent = draw_absent_days(model.absence_plan, len(team.agents), seed)
    assert model.scheduled_days is not None
    # leave and sickness only on scheduled working days: never on a public holiday
    assert not (absent & ~model.scheduled_days).any()
    # a whole year: exactly the leave days, none lost to a holiday they coincide with
    if sickness == 0:
        year = SimSettings(
            weeks=53, warmup_weeks=0, drain_weeks=0, start_date=dt.date(2024, 12, 30)
        )
        full = compile_model(_workload(), team, SlaPolicy.default(), year)
        assert full.absence_plan is not None
        days = draw_absent_days(full.absence_plan, len(team.agents), seed)
        in_2025 = slice(2, 2 + 365)
        assert (days[:, in_2025].sum(axis=1) == round(leave)).all()


@pytest.mark.parametrize(
    ("entry", "field", "says"),
    [
        ("annual_leave_days: 400", "agents.0.shrinkage.annual_leave_days", "less than or equal"),
        ("annual_leave_days: -2", "agents.0.shrinkage.annual_leave_days", "greater than or"),
        ("sickness_rate: 1", "agents.0.shrinkage.sickness_rate", "less than 1"),
        ("public_holidays: XX", "agents.0.shrinkage.public_holidays", "unknown country code"),
    ],
)
def test_bad_team_shrinkage_is_one_line(entry: str, field: str, says: str) -> None:
    text = (
        "name: t\nagents:\n  - {name: a, kind: generalist, cost_per_hour: 30, "
        f"shrinkage: {{{entry}}}}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_team(text, "team.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"team.yaml: '{field}'")
    assert says in message


def test_bad_cost_shrinkage_is_one_line(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "costs.yaml"  # type: ignore[operator]
    path.write_text(
        "generalist: 40\nspecialist: 60\nshrinkage:\n  specialist: {public_holidays: ZZ}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_costs(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "'shrinkage.specialist.public_holidays'" in message
    assert "unknown country code 'ZZ'" in message


def test_training_and_meetings_taking_every_hour_is_refused() -> None:
    shrinkage = Shrinkage(meetings_share=0.9, training_days=200, annual_leave_days=0)
    team = Team(
        name="t",
        agents=[Agent(name="a", kind=AgentKind.GENERALIST, cost_per_hour=1, shrinkage=shrinkage)],
    )
    with pytest.raises(ConfigError, match="agent 'a'"):
        compile_model(single_pool(1.0, 0.5), team, SlaPolicy.default(), SimSettings(weeks=2))


def test_flat_share_is_spread_evenly() -> None:
    shrinkage = Shrinkage(
        annual_leave_days=0, sickness_rate=0, training_days=0, meetings_share=0.25
    )
    team = Team(
        name="t",
        agents=[
            Agent(name=f"g{i}", kind=AgentKind.GENERALIST, cost_per_hour=1, shrinkage=shrinkage)
            for i in range(8)
        ],
    )
    model = compile_model(single_pool(1.0, 0.5), team, SlaPolicy.default(), SimSettings(weeks=4))
    on_shift = model.paid.sum(axis=0)
    at_work = model.available.sum(axis=0)
    busy_hours = on_shift > 0
    assert np.all(np.abs(at_work[busy_hours] - 0.75 * on_shift[busy_hours]) <= 1)
    assert model.available.sum() / model.paid.sum() == pytest.approx(0.75, abs=0.01)
    assert math.isclose(model.paid.sum(), 8 * 45 * (4 + 1 + 2), rel_tol=1e-9)
