"""HTML pages for people: one person's self-assessment, and a desk's skills review.

Both are read by people rather than analysts (an engineer weighing a career step, a manager
looking for fragile areas), so each number comes with its rule in plain words and the charts
carry the story: a radar for a T-shape, a heatmap for who knows what, bars for bus factors.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from deskmix.people.assessment import Assessment
from deskmix.people.career import CertStep, Route
from deskmix.people.review import SkillsReview
from deskmix.reports.charts.people import (
    MAX_HEATMAP_PEOPLE,
    bus_factor_bars,
    matrix_heatmap,
    radar,
)
from deskmix.reports.document import Report

ASSESSMENT_HOW_TO_READ = """\
The radar shows your level in each skill domain (0 none .. 5 authority). An IT support pro's
shape is wide and even; a specialist's has one long spike. The dashed line is what the target
role asks for: where your shape is inside it, the path below says how to close the gap.

The spectrum position runs from 0 (IT support pro: broad, first-line, many people and many
small fixes) to 1 (specialist: depth in one domain). It is a weighted mean of the components
listed under "Why", each from 0 to 1; docs/people.md gives every formula."""

REVIEW_HOW_TO_READ = """\
Levels are 0..5 (the team-file scale). A declared level comes from the team or skills file;
an evidence level from the resolved tickets (volume, then one step up for being faster than
the area's median with at least its first-time-fix rate, one step down for being much slower
with fewer first-time fixes). The matrix shows the higher of the two.

