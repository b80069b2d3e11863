"""Generated ticket history with planted hidden specialists, to measure the detector.

The null world: every generalist draws the domains of the tickets they resolve from the same
mix (the desk's), so any concentration is chance. A planted hidden specialist draws a share
``boost`` of their tickets from one domain on top of that mix (mix' = (1 - boost) mix + boost
e_domain), and resolves them faster. Specialists work their own domain's escalated tickets.
Seeded: the same seed gives the same history, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from deskmix.domain.taxonomy import SkillTaxonomy
from deskmix.domain.ticket import EVENT_FIELDS, TICKET_FIELDS
from deskmix.importers.base import ImportBatch
from deskmix.people.history import Axis, History, history_from_frames

DESK_MIX: dict[str, float] = {
    "end_user": 0.34,
    "accounts_access": 0.20,
    "business_apps": 0.12,
    "network": 0.08,
    "procurement_hr": 0.08,
    "cloud_infra": 0.07,
    "security": 0.05,
    "data_db": 0.04,
    "architecture_projects": 0.02,
}
START = datetime(2024, 1, 1, tzinfo=UTC)
WEEKS = 12
SOURCE = "generated"


@dataclass(frozen=True)
class HistorySpec:
    """The knobs of a generated desk; defaults are the documented test set-up."""

    generalists: int = 24
    specialists: int = 6
    hidden: int = 3
    tickets_per_generalist: tuple[int, int] = (60, 160)  # uniform range per person
    tickets_per_specialist: tuple[int, int] = (40, 100)
    boost: float = 0.30  # extra share of a hidden specialist's tickets in their domain
    faster: float = 0.7  # a hidden specialist's time factor in their domain
    teams: int = 0  # generalists split into this many desk teams, each with a focus domain
    team_boost: float = 0.25  # extra share of a team's tickets in its focus domain
    leavers: int = 0  # specialists (01, 02, ...) who leave ``leave_weeks`` before the end
    leave_weeks: float = 4.0


@dataclass(frozen=True)
class GeneratedHistory:
    tickets: pd.DataFrame  # the canonical ticket fields (ImportBatch.tickets_frame)
    events: pd.DataFrame  # the canonical event fields
    planted: frozenset[tuple[str, str]]  # (person, domain) of each hidden specialist
    generalists: list[str]
    specialists: dict[str, str]  # person -> their domain
    leavers: tuple[str, ...] = ()

    def history(self, by: Axis = "domain") -> History:
        tickets = self.tickets.rename(columns={"id": "ticket"})
        events = self.events.rename(columns={"ticket_id": "ticket"})
        return history_from_frames(tickets, events, by)

    def batch(self) -> ImportBatch:
        """The history as an import, so it can be written to a real store."""
        return ImportBatch(
            source=SOURCE,
            path=Path("generated"),
            file_hash=f"generated-{len(self.tickets)}-{hash(self.planted) & 0xFFFFFFFF:x}",
            rows_read=len(self.events),
            tickets_frame=self.tickets,
            events_frame=self.events,
        )


def generate_history(seed: int, spec: HistorySpec | None = None) -> GeneratedHistory:
    spec = spec or HistorySpec()
    rng = np.random.default_rng(seed)
    domains = [d for d in SkillTaxonomy.default().names if d in DESK_MIX]
    mix = np.array([DESK_MIX[d] for d in domains])
    mix = mix / mix.sum()
    generalists = [f"Generalist {i + 1:02d}" for i in range(spec.generalists)]
    deep_domains = [d for d in domains if d != "end_user"]
    specialists = {
        f"Specialist {i + 1:02d}": deep_domains[i % len(deep_domains)]
        for i in range(spec.specialists)
    }
    hidden_people = rng.choice(generalists, size=spec.hidden, replace=False)
    team_of: dict[str, int] = {}
    focus: list[str] = []
    if spec.teams:
        focus = [str(d) for d in rng.choice(deep_domains, size=spec.teams, replace=False)]
        team_of = {p: i % spec.teams for i, p in enumerate(generalists)}
    # a planted specialist's domain is not their team's focus: the hard case, depth inside a
    # team that the team's own mix does not explain
    planted = {
        str(p): str(rng.choice([d for d in deep_domains if not focus or d != focus[team_of[p]]]))
        for p in hidden_people
    }
    base_hours = {d: float(rng.uniform(2, 12)) for d in domains}
    people: list[str] = []
    ticket_domains: list[str] = []
    factors: list[float] = []
    first_holders: list[str | None] = []
    groups_of: list[str] = []
    for person in generalists:
        weights = mix.copy()
        if spec.teams:
            weights = (1 - spec.team_boost) * weights
            weights[domains.index(focus[team_of[person]])] += spec.team_boost
        if person in planted:
            weights = (1 - spec.boost) * weights
            weights[domains.index(planted[person])] += spec.boost
        n = int(rng.integers(*spec.tickets_per_generalist, endpoint=True))
        drawn = [str(d) for d in rng.choice(domains, size=n, p=weights)]
        people += [person] * n
        ticket_domains += drawn
        factors += [spec.faster if planted.get(person) == d else 1.0 for d in drawn]
        first_holders += [None] * n
        groups_of += [f"Desk team {team_of[person] + 1}" if spec.teams else "Service Desk"] * n
    for person, domain in specialists.items():
        n = int(rng.integers(*spec.tickets_per_specialist, endpoint=True))
        people += [person] * n
        ticket_domains += [domain] * n
        factors += [1.0] * n
        first_holders += [str(g) for g in rng.choice(generalists, size=n)]
        groups_of += [f"{domain} team"] * n
    leavers = tuple(list(specialists)[: spec.leavers])
    cutoff = (WEEKS - spec.leave_weeks) * 168 if leavers else None
    tickets, events = _frames(
        rng, people, ticket_domains, factors, first_holders, base_hours, leavers, cutoff, groups_of
    )
    return GeneratedHistory(
        tickets=tickets,
        events=events,
        planted=frozenset(planted.items()),
        generalists=generalists,
        specialists=specialists,
        leavers=leavers,
    )


def _frames(
    rng: np.random.Generator,
    people: list[str],
    domains: list[str],
    factors: list[float],
    first_holders: list[str | None],
    base_hours: dict[str, float],
    leavers: tuple[str, ...] = (),
    cutoff: float | None = None,
    group_names: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets (resolved by ``people``) and their events: one holder, or the desk then a
    specialist for escalated tickets."""
    n = len(people)
    keys = [f"GEN{i + 1:06d}" for i in range(n)]
    offsets = rng.uniform(0, WEEKS * 168, n)
    median = np.array([base_hours[d] for d in domains]) * np.array(factors)
    hours = rng.lognormal(np.log(median), 0.8)
    if cutoff is not None:  # a leaver's tickets are opened and resolved before they go
        gone = np.isin(np.array(people), list(leavers))
        hours = np.where(gone, np.minimum(hours, 24.0), hours)
        offsets = np.where(gone, offsets * (cutoff - 24.0) / (WEEKS * 168), offsets)
    opened = pd.DatetimeIndex(pd.Timestamp(START) + pd.to_timedelta(offsets, unit="h"))
    resolved = (opened + pd.to_timedelta(hours, unit="h")).floor("s")
    opened = opened.floor("s")
    escalated = np.array([h is not None for h in first_holders])
    groups = group_names or [
        f"{d} team" if e else "Service Desk" for d, e in zip(domains, escalated, strict=True)
    ]
    tiers = np.where(escalated, "specialist", "generalist")
    tickets = pd.DataFrame({name: pd.Series([pd.NA] * n, dtype="object") for name in TICKET_FIELDS})
    tickets = tickets.assign(
        id=keys,
        source_system=SOURCE,
        opened_at=opened,
        resolved_at=resolved,
        closed_at=resolved,
        domain=domains,
        tier=tiers,
        priority="P3",
        group=groups,
        assignee=people,
        resolver=people,
        category=domains,
        reassignments=pd.array(escalated.astype(int), dtype="Int64"),
        reopens=pd.array(np.zeros(n, dtype=int), dtype="Int64"),
        impact=pd.array([pd.NA] * n, dtype="Int64"),
        urgency=pd.array([pd.NA] * n, dtype="Int64"),
    )[list(TICKET_FIELDS)]
    last = pd.DataFrame(
        {
            "ticket_id": keys,
            "seq": escalated.astype("int64"),
            "at": (opened + pd.to_timedelta(hours * escalated / 2, unit="h")).floor("s"),
            "status": "Active",
            "group": groups,
            "assignee": people,
            "tier": tiers,
        }
    )
    first = pd.DataFrame(
        {
            "ticket_id": keys,
            "seq": 0,
            "at": opened,
            "status": "Active",
            "group": "Service Desk",
            "assignee": first_holders,
            "tier": "generalist",
        }
    )[escalated]
    events = pd.concat([first, last]).sort_values(["ticket_id", "seq"], ignore_index=True)
    events["seq"] = events["seq"].astype("int64")
    return tickets, events.reindex(columns=list(EVENT_FIELDS))
