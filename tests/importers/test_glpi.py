"""GLPI: REST API JSON (items, sub-items, task durations) and the search list's CSV export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from deskmix.errors import ConfigError, InputError
from deskmix.importers import read_source
from deskmix.importers.glpi import import_glpi
from deskmix.importers.writer import write_import
from deskmix.store import Store
from deskmix.store.models import TicketRow


@pytest.fixture
def api_export(fixtures_dir: Path) -> Path:
    return fixtures_dir / "glpi" / "tickets.json"


@pytest.fixture
def csv_export(fixtures_dir: Path) -> Path:
    return fixtures_dir / "glpi" / "tickets.csv"


def _by_id(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["id"]): r for r in frame.to_dict("records")}


def _ticket(number: int = 1, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": number,
        "name": "t",
        "date": "2024-05-06 09:00:00",
        "date_mod": "2024-05-06 10:00:00",
        "status": 2,
        "urgency": 3,
        "impact": 3,
        "priority": 3,
    }
    base.update(fields)
    return base


def _write(folder: Path, data: object, name: str = "tickets.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def test_api_items_with_sub_items_and_codes(api_export: Path) -> None:
    batch = import_glpi(api_export)
    assert (batch.ticket_count, batch.rows_read, batch.event_count) == (3, 3, 0)
    t = _by_id(batch.tickets_frame)
    mail = t["11"]
    assert mail["opened_at"] == pd.Timestamp("2024-05-06T09:05:00Z")
    assert mail["resolved_at"] == pd.Timestamp("2024-05-06T13:05:00Z")  # solvedate
    assert mail["closed_at"] == pd.Timestamp("2024-05-06T15:00:00Z")  # closedate
    # urgency 5 (very high) -> 1, impact 4 (high) -> 1, priority 5 (very high) -> P1
    assert (mail["urgency"], mail["impact"], mail["priority"]) == (1, 1, "P1")
    # the assigned (type 2) technician and group, not the requester (type 1)
    assert (mail["assignee"], mail["group"], mail["resolver"]) == (
        "Omar Haddad",
        "Infrastructure",
        "Omar Haddad",
    )
    assert (mail["domain"], mail["tier"], mail["channel"]) == ("cloud_infra", "specialist", "Phone")
    reset = t["12"]
    assert (reset["urgency"], reset["impact"], reset["priority"]) == (2, 3, "P3")
    assert (reset["domain"], reset["tier"]) == ("accounts_access", "generalist")
    toner = t["13"]
    assert (toner["urgency"], toner["impact"], toner["priority"]) == (3, 3, "P5")
    assert pd.isna(toner["assignee"]) and pd.isna(toner["resolved_at"])
    assert any("2 of 3 tickets have task durations" in n for n in batch.notes)
    # worked time: the tasks' 5400 + 3600 s (not the ticket's own 9000, counted once), the
    # ticket's actiontime without tasks, and nothing for 0 (nothing recorded)
    assert (mail["worked_hours"], reset["worked_hours"]) == (2.5, 0.25)
    assert pd.isna(toner["worked_hours"])


def test_worked_hours_reach_the_store(sqlite_store: Store, api_export: Path) -> None:
    write_import(sqlite_store, read_source("glpi", api_export))
    with sqlite_store.session() as session:
        rows = session.execute(select(TicketRow.key, TicketRow.worked_hours)).all()
    stored = {str(key): hours for key, hours in rows}
    assert stored == {"11": 2.5, "12": 0.25, "13": None}


def test_csv_export_reads_like_the_api(csv_export: Path) -> None:
    batch = read_source("glpi", csv_export)
    assert (batch.ticket_count, batch.rows_read) == (3, 3)
    assert batch.notes[0] == "read as semicolon-delimited (detected from the header)"
    t = _by_id(batch.tickets_frame)
    vpn = t["21"]
    assert vpn["opened_at"] == pd.Timestamp("2024-05-08T08:30:00Z")
    assert vpn["resolved_at"] == pd.Timestamp("2024-05-08T11:00:00Z")
    assert (vpn["priority"], vpn["urgency"], vpn["impact"]) == ("P2", 1, 2)
    assert (vpn["assignee"], vpn["group"], vpn["domain"], vpn["tier"]) == (
        "Omar Haddad",
        "Network team",
        "network",
        "specialist",
    )
    erp = t["23"]
    assert (erp["priority"], erp["urgency"], erp["impact"]) == ("P1", 1, 1)  # Major; Very high
    assert (erp["domain"], erp["tier"]) == ("business_apps", "specialist")  # Applications N2
    assert pd.isna(t["22"]["resolved_at"]) and pd.isna(t["22"]["resolver"])
    assert batch.tickets_frame["worked_hours"].isna().all()  # the list export has no tasks


def test_the_level_rule_over_the_whole_scale(tmp_path: Path) -> None:
    tickets = [_ticket(n, urgency=n, impact=n, priority=n) for n in range(1, 6)]
    tickets.append(_ticket(6, urgency=5, impact=5, priority=6))
    t = _by_id(import_glpi(_write(tmp_path, tickets)).tickets_frame)
    assert [t[str(n)]["urgency"] for n in range(1, 7)] == [3, 3, 2, 1, 1, 1]
    assert [t[str(n)]["impact"] for n in range(1, 7)] == [3, 3, 2, 1, 1, 1]
    assert [t[str(n)]["priority"] for n in range(1, 7)] == ["P5", "P4", "P3", "P2", "P1", "P1"]


def test_top_level_sub_items_belong_to_their_tickets(tmp_path: Path) -> None:
    data = {
        "Ticket": [_ticket(1), _ticket(2)],
        "TicketTask": [
            {"id": 1, "tickets_id": 1, "actiontime": 1800},
            {"id": 2, "tickets_id": 1, "actiontime": 1800},
        ],
        "Ticket_User": [{"id": 3, "tickets_id": 2, "users_id": "Ana Lopez", "type": 2}],
        "Group_Ticket": [{"id": 4, "tickets_id": 2, "groups_id": "Service Desk", "type": 2}],
    }
    batch = import_glpi(_write(tmp_path, data))
    t = _by_id(batch.tickets_frame)
    assert (t["2"]["assignee"], t["2"]["group"], t["2"]["tier"]) == (
        "Ana Lopez",
        "Service Desk",
        "generalist",
    )
    assert pd.isna(t["1"]["assignee"])
    assert any("1 of 2 tickets have task durations" in n for n in batch.notes)


def test_one_item_is_an_export(tmp_path: Path) -> None:
    assert import_glpi(_write(tmp_path, _ticket(5))).ticket_count == 1


def test_a_level_rule_the_mapping_names_must_be_a_level(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("levels: {Very high: 4}\n")
    with pytest.raises(ConfigError, match="levels"):
        import_glpi(_write(tmp_path, [_ticket()]), mapping_file=mapping)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"Tickets": []}, "Ticket", "no Ticket items"),
        ({"Ticket": {"id": 1}}, "Ticket", "not a list"),
        ([], "Ticket", "holds no tickets"),
        ([[1, 2]], "Ticket", "not an object"),
        ([_ticket(id=None)], "id", "no id"),
        ([_ticket(date=None)], "date", "ticket 1: no opening date"),
        ([_ticket(date="6 May")], "date", "unparseable date"),
        ([_ticket(priority=9)], "priority", "unknown priority"),
        ([_ticket(urgency=7)], "urgency", "unknown urgency"),
        ([_ticket(name={"a": 1})], "name", "a JSON object"),
        ([_ticket(solvedate="2024-05-01 00:00:00")], "solvedate", "before opened_at"),
        ([_ticket(), _ticket()], "id", "more than once"),
        ([_ticket(actiontime=-60)], "actiontime", "whole seconds"),
        ([_ticket(actiontime="1h")], "actiontime", "whole seconds"),
        ([_ticket(TicketTask=[{"actiontime": 1.5}])], "TicketTask.actiontime", "whole seconds"),
        ([_ticket(TicketTask={"actiontime": 60})], "TicketTask", "not a list"),
        ([_ticket(TicketTask=["x"])], "TicketTask", "not an object"),
        ({"Ticket": [_ticket()], "TicketTask": [{"actiontime": 60}]}, "TicketTask.tickets_id", ""),
        ({"Ticket": [_ticket()], "TicketTask": {"a": 1}}, "TicketTask", "not a list"),
        (
            [_ticket(Ticket_User=[{"type": 2, "users_id": ["a"]}])],
            "Ticket_User.users_id",
            "a JSON list",
        ),
    ],
)
def test_bad_api_input_is_refused_in_one_line(
    tmp_path: Path, data: object, field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        import_glpi(_write(tmp_path, data))
    text = str(caught.value)
    assert words in text and f"field '{field}'" in text and "\n" not in text
    assert "tickets.json" in text


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("Title;Opening date\nx;2024-05-08 08:00\n", "id", "missing column"),
        ("ID;Title\n1;x\n", "opening date", "missing column"),
        ("ID;Opening date;Priority\n1;2024-05-08 08:00;Soonish\n", "Priority", "row 2"),
        ("ID;Opening date;Urgency\n1;2024-05-08 08:00;Huge\n", "Urgency", "unknown urgency"),
        ("ID;Opening date\n1;tomorrow\n", "Opening date", "unparseable date"),
        ("ID;Opening date\n1;2024-05-08\n1;2024-05-09\n", "ID", "more than once"),
    ],
)
def test_bad_csv_input_is_refused_in_one_line(
    tmp_path: Path, body: str, field: str, words: str
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        import_glpi(path)
    text = str(caught.value)
    assert words in text and f"field '{field}'" in text and "\n" not in text


@pytest.mark.parametrize("name", ["tickets.json", "tickets.csv"])
def test_import_is_one_transaction_and_repeats_add_nothing(
    store: Store, fixtures_dir: Path, name: str
) -> None:
    path = fixtures_dir / "glpi" / name
    first = write_import(store, read_source("glpi", path))
    again = write_import(store, read_source("glpi", path))
    with store.session() as session:
        count = session.scalar(select(func.count()).select_from(TicketRow))
    assert count == 3 and first.tickets_added == 3 and again.tickets_added == 0
