"""Calibrating hand-built stores (SQLite and PostgreSQL): rates, filters and degradation."""

from __future__ import annotations

import pytest

from deskmix.calibrate import calibrate_store
from deskmix.calibrate.summary import SUMMARY_COLUMNS, format_cell
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import StoreError
from deskmix.store import Store

from .builders import at, store_rows


def _ev(ticket: str, hours: float, status: str, tier: str, level: str) -> dict[str, object]:
    return {
        "ticket_id": ticket,
        "at": at(hours),
        "status": status,
        "tier": tier,
        "level": level,
        "group": "Service Desk" if tier == "generalist" else "Network L2",
    }


G, S = "generalist", "specialist"
NETWORK_TICKETS: list[dict[str, object]] = [
    # escalated L1 -> L2, reassigned once
    {"id": "N1", "domain": "network", "tier": S, "priority": "P2", "reassignments": 1,
     "reopens": 0, "opened_at": at(0), "resolved_at": at(6)},
    # first-contact fix
    {"id": "N2", "domain": "network", "tier": G, "priority": "P3", "reassignments": 0,
     "reopens": 0, "opened_at": at(1), "resolved_at": at(2)},
    # fixed by L1, reopened once
    {"id": "N3", "domain": "network", "tier": G, "priority": "P3", "reassignments": 0,
     "reopens": 1, "opened_at": at(2), "resolved_at": at(9)},
    # sent straight to L2
    {"id": "N4", "domain": "network", "tier": S, "priority": "P1", "reassignments": 0,
     "reopens": 0, "opened_at": at(3), "resolved_at": at(5)},
]  # fmt: skip
NETWORK_EVENTS = [
    _ev("N1", 0, "New", G, "L1"),
    _ev("N1", 1, "Active", G, "L1"),
    _ev("N1", 2, "Active", S, "L2"),
    _ev("N1", 6, "Resolved", S, "L2"),
    _ev("N2", 1, "New", G, "L1"),
    _ev("N2", 1.25, "Active", G, "L1"),
    _ev("N2", 2, "Resolved", G, "L1"),
    _ev("N3", 2, "Active", G, "L1"),
    _ev("N3", 3, "Resolved", G, "L1"),
    _ev("N3", 8, "Active", G, "L1"),
    _ev("N3", 9, "Resolved", G, "L1"),
    _ev("N4", 3, "Active", S, "L2"),
    _ev("N4", 5, "Resolved", S, "L2"),
]
# No events: escalation from the ticket's tier and reassignment count.
END_USER_TICKETS: list[dict[str, object]] = [
    {"id": "E1", "domain": "end_user", "tier": G, "reassignments": 0, "reopens": 0,
     "opened_at": at(24), "resolved_at": at(25)},
    {"id": "E2", "domain": "end_user", "tier": S, "reassignments": 2, "reopens": 0,
     "opened_at": at(30), "resolved_at": at(40)},
    {"id": "E3", "domain": "end_user", "tier": S, "reassignments": 0, "reopens": 0,
     "opened_at": at(48), "resolved_at": at(50)},
    {"id": "E4", "domain": "end_user", "reassignments": 1, "opened_at": at(49)},
]  # fmt: skip


def _by_domain(workload: Workload) -> dict[str, object]:
    return {e.domain: e for e in workload.escalation}


