"""``deskmix assess --json`` is described by its model (docs/schemas/assessment.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.people.answers import load_answers
from deskmix.people.assessment import assess
from deskmix.people.assessment_output import AssessmentOutput
from deskmix.people.catalogue import load_assessment_data

PERSONAS = sorted((Path(__file__).parent / "personas").glob("*.yaml"))
DATA = load_assessment_data()


@pytest.mark.parametrize("path", PERSONAS, ids=[p.stem for p in PERSONAS])
def test_every_persona_answer_is_the_model_exactly(path: Path) -> None:
    answer = assess(load_answers(path, DATA), DATA).to_dict()
    model = AssessmentOutput.model_validate(answer)
    # nothing the answer holds is dropped or renamed by the model, nothing is added
    assert model.model_dump(mode="json", by_alias=True) == json.loads(json.dumps(answer))


def test_the_cli_json_validates() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["assess", "--answers", str(PERSONAS[0]), "--json"])
    assert result.exit_code == 0, result.output
    model = AssessmentOutput.model_validate_json(result.stdout)
    assert model.routes and model.verdict


def test_a_key_the_model_does_not_know_is_refused() -> None:
    answer = assess(load_answers(PERSONAS[0], DATA), DATA).to_dict()
    answer["surprise"] = 1
    with pytest.raises(ValidationError, match="surprise"):
        AssessmentOutput.model_validate(answer)
