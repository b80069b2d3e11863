"""``deskmix assess``: a self-assessment from an answers file or questions asked here, scored
by ``deskmix.people.use_case.assess_person`` and shown as tables (or JSON, or an HTML page).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from deskmix.cli.common import console, user_errors
from deskmix.cli.narrow import NarrowTable

if TYPE_CHECKING:
    from deskmix.people.answers import Answers
    from deskmix.people.assessment import Assessment
    from deskmix.people.catalogue import AssessmentData


def _interactive(data: AssessmentData) -> Answers:
    from deskmix.people.interview import run_interview

    def ask(prompt: str, default: str) -> str:
        return str(typer.prompt(prompt, default=default, show_default=bool(default)))

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    console.print(
        "[bold]IT support pro or hidden specialist?[/] Answer each question; "
        "press Enter to skip or keep the default."
    )
    return run_interview(data, ask, say)


def print_assessment(result: Assessment) -> None:
    profile = result.profile
    console.print(
        f"\n[bold]Verdict: {escape(result.verdict)}[/]  (position "
        f"{result.position.value:.2f}; 0 = IT support pro, 1 = specialist)"
    )
    for reason in result.reasons:
        console.print(f"  - {escape(reason)}", highlight=False)
    levels = NarrowTable(title="Profile (T-shape)", header_style="bold")
    levels.add_column("domain", "left", key=True)
    levels.add_column("level")
    levels.add_column("", "left")
    for domain, level in profile.levels.items():
        mark = " <- top" if domain == profile.top_domain else ""
        levels.add_row(domain, str(level), "#" * level + mark)
    console.print(levels)
    console.print(
        f"Breadth {profile.breadth} (domains at level {profile.working_level}+), "
        f"depth {profile.depth} ({profile.top_domain})."
    )
    roles = NarrowTable(title="Roles (fit 0..1)", header_style="bold")
    roles.add_column("role", "left", key=True, wrap=True)
    for column in ("seniority", "fit", "fits"):
        roles.add_column(column, "left")
    roles.add_column("gaps", "left", wrap=True)  # wraps between gaps, each whole
    for fit in result.fits:
        roles.add_row(
            fit.role.name,
            str(fit.role.seniority),
            f"{fit.fit:.2f}",
            "over-qualified" if fit.overqualified else "yes" if fit in result.fitting else "",
            ", ".join(f"{g.domain} {g.level}->{g.required}" for g in fit.gaps),
        )
    console.print(roles)
    console.print(
        f"Seniority {result.seniority}: {escape(result.seniority_reason)}.", highlight=False
    )
    print_routes(result)
    path = result.path
    console.print(f"[bold]Path to {escape(path.target.name)}[/]")
    for gap in path.skills:
        console.print(f"  skill: raise {gap.domain} from {gap.level} to {gap.required}")
    for step, item in enumerate(path.certifications, start=1):
        cert = item.certification
        after = f"; after {', '.join(cert.prerequisites)}" if cert.prerequisites else ""
        note = f" ({item.note})" if item.note else ""
        console.print(
            f"  {step}. {escape(cert.name)} [level {cert.level}, "
            f"{cert.domain or 'service management'}{after}]{escape(note)}",
            highlight=False,
        )
    if not path.skills and not path.certifications:
        console.print("  nothing left to add for this role")


def print_routes(result: Assessment) -> None:
    """The routes side by side (goal, broaden, deepen), each step with time, cost and what you
    already have."""
    from rich.columns import Columns

    from deskmix.reports.people import route_rows

    tables = []
    for route in result.routes:
        mark = " (suggested first)" if route.kind == result.recommended else ""
        table = Table(
            title=route.title + mark,
            caption=route.note
            or f"In all ~{route.months:g} months, ~${route.cost_usd:,.0f} in exam fees",
            header_style="bold",
            title_justify="left",
            show_lines=True,
        )
        table.add_column("step", overflow="fold")
        for row in route_rows(route):
            table.add_row(
                escape(
                    f"{row['step']}. {row['role']}\nraise: {row['raise']}\n"
                    f"{row['certifications']}\n{row['time']}, {row['cost']}\n"
                    f"you have: {row['you have']}"
                )
            )
        tables.append(table)
    console.print(Columns(tables, equal=True, expand=True))


def _ask_path(prompt: str) -> Path | None:
    text = str(typer.prompt(prompt, default="", show_default=False)).strip()
    return Path(text).expanduser() if text else None


def run_assess(
    answers_file: Path | None,
    report: Path | None,
    as_json: bool,
    target: str | None,
    data_dir: Path | None,
) -> Assessment:
    from deskmix.people.answers import load_answers, write_answers
    from deskmix.people.use_case import (
        AssessRequest,
        assess_person,
        assessment_data,
        check_goal,
    )
    from deskmix.reports.people import assessment_report

    data = assessment_data(data_dir)
    check_goal(target, data, "--goal")  # a clear error before any question is asked
    answers = load_answers(answers_file, data) if answers_file else _interactive(data)
    if answers_file is None:
        # interactive: keep the answers for next time, and offer the report
        saved = _ask_path("Save your answers to run again later (e.g. answers.yaml; blank: no)")
        if saved is not None:
            write_answers(answers, saved)
            console.print(f"Answers saved to {saved} (deskmix assess --answers {saved})")
        if report is None:
            report = _ask_path("Write your report as a web page (e.g. me.html; blank: no)")
    result = assess_person(AssessRequest(answers, target, "--goal", data))
    if as_json:
        console.print_json(json.dumps(result.to_dict()))
    else:
        print_assessment(result)
    if report is not None:
        assessment_report(result).write(report)
        if not as_json:
            console.print(f"Report written to {report}", highlight=False)
    return result


def assess_command(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="A YAML or JSON answers file (docs/people.md); without it, the "
            "questions are asked here.",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write an HTML page with a radar chart.", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    target: Annotated[
        str | None,
        typer.Option(
            "--goal",
            "--target",
            help="Where you want to go: a role id or a job title in your own words "
            "(default: the answers' goal, else the next step up).",
            show_default=False,
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="A folder with your own questionnaire.yaml, roles.yaml and "
            "certifications.yaml (default: the shipped ones).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """IT support pro or hidden specialist? A self-assessment with roles and a path.

    Scores a breadth/depth profile (T-shape) and a position from IT support pro to specialist,
    with the reasons; lists the roles that fit and the next skills and certifications in
    order. Example: deskmix assess --answers me.yaml --report me.html"""
    user_errors(run_assess)(answers, report, as_json, target, data_dir)
