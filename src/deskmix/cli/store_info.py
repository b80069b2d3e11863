"""``deskmix store info``: where the data lives and what has been imported into it."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from deskmix.cli.common import DbOption, console, store_for, user_errors
from deskmix.store.models import ImportRecord

app = typer.Typer(help="Inspect the store (SQLite file or PostgreSQL database).")


@app.command("info")
@user_errors
def info(db: DbOption = None) -> None:
    """Show the database, its row counts and every import with its file hash."""
    store = store_for(db)
    try:
        counts = store.counts()
        console.print(f"Database: {store.url}")
        console.print(
            f"{counts['tickets']:,} tickets, {counts['events']:,} events "
            f"in {counts['imports']:,} imports"
        )
        with store.session() as session:
            records = session.scalars(select(ImportRecord).order_by(ImportRecord.id)).all()
        if records:
            table = Table()
            for column in (
                "#",
                "source",
                "file",
                "imported (UTC)",
                "tickets",
                "events",
                "already stored",
            ):
                table.add_column(column)
            for r in records:
                table.add_row(
                    str(r.id),
                    r.source,
                    r.file_name,
                    r.imported_at.strftime("%Y-%m-%d %H:%M"),
                    f"{r.tickets_added:,}",
                    f"{r.events_added:,}",
                    f"{r.tickets_skipped:,}",
                )
            console.print(table)
    finally:
        store.dispose()