An area is covered when enough people (k) are at the coverage level (L) or above. Its bus
factor is how many of them the desk can lose before it is uncovered: 1 means a single absence
uncovers it. Hidden specialists are generalists whose resolved tickets fall in one area far
more often than their generalist peers', by a one-sided Fisher exact test with a false
discovery rate control (Benjamini-Hochberg) and a minimum number of tickets."""


def _cert_text(step: CertStep) -> str:
    cert = step.certification
    text = f"{cert.name} (level {cert.level}, ~${cert.exam_usd:,.0f}, ~{cert.prep_weeks:g} weeks)"

    def mark(ids: list[str]) -> str:
        return ", ".join(f"{i} (held by then)" if i in step.held else i for i in ids)

    if step.required:
        text += f"; requires {mark(list(step.required))}"
    kept = [r for r in step.recommended if r not in step.skipped]
    if kept:
        text += f"; recommended after {mark(kept)}"
    if step.skipped:
        text += f"; {', '.join(step.skipped)} skipped: your level covers it"
    return text + (f"; {step.note}" if step.note else "")


def route_rows(route: Route) -> list[dict[str, object]]:
    """One row per step: the role, what to learn, certifications in order, time, cost, and what
    the person already has. The CLI, the report and the dashboard show these rows."""
    return [
        {
            "step": i,
            "role": f"{s.role.name} (seniority {s.role.seniority}, SFIA {s.role.sfia})",
            "raise": ", ".join(f"{g.domain} {g.level}->{g.required}" for g in s.skills) or "-",
            "certifications": "\n".join(
                f"{n}. {_cert_text(c)}" for n, c in enumerate(s.certifications, start=1)
            )
            or "-",
            "time": f"~{s.months:g} months" if s.months else "ready now",
            "cost": f"~${s.cost_usd:,.0f}",
            "you have": ", ".join(
                [f"{g.domain} {g.level}" for g in s.have_skills] + s.have_certifications
            )
            or "-",
        }
        for i, s in enumerate(route.steps, start=1)
    ]


def assessment_report(assessment: Assessment, generated_at: datetime | None = None) -> Report:
    answers = assessment.answers
    profile = assessment.profile
    meta = {
        "Verdict": assessment.verdict,
        "Position": f"{assessment.position.value:.2f} (0 IT support pro .. 1 specialist)",
        "Breadth": f"{profile.breadth} of {profile.domains} domains at level "
        f"{profile.working_level}+",
        "Depth": f"{profile.top_domain} at level {profile.depth}",
        "Seniority": f"{assessment.seniority}: {assessment.seniority_reason}",
    }
    if assessment.goal is not None:
        meta["Goal"] = assessment.goal.name
    if answers.current_role or answers.title:
        meta["Current role"] = answers.title or str(answers.current_role)
    report = Report(
        f"Self-assessment{': ' + answers.name if answers.name else ''}",
        subtitle="IT support pro or hidden specialist?",
        meta=meta,
        generated_at=generated_at,
    )
    report.add_text("How to read this page", ASSESSMENT_HOW_TO_READ)
    report.add_list("Why", assessment.reasons)
    report.add_figure(
        "Your profile",
        radar(assessment),
        caption=f"Levels per domain, with {assessment.path.target.name}'s requirements.",
    )
    report.add_table(
        "Roles",
        [
            {
                "role": f.role.name,
                "fit": f"{f.fit:.2f}",
                "fits": "over-qualified" if f.overqualified else f in assessment.fitting,
                "gaps": "\n".join(f"{g.domain} {g.level} -> {g.required}" for g in f.gaps) or "-",
                "notes": "\n".join(f.notes) or "-",
            }
            for f in assessment.fits
        ],
        intro="Fit = 1 - missing levels / required levels, less penalties for breadth, for a "
        "spectrum position outside the role's range and for missing years (docs/people.md).",
    )
    for route in assessment.routes:
        mark = " (suggested first)" if route.kind == assessment.recommended else ""
        report.add_table(
            route.title + mark,
            route_rows(route),
            intro=(route.note or "")
            + f" In all: ~{route.months:g} months, ~${route.cost_usd:,.0f} in exam fees.",
        )
    path = assessment.path
    report.add_table(
        f"Path to {path.target.name}: skills",
        [{"domain": g.domain, "now": g.level, "needed": g.required} for g in path.skills],
    )
    report.add_table(
        f"Path to {path.target.name}: certifications, in order",
        [
            {
                "step": i,
                "certification": s.certification.name,
                "level": s.certification.level,
                "domain": s.certification.domain or "service management",
                "after": ", ".join(s.certification.prerequisites) or "-",
                "why": s.why + (f"\n{s.note}" if s.note else ""),
            }
            for i, s in enumerate(path.certifications, start=1)
        ],
        intro="Prerequisites come first; certifications you hold are left out.",
    )
    return report


def coverage_rows(review: SkillsReview) -> list[dict[str, object]]:
    return [
        {
            "area": a.area,
            "tickets": a.demand,
            "people": len(a.covering),
            "bus factor": a.bus_factor,
            "covered": a.covered,
            "who": ", ".join(a.covering[:5]) + (" ..." if len(a.covering) > 5 else "") or "-",
        }
        for a in review.areas
    ]


def _hours(mine: float | None, peers: float | None) -> str:
    if mine is None or peers is None:
        return "-"
    return f"{mine:,.1f} ({peers:,.1f})"


def _rates(mine: float | None, peers: float | None) -> str:
    if mine is None or peers is None:
        return "-"
    return f"{mine:.0%} ({peers:.0%})"


def finding_rows(review: SkillsReview) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for rank, f in enumerate(review.findings, start=1):
        rows.append(
            {
                "rank": rank,
                "person": f.person,
                "area": f.area,
                "tickets": f"{f.tickets} of {f.person_total}",
                "share": f"{f.share:.0%}",
                "own group": (
                    f"{f.group_share:.0%} ({f.group}, {f.group_peers} peers)"
                    if f.group_share is not None
                    else "-"
                ),
                "desk": f"{f.peer_share:.0%}",
                "effect (h)": f"{f.effect:.2f}",
                "median hours (peers)": _hours(f.median_hours, f.peer_median_hours),
                "first-time fixes (peers)": _rates(f.first_time_rate, f.peer_first_time_rate),
                "next step": f"{f.next_step}: {f.next_step_reason}",
            }
        )
    return rows


def suggestion_rows(review: SkillsReview) -> list[dict[str, object]]:
    return [
        {
            "person": s.person,
            "area": s.area,
            "from": s.from_level,
            "to": s.to_level,
            "why": s.reason,
        }
        for s in review.suggestions
    ]


def skills_report(review: SkillsReview, generated_at: datetime | None = None) -> Report:
    settings = review.settings
    rule = settings.coverage
    matrix = review.matrix
    meta = {
        "Source": review.source,
        "People x areas": f"{len(matrix.people)} x {len(matrix.areas)} ({settings.by})",
        "Coverage": f"at least {rule.min_people} at level {rule.level}+",
        "Hidden-specialist rule": f"FDR {settings.hidden.fdr:g}, at least "
        f"{settings.hidden.min_tickets} tickets, share >= {settings.hidden.min_ratio:g}x and "
        f"{settings.hidden.min_gain:.0%} above the own group's, effect h >= "
        f"{settings.hidden.min_effect:g}",
    }
    presence = review.presence
    if presence.since is not None and presence.end is not None:
        meta["Who is counted"] = (
            f"{len(presence.active)} people active {presence.since:%Y-%m-%d} .. "
            f"{presence.end:%Y-%m-%d}; {len(presence.gone)} gone or away"
        )
    report = Report(
        "Skills review", subtitle="Who really knows what", meta=meta, generated_at=generated_at
    )
    report.add_text("How to read this report", REVIEW_HOW_TO_READ)
    caption = "Combined level (the higher of declared and evidence); hover for both."
    if len(matrix.people) > MAX_HEATMAP_PEOPLE:
        caption += f" The {MAX_HEATMAP_PEOPLE} people with the highest total level are shown."
    report.add_figure("Skills matrix", matrix_heatmap(review), caption=caption)
    report.add_figure(
        "Bus factor per area",
        bus_factor_bars(review),
        caption="Red: one absence uncovers the area (or it is uncovered); amber: two.",
    )
    report.add_table("Coverage", coverage_rows(review))
    report.add_list(
        "Single points of failure",
        [f"{p}: {', '.join(areas)}" for p, areas in review.single_points.items()],
        empty="None: every covered area survives any one absence.",
    )
    report.add_table(
        "Cross-training suggestions",
        suggestion_rows(review),
        intro="Greedy: each step trains one person, at most two levels away, in the most fragile "
        "area; write them into a team file with --team-out to simulate or plan with them.",
    )
    report.add_table(
        "Hidden specialists",
        finding_rows(review),
        intro="Ranked: the first ones are the ones to act on (effect size x tickets).",
    )
    report.add_list(
        "Not counted: gone or away",
        [f"{d.person}: {d.reason}" for d in presence.gone],
        empty="Nobody: everyone in the history is active in the recent window.",
    )
    if review.merges:
        report.add_list(
            "Names merged (case and spacing)",
            [
                f"{kept}: {', '.join(repr(s) for s in spellings)}"
                for kept, spellings in review.merges.items()
            ],
        )
    return report


def _plain(value: object) -> object:
    """JSON-safe: numpy scalars to Python, NaN and infinity to None, datetimes to ISO text."""
    import math

    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def presence_dict(review: SkillsReview) -> dict[str, object]:
    p = review.presence
    return {
        "since": _plain(p.since),
        "end": _plain(p.end),
        "active": len(p.active),
        "gone": [
            {"person": d.person, "last_seen": _plain(d.last_seen), "reason": d.reason}
            for d in p.gone
        ],
        "merges": review.merges,
    }


def review_dict(review: SkillsReview, section: str = "all") -> dict[str, object]:
    """The review as plain data for ``--json``: ``matrix``, ``bus-factor``, ``hidden`` or all."""
    from dataclasses import asdict

    out: dict[str, object] = {"source": review.source, "by": review.settings.by}
    out["presence"] = presence_dict(review)
    if section in ("matrix", "all"):
        out["levels"] = {
            str(person): {str(a): int(v) for a, v in row.items()}
            for person, row in review.matrix.combined.iterrows()
        }
    if section in ("matrix", "bus-factor", "all"):
        out["coverage"] = [
            {
                "area": a.area,
                "covering": a.covering,
                "bus_factor": a.bus_factor,
                "covered": a.covered,
                "single_point": a.single_point,
                "demand": a.demand,
            }
            for a in review.areas
        ]
        out["single_points"] = review.single_points
        out["suggestions"] = [
            {k: _plain(v) for k, v in asdict(s).items()} for s in review.suggestions
        ]
    if section in ("hidden", "all"):
        out["hidden_specialists"] = [
            {k: _plain(v) for k, v in asdict(f).items()} for f in review.findings
        ]
    return out


def csv_rows(review: SkillsReview, section: str) -> list[dict[str, object]]:
    """The section's main table for ``--csv``: the matrix (person x area levels), the
    coverage table, or the hidden specialists with their evidence."""
    from dataclasses import asdict

    if section == "matrix":
        return [
            {"person": str(person), **{str(a): int(v) for a, v in row.items()}}
            for person, row in review.matrix.combined.iterrows()
        ]
    if section == "bus-factor":
        return [
            {
                "area": a.area,
                "tickets": a.demand,
                "people": len(a.covering),
                "bus_factor": a.bus_factor,
                "covered": a.covered,
                "single_point": a.single_point,
                "covering": "; ".join(a.covering),
            }
            for a in review.areas
        ]
    return [{k: _plain(v) for k, v in asdict(f).items()} for f in review.findings]


def write_csv(rows: list[dict[str, object]], path: Path) -> Path:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["(none)"])
        writer.writeheader()
        writer.writerows(rows)
    return path
