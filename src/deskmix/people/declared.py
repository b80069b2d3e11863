"""Declared skill levels: a team file (the format simulate and plan read) or a plain CSV.

A team file also tells each person's kind (generalist/specialist): their title, against which
the hidden-specialist test measures depth. A CSV ``person,domain,level`` is for desks that keep
a skills spreadsheet but no team file; its people have no declared kind.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from deskmix.domain.team import Team
from deskmix.errors import InputError
from deskmix.teamfiles import load_team

CSV_COLUMNS = ("person", "domain", "level")
STATUSES = ("active", "absent", "left")


@dataclass(frozen=True)
class Declared:
    levels: dict[str, dict[str, int]]
    kinds: dict[str, str]  # person -> generalist | specialist, from a team file
    team: Team | None
    origin: str
    status: dict[str, str] = field(default_factory=dict)  # person -> active | absent | left

    def renamed(self, names: dict[str, str]) -> Declared:
        """The same levels under other spellings of the names (history's kept spellings)."""

        def keyed(d: dict[str, object]) -> dict[str, object]:
            return {names.get(p, p): v for p, v in d.items()}

        return Declared(
            keyed(self.levels),  # type: ignore[arg-type]
            keyed(self.kinds),  # type: ignore[arg-type]
            self.team,
            self.origin,
            keyed(self.status),  # type: ignore[arg-type]
        )


def _read_csv(path: Path) -> Declared:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("skills file not found", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the skills file: {exc}", file=path) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            row=1,
            expected="a header row person,domain,level",
        )
    reader.fieldnames = header
    levels: dict[str, dict[str, int]] = {}
    status: dict[str, str] = {}
    for row_number, row in enumerate(reader, start=2):
        person = (row.get("person") or "").strip()
        domain = (row.get("domain") or "").strip()
        raw = (row.get("level") or "").strip()
        state = (row.get("status") or "").strip().lower()
        if state:
            if state not in STATUSES:
                raise InputError(
                    "not a status",
                    file=path,
                    row=row_number,
                    field="status",
                    value=state,
                    expected=" | ".join(STATUSES),
                )
            if not person:
                raise InputError("empty", file=path, row=row_number, field="person")
            status[person] = state
            if not domain and not raw:
                continue  # a row that only marks a person as left or absent
        for name, value in (("person", person), ("domain", domain)):
            if not value:
                raise InputError("empty", file=path, row=row_number, field=name)
        if not raw.isdigit() or not 0 <= int(raw) <= 5:
            raise InputError(
                "not a skill level",
                file=path,
                row=row_number,
                field="level",
                value=raw,
                expected="a whole number 0..5",
            )
        if domain in levels.get(person, {}):
            raise InputError(
                f"{person} / {domain} is listed twice",
                file=path,
                row=row_number,
                field="domain",
                expected="one row per person and domain",
            )
        levels.setdefault(person, {})[domain] = int(raw)
    return Declared(levels, {}, None, str(path), status)


def load_declared(path: Path) -> Declared:
    """``.csv`` as person,domain,level rows; anything else as a team YAML file."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    team = load_team(path)
    levels = {a.name: dict(a.skills) for a in team.agents}
    kinds = {a.name: a.kind.value for a in team.agents}
    status: dict[str, str] = {a.name: str(a.status) for a in team.agents}
    return Declared(levels, kinds, team, str(path), status)
