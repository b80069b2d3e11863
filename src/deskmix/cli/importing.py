"""``deskmix import SOURCE FILE``: one subcommand per importer in the registry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from deskmix.cli.common import DbOption, console, progress_bar, store_for, user_errors
from deskmix.cli.narrow import NarrowTable
from deskmix.importers import IMPORTERS, ImporterSpec

if TYPE_CHECKING:
    from rich.progress import Progress

    from deskmix.importers.base import ImportBatch
    from deskmix.importers.writer import ImportOutcome
    from deskmix.store import Store

app = typer.Typer(
    help="Import ticket history. Each import is one transaction: all of the file, or nothing.",
    no_args_is_help=True,
)

MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        "-m",
        help="YAML mapping laid over the source's defaults: columns, dates, domain and tier rules.",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding",
        help="Text encoding of the file (e.g. latin-1, cp1252). UTF-16/32 with a byte-order "
        "mark (Excel's 'Unicode text') is recognised whatever this says.",
    ),
]


DelimiterOption = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        "-d",
        help="Delimiter of a CSV file: one character, or tab/comma/semicolon/pipe (JSON "
        "exports ignore it). Default: detected from the header line; the report says which.",
        show_default=False,
    ),
]


def print_summary(batch: ImportBatch, outcome: ImportOutcome) -> None:
    name = escape(batch.path.name)
    if outcome.already_imported:
        when = outcome.imported_at.strftime("%Y-%m-%d %H:%M UTC") if outcome.imported_at else "?"
        console.print(
            f"{name} was already imported with this mapping (import #{outcome.import_id}, "
            f"{when}); nothing added. To read it again, e.g. after editing the mapping, "
            "pass --replace."
        )
        return
    console.print(
        f"Imported {batch.path.name} as import #{outcome.import_id}: "
        f"{outcome.tickets_added:,} tickets, {outcome.events_added:,} events "
        f"from {batch.rows_read:,} rows"
        + (
            f"; {outcome.tickets_skipped:,} tickets already stored were kept"
            if outcome.tickets_skipped
            else ""
        )
        + "."
    )
    for note in batch.notes:
        console.print(f"  note: {note}")
    if batch.unmapped:
        table = NarrowTable(title="Labels no mapping rule covers (left empty, not dropped)")
        table.add_column("mapped to", "left", key=True)
        table.add_column("label", "left", wrap=True)
        table.add_column("tickets")
        for kind, counts in batch.unmapped.items():
            top = sorted(counts.items(), key=lambda kv: -kv[1])
            for label, count in top[:8]:
                table.add_row(kind, escape(label), f"{count:,}")
            if len(top) > 8:
                rest = sum(c for _, c in top[8:])
                table.add_row(kind, f"... {len(top) - 8} more labels", f"{rest:,}")
        console.print(table)
        console.print(
            "  Map them with --mapping (see 'deskmix mapping show SOURCE' for the defaults)."
        )


class _Bar:
    """The import's progress on a Rich bar: a spinner while reading, then rows written."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("reading", total=None)

    def reading(self, file: Path) -> None:
        self.progress.update(self.task, description=f"reading {file.name}")

    def writing(self, file: Path, total: int) -> None:
        self.progress.update(
            self.task, description=f"writing {file.name}", total=total, completed=0
        )

    def advance(self, rows: int) -> None:
        self.progress.advance(self.task, rows)


def run_import(
    spec: ImporterSpec,
    file: Path,
    mapping: Path | None,
    encoding: str,
    db: str | None,
    replace: bool = False,
    delimiter: str | None = None,
) -> ImportOutcome:
    from deskmix.importers.readers import parse_delimiter
    from deskmix.importers.use_case import ImportRequest, import_file

    request = ImportRequest(
        source=spec.name,
        file=file,
        mapping=mapping,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter) if delimiter is not None else None,
        replace=replace,
    )

    @contextmanager
    def opened() -> Iterator[Store]:
        store = store_for(db)
        try:
            yield store
        finally:
            store.dispose()

    with progress_bar() as progress:
        result = import_file(request, opened, _Bar(progress))
    print_summary(result.batch, result.outcome)
    return result.outcome


def _make_command(spec: ImporterSpec) -> None:
    def command(
        file: Annotated[Path, typer.Argument(help="The export to import.", show_default=False)],
        mapping: MappingOption = None,
        encoding: EncodingOption = "utf-8",
        db: DbOption = None,
        replace: Annotated[
            bool,
            typer.Option(
                "--replace",
                help="Replace tickets already stored under the same ids with this file's "
                "version (use after correcting a mapping). Default: keep stored tickets.",
            ),
        ] = False,
        delimiter: DelimiterOption = None,
    ) -> None:
        user_errors(run_import)(spec, file, mapping, encoding, db, replace, delimiter)

    command.__doc__ = spec.help
    app.command(spec.name, help=spec.help)(command)


for _spec in IMPORTERS.values():
    _make_command(_spec)
