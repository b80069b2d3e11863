"""How a source's labels become deskmix's skill domains and tiers: data the user edits, not code.

Every source ships a default mapping (``deskmix/data/mappings/<source>.yaml``); a user's
``--mapping`` file is laid over it, so a desk writes only what differs. Values no rule covers are
left empty on the ticket and counted in the import report, never dropped or guessed.
"""

from __future__ import annotations

import copy
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.domain.ticket import Tier
from deskmix.errors import ConfigError
from deskmix.yamlfiles import parse_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PatternRule(_Strict):
    """A regular expression tried when no exact value matched, in file order."""

    match: str
    to: str

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class LabelRule(_Strict):
    """Which ticket field feeds the lookup, exact values, then patterns, then a default."""

    by: str
    values: dict[str, str] = Field(default_factory=dict)
    patterns: list[PatternRule] = Field(default_factory=list)
    default: str | None = None

    def apply(self, labels: pd.Series) -> tuple[pd.Series, dict[str, int]]:
        """Map each label; return the result and the unmapped labels with their counts."""
        lookup: dict[str, str | None] = {}
        compiled = [(re.compile(p.match), p.to) for p in self.patterns]
        for label in labels.dropna().unique():
            text = str(label)
            target = self.values.get(text)
            if target is None:
                target = next((to for rx, to in compiled if rx.search(text)), None)
            lookup[text] = target if target is not None else self.default
        mapped = labels.map(lookup).astype("string")
        unmatched = labels[labels.notna() & mapped.isna()]
        counts = {str(k): int(v) for k, v in unmatched.value_counts().items()}
        missing = int(labels.isna().sum())
        if missing and self.default is not None:
            mapped = mapped.fillna(self.default)
        elif missing:
            counts["(empty)"] = missing
        return mapped, counts


class DateSettings(_Strict):
    dayfirst: bool = False
    format: str | None = None
    timezone: str = "UTC"


class SourceMapping(_Strict):
    """Everything a source needs beyond its file: columns, dates, missing tokens, label rules."""

    source_system: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    dates: DateSettings = Field(default_factory=DateSettings)
    missing: list[str] | None = None
    priority: dict[str, str] = Field(default_factory=dict)
    domain: LabelRule | None = None
    tier: LabelRule | None = None
    priority_matrix: list[list[str]] | None = None
    groups: dict[str, str] = Field(
        default_factory=dict,
        description="names for group ids a source exports as numbers (Zendesk group_id)",
    )
    codes: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="per column, the label each code of a source's documented code table "
        "stands for (Freshservice priority 4: Urgent); applied before any parsing",
    )
    levels: dict[str, int] = Field(
        default_factory=dict,
        description="impact/urgency labels of a source's own scale as deskmix's 1 (high) .. "
        "3 (low), e.g. GLPI's 'Very high': 1",
    )

    _origin: str = PrivateAttr(default="mapping")

    @property
    def origin(self) -> str:
        """Where the mapping came from (the user's file, or the built-in one), for messages."""
        return self._origin

    @field_validator("groups", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        # YAML reads `360001: Service Desk` with an integer key; ids are compared as text.
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_as_text(cls, value: object) -> object:
        # `priority: {1: Low}`: YAML reads the codes as integers; cells are compared as text.
        if isinstance(value, dict):
            return {
                str(column): (
                    {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else table
                )
                for column, table in value.items()
            }
        return value

    @field_validator("levels")
    @classmethod
    def _levels_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        for label, level in value.items():
            if not 1 <= level <= 3:
                raise ValueError(f"{label!r}: {level} is no level; expected 1 (high) .. 3 (low)")
        return value

    def decode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with each coded column's cells replaced by their labels (``codes``).

        Only whole cells that are a code are replaced (``" 4 "`` too, once stripped); any
        other value is left as it is, for the parsers to accept or refuse with its row.
        """
        out = frame
        for column, table in self.codes.items():
            if column not in frame.columns or not table:
                continue
            if out is frame:
                out = frame.copy()
            text = out[column].astype("string")
            stripped = text.str.strip()
            out[column] = stripped.map(table).astype("string").fillna(text)
        return out

    def check_targets(self, domains: set[str]) -> None:
        """Refuse a mapping that points at a domain or tier deskmix does not know."""
        if self.domain:
            for target in [*self.domain.values.values(), *(p.to for p in self.domain.patterns)]:
                if target not in domains:
                    raise ConfigError(
                        f"{self.origin}: mapping sends a label to unknown domain '{target}'; "
                        f"expected one of: {', '.join(sorted(domains))}"
                    )
        if self.tier:
            tiers = {t.value for t in Tier}
            targets = [*self.tier.values.values(), *(p.to for p in self.tier.patterns)]
            if self.tier.default:
                targets.append(self.tier.default)
            for target in targets:
                if target not in tiers:
                    raise ConfigError(
                        f"{self.origin}: mapping sends a label to unknown tier '{target}'; "
                        "expected generalist or specialist"
                    )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml(text: str, origin: str) -> dict[str, Any]:
    data = parse_yaml(text, origin)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top level")
    return data


def default_mapping_text(source: str) -> str:
    """The shipped YAML of a source's mapping, comments included ('' when it has none)."""
    resource = resources.files("deskmix.data").joinpath("mappings", f"{source}.yaml")
    return resource.read_text(encoding="utf-8") if resource.is_file() else ""


@functools.cache
def _shipped_mapping_data(source: str) -> dict[str, Any]:
    return _read_yaml(default_mapping_text(source), f"built-in mapping {source}")


def default_mapping_data(source: str) -> dict[str, Any]:
    """The shipped mapping as data: parsed once per process, a fresh copy for each caller
    (callers lay a user's file over it)."""
    return copy.deepcopy(_shipped_mapping_data(source))


def load_mapping(
    source: str, user_file: Path | None = None, domains: set[str] | None = None
) -> SourceMapping:
    """The source's default mapping with the user's file laid over it, validated."""
    data = default_mapping_data(source)
    origin = f"built-in mapping {source}"
    if user_file is not None:
        try:
            text = Path(user_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{user_file}: cannot read mapping: {exc.strerror}") from exc
        data = _merge(data, _read_yaml(text, str(user_file)))
        origin = str(user_file)
    try:
        mapping = SourceMapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{origin}: '{where}': {first['msg']}") from exc
    mapping._origin = origin
    mapping.check_targets(domains or set(DEFAULT_DOMAINS))
    return mapping


Kind = Literal["domain", "tier"]
