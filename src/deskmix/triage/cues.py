"""Cues of scope, business effect and urgency, read from a ticket's text by transparent rules.

ITIL priority is impact x urgency, and a ticket says both in words a bag-of-words model sees
too rarely to learn from a few hundred examples: "nobody in the company can sign in", "the
whole Leeds office", "the deadline is in three hours". Each cue of ``cues.yaml`` is a set of
regular expressions written for that purpose; it becomes one feature of the impact, urgency
and tier models, whose weight is learnt from labelled tickets. So the rules say *what* was
read and the model says *how much it counts*; explanations name the words a cue matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

from deskmix.errors import ConfigError

CUES_FILE = "cues.yaml"


@dataclass(frozen=True)
class Cue:
    """One named cue: any of its patterns matching (at word boundaries) fires it."""

    name: str
    patterns: tuple[str, ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        joined = "|".join(f"(?:{p})" for p in self.patterns)
        return re.compile(rf"(?<![\w'])(?:{joined})(?![\w'])")

    def match(self, text: str) -> str | None:
        """The first matched words, or None."""
        found = self.regex.search(text)
        return found.group(0).strip() if found else None


def load_cues(path: Path | None = None) -> tuple[Cue, ...]:
    """The cues of ``path`` (the shipped ``cues.yaml`` by default), each pattern compiled once
    here so that a bad expression is named before any training starts."""
    where = str(path or CUES_FILE)
    try:
        text = (
            Path(path).read_text("utf-8")
            if path is not None
            else resources.files("deskmix.data").joinpath("triage", CUES_FILE).read_text("utf-8")
        )
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where}: cannot read cues ({exc})") from exc
    section = data.get("cues") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not section:
        raise ConfigError(f"{where}: expected a 'cues' section of name -> list of patterns")
    return cues_from_pairs(
        [(str(name), [str(p) for p in patterns or []]) for name, patterns in section.items()],
        where,
    )


def cues_from_pairs(
    pairs: Sequence[tuple[str, Sequence[str]]], where: str = "cues"
) -> tuple[Cue, ...]:
    """Cues from (name, patterns) pairs, as a model's manifest stores them; checked."""
    cues = []
    for name, patterns in pairs:
        if not patterns:
            raise ConfigError(f"{where}: cue '{name}' has no patterns")
        cue = Cue(name, tuple(patterns))
        try:
            cue.regex  # noqa: B018 - compile now to name the bad pattern
        except re.error as exc:
            raise ConfigError(f"{where}: cue '{name}' has a bad pattern ({exc})") from exc
        cues.append(cue)
    return tuple(cues)


def fired(cues: Sequence[Cue], text: str) -> list[int]:
    """Indices of the cues that fire on ``text`` (cleaned, lower-case)."""
    return [i for i, cue in enumerate(cues) if cue.regex.search(text)]
