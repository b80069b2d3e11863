"""``deskmix skills matrix|bus-factor|hidden``: the skills review from the shell.

Only translation: options to a ``SkillsRequest`` for ``deskmix.people.use_case``, the review to
Rich tables, JSON, CSV and HTML (``deskmix assess`` is ``cli/assess.py``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from deskmix.cli.common import DbOption, console, progress_bar, store_for, user_errors
from deskmix.cli.narrow import NarrowTable
from deskmix.cli.people_output import (
    machine_output,
    print_coverage,
    print_presence,
    settings_text,
    table_of,
    write_trained_team,
)
from deskmix.errors import InputError
from deskmix.people.use_case import COVER_LEVEL, MIN_PEOPLE, SUGGESTIONS, WINDOW_WEEKS

if TYPE_CHECKING:
    from deskmix.people.hidden import HiddenRule
    from deskmix.people.review import SkillsReview
    from deskmix.people.use_case import SkillsRequest

# The people modules (pandas, SciPy) are imported by the commands that run them, not whenever
# deskmix starts.

app = typer.Typer(
    help="Skills matrix, bus factor and hidden specialists from declared levels "
    "and the stored history.",
    no_args_is_help=True,
)


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


def _request(
    by: str,
    level: int,
    min_people: int,
    suggestions: int = SUGGESTIONS,
    hidden: HiddenRule | None = None,
    since: datetime | None = None,
    weeks: float = WINDOW_WEEKS,
    source: str | None = None,
    import_id: int | None = None,
    team: Path | None = None,
) -> SkillsRequest:
    from deskmix.people.history import AXES, Axis
    from deskmix.people.use_case import SkillsRequest

    if by not in AXES:
        raise InputError("unknown axis", field="--by", value=by, expected=" | ".join(AXES))
    axis: Axis = by
    return SkillsRequest(
        by=axis,
        level=level,
        min_people=min_people,
        suggestions=suggestions,
        hidden=hidden,
        weeks=weeks,
        since=since,
        source=source,
        import_id=import_id,
        declared_file=team,
    )


def _review(request: SkillsRequest, db: str | None, declared_only: bool) -> SkillsReview:
    from deskmix.people.use_case import review_desk_skills

    if declared_only and request.declared_file is None:
        raise InputError(
            "--declared-only needs declared levels",
            field="--team",
            expected="a team YAML or skills CSV",
        )
    store = None if declared_only else store_for(db, create=False)
    try:
        with progress_bar() as progress:
            task = progress.add_task("reading", total=None)
            return review_desk_skills(
                request, store, lambda text: progress.update(task, description=text)
            )
    finally:
        if store is not None:
            store.dispose()


@app.command("matrix")
@user_errors
def matrix_command(
    db: DbOption = None,
    source: SourceOption = None,
    import_id: ImportOption = None,
    by: ByOption = "domain",
    team: TeamOption = None,
    declared_only: DeclaredOnly = False,
    level: LevelOption = COVER_LEVEL,
    min_people: MinPeopleOption = MIN_PEOPLE,
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
    weeks: WeeksOption = WINDOW_WEEKS,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """The skills matrix: people x areas, from declared levels and resolved tickets.

    Example: deskmix skills matrix --by category --report skills.html"""
    from deskmix.reports.people import skills_report

    request = _request(
        by,
        level,
        min_people,
        since=since,
        weeks=weeks,
        source=source,
        import_id=import_id,
        team=team,
    )
    review = _review(request, db, declared_only)
    if machine_output(review, "matrix", as_json, csv_out):
        return
    combined = review.matrix.combined
    order = review.top_people(people)
    columns = [a.area for a in sorted(review.areas, key=lambda a: -a.demand)][:8]
    # Areas head their columns by name when the terminal is wide enough, else by letter with a
    # legend under the table: no area or person's name is cut.
    names = [str(area) for area in columns]
    widest = max([len("person"), *(len(str(p)) for p in order)])
    letters = widest + 4 + sum(len(n) + 3 for n in names) > console.width
    heads = [chr(ord("A") + i) for i in range(len(names))] if letters else names
    table = NarrowTable(
        title=f"Skills matrix: {len(combined)} people x {len(combined.columns)} "
        f"areas ({review.settings.by}); levels 0..5, top {len(order)} people",
        caption="; ".join(f"{h} {n}" for h, n in zip(heads, names, strict=True))
        if letters
        else None,
        header_style="bold",
    )
    table.add_column("person", "left", key=True)
    for head in heads:
        table.add_column(head)
    for person in order:
        table.add_row(escape(person), *(str(combined.at[person, a] or ".") for a in columns))
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
        write_trained_team(review, team_out)


@app.command("bus-factor")
@user_errors
def bus_factor_command(
    db: DbOption = None,
    source: SourceOption = None,
    import_id: ImportOption = None,
    by: ByOption = "domain",
    team: TeamOption = None,
    declared_only: DeclaredOnly = False,
    level: LevelOption = COVER_LEVEL,
    min_people: MinPeopleOption = MIN_PEOPLE,
    suggest: Annotated[
        int, typer.Option("--suggest", min=0, help="Cross-training suggestions to make.")
    ] = SUGGESTIONS,
    team_out: TeamOutOption = None,
    since: SinceOption = None,
    weeks: WeeksOption = WINDOW_WEEKS,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """Coverage and bus factor per area, single points of failure, cross-training steps.

    Example: deskmix skills bus-factor --team team.yaml --team-out trained.yaml"""
    request = _request(
        by,
        level,
        min_people,
        suggest,
        since=since,
        weeks=weeks,
        source=source,
        import_id=import_id,
        team=team,
    )
    review = _review(request, db, declared_only)
    if machine_output(review, "bus-factor", as_json, csv_out):
        if team_out is not None:
            write_trained_team(review, team_out)
        return
    print_coverage(review)
    print_presence(review)
    if team_out is not None:
        write_trained_team(review, team_out)


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
    weeks: WeeksOption = WINDOW_WEEKS,
    as_json: JsonOption = False,
    csv_out: CsvOption = None,
) -> None:
    """Hidden specialists: generalists whose resolved tickets show depth in one area.

    Example: deskmix skills hidden --by category"""
    from deskmix.people.hidden import HiddenRule
    from deskmix.reports.people import finding_rows

    hidden = HiddenRule(
        fdr=fdr,
        min_tickets=min_tickets,
        min_ratio=min_ratio,
        min_effect=min_effect,
        min_gain=min_gain,
    )
    request = _request(
        by,
        COVER_LEVEL,
        MIN_PEOPLE,
        0,
        hidden,
        since=since,
        weeks=weeks,
        source=source,
        import_id=import_id,
        team=team,
    )
    review = _review(request, db, False)
    if machine_output(review, "hidden", as_json, csv_out):
        return
    rows = finding_rows(review)
    more = len(rows) - top
    rows = rows[:top]
    tested = review.generalists_tested()
    console.print(
        table_of(
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
