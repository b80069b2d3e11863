"""The options ``deskmix triage`` commands share, and where their labelled tickets come from.

Only translation: a FILE (read by an importer) or the store (``--from-store``) to a frame of
labelled tickets, in ``deskmix.triage.sources``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskmix.cli.common import store_for
from deskmix.errors import InputError
from deskmix.triage.targets import CLI_TARGETS

if TYPE_CHECKING:
    import pandas as pd

FileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Tickets to learn from: JSON lines (.jsonl: text plus domain/tier/impact/urgency/"
        "priority) or an export read by --source with --mapping.",
        show_default=False,
    ),
]
FromStore = Annotated[
    bool, typer.Option("--from-store", help="Learn from the tickets in the store (--db).")
]
SourceOpt = Annotated[
    str, typer.Option("--source", help="Importer that reads FILE (csv, servicenow, jira, ...).")
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping", help="Mapping YAML for FILE (needed for --source csv).", show_default=False
    ),
]
SourceSystem = Annotated[
    str | None,
    typer.Option(
        "--source-system", help="With --from-store: only this source system.", show_default=False
    ),
]
ImportId = Annotated[
    int | None,
    typer.Option(
        "--import-id", help="With --from-store: only this import number.", show_default=False
    ),
]
TargetOpt = Annotated[
    str, typer.Option("--target", help="domain, tier, priority (impact+urgency) or all.")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")]
ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        "-m",
        help="Model folder (default: the shipped default model).",
        show_default=False,
    ),
]
MatrixOpt = Annotated[
    Path | None,
    typer.Option(
        "--matrix",
        help="YAML with your priority_matrix (rows impact 1-3, columns urgency 1-3), e.g. your "
        "import mapping file; default the ITIL matrix.",
        show_default=False,
    ),
]


def targets_of(target: str) -> tuple[str, ...]:
    if target not in CLI_TARGETS:
        raise InputError("unknown target", value=target, expected=", ".join(CLI_TARGETS))
    return CLI_TARGETS[target]


def frame_of(
    file: Path | None,
    from_store_: bool,
    db: str | None,
    source: str,
    mapping: Path | None,
    source_system: str | None,
    import_id: int | None,
    encoding: str,
) -> tuple[pd.DataFrame, str]:
    """The training frame and a description of where it came from."""
    from deskmix.store.selection import Selection
    from deskmix.triage.sources import from_file, from_store

    if (file is None) == (not from_store_):
        raise InputError("name one source of tickets", expected="a FILE or --from-store")
    if file is not None:
        return from_file(file, source=source, mapping=mapping, encoding=encoding), str(file)
    store = store_for(db)
    try:
        selection = Selection(source_system, import_id)
        return from_store(store, selection), f"store: {selection.describe()}"
    finally:
        store.dispose()
