"""Every registered source names a reader that exists (the registry imports none of them)."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from deskmix.errors import InputError
from deskmix.importers import IMPORTERS, read_source


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_each_source_names_a_callable_reader(name: str) -> None:
    module, function = IMPORTERS[name].reader.split(":")
    assert callable(getattr(import_module(module), function))


@pytest.mark.parametrize("encoding", ["no-such-codec", "utf\x00-8"])
def test_an_unknown_encoding_is_named_as_such(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"field 'encoding': unknown text encoding"):
        read_source("servicenow", path, encoding=encoding)


def test_starting_the_cli_does_not_load_the_heaviest_libraries() -> None:
    # Listing commands must not pay for the libraries only some commands use.
    code = (
        "import sys, deskmix.cli.app\n"
        "heavy = ('sklearn', 'skops', 'fastapi', 'openpyxl', 'uvicorn',\n"
        "         'scipy', 'pandas', 'alembic')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
