"""Deleting an import takes out its tickets and events only, in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.errors import InputError
from deskmix.importers.jira import import_jira
from deskmix.importers.servicenow_events import import_servicenow_events
from deskmix.importers.writer import write_import
from deskmix.store import open_store
from deskmix.store.imports import remove_import

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_removing_one_import_leaves_the_other_as_it_was(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.db")
    try:
        events_import = write_import(
            store, import_servicenow_events(FIXTURES / "servicenow" / "events.csv")
        )
        jira_import = write_import(store, import_jira(FIXTURES / "jira" / "search.json"))
        before = store.counts()
        jira_only = open_store(tmp_path / "jira.db")
        write_import(jira_only, import_jira(FIXTURES / "jira" / "search.json"))
        jira_counts = jira_only.counts()
        jira_only.dispose()

        removed = remove_import(store, events_import.import_id)

        assert removed.tickets == events_import.tickets_added
        assert removed.events == events_import.events_added > 0
        assert store.counts() == jira_counts
        assert before["tickets"] == jira_counts["tickets"] + removed.tickets
        # The same file can be imported again afterwards: its record is gone too.
        again = write_import(
            store, import_servicenow_events(FIXTURES / "servicenow" / "events.csv")
        )
        assert not again.already_imported and again.tickets_added == removed.tickets
        assert jira_import.import_id != again.import_id
    finally:
        store.dispose()


def test_an_unknown_import_names_the_ones_that_exist(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.db")
    try:
        write_import(store, import_jira(FIXTURES / "jira" / "search.json"))
        before = store.counts()
        with pytest.raises(InputError, match=r"no such import.*got 99.*stored imports \(1\)"):
            remove_import(store, 99)
        assert store.counts() == before
    finally:
        store.dispose()


def test_cli_deletes_after_confirmation_and_keeps_everything_when_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    runner = CliRunner()
    path = str(FIXTURES / "jira" / "search.json")
    assert runner.invoke(app, ["import", "jira", path, "--db", db]).exit_code == 0
    refused = runner.invoke(app, ["store", "delete-import", "1", "--db", db], input="n\n")
    assert refused.exit_code == 2 and "nothing deleted" in refused.stderr
    kept = open_store(db)
    assert kept.counts()["imports"] == 1
    kept.dispose()
    done = runner.invoke(app, ["store", "delete-import", "1", "--db", db, "--yes"])
    assert done.exit_code == 0, done.output
    assert "Deleted import 1 (jira" in done.output
    emptied = open_store(db)
    assert emptied.counts() == {"imports": 0, "tickets": 0, "events": 0}
    emptied.dispose()
