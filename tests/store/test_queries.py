"""The store's named reads: selections, the API's ticket filter and pages, tokens and jobs rows,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmix.importers.csv_generic import import_csv
from deskmix.importers.writer import write_import
from deskmix.store import Store
from deskmix.store.jobs import add_job, read_job, take_job, update_held_job
from deskmix.store.queries import (
    TicketFilter,
    import_records,
    ticket_and_event_frames,
    ticket_by_number,
    ticket_counts_by_source,
    ticket_frame,
    ticket_page,
)
from deskmix.store.selection import Selection
from deskmix.store.tokens import add_token, all_tokens, live_token, revoke

CSV = """Number,Opened,Resolved,Summary,Category,Priority
INC1,2024-01-02 09:00,2024-01-02 10:30,Printer jam,Hardware,P3
INC2,2024-01-03 09:30,,VPN down,Network,1 - Critical
INC3,2024-01-04 08:00,2024-01-04 09:00,Password reset,Access,P4
"""
MAPPING = (
    "columns: {id: Number, opened_at: Opened, resolved_at: Resolved, title: Summary, "
    "category: Category, priority: Priority}\n"
)


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> tuple[Store, int]:
    data = tmp_path / "tickets.csv"
    data.write_text(CSV)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    outcome = write_import(store, import_csv(data, mapping_file=mapping))
    return store, outcome.import_id


def test_a_selection_reads_only_its_tickets(filled: tuple[Store, int]) -> None:
    store, import_id = filled
    tickets, events = ticket_and_event_frames(
        store, Selection(import_id=import_id), ("id", "key"), ("ticket_id", "seq")
    )
    assert list(tickets["key"]) == ["INC1", "INC2", "INC3"]
    assert events.empty and list(events.columns) == ["ticket_id", "seq"]
    none = ticket_frame(store, Selection(import_id=import_id + 1), ("key",))
    assert none.empty and list(none.columns) == ["key"]
    assert Selection(source_system="csv", import_id=3).describe() == "source csv, import #3"
    assert ticket_counts_by_source(store) == {"csv": 3}
    assert [r.id for r in import_records(store)] == [import_id]


def test_the_ticket_filter_pages_newest_first(filled: tuple[Store, int]) -> None:
    store, _ = filled
    total, rows = ticket_page(store, TicketFilter(), page=1, page_size=2)
    assert total == 3 and [r.key for r in rows] == ["INC3", "INC2"]
    total, rows = ticket_page(store, TicketFilter(status="open"), page=1, page_size=10)
    assert total == 1 and rows[0].key == "INC2"
    since = datetime(2024, 1, 3, tzinfo=UTC)
    total, rows = ticket_page(store, TicketFilter(status="resolved", opened_from=since), 1, 10)
    assert [r.key for r in rows] == ["INC3"]
    number = rows[0].id
    found = ticket_by_number(store, number)
    assert found is not None and found.title == "Password reset"  # loaded, though detached
    assert ticket_by_number(store, 2**40) is None


def test_tokens_are_kept_by_hash_and_revoked_once(store: Store) -> None:
    made = datetime(2024, 1, 1, tzinfo=UTC)
    token_id = add_token(store, "ci", "a" * 64, "import read", made)
    assert live_token(store, "a" * 64) is not None
    first = revoke(store, token_id, datetime(2024, 2, 1, tzinfo=UTC))
    again = revoke(store, token_id, datetime(2024, 3, 1, tzinfo=UTC))
    assert first is not None and again is not None and again.revoked_at == first.revoked_at
    assert live_token(store, "a" * 64) is None
    assert revoke(store, token_id + 1, made) is None
    assert [t.scopes for t in all_tokens(store)] == ["import read"]


def test_a_job_row_is_written_only_by_its_holder(store: Store) -> None:
    now = datetime.now(UTC)
    add_job(store, "j1", "simulate", {"reps": 2}, "server:1", now)
    assert take_job(store, "j1", "worker:2", now) is not None
    assert take_job(store, "j1", "worker:3", now) is None  # taken already
    assert not update_held_job(store, "j1", "worker:3", progress=5)
    assert update_held_job(store, "j1", "worker:2", progress=5)
    failed = read_job(store, "j1", lambda _row: "gone", now)
    assert failed is not None and (failed.status, failed.error) == ("failed", "gone")
    assert not update_held_job(store, "j1", "worker:2", status="done")
    assert read_job(store, "missing", lambda _row: None, now) is None
