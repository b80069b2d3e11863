"""The assessment's data files: questionnaire, roles and certification catalogue.

They are YAML so a desk can reword questions, add a role or a vendor track without code; this
module checks them on load (unknown domains, missing prerequisites, cycles) because a typo in a
catalogue would otherwise surface as a silently wrong career path.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deskmix.domain.taxonomy import SkillTaxonomy
from deskmix.errors import ConfigError
from deskmix.yamlfiles import parse_yaml, validate

QUESTIONNAIRE_FILE = "questionnaire.yaml"
ROLES_FILE = "roles.yaml"
CERTIFICATIONS_FILE = "certifications.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


QuestionKind = Literal[
    "text",
    "role",
    "goal",
    "number",
    "tasks",
    "domain_levels",
    "certifications",
    "domain_list",
    "scale",
    "domain",
]


class Question(_Model):
    id: str
    kind: QuestionKind
    prompt: str
    min: int | None = None
    max: int | None = None


class Task(_Model):
    id: str
    lean: Literal["broad", "deep", "lead"]
    text: str
    domain: str | None = None


class Band(_Model):
    id: str
    upto: float
    label: str


class Cluster(_Model):
    id: str
    label: str
    domains: list[str] = Field(min_length=2, max_length=3)


class Scoring(_Model):
    weights: dict[str, float]
    bands: list[Band]
    fit_threshold: float = Field(ge=0, le=1)
    clusters: list[Cluster] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> Scoring:
        missing = sorted(set(COMPONENTS) - set(self.weights))
        if missing:
            raise ValueError(f"scoring.weights lacks {', '.join(missing)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("scoring.weights must be >= 0 with a positive sum")
        if [b.upto for b in self.bands] != sorted(b.upto for b in self.bands):
            raise ValueError("scoring.bands must be listed lowest 'upto' first")
        return self


COMPONENTS = ("depth", "peak", "tasks", "feedback", "certifications", "projects")


class Questionnaire(_Model):
    version: int
    levels: dict[int, str]
    working_level: int = Field(ge=1, le=5)
    questions: list[Question]
    tasks: list[Task]
    scoring: Scoring

    def task(self, task_id: str) -> Task:
        return next(t for t in self.tasks if t.id == task_id)


FAMILIES = (
    "support",
    "systems",
    "network",
    "security",
    "cloud",
    "data",
    "architecture",
    "management",
)
Family = Literal[
    "support", "systems", "network", "security", "cloud", "data", "architecture", "management"
]


class Role(_Model):
    id: str
    name: str
    family: Family
    seniority: int = Field(ge=1, le=5)
    sfia: int = Field(ge=1, le=7)
    nice: list[str] = Field(default_factory=list)
    tier: Literal["generalist", "specialist"]
    requires: dict[str, int]
    breadth: int = Field(ge=0)
    spectrum: tuple[float, float]
    min_years: float = Field(default=0, ge=0)
    certifications: list[str | list[str]] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)

    @property
    def certification_ids(self) -> list[str]:
        """Every certification named, alternatives included."""
        return [
            c for item in self.certifications for c in ([item] if isinstance(item, str) else item)
        ]


class Seniority(_Model):
    labels: dict[int, str]
    years: list[float] = Field(min_length=5, max_length=5)
    months_per_level: float = Field(gt=0)
    broaden: list[str]
    deepen: list[Family]
    domain_family: dict[str, Family]

    def label(self, level: int) -> str:
        return self.labels.get(level, str(level))


class RoleCatalogue(_Model):
    version: int
    seniority: Seniority
    roles: list[Role]


class Certification(_Model):
    id: str
    name: str
    vendor: str
    level: int = Field(ge=1, le=4)
    domain: str | None
    required: list[str] = Field(default_factory=list)
    recommended: list[str] = Field(default_factory=list)
    min_years: float = Field(default=0, ge=0)
    exam_usd: float = Field(default=0, ge=0)
    prep_weeks: float = Field(default=0, ge=0)

    @property
    def prerequisites(self) -> list[str]:
        """Required first, then recommended: everything that should come before this one."""
        return [*self.required, *self.recommended]


class CertificationCatalogue(_Model):
    version: int
    certifications: list[Certification]


@dataclass(frozen=True)
class AssessmentData:
    """Everything the assessment reads, checked against each other and the taxonomy."""

    questionnaire: Questionnaire
    roles: list[Role]
    certifications: dict[str, Certification]
    taxonomy: SkillTaxonomy
    seniority: Seniority

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)


def _read(folder: Path | None, name: str) -> tuple[str, str]:
    if folder is not None:
        path = folder / name
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from exc
    text = resources.files("deskmix.data").joinpath("people", name).read_text("utf-8")
    return text, f"deskmix/data/people/{name}"


def _check_domains(names: list[tuple[str, str]], taxonomy: SkillTaxonomy, origin: str) -> None:
    for where, domain in names:
        if domain not in taxonomy:
            raise ConfigError(
                f"{origin}: '{where}' names domain '{domain}'; expected one of "
                f"{', '.join(taxonomy.names)}"
            )


def _check_prerequisites(certs: dict[str, Certification], origin: str) -> None:
    for cert in certs.values():
        for pre in cert.prerequisites:
            if pre not in certs:
                raise ConfigError(f"{origin}: '{cert.id}' names unknown prerequisite '{pre}'")
    state: dict[str, int] = {}  # 1 visiting, 2 done: depth-first search for a cycle

    def visit(cid: str, trail: list[str]) -> None:
        if state.get(cid) == 2:
            return
        if state.get(cid) == 1:
            raise ConfigError(f"{origin}: prerequisites form a cycle: {' -> '.join(trail)}")
        state[cid] = 1
        for pre in certs[cid].prerequisites:
            visit(pre, [*trail, pre])
        state[cid] = 2

    for cid in certs:
        visit(cid, [cid])


def load_assessment_data(
    folder: Path | None = None, taxonomy: SkillTaxonomy | None = None
) -> AssessmentData:
    """The shipped data files, or a user's copies of all three from ``folder``."""
    taxonomy = taxonomy or SkillTaxonomy.default()
    text, origin = _read(folder, QUESTIONNAIRE_FILE)
    questionnaire = validate(Questionnaire, parse_yaml(text, origin), origin, "questionnaire")
    _check_domains(
        [(f"tasks.{t.id}.domain", t.domain) for t in questionnaire.tasks if t.domain],
        taxonomy,
        origin,
    )
    _check_domains(
        [(f"clusters.{c.id}", d) for c in questionnaire.scoring.clusters for d in c.domains],
        taxonomy,
        origin,
    )
    text, origin = _read(folder, ROLES_FILE)
    catalogue = validate(RoleCatalogue, parse_yaml(text, origin), origin, "role catalogue")
    roles = catalogue.roles
    _check_domains([(f"{r.id}.requires", d) for r in roles for d in r.requires], taxonomy, origin)
    _check_domains(
        [(f"seniority.domain_family.{d}", d) for d in catalogue.seniority.domain_family],
        taxonomy,
        origin,
    )
    text, cert_origin = _read(folder, CERTIFICATIONS_FILE)
    certs = validate(
        CertificationCatalogue,
        parse_yaml(text, cert_origin),
        cert_origin,
        "certification catalogue",
    ).certifications
    by_id = {c.id: c for c in certs}
    _check_domains([(f"{c.id}.domain", c.domain) for c in certs if c.domain], taxonomy, cert_origin)
    _check_prerequisites(by_id, cert_origin)
    role_ids = {r.id for r in roles}
    for rid in catalogue.seniority.broaden:
        if rid not in role_ids:
            raise ConfigError(f"{origin}: 'seniority.broaden' names unknown role '{rid}'")
    for role in roles:
        for cid in role.certification_ids:
            if cid not in by_id:
                raise ConfigError(f"{origin}: '{role.id}.certifications' names unknown '{cid}'")
    return AssessmentData(questionnaire, roles, by_id, taxonomy, catalogue.seniority)
