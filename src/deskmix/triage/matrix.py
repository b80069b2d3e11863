"""A desk's own ITIL priority matrix, read from a YAML file for triage.

The key is ``priority_matrix`` (rows impact 1..3, columns urgency 1..3), as in an import
mapping file, so a desk can hand triage the mapping it already imports with.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from deskmix.domain.priority import Priority, PriorityMatrix
from deskmix.errors import InputError

EXAMPLE = "priority_matrix: [[P1, P2, P3], [P2, P3, P4], [P3, P4, P5]]"


def load_matrix(path: Path) -> PriorityMatrix:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the matrix: {exc}", file=path, expected=EXAMPLE) from exc
    rows = data.get("priority_matrix") if isinstance(data, dict) else None
    valid = {p.value for p in Priority}
    if (
        not isinstance(rows, list)
        or len(rows) != 3
        or any(not isinstance(r, list) or len(r) != 3 for r in rows)
    ):
        raise InputError(
            "no 3 x 3 priority matrix", file=path, field="priority_matrix", expected=EXAMPLE
        )
    for impact, row in enumerate(rows, start=1):
        for urgency, value in enumerate(row, start=1):
            if str(value) not in valid:
                raise InputError(
                    f"impact {impact}, urgency {urgency}: not a priority",
                    file=path,
                    field="priority_matrix",
                    value=value,
                    expected="P1 to P5",
                )
    return PriorityMatrix.from_rows([[str(v) for v in row] for row in rows])
