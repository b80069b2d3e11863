"""Where the embedded sample desk's shipped files are, and the importer that reads them.

Plain constants and ``importlib.resources`` lookups, no code from ``deskmix.sample``, so a
package below the sample (triage's seed tickets) can find the files without importing the
demo's floor (docs/architecture.md, floors). ``deskmix.sample`` re-exports every name.
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
