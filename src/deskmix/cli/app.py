"""The ``deskmix`` command.

Each command is declared here by name, module and help line; its module (and whatever it
imports) loads only when the command runs, so ``deskmix --help`` and ``deskmix --version`` stay
quick (``cli/lazy.py``; figures in docs/benchmarks.md, "Cold start").
"""

from __future__ import annotations

import typer

from deskmix import __version__
from deskmix.cli.lazy import LazyCommand, LazyGroup

COMMANDS = (
    LazyCommand(
        "calibrate",
        "calibrate:calibrate",
        "Fit a workload (arrivals, handling times, escalation) from the stored tickets.",
    ),
    LazyCommand("demo", "demo:demo", "Try deskmix on the embedded sample desk, offline."),
    LazyCommand(
        "simulate",
        "simulate:simulate_command",
        "Simulate a team under a routing policy and a workload, with what-ifs side by side.",
    ),
    LazyCommand(
        "plan",
        "plan:plan_command",
        "Find the cheapest team (generalists, specialists per domain, cross-trained pairs, MSP\n"
        "offers) meeting every SLA.",
    ),
    LazyCommand(
        "plan-year",
        "horizon:plan_year_command",
        "Plan the next quarters: forecast each quarter's volume (fitted on --history-db when it\n"
        "holds 8 weeks or more, with a yearly season from two years; else --growth), plan the\n"
        "cheapest team meeting every SLA on top of today's team and the hires before, and say "
        "who\nto hire or cross-train by when. Example: deskmix plan-year --workload w.yaml --sla\n"
        "examples/plan/sla.yaml --costs examples/plan/costs.yaml --team today.yaml --growth 0.1",
    ),
    LazyCommand(
        "compare",
        "compare:compare_command",
        "Put saved simulation or plan results side by side, with differences and intervals.",
    ),
    LazyCommand(
        "validate",
        "validate:validate_command",
        "Back-test the model: rebuild the team that worked the stored tickets, simulate it on\n"
        "the calibrated workload and set its figures beside the history's, with verdicts.",
    ),
    LazyCommand(
        "serve",
        "serve:serve_command",
        "Serve the REST API (under /api, docs at /docs) and the web dashboard (at /).",
    ),
    LazyCommand(
        "assess",
        "assess:assess_command",
        "IT support pro or hidden specialist? A self-assessment with roles and a path.",
    ),
    LazyCommand(
        "import",
        "importing:app",
        "Import ticket history. Each import is one transaction: all of the file, or nothing.",
    ),
    LazyCommand(
        "mapping",
        "mappings:app",
        "Inspect the label mappings (category/group -> domain, level -> tier).",
    ),
    LazyCommand("token", "token:app", "API tokens: create (secret shown once), list, revoke."),
    LazyCommand(
        "store", "store_info:app", "Inspect the store (SQLite file or PostgreSQL database)."
    ),
    LazyCommand(
        "triage", "triage:app", "Triage: skill domain, tier and ITIL priority from a ticket's text."
    ),
    LazyCommand(
        "skills",
        "people:app",
        "Skills matrix, bus factor and hidden specialists from declared levels and the stored "
        "history.",
    ),
)
"""Every command in the order ``deskmix --help`` lists them; the help line is the first
paragraph of the command's own help (a test keeps the two equal)."""


class DeskmixGroup(LazyGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="deskmix",
    cls=DeskmixGroup,
    help="deskmix: the right mix of IT generalists, specialists and MSP help, from your own "
    "ticket history.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
