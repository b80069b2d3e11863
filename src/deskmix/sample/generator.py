"""Generate the sample desk as a ServiceNow-style incident event log, from the spec and a seed.

Each ticket lives through the states a ServiceNow incident goes through (New while it waits in a
group's queue, Active once someone picks it up, New again in the next group's queue when it is
reassigned, Awaiting User Info, Resolved, reopened to Active, Closed), one row per change, in
the layout of the UCI ServiceNow event log, so the same ``servicenow-events`` importer reads
real exports and the sample alike. Every row repeats the ticket's fields with the running
reassignment and reopen counts, as that export does.

Same spec and seed give the same bytes: one ``numpy.random.Generator`` drawn in a fixed order,
times written in whole seconds and gzip written without a timestamp or file name.

Regenerate the shipped file with
``python -m deskmix.sample.generator --out src/deskmix/data/sample/sample_desk_events.csv.gz``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from string import Formatter

import numpy as np
import pandas as pd

from deskmix.domain.priority import PriorityMatrix
from deskmix.domain.ticket import Tier
from deskmix.sample.calendar import WorkCalendar
from deskmix.sample.spec import (
    Agent,
    CategorySpec,
    DomainSpec,
    LogNormal,
    SampleDeskSpec,
    TierTimes,
    load_spec,
)

HOURS_PER_WEEK = 168
COLUMNS: tuple[str, ...] = (
    "number",
    "incident_state",
    "reassignment_count",
    "reopen_count",
    "opened_at",
    "sys_updated_at",
    "category",
    "assignment_group",
    "assigned_to",
    "impact",
    "urgency",
    "priority",
    "contact_type",
    "resolved_by",
    "resolved_at",
    "closed_at",
    "short_description",
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
LEVEL_LABELS = {1: "1 - High", 2: "2 - Medium", 3: "3 - Low"}
PRIORITY_LABELS = {
    "P1": "1 - Critical",
    "P2": "2 - High",
    "P3": "3 - Moderate",
    "P4": "4 - Low",
    "P5": "5 - Planning",
}
NEW, ACTIVE, AWAITING, RESOLVED, CLOSED = (
    "New",
    "Active",
    "Awaiting User Info",
    "Resolved",
    "Closed",
)


@dataclass(frozen=True)
class SampleDesk:
    """The generated log plus the ground truth behind it, which tests and docs measure."""

    spec: SampleDeskSpec
    seed: int
    events: pd.DataFrame = field(repr=False)
    tickets: pd.DataFrame = field(repr=False)

    def csv_bytes(self) -> bytes:
        buffer = io.StringIO()
        self.events.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8")

    def write(self, path: Path) -> Path:
        """Write the log; gzip (deterministic: no timestamp, no name) when ``path`` ends in .gz."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.csv_bytes()
        if path.suffix == ".gz":
            buffer = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
                handle.write(data)
            data = buffer.getvalue()
        path.write_bytes(data)
        return path


@dataclass
class _Event:
    t: float
    state: str
    group: str
    assignee: str
    reassignments: int
    reopens: int


@dataclass
class _Stage:
    group: str
    tier: Tier
    agent: Agent


def _for_tier(times: TierTimes, tier: Tier) -> LogNormal:
    return times.generalist if tier == Tier.GENERALIST else times.specialist


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


