"""The root command: lists every command without importing it, loads each one on use."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from deskmix import __version__
from deskmix.cli.app import COMMANDS, app

runner = CliRunner()

EVERY_COMMAND = [
    "calibrate",
    "demo",
    "simulate",
    "plan",
    "plan-year",
    "compare",
    "validate",
    "serve",
    "assess",
    "import",
    "mapping",
    "token",
    "store",
    "triage",
    "skills",
]


def _loaded_in_subprocess(code: str) -> list[str]:
    """Modules loaded by ``code`` in a fresh interpreter (what a user's process would load)."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded: list[str] = json.loads(out.splitlines()[-1])
    return loaded


def _top(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importing_the_cli_loads_no_database_or_data_library() -> None:
    loaded = _top(_loaded_in_subprocess("import deskmix.cli.app"))
    assert not loaded & {"sqlalchemy", "sklearn", "pandas", "numpy", "pydantic"}


def test_help_and_version_import_no_command_module() -> None:
    for flag in ("--help", "--version"):
        code = (
            "import sys\nfrom deskmix.cli.app import app\n"
            f"try:\n    app([{flag!r}])\nexcept SystemExit:\n    pass"
        )
        loaded = _loaded_in_subprocess(code)
        commands = {m for m in loaded if m.startswith("deskmix.cli.")}
        assert commands <= {"deskmix.cli.app", "deskmix.cli.lazy"}, flag
        assert not _top(loaded) & {"sqlalchemy", "sklearn", "pandas"}, flag


def test_help_lists_every_command_with_its_help_line() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    commands_panel = result.output.split("Commands", 1)[1]
    listed = re.findall(r"^[^\w-]+([a-z][a-z-]*) {2,}\S", commands_panel, re.MULTILINE)
    assert listed == EVERY_COMMAND
    for entry in COMMANDS:
        first_words = " ".join(entry.help.split()[:4])
        assert first_words in " ".join(result.output.split()), entry.name


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda entry: entry.name)
def test_the_listed_help_line_is_the_commands_own(entry: object) -> None:
    from deskmix.cli.lazy import LazyCommand

    assert isinstance(entry, LazyCommand)
    command = entry.load()
    own = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0].strip()
    assert entry.help == own, f"update the help line of {entry.name!r} in cli/app.py"


def test_a_command_loads_on_use_with_its_own_help() -> None:
    result = runner.invoke(app, ["mapping", "--help"])
    assert result.exit_code == 0, result.output
    assert "show" in result.output  # a group of one command stays a group
    result = runner.invoke(app, ["mapping", "show", "jira"])
    assert result.exit_code == 0, result.output


def test_version_and_typo() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"deskmix {__version__}"
    result = runner.invoke(app, ["calibrat"])
    assert result.exit_code == 2
    assert "Did you mean 'calibrate'" in result.output


def test_the_group_is_built_by_typer() -> None:
    # CliRunner and the installed script both go through typer.main.get_command.
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    assert sorted(group.list_commands(typer.Context(group))) == sorted(EVERY_COMMAND)
