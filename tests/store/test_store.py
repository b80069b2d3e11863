"""The store on SQLite and PostgreSQL: schema from migrations, transactions, idempotent imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from deskmix.errors import StoreError
from deskmix.importers.csv_generic import import_csv
from deskmix.importers.writer import write_import
from deskmix.store import Store, open_store
from deskmix.store.db import normalise_db_url
from deskmix.store.models import Base, TicketRow

CSV = """Number,Opened,Resolved,Summary,Category,Priority,Group
INC1,2024-01-02 09:00,2024-01-02 10:30,Printer jam,Hardware,P3,Service Desk L1
INC2,2024-01-02 09:30+01:00,2024-01-03 11:00+01:00,VPN down,Network,1 - Critical,Network L2
"""
MAPPING = (
    "columns: {id: Number, opened_at: Opened, resolved_at: Resolved, title: Summary, "
    "category: Category, priority: Priority, group: Group}\n"
)


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "tickets.csv"
    data.write_text(CSV)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    return data, mapping


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_import_round_trips_timezone_aware_utc(store: Store, sample: tuple[Path, Path]) -> None:
    batch = import_csv(sample[0], mapping_file=sample[1])
    outcome = write_import(store, batch)
    assert (outcome.tickets_added, outcome.already_imported) == (2, False)
    with store.session() as session:
        rows = session.scalars(select(TicketRow).order_by(TicketRow.key)).all()
    by_key = {r.key: r for r in rows}
    assert by_key["INC2"].opened_at.isoformat() == "2024-01-02T08:30:00+00:00"
    assert by_key["INC2"].priority == "P1"
    assert by_key["INC1"].domain == "end_user"
    assert by_key["INC2"].domain == "network"
    assert by_key["INC2"].tier == "specialist"


def test_reimport_of_the_same_file_adds_nothing(store: Store, sample: tuple[Path, Path]) -> None:
    write_import(store, import_csv(sample[0], mapping_file=sample[1]))
    second = write_import(store, import_csv(sample[0], mapping_file=sample[1]))
    assert second.already_imported
    assert store.counts() == {"imports": 1, "tickets": 2, "events": 0}


def test_overlapping_export_keeps_stored_tickets(
    store: Store, sample: tuple[Path, Path], tmp_path: Path
) -> None:
    write_import(store, import_csv(sample[0], mapping_file=sample[1]))
    overlap = tmp_path / "later.csv"
    overlap.write_text(
        CSV.splitlines()[0]
        + "\nINC2,2024-01-02 09:30,,changed title,Network,P2,Network L2"
        + "\nINC3,2024-01-04 09:30,,new,Hardware,P4,Service Desk L1\n"
    )
    outcome = write_import(store, import_csv(overlap, mapping_file=sample[1]))
    assert (outcome.tickets_added, outcome.tickets_skipped) == (1, 1)
    with store.engine.connect() as conn:
        title = conn.scalar(select(TicketRow.title).where(TicketRow.key == "INC2"))
    assert title == "VPN down"
    assert store.counts()["tickets"] == 3


def test_failed_write_leaves_the_store_as_it_was(store: Store, sample: tuple[Path, Path]) -> None:
    write_import(store, import_csv(sample[0], mapping_file=sample[1]))
    before = store.counts()
    batch = import_csv(sample[0], mapping_file=sample[1])
    batch.file_hash = "another-file"
    # A title too long for nothing but a type PostgreSQL and SQLite both reject: a bad tier enum
    # is not enforced, so break the write with a NULL in a NOT NULL column instead.
    batch.tickets_frame.loc[:, "source_system"] = None
    batch.tickets_frame.loc[:, "id"] = ["NEW1", "NEW2"]
    with pytest.raises(Exception):  # noqa: B017 - any database error must roll back
        write_import(store, batch)
    assert store.counts() == before


def test_reopening_a_store_keeps_its_data(tmp_path: Path, sample: tuple[Path, Path]) -> None:
    path = tmp_path / "keep.db"
    first = open_store(path)
    write_import(first, import_csv(sample[0], mapping_file=sample[1]))
    first.dispose()
    again = open_store(path)
    assert again.counts()["tickets"] == 2
    again.dispose()


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_db_urls_accept_paths_and_short_postgres_urls(tmp_path: Path) -> None:
    assert normalise_db_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert normalise_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_an_older_store_is_upgraded_in_place_without_loss(
    tmp_path: Path, sample: tuple[Path, Path]
) -> None:
    from alembic import command
    from sqlalchemy import create_engine, inspect, text

    from deskmix.store.db import _alembic_config

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a store as the first release left it
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(
            text(
                "INSERT INTO imports (source, file_name, file_hash, imported_at, rows_read, "
                "tickets_added, events_added, tickets_skipped, report) VALUES "
                "('csv', 'old.csv', 'abc', '2024-01-01 00:00:00', 1, 1, 0, 0, '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tickets (import_id, source_system, key, title) "
                "VALUES (1, 'csv', 'OLD-1', 'kept')"
            )
        )
    engine.dispose()
    store = open_store(path)
    assert store.counts() == {"imports": 1, "tickets": 1, "events": 0}
    columns = {c["name"] for c in inspect(store.engine).get_columns("imports")}
    assert "mapping_hash" in columns
    write_import(store, import_csv(sample[0], mapping_file=sample[1]))
    assert store.counts()["tickets"] == 3
    store.dispose()


def test_a_failed_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    path = tmp_path / "broken.db"
    store = open_store(path, migrate=False)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE agents (id INTEGER PRIMARY KEY)")  # in the way
    store.dispose()
    with pytest.raises(StoreError, match="table agents already exists"):
        open_store(path)
    again = open_store(path, migrate=False)
    assert inspect(again.engine).get_table_names() == ["agents"]  # no half-made tables
    again.dispose()
