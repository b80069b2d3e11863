"""Answers to the questionnaire, from the terminal or from a YAML/JSON file, checked field by field.

Answers files are written by hand (or kept from an earlier run), so every problem names the
field and what was expected, and ids are checked against the data files rather than trusted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from deskmix.errors import InputError
from deskmix.people.catalogue import AssessmentData


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str
    name: str | None = None


class Feedback(BaseModel):
    """What others say: 1 = 'comes to me for anything' .. 5 = 'for one kind of problem'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    peers: int | None = Field(default=None, ge=1, le=5)
    supervisor: int | None = Field(default=None, ge=1, le=5)
    go_to_domain: str | None = None


class Answers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    current_role: str | None = None
    title: str | None = None
    goal: str | None = None
    years_in_it: float = Field(default=0, ge=0, le=60)
    enjoyed_tasks: list[str] = Field(default_factory=list)
    experience: dict[str, int] = Field(default_factory=dict)
    certifications: list[str] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    feedback: Feedback = Field(default_factory=Feedback)

    @field_validator("projects", mode="before")
    @classmethod
    def _plain_domains(cls, value: Any) -> Any:
        """A project may be written as just its domain name."""
        if isinstance(value, list):
            return [{"domain": v} if isinstance(v, str) else v for v in value]
        return value

    def level(self, domain: str) -> int:
        return self.experience.get(domain, 0)


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def check_answers(answers: Answers, data: AssessmentData, origin: str | None = None) -> Answers:
    """Every id in the answers must exist in the data files; levels must be 0..5."""
    domains = data.taxonomy.names
    for domain, level in answers.experience.items():
        if domain not in data.taxonomy:
            raise InputError(
                "unknown skill domain",
                file=origin,
                field=f"experience.{domain}",
                expected=f"one of {', '.join(domains)}",
            )
        if not 0 <= level <= 5:
            raise InputError(
                "level out of range",
                file=origin,
                field=f"experience.{domain}",
                value=level,
                expected="a whole number 0..5",
            )
    task_ids = [t.id for t in data.questionnaire.tasks]
    for i, task in enumerate(answers.enjoyed_tasks):
        if task not in task_ids:
            raise InputError(
                "unknown task",
                file=origin,
                field=f"enjoyed_tasks.{i}",
                value=task,
                expected=f"one of {', '.join(task_ids)}",
            )
    for i, cert in enumerate(answers.certifications):
        if cert not in data.certifications:
            raise InputError(
                "unknown certification",
                file=origin,
                field=f"certifications.{i}",
                value=cert,
                expected="an id from certifications.yaml, such as "
                + ", ".join(list(data.certifications)[:4]),
            )
    for i, project in enumerate(answers.projects):
        if project.domain not in data.taxonomy:
            raise InputError(
                "unknown skill domain",
                file=origin,
                field=f"projects.{i}.domain",
                value=project.domain,
                expected=f"one of {', '.join(domains)}",
            )
    go_to = answers.feedback.go_to_domain
    if go_to is not None and go_to not in data.taxonomy:
        raise InputError(
            "unknown skill domain",
            file=origin,
            field="feedback.go_to_domain",
            value=go_to,
            expected=f"one of {', '.join(domains)}",
        )
    from deskmix.people.titles import match_role

    role_ids = [r.id for r in data.roles]
    if answers.current_role is not None and answers.current_role not in ("other", *role_ids):
        # a job title in the person's own words: matched to a role, kept as the title
        try:
            role = match_role(answers.current_role, data, "current_role", origin)
        except InputError:
            raise InputError(
                "unknown role",
                file=origin,
                field="current_role",
                value=answers.current_role,
                expected=f"'other', a job title or one of {', '.join(role_ids)}",
            ) from None
        answers = answers.model_copy(
            update={"current_role": role.id, "title": answers.title or answers.current_role}
        )
    elif answers.current_role is None and answers.title:
        # only a title: the role it names, when one matches (else the title stays as text)
        try:
            role = match_role(answers.title, data, "title", origin)
        except InputError:
            role = None
        if role is not None:
            answers = answers.model_copy(update={"current_role": role.id})
    if answers.goal is not None:
        match_role(answers.goal, data, "goal", origin)
    return answers


def parse_answers(raw: Any, data: AssessmentData, origin: str | None = None) -> Answers:
    if not isinstance(raw, dict):
        raise InputError(
            "the answers must be a mapping of fields", file=origin, expected="name, experience, ..."
        )
    try:
        answers = Answers.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InputError(
            error["msg"],
            file=origin,
            field=_field(error["loc"]),
            value=error.get("input") if not isinstance(error.get("input"), dict) else None,
            expected=_expected(error["type"]),
        ) from None
    return check_answers(answers, data, origin)


def _expected(kind: str) -> str | None:
    return {
        "extra_forbidden": "only the fields of the questionnaire (docs/people.md)",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_parsing": "a number",
        "greater_than_equal": None,
        "less_than_equal": None,
    }.get(kind)


def load_answers(path: Path, data: AssessmentData) -> Answers:
    """Read an answers file: JSON when it ends in .json, YAML otherwise (YAML reads JSON too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("answers file not found", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the answers file: {exc}", file=path) from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {str(exc).splitlines()[0]}",
            file=path,
        ) from None
    return parse_answers(raw, data, str(path))


def write_answers(answers: Answers, path: Path) -> Path:
    """The answers as a YAML file that ``load_answers`` (and ``deskmix assess --answers``)
    reads back to the same assessment."""
    data = answers.model_dump(mode="json", exclude_defaults=True)
    header = "# deskmix assess answers (docs/people.md); run again: deskmix assess --answers FILE\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path
