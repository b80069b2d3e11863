"""Budget mode: the best service within a budget, on the frontier of every design in a box."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.errors import ConfigError
from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.frontier import WEEKS_PER_YEAR, dominates, pareto_front, shortfall
from deskmix.plan.inputs import Constraints, CostTable
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner
from tests.plan.helpers import (
    ALL_WEEK,
    costs,
    network_msp,
    sla,
    two_pool_workload,
    two_quiet_domains,
)
from tests.plan.test_cli import _args, _files

RUN = RunSettings(reps=4, weeks=3, workers=1)
WORKLOAD = two_pool_workload(2.0)
POLICY = sla(0.85, 8.0)
OFFERS = [network_msp(150.0)]


def _planner(budget: float | None = None) -> Planner:
    return Planner(WORKLOAD, POLICY, costs(), OFFERS, RUN, budget_per_year=budget)


def two_pool_box() -> list[Design]:
    """Every design of the two-pool desk's space: 1-7 generalists, and 1-5 network
    specialists or the network MSP."""
    out = [Design.of(g, {}, ("NetOps",)) for g in range(1, 8)]
    out += [Design.of(g, {"network": n}) for g in range(1, 8) for n in range(1, 6)]
    return out


def box_points(planner: Planner, box: list[Design]) -> dict[Design, Evaluation]:
    """Every design of the box simulated on the planner's seed (common random numbers)."""
    planner.evaluate_many([(d, "box") for d in box])
    return {d: planner.problem.memo[d] for d in box}


def assert_on_true_frontier(plan: PlanResult, box: dict[Design, Evaluation], budget: float) -> None:
    week = budget / WEEKS_PER_YEAR
    chosen = (plan.evaluation.cost.mean, shortfall(plan.evaluation))
    assert chosen[0] <= week, "over the budget"
    inside = [(e.cost.mean, shortfall(e)) for e in box.values() if e.cost.mean <= week]
    beaten = [p for p in inside if dominates(p, chosen)]
    assert not beaten, (plan.recommended.label(), chosen, beaten)
    # and it is one of the true frontier's points when it lies in the box
    if plan.recommended in box:
        front = [p for p, on in zip(inside, pareto_front(inside), strict=True) if on]
        assert chosen in front


@pytest.fixture(scope="module")
def box() -> dict[Design, Evaluation]:
    with _planner() as planner:
        return box_points(planner, two_pool_box())


@pytest.mark.parametrize("budget", [1_450_000, 1_800_000, 2_300_000, 3_000_000, 5_000_000])
def test_budget_answer_is_on_the_true_frontier_of_the_box(
    box: dict[Design, Evaluation], budget: float
) -> None:
    plan = _planner(budget).plan()
    assert plan.budget_per_year == pytest.approx(budget)
    assert_on_true_frontier(plan, box, budget)
    # the plan's own frontier marks the answer Pareto-optimal among what it simulated
    assert any(p.pareto and p.design == plan.recommended for p in plan.frontier)


def test_budget_below_the_cheapest_design_names_its_cost() -> None:
    with pytest.raises(ConfigError, match="below the cheapest possible design") as error:
        _planner(100_000).plan()
    message = str(error.value)
    assert "\n" not in message and "a year" in message and "100,000" in message


def test_budget_above_the_cost_optimum_meets_every_sla() -> None:
    cheapest = Planner(WORKLOAD, POLICY, costs(), OFFERS, RUN).plan()
    assert cheapest.evaluation.feasible
    budget = cheapest.evaluation.cost.mean * WEEKS_PER_YEAR * 1.05
    plan = _planner(budget).plan()
    assert plan.evaluation.feasible
    assert plan.evaluation.cost.mean * WEEKS_PER_YEAR <= budget
    assert shortfall(plan.evaluation) <= shortfall(cheapest.evaluation)
    assert any("Budget mode" in reason for reason in plan.reasons)


def quiet_box() -> list[Design]:
    """Two quiet domains: 1-5 generalists and up to 2 network, 2 security and 2 people
    cross-trained in both, every domain covered by at least one (the bus factor)."""
    out = []
    for g, net, sec, pair in itertools.product(range(1, 6), range(3), range(3), range(3)):
        if net + pair >= 1 and sec + pair >= 1:
            counts = {"network": net, "security": sec, "network+security": pair}
            out.append(Design.of(g, counts))
    return out


def test_budget_with_cross_training_is_on_the_true_frontier() -> None:
    table = CostTable(generalist=30, specialist=50, constraints=Constraints(shifts=ALL_WEEK))
    workload, policy = two_quiet_domains(), sla(0.95, 3.0)
    with Planner(workload, policy, table, [], RUN) as planner:
        box = box_points(planner, quiet_box())
    for budget in (1_000_000, 1_300_000, 1_700_000):
        plan = Planner(workload, policy, table, [], RUN, budget_per_year=budget).plan()
        assert_on_true_frontier(plan, box, budget)


def test_cli_budget_mode_prints_the_frontier_and_reports_it(tmp_path: Path) -> None:
    files = _files(tmp_path)
    report = tmp_path / "plan.html"
    result = CliRunner().invoke(
        app,
        _args(files, "--budget", "2000000", "--report", str(report)),
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Budget mode" in result.output and "Cost-service frontier" in result.output
    assert "(recommended)" in result.output
    html = report.read_text(encoding="utf-8")
    assert "Cost-service frontier" in html and "Pareto-optimal designs" in html
    assert '<script src="http' not in html  # plotly.js is inlined: the file opens offline


def test_cli_budget_below_the_cheapest_design_exits_2_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, _args(_files(tmp_path), "--budget", "1000"))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "cheapest possible design" in lines[0], result.output
    assert "a year" in lines[0]
