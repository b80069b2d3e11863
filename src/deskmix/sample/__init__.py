"""The embedded sample desk: a fictional, licence-clean service desk shipped inside deskmix.

The shipped files live in ``deskmix/data/sample/``: the generating spec (``sample_desk.yaml``),
the event log it produces (``sample_desk_events.csv.gz``, a ServiceNow-style incident event log)
and the mapping that reads it (``sample_mapping.yaml``). ``deskmix demo`` imports them into a
fresh store, so a new user sees every step work on a laptop with no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

SAMPLE_SOURCE = "servicenow-events"
"""The importer that reads the sample, the same one that reads real ServiceNow event logs."""
EVENTS_FILE = "sample_desk_events.csv.gz"
MAPPING_FILE = "sample_mapping.yaml"
SPEC_FILE = "sample_desk.yaml"
DB_FILE = "deskmix-demo.db"
"""The demo's SQLite file in its --out folder."""


@contextmanager
def sample_files() -> Iterator[tuple[Path, Path]]:
    """Paths of the shipped event log and its mapping, valid inside the ``with`` block.

    Importers read paths; ``as_file`` gives real ones even when the package is zipped.
    """
    base = resources.files("deskmix.data").joinpath("sample")
    with (
        resources.as_file(base.joinpath(EVENTS_FILE)) as events,
        resources.as_file(base.joinpath(MAPPING_FILE)) as mapping,
    ):
        yield events, mapping


TEAM_FILE = "sample_team.yaml"


def sample_team_text() -> str:
    """The YAML of the sample desk's team, as shipped (comments included)."""
    return resources.files("deskmix.data").joinpath("sample", TEAM_FILE).read_text("utf-8")


__all__ = [
    "DB_FILE",
    "EVENTS_FILE",
    "MAPPING_FILE",
    "SAMPLE_SOURCE",
    "SPEC_FILE",
    "TEAM_FILE",
    "sample_files",
    "sample_team_text",
]