def test_escalation_fcr_reopen_and_reassignment_rates(store: Store) -> None:
    store_rows(store, NETWORK_TICKETS + END_USER_TICKETS, NETWORK_EVENTS)
    # Two days of history are no steady state; the rates are what this test is about.
    result = calibrate_store(store, name="hand-built", accept_unsteady=True)
    stats = {e.domain: e for e in result.workload.escalation}
    network, end_user = stats["network"], stats["end_user"]
    assert network.tickets == 4
    assert network.escalation_rate == pytest.approx(1 / 3, abs=1e-4)  # N1 of N1..N3
    assert network.first_contact_resolution_rate == 0.5  # N2 and N4
    assert network.reopen_rate == 0.25
    assert network.reassignment_rate == 0.25
    assert network.paths == {"L1": 2, "L1>L2": 1, "L2": 1}
    assert network.basis == "events (tier of each holder)"

    assert end_user.escalation_rate == 0.5  # E2 of E1, E2; E3 went straight to a specialist
    assert end_user.first_contact_resolution_rate == pytest.approx(2 / 3, abs=1e-4)
    assert end_user.reopen_rate == 0.0  # E4's reopens are unknown
    assert end_user.reassignment_rate == 0.5  # E2 and E4
    assert end_user.paths == {"generalist": 1, "generalist>specialist": 1, "specialist": 1}
    assert any("escalation: 1 of 8 tickets" in m for m in result.workload.missing)

    rows = {row["domain"]: row for row in result.summary_rows()}
    assert all(list(row) == [key for key, _ in SUMMARY_COLUMNS] for row in rows.values())
    assert rows["network"]["tickets"] == 4 and rows["network"]["share"] == 0.5
    assert rows["network"]["escalation_rate"] == network.escalation_rate
    assert rows["end_user"]["tier_split"] == {"generalist": 0.5, "specialist": 0.5}
    assert format_cell("tier_split", rows["end_user"]["tier_split"]) == "50/50"


def test_handling_uses_effort_from_events(store: Store) -> None:
    store_rows(store, NETWORK_TICKETS, NETWORK_EVENTS)
    result = calibrate_store(store, name="effort", work_hours="always")
    (generalist,) = [h for h in result.workload.handling if h.tier == Tier.GENERALIST]
    assert generalist.basis.startswith("effort from events")
    assert "servicenow: Active" in generalist.basis
    # No event names a person, so each group is one holder whose time is shared among the
    # tickets it holds at once. Network L2 holds N1 over 2-6 h and N4 over 3-5 h: the two
    # shared hours count half to each, so N1 gets 3 h of L2 work (its hour with the Service
    # Desk is the first line's, not its own tier's) and N4 1 h. The Service Desk holds N1 and
    # N2 together over 1.25-2 h: N2 gets 0.375 h. N3 1 h + 1 h. Two per cell, four in all: far
    # below the pooling threshold, so every cell is fitted on all four, and says so.
    assert sorted(result.durations[("network", "generalist")].tolist()) == [0.375, 1.0, 2.0, 3.0]
    assert (generalist.pooled_from, generalist.own_observations) == ("all tickets", 2)
    assert generalist.observed == 4
    assert generalist.mean_hours == pytest.approx(1.59375)
    # The naive figure, time in a working status, stays beside it: N2 0.75 h, N3 2 h.
    assert generalist.status_time_mean_hours == pytest.approx(1.375)
    assert result.effort is not None
    assert result.effort.hours[result.effort.hours.index[0]] == pytest.approx(3.625)
    assert any("fitted on only 4 durations" in m for m in result.workload.missing)


def test_filters_by_source_and_import(store: Store) -> None:
    first = store_rows(store, NETWORK_TICKETS, NETWORK_EVENTS)
    store_rows(store, END_USER_TICKETS, source="jira")
    jira = calibrate_store(store, source_system="jira", accept_unsteady=True).workload
    assert jira.domain_mix == {"end_user": 1.0}
    only = calibrate_store(store, import_id=first.import_id).workload
    assert only.domain_mix == {"network": 1.0}
    assert f"import #{first.import_id}" in only.source
    with pytest.raises(StoreError, match="no tickets to calibrate from"):
        calibrate_store(store, source_system="zendesk")


