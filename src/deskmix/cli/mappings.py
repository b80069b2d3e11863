"""``deskmix mapping``: show the built-in mapping of a source, the starting point for your own."""

from __future__ import annotations

from typing import Annotated

import typer

from deskmix.cli.common import fail
from deskmix.importers import IMPORTERS

app = typer.Typer(help="Inspect the label mappings (category/group -> domain, level -> tier).")


@app.command("show")
def show(
    source: Annotated[str, typer.Argument(help=f"One of: {', '.join(IMPORTERS)}.")],
) -> None:
    """Print the built-in mapping YAML of SOURCE; copy it, edit it, pass it with --mapping."""
    from deskmix.importers.mapping import default_mapping_text

    if source not in IMPORTERS:
        raise fail(f"unknown source '{source}'; expected one of: {', '.join(IMPORTERS)}")
    # Plain stdout, never wrapped: the output is meant to be redirected into a YAML file.
    typer.echo(default_mapping_text(source), nl=False)
