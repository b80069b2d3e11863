"""Freshservice: API v2 JSON (pages, plain lists, one ticket with stats) and the CSV export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from deskmix.errors import InputError
from deskmix.importers import read_source
from deskmix.importers.freshservice import import_freshservice
from deskmix.importers.writer import write_import
from deskmix.store import Store
from deskmix.store.models import TicketRow


@pytest.fixture
def api_export(fixtures_dir: Path) -> Path:
    return fixtures_dir / "freshservice" / "tickets.json"


@pytest.fixture
def csv_export(fixtures_dir: Path) -> Path:
    return fixtures_dir / "freshservice" / "tickets.csv"


def _by_id(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["id"]): r for r in frame.to_dict("records")}


def _ticket(number: int = 1, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": number,
        "subject": "s",
        "priority": 2,
        "status": 2,
        "source": 1,
        "created_at": "2024-03-04T08:00:00Z",
        "updated_at": "2024-03-04T09:00:00Z",
    }
    base.update(fields)
    return base


def _write(folder: Path, data: object, name: str = "tickets.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def test_api_tickets_with_codes_stats_and_sideloaded_names(api_export: Path) -> None:
    batch = import_freshservice(api_export)
    assert (batch.ticket_count, batch.rows_read, batch.event_count) == (4, 4, 0)
    t = _by_id(batch.tickets_frame)
    vpn = t["1001"]
    assert vpn["opened_at"] == pd.Timestamp("2024-03-04T08:00:00Z")
    assert vpn["resolved_at"] == pd.Timestamp("2024-03-05T09:00:00Z")  # stats.resolved_at
    assert vpn["closed_at"] == pd.Timestamp("2024-03-05T10:00:00Z")
    assert (vpn["title"], vpn["description"]) == (
        "VPN drops every hour",
        "VPN drops every hour since Monday",
    )
    # priority 3 = High -> P2; source 2 = Portal; urgency 3 = High -> 1; impact 2 -> 2
    assert (vpn["priority"], vpn["channel"], vpn["urgency"], vpn["impact"]) == (
        "P2",
        "Portal",
        1,
        2,
    )
    assert (vpn["group"], vpn["assignee"], vpn["resolver"]) == (
        "Network Team",
        "Omar Haddad",
        "Omar Haddad",
    )
    assert (vpn["domain"], vpn["tier"], vpn["category"]) == ("network", "specialist", "Network")
    assert t["1002"]["priority"] == "P1"  # 4 = Urgent
    assert t["1002"]["domain"] == "accounts_access"  # Software | Active Directory | Password
    assert (t["1003"]["priority"], t["1003"]["channel"]) == ("P4", "Email")  # 1 = Low
    assert pd.isna(t["1003"]["assignee"]) and pd.isna(t["1003"]["resolved_at"])
    assert (t["1004"]["channel"], t["1004"]["domain"]) == ("Walkup", "procurement_hr")
    assert t["1004"]["group"] == "5000100003"  # no name known: the id stays
    assert batch.unmapped == {"tier": {"5000100003": 1}}
    assert vpn["worked_hours"] == 2.0  # time entries 00:45 + 01:15
    assert pd.isna(t["1002"]["worked_hours"])  # no time entries: nothing recorded


def test_csv_export_reads_like_the_api(csv_export: Path) -> None:
    batch = import_freshservice(csv_export)
    assert (batch.ticket_count, batch.rows_read) == (3, 3)
    t = _by_id(batch.tickets_frame)
    outlook = t["2001"]
    assert outlook["opened_at"] == pd.Timestamp("2024-04-01T08:10:00Z")
    assert outlook["resolved_at"] == pd.Timestamp("2024-04-01T09:00:00Z")
    assert outlook["closed_at"] == pd.Timestamp("2024-04-03T09:00:00Z")
    assert (outlook["priority"], outlook["channel"], outlook["assignee"]) == (
        "P3",
        "Email",
        "Ana Lopez",
    )
    assert (outlook["domain"], outlook["tier"]) == ("end_user", "generalist")
    switch = t["2002"]
    assert (switch["priority"], switch["impact"], switch["urgency"]) == ("P1", 1, 1)
    assert switch["description"] == "Port 24 goes up and down,\nlogs attached"
    assert (switch["domain"], switch["tier"]) == ("network", "specialist")
    assert pd.isna(t["2003"]["assignee"]) and pd.isna(t["2003"]["resolver"])
    # "Time Tracked" (hh:mm): 00:40 and 02:30; empty is nothing recorded
    assert outlook["worked_hours"] == pytest.approx(40 / 60) and switch["worked_hours"] == 2.5
    assert pd.isna(t["2003"]["worked_hours"])


def test_csv_without_optional_columns_says_which(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Ticket Id,Subject,Created Date\n7,Mouse broken,2024-04-01 08:00:00\n")
    batch = import_freshservice(path)
    assert batch.ticket_count == 1
    assert any("fields left empty" in n and "priority (priority)" in n for n in batch.notes)


@pytest.mark.parametrize(
    "shape",
    [
        lambda ts: ts,  # a plain list of tickets
        lambda ts: [{"tickets": ts[:1]}, {"tickets": ts[1:]}],  # a list of pages
        lambda ts: {"ticket": ts[0]},  # one ticket (GET /api/v2/tickets/[id]?include=stats)
    ],
)
def test_other_api_shapes(tmp_path: Path, shape: Any) -> None:
    tickets = [_ticket(1, stats={"resolved_at": "2024-03-04T10:00:00Z"}), _ticket(2)]
    batch = import_freshservice(_write(tmp_path, shape(tickets)))
    t = _by_id(batch.tickets_frame)
    assert t["1"]["resolved_at"] == pd.Timestamp("2024-03-04T10:00:00Z")
    assert t["1"]["priority"] == "P3"  # 2 = Medium


def test_a_later_page_repeating_a_ticket_keeps_the_newest(tmp_path: Path) -> None:
    pages = [
        {"tickets": [_ticket(1, priority=1)]},
        {"tickets": [_ticket(1, priority=4, updated_at="2024-03-05T09:00:00Z")]},
    ]
    batch = import_freshservice(_write(tmp_path, pages))
    assert batch.ticket_count == 1 and batch.tickets_frame["priority"].iloc[0] == "P1"
    assert any("repeated" in n for n in batch.notes)


def test_without_stats_resolution_is_unknown_and_said(tmp_path: Path) -> None:
    batch = import_freshservice(_write(tmp_path, {"tickets": [_ticket(status=4)]}))
    assert batch.tickets_frame["resolved_at"].isna().all()
    assert any("include=stats" in n for n in batch.notes)


def test_group_names_from_the_mapping(api_export: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("groups:\n  5000100003: Onboarding L1\n")
    t = _by_id(import_freshservice(api_export, mapping_file=mapping).tickets_frame)
    assert (t["1004"]["group"], t["1004"]["tier"]) == ("Onboarding L1", "generalist")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"agents": []}, "tickets", "no 'tickets' list"),
        ({"tickets": {"id": 1}}, "tickets", "not a list"),
        ({"tickets": [[1, 2]]}, "tickets", "not an object"),
        ({"tickets": []}, "tickets", "holds no tickets"),
        ({"tickets": [_ticket(id=None)]}, "id", "no id"),
        ({"tickets": [_ticket(created_at=None)]}, "created_at", "ticket 1: no creation time"),
        ({"tickets": [_ticket(created_at="4 March")]}, "created_at", "unparseable date"),
        ({"tickets": [_ticket(priority=9)]}, "priority", "ticket 1: unknown priority"),
        ({"tickets": [_ticket(urgency=7)]}, "urgency", "unknown urgency"),
        ({"tickets": [_ticket(subject=["a"])]}, "subject", "a JSON list"),
        ({"tickets": [_ticket(stats=[1])]}, "stats", "where an object was expected"),
        (
            {"tickets": [_ticket(stats={"resolved_at": "2024-03-01T00:00:00Z"})]},
            "stats.resolved_at",
            "before opened_at",
        ),
        ({"tickets": [_ticket(), _ticket()]}, "id", "more than once"),
        ({"tickets": [_ticket()], "groups": {"id": 1}}, "groups", "not a list"),
        ({"tickets": [_ticket(time_entries={"a": 1})]}, "time_entries", "not a list"),
        (
            {"tickets": [_ticket(time_entries=[{"time_spent": "90 min"}])]},
            "time_entries.time_spent",
            "not a time spent",
        ),
        (
            {"tickets": [_ticket()], "agents": [{"id": 1, "first_name": {"x": 1}}]},
            "agents.name",
            "name that is a JSON dict",
        ),
    ],
)
def test_bad_api_input_is_refused_in_one_line(
    tmp_path: Path, data: object, field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        import_freshservice(_write(tmp_path, data))
    text = str(caught.value)
    assert words in text and f"field '{field}'" in text and "\n" not in text
    assert "tickets.json" in text


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("Subject,Created Date\nx,2024-04-01 08:00\n", "ticket id", "missing column"),
        ("Ticket Id,Subject\n1,x\n", "created date", "missing column"),
        ("Ticket Id,Created Date,Priority\n1,2024-04-01 08:00,Whenever\n", "Priority", "row 2"),
        ("Ticket Id,Created Date\n1,yesterday\n", "Created Date", "unparseable date"),
        ("Ticket Id,Created Date\n1,2024-04-01\n1,2024-04-02\n", "Ticket Id", "more than once"),
        ("Ticket Id,Created Date\n1,2024-04-01,extra\n", None, "row has 3 cells"),
        ("Ticket Id,Created Date,Time Tracked\n1,2024-04-01,1.5h\n", "Time Tracked", "row 2"),
    ],
)
def test_bad_csv_input_is_refused_in_one_line(
    tmp_path: Path, body: str, field: str | None, words: str
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        import_freshservice(path)
    text = str(caught.value)
    assert words in text and "\n" not in text and "tickets.csv" in text
    if field is not None:
        assert f"field '{field}'" in text


@pytest.mark.parametrize("name", ["tickets.json", "tickets.csv"])
def test_import_is_one_transaction_and_repeats_add_nothing(
    store: Store, fixtures_dir: Path, name: str
) -> None:
    path = fixtures_dir / "freshservice" / name
    first = write_import(store, read_source("freshservice", path))
    again = write_import(store, read_source("freshservice", path))
    with store.session() as session:
        count = session.scalar(select(func.count()).select_from(TicketRow))
        sources = set(session.scalars(select(TicketRow.source_system)))
    assert count == (4 if name.endswith("json") else 3)
    assert sources == {"freshservice"}
    assert first.tickets_added == count and again.tickets_added == 0
