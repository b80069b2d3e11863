"""The ServiceNow incident importer: list exports (CSV, XLSX), Table API JSON, the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.domain.ticket import Ticket, Tier
from deskmix.errors import ConfigError, InputError
from deskmix.importers.servicenow import import_servicenow
from deskmix.importers.writer import write_import
from deskmix.store import Store, open_store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "servicenow"
REPO = Path(__file__).resolve().parent.parent.parent
ASSIGNMENT_MAPPING = REPO / "examples" / "mappings" / "servicenow-assignment.yaml"


def _by_id(path: Path, mapping: Path | None = None) -> dict[str, Ticket]:
    return {t.id: t for t in import_servicenow(path, mapping_file=mapping).tickets()}


def test_list_export_with_system_names_parses_every_field() -> None:
    tickets = _by_id(FIXTURE / "incidents.csv")
    assert len(tickets) == 6
    reset = tickets["INC0010001"]
    assert reset.opened_at is not None and reset.closed_at is not None
    assert reset.opened_at.isoformat() == "2024-03-04T09:10:00+00:00"
    assert reset.closed_at.isoformat() == "2024-03-07T10:00:00+00:00"
    assert reset.title == "Password reset for j.doe"
    # Excel's escaped carriage return becomes a line break again.
    assert reset.description == "User locked out after holiday.\nReset in AD."
    assert (reset.priority, reset.impact, reset.urgency) == ("P4", 3, 2)
    assert (reset.group, reset.assignee, reset.resolver) == (
        "Service Desk",
        "Beth Anglin",
        "Beth Anglin",
    )
    assert (reset.channel, reset.category, reset.source_system) == (
        "Phone",
        "Inquiry / Help",
        "servicenow",
    )
    sap = tickets["INC0010003"]
    assert (sap.priority, sap.reassignments, sap.reopens) == ("P1", 2, 1)
    assert sap.resolved_at is None and sap.assignee is None
    # No priority given: ITIL impact 2 x urgency 3.
    assert tickets["INC0010004"].priority == "P4"


def test_default_mapping_gives_domains_and_tiers_and_reports_the_rest() -> None:
    batch = import_servicenow(FIXTURE / "incidents.csv")
    got = {t.id: (t.domain, t.tier.value if t.tier else None) for t in batch.tickets()}
    assert got == {
        "INC0010001": ("end_user", "generalist"),  # Inquiry / Help, Service Desk
        "INC0010002": ("network", "specialist"),  # Network, Network L2
        "INC0010003": ("end_user", "specialist"),  # Software, SAP Basis
        "INC0010004": ("end_user", "generalist"),  # Hardware, Desktop Support
        "INC0010005": ("data_db", "specialist"),  # Database, Database Team
        "INC0010006": (None, None),  # Facilities, Facilities Desk: nobody guesses
    }
    assert batch.unmapped == {"domain": {"Facilities": 1}, "tier": {"Facilities Desk": 1}}


def test_display_label_headers_are_found_and_missing_columns_reported() -> None:
    batch = import_servicenow(FIXTURE / "incidents_labels.csv")
    outlook, share = list(batch.tickets())
    assert outlook.id == "INC0020001"
    assert outlook.opened_at is not None
    assert outlook.opened_at.isoformat() == "2024-05-02T08:15:00+00:00"
    assert (outlook.title, outlook.channel, outlook.priority) == (
        "Outlook keeps crashing",
        "Phone",
        "P3",
    )
    assert (share.group, share.tier, share.resolved_at) == ("Network L2", Tier.SPECIALIST, None)
    assert any("closed_at (closed_at)" in note for note in batch.notes)


def test_header_case_and_spacing_do_not_matter(tmp_path: Path) -> None:
    data = tmp_path / "odd.csv"
    data.write_text(
        "NUMBER, Short_Description ,ASSIGNMENT GROUP,Opened On\n"
        "INC1,Mouse broken,Service Desk,2024-01-02 10:00:00\n"
    )
    (ticket,) = import_servicenow(data).tickets()
    assert (ticket.id, ticket.title, ticket.group) == ("INC1", "Mouse broken", "Service Desk")
    assert ticket.opened_at is not None and ticket.opened_at.hour == 10


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    frame = pd.read_csv(FIXTURE / "incidents.csv", dtype=str, keep_default_na=False)
    workbook = tmp_path / "incidents.xlsx"
    frame.to_excel(workbook, index=False)
    from_xlsx = import_servicenow(workbook).tickets_frame
    from_csv = import_servicenow(FIXTURE / "incidents.csv").tickets_frame
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


def test_table_api_json_without_display_values() -> None:
    batch = import_servicenow(FIXTURE / "table_api.json")
    mfa, backup = list(batch.tickets())
    assert mfa.opened_at is not None
    assert mfa.opened_at.isoformat() == "2024-06-03T07:30:00+00:00"
    assert (mfa.priority, mfa.impact, mfa.urgency) == ("P4", 3, 2)
    assert (mfa.domain, mfa.channel) == ("accounts_access", "phone")
    assert backup.domain == "data_db" and backup.description is None
    # References without display values are sys_ids: kept, unmapped, and explained.
    assert mfa.group == "d625dccec0a8016700a222a0f7900d06"
    assert batch.unmapped["tier"] == {
        "d625dccec0a8016700a222a0f7900d06": 1,
        "287ee6fea9fe198100ada7950d0b1b73": 1,
    }
    assert any("sysparm_display_value=all" in note for note in batch.notes)


def test_table_api_json_with_display_values_takes_utc_dates_and_names(tmp_path: Path) -> None:
    # The user's list exports are in Paris time; the API's date values are UTC regardless.
    mapping = tmp_path / "m.yaml"
    mapping.write_text("dates: {timezone: Europe/Paris}\n")
    batch = import_servicenow(FIXTURE / "table_api_display.json", mapping_file=mapping)
    mfa, backup = list(batch.tickets())
    assert mfa.opened_at is not None
    assert mfa.opened_at.isoformat() == "2024-06-03T07:30:00+00:00"
    assert (mfa.group, mfa.assignee, mfa.tier) == ("Service Desk", "Beth Anglin", Tier.GENERALIST)
    assert (mfa.category, mfa.domain, mfa.priority) == ("Password Reset", "accounts_access", "P4")
    assert (backup.group, backup.tier, backup.assignee) == (
        "Database Team",
        Tier.SPECIALIST,
        None,
    )
    assert batch.unmapped == {}


def test_json_is_recognised_by_content_without_a_json_suffix(tmp_path: Path) -> None:
    export = tmp_path / "incidents.export"
    shutil.copy(FIXTURE / "table_api_display.json", export)
    assert import_servicenow(export).ticket_count == 2


def test_export_without_numbers_gets_stable_content_ids(tmp_path: Path) -> None:
    data = tmp_path / "assignment.csv"
    data.write_text(
        "Short description,Description,Caller,Assignment group\n"
        'login issue,"-verified user._x000D_\n-reset password.",spxjnwir pjlcoqds,GRP_0\n'
        'outlook,"hello team._x000D_\nmy meetings are gone.",hmjdrvpb komuaywn,GRP_5\n'
        'login issue,"-verified user._x000D_\n-reset password.",spxjnwir pjlcoqds,GRP_0\n'
    )
    batch = import_servicenow(data, mapping_file=ASSIGNMENT_MAPPING)
    frame = batch.tickets_frame
    assert frame["id"].is_unique and len(frame) == 3  # identical rows stay two tickets
    assert frame["id"].tolist() == import_servicenow(data).tickets_frame["id"].tolist()
    assert frame.loc[0, "description"] == "-verified user.\n-reset password."
    assert frame["tier"].tolist() == ["generalist", "specialist", "generalist"]
    assert frame["domain"].isna().all()
    assert batch.unmapped == {"domain": {"GRP_0": 2, "GRP_5": 1}}
    assert frame["opened_at"].isna().all()  # no timestamps in the file, none invented


def test_a_column_the_user_names_must_exist(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {title: Summary}\n")
    with pytest.raises(InputError, match=r"field 'Summary': missing column 'Summary'"):
        import_servicenow(FIXTURE / "incidents.csv", mapping_file=mapping)


def test_mapping_to_an_unknown_tier_is_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tier: {by: group, values: {Service Desk: tier1}}\n")
    with pytest.raises(ConfigError, match="unknown tier 'tier1'"):
        import_servicenow(FIXTURE / "incidents.csv", mapping_file=mapping)


HEADER = b"number,opened_at,resolved_at,short_description,priority,assignment_group\n"
BAD = {
    "no incident columns": (
        "bad.csv",
        b"foo,bar\n1,2\n",
        r"bad\.csv, row 1: no ServiceNow incident columns found",
    ),
    "unparseable date": (
        "bad.csv",
        HEADER + b"INC1,2024-01-01 10:00,,a,P3,SD\nINC2,31/31/2024,,b,P3,SD\n",
        r"row 3, field 'opened_at': unparseable date \(got '31/31/2024'\)",
    ),
    "resolved before opened": (
        "bad.csv",
        HEADER + b"INC1,2024-01-02 10:00,2024-01-01 10:00,a,P3,SD\n",
        r"row 2, field 'resolved_at': resolved_at is before opened_at",
    ),
    "unknown priority": (
        "bad.csv",
        HEADER + b"INC1,2024-01-02 10:00,,a,Sev Z,SD\n",
        r"row 2, field 'priority': unknown priority \(got 'Sev Z'\)",
    ),
    "duplicate number": (
        "bad.csv",
        HEADER + b"INC1,2024-01-02 10:00,,a,P3,SD\nINC1,2024-01-02 11:00,,b,P3,SD\n",
        r"row 3, field 'number': ticket id appears more than once",
    ),
    "not utf-8": (
        "bad.csv",
        HEADER + b"INC1,2024-01-02 10:00,,caf\xe9,P3,SD\n",
        r"row 2: byte 0xe9 .* is not valid utf-8",
    ),
    "empty file": ("bad.csv", b"", r"bad\.csv: file is empty"),
    "binary file": ("bad.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary file"),
    "json without result": (
        "bad.json",
        b'{"error": {"message": "User Not Authenticated"}}',
        r"bad\.json, field 'result': the file has no 'result' list \(its keys: error\)",
    ),
    "json record not an object": (
        "bad.json",
        b'{"result": [{"number": "INC1"}, 42]}',
        r"row 2, field 'result': entry of 'result' is a JSON int",
    ),
    "broken json": ("bad.json", b'{"result": [', r"bad\.json.*not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_an_input_error_naming_where(tmp_path: Path, case: str) -> None:
    name, body, pattern = BAD[case]
    path = tmp_path / name
    path.write_bytes(body)
    with pytest.raises(InputError) as raised:
        import_servicenow(path)
    assert re.search(pattern, str(raised.value)), str(raised.value)


def test_cli_imports_then_refuses_bad_input_in_one_line_writing_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    runner = CliRunner()
    args = ["import", "servicenow", str(FIXTURE / "incidents.csv"), "--db", str(db)]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "6 tickets" in ok.output
    assert "Facilities" in ok.output  # the unmapped labels are shown
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already imported" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(HEADER + b"INC9,2024-01-02 10:00,,a,Sev Z,SD\n")
    failed = runner.invoke(app, ["import", "servicenow", str(bad), "--db", str(db)])
    assert failed.exit_code == 2
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown priority" in lines[0]
    store = open_store(db)
    assert store.counts() == {"imports": 1, "tickets": 6, "events": 0}
    store.dispose()


def test_json_and_csv_round_trip_through_the_store(store: Store) -> None:
    write_import(store, import_servicenow(FIXTURE / "table_api_display.json"))
    write_import(store, import_servicenow(FIXTURE / "incidents.csv"))
    assert store.counts() == {"imports": 2, "tickets": 8, "events": 0}
    from sqlalchemy import select

    from deskmix.store.models import TicketRow

    with store.session() as session:
        row = session.scalars(select(TicketRow).where(TicketRow.key == "INC0040001")).one()
    assert row.opened_at is not None and row.opened_at.isoformat() == "2024-06-03T07:30:00+00:00"
    assert (row.group, row.tier, row.domain) == ("Service Desk", "generalist", "accounts_access")


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["input_data.csv", "input_data.xlsx"])
def test_the_assignment_dataset_imports_completely(shared_data: Path, name: str) -> None:
    path = shared_data / "servicenow-ticket-assignment" / name
    batch = import_servicenow(path, mapping_file=ASSIGNMENT_MAPPING)
    frame = batch.tickets_frame
    assert len(frame) == 8500 and frame["id"].is_unique
    assert frame["tier"].value_counts().to_dict() == {"specialist": 4524, "generalist": 3976}
    assert len(batch.unmapped["domain"]) == 74  # every group, reported, not guessed
    assert not frame["description"].str.contains("_x000D_", regex=False).any()


@pytest.mark.shared_data
def test_csv_and_xlsx_of_the_assignment_sheet_are_the_same_tickets(
    shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "servicenow-ticket-assignment"
    store = open_store(tmp_path / "s.db")
    first = write_import(store, import_servicenow(folder / "input_data.csv"))
    second = write_import(store, import_servicenow(folder / "input_data.xlsx"))
    store.dispose()
    assert (first.tickets_added, second.tickets_added, second.tickets_skipped) == (8500, 0, 8500)
