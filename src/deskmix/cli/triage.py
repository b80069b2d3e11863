"""``deskmix triage``: train, predict and evaluate the domain/tier/priority models from the shell.

Only translation lives here (options to calls, results to JSON lines and tables); the work is
in ``deskmix.triage``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from deskmix.cli.common import DbOption, console, err_console, progress_bar, store_for, user_errors
from deskmix.errors import InputError
from deskmix.triage.targets import CLI_TARGETS, LEARNT_TARGETS
from deskmix.triage.text import readable_text, require_text, ticket_text

if TYPE_CHECKING:
    import pandas as pd

    from deskmix.triage.model import TriageModel

# scikit-learn, skops and pandas are imported inside the commands that use them: at the top
# they cost every deskmix command (even --help) seconds of start-up.

app = typer.Typer(
    help="Triage: skill domain, tier and ITIL priority from a ticket's text.",
    no_args_is_help=True,
)

FileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Tickets to learn from: JSON lines (.jsonl: text plus domain/tier/impact/urgency/"
        "priority) or an export read by --source with --mapping.",
        show_default=False,
    ),
]
FromStore = Annotated[
    bool, typer.Option("--from-store", help="Learn from the tickets in the store (--db).")
]
SourceOpt = Annotated[
    str, typer.Option("--source", help="Importer that reads FILE (csv, servicenow, jira, ...).")
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping", help="Mapping YAML for FILE (needed for --source csv).", show_default=False
    ),
]
SourceSystem = Annotated[
    str | None,
    typer.Option(
        "--source-system", help="With --from-store: only this source system.", show_default=False
    ),
]
ImportId = Annotated[
    int | None,
    typer.Option(
        "--import-id", help="With --from-store: only this import number.", show_default=False
    ),
]
TargetOpt = Annotated[
    str, typer.Option("--target", help="domain, tier, priority (impact+urgency) or all.")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of FILE.")]
ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        "-m",
        help="Model folder (default: the shipped default model).",
        show_default=False,
    ),
]
MatrixOpt = Annotated[
    Path | None,
    typer.Option(
        "--matrix",
        help="YAML with your priority_matrix (rows impact 1-3, columns urgency 1-3), e.g. your "
        "import mapping file; default the ITIL matrix.",
        show_default=False,
    ),
]


def _targets(target: str) -> tuple[str, ...]:
    if target not in CLI_TARGETS:
        raise InputError("unknown target", value=target, expected=", ".join(CLI_TARGETS))
    return CLI_TARGETS[target]


def _frame(
    file: Path | None,
    from_store_: bool,
    db: str | None,
    source: str,
    mapping: Path | None,
    source_system: str | None,
    import_id: int | None,
    encoding: str,
) -> tuple[pd.DataFrame, str]:
    """The training frame and a description of where it came from."""
    from deskmix.store.selection import Selection
    from deskmix.triage.sources import from_file, from_store

    if (file is None) == (not from_store_):
        raise InputError("name one source of tickets", expected="a FILE or --from-store")
    if file is not None:
        return from_file(file, source=source, mapping=mapping, encoding=encoding), str(file)
    store = store_for(db)
    try:
        selection = Selection(source_system, import_id)
        return from_store(store, selection), f"store: {selection.describe()}"
    finally:
        store.dispose()


def print_labels(frame: pd.DataFrame, where: str) -> None:
    from deskmix.triage.labels import label_summary

    table = Table(
        title=f"Labels in {where} ({len(frame):,} tickets with text)",
        box=None,
        header_style="bold underline",
    )
    for header in ("target", "labelled", "labels (most frequent first)"):
        table.add_column(header)
    for count in label_summary(frame, LEARNT_TARGETS):
        shown = ", ".join(f"{k} {v:,}" for k, v in list(count.counts.items())[:8])
        more = len(count.counts) - 8
        shown += f", ... ({more} more)" if more > 0 else ""
        table.add_row(count.target, f"{count.labelled:,}", shown or "none")
    console.print(table)


@app.command("labels")
@user_errors
def labels_command(
    file: FileArg = None,
    from_store: FromStore = False,
    db: DbOption = None,
    source: SourceOpt = "csv",
    mapping: MappingOpt = None,
    source_system: SourceSystem = None,
    import_id: ImportId = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Say which labels a dataset has, per target: what triage can learn from it."""
    frame, where = _frame(file, from_store, db, source, mapping, source_system, import_id, encoding)
    print_labels(frame, where)


