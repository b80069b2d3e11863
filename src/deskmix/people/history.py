"""Who resolved what, from the stored history: one row per resolved ticket with a person.

The skills matrix and the hidden-specialist test both start from this "work" frame, whether it
comes from the store or from the generator, so the two paths cannot drift apart.

Columns of the work frame: ``ticket`` (store id or key), ``person`` (the resolver, else the
last assignee of a resolved ticket), ``area`` (the ticket's domain, category or group, per
``by``), ``hours`` (opened -> resolved, NaN when unknown), ``first_time`` (resolved without any
reassignment; NA when the source does not count them), ``ticket_tier``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from deskmix.errors import StoreError
from deskmix.store.db import Store
from deskmix.store.queries import ticket_and_event_frames
from deskmix.store.selection import Selection

Axis = Literal["domain", "category", "group"]
TAIL_SHARE = 0.1  # a week under this share of a busy week is a straggling tail
AXES: tuple[Axis, ...] = ("domain", "category", "group")

TICKET_COLUMNS = (
    "ticket",
    "opened_at",
    "resolved_at",
    "domain",
    "category",
    "group",
    "tier",
    "assignee",
    "resolver",
    "reassignments",
)
EVENT_COLUMNS = ("ticket", "seq", "assignee", "tier")
# The same columns as the store names them (the ticket is its row id).
STORE_TICKET_COLUMNS = ("id", *TICKET_COLUMNS[1:])
STORE_EVENT_COLUMNS = ("ticket_id", *EVENT_COLUMNS[1:])


@dataclass(frozen=True)
class History:
    """Resolved work, reassignments received, and each person's usual tier."""

    work: pd.DataFrame
    received: pd.DataFrame  # person, area, received (count)
    person_tier: pd.Series  # person -> generalist | specialist (from the events they held)
    by: Axis
    merges: dict[str, list[str]] = field(default_factory=dict)  # kept name -> spellings merged

    @property
    def end(self) -> pd.Timestamp | None:
        """The "now" of a window of recent weeks: the last resolution in the last week that
        still carries real volume (at least a tenth of a busy week, the 90th percentile of the
        weekly volumes), so a thin tail of
        late stragglers (the UCI log's year after the bulk) does not empty the window."""
        if "resolved_at" not in self.work:
            return None
        times = self.work["resolved_at"].dropna()
        if times.empty:
            return None
        weeks = times.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W")
        volume = weeks.value_counts().sort_index()
        busy = volume[volume >= TAIL_SHARE * float(volume.quantile(0.9))]
        return pd.Timestamp(times[weeks == busy.index[-1]].max())


def name_key(name: str) -> str:
    """Names that differ only in letter case or spacing are one person: "SE-Annika" and
    " se-annika" share the key "se-annika"."""
    return " ".join(str(name).split()).casefold()


def normalise_names(*columns: pd.Series) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each spelling -> the kept spelling (the most frequent, then the first in sort order),
    and the merges: kept name -> every spelling that was folded into it (two or more)."""
    values = pd.concat([c.dropna().astype("string") for c in columns], ignore_index=True)
    if values.empty:
        return {}, {}
    counts = values.value_counts()
    groups: dict[str, list[tuple[int, str]]] = {}
    for spelling, n in counts.items():
        groups.setdefault(name_key(str(spelling)), []).append((-int(n), str(spelling)))
    mapping: dict[str, str] = {}
    merges: dict[str, list[str]] = {}
    for spellings in groups.values():
        kept = " ".join(min(spellings)[1].split())
        for _, spelling in spellings:
            mapping[spelling] = kept
        if len(spellings) > 1:
            merges[kept] = sorted(s for _, s in spellings)
    return mapping, dict(sorted(merges.items()))


def history_frames(store: Store, selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ticket and event frames ``history_from_frames`` reads (columns above), so a caller
    that cuts the history (the back-test's hold-out) can build a ``History`` of a part."""
    tickets, events = ticket_and_event_frames(
        store, selection, STORE_TICKET_COLUMNS, STORE_EVENT_COLUMNS, order_tickets=False
    )
    tickets.columns = list(TICKET_COLUMNS)
    events.columns = list(EVENT_COLUMNS)
    return tickets, events


