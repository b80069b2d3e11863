"""Triage as one use case: tickets' words in, per ticket the answers and the queue out.

``triage_tickets(TriageRequest, model) -> TriageResult`` is what ``deskmix triage predict``,
``POST /api/triage`` (and ``/batch``) and the dashboard's triage page call, so the rule that a
ticket with any abstaining target goes to the human queue, the default threshold and the
limits on a ticket's length and a batch's size are written once. The interfaces only read
their input into ``TicketText`` (``TicketText.of`` for a title and description) and render
the result. The model is passed in: a server keeps one loaded (``triage.model.ModelHolder``),
the CLI loads one per run (``load_triage_model``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskmix.errors import InputError
from deskmix.triage.answers import queue_for
from deskmix.triage.model import TargetPrediction, TriageModel
from deskmix.triage.targets import HUMAN_QUEUE
from deskmix.triage.text import readable_text, require_text, ticket_text

DEFAULT_THRESHOLD = 0.5
"""Below this confidence a target's answer is 'abstain' and a person decides."""
MAX_TEXT_CHARS = 20_000
"""The most characters of a ticket as typed (the title once): a ticket, not a document."""
MAX_BATCH = 1000
"""The most tickets one API request triages."""
TOP_LABELS = 3
"""Labels shown per target, most likely first (the dashboard's answer)."""


@dataclass(frozen=True)
class TicketText:
    """One ticket to triage: the text the model reads, the text a person reads, its id."""

    text: str
    """Cleaned, the title twice (``triage.text.ticket_text``)."""
    shown: str
    """Cleaned, the title once (``triage.text.readable_text``)."""
    id: object = None
    """As the source gave it (a JSON line's id may be a number); None: no id."""

    @classmethod
    def of(
        cls,
        title: object,
        description: object = None,
        *,
        id: object = None,
        row: int | None = None,
        file: str | None = None,
        max_chars: int | None = None,
    ) -> TicketText:
        """A ticket from its title and description (either may be missing); an empty one is
        an ``InputError`` naming ``row``/``file``, so is one longer than ``max_chars``."""
        text = require_text(ticket_text(title, description), row=row, file=file)
        shown = readable_text(title, description)
        if max_chars is not None and len(shown) > max_chars:
            raise InputError(
                "ticket text too long",
                field="description",
                expected=f"at most {max_chars:,} characters",
            )
        return cls(text=text, shown=shown, id=id)

    @classmethod
    def plain(cls, text: str, *, id: object = None, row: int | None = None) -> TicketText:
        """A ticket given as one text, read as it comes (shown as cleaned)."""
        cleaned = require_text(text, row=row)
        return cls(text=cleaned, shown=cleaned, id=id)


@dataclass(frozen=True)
class TriageRequest:
    """What to triage and how sure the model must be."""

    tickets: Sequence[TicketText]
    threshold: float = DEFAULT_THRESHOLD
    targets: Sequence[str] | None = None
    """Only these targets (domain, tier, priority); None: all the model answers."""


@dataclass(frozen=True)
class TriagedTicket:
    """One ticket's answers and where it goes: 'auto', or the human queue."""

    ticket: TicketText
    answers: dict[str, TargetPrediction]
    queue: str

    @property
    def abstain(self) -> bool:
        """True when any target is below the threshold (the ticket goes to a person)."""
        return self.queue == HUMAN_QUEUE

    def top(self, target: str, count: int = TOP_LABELS) -> list[tuple[str, float]]:
        """The ``count`` most likely labels of ``target`` with their probabilities."""
        probabilities = self.answers[target].probabilities
        return sorted(probabilities.items(), key=lambda kv: -kv[1])[:count]

    def record(self) -> dict[str, Any]:
        """The answer as the CLI and the answer files write it (``triage.answers``)."""
        record: dict[str, Any] = {"id": self.ticket.id} if self.ticket.id is not None else {}
        record["text"] = self.ticket.shown  # cleaned, the title once (not the model's doubling)
        record.update({name: a.as_json() for name, a in self.answers.items()})
        record["abstain"] = self.abstain
        record["queue"] = self.queue
        return record


@dataclass(frozen=True)
class TriageResult:
    """One ``TriagedTicket`` per ticket of the request, in its order."""

    tickets: list[TriagedTicket]

    def records(self) -> list[dict[str, Any]]:
        return [t.record() for t in self.tickets]


def triage_tickets(request: TriageRequest, model: TriageModel) -> TriageResult:
    """Predict every ticket's targets with ``model`` and route it to 'auto' or a person."""
    if not request.tickets:
        raise InputError("no tickets to predict", expected="one ticket text per line")
    wanted = list(request.targets) if request.targets else None
    predictions = model.predict(
        [t.text for t in request.tickets], threshold=request.threshold, targets=wanted
    )
    return TriageResult(
        [
            TriagedTicket(ticket, answer, queue_for(answer))
            for ticket, answer in zip(request.tickets, predictions, strict=True)
        ]
    )


def load_triage_model(folder: Path | None = None, matrix_file: Path | None = None) -> TriageModel:
    """The model in ``folder`` (default: the shipped one), with a desk's own ITIL matrix."""
    from deskmix.triage.default_model import default_model_dir
    from deskmix.triage.persist import load_model

    model = load_model(folder if folder is not None else default_model_dir())
    if matrix_file is not None:
        from deskmix.triage.matrix import load_matrix

        model.matrix = load_matrix(matrix_file)
    return model


# --- reading tickets from a file or standard input --------------------------------------------


def tickets_from_lines(lines: Sequence[str], file: str | None) -> list[TicketText]:
    """Each non-empty line is one ticket; in .jsonl files a JSON object with text/title/id."""
    from deskmix.triage.sources import JSONL_SUFFIXES

    jsonl = file is not None and Path(file).suffix.lower() in JSONL_SUFFIXES
    out: list[TicketText] = []
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if not jsonl:
            cleaned = require_text(line, row=row, file=file)
            out.append(TicketText(text=cleaned, shown=cleaned))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=file, row=row) from exc
        if not isinstance(record, dict):
            raise InputError("not a JSON object", file=file, row=row, expected='{"text": ...}')
        if record.get("text") and record.get("title"):
            raise InputError("give 'text' or 'title', not both", file=file, row=row, field="text")
        title, body = record.get("text") or record.get("title"), record.get("description")
        out.append(TicketText.of(title, body, id=record.get("id"), row=row, file=file))
    return out


def tickets_from_file(
    path: Path, encoding: str, text_column: str | None = None
) -> list[TicketText]:
    """Tickets from a file: a .csv/.tsv export (a text column, see ``tickets_from_csv``),
    .jsonl objects, or one text a line."""
    from deskmix.triage.sources import CSV_SUFFIXES, read_text_file, tickets_from_csv

    content = read_text_file(path, encoding)
    if path.suffix.lower() not in CSV_SUFFIXES:
        return tickets_from_lines(content.splitlines(), str(path))
    return [
        TicketText(text=str(t["text"]), shown=str(t["shown"]), id=t["id"])
        for t in tickets_from_csv(content, str(path), text_column)
    ]


def tickets_from_bytes(data: bytes, encoding: str) -> list[TicketText]:
    """Tickets from standard input: one text a line, in ``encoding``."""
    try:
        content = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input: byte 0x{data[exc.start]:02x} is not valid {encoding}",
            expected=f"{encoding} text",
        ) from exc
    return tickets_from_lines(content.splitlines(), None)
