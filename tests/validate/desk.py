"""A generated desk with a known team: who works when, at which line, on which domains.

Three generalists (Mon-Fri 08-16) and a fourth who leaves after two weeks; two network
specialists and one data_db specialist (Mon-Fri 10-18). Every generalist ticket is taken and
resolved by a generalist; every specialist ticket is taken by a generalist and passed to a
specialist of its domain. A tool closes every ticket on the Sunday after, at 03:00: those
closures must not count as anyone's working hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from deskmix.store import Store
from tests.calibrate.builders import T0, store_rows

MONDAY = T0.replace(hour=0)


@dataclass(frozen=True)
class Person:
    name: str
    tier: str
    group: str
    domain: str | None
    start: int  # shift start hour
    end: int
    weeks: range


@dataclass
class KnownDesk:
    weeks: int = 8
    tickets_per_week: int = 60
    seed: int = 1
    people: list[Person] = field(default_factory=list)

    def __post_init__(self) -> None:
        every = range(self.weeks)
        self.people = [
            Person("gen-a", "generalist", "Service Desk", None, 8, 16, every),
            Person("gen-b", "generalist", "Service Desk", None, 8, 16, every),
            Person("gen-c", "generalist", "Service Desk", None, 8, 16, every),
            Person("gen-leaver", "generalist", "Service Desk", None, 8, 16, range(2)),
            Person("net-a", "specialist", "Network Team", "network", 10, 18, every),
            Person("net-b", "specialist", "Network Team", "network", 10, 18, every),
            Person("db-a", "specialist", "Data Team", "data_db", 10, 18, every),
        ]

    def on(self, tier: str, week: int, domain: str | None = None) -> list[Person]:
        return [
            p
            for p in self.people
            if p.tier == tier and week in p.weeks and (domain is None or p.domain == domain)
        ]

    def rows(self) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        rng = np.random.default_rng(self.seed)
        tickets: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        n = 0

        def times(person: Person, count: int) -> list[float]:
            """``count`` hours in ``person``'s shift, in order (each uniform over the shift)."""
            return sorted(float(h) for h in rng.uniform(person.start, person.end, count))

        for week in range(self.weeks):
            for _ in range(self.tickets_per_week):
                n += 1
                key = f"T{n:05d}"
                day = int(rng.integers(0, 5))
                day0 = timedelta(days=7 * week + day)
                specialist = rng.random() < 0.4
                domain = (
                    str(rng.choice(["network", "data_db"]))
                    if specialist
                    else str(rng.choice(["end_user", "accounts_access"]))
                )
                first_line = self.on("generalist", week)
                first = first_line[int(rng.integers(0, len(first_line)))]
                taken, done = times(first, 2)
                # Opened a little before a generalist takes it (it may be before the shift).
                opened = day0 + timedelta(hours=taken - float(rng.uniform(0.05, 0.5)))
                trail = [
                    (opened, "New", None, "Service Desk", "generalist"),
                    (
                        day0 + timedelta(hours=taken),
                        "Active",
                        first.name,
                        "Service Desk",
                        "generalist",
                    ),
                ]
                resolver, solved = first, day0 + timedelta(hours=done)
                if specialist:
                    pool = self.on("specialist", week, domain)
                    resolver = pool[int(rng.integers(0, len(pool)))]
                    # The next working day (Friday's tickets on Monday).
                    day1 = day0 + timedelta(days=3 if day == 4 else 1)
                    passed, done = times(resolver, 2)
                    trail.append(
                        (
                            day1 + timedelta(hours=passed),
                            "Active",
                            resolver.name,
                            resolver.group,
                            "specialist",
                        )
                    )
                    solved = day1 + timedelta(hours=done)
                trail.append((solved, "Resolved", resolver.name, resolver.group, resolver.tier))
                sunday = timedelta(days=7 * (week + 1) + 6, hours=3)
                trail.append((sunday, "Closed", resolver.name, resolver.group, resolver.tier))
                for when, status, who, group, tier in trail:
                    events.append(
                        {
                            "ticket_id": key,
                            "at": MONDAY + when,
                            "status": status,
                            "assignee": who,
                            "group": group,
                            "tier": tier,
                        }
                    )
                tickets.append(
                    {
                        "id": key,
                        "opened_at": MONDAY + opened,
                        "resolved_at": MONDAY + solved,
                        "closed_at": MONDAY + sunday,
                        "domain": domain,
                        "tier": "specialist" if specialist else "generalist",
                        "priority": str(rng.choice(["P2", "P3", "P3", "P4"])),
                        "group": resolver.group,
                        "assignee": resolver.name,
                        "resolver": resolver.name,
                        "reassignments": 1 if specialist else 0,
                        "reopens": 0,
                    }
                )
        return tickets, events

    def write(self, store: Store) -> None:
        tickets, events = self.rows()
        store_rows(store, tickets, events)
