"""Write the JSON Schema of every ``--json`` output to docs/schemas/<name>.json.

Run after changing a result model: ``PYTHONPATH=src python scripts/write_schemas.py``;
tests/test_schemas.py fails while a file differs from its model.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def models() -> dict[str, type[BaseModel]]:
    """File name -> the model of a command's ``--json`` output."""
    from deskmix.calibrate.output import CalibrationOutput
    from deskmix.compare import ComparisonOutput
    from deskmix.people.assessment_output import AssessmentOutput
    from deskmix.people.output import SkillsOutput
    from deskmix.plan.horizon import YearPlan
    from deskmix.plan.output import PlanOutput
    from deskmix.sim.output import SimulationOutput
    from deskmix.triage.output import TriageAnswer, TriageScores
    from deskmix.validate import ValidationResult

    return {
        "calibration": CalibrationOutput,
        "validation": ValidationResult,
        "simulation": SimulationOutput,
        "plan": PlanOutput,
        "year-plan": YearPlan,
        "skills": SkillsOutput,
        "assessment": AssessmentOutput,
        "comparison": ComparisonOutput,
        "triage-answer": TriageAnswer,
        "triage-scores": TriageScores,
    }


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(mode="serialization"), indent=2) + "\n"


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, model in models().items():
        (FOLDER / f"{name}.json").write_text(schema_text(model), encoding="utf-8")
        print(f"docs/schemas/{name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
