"""How tickets move between lines: escalation, first-contact resolution, reopens, reassignments.

Events say who held a ticket when, which is the direct evidence of escalation; tickets without
events fall back on their own tier and reassignment count (a specialist ticket that was passed
on at least once came through the first line). Each rate has its own denominator, the tickets
for which it is known, so a source lacking a field gives ``None`` rather than a made-up zero.
"""

from __future__ import annotations

import pandas as pd

from deskmix.domain.ticket import Tier
from deskmix.domain.workload import EscalationStats

TOP_PATHS = 5
GEN, SPEC = Tier.GENERALIST.value, Tier.SPECIALIST.value
RATE_DECIMALS = 4

FCR_RULE = (
    "first-contact resolution = resolved tickets with no reassignment, no escalation and no "
    "reopen, over resolved tickets whose reassignment count is known"
)
ESCALATION_RULE = (
    "escalation rate = tickets whose first holder was a generalist and that a specialist later "
    "held, over tickets whose first holder was a generalist (from events' tiers; without events, "
    "a specialist ticket reassigned at least once counts as escalated, one never reassigned as "
    "sent straight to a specialist)"
)


def _compressed_path(events: pd.DataFrame, column: str) -> pd.Series:
    """Per ticket, the sequence of distinct consecutive values joined by '>'."""
    known = events[events[column].notna()]
    if known.empty:
        return pd.Series(dtype="string")
    values = known[column].astype("string")
    previous = values.groupby(known["ticket_id"]).shift()
    changed = known[previous.isna() | (values != previous)]
    return changed.groupby("ticket_id", sort=False)[column].agg(lambda s: ">".join(map(str, s)))


def event_facts(events: pd.DataFrame) -> pd.DataFrame:
    """Per ticket with events: first holder tier, escalated, paths, group changes."""
    columns = ["first_tier", "escalated", "tier_path", "level_path", "group_changes"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    ordered = events.sort_values(["ticket_id", "seq"], kind="stable")
    by_ticket = ordered.groupby("ticket_id", sort=False)
    out = pd.DataFrame(index=pd.Index(by_ticket.size().index, name="ticket_id"))
    tiers = ordered[ordered["tier"].notna()]
    first = tiers.groupby("ticket_id", sort=False)["tier"].first().astype("string")
    any_spec = (tiers["tier"] == SPEC).groupby(tiers["ticket_id"], sort=False).any()
    out["first_tier"] = first
    escalated = (first == GEN) & any_spec.reindex(first.index, fill_value=False)
    out["escalated"] = escalated.astype("boolean")
    out["tier_path"] = _compressed_path(ordered, "tier")
    out["level_path"] = _compressed_path(ordered, "level")
    groups = ordered[ordered["group"].notna()]
    previous = groups.groupby("ticket_id", sort=False)["group"].shift()
    changes = (previous.notna() & (groups["group"] != previous)).groupby(groups["ticket_id"]).sum()
    out["group_changes"] = changes.astype("Int64")
    return out[columns]


def ticket_facts(tickets: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per ticket: started with a generalist, escalated, path, reassigned, reopened, FCR."""
    facts = event_facts(events).reindex(tickets["id"])
    facts.index = tickets.index
    tier = tickets["tier"].astype("string")
    reassigned_count = tickets["reassignments"].astype("Int64").fillna(facts["group_changes"])
    from_events = facts["first_tier"].notna()

    started = pd.Series(pd.NA, index=tickets.index, dtype="boolean")
    escalated = pd.Series(pd.NA, index=tickets.index, dtype="boolean")
    started[from_events] = facts.loc[from_events, "first_tier"] == GEN
    escalated[from_events] = facts.loc[from_events, "escalated"]
    fallback = ~from_events
    gen = fallback & (tier == GEN).fillna(False)
    spec = fallback & (tier == SPEC).fillna(False)
    passed = spec & (reassigned_count > 0).fillna(False)
    direct = spec & (reassigned_count == 0).fillna(False)
    started[gen | passed] = True
    escalated[gen] = False
    escalated[passed] = True
    started[direct] = False
    escalated[direct] = False

    path = facts["level_path"].astype("string")
    path = path.fillna(facts["tier_path"].astype("string"))
    path[path.isna() & gen] = GEN
    path[path.isna() & passed] = f"{GEN}>{SPEC}"
    path[path.isna() & direct] = SPEC

    has_resolution = tickets[["resolved_at", "closed_at"]].notna()
    resolved = pd.Series(pd.NA, index=tickets.index, dtype="boolean")
    if has_resolution.to_numpy().any():
        resolved = has_resolution.any(axis=1).astype("boolean")
    reopens = tickets["reopens"].astype("Int64")
    reopened = (reopens > 0).astype("boolean")
    reassigned = (reassigned_count > 0).astype("boolean")
    fcr = ((reassigned_count == 0) & ~escalated.fillna(False) & ~reopened.fillna(False)).astype(
        "boolean"
    )
    unresolved = resolved.eq(False).fillna(False).astype(bool)
    fcr = fcr.mask(reassigned_count.isna() | unresolved)
    return pd.DataFrame(
        {
            "domain": tickets["domain"],
            "from_events": from_events,
            "started_generalist": started,
            "escalated": escalated,
            "path": path,
            "reassigned": reassigned,
            "reopened": reopened,
            "fcr": fcr,
            # A specialist ticket with no events and no reassignment count may or may not have
            # passed through the first line: the domain's escalation rate cannot be told.
            "path_unknown": spec & reassigned_count.isna(),
            "specialist": (tier == SPEC).fillna(False).astype(bool),
        },
        index=tickets.index,
    )


def _rate(hits: pd.Series, base: pd.Series | None = None) -> float | None:
    """Share of True among known values (optionally only where ``base`` is True)."""
    values = hits if base is None else hits[base.fillna(False).astype(bool)]
    known = values.dropna()
    if known.empty:
        return None
    return round(float(known.astype(bool).mean()), RATE_DECIMALS)


def domain_stats(facts: pd.DataFrame) -> list[EscalationStats]:
    """One ``EscalationStats`` per domain, largest first."""
    out: list[EscalationStats] = []
    sizes = facts["domain"].value_counts()
    for domain in sizes.index:
        part = facts[facts["domain"] == domain]
        paths = part["path"].dropna().value_counts()
        top = sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PATHS]
        with_events = int(part["from_events"].sum())
        if with_events == len(part):
            basis = "events (tier of each holder)"
        elif with_events:
            basis = f"events for {with_events} tickets, ticket tier and reassignments for the rest"
        else:
            basis = "ticket tier and reassignment count"
        out.append(
            EscalationStats(
                domain=str(domain),
                tickets=len(part),
                escalation_rate=None
                if bool(part["path_unknown"].any())
                else _rate(part["escalated"], part["started_generalist"]),
                first_contact_resolution_rate=_rate(part["fcr"]),
                direct_share=None
                if bool(part["path_unknown"].any())
                else _rate(~part["started_generalist"], part["specialist"]),
                reopen_rate=_rate(part["reopened"]),
                reassignment_rate=_rate(part["reassigned"]),
                paths={str(k): int(v) for k, v in top},
                basis=basis,
            )
        )
    return out
