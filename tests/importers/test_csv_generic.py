"""The generic CSV/XLSX importer, through its Python API and through the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.domain.ticket import Tier
from deskmix.errors import ConfigError, InputError
from deskmix.importers.csv_generic import import_csv
from deskmix.store import open_store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


def test_every_mapped_field_is_parsed() -> None:
    batch = import_csv(FIXTURE / "tickets.csv", mapping_file=FIXTURE / "mapping.yaml")
    tickets = {t.id: t for t in batch.tickets()}
    assert len(tickets) == 6
    vpn = tickets["T-1002"]
    assert vpn.source_system == "helpdesk"
    assert vpn.opened_at is not None and vpn.opened_at.isoformat() == "2024-03-04T09:10:00+00:00"
    assert (vpn.impact, vpn.urgency, vpn.priority) == (1, 1, "P1")
    assert (vpn.domain, vpn.tier) == ("network", Tier.SPECIALIST)
    assert (vpn.reassignments, vpn.reopens, vpn.channel) == (1, 0, "email")
    # Explicit priority wins over impact x urgency (2 x 1 would be P2).
    assert tickets["T-1004"].priority == "P1"
    assert tickets["T-1001"].priority == "P4"  # impact 3 x urgency 2
    assert tickets["T-1005"].domain == "business_apps"  # exact value from the user's mapping
    assert tickets["T-1006"].domain == "procurement_hr"  # built-in pattern
    assert tickets["T-1003"].resolved_at is not None and tickets["T-1003"].closed_at is None


def test_summer_time_in_the_configured_zone() -> None:
    batch = import_csv(FIXTURE / "tickets.csv", mapping_file=FIXTURE / "mapping.yaml")
    # 2024-03-04 is winter time in London: UTC+0. The value is unchanged.
    assert batch.tickets_frame.loc[0, "opened_at"].isoformat() == "2024-03-04T08:55:00+00:00"


def test_unmapped_labels_are_counted_not_dropped(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("id,cat,team\n1,Plumbing,Facilities\n2,Plumbing,Facilities\n3,Hardware,L1\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {id: id, category: cat, group: team}\n")
    batch = import_csv(data, mapping_file=mapping)
    assert batch.ticket_count == 3
    assert batch.unmapped["domain"] == {"Plumbing": 2}
    assert batch.unmapped["tier"] == {"Facilities": 2}


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    frame = pd.read_csv(FIXTURE / "tickets.csv", dtype=str, keep_default_na=False)
    workbook = tmp_path / "tickets.xlsx"
    frame.to_excel(workbook, index=False)
    from_xlsx = import_csv(workbook, mapping_file=FIXTURE / "mapping.yaml").tickets_frame
    from_csv = import_csv(FIXTURE / "tickets.csv", mapping_file=FIXTURE / "mapping.yaml")
    pd.testing.assert_frame_equal(from_xlsx, from_csv.tickets_frame)


def test_mapping_to_an_unknown_domain_is_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("domain: {by: category, values: {Hardware: plumbing}}\n")
    with pytest.raises(ConfigError, match="unknown domain 'plumbing'"):
        import_csv(FIXTURE / "tickets.csv", mapping_file=mapping)


def _bad(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "bad.csv"
    path.write_bytes(body)
    return path


HEADER = b"Ticket,Opened,Resolved,Summary,Category,Priority,Team\n"
CASES = {
    "missing column": (
        b"Ticket,Opened,Summary\nT1,2024-01-01 10:00,x\n",
        r"bad\.csv, row 1, field 'Resolved': missing column 'Resolved'",
    ),
    "unparseable date": (
        HEADER + b"T1,2024-01-01 10:00,,a,Hardware,P3,SD\nT2,31/31/2024,,b,Hardware,P3,SD\n",
        r"row 3, field 'Opened': unparseable date \(got '31/31/2024'\); expected",
    ),
    "resolved before opened": (
        HEADER + b"T1,2024-01-02 10:00,2024-01-01 10:00,a,Hardware,P3,SD\n",
        r"row 2, field 'Resolved': resolved_at is before opened_at",
    ),
    "unknown priority": (
        HEADER + b"T1,2024-01-02 10:00,,a,Hardware,Sev Z,SD\n",
        r"row 2, field 'Priority': unknown priority \(got 'Sev Z'\); expected P1\.\.P5",
    ),
    "empty file": (b"", r"bad\.csv: file is empty"),
    "header only": (HEADER, r"header but no data rows"),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary file"),
    "wrong encoding": (
        HEADER + b"T1,2024-01-02 10:00,,caf\xe9 machine,Hardware,P3,SD\n",
        r"row 2: byte 0xe9 .* is not valid utf-8.*--encoding latin-1",
    ),
    "duplicate id": (
        HEADER + b"T1,2024-01-02 10:00,,a,Hardware,P3,SD\nT1,2024-01-02 11:00,,b,Hardware,P3,SD\n",
        r"row 3, field 'Ticket': ticket id appears more than once",
    ),
}
MAPPING = (
    "columns: {id: Ticket, opened_at: Opened, resolved_at: Resolved, title: Summary, "
    "category: Category, priority: Priority, group: Team}\n"
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(tmp_path: Path, case: str) -> None:
    body, pattern = CASES[case]
    data = _bad(tmp_path, body)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING)
    db = tmp_path / "store.db"
    # Something is already stored: it must survive the failed import untouched.
    good = tmp_path / "good.csv"
    shutil.copy(FIXTURE / "tickets.csv", good)
    runner = CliRunner()
    ok = runner.invoke(
        app, ["import", "csv", str(good), "-m", str(FIXTURE / "mapping.yaml"), "--db", str(db)]
    )
    assert ok.exit_code == 0, ok.output
    result = runner.invoke(app, ["import", "csv", str(data), "-m", str(mapping), "--db", str(db)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    import re

    assert re.search(pattern, " ".join(lines[0].split())), lines[0]
    store = open_store(db)
    assert store.counts() == {"imports": 1, "tickets": 6, "events": 0}
    store.dispose()


def test_encoding_option_reads_latin_1(tmp_path: Path) -> None:
    data = _bad(tmp_path, HEADER + b"T1,2024-01-02 10:00,,caf\xe9 machine,Hardware,P3,SD\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING)
    batch = import_csv(data, mapping_file=mapping, encoding="latin-1")
    assert batch.tickets_frame.loc[0, "title"] == "café machine"


def test_reimport_through_the_cli_says_nothing_was_added(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["import", "csv", str(FIXTURE / "tickets.csv"), "-m", str(FIXTURE / "mapping.yaml")]
    args += ["--db", str(tmp_path / "s.db")]
    first = runner.invoke(app, args)
    assert "6 tickets" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0
    assert "already imported" in second.output


ticket_rows = st.lists(
    st.tuples(
        st.datetimes(
            min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
            max_value=pd.Timestamp("2050-01-01").to_pydatetime(),
        ),
        st.integers(0, 10_000),
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30),
        st.sampled_from(["P1", "P2", "P3", "P4", "P5"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ticket_rows)
def test_any_well_formed_export_round_trips(tmp_path: Path, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    frame = pd.DataFrame(
        {
            "id": [f"T{i}" for i in range(len(rows))],
            "opened": [r[0].strftime("%Y-%m-%d %H:%M") for r in rows],
            "resolved": [
                (r[0] + pd.Timedelta(minutes=r[1])).strftime("%Y-%m-%d %H:%M") for r in rows
            ],
            "title": [r[2] for r in rows],
            "priority": [r[3] for r in rows],
        }
    )
    path = tmp_path / "gen.csv"
    frame.to_csv(path, index=False)
    mapping = tmp_path / "gen.yaml"
    mapping.write_text(
        "missing: []\ncolumns: {id: id, opened_at: opened, resolved_at: resolved, "
        "title: title, priority: priority}\n"
    )
    batch = import_csv(path, mapping_file=mapping)
    out = batch.tickets_frame
    assert out["id"].tolist() == frame["id"].tolist()
    assert out["priority"].tolist() == frame["priority"].tolist()
    assert (out["resolved_at"] >= out["opened_at"]).all()
    expected_titles = [t.strip() or None for t in frame["title"]]
    got_titles = [None if pd.isna(t) else t for t in out["title"]]
    assert got_titles == expected_titles


def test_error_messages_carry_their_location() -> None:
    error = InputError("bad", file="/x/y.csv", row=3, field="f", value="v", expected="w")
    assert str(error) == "y.csv, row 3, field 'f': bad (got 'v'); expected w"


def test_fixing_a_mapping_and_importing_again_with_replace(tmp_path: Path) -> None:
    """The documented workflow: import, see unmapped labels, fix the mapping, import again."""
    data = tmp_path / "t.csv"
    data.write_text("id,cat\n1,Plumbing\n2,Hardware\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {id: id, category: cat}\n")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    first = runner.invoke(app, ["import", "csv", str(data), "-m", str(mapping), "--db", db])
    assert first.exit_code == 0 and "Plumbing" in first.output
    mapping.write_text(
        "columns: {id: id, category: cat}\ndomain: {by: category, values: {Plumbing: end_user}}\n"
    )
    kept = runner.invoke(app, ["import", "csv", str(data), "-m", str(mapping), "--db", db])
    assert kept.exit_code == 0
    assert "2 tickets already stored were kept" in " ".join(kept.output.split())
    again = runner.invoke(
        app, ["import", "csv", str(data), "-m", str(mapping), "--db", db, "--replace"]
    )
    assert again.exit_code == 0, again.output
    store = open_store(db)
    try:
        from sqlalchemy import select

        from deskmix.store.models import TicketRow

        with store.session() as session:
            domains = dict(session.execute(select(TicketRow.key, TicketRow.domain)).all())
        assert domains == {"1": "end_user", "2": "end_user"}
        assert store.counts()["tickets"] == 2
    finally:
        store.dispose()


def test_the_csv_source_needs_a_mapping(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", "csv", str(FIXTURE / "tickets.csv"), "--db", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 2
    assert "needs --mapping" in result.stderr


def test_labels_that_look_like_markup_are_shown_verbatim(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("id,cat,prio\n1,[/x] odd,P3\n2,[legacy] Widgets,P3\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {id: id, category: cat, priority: prio}\n")
    result = CliRunner().invoke(
        app,
        ["import", "csv", str(data), "-m", str(mapping), "--db", str(tmp_path / "s.db")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "[legacy] Widgets" in result.output and "[/x] odd" in result.output
    data.write_text("id,cat,prio\n1,a,[/x]\n")
    bad = CliRunner().invoke(
        app, ["import", "csv", str(data), "-m", str(mapping), "--db", str(tmp_path / "t.db")]
    )
    assert bad.exit_code == 2
    assert "'[/x]'" in bad.stderr
