"""A root command that imports each command's module only when that command runs.

The root lists every command by name with its help line, both declared beside the name in
``cli/app.py``, so ``deskmix --help`` and ``deskmix --version`` import no command module (and
so no SQLAlchemy, pandas or scikit-learn). ``deskmix NAME ...`` (and ``deskmix NAME --help``)
imports ``deskmix.cli.<module>`` and converts its Typer object or command function to the
command Typer would have built from ``app.add_typer`` or ``app.command``. A test checks that
each declared help line is the one the loaded command carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import get_close_matches
from importlib import import_module
from typing import TYPE_CHECKING, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click

_LISTING = "deskmix.cli.lazy.listing"
"""Set in ``ctx.meta`` while the root's help is formatted: commands are listed, not loaded."""


@dataclass(frozen=True)
class LazyCommand:
    """One command of the root: its name, where it lives and its help line."""

    name: str
    target: str
    """``module:attribute`` under ``deskmix.cli``: a ``typer.Typer`` (a group of commands) or a
    command function."""
    help: str
    """The first paragraph of the command's help, as the root lists it."""

    def load(self) -> _click.Command:
        """Import the module and build the command as ``add_typer``/``command`` would."""
        module_name, attribute = self.target.split(":")
        obj = getattr(import_module(f"deskmix.cli.{module_name}"), attribute)
        command: _click.Command
        if isinstance(obj, typer.Typer):
            # get_group, not get_command: a sub-app with one command stays a group.
            command = typer.main.get_group(obj)
        else:
            single = typer.Typer(add_completion=False)
            single.command(self.name)(obj)
            command = typer.main.get_command(single)
        command.name = self.name
        return command


class LazyGroup(TyperGroup):
    """The root group: ``commands`` lists what it offers; modules load on first use."""

    lazy_commands: tuple[LazyCommand, ...] = ()
    """Set by a subclass (Typer instantiates the group class itself, with its own arguments)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lazy = {entry.name: entry for entry in self.lazy_commands}

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *self._lazy]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        loaded = super().get_command(ctx, cmd_name)
        if loaded is not None:
            return loaded
        entry = self._lazy.get(cmd_name)
        if entry is None:
            return None
        if ctx.meta.get(_LISTING):
            # Only the name and the help line are shown: a stand-in, nothing imported.
            return TyperCommand(name=entry.name, help=entry.help, callback=None)
        command = entry.load()
        self.add_command(command, entry.name)
        return command

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        with _listing(ctx):
            super().format_help(ctx, formatter)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            # TyperGroup suggests only from the commands already loaded; suggest from all.
            if self.suggest_commands and args and "Did you mean" not in exc.message:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(f"{m!r}" for m in matches)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


@contextmanager
def _listing(ctx: _click.Context) -> Iterator[None]:
    before = ctx.meta.get(_LISTING, False)
    ctx.meta[_LISTING] = True
    try:
        yield
    finally:
        ctx.meta[_LISTING] = before
