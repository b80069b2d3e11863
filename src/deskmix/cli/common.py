"""What every command shares: the --db option, the consoles and one-line error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from deskmix.errors import DeskmixError

if TYPE_CHECKING:
    from rich.progress import Progress

    from deskmix.store import Store

# What only some commands use (SQLAlchemy and the store, Rich's progress bars) is imported in
# the function that needs it, so a command's own import stays light (docs/benchmarks.md,
# "Cold start").

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or a URL such as postgresql+psycopg://user@host/db. "
        "Default: $DESKMIX_DB, else ~/.local/share/deskmix/deskmix.db.",
        show_default=False,
    ),
]

FromOption = Annotated[
    datetime | None,
    typer.Option(
        "--from",
        formats=["%Y-%m-%d"],
        help="Only tickets opened on or after this day (YYYY-MM-DD, UTC): arrivals, handling "
        "and escalation alike.",
        show_default=False,
    ),
]
"""The first day of the history to read (calibrate, validate)."""
ToOption = Annotated[
    datetime | None,
    typer.Option(
        "--to",
        formats=["%Y-%m-%d"],
        help="Only tickets opened on or before this day (YYYY-MM-DD, UTC, the whole day included).",
        show_default=False,
    ),
]
"""The last day of the history to read (calibrate, validate)."""
AcceptUnsteadyOption = Annotated[
    bool,
    typer.Option(
        "--accept-unsteady",
        help="Go on even when the arrivals are not a steady state (too few weeks, or a burst "
        "of tickets in the first or last weeks); the workload says so loudly.",
    ),
]
"""Calibrate a period the steady-state rule refuses (calibrate, validate)."""

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str) -> typer.Exit:
    """Print one line to stderr and return the exit to raise (code 2: the user's input)."""
    err_console.print(
        Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True
    )
    return typer.Exit(code=2)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ``DeskmixError`` into one line on stderr and exit code 2, with no traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DeskmixError as exc:
            raise fail(str(exc)) from None

    return wrapper


def store_for(db: str | None, *, create: bool = True) -> Store:
    """The store named by --db; read-only commands pass ``create=False``."""
    from deskmix.store import open_store

    return open_store(db, create=create)


@contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    """A Rich progress bar on stderr; hidden when stderr is not a terminal and CI asks quiet."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
        disable=not sys.stderr.isatty(),
    ) as progress:
        yield progress