def test_no_timestamps_still_gives_the_domain_mix(store: Store) -> None:
    """Like the Kaggle and ServiceNow-assignment sets: labels and text, no times at all."""
    rows: list[dict[str, object]] = [
        {"id": f"K{i}", "domain": d, "tier": t, "title": "printer jam"}
        for i, (d, t) in enumerate([("end_user", G)] * 6 + [("network", S)] * 3 + [(None, G)])
    ]
    store_rows(store, rows, source="kaggle")
    workload = calibrate_store(store, name="no times").workload
    assert workload.domain_mix == {"end_user": 0.6, "network": 0.3, "unmapped": 0.1}
    assert workload.tier_mix["network"] == {"specialist": 1.0}
    assert (workload.arrivals, workload.hour_of_week, workload.handling) == ([], {}, [])
    assert workload.weeks is None and workload.period_start is None
    text = "\n".join(workload.missing)
    assert "opened_at: no ticket has an opening time" in text
    assert "handling: no ticket has both an opening and a resolution time" in text
    assert "domain: 1 of 10 tickets (10.0%) have no skill domain" in text
    assert "reassignments: no reassignment count" in text
    assert "priority: 10 of 10 tickets" in text
    assert all(e.first_contact_resolution_rate is None for e in workload.escalation)


def _timed(i: int, **extra: object) -> dict[str, object]:
    return {
        "id": f"T{i}",
        "opened_at": at(12 * i),  # 60 tickets over 4.3 weeks: long enough to be steady
        "resolved_at": at(12 * i + 1 + (i % 5)),
        "domain": "business_apps" if i % 3 else "data_db",
        "reassignments": i % 2,
        "reopens": 0,
        **extra,
    }


def test_no_tier_defaults_to_generalist_and_says_so(store: Store) -> None:
    store_rows(store, [_timed(i, priority="P2") for i in range(60)])
    workload = calibrate_store(store, name="no tier").workload
    assert {s.tier for s in workload.arrivals} == {Tier.GENERALIST}
    assert {h.tier for h in workload.handling} == {Tier.GENERALIST}
    text = "\n".join(workload.missing)
    assert "tier: 60 of 60 tickets (100.0%) have no tier; counted as 'generalist'" in text
    assert "escalation: neither events nor tickets carry a tier" in text
    assert all(e.escalation_rate is None for e in workload.escalation)
    assert workload.handling[0].basis.startswith("resolution time (resolved_at - opened_at)")


def test_recorded_worked_time_comes_before_resolution_time(store: Store) -> None:
    """Like GLPI with task durations: hands-on hours the source recorded are the effort."""
    rows = [_timed(i, tier=G, worked_hours=0.25 * (1 + i % 3)) for i in range(60)]
    rows[0]["worked_hours"] = None  # one without: the cell is still measured by the record
    store_rows(store, rows, source="glpi")
    result = calibrate_store(store, name="recorded")
    handling = result.workload.handling
    assert handling and all(h.basis.startswith("recorded worked time") for h in handling)
    assert all(0.25 <= h.mean_hours <= 0.75 for h in handling)  # not 1-5 h of resolution time
    assert any("59 of 60 tickets" in n and "worked_hours" in n for n in result.workload.notes)


def test_no_priority_defaults_to_p3_and_says_so(store: Store) -> None:
    """Like BPIC'13: tiers from support lines, no priority."""
    store_rows(store, [_timed(i, tier=G if i % 4 else S) for i in range(60)], source="bpic13")
    workload = calibrate_store(store, name="no priority").workload
    assert {s.priority.value for s in workload.arrivals} == {"P3"}
    assert sum(s.observed for s in workload.arrivals) == 60
    assert "priority: 60 of 60 tickets (100.0%) have no priority; counted as P3" in "\n".join(
        workload.missing
    )
    assert not any(m.startswith("tier:") for m in workload.missing)


def test_touch_time_counts_only_work_hours(store: Store) -> None:
    """A status left Active outside the desk's hours is not work."""
    store_rows(store, NETWORK_TICKETS, NETWORK_EVENTS)
    # at(0) is Monday 08:00 UTC. Inside 08:00-12:00: N1's L2 work 10-12 (shared with N4 over
    # 11-12: 1.5 h), N2's 09:15-10:00 (shared with N1: 0.375 h), N3's 10-11 (its 16-17 is
    # outside), N4's 11-12 (shared: 0.5 h).
    result = calibrate_store(store, name="office", work_hours="mon-fri 08-12")
    assert sorted(result.durations[("network", "generalist")].tolist()) == [0.375, 0.5, 1.0, 1.5]
    assert "work hours mon-fri 08-12 (UTC)" in result.workload.handling[0].basis
