"""The embedded sample desk: a fictional, licence-clean service desk shipped inside deskmix.

The shipped files live in ``deskmix/data/sample/``: the generating spec (``sample_desk.yaml``),
the event log it produces (``sample_desk_events.csv.gz``, a ServiceNow-style incident event log)
and the mapping that reads it (``sample_mapping.yaml``). ``deskmix demo`` imports them into a
fresh store, so a new user sees every step work on a laptop with no network.
"""

from deskmix.data.shipped import (
    DB_FILE,
    EVENTS_FILE,
    MAPPING_FILE,
    SAMPLE_SOURCE,
    SPEC_FILE,
    TEAM_FILE,
    sample_files,
    sample_team_text,
)

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
