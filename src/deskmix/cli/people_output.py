"""How ``deskmix skills`` shows a review: Rich tables of coverage, presence and findings, the
review as JSON and CSV (``reports.people`` holds the rows every interface shares), and the
team file with the cross-training suggestions applied (``--team-out``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from deskmix.cli.common import console
from deskmix.cli.narrow import NarrowTable
from deskmix.errors import InputError

if TYPE_CHECKING:
    from deskmix.people.hidden import HiddenRule
    from deskmix.people.review import SkillsReview


def table_of(title: str, rows: list[dict[str, object]], caption: str | None = None) -> NarrowTable:
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


def write_trained_team(review: SkillsReview, path: Path) -> None:
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


def machine_output(review: SkillsReview, section: str, as_json: bool, csv_out: Path | None) -> bool:
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
        table_of(
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
        console.print(table_of("Cross-training suggestions (greedy)", suggestion_rows(review)))


def settings_text(rule: HiddenRule) -> str:
    return (
        f"FDR {rule.fdr:g}, at least {rule.min_tickets} tickets, share >= "
        f"{rule.min_ratio:g}x and {rule.min_gain:.0%} above the own group's, effect h >= "
        f"{rule.min_effect:g} (desk >= {rule.min_desk_effect:g})"
    )
