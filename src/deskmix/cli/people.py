"""``deskmix assess`` and ``deskmix skills matrix|bus-factor|hidden``: the people commands.

They only translate: options to settings, results to Rich tables and HTML; the rules live in
``deskmix/people``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from deskmix.cli.common import DbOption, console, progress_bar, store_for, user_errors
from deskmix.cli.narrow import NarrowTable
from deskmix.errors import InputError

if TYPE_CHECKING:
    from deskmix.people.answers import Answers
    from deskmix.people.assessment import Assessment
    from deskmix.people.catalogue import AssessmentData
    from deskmix.people.hidden import HiddenRule
    from deskmix.people.review import ReviewSettings, SkillsReview

# The people modules (pandas, SciPy) are imported by the commands that run them, not whenever
# deskmix starts.

app = typer.Typer(
    help="Skills matrix, bus factor and hidden specialists from declared levels "
    "and the stored history.",
    no_args_is_help=True,
)


def _table(title: str, rows: list[dict[str, object]], caption: str | None = None) -> NarrowTable:
    """The first column names the rows; a column of long text wraps between words, the others
    (names, numbers) are kept whole."""
    table = NarrowTable(title=title, caption=caption, header_style="bold")
    keys = list(rows[0]) if rows else ["(none)"]
    for i, key in enumerate(keys):
        long = any(len(str(row.get(key, ""))) > 24 for row in rows)
        table.add_column(key, "left", key=i == 0, wrap=long)
    for row in rows:
        table.add_row(
            *(
                escape("-" if v is None else "yes" if v is True else "no" if v is False else str(v))
                for v in row.values()
            )
        )
    return table


# --- assess ---------------------------------------------------------------------------------


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
    from deskmix.people.assessment import assess
    from deskmix.people.catalogue import load_assessment_data
    from deskmix.people.titles import match_role
    from deskmix.reports.people import assessment_report

    data = load_assessment_data(data_dir)
    if target is not None:
        match_role(target, data, "--goal")  # a clear error before any question is asked
    answers = load_answers(answers_file, data) if answers_file else _interactive(data)
    if answers_file is None:
        # interactive: keep the answers for next time, and offer the report
        saved = _ask_path("Save your answers to run again later (e.g. answers.yaml; blank: no)")
        if saved is not None:
            write_answers(answers, saved)
            console.print(f"Answers saved to {saved} (deskmix assess --answers {saved})")
        if report is None:
            report = _ask_path("Write your report as a web page (e.g. me.html; blank: no)")
    result = assess(answers, data, target)
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


# --- skills -----------------------------------------------------------------------------------

SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="Only tickets of this source system.", show_default=False),
]
ImportOption = Annotated[
    int | None,
    typer.Option("--import-id", help="Only tickets of this import number.", show_default=False),
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="The skill areas: domain (mapped skill domain), category (the source's own "
        "label) or group (support group).",
    ),
]
TeamOption = Annotated[
    Path | None,
    typer.Option(
        "--team",
        help="Declared levels: a team YAML (as for simulate) or a CSV person,domain,level.",
        show_default=False,
    ),
]
DeclaredOnly = Annotated[
    bool, typer.Option("--declared-only", help="Use only --team, not the stored history.")
]
LevelOption = Annotated[
    int,
    typer.Option(
        "--level",
        min=1,
        max=5,
        help="Coverage level L: a person covers an area at level >= L "
        "(3 = the simulator's bar for specialist work).",
    ),
]
TeamOutOption = Annotated[
    Path | None,
    typer.Option(
        "--team-out",
        help="Write --team with the cross-training suggestions applied.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=["%Y-%m-%d"],
        help="Count only people who resolved tickets since this date (default: the last "
        "--weeks of the history).",
        show_default=False,
    ),
]
WeeksOption = Annotated[
    float,
    typer.Option("--weeks", min=0.5, help="The recent window: the last N weeks of the history."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", help="Write the main table as CSV to this file.", show_default=False),
]
MinPeopleOption = Annotated[
    int,
    typer.Option(
        "--min-people", min=1, help="k: an area is covered with at least k people at level L."
    ),
]


def _settings(
    by: str,
    level: int,
    min_people: int,
    suggestions: int = 5,
    hidden: HiddenRule | None = None,
    since: datetime | None = None,
    weeks: float = 8,
) -> ReviewSettings:
    from deskmix.people.evidence import EvidenceRule
    from deskmix.people.hidden import HiddenRule
    from deskmix.people.history import AXES, Axis
    from deskmix.people.matrix import CoverageRule
    from deskmix.people.presence import PresenceRule
    from deskmix.people.review import ReviewSettings

    if by not in AXES:
        raise InputError("unknown axis", field="--by", value=by, expected=" | ".join(AXES))
    axis: Axis = by
    return ReviewSettings(
        by=axis,
        coverage=CoverageRule(level=level, min_people=min_people),
        evidence=EvidenceRule(),
        hidden=hidden or HiddenRule(),
        suggestions=suggestions,
        presence=PresenceRule(
            weeks=weeks, since=since.replace(tzinfo=UTC) if since is not None else None
        ),
    )


def _review(
    settings: ReviewSettings,
    db: str | None,
    source: str | None,
    import_id: int | None,
    team: Path | None,
    declared_only: bool,
) -> SkillsReview:
    from deskmix.people.review import review_skills
    from deskmix.store.selection import Selection

    if declared_only and team is None:
        raise InputError(
            "--declared-only needs declared levels",
            field="--team",
            expected="a team YAML or skills CSV",
        )
    store = None if declared_only else store_for(db, create=False)
    try:
        with progress_bar() as progress:
            task = progress.add_task("reading", total=None)
            return review_skills(
                settings,
                store=store,
                selection=Selection(source_system=source, import_id=import_id),
                declared_file=team,
                phase=lambda text: progress.update(task, description=text),
            )
    finally:
        if store is not None:
            store.dispose()


def _team_out(review: SkillsReview, path: Path) -> None:
    from deskmix.people.crosstrain import apply_suggestions, write_team

    if review.declared is None or review.declared.team is None:
        raise InputError(
            "--team-out needs a team YAML to apply the suggestions to",
            field="--team",
            expected="a team file (examples/teams/)",
        )
    if review.settings.by != "domain":
        raise InputError(
            "--team-out writes skill domains",
            field="--by",
            value=review.settings.by,
            expected="domain (teams are skilled in domains, not categories)",
        )
    write_team(
        apply_suggestions(review.declared.team, review.suggestions), path, review.suggestions
    )
    console.print(f"Team with the suggestions applied written to {path}", highlight=False)


def _machine_output(
    review: SkillsReview, section: str, as_json: bool, csv_out: Path | None
) -> bool:
    """``--json`` prints the section as JSON; ``--csv`` writes its main table. True when the
    human tables are not wanted (JSON on stdout must be the only thing there)."""
    from deskmix.reports.people import csv_rows, review_dict, write_csv

    if csv_out is not None:
        write_csv(csv_rows(review, section), csv_out)
        if not as_json:
            console.print(f"CSV written to {csv_out}", highlight=False)
    if as_json:
        console.print_json(json.dumps(review_dict(review, section)))
    return as_json


def print_presence(review: SkillsReview) -> None:
    """Who the figures count, who dropped out and which spellings were merged."""
    presence = review.presence
    if presence.since is not None and presence.end is not None:
        console.print(
            f"Counted: {len(presence.active)} people active from {presence.since:%Y-%m-%d} to "
            f"{presence.end:%Y-%m-%d} (the recent window; --since, --weeks).",
            highlight=False,
        )
    if presence.gone:
        console.print(f"[bold]Not counted: {len(presence.gone)} gone or away[/]")
        for d in presence.gone[:20]:
            console.print(f"  {escape(d.person)}: {escape(d.reason)}", highlight=False)
        if len(presence.gone) > 20:
            console.print(f"  ... and {len(presence.gone) - 20} more (--json lists all)")
    if review.merges:
        console.print(f"[bold]Names merged (case and spacing): {len(review.merges)}[/]")
        for kept, spellings in list(review.merges.items())[:10]:
            console.print(
                f"  {escape(kept)} <- {escape(', '.join(repr(s) for s in spellings))}",
                highlight=False,
            )


def print_coverage(review: SkillsReview) -> None:
    from deskmix.reports.people import coverage_rows, suggestion_rows

    rule = review.settings.coverage
    console.print(
        _table(
            f"Coverage and bus factor ({review.settings.by}; covered = {rule.min_people}+ people "
            f"at level {rule.level}+)",
            coverage_rows(review),
            caption="Bus factor: how many people the desk can lose before the area is uncovered.",
        )
    )
    if review.single_points:
        console.print("[bold]Single points of failure[/]")
        for person, areas in review.single_points.items():
            console.print(f"  {escape(person)}: {escape(', '.join(areas))}", highlight=False)
    if review.suggestions:
        console.print(_table("Cross-training suggestions (greedy)", suggestion_rows(review)))


@app.command("matrix")
@user_errors
def matrix_command(
    db: DbOption = None,
    source: SourceOption = None,
    import_id: ImportOption = None,
    by: ByOption = "domain",
    team: TeamOption = None,
    declared_only: DeclaredOnly = False,
    level: LevelOption = 3,
    min_people: MinPeopleOption = 1,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write the skills review as HTML (heatmap, bus factors, hidden specialists).",
            show_default=False,
        ),
    ] = None,
    team_out: TeamOutOption = None,
    people: Annotated[int, typer.Option("--people", min=1, help="Rows to print.")] = 25,
    since: SinceOption = None,
    weeks: WeeksOption = 8,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """The skills matrix: people x areas, from declared levels and resolved tickets.

    Example: deskmix skills matrix --by category --report skills.html"""
    from deskmix.reports.people import skills_report

    settings = _settings(by, level, min_people, since=since, weeks=weeks)
    review = _review(settings, db, source, import_id, team, declared_only)
    if _machine_output(review, "matrix", as_json, csv_out):
        return
    combined = review.matrix.combined
    order = combined.sum(axis=1).sort_values(ascending=False).index[:people]
    columns = [a.area for a in sorted(review.areas, key=lambda a: -a.demand)][:8]
    # Areas head their columns by name when the terminal is wide enough, else by letter with a
    # legend under the table: no area or person's name is cut.
    names = [str(area) for area in columns]
    widest = max([len("person"), *(len(str(p)) for p in order)])
    letters = widest + 4 + sum(len(n) + 3 for n in names) > console.width
    heads = [chr(ord("A") + i) for i in range(len(names))] if letters else names
    table = NarrowTable(
        title=f"Skills matrix: {len(combined)} people x {len(combined.columns)} "
        f"areas ({settings.by}); levels 0..5, top {len(order)} people",
        caption="; ".join(f"{h} {n}" for h, n in zip(heads, names, strict=True))
        if letters
        else None,
        header_style="bold",
    )
    table.add_column("person", "left", key=True)
    for head in heads:
        table.add_column(head)
    for person in order:
        table.add_row(escape(str(person)), *(str(combined.at[person, a] or ".") for a in columns))
    console.print(table)
    print_presence(review)
    if len(combined.columns) > len(columns):
        console.print(
            f"({len(combined.columns) - len(columns)} smaller areas not shown; see --report)"
        )
    if report is not None:
        skills_report(review).write(report)
        console.print(f"Report written to {report}", highlight=False)
    if team_out is not None:
        _team_out(review, team_out)


@app.command("bus-factor")
@user_errors
def bus_factor_command(
    db: DbOption = None,
    source: SourceOption = None,
    import_id: ImportOption = None,
    by: ByOption = "domain",
    team: TeamOption = None,
    declared_only: DeclaredOnly = False,
    level: LevelOption = 3,
    min_people: MinPeopleOption = 1,
    suggest: Annotated[
        int, typer.Option("--suggest", min=0, help="Cross-training suggestions to make.")
    ] = 5,
    team_out: TeamOutOption = None,
    since: SinceOption = None,
    weeks: WeeksOption = 8,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """Coverage and bus factor per area, single points of failure, cross-training steps.

    Example: deskmix skills bus-factor --team team.yaml --team-out trained.yaml"""
    review = _review(
        _settings(by, level, min_people, suggest, since=since, weeks=weeks),
        db,
        source,
        import_id,
        team,
        declared_only,
    )
    if _machine_output(review, "bus-factor", as_json, csv_out):
        if team_out is not None:
            _team_out(review, team_out)
        return
    print_coverage(review)
    print_presence(review)
    if team_out is not None:
        _team_out(review, team_out)


@app.command("hidden")
@user_errors
def hidden_command(
    db: DbOption = None,
    source: SourceOption = None,
    import_id: ImportOption = None,
    by: ByOption = "domain",
    team: TeamOption = None,
    fdr: Annotated[
        float,
        typer.Option(
            "--fdr", min=0.0001, max=0.5, help="False discovery rate (Benjamini-Hochberg)."
        ),
    ] = 0.01,
    min_tickets: Annotated[
        int, typer.Option("--min-tickets", min=1, help="Support: tickets in the area.")
    ] = 10,
    min_ratio: Annotated[
        float,
        typer.Option(
            "--min-ratio",
            min=1.0,
            help="The person's share must be at least this times the peers'.",
        ),
    ] = 2.0,
    min_effect: Annotated[
        float,
        typer.Option(
            "--min-effect", min=0.0, help="Effect size (Cohen's h) against the own group."
        ),
    ] = 0.5,
    min_gain: Annotated[
        float,
        typer.Option(
            "--min-gain", min=0.0, max=0.99, help="Share above the own group's, in points."
        ),
    ] = 0.10,
    top: Annotated[int, typer.Option("--top", min=1, help="Findings to print.")] = 10,
    since: SinceOption = None,
    weeks: WeeksOption = 8,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """Hidden specialists: generalists whose resolved tickets show depth in one area.

    Example: deskmix skills hidden --by category"""
    from deskmix.people.hidden import HiddenRule, tiers_for
    from deskmix.reports.people import finding_rows

    hidden = HiddenRule(
        fdr=fdr,
        min_tickets=min_tickets,
        min_ratio=min_ratio,
        min_effect=min_effect,
        min_gain=min_gain,
    )
    review = _review(
        _settings(by, 3, 1, 0, hidden, since=since, weeks=weeks),
        db,
        source,
        import_id,
        team,
        False,
    )
    if _machine_output(review, "hidden", as_json, csv_out):
        return
    rows = finding_rows(review)
    more = len(rows) - top
    rows = rows[:top]
    tested = 0
    if review.history is not None:
        kinds = review.declared.kinds if review.declared else None
        tested = int((tiers_for(review.history, kinds)["tier"] == "generalist").sum())
    console.print(
        _table(
            f"Hidden specialists ({settings_text(hidden)})",
            rows,
            caption="Ranked: the first ones to act on (effect x tickets). Share: of the "
            "person's resolved tickets; own group: their group's other generalists; desk: all "
            "other generalists. Median hours: opened to resolved, in the area."
            + (f" {more} more: --top or --json." if more > 0 else ""),
        )
        if rows
        else f"No hidden specialists at {settings_text(hidden)} "
        f"(about {int(tested)} generalist(s) tested)."
    )


def settings_text(rule: HiddenRule) -> str:
    return (
        f"FDR {rule.fdr:g}, at least {rule.min_tickets} tickets, share >= "
        f"{rule.min_ratio:g}x and {rule.min_gain:.0%} above the own group's, effect h >= "
        f"{rule.min_effect:g} (desk >= {rule.min_desk_effect:g})"
    )
