"""``deskmix triage``: train, predict and evaluate the domain/tier/priority models from the shell.

Only translation lives here (options to calls, results to JSON lines and tables); the work is
in ``deskmix.triage``. This module holds the group and ``labels``, ``train`` and ``evaluate``;
``predict`` and ``score`` are ``cli/triage_predict.py`` (answers come from the triage use case,
``triage.use_case``), the shared options ``cli/triage_options.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deskmix.cli.common import DbOption, console, err_console, progress_bar, user_errors
from deskmix.cli.triage_options import (
    EncodingOpt,
    FileArg,
    FromStore,
    ImportId,
    MappingOpt,
    MatrixOpt,
    SourceOpt,
    SourceSystem,
    TargetOpt,
    frame_of,
    targets_of,
)
from deskmix.cli.triage_predict import predict_command, score_command
from deskmix.errors import InputError
from deskmix.triage.targets import LEARNT_TARGETS

if TYPE_CHECKING:
    import pandas as pd


# scikit-learn, skops and pandas are imported inside the commands that use them: at the top
# they cost every deskmix command (even --help) seconds of start-up.

app = typer.Typer(
    help="Triage: skill domain, tier and ITIL priority from a ticket's text.",
    no_args_is_help=True,
)


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
    frame, where = frame_of(
        file, from_store, db, source, mapping, source_system, import_id, encoding
    )
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

    targets = targets_of(target)
    frame, where = frame_of(
        file, from_store, db, source, mapping, source_system, import_id, encoding
    )
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


app.command("predict")(user_errors(predict_command))
app.command("score")(user_errors(score_command))


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
    from deskmix.reports.triage import evaluation_report
    from deskmix.triage.evaluate import evaluate
    from deskmix.triage.seed import default_training_frame

    if default:
        if file is not None or from_store:
            raise InputError("--default takes no FILE or --from-store")
        frame, where = default_training_frame(), "the default model's written tickets"
    else:
        frame, where = frame_of(
            file, from_store, db, source, mapping, source_system, import_id, encoding
        )
    targets = [t for t in targets_of(target) if t in LEARNT_TARGETS]
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