@app.command("train")
@user_errors
def train_command(
    file: FileArg = None,
    from_store: FromStore = False,
    db: DbOption = None,
    source: SourceOpt = "csv",
    mapping: MappingOpt = None,
    source_system: SourceSystem = None,
    import_id: ImportId = None,
    encoding: EncodingOpt = "utf-8",
    target: TargetOpt = "all",
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write.")] = Path(
        "triage-model"
    ),
    drop_rare: Annotated[
        bool, typer.Option("--drop-rare", help="Drop labels with one example instead of stopping.")
    ] = False,
    keep_shipped: Annotated[
        bool,
        typer.Option(
            "--keep-shipped/--history-only",
            help="Answers the history has no labels for come from the shipped model.",
        ),
    ] = True,
    matrix: MatrixOpt = None,
    cues: Annotated[
        Path | None,
        typer.Option(
            "--cues",
            help="Your own cue file (the shipped data/triage/cues.yaml is the example).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Train triage models from labelled history and save them (skops + manifest.json).

    Heads the history cannot teach (no priority labels, say) are the shipped model's unless
    --history-only; a history covering fewer domains than the shipped model is named."""
    from deskmix.triage.matrix import load_matrix
    from deskmix.triage.options import TrainOptions
    from deskmix.triage.persist import save_model
    from deskmix.triage.train import train_model

    if cues is not None:
        from deskmix.triage.cues import load_cues

        load_cues(cues)  # a bad pattern is named before any training starts

    targets = _targets(target)
    frame, where = _frame(file, from_store, db, source, mapping, source_system, import_id, encoding)
    print_labels(frame, where)
    with progress_bar() as progress:
        task = progress.add_task("training", total=len(targets))

        def report(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=total)

        outcome = train_model(
            frame,
            targets,
            options=TrainOptions(cue_file=str(cues) if cues else None),
            matrix=load_matrix(matrix) if matrix else None,
            drop_rare=drop_rare,
            skip_missing=target in ("all", "priority"),
            description=f"trained on {where}",
            progress=report,
        )
    if keep_shipped:
        from deskmix.triage.default_model import load_default_model
        from deskmix.triage.train import keep_what_history_lacks

        outcome.notes += keep_what_history_lacks(outcome.model, load_default_model())
    save_model(outcome.model, out)
    for note in outcome.notes:
        console.print(f"  - {note}", highlight=False, markup=False)
    table = Table(
        title="Held out (each ticket predicted by the fold that did not learn from it)",
        box=None,
        header_style="bold underline",
    )
    for header in ("head", "tickets", "accuracy", "ECE", "acc@80%", "top label", "seconds"):
        table.add_column(header, justify="left" if header in ("head", "top label") else "right")
    for name, seconds in outcome.seconds.items():
        meta = outcome.model.models[name].metadata
        held = meta["held_out"]
        table.add_row(
            name,
            f"{meta['examples']:,}",
            f"{held['accuracy']:.3f}",
            f"{held['ece']:.3f}",
            f"{held['accuracy_at_80_coverage']:.3f}",
            f"{held['most_predicted']} {held['most_predicted_share']:.0%}",
            f"{seconds:.1f}",
        )
    console.print(table)
    console.print(
        f"Model written to {out} (answers: {', '.join(outcome.model.answers)})",
        highlight=False,
        soft_wrap=True,
    )


def _tickets_from_lines(lines: list[str], file: str | None) -> list[dict[str, Any]]:
    """Each non-empty line is one ticket; in .jsonl files a JSON object with text/title/id."""
    from deskmix.triage.sources import JSONL_SUFFIXES

    out: list[dict[str, Any]] = []
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if file is not None and Path(file).suffix.lower() in JSONL_SUFFIXES:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", file=file, row=row) from exc
            if not isinstance(record, dict):
                raise InputError("not a JSON object", file=file, row=row, expected='{"text": ...}')
            if record.get("text") and record.get("title"):
                raise InputError(
                    "give 'text' or 'title', not both",
                    file=file,
                    row=row,
                    field="text",
                )
            title, body = record.get("text") or record.get("title"), record.get("description")
            text = require_text(ticket_text(title, body), row=row, file=file)
            out.append({"id": record.get("id"), "text": text, "shown": readable_text(title, body)})
        else:
            text = require_text(line, row=row, file=file)
            out.append({"id": None, "text": text, "shown": text})
    return out


def _read_tickets(
    text: str | None, file: Path | None, encoding: str, text_column: str | None = None
) -> list[dict[str, Any]]:
    if text is not None and file is not None:
        raise InputError("give a TEXT or --file, not both")
    if text is not None:
        cleaned = require_text(text)
        return [{"id": None, "text": cleaned, "shown": cleaned}]
    if file is not None:
        from deskmix.triage.sources import CSV_SUFFIXES, read_text_file, tickets_from_csv

        content = read_text_file(file, encoding)
        if file.suffix.lower() in CSV_SUFFIXES:
            tickets = tickets_from_csv(content, str(file), text_column)
        else:
            tickets = _tickets_from_lines(content.splitlines(), str(file))
    else:
        data = sys.stdin.buffer.read()
        try:
            content = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"standard input: byte 0x{data[exc.start]:02x} is not valid {encoding}",
                expected=f"{encoding} text",
            ) from exc
        tickets = _tickets_from_lines(content.splitlines(), None)
    if not tickets:
        raise InputError("no tickets to predict", expected="one ticket text per line")
    return tickets


def _model(model: Path | None) -> TriageModel:
    from deskmix.triage.default_model import default_model_dir
    from deskmix.triage.persist import load_model

    return load_model(model if model is not None else default_model_dir())


@app.command("predict")
@user_errors
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
    from deskmix.triage.answers import answer_records, write_answers

    tickets = _read_tickets(text, file, encoding, text_column)
    triage = _model(model)
    if matrix is not None:
        from deskmix.triage.matrix import load_matrix

        triage.matrix = load_matrix(matrix)
    answers = triage.predict(
        [t["text"] for t in tickets], threshold=threshold, targets=target or None
    )
    records = answer_records(tickets, answers)
    if out is None:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    write_answers(records, out)
    err_console.print(f"{len(records):,} answers written to {out}", highlight=False)


@app.command("score")
@user_errors
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

    frame, where = _frame(file, from_store, db, source, mapping, source_system, import_id, encoding)
    results = score_model(_model(model), frame)
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


@app.command("evaluate")
@user_errors
def evaluate_command(
    file: FileArg = None,
    from_store: FromStore = False,
    db: DbOption = None,
    source: SourceOpt = "csv",
    mapping: MappingOpt = None,
    source_system: SourceSystem = None,
    import_id: ImportId = None,
    encoding: EncodingOpt = "utf-8",
    target: TargetOpt = "all",
    default: Annotated[
        bool,
        typer.Option("--default", help="Evaluate on the default model's own licence-clean data."),
    ] = False,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML report to write.")] = Path(
        "triage-report.html"
    ),
) -> None:
    """Cross-validate the models on labelled data and write an HTML report."""
    from deskmix.triage.evaluate import evaluate
    from deskmix.triage.report import evaluation_report
    from deskmix.triage.seed import default_training_frame

    if default:
        if file is not None or from_store:
            raise InputError("--default takes no FILE or --from-store")
        frame, where = default_training_frame(), "the default model's written tickets"
    else:
        frame, where = _frame(
            file, from_store, db, source, mapping, source_system, import_id, encoding
        )
    targets = [t for t in _targets(target) if t in LEARNT_TARGETS]
    with progress_bar() as progress:
        task = progress.add_task("evaluating", total=folds)

        def report(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=total)

        results = evaluate(frame, targets, folds=folds, progress=report)
    table = Table(
        title=f"Cross-validated ({folds} folds) on {where}", box=None, header_style="bold underline"
    )
    for header in ("target", "tickets", "accuracy", "macro-F1", "ECE", "acc@80%"):
        table.add_column(header, justify="left" if header == "target" else "right")
    for r in results:
        s = r.scores
        table.add_row(
            r.target,
            f"{s.n:,}",
            f"{s.accuracy:.3f}",
            f"{s.macro_f1:.3f}",
            f"{s.ece:.3f}",
            f"{s.accuracy_at_80:.3f}",
        )
    console.print(table)
    path = evaluation_report(results, source=where).write(out)
    err_console.print(f"Report written to {path}", highlight=False)
