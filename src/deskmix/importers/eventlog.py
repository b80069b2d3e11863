"""Tickets summarised from their events: the rules every event-log importer shares.

The importer conventions fix how a ticket's fields follow from its events (first event opens
it, the last holder owns it, any specialist event makes it specialist work, a change of group
is a reassignment, leaving a done state is a reopen). Keeping them in one place keeps the Jira
changelog and the BPIC'13 log consistent. Everything is a vectorised group-by: event logs run
to hundreds of thousands of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from deskmix.domain.ticket import EVENT_FIELDS, Tier
from deskmix.importers.mapping import LabelRule

# Event columns a tier rule may read (``tier: {by: level}`` for a log with L1/L2/L3 lines).
EVENT_LABELS = ("status", "group", "assignee", "level")


def sequence(events: pd.DataFrame) -> pd.DataFrame:
    """Events in time order per ticket, ties in file order, numbered ``seq`` 0..n-1.

    Tickets keep the order in which they first appear, so the output follows the file.
    """
    keyed = events.assign(_ticket=pd.factorize(events["ticket_id"])[0], _pos=np.arange(len(events)))
    ordered = keyed.sort_values(["_ticket", "at", "_pos"]).drop(columns=["_ticket", "_pos"])
    ordered = ordered.reset_index(drop=True)
    ordered["seq"] = ordered.groupby("ticket_id", sort=False).cumcount().astype("int64")
    return ordered


def event_tiers(rule: LabelRule | None, events: pd.DataFrame) -> tuple[pd.Series, dict[str, int]]:
    """Tier of whoever held the ticket at each event, when the tier rule reads an event field.

    A rule on a ticket-only field (a custom "Escalated" flag, say) says nothing about single
    events, so their tier stays empty and the ticket keeps the rule's verdict.
    """
    if rule is None or rule.by not in EVENT_LABELS or rule.by not in events.columns:
        return pd.Series(pd.NA, index=events.index, dtype="string"), {}
    labels = events[rule.by].astype("string")
    tiers, _ = rule.apply(labels)
    # Report tickets, not events, per unmapped label: the import report counts tickets.
    unmatched = tiers.isna()
    keys = labels.fillna("(empty)")[unmatched]
    counts = events.loc[unmatched, "ticket_id"].groupby(keys).nunique()
    return tiers, {str(k): int(v) for k, v in counts.items()}


def canonical_events(events: pd.DataFrame) -> pd.DataFrame:
    """Exactly ``EVENT_FIELDS``, with text columns as pandas strings."""
    out = pd.DataFrame(index=events.index)
    for name in EVENT_FIELDS:
        if name in ("seq", "at"):
            out[name] = events[name]
        else:
            values = events[name] if name in events.columns else pd.NA
            out[name] = pd.Series(values, index=events.index, dtype="string")
    return out


def summarise(events: pd.DataFrame, done: pd.Series) -> pd.DataFrame:
    """Per ticket: what its sequenced events say, indexed by ``ticket_id``.

    ``done`` flags events whose status means the work is finished (resolved, closed). Columns:
    ``opened_at`` (first event), ``group``/``assignee`` (last holder seen), ``tier`` (specialist
    if any event was, generalist when tiers are known), ``reassignments`` (changes of group
    between consecutive events; empty when no group is ever known), ``reopens`` (a done event
    followed by one that is not), ``resolved_at``/``resolver`` (the event that began the final
    run of done events, when the ticket ends done), ``last_status`` and ``last_at``.
    """
    tid = events["ticket_id"]
    by_ticket = events.groupby("ticket_id", sort=False)
    out = pd.DataFrame(index=pd.Index(tid.unique(), name="ticket_id"))
    out["opened_at"] = by_ticket["at"].first()
    out["last_at"] = by_ticket["at"].last()
    out["group"] = by_ticket["group"].last().astype("string")
    out["assignee"] = by_ticket["assignee"].last().astype("string")
    last = events.drop_duplicates("ticket_id", keep="last").set_index("ticket_id")
    out["last_status"] = last["status"].astype("string")

    tier = events["tier"]
    any_specialist = (tier == Tier.SPECIALIST.value).fillna(False).groupby(tid, sort=False).any()
    any_known = tier.notna().groupby(tid, sort=False).any()
    out["tier"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[any_known, "tier"] = Tier.GENERALIST.value
    out.loc[any_specialist, "tier"] = Tier.SPECIALIST.value

    held = events["group"].groupby(tid, sort=False).ffill()
    before = held.groupby(tid, sort=False).shift()
    changed = held.notna() & before.notna() & (held != before)
    counts = changed.fillna(False).groupby(tid, sort=False).sum().astype("Int64")
    ever_held = held.notna().groupby(tid, sort=False).any()
    out["reassignments"] = counts.where(ever_held)

    done = done.fillna(False).astype(bool)
    was_done = done.groupby(tid, sort=False).shift(fill_value=False).astype(bool)
    out["reopens"] = (was_done & ~done).groupby(tid, sort=False).sum().astype("Int64")

    ends_done = done.groupby(tid, sort=False).last()
    starts = events[done & ~was_done].drop_duplicates("ticket_id", keep="last")
    starts = starts.set_index("ticket_id")
    final = ends_done[ends_done].index.intersection(starts.index)
    out["resolved_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    out.loc[final, "resolved_at"] = starts.loc[final, "at"]
    out["resolver"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[final, "resolver"] = starts.loc[final, "assignee"].astype("string")
    return out
