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
