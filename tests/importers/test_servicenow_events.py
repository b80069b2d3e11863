"""The ServiceNow event-log importer: one event per row, one ticket per incident."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.domain.ticket import Tier
from deskmix.errors import InputError
from deskmix.importers.servicenow_events import import_servicenow_events
from deskmix.importers.writer import write_import
from deskmix.store import Store, open_store
from deskmix.store.models import EventRow, TicketRow

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "servicenow"
LOG = FIXTURE / "events.csv"


def _write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_row_is_an_event_and_every_incident_a_ticket() -> None:
    batch = import_servicenow_events(LOG)
    assert (batch.ticket_count, batch.event_count, batch.rows_read) == (4, 17, 17)
    tickets = {t.id: t for t in batch.tickets()}
    assert list(tickets) == ["INC0000045", "INC0000047", "INC0000137", "INC0000130"]
    first = tickets["INC0000045"]
    assert first.source_system == "servicenow"
    assert first.opened_at is not None and first.resolved_at is not None
    assert first.closed_at is not None
    # Day-first dates: 29 February and 5 March 2016.
    assert first.opened_at.isoformat() == "2016-02-29T01:16:00+00:00"
    assert first.resolved_at.isoformat() == "2016-02-29T11:29:00+00:00"
    assert first.closed_at.isoformat() == "2016-03-05T12:00:00+00:00"
    assert (first.priority, first.impact, first.urgency) == ("P3", 2, 2)
    assert (first.resolver, first.channel, first.category) == (
        "Resolved by 149",
        "Phone",
        "Category 55",
    )
    assert first.assignee is None  # "?" is missing, not a person


def test_ticket_fields_come_from_the_last_update() -> None:
    tickets = {t.id: t for t in import_servicenow_events(LOG).tickets()}
    moved = tickets["INC0000047"]
    # The priority was raised on a later update; the last one holds.
    assert (moved.priority, moved.impact) == ("P2", 1)
    assert (moved.reassignments, moved.reopens) == (2, 0)  # the log's own counts
    assert (moved.group, moved.assignee) == ("Group 70", "Resolver 89")  # last holder
    odd = tickets["INC0000130"]
    assert (odd.group, odd.reassignments, odd.reopens) == ("Group 73", 1, 1)
    assert odd.resolved_at is None and odd.resolver is None and odd.category is None


def test_events_are_in_time_order_with_ties_in_file_order() -> None:
    events = import_servicenow_events(LOG).events_frame
    late = events[events["ticket_id"] == "INC0000137"]
    # The file lists 11:10 before 09:52; the events follow the clock.
    assert late["at"].dt.strftime("%H:%M").tolist() == ["09:52", "11:03", "11:10", "12:00"]
    assert late["status"].tolist() == ["New", "Resolved", "New", "Closed"]
    tie = events[events["ticket_id"] == "INC0000047"]
    assert tie["status"].tolist()[3:5] == ["Active", "Resolved"]  # both at 1/3/2016 09:52
    for _, group in events.groupby("ticket_id"):
        assert group["seq"].tolist() == list(range(len(group)))
        assert group["at"].is_monotonic_increasing


def test_first_group_is_first_line_and_other_groups_specialist() -> None:
    batch = import_servicenow_events(LOG)
    events = batch.events_frame
    moved = events[events["ticket_id"] == "INC0000047"]
    assert moved["group"].tolist() == ["Group 70", "Group 24", "Group 24"] + ["Group 70"] * 3
    assert moved["tier"].tolist() == ["generalist", "specialist", "specialist"] + ["generalist"] * 3
    odd = events[events["ticket_id"] == "INC0000130"]
    assert odd["tier"].fillna("(none)").tolist() == ["generalist", "(none)", "specialist"]
    assert events["level"].isna().all()
    # Tickets: by the reassignment count (the shipped rule), nothing left unmapped.
    tiers = {t.id: t.tier for t in batch.tickets()}
    assert tiers == {
        "INC0000045": Tier.GENERALIST,
        "INC0000047": Tier.SPECIALIST,
        "INC0000137": Tier.GENERALIST,
        "INC0000130": Tier.SPECIALIST,
    }
    assert "tier" not in batch.unmapped
    assert batch.unmapped["domain"] == {
        "Category 55": 1,
        "Category 40": 1,
        "Category 26": 1,
        "(empty)": 1,
    }


def test_oddities_of_the_log_are_kept_and_reported() -> None:
    batch = import_servicenow_events(LOG)
    events = batch.events_frame
    assert "-100" in events["status"].tolist()
    notes = " | ".join(batch.notes)
    assert "before their incident's opened_at: 1 in 1 incident(s)" in notes
    assert "'-100' (1)" in notes


def test_a_tier_rule_on_groups_maps_every_event(tmp_path: Path) -> None:
    mapping = _write(
        tmp_path,
        "tier: {by: group, values: {Group 56: generalist, Group 70: generalist, "
        "Group 24: specialist}}\n",
        "m.yaml",
    )
    batch = import_servicenow_events(LOG, mapping_file=mapping)
    tiers = {t.id: t.tier for t in batch.tickets()}
    assert tiers == {
        "INC0000045": Tier.GENERALIST,
        "INC0000047": Tier.SPECIALIST,
        "INC0000137": Tier.GENERALIST,
        "INC0000130": None,  # its groups are unknown to the rule: left empty, reported
    }
    assert batch.unmapped["tier"] == {"Group 72": 1, "Group 73": 1, "(empty)": 1}


def test_counts_are_derived_from_the_events_when_the_log_has_none(tmp_path: Path) -> None:
    frame = pd.read_csv(LOG, dtype=str, keep_default_na=False)
    bare = frame.drop(columns=["reassignment_count", "reopen_count", "opened_at"])
    path = tmp_path / "bare.csv"
    bare.to_csv(path, index=False)
    batch = import_servicenow_events(path)
    tickets = {t.id: t for t in batch.tickets()}
    assert tickets["INC0000047"].reassignments == 2  # 70 -> 24 -> 70
    assert tickets["INC0000130"].reassignments == 1  # 72 -> (none) -> 73
    assert tickets["INC0000137"].reopens == 1  # Resolved, then New again
    assert tickets["INC0000045"].reopens == 0
    # No opened_at column: the first event opens the ticket.
    opened = tickets["INC0000130"].opened_at
    assert opened is not None and opened.isoformat() == "2016-02-29T07:27:00+00:00"
    assert any("opened_at (opened_at)" in note for note in batch.notes)


def test_a_list_export_with_titles_and_iso_dates(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Number,Updated,State,Short description,Assignment group,Opened,Priority\n"
        "INC1,2024-01-02 10:00:00,New,VPN down,Service Desk,2024-01-02 09:58:00,2 - High\n"
        "INC1,2024-01-02 10:30:00,In Progress,VPN down,Network L2,2024-01-02 09:58:00,2 - High\n",
    )
    mapping = _write(tmp_path, "dates: {format: null}\n", "m.yaml")
    batch = import_servicenow_events(path, mapping_file=mapping)
    (ticket,) = batch.tickets()
    assert (ticket.title, ticket.group, ticket.priority) == ("VPN down", "Network L2", "P2")
    assert ticket.opened_at is not None and ticket.opened_at.minute == 58
    assert batch.events_frame["status"].tolist() == ["New", "In Progress"]


def test_a_line_column_drives_the_tiers_of_events_and_tickets(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "number,sys_updated_at,incident_state,assignment_group,u_line\n"
        "INC1,1/3/2016 10:00,New,Service Desk,L1\n"
        "INC1,1/3/2016 11:00,Active,Network,L2\n"
        "INC2,1/3/2016 12:00,New,Service Desk,L1\n",
    )
    mapping = _write(
        tmp_path,
        "columns: {level: u_line}\ntier: {by: level, values: {L1: generalist, L2: specialist}}\n",
        "m.yaml",
    )
    batch = import_servicenow_events(path, mapping_file=mapping)
    events = batch.events_frame
    assert events["level"].tolist() == ["L1", "L2", "L1"]
    assert events["tier"].tolist() == ["generalist", "specialist", "generalist"]
    assert [t.tier for t in batch.tickets()] == [Tier.SPECIALIST, Tier.GENERALIST]
    assert "tier" not in batch.unmapped


def test_table_api_json_logs_take_their_utc_values(tmp_path: Path) -> None:
    def cell(shown: str, value: str) -> dict[str, str]:
        return {"display_value": shown, "value": value}

    records = [
        {
            "number": cell("INC1", "INC1"),
            "sys_updated_on": cell("01/03/2016 11:00:00", "2016-03-01 10:00:00"),
            "incident_state": cell("New", "1"),
            "assignment_group": cell("Service Desk", "d625dccec0a8016700a222a0f7900d06"),
        },
        {
            "number": cell("INC1", "INC1"),
            "sys_updated_on": cell("01/03/2016 12:30:00", "2016-03-01 11:30:00"),
            "incident_state": cell("Resolved", "6"),
            "assignment_group": cell("Network", "287ee6fea9fe198100ada7950d0b1b73"),
        },
    ]
    path = _write(tmp_path, json.dumps({"result": records}), "log.json")
    batch = import_servicenow_events(path)  # the shipped day-first format does not apply
    events = batch.events_frame
    assert events["at"].dt.strftime("%H:%M").tolist() == ["10:00", "11:30"]
    assert events["status"].tolist() == ["New", "Resolved"]
    (ticket,) = batch.tickets()
    assert ticket.opened_at is not None and ticket.opened_at.hour == 10  # the first event
    assert (ticket.group, ticket.reassignments, ticket.tier) == ("Network", 1, Tier.SPECIALIST)


HEADER = (
    "number,incident_state,opened_at,sys_updated_at,assignment_group,priority,"
    "resolved_at,closed_at\n"
)
BAD = {
    "missing column": (
        "number,incident_state,opened_at\nINC1,New,1/3/2016 10:00\n",
        r"log\.csv, row 1, field 'sys_updated_at': missing column 'sys_updated_at' \(for at\)",
    ),
    "unparseable date": (
        HEADER
        + "INC1,New,1/3/2016 10:00,1/3/2016 10:05,G1,3 - Moderate,?,?\n"
        + "INC1,Active,1/3/2016 10:00,2016-03-01 10:09,G1,3 - Moderate,?,?\n",
        r"row 3, field 'sys_updated_at': unparseable date \(got '2016-03-01 10:09'\); "
        r"expected format %d/%m/%Y %H:%M such as 31/12/2024 17:30",
    ),
    "resolved before opened": (
        HEADER + "INC1,Resolved,2/3/2016 10:00,2/3/2016 10:05,G1,3 - Moderate,1/3/2016 09:00,?\n",
        r"row 2, field 'resolved_at': resolved_at is before opened_at",
    ),
    "unknown priority": (
        HEADER + "INC1,New,1/3/2016 10:00,1/3/2016 10:05,G1,Sev Z,?,?\n",
        r"row 2, field 'priority': unknown priority \(got 'Sev Z'\)",
    ),
    "empty number": (
        HEADER
        + "INC1,New,1/3/2016 10:00,1/3/2016 10:05,G1,3 - Moderate,?,?\n"
        + "?,New,1/3/2016 10:00,1/3/2016 10:06,G1,3 - Moderate,?,?\n",
        r"row 3, field 'number': incident number is empty",
    ),
    "empty event time": (
        HEADER + "INC1,New,1/3/2016 10:00,,G1,3 - Moderate,?,?\n",
        r"row 2, field 'sys_updated_at': event time is empty",
    ),
    "header only": (HEADER, r"header but no data rows"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_an_input_error_naming_where(tmp_path: Path, case: str) -> None:
    text, pattern = BAD[case]
    with pytest.raises(InputError) as raised:
        import_servicenow_events(_write(tmp_path, text))
    assert re.search(pattern, str(raised.value)), str(raised.value)


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        (b"", r"log\.csv: file is empty"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x00\x00", r"binary file"),
        (
            HEADER.encode() + b"INC1,New,1/3/2016 10:00,1/3/2016 10:05,Caf\xe9,3,?,?\n",
            r"row 2: byte 0xe9 .* is not valid utf-8",
        ),
    ],
    ids=["empty", "binary", "not utf-8"],
)
def test_unreadable_files_are_refused(tmp_path: Path, body: bytes, pattern: str) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(body)
    with pytest.raises(InputError, match=pattern):
        import_servicenow_events(path)


def test_cli_end_to_end_and_bad_input_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    runner = CliRunner()
    ok = runner.invoke(app, ["import", "servicenow-events", str(LOG), "--db", str(db)])
    assert ok.exit_code == 0, ok.output
    assert "4 tickets, 17 events from 17 rows" in " ".join(ok.output.split())
    bad = _write(tmp_path, BAD["unknown priority"][0])
    failed = runner.invoke(app, ["import", "servicenow-events", str(bad), "--db", str(db)])
    assert failed.exit_code == 2
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown priority" in lines[0], failed.stderr
    store = open_store(db)
    assert store.counts() == {"imports": 1, "tickets": 4, "events": 17}
    store.dispose()


def test_events_are_stored_with_their_tickets(store: Store) -> None:
    batch = import_servicenow_events(LOG)
    outcome = write_import(store, batch)
    assert (outcome.tickets_added, outcome.events_added) == (4, 17)
    with store.session() as session:
        rows = session.execute(
            select(TicketRow.key, EventRow.seq, EventRow.at, EventRow.group, EventRow.tier)
            .join(EventRow, EventRow.ticket_id == TicketRow.id)
            .order_by(TicketRow.key, EventRow.seq)
        ).all()
        ticket = session.scalars(select(TicketRow).where(TicketRow.key == "INC0000047")).one()
    assert len(rows) == 17
    moved = [r for r in rows if r.key == "INC0000047"]
    assert [r.group for r in moved] == ["Group 70", "Group 24", "Group 24"] + ["Group 70"] * 3
    assert moved[0].at.isoformat() == "2016-02-29T04:57:00+00:00"
    assert (ticket.group, ticket.tier, ticket.priority) == ("Group 70", "specialist", "P2")
    assert ticket.closed_at is not None
    assert ticket.closed_at.isoformat() == "2016-03-06T10:00:00+00:00"


def test_stored_times_match_in_sql_as_written_by_sqlalchemy(store: Store) -> None:
    # The SQLite fast path writes times itself: a query binding an aware datetime must find them.
    write_import(store, import_servicenow_events(LOG))
    when = datetime(2016, 3, 1, 9, 52, tzinfo=UTC)
    with store.session() as session:
        statuses = session.scalars(
            select(EventRow.status).where(EventRow.at == when).order_by(EventRow.seq)
        ).all()
        resolved = session.scalars(select(TicketRow.key).where(TicketRow.resolved_at == when)).all()
        later = session.scalars(
            select(TicketRow.key)
            .where(TicketRow.opened_at >= datetime(2016, 2, 29, 9, 41, tzinfo=UTC))
            .order_by(TicketRow.opened_at)
        ).all()
    assert statuses == ["Active", "Resolved"]
    assert resolved == ["INC0000047"]
    assert later == ["INC0000130", "INC0000137"]


STATES = ["New", "Active", "Awaiting User Info", "Resolved", "Closed"]
GROUPS = ["Group 1", "Group 2", "Group 3", "?"]
BASE = datetime(2016, 3, 1)
incident_logs = st.lists(
    st.lists(
        st.tuples(st.integers(0, 60 * 24 * 20), st.sampled_from(STATES), st.sampled_from(GROUPS)),
        min_size=1,
        max_size=6,
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs=incident_logs, seed=st.randoms(use_true_random=False))
def test_any_well_formed_log_imports_whole_and_once(
    logs: list[list[tuple[int, str, str]]], seed: object
) -> None:
    rows = []
    for number, updates in enumerate(logs):
        opened = BASE + timedelta(minutes=min(u[0] for u in updates))
        for minutes, state, group in updates:
            at = BASE + timedelta(minutes=minutes)
            rows.append(
                {
                    "number": f"INC{number:07d}",
                    "incident_state": state,
                    "opened_at": f"{opened.day}/{opened.month}/{opened.year} {opened:%H:%M}",
                    "sys_updated_at": f"{at.day}/{at.month}/{at.year} {at:%H:%M}",
                    "assignment_group": group,
                    "reassignment_count": "0",
                    "priority": "3 - Moderate",
                }
            )
    seed.shuffle(rows)  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        batch = import_servicenow_events(path)
        events = batch.events_frame
        assert batch.ticket_count == len(logs)
        assert batch.event_count == len(rows)
        assert sorted(batch.tickets_frame["id"]) == sorted({r["number"] for r in rows})
        for _, one in events.groupby("ticket_id"):
            assert one["seq"].tolist() == list(range(len(one)))
            assert one["at"].is_monotonic_increasing
        expected = sorted((r["number"], r["incident_state"]) for r in rows)
        assert sorted(zip(events["ticket_id"], events["status"], strict=True)) == expected
        store = open_store(Path(tmp) / "s.db")
        first = write_import(store, batch)
        again = write_import(store, import_servicenow_events(path))
        copy = Path(tmp) / "copy.csv"
        copy.write_text(path.read_text() + "\n")  # other bytes, the same incidents
        overlap = write_import(store, import_servicenow_events(copy))
        counts = store.counts()
        store.dispose()
    assert (first.tickets_added, first.events_added) == (len(logs), len(rows))
    assert again.already_imported
    assert (overlap.tickets_added, overlap.events_added) == (0, 0)
    assert overlap.tickets_skipped == len(logs)
    assert counts == {"imports": 2, "tickets": len(logs), "events": len(rows)}


@pytest.mark.shared_data
def test_the_uci_event_log_imports_completely(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "uci-incident-event-log" / "incident_event_log.csv.gz"
    batch = import_servicenow_events(path)
    assert (batch.ticket_count, batch.event_count) == (24_918, 141_712)
    tickets = batch.tickets_frame.set_index("id")
    first = tickets.loc["INC0000045"]
    assert first["opened_at"].isoformat() == "2016-02-29T01:16:00+00:00"
    assert first["closed_at"].isoformat() == "2016-03-05T12:00:00+00:00"
    assert (first["priority"], first["group"], first["tier"]) == ("P3", "Group 56", "generalist")
    assert tickets["closed_at"].notna().all()
    assert int(tickets["resolved_at"].isna().sum()) == 1_556  # closed without a resolution time
    assert (tickets["tier"] == "specialist").sum() == (tickets["reassignments"] > 0).sum()
    notes = " | ".join(batch.notes)
    assert "before their incident's opened_at: 5 in 5 incident(s)" in notes
    assert "'-100' (5)" in notes
    store = open_store(tmp_path / "uci.db")
    outcome = write_import(store, batch)
    counts = store.counts()
    store.dispose()
    assert (outcome.tickets_added, outcome.events_added) == (24_918, 141_712)
    assert counts == {"imports": 1, "tickets": 24_918, "events": 141_712}
