"""Workloads as YAML files a person reads and edits, and reading them back with clear errors.

Short lists of numbers (the 24 weights of a day) are written on one line so a week reads as a
7 x 24 grid; everything else is block style. Floats are written exactly (``repr``), so saving
and loading gives back the same workload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.yamlfiles import parse_yaml, read_text, validate

HEADER = """\
# deskmix workload: what arrives, how long it takes and where it goes.
# Edit freely; `deskmix` validates the file when it is loaded.
#   arrivals      tickets_per_week per domain x tier x priority stream
#   hour_of_week  per domain, per day (mon..sun), 24 hourly weights (normalised on use),
#                 in the zone named by `timezone`
#   handling      per domain x tier, hours; `chosen` is what the simulator draws from
#                 (params: exponential {scale}, lognormal {mu, sigma} of log-hours,
#                 gamma {shape, scale}, weibull {shape, scale})
#   escalation    per domain: escalation, first-contact resolution, reopen and
#                 reassignment rates (null = unknown)
#   missing       what the source could not give; notes: the rules calibration applied
"""


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of plain numbers or short strings, which go on one line."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def dump_workload(workload: Workload) -> str:
    """The YAML text of a workload, header comment included."""
    data = workload.model_dump(mode="json")
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, indent=2
    )
    return HEADER + body


def save_workload(workload: Workload, path: Path | str) -> Path:
    """Write the workload as YAML (parent folders are created); returns the path."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_workload(workload), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write workload: {exc.strerror}") from exc
    return target


def parse_workload(text: str, origin: str = "workload") -> Workload:
    """Validate YAML text as a workload; every problem is a ``ConfigError`` naming the place."""
    return validate(Workload, parse_yaml(text, origin), origin, "workload")


def load_workload(path: Path | str) -> Workload:
    """Read a workload YAML written by ``save_workload`` or by hand."""
    return parse_workload(read_text(path, "workload"), str(path))
