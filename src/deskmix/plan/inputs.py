"""The planner's own input files: costs and constraints, MSP offers, designs to compare.

They are separate from the team and SLA files because they describe choices (what a person of
each kind would cost, what may be bought), not a team that exists.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deskmix.domain.shrinkage import ShrinkageByKind
from deskmix.domain.team import MspContract, Shift, Team
from deskmix.errors import ConfigError
from deskmix.teamfiles import expand_counts, load_team
from deskmix.yamlfiles import load_model, parse_yaml, validate


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Constraints(_Model):
    """Limits a plan must respect besides the SLAs.

    ``min_specialists`` is the bus factor: every domain with specialist work that is not bought
    from an MSP keeps at least this many people able to do it (a specialist of the domain, a
    cross-trained pair that includes it, or existing staff at level 3 or more);
    ``min_specialists_by_domain`` overrides it per domain. New hires work ``shifts`` (default
    Monday-Friday 08:00-17:00). ``existing_team`` names a team file (relative to the costs file)
    whose people stay: the plan only adds hires and MSP help on top of them, and pays them.
    """

    min_generalists: int = Field(default=1, ge=0)
    min_specialists: int = Field(default=1, ge=0)
    min_specialists_by_domain: dict[str, int] = Field(default_factory=dict)
    max_headcount: int = Field(default=200, ge=1)
    shifts: list[Shift] = Field(default_factory=lambda: [Shift()])
    existing_team: str | None = None

    def min_for(self, domain: str) -> int:
        return self.min_specialists_by_domain.get(domain, self.min_specialists)


PAIR_SEPARATOR = "+"
DEFAULT_CROSS_TRAINING_PREMIUM = 0.10


def pool_domains(pool: str) -> tuple[str, ...]:
    """The domains a specialist pool covers: one, or several for cross-trained people
    (``a+b``, ``a+b+c``)."""
    return tuple(pool.split(PAIR_SEPARATOR))


def pair_pool(first: str, second: str) -> str:
    return PAIR_SEPARATOR.join(sorted((first, second)))


def union_pool(first: str, second: str) -> str:
    """The pool of people who can do both pools' work: every domain of either."""
    return PAIR_SEPARATOR.join(sorted({*pool_domains(first), *pool_domains(second)}))


class CostTable(_Model):
    """Loaded cost per hour (salary, taxes, benefits, overhead) of a new hire of each kind.

    A cross-trained specialist (level 3 in two domains) costs the dearer of the two domains'
    specialist rates plus ``cross_training_premium`` of it (default 10%: the pay step and the
    training time of a second specialism), and 10% more per further domain, up to
    ``cross_training_max_domains`` domains per person (default 3: a generalist-plus who is a
    specialist in three areas). ``cross_training: false`` keeps the search to one-domain
    specialists. ``shrinkage`` (per kind, the team file's format) is the new
    hires' leave, public holidays, sickness, training and meetings: every design is simulated
    with their absences and the analytic bounds divide by ``1 - s``.
    """

    currency: str = "EUR"
    generalist: float = Field(gt=0)
    specialist: float = Field(gt=0)
    specialist_by_domain: dict[str, float] = Field(default_factory=dict)
    cross_training: bool = True
    cross_training_premium: float = Field(default=DEFAULT_CROSS_TRAINING_PREMIUM, ge=0)
    cross_training_max_domains: int = Field(default=3, ge=2, le=6)
    constraints: Constraints = Field(default_factory=Constraints)
    shrinkage: ShrinkageByKind | None = None

    @model_validator(mode="after")
    def _positive(self) -> CostTable:
        bad = {d: c for d, c in self.specialist_by_domain.items() if c <= 0}
        if bad:
            raise ValueError(f"specialist_by_domain costs must be > 0; got {bad}")
        return self

    def specialist_cost(self, domain: str) -> float:
        return self.specialist_by_domain.get(domain, self.specialist)

    def pool_cost(self, pool: str) -> float:
        """Hourly cost of one new hire in a pool: ``generalists``, a domain, or a pair ``a+b``."""
        if pool == "generalists":
            return self.generalist
        domains = pool_domains(pool)
        dearest = max(self.specialist_cost(d) for d in domains)
        return dearest * (1 + self.cross_training_premium * (len(domains) - 1))


class MspOffers(_Model):
    """MSP contracts the planner may buy instead of in-house specialists for their domains."""

    offers: list[MspContract] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> MspOffers:
        names = [o.name for o in self.offers]
        if len(set(names)) != len(names):
            raise ValueError("MSP offer names must be unique")
        return self


class NamedDesign(_Model):
    """A design the user wants compared: a team file (relative to designs.yaml) or inline."""

    name: str
    team: str | dict[str, object]


class DesignsFile(_Model):
    designs: list[NamedDesign]


def load_costs(path: Path | str) -> CostTable:
    return load_model(path, CostTable, "costs")


def parse_costs(text: str, origin: str = "costs") -> CostTable:
    return validate(CostTable, parse_yaml(text, origin), origin, "costs")


def parse_offers(text: str | None, origin: str = "msp") -> list[MspContract]:
    """MSP offers from YAML text (none when there is no text)."""
    if text is None:
        return []
    return list(validate(MspOffers, parse_yaml(text, origin), origin, "MSP offers").offers)


def load_existing(costs_path: Path | str, costs: CostTable, team: Path | None) -> Team | None:
    """The staff who stay: ``--team`` if given, else ``constraints.existing_team`` (a path
    relative to the costs file), else nobody."""
    if team is not None:
        return load_team(team)
    named = costs.constraints.existing_team
    if named is None:
        return None
    path = Path(costs_path).parent / named
    if not path.exists():
        raise ConfigError(f"{costs_path}: 'constraints.existing_team': team file {named} not found")
    return load_team(path)


def load_offers(path: Path | str | None) -> list[MspContract]:
    if path is None:
        return []
    return list(load_model(path, MspOffers, "MSP offers").offers)


def with_named_offers(
    offers: list[MspContract], named: list[tuple[str, Team]]
) -> list[MspContract]:
    """The offers plus every MSP contract of the named teams (designs to compare, the staff
    who stay) not already offered: a contract the user put in a design is one they could
    buy, so the search must be free to choose it too. A contract whose name is taken by a
    different offer is added as ``name (from design)``."""
    out = list(offers)
    for design, team in named:
        for contract in team.msp:
            if any(o == contract for o in out):
                continue
            name = contract.name
            if any(o.name == name for o in out):
                name = f"{name} (from {design})"
            out.append(contract.model_copy(update={"name": name}))
    return out


def load_designs(path: Path | str) -> list[tuple[str, Team]]:
    """Each named design as a Team; team paths are read relative to the designs file."""
    source = Path(path)
    designs = load_model(source, DesignsFile, "designs").designs
    out: list[tuple[str, Team]] = []
    for position, design in enumerate(designs):
        origin = f"{source}: designs.{position}"
        if isinstance(design.team, str):
            team_path = source.parent / design.team
            if not team_path.exists():
                raise ConfigError(f"{origin}: team file {design.team} not found")
            out.append((design.name, load_team(team_path)))
        else:
            data = expand_counts(dict(design.team), origin)
            out.append((design.name, validate(Team, data, origin, "team")))
    return out
