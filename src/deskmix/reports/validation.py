"""The back-test as a report section: the history's team, the figures side by side, verdicts,
the largest gaps with their likely cause, and backlog/median charts.

``add_validation_sections`` serves both the stand-alone report (``deskmix validate --report``)
and the demo's report, which carries the back-test beside its calibration and simulation.
"""

from __future__ import annotations

import math
from pathlib import Path

from deskmix.reports.charts.validation import backlog_chart, median_chart
from deskmix.reports.document import Report
from deskmix.validate.output import FigureOut, ValidationResult

HOW_TO_READ = """\
The back-test rebuilds the team that actually worked the stored tickets (who, which line,
which domains, which shifts, how many at work in a typical week), simulates it under the
routing policy that matches the history on the workload calibrated from the same tickets, and
sets each simulated figure beside the historical one. A figure passes when the simulated mean
is within its tolerance of the history (relative for counts and times, percentage points for
shares). Resolution times are also compared as distributions with the earth mover's
(Wasserstein-1) distance in hours, judged against the history's mean resolution time.
Scopes with fewer than 20 historical tickets are shown without a verdict. The hold-out
calibrates on the first part of the period only and is compared with the rest: a model that
passes there also predicts, not only fits."""

SHARES = ("SLA attainment", "escalation share", "utilisation")


def _value(value: float | None, figure: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if figure in SHARES:
        return f"{100 * value:.1f}%"
    return f"{value:,.1f}"


def _row(f: FigureOut) -> dict[str, object]:
    simulated = _value(f.simulated, f.figure)
    if f.half_width is not None and simulated != "-":
        simulated += f" ± {_value(f.half_width, f.figure)}"
    return {
        "figure": f.figure,
        "scope": f.scope,
        "history": _value(f.history, f.figure),
        "simulated": simulated,
        "distance": "-" if f.distance is None else f"{f.distance:,.2f}",
        "tolerance": f.tolerance,
        "verdict": "-" if f.within is None else ("within" if f.within else "outside"),
    }


def add_validation_sections(report: Report, result: ValidationResult) -> Report:
    team = result.team
    report.add_text("Back-test: how to read it", HOW_TO_READ)
    report.add_table(
        "The history's team",
        [
            {
                "person": a.name,
                "kind": a.kind,
                "home": a.home,
                "tickets": a.tickets,
                "weeks active": a.weeks_active,
                "first seen": f"{a.first_seen:%Y-%m-%d}",
                "last seen": f"{a.last_seen:%Y-%m-%d}",
                "shift": a.shift + ("" if a.own_shift else " (desk's)"),
                "simulated": a.in_team,
            }
            for a in team.agents
        ],
        intro=(
            f"{team.people} people over {team.weeks} weeks; {team.median_headcount:g} at work "
            f"in the median week; {team.simulated_agents} simulated "
            f"({team.on_shift_hours_per_week:,.0f} on-shift hours a week). Rule: {team.rule}."
        ),
        note="; ".join(team.notes) or None,
    )
    for test in (result.full, result.holdout):
        if test is None:
            continue
        report.add_list(
            f"{test.label}: verdict and largest discrepancies",
            [f"{f.figure}, {f.scope}: {f.cause}" for f in test.largest],
            intro=(
                f"{test.verdict}. Calibrated on {test.calibrated_from:%Y-%m-%d} to "
                f"{test.calibrated_to:%Y-%m-%d}; compared on {test.compared_from:%Y-%m-%d} to "
                f"{test.compared_to:%Y-%m-%d} ({test.tickets:,} tickets, {test.weeks:g} weeks). "
                f"Policy {test.policy}: {test.policy_reason}. {result.replications} "
                f"replications, seed {result.seed}."
            ),
            empty="Every judged figure is within its tolerance.",
        )
        report.add_table(f"{test.label}: simulated beside history", [_row(f) for f in test.figures])
        report.add_figure(f"{test.label}: backlog per day", backlog_chart(test))
        report.add_figure(f"{test.label}: median resolution per scope", median_chart(test))
    return report


def validation_report(result: ValidationResult) -> Report:
    report = Report(
        "Back-test: the model against the history",
        meta={
            "Tickets": result.source,
            "Run": f"{result.replications} replications, seed {result.seed}",
            "Full history": result.full.verdict,
            "Hold-out": result.holdout.verdict if result.holdout else "not run",
        },
    )
    return add_validation_sections(report, result)


def write_validation_report(path: Path, result: ValidationResult) -> Path:
    return validation_report(result).write(path)
