"""What-if scenarios, team files and the simulate command, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.calibrate.io import save_workload
from deskmix.cli.app import app
from deskmix.domain import Priority, Workload
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind
from deskmix.errors import ConfigError
from deskmix.sample import sample_team_text
from deskmix.sim.model import SimSettings
from deskmix.sim.whatif import Absence, Scenario, ScenarioFile, Setup, apply_scenario, compare
from deskmix.teamfiles import load_sla, load_team, parse_team
from deskmix.yamlfiles import load_model
from tests.reports.htmlcheck import light_report
from tests.sim.helpers import two_domains

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def workload() -> Workload:
    return two_domains(150, 30)


TEAM = """
name: small desk
agents:
  - {name: Desk, count: 3, kind: generalist, cost_per_hour: 40}
  - {name: Net, kind: specialist, cost_per_hour: 60, skills: {network: 4}}
"""


def base() -> Setup:
    return Setup(
        workload(),
        parse_team(TEAM),
        SlaPolicy.default(),
        SimSettings(weeks=3, warmup_weeks=1),
        "generalist_first",
        {},
    )


def test_counts_expand_to_named_people() -> None:
    team = parse_team(TEAM)
    assert [a.name for a in team.agents] == ["Desk 1", "Desk 2", "Desk 3", "Net"]


def test_bad_team_file_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("name: x\nagents:\n  - {name: A, kind: wizard, cost_per_hour: 1}\n")
    with pytest.raises(ConfigError, match=r"team.yaml: 'agents.0.kind'"):
        load_team(path)
    path.write_text("name: x\nagents:\n  - {name: A, kind: generalist, cost_per_hour: 1,\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_team(path)


def test_examples_parse_and_the_sample_team_matches_its_example() -> None:
    for team in (EXAMPLES / "teams").glob("*.yaml"):
        assert load_team(team).agents or load_team(team).msp
    assert load_sla(EXAMPLES / "sla.yaml").target(Priority.P1) is not None
    scenarios = load_model(EXAMPLES / "what-if.yaml", ScenarioFile, "what-if").scenarios
    assert len(scenarios) >= 5
    example = load_team(EXAMPLES / "teams" / "company-300.yaml")
    assert parse_team(sample_team_text()) == example
    for scenario in scenarios:  # every example scenario applies to the example team
        setup = Setup(
            workload(), example, SlaPolicy.default(), SimSettings(), "generalist_first", {}
        )
        apply_scenario(setup, scenario)


def test_absence_by_count_takes_the_first_of_a_kind() -> None:
    changed = apply_scenario(
        base(), Scenario(name="out", absent=[Absence(count=2, kind=AgentKind.GENERALIST)])
    )
    assert [a[0] for a in changed.settings.absences] == ["Desk 1", "Desk 2"]
    with pytest.raises(ConfigError, match="4 generalist agents out, but the team has 3"):
        apply_scenario(
            base(), Scenario(name="x", absent=[Absence(count=4, kind=AgentKind.GENERALIST)])
        )
    with pytest.raises(ConfigError, match="no agent named 'Zoe'"):
        apply_scenario(base(), Scenario(name="x", absent=[Absence(agent="Zoe")]))


def test_what_ifs_move_the_kpis_the_right_way() -> None:
    results = dict(
        compare(
            base(),
            [
                Scenario(name="load x1.5", load=1.5),
                Scenario(name="two out", absent=[Absence(count=2, kind=AgentKind.GENERALIST)]),
                Scenario(name="network x3", load={"network": 3.0}),
            ],
            reps=4,
            seed=1,
            workers=1,
        )
    )
    baseline = results["baseline"]
    assert results["load x1.5"]["tickets_per_week"].mean > 1.3 * baseline["tickets_per_week"].mean
    assert results["load x1.5"]["wait_mean"].mean > baseline["wait_mean"].mean
    assert results["two out"]["wait_mean"].mean > baseline["wait_mean"].mean
    assert (
        results["network x3"]["utilisation/specialist"].mean
        > baseline["utilisation/specialist"].mean
    )


def test_simulate_command_end_to_end(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM)
    wl = save_workload(workload(), tmp_path / "workload.yaml")
    report = tmp_path / "sim.html"
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--team",
            str(team),
            "--workload",
            str(wl),
            "--reps",
            "3",
            "--weeks",
            "2",
            "--workers",
            "1",
            "--load",
            "1.3",
            "--compare-policy",
            "skills_based",
            "--report",
            str(report),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "load x1.3" in result.output and "skills_based" in result.output
    assert "SLA resolution met" in result.output
    # Routing decisions are explained in words.
    assert "takes it first" in result.output or "queued for the first line" in result.output
    html = report.read_text(encoding="utf-8")
    assert "Key figures" in html and "SLA attainment by priority" in html
    assert '<script src="http' not in html
    charts = light_report(html)  # under 1.5 MB, the light plotly.js, every chart's data inside
    backlog = next(c for c in charts if "open tickets" in str(c.layout["yaxis"]["title"]))
    names = [t["name"] for t in backlog.traces]
    assert names == ["baseline", "load x1.3", "skills_based"]
    assert all(len(t["y"]) == 2 * 7 * 24 and t["dx"] == 1 / 24 for t in backlog.traces)


def test_simulate_command_bad_input_is_one_line(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM)
    wl = save_workload(workload(), tmp_path / "workload.yaml")
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--team",
            str(team),
            "--workload",
            str(wl),
            "--policy",
            "coin_flip",
            "--reps",
            "2",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 2
    assert "unknown policy 'coin_flip'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