def history_from_frames(tickets: pd.DataFrame, events: pd.DataFrame, by: Axis) -> History:
    """Build the work frame from ticket and event frames with the columns named above."""
    tickets = tickets.copy()
    events = events.copy()
    for column in ("opened_at", "resolved_at"):
        tickets[column] = pd.to_datetime(tickets[column], utc=True)
    mapping, merges = normalise_names(tickets["resolver"], tickets["assignee"], events["assignee"])
    for frame, column in ((tickets, "resolver"), (tickets, "assignee"), (events, "assignee")):
        frame[column] = frame[column].astype("string").map(mapping).astype("string")
    person = tickets["resolver"].astype("string")
    person = person.where(person.notna() & tickets["resolved_at"].notna())
    fallback = tickets["assignee"].astype("string").where(tickets["resolved_at"].notna())
    person = person.fillna(fallback)
    area = tickets[by].astype("string")
    done = person.notna() & area.notna()
    hours = (tickets["resolved_at"] - tickets["opened_at"]).dt.total_seconds() / 3600.0
    hours = hours.where(hours >= 0)
    reassigned = pd.to_numeric(tickets["reassignments"], errors="coerce")
    work = pd.DataFrame(
        {
            "ticket": tickets["ticket"],
            "person": person,
            "area": area,
            "hours": hours.astype("float64"),
            "first_time": (reassigned == 0).astype("boolean").where(reassigned.notna()),
            "ticket_tier": tickets["tier"].astype("string"),
            "resolved_at": tickets["resolved_at"],
            "group": tickets["group"].astype("string"),
        }
    )[done].reset_index(drop=True)
    received, tiers = _from_events(tickets, events, by, work)
    return History(work=work, received=received, person_tier=tiers, by=by, merges=merges)


def _from_events(
    tickets: pd.DataFrame, events: pd.DataFrame, by: Axis, work: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """Reassignments received (a ticket handed from one person to another) and usual tiers."""
    held = events.loc[events["assignee"].notna(), ["ticket", "seq", "assignee", "tier"]]
    held = held.sort_values(["ticket", "seq"], kind="stable")
    previous = held.groupby("ticket", sort=False)["assignee"].shift()
    handed = held[previous.notna() & (previous != held["assignee"])]
    areas = tickets.set_index("ticket")[by].astype("string")
    received = (
        pd.DataFrame({"person": handed["assignee"], "area": handed["ticket"].map(areas)})
        .dropna()
        .groupby(["person", "area"])
        .size()
        .rename("received")
        .reset_index()
    )
    # A person's tier: the tier of the lines they held tickets at, by majority of events; with
    # no events, the majority tier of the tickets they resolved. Ties count as generalist.
    tiers = _majority(held.dropna(subset=["tier"]), "assignee")
    missing = ~work["person"].isin(tiers.index)
    resolved_tiers = _majority(
        work.loc[missing, ["person", "ticket_tier"]]
        .rename(columns={"ticket_tier": "tier"})
        .dropna(),
        "person",
    )
    return received, pd.concat([tiers, resolved_tiers]).astype("string")


def _majority(frame: pd.DataFrame, who: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype="string")
    special = frame["tier"].astype("string").eq("specialist").astype("float64")
    share = special.groupby(frame[who].astype("string")).mean()
    return pd.Series(np.where(share > 0.5, "specialist", "generalist"), index=share.index)


def load_history(store: Store, by: Axis, selection: Selection | None = None) -> History:
    """The stored history as a ``History``; fails with a hint when nothing can be used."""
    tickets, events = history_frames(store, selection or Selection())
    if tickets.empty:
        raise StoreError(
            f"no tickets in the store for {(selection or Selection()).describe()}; "
            "import some first (deskmix import ...)"
        )
    history = history_from_frames(tickets, events, by)
    if history.work.empty:
        filled = {a: int(tickets[a].notna().sum()) for a in AXES}
        hint = ", ".join(f"{a}: {n:,}" for a, n in filled.items())
        raise StoreError(
            f"no resolved ticket has both a person (resolver/assignee) and a {by}; tickets "
            f"with a value per axis: {hint}; try --by with one that is filled"
        )
    return history
