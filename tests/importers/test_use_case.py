"""The import use case called directly: checks, one transaction, the same file stored once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from deskmix.errors import ConfigError, InputError
from deskmix.importers.use_case import (
    UPLOAD_MAPPING,
    ImportRequest,
    check_source,
    import_file,
)
from deskmix.store import Store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


class Seen:
    def __init__(self) -> None:
        self.steps: list[str] = []
        self.rows = 0

    def reading(self, file: Path) -> None:
        self.steps.append(f"reading {file.name}")

    def writing(self, file: Path, total: int) -> None:
        self.steps.append(f"writing {total}")

    def advance(self, rows: int) -> None:
        self.rows += rows


def test_an_export_is_stored_once_with_its_counts(sqlite_store: Store) -> None:
    request = ImportRequest("csv", FIXTURE / "tickets.csv", mapping=FIXTURE / "mapping.yaml")
    seen = Seen()
    first = import_file(request, lambda: nullcontext(sqlite_store), seen)
    assert first.outcome.tickets_added == 6 and not first.outcome.already_imported
    assert first.batch.rows_read == 6
    assert seen.steps == ["reading tickets.csv", f"writing {first.batch.ticket_count}"]
    assert seen.rows == first.batch.ticket_count + first.batch.event_count
    assert sqlite_store.counts()["tickets"] == 6
    again = import_file(request, lambda: nullcontext(sqlite_store))
    assert again.outcome.already_imported and again.outcome.import_id == first.outcome.import_id
    assert sqlite_store.counts()["tickets"] == 6


def test_the_store_is_not_opened_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    opened: list[bool] = []

    @contextmanager
    def store() -> Iterator[Store]:
        opened.append(True)
        raise AssertionError("the store was opened")
        yield  # pragma: no cover

    bad = tmp_path / "tickets.csv"
    bad.write_bytes(b"")
    request = ImportRequest("csv", bad, mapping=FIXTURE / "mapping.yaml")
    with pytest.raises(InputError):
        import_file(request, store)
    assert opened == []


def test_sources_are_checked_before_anything_is_read() -> None:
    with pytest.raises(InputError, match="unknown source"):
        check_source("nosuch", mapping_given=True)
    with pytest.raises(ConfigError, match="needs --mapping FILE"):
        check_source("csv", mapping_given=False)
    with pytest.raises(ConfigError, match="needs a 'mapping' file"):
        check_source("csv", mapping_given=False, mapping_option=UPLOAD_MAPPING)
    assert check_source("servicenow", mapping_given=False).name == "servicenow"
