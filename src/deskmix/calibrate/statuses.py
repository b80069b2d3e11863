"""Which event statuses are hands-on work: data a desk edits (``data/calibrate/statuses.yaml``).

Touch time is only as good as this list, and every tool names its statuses differently, so the
names live in a YAML file rather than in code; a user's file adds to the shipped lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml

from deskmix.errors import ConfigError

StatusKind = Literal["working", "waiting", "done"]
KINDS: tuple[StatusKind, ...] = ("working", "waiting", "done")
DEFAULT_SECTION = "default"


def _normal(name: str) -> str:
    return name.strip().casefold()


@dataclass(frozen=True)
class StatusBook:
    """Status names per source system, each classed as working, waiting or done."""

    sections: dict[str, dict[StatusKind, frozenset[str]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # normalised name -> as written

    def kind(self, source_system: str, status: str) -> StatusKind | None:
        """The class of one status; the source's own section wins over ``default``."""
        name = _normal(status)
        for section in (_normal(source_system), DEFAULT_SECTION):
            kinds = self.sections.get(section, {})
            for kind in KINDS:
                if name in kinds.get(kind, frozenset()):
                    return kind
        return None

    def knows(self, source_system: str) -> bool:
        """Whether the book has a section of the source's own (not only ``default``)."""
        return _normal(source_system) in self.sections

    def working_names(self, source_system: str) -> list[str]:
        own = self.sections.get(_normal(source_system), {}).get("working", frozenset())
        names = own or self.sections.get(DEFAULT_SECTION, {}).get("working", frozenset())
        return sorted(self.labels.get(n, n) for n in names)


def _parse(
    data: object, origin: str, labels: dict[str, str]
) -> dict[str, dict[StatusKind, frozenset[str]]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected source names at the top level (e.g. 'servicenow:')")
    out: dict[str, dict[StatusKind, frozenset[str]]] = {}
    for source, section in data.items():
        if not isinstance(section, dict):
            raise ConfigError(
                f"{origin}: '{source}' must hold 'working', 'waiting' and/or 'done' lists"
            )
        kinds: dict[StatusKind, frozenset[str]] = {}
        for key, names in section.items():
            if key not in KINDS:
                raise ConfigError(
                    f"{origin}: '{source}.{key}' is not a status class; "
                    f"expected one of: {', '.join(KINDS)}"
                )
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ConfigError(f"{origin}: '{source}.{key}' must be a list of status names")
            kinds[key] = frozenset(_normal(n) for n in names)
            for name in names:
                labels.setdefault(_normal(name), name.strip())
        out[_normal(str(source))] = kinds
    return out


def _read(
    text: str, origin: str, labels: dict[str, str]
) -> dict[str, dict[StatusKind, frozenset[str]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    return _parse(data, origin, labels)


def load_statuses(user_file: Path | None = None) -> StatusBook:
    """The shipped status lists, with a user's file added to them (its names win on conflict)."""
    text = (
        resources.files("deskmix.data")
        .joinpath("calibrate", "statuses.yaml")
        .read_text(encoding="utf-8")
    )
    labels: dict[str, str] = {}
    sections = _read(text, "built-in statuses.yaml", labels)
    if user_file is not None:
        try:
            user_text = Path(user_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{user_file}: cannot read status file: {exc.strerror}") from exc
        for source, kinds in _read(user_text, str(user_file), labels).items():
            merged = dict(sections.get(source, {}))
            for kind, names in kinds.items():
                # A name the user classes anew leaves its old class, so it is never in two.
                for other in KINDS:
                    if other != kind and other in merged:
                        merged[other] = merged[other] - names
                merged[kind] = merged.get(kind, frozenset()) | names
            sections[source] = merged
    return StatusBook(sections, labels)