class _Builder:
    """Draws one ticket's life at a time; the order of draws is part of the file's identity."""

    def __init__(self, spec: SampleDeskSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        self.calendar = WorkCalendar(spec.business_hours)
        self.matrix = PriorityMatrix()
        self.members: dict[str, list[Agent]] = {}
        for agent in spec.agents:
            self.members.setdefault(agent.group, []).append(agent)

    def agent(self, group: str) -> Agent:
        people = self.members[group]
        return people[int(self.rng.integers(len(people)))]

    def title(self, domain: DomainSpec, category: CategorySpec) -> str:
        spec, rng = self.spec, self.rng
        if spec.vague_titles and rng.random() < spec.vague_share:
            return spec.vague_titles[int(rng.integers(len(spec.vague_titles)))]
        template = category.titles[int(rng.integers(len(category.titles)))]
        names = [name for _, name, _, _ in Formatter().parse(template) if name]
        values = {}
        for name in dict.fromkeys(names):
            options = domain.slots[name]
            values[name] = options[int(rng.integers(len(options)))]
        return template.format(**values)

    def plan(self, domain_name: str, domain: DomainSpec) -> tuple[list[_Stage], bool, bool]:
        """Who works the ticket, in order; plus whether it went direct and stayed at first line."""
        spec, rng = self.spec, self.rng
        needs_specialist = bool(rng.random() < domain.second_line)
        direct = needs_specialist and bool(rng.random() < domain.direct)
        stages: list[_Stage] = []
        kept = False
        if not direct:
            first = self.agent(spec.first_line_group)
            stages.append(_Stage(spec.first_line_group, Tier.GENERALIST, first))
            if needs_specialist and domain_name in first.strong_in:
                kept = bool(rng.random() >= spec.strong_factor)
                needs_specialist = not kept
        if needs_specialist:
            group = _pick(rng, domain.specialist_groups)
            stages.append(_Stage(group, Tier.SPECIALIST, self.agent(group)))
            for _ in range(spec.max_handoffs):
                if not domain.related_groups or rng.random() >= spec.handoff:
                    break
                options = {g: w for g, w in domain.related_groups.items() if g != group}
                if not options:
                    break
                group = _pick(rng, options)
                stages.append(_Stage(group, Tier.SPECIALIST, self.agent(group)))
        return stages, direct, kept

    def ticket(self, t0: float, domain_name: str) -> tuple[list[_Event], dict[str, object]]:
        spec, rng, cal = self.spec, self.rng, self.calendar
        domain = spec.domains[domain_name]
        category = _pick(rng, {name: c.share for name, c in domain.categories.items()})
        impact = int(rng.choice(3, p=np.array(spec.impact) / sum(spec.impact))) + 1
        urgency_weights = np.array(domain.urgency or spec.urgency, dtype=float)
        urgency = int(rng.choice(3, p=urgency_weights / urgency_weights.sum())) + 1
        priority = self.matrix.priority(impact, urgency).value
        stages, direct, kept = self.plan(domain_name, domain)
        channel = (
            domain.direct_channel if direct and domain.direct_channel else _pick(rng, spec.channels)
        )
        title = self.title(domain, domain.categories[category])
        wait_stage = (
            int(rng.integers(len(stages))) if rng.random() < spec.awaiting_user.probability else -1
        )

        events: list[_Event] = []
        counts = {"reassignments": 0, "reopens": 0}

        def emit(t: float, state: str, stage: _Stage, assignee: str) -> None:
            t = max(t, events[-1].t if events else t0)
            events.append(
                _Event(t, state, stage.group, assignee, counts["reassignments"], counts["reopens"])
            )

        touch = {Tier.GENERALIST: 0.0, Tier.SPECIALIST: 0.0}
        waited = 0.0
        t = t0
        emit(t0, NEW, stages[0], "")
        for index, stage in enumerate(stages):
            if index > 0:  # handed to another group's queue, unassigned until picked up
                counts["reassignments"] += 1
                emit(t, NEW, stage, "")
            queued = _for_tier(spec.pickup, stage.tier).draw(rng)
            hours = _for_tier(domain.touch, stage.tier).draw(rng) * (1.5 if kept else 1.0)
            touch[stage.tier] += hours
            if index == wait_stage:
                share = float(rng.uniform(0.2, 0.8))
                t = cal.start_job(cal.add(t, queued), share * hours)
                emit(t, ACTIVE, stage, stage.agent.name)
                t = cal.add(t, share * hours)
                emit(t, AWAITING, stage, stage.agent.name)
                wait = spec.awaiting_user.wait.draw(rng)
                waited += wait
                t = cal.start_job(t + wait, (1 - share) * hours)  # the agent resumes on the reply
                emit(t, ACTIVE, stage, stage.agent.name)
                t = cal.add(t, (1 - share) * hours)
            else:
                t = cal.start_job(cal.add(t, queued), hours)
                emit(t, ACTIVE, stage, stage.agent.name)
                t = cal.add(t, hours)
        last = stages[-1]
        emit(t, RESOLVED, last, last.agent.name)
        first_resolved = t
        reopened = bool(rng.random() < spec.reopen.probability)
        if reopened:  # the user (who works office hours too) reopens; the agent reworks it
            counts["reopens"] += 1
            rework = _for_tier(domain.touch, last.tier).draw(rng) * spec.reopen.touch_factor
            t = cal.start_job(t + spec.reopen.after.draw(rng), rework)
            emit(t, ACTIVE, last, last.agent.name)
            touch[last.tier] += rework
            t = cal.add(t, rework)
            emit(t, RESOLVED, last, last.agent.name)
        closure = spec.closure
        auto = closure.auto_close_hours
        delay = (
            min(closure.user_delay.draw(rng), auto)
            if rng.random() < closure.user_confirms
            else auto
        )
        emit(t + delay, CLOSED, last, last.agent.name)

        specialist = any(stage.tier == Tier.SPECIALIST for stage in stages)
        truth: dict[str, object] = {
            "domain": domain_name,
            "category": category,
            "priority": priority,
            "impact": impact,
            "urgency": urgency,
            "channel": channel,
            "title": title,
            "tier": (Tier.SPECIALIST if specialist else Tier.GENERALIST).value,
            "direct": direct,
            "kept_by_strong_agent": kept,
            "groups": len(stages),
            "resolver": last.agent.name,
            "generalist_touch_hours": touch[Tier.GENERALIST],
            "specialist_touch_hours": touch[Tier.SPECIALIST],
            "awaiting_user_hours": waited,
            "reopened": reopened,
            "opened_h": t0,
            "first_resolved_h": first_resolved,
        }
        return events, truth


def _arrivals(spec: SampleDeskSpec, rng: np.random.Generator) -> list[tuple[float, str]]:
    """Non-homogeneous Poisson arrivals per domain: hourly counts, then uniform within the hour."""
    hours = spec.weeks * HOURS_PER_WEEK
    shape = np.tile(spec.weekly_shape(), spec.weeks)
    arrivals: list[tuple[float, str]] = []
    for name, share in spec.domain_shares().items():
        flat = spec.domains[name].round_the_clock
        rate = spec.tickets_per_week * share * ((1 - flat) * shape + flat / HOURS_PER_WEEK)
        counts = rng.poisson(rate)
        starts = np.repeat(np.arange(hours, dtype=float), counts)
        times = starts + rng.random(len(starts))
        arrivals.extend((float(t), name) for t in times)
    arrivals.sort(key=lambda item: item[0])
    return arrivals


def _to_text(seconds: np.ndarray, origin: pd.Timestamp) -> pd.Series:
    stamps = origin + pd.to_timedelta(seconds, unit="s")
    return pd.Series(stamps.strftime(TIME_FORMAT), dtype=object)


def generate(spec: SampleDeskSpec | None = None, seed: int | None = None) -> SampleDesk:
    """The sample desk for ``spec`` (default: the shipped one) and ``seed`` (default: its own)."""
    spec = spec or load_spec()
    seed = spec.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    builder = _Builder(spec, rng)
    origin = pd.Timestamp(datetime.combine(spec.start, time(0), tzinfo=UTC))
    export_h = spec.weeks * HOURS_PER_WEEK + spec.export_after_days * 24.0
    rows: list[tuple[object, ...]] = []
    truths: list[dict[str, object]] = []
    for offset, (t0, domain) in enumerate(_arrivals(spec, rng)):
        number = f"{spec.number_prefix}{spec.first_number + offset:07d}"
        events, truth = builder.ticket(t0, domain)
        seconds = [round(e.t * 3600) for e in events]
        for i in range(1, len(seconds)):  # strictly increasing, so the order survives a sort
            seconds[i] = max(seconds[i], seconds[i - 1] + 1)
        kept = [(s, e) for s, e in zip(seconds, events, strict=True) if s <= export_h * 3600]
        resolved_at: int | None = None
        resolved_by = ""
        closed_at: int | None = None
        for s, e in kept:
            if e.state == RESOLVED:
                resolved_at, resolved_by = s, e.assignee
            elif e.state == ACTIVE and resolved_at is not None:  # reopened: no longer resolved
                resolved_at, resolved_by = None, ""
            elif e.state == CLOSED:
                closed_at = s
        truth.update(number=number, events=len(kept), resolved_s=resolved_at, closed_s=closed_at)
        truths.append(truth)
        for s, e in kept:
            rows.append(
                (
                    number,
                    e.state,
                    e.reassignments,
                    e.reopens,
                    kept[0][0],
                    s,
                    truth["category"],
                    e.group,
                    e.assignee,
                    LEVEL_LABELS[int(str(truth["impact"]))],
                    LEVEL_LABELS[int(str(truth["urgency"]))],
                    PRIORITY_LABELS[str(truth["priority"])],
                    truth["channel"],
                    resolved_by,
                    resolved_at,
                    closed_at,
                    truth["title"],
                )
            )
    events_frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("opened_at", "sys_updated_at", "resolved_at", "closed_at"):
        values = events_frame[column]
        present = values.notna().to_numpy()
        text = pd.Series("", index=events_frame.index, dtype=object)
        if present.any():
            secs = values[present].astype("int64").to_numpy()
            text[present] = _to_text(secs, origin).to_numpy()
        events_frame[column] = text
    return SampleDesk(spec, seed, events_frame, pd.DataFrame(truths))


def _summary(desk: SampleDesk, path: Path) -> str:
    tickets = desk.tickets
    second = (tickets["tier"] == Tier.SPECIALIST.value).mean()
    return (
        f"wrote {path}: {len(tickets):,} tickets, {len(desk.events):,} events, "
        f"{path.stat().st_size:,} bytes (seed {desk.seed}; {second:.1%} touched a specialist)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deskmix.sample.generator",
        description="Write the deskmix sample desk as a ServiceNow-style event log (CSV, or "
        "gzipped CSV when the name ends in .gz).",
    )
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=None, help="default: the spec's own seed")
    args = parser.parse_args(argv)
    desk = generate(seed=args.seed)
    path = desk.write(args.out)
    print(_summary(desk, path))
    return 0


__all__ = ["COLUMNS", "SampleDesk", "generate", "main"]

if __name__ == "__main__":
    sys.exit(main())
