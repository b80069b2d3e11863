"""Reading the YAML files users write (teams, SLAs, what-if scenarios, workloads).

Every problem becomes one ``ConfigError`` line naming the file, the place in it and what is
wrong, because these files are edited by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from deskmix.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


# libyaml's loader when PyYAML was built with it: the same safe subset, about ten times faster
# (mapping files are read on every import, and the fuzz benchmark imports tens of thousands)
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, origin: str) -> Any:
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{origin}: not valid YAML{where}: {problem}") from exc


def read_text(path: Path | str, what: str) -> str:
    source = Path(path)
    try:
        return source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{source}: {what} file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read {what}: {exc}") from exc


def validate(model: type[M], data: Any, origin: str, what: str) -> M:
    """Validate parsed YAML against ``model``; the first three problems, each with its place."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a {what} (a mapping of settings) at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        parts = [f"'{_where(e['loc'])}': {e['msg']}" for e in errors[:3]]
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise ConfigError(f"{origin}: {'; '.join(parts)}{more}") from exc


def load_model(path: Path | str, model: type[M], what: str) -> M:
    """Read ``path`` as YAML and validate it as ``model``."""
    return validate(model, parse_yaml(read_text(path, what), str(path)), str(path), what)
