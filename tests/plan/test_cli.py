"""``deskmix plan`` end to end on a tiny desk, the example files, and one-line input errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.calibrate.io import save_workload
from deskmix.cli.app import app
from deskmix.errors import ConfigError
from deskmix.plan.inputs import load_costs, load_designs, load_offers
from deskmix.teamfiles import load_sla, load_team
from tests.plan.helpers import two_pool_workload
from tests.reports.htmlcheck import light_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

COSTS = """\
generalist: 30
specialist: 50
constraints:
  min_specialists: 0
  shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}]
"""
SLA = """\
targets:
  - {priority: P2, response_hours: 1, resolution_hours: 12, share: 0.85}
  - {priority: P3, response_hours: 1, resolution_hours: 12, share: 0.85}
"""
MSP = """\
offers:
  - {name: NetOps, domains: [network], response_hours: 0.5, pricing: {per_ticket: 10}}
"""
DESIGNS = """\
designs:
  - name: one of each
    team:
      name: one of each
      agents:
        - {name: G, count: 1, kind: generalist, cost_per_hour: 30, skills: {end_user: 2},
           shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}]}
"""


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {"costs": COSTS, "sla": SLA, "msp": MSP, "designs": DESIGNS}
    out = {name: tmp_path / f"{name}.yaml" for name in files}
    for name, text in files.items():
        out[name].write_text(text, encoding="utf-8")
    out["workload"] = save_workload(two_pool_workload(), tmp_path / "workload.yaml")
    return out


def _args(files: dict[str, Path], *extra: str) -> list[str]:
    args = ["plan", "--workers", "1", "--reps", "4", "--weeks", "3"]
    for name in ("workload", "sla", "costs", "msp", "designs"):
        flag = "--compare" if name == "designs" else f"--{name}"
        args += [flag, str(files[name])]
    return args + list(extra)


def test_plan_command_end_to_end(tmp_path: Path) -> None:
    files = _files(tmp_path)
    out, report = tmp_path / "team.yaml", tmp_path / "plan.html"
    result = CliRunner().invoke(
        app,
        _args(files, "--out", str(out), "--report", str(report)),
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "recommended: 2 generalists, MSP: NetOps" in result.output
    assert "meets every SLA target" in result.output and "binding SLA" in result.output
    assert "one of each" in result.output and "load +30%" in result.output
    team = load_team(out)
    assert [c.name for c in team.msp] == ["NetOps"] and len(team.agents) == 2
    html = report.read_text(encoding="utf-8")
    assert "Why this design" in html and "Search log" in html and "Sensitivity" in html
    charts = light_report(html)  # under 1.5 MB, the light plotly.js, every chart's data inside
    assert len(charts) >= 2 and all("x" in t or "y" in t for c in charts for t in c.traces)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("costs", "generalist: -5\nspecialist: 50\n", "'generalist': Input should be greater"),
        ("costs", "generalist: 40\nspecialist: 50\nbonus: 1\n", "'bonus': Extra inputs"),
        ("msp", "offers: [{name: X}]\n", "'offers.0.domains': Field required"),
        ("designs", "designs: [{name: a, team: nowhere.yaml}]\n", "team file nowhere.yaml"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    files = _files(tmp_path)
    files[name].write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, _args(files))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_sla_names_the_target(tmp_path: Path) -> None:
    files = _files(tmp_path)
    # Weekday day shifts cannot answer weekend tickets within an hour on a calendar clock.
    files["costs"].write_text(
        "generalist: 30\nspecialist: 50\nconstraints: {max_headcount: 12}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, _args(files))
    assert result.exit_code == 2
    assert "no design met every SLA" in result.stderr and "response" in result.stderr


def test_examples_parse() -> None:
    costs = load_costs(EXAMPLES / "plan" / "costs.yaml")
    assert costs.specialist_cost("security") > costs.specialist_cost("end_user")
    assert {o.name for o in load_offers(EXAMPLES / "plan" / "msp.yaml")} == {
        "SecureOps MSP",
        "NetCloud MSP",
    }
    names = [n for n, _ in load_designs(EXAMPLES / "plan" / "designs.yaml")]
    assert names == ["today's team", "generalists + MSP"]
    load_sla(EXAMPLES / "plan" / "sla.yaml")
    with pytest.raises(ConfigError, match="not found"):
        load_costs(EXAMPLES / "plan" / "missing.yaml")


TODAY = """\
name: today
agents:
  - {name: Kim, kind: generalist, cost_per_hour: 30, skills: {end_user: 2},
     shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}]}
"""


def test_existing_staff_from_the_costs_file_or_team_option(tmp_path: Path) -> None:
    files = _files(tmp_path)
    (tmp_path / "today.yaml").write_text(TODAY, encoding="utf-8")
    files["costs"].write_text(
        COSTS.replace("min_specialists: 0", "min_specialists: 0\n  existing_team: today.yaml"),
        encoding="utf-8",
    )
    out = tmp_path / "team.yaml"
    result = CliRunner().invoke(app, _args(files, "--out", str(out)), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "'today' stay" in result.output and "Analytic bounds" in result.output
    names = [a.name for a in load_team(out).agents]
    assert names[0] == "Kim" and all(n.startswith("New ") for n in names[1:])

    files["costs"].write_text(COSTS + "  existing_team: gone.yaml\n", encoding="utf-8")
    missing = CliRunner().invoke(app, _args(files))
    assert missing.exit_code == 2
    assert "'constraints.existing_team': team file gone.yaml not found" in missing.stderr
    # --team names the staff who stay instead
    with_option = CliRunner().invoke(
        app, _args(files, "--team", str(tmp_path / "today.yaml")), env={"COLUMNS": "200"}
    )
    assert with_option.exit_code == 0, with_option.output
    assert "'today' stay" in with_option.output
