"""Triage answers as records a person or a spreadsheet reads: JSON lines, JSON or CSV.

One record per ticket (``triage.use_case.TriagedTicket.record``): its id and text, per target
the label, confidence, abstain flag and the words that moved it, and the queue (``human`` when
any target abstained). The CSV flattens each target into ``<target>``,
``<target>_confidence``, ``<target>_abstain``, ``<target>_best_guess`` and ``<target>_why``
columns, so a desk can sort and filter it in Excel.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from deskmix.errors import InputError
from deskmix.triage.model import TargetPrediction
from deskmix.triage.targets import HUMAN_QUEUE

FORMATS = (".csv", ".json", ".jsonl")


def queue_for(answer: Mapping[str, TargetPrediction]) -> str:
    """'auto' when every target is confident, else the queue where a person triages: the one
    rule the CLI, the API and the dashboard share."""
    return HUMAN_QUEUE if any(a.abstain for a in answer.values()) else "auto"


def _flat(record: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": record.get("id", ""), "text": record["text"]}
    for name, value in record.items():
        if isinstance(value, dict):
            row[name] = value["label"]
            row[f"{name}_confidence"] = value["confidence"]
            row[f"{name}_abstain"] = value["abstain"]
            row[f"{name}_best_guess"] = value.get("best_guess", value["label"])
            row[f"{name}_why"] = "; ".join(value["explanation"])
    row["queue"] = record["queue"]
    return row


def write_answers(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write ``records`` by the file's extension, whole or not at all (a temporary file is
    renamed into place, so a failure never leaves half an answer file)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            "unknown output format", file=path, value=suffix, expected=", ".join(FORMATS)
        )
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise InputError("output folder not found", file=path, expected="an existing folder")
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if suffix == ".json":
                json.dump(list(records), handle, ensure_ascii=False, indent=1)
            elif suffix == ".jsonl":
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                rows = [_flat(r) for r in records]
                fields = list(dict.fromkeys(k for row in rows for k in row))
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
