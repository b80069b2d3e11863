"""``deskmix triage predict`` and ``score``: a model's answers for tickets, and its scores on
labelled ones. Reading the tickets and the queue rule are ``deskmix.triage.use_case``'s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from deskmix.cli.common import DbOption, console, err_console
from deskmix.cli.triage_options import (
    EncodingOpt,
    FileArg,
    FromStore,
    ImportId,
    MappingOpt,
    MatrixOpt,
    ModelOpt,
    SourceOpt,
    SourceSystem,
    frame_of,
)
from deskmix.errors import InputError


def predict_command(
    text: Annotated[
        str | None,
        typer.Argument(
            help="The ticket text (else --file, else standard input).", show_default=False
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Tickets: one text per line, .jsonl objects with text/id, or a .csv with a "
            "title (or text, short_description, summary, subject) column.",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="Below this confidence the answer is 'abstain' (a person decides)."
        ),
    ] = 0.5,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            help="Only these targets (repeatable): domain, tier, priority.",
            show_default=False,
        ),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    text_column: Annotated[
        str | None,
        typer.Option(
            "--text-column",
            help="The CSV column holding the ticket text (default: the first of text, title, "
            "short_description, summary, subject, with description beside it).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the answers to a file: .csv (one row per ticket, a column per "
            "answer), .json (one array) or .jsonl; default JSON lines on standard output.",
            show_default=False,
        ),
    ] = None,
    matrix: MatrixOpt = None,
) -> None:
    """Predict domain, tier and priority; one JSON line per ticket on standard output."""
    from deskmix.triage.answers import write_answers
    from deskmix.triage.use_case import (
        TicketText,
        TriageRequest,
        load_triage_model,
        tickets_from_bytes,
        tickets_from_file,
        triage_tickets,
    )

    if text is not None and file is not None:
        raise InputError("give a TEXT or --file, not both")
    if text is not None:
        tickets = [TicketText.plain(text)]
    elif file is not None:
        tickets = tickets_from_file(file, encoding, text_column)
    else:
        tickets = tickets_from_bytes(sys.stdin.buffer.read(), encoding)
    if not tickets:
        raise InputError("no tickets to predict", expected="one ticket text per line")
    triage = load_triage_model(model, matrix)
    records = triage_tickets(TriageRequest(tickets, threshold, target), triage).records()
    if out is None:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    write_answers(records, out)
    err_console.print(f"{len(records):,} answers written to {out}", highlight=False)


def score_command(
    file: FileArg = None,
    from_store: FromStore = False,
    db: DbOption = None,
    source: SourceOpt = "csv",
    mapping: MappingOpt = None,
    source_system: SourceSystem = None,
    import_id: ImportId = None,
    encoding: EncodingOpt = "utf-8",
    model: ModelOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scores as JSON instead of a table.")
    ] = False,
) -> None:
    """Score a trained model on labelled tickets it has not seen: per head accuracy,
    calibration (ECE), accuracy on the 80% it is surest of, and its most frequent answer."""
    from deskmix.triage.holdout import score_model

    frame, where = frame_of(
        file, from_store, db, source, mapping, source_system, import_id, encoding
    )
    from deskmix.triage.use_case import load_triage_model

    results = score_model(load_triage_model(model), frame)
    if as_json:
        payload = [
            {
                "head": r.target,
                **r.scores.summary(),
                "most_predicted": r.most_predicted,
                "most_predicted_share": round(r.most_predicted_share, 4),
            }
            for r in results
        ]
        sys.stdout.write(json.dumps({"source": where, "heads": payload}, indent=1) + "\n")
        return
    table = Table(title=f"Scored on {where}", box=None, header_style="bold underline")
    for header in ("head", "tickets", "accuracy", "ECE", "acc@80%", "top label"):
        table.add_column(header, justify="left" if header in ("head", "top label") else "right")
    for r in results:
        s = r.scores
        table.add_row(
            r.target,
            f"{s.n:,}",
            f"{s.accuracy:.3f}",
            f"{s.ece:.3f}",
            f"{s.accuracy_at_80:.3f}",
            f"{r.most_predicted} {r.most_predicted_share:.0%}",
        )
    console.print(table)
