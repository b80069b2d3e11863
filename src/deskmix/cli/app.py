"""The ``deskmix`` command."""

from __future__ import annotations

import typer

from deskmix import __version__
from deskmix.cli import importing, mappings, store_info, triage
from deskmix.cli.calibrate import calibrate as calibrate_command
from deskmix.cli.demo import demo as demo_command
from deskmix.cli.horizon import plan_year_command
from deskmix.cli.people import app as skills_app
from deskmix.cli.people import assess_command
from deskmix.cli.plan import plan_command
from deskmix.cli.serve import serve_command
from deskmix.cli.simulate import simulate_command
from deskmix.cli.token import app as token_app
from deskmix.cli.validate import validate_command

app = typer.Typer(
    name="deskmix",
    help="deskmix: the right mix of IT generalists, specialists and MSP help, from your own "
    "ticket history.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(importing.app, name="import")
app.add_typer(mappings.app, name="mapping")
app.command("calibrate")(calibrate_command)
app.command("demo")(demo_command)
app.command("simulate")(simulate_command)
app.command("plan")(plan_command)
app.command("plan-year")(plan_year_command)
app.command("validate")(validate_command)
app.command("serve")(serve_command)
app.add_typer(token_app, name="token")
app.add_typer(store_info.app, name="store")
app.add_typer(triage.app, name="triage")
app.command("assess")(assess_command)
app.add_typer(skills_app, name="skills")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deskmix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """deskmix: import, calibrate, simulate and plan an IT support team."""


def main() -> None:
    app()
