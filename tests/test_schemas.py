"""docs/schemas/*.json are the models' JSON Schemas (scripts/write_schemas.py writes them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("write_schemas", ROOT / "scripts/write_schemas.py")
assert spec is not None and spec.loader is not None
write_schemas = importlib.util.module_from_spec(spec)
spec.loader.exec_module(write_schemas)


@pytest.mark.parametrize("name", sorted(write_schemas.models()))
def test_schema_file_matches_its_model(name: str) -> None:
    path = ROOT / "docs" / "schemas" / f"{name}.json"
    expected = write_schemas.schema_text(write_schemas.models()[name])
    assert path.exists(), f"run: PYTHONPATH=src python scripts/write_schemas.py ({path})"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.name} is stale: run PYTHONPATH=src python scripts/write_schemas.py"
    )


def test_every_schema_file_has_a_model() -> None:
    files = {p.stem for p in (ROOT / "docs" / "schemas").glob("*.json")}
    assert files == set(write_schemas.models())
