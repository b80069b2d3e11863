"""The evaluation report: cross-validated quality per target, as one self-contained HTML file.

It answers the questions a desk asks before letting triage route tickets: how often is it
right, on which labels does it fail, can its confidence be trusted (reliability diagram), and
how good is it on the tickets it is sure of (accuracy at 80% coverage).
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmix.reports.charts.triage import confusion_figure, reliability_figure
from deskmix.reports.document import Report
from deskmix.triage.evaluate import TargetEvaluation

HOW_TO_READ = """\
Every ticket was predicted by a model trained without it (stratified cross-validation), so the
figures estimate quality on new tickets. Accuracy is the share predicted right; macro-F1
averages the F1 of every label, so rare labels count as much as common ones. ECE (expected
calibration error) is the mean gap between confidence and accuracy: at 0.03 a confidence of
0.90 is right 87 to 93 times in a hundred. Accuracy at 80% coverage is the accuracy on the 80%
of tickets the model was most confident about: what you get if the lowest-confidence fifth goes
to a person (raise the abstain threshold until about that share abstains).

In the reliability diagram, bars on the diagonal mean honest confidence; bars below it mean
over-confidence. The confusion matrix shows, per true label (rows), where tickets went."""


def evaluation_report(evaluations: Sequence[TargetEvaluation], *, source: str) -> Report:
    report = Report(
        "Triage evaluation",
        subtitle="Cross-validated quality of the domain, tier and priority models",
        meta={"Data": source, "Targets": ", ".join(e.target for e in evaluations)},
    )
    report.add_text("How to read this report", HOW_TO_READ)
    report.add_table(
        "Summary",
        [{"target": e.target, "folds": e.folds, **e.scores.summary()} for e in evaluations],
        columns=[
            ("target", "Target"),
            ("folds", "Folds"),
            ("n", "Tickets"),
            ("accuracy", "Accuracy"),
            ("macro_f1", "Macro-F1"),
            ("ece", "ECE"),
            ("accuracy_at_80_coverage", "Accuracy at 80% coverage"),
        ],
    )
    for e in evaluations:
        counts = [sum(row) for row in e.scores.confusion]
        report.add_table(
            f"{e.target}: F1 per label",
            [
                {"label": label, "tickets": n, "f1": e.scores.per_class_f1[label]}
                for label, n in zip(e.scores.labels, counts, strict=True)
            ],
            columns=[("label", "Label"), ("tickets", "Tickets"), ("f1", "F1")],
            note=(
                f"Left out (fewer examples than folds): {', '.join(e.dropped)}"
                if e.dropped
                else None
            ),
        )
        report.add_figure(f"{e.target}: confusion matrix", confusion_figure(e))
        report.add_figure(f"{e.target}: reliability diagram", reliability_figure(e))
    return report
