"""``deskmix simulate --projects`` and ``deskmix plan --projects`` end to end on a tiny desk."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.projects.portfolio import load_portfolio
from tests.plan.test_cli import EXAMPLES, _args, _files

PORTFOLIO = """\
reserved_share: 0.2
projects:
  - {name: Core refresh, domains: [network], effort_hours: 2000, earliest_start: 2025-01-06,
     due: 2025-01-31}
  - {name: Wifi survey, domains: [network], effort_hours: 10, earliest_start: 2025-01-06,
     due: 2025-01-24}
"""
MSP = """\
offers:
  - name: Build partner
    domains: [network]
    pricing: {per_ticket: 10000}
    project_hours: {price_per_hour: 30, lead_time_weeks: 0, domains: [network]}
"""
TEAM = """\
name: tiny
agents:
  - {name: G, count: 2, kind: generalist, cost_per_hour: 30, skills: {end_user: 2}}
  - {name: N, count: 2, kind: specialist, cost_per_hour: 50, skills: {network: 3}}
"""


def test_simulate_prints_project_kpis_in_80_columns_and_the_report(tmp_path: Path) -> None:
    files = _files(tmp_path)
    (tmp_path / "team.yaml").write_text(TEAM)
    (tmp_path / "projects.yaml").write_text(PORTFOLIO)
    html = tmp_path / "sim.html"
    args = ["simulate", "--team", str(tmp_path / "team.yaml"), "--workload"]
    args += [str(files["workload"]), "--reps", "3", "--weeks", "2", "--workers", "1"]
    args += ["--projects", str(tmp_path / "projects.yaml"), "--report", str(html)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    start = result.output.index("Projects (rule reserved")
    block = result.output[start:].splitlines()[:6]
    assert all(len(line) <= 80 for line in block)
    assert "Core refresh" in result.output and "h short" in result.output
    assert "Projects" in html.read_text()


def test_simulate_with_tickets_first_reports_idle_hours(tmp_path: Path) -> None:
    files = _files(tmp_path)
    (tmp_path / "team.yaml").write_text(TEAM)
    (tmp_path / "projects.yaml").write_text("rule: tickets_first\n" + PORTFOLIO)
    args = ["simulate", "--team", str(tmp_path / "team.yaml"), "--workload"]
    args += [str(files["workload"]), "--reps", "3", "--weeks", "2", "--workers", "1"]
    args += ["--projects", str(tmp_path / "projects.yaml")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "rule tickets_first: specialists' idle hours" in result.output
    assert "idle hours at work" in result.output


def test_plan_with_projects_buys_cheap_msp_hours(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files["msp"].write_text(MSP)
    (tmp_path / "projects.yaml").write_text(PORTFOLIO)
    html = tmp_path / "plan.html"
    args = _args(files, "--projects", str(tmp_path / "projects.yaml"), "--report", str(html))
    result = CliRunner().invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "late on reserved hours alone: Core refresh" in result.output
    assert "buys MSP project hours (cheaper)" in result.output
    assert "Projects: late work and what the plan does" in html.read_text()


def test_bad_portfolio_stops_with_one_line(tmp_path: Path) -> None:
    files = _files(tmp_path)
    bad = tmp_path / "projects.yaml"
    bad.write_text(PORTFOLIO.replace("[network], effort_hours: 10", "[printers], effort_hours: 10"))
    result = CliRunner().invoke(app, _args(files, "--projects", str(bad)))
    assert result.exit_code == 2
    assert "'projects.1.domains': unknown domain 'printers'" in result.output


def test_example_portfolio_loads() -> None:
    portfolio = load_portfolio(EXAMPLES / "plan" / "projects.yaml")
    assert portfolio.rule == "reserved" and len(portfolio.projects) == 3
