"""``deskmix store info``: where the data lives and what has been imported into it."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from deskmix.cli.common import DbOption, console, fail, store_for, user_errors
from deskmix.store.imports import remove_import
from deskmix.store.queries import import_records

app = typer.Typer(help="Inspect the store (SQLite file or PostgreSQL database).")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@app.command("info")
@user_errors
def info(db: DbOption = None) -> None:
    """Show the database, its row counts and every import (with the start of its file hash)."""
    store = store_for(db, create=False)
    try:
        counts = store.counts()
        console.print(f"Database: {store.url}")
        console.print(
            f"{_plural(counts['tickets'], 'ticket')}, {_plural(counts['events'], 'event')} "
            f"in {_plural(counts['imports'], 'import')}"
        )
        records = import_records(store)
        if records:
            table = Table()
            for column in ("#", "source", "file", "SHA-256", "imported (UTC)"):
                table.add_column(column, overflow="fold")
            for column in ("tickets", "events", "already stored"):
                table.add_column(column, justify="right")
            for r in records:
                table.add_row(
                    str(r.id),
                    escape(r.source),
                    escape(r.file_name),
                    r.file_hash[:12],
                    r.imported_at.strftime("%Y-%m-%d %H:%M"),
                    f"{r.tickets_added:,}",
                    f"{r.events_added:,}",
                    f"{r.tickets_skipped:,}",
                )
            console.print(table)
    finally:
        store.dispose()


@app.command("delete-import")
@user_errors
def delete_import(
    import_id: int = typer.Argument(..., help="The import number that 'deskmix store info' shows."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    db: DbOption = None,
) -> None:
    """Remove one import: its tickets and their events, in one transaction; others stay."""
    store = store_for(db, create=False)
    try:
        if not yes and not typer.confirm(
            f"Delete import {import_id} and every ticket it added from {store.url}?"
        ):
            raise fail("nothing deleted")
        removed = remove_import(store, import_id)
    finally:
        store.dispose()
    console.print(
        f"Deleted import {removed.import_id} ({escape(removed.source)}, "
        f"{escape(removed.file_name)}): {_plural(removed.tickets, 'ticket')}, "
        f"{_plural(removed.events, 'event')}."
    )
