"""Team and SLA files: the formats documented in docs/formats.md, with examples in examples/.

A team file may describe identical people once with ``count: N``; they are expanded to
"Name 1" .. "Name N" so each can be absent or re-shifted on its own in a what-if.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Team
from deskmix.errors import ConfigError, InputError
from deskmix.yamlfiles import parse_yaml, read_text, validate


def expand_counts(data: Any, origin: str) -> Any:
    if not isinstance(data, dict) or not isinstance(data.get("agents"), list):
        return data
    agents: list[Any] = []
    for position, entry in enumerate(data["agents"]):
        if isinstance(entry, dict) and "count" in entry:
            count = entry["count"]
            if not isinstance(count, int) or count < 0:
                raise ConfigError(
                    f"{origin}: 'agents.{position}.count' must be a whole number >= 0"
                )
            base = {k: v for k, v in entry.items() if k != "count"}
            name = base.get("name", f"agent {position}")
            agents.extend({**base, "name": f"{name} {i + 1}"} for i in range(count))
        else:
            agents.append(entry)
    return {**data, "agents": agents}


def parse_team(text: str, origin: str = "team") -> Team:
    return validate(Team, expand_counts(parse_yaml(text, origin), origin), origin, "team")


def load_team(path: Path | str) -> Team:
    return parse_team(read_text(path, "team"), str(path))


def parse_sla(text: str | None, origin: str = "sla") -> SlaPolicy:
    """SLA targets from YAML text, or deskmix's default targets when there is none."""
    if text is None:
        return SlaPolicy.default()
    return validate(SlaPolicy, parse_yaml(text, origin), origin, "SLA")


def load_sla(path: Path | str | None) -> SlaPolicy:
    """The user's SLA file, or deskmix's default targets when none is given."""
    if path is None:
        return SlaPolicy.default()
    return parse_sla(read_text(path, "SLA"), str(path))


SLA_PRESETS_DIR = Path(__file__).parent / "data" / "sla"
SLA_CHOICES = {
    "default": "deskmix's default ITIL-style targets (the demo's; P1 on a calendar clock)",
    "weekday": "weekday desk: every clock in business hours, Mon-Fri 08-17 "
    "(as examples/plan/sla.yaml)",
}
"""The SLA presets the dashboard and the API offer by name."""


def sla_preset(choice: str) -> SlaPolicy:
    """An SLA preset by name (``SLA_CHOICES``); shared by the dashboard and the API, so
    neither interface depends on the other."""
    if choice == "weekday":
        return load_sla(SLA_PRESETS_DIR / "weekday.yaml")
    if choice == "default":
        return SlaPolicy.default()
    raise InputError(
        "unknown SLA targets", field="sla", value=choice, expected=", ".join(SLA_CHOICES)
    )
