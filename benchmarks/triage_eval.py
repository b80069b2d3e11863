"""Triage quality benchmark: deskmix next to a plain TF-IDF + logistic-regression baseline.

Run from the repository root (takes a few minutes on 2 cores):

    .venv/bin/python benchmarks/triage_eval.py [--data ../shared/data] [--handwritten-only]

First the shipped default model on the 130 hand-written tickets of tests/triage/data, per head
(domain, tier, impact, urgency, priority): accuracy, ECE, accuracy at 80% coverage and the most
frequent answer's share, next to a TF-IDF + logistic regression trained on the same written
tickets (priority composed through the same matrix) and a second person's labels of the same
tickets (how far two careful annotators agree). Then the public data sets, when present:

Fixed splits: Kaggle IT ticket topics, stratified 80/20 with seed 0; ServiceNow ticket
assignment, groups with one ticket dropped, then stratified 80/20 with seed 0. Prints, per
dataset and model: accuracy, macro-F1, ECE (15 bins), accuracy at 80% coverage, training time,
batch throughput and single-ticket p99 latency (both including explanations for deskmix).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline  # type: ignore[import-untyped]

from deskmix.triage.labels import training_frame
from deskmix.triage.metrics import score
from deskmix.triage.model import TriageModel
from deskmix.triage.targets import DOMAIN
from deskmix.triage.train import train_model

KAGGLE = "it-service-ticket-topics-kaggle/all_tickets_processed_improved_v3.csv"
SERVICENOW = "servicenow-ticket-assignment/input_data.csv"
SINGLE_TICKETS = 500


def kaggle(data: Path) -> tuple[list[str], list[str]]:
    frame = pd.read_csv(data / KAGGLE)
    texts = training_frame(frame.rename(columns={"Document": "title"}))["text"].tolist()
    return texts, frame["Topic_group"].astype(str).tolist()


def servicenow(data: Path) -> tuple[list[str], list[str]]:
    raw = pd.read_csv(data / SERVICENOW)
    frame = training_frame(
        raw.rename(columns={"Short description": "title", "Description": "description"}).assign(
            domain=raw["Assignment group"]
        )
    )
    counts = frame["domain"].value_counts()
    frame = frame[frame["domain"].map(counts) > 1]
    return frame["text"].tolist(), frame["domain"].astype(str).tolist()


def p99_ms(predict_one: Callable[[str], object], texts: Sequence[str]) -> float:
    times = []
    for text in texts[:SINGLE_TICKETS]:
        start = time.perf_counter()
        predict_one(text)
        times.append(time.perf_counter() - start)
    return float(np.percentile(times, 99) * 1000)


def row(
    name: str,
    truth: list[str],
    proba: np.ndarray,
    classes: list[str],
    train_s: float,
    batch_s: float,
    p99: float,
) -> dict[str, object]:
    s = score(truth, proba, classes)
    return {
        "model": name,
        "accuracy": s.accuracy,
        "macro_f1": s.macro_f1,
        "ece": s.ece,
        "acc@80%": s.accuracy_at_80,
        "train_s": train_s,
        "tickets/s": len(truth) / batch_s,
        "p99_ms": p99,
    }


def run_deskmix(
    xtr: list[str], ytr: list[str], xte: list[str], yte: list[str]
) -> dict[str, object]:
    frame = pd.DataFrame({"text": xtr, DOMAIN: ytr})
    for column in ("tier", "impact", "urgency", "priority"):
        frame[column] = None
    start = time.perf_counter()
    model: TriageModel = train_model(frame, [DOMAIN], drop_rare=True).model
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(xte, threshold=0.0, targets=[DOMAIN])
    batch_s = time.perf_counter() - start
    target = model.models[DOMAIN]
    proba = target.predict_proba(xte)
    p99 = p99_ms(lambda t: model.predict([t], targets=[DOMAIN]), xte)
    return row("deskmix", yte, proba, target.classes, train_s, batch_s, p99)


def run_baseline(
    xtr: list[str], ytr: list[str], xte: list[str], yte: list[str]
) -> dict[str, object]:
    model: Pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    start = time.perf_counter()
    model.fit(xtr, ytr)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    proba = model.predict_proba(xte)
    batch_s = time.perf_counter() - start
    p99 = p99_ms(lambda t: model.predict_proba([t]), xte)
    return row("tfidf+logreg", yte, proba, [str(c) for c in model.classes_], train_s, batch_s, p99)


HANDWRITTEN = Path(__file__).parent.parent / "tests" / "triage" / "data"
HEADS = ("domain", "tier", "impact", "urgency", "priority")


def baseline_model() -> TriageModel:
    """TF-IDF + logistic regression per head on the shipped model's training tickets, in
    deskmix's array form (so priority is composed the same way)."""
    from deskmix.triage.compile import compile_pipeline
    from deskmix.triage.model import TargetModel
    from deskmix.triage.seed import default_training_frame

    frame = default_training_frame()
    models = {}
    for head in ("domain", "tier", "impact", "urgency"):
        rows = frame[frame[head].notna()]
        plain = Pipeline(
            [
                ("features", FeatureUnion([("word", TfidfVectorizer(sublinear_tf=True))])),
                (
                    "classifier",
                    CalibratedClassifierCV(
                        LogisticRegression(max_iter=2000), method="temperature", cv=3
                    ),
                ),
            ]
        ).fit(rows["text"].tolist(), rows[head].astype(str).tolist())
        # logistic regression has the SVM's linear form (coef_, intercept_): it compiles too
        models[head] = TargetModel(head, compile_pipeline(plain))
    return TriageModel(models)


def handwritten() -> None:
    from deskmix.triage.default_model import load_default_model
    from deskmix.triage.holdout import score_model

    tickets = pd.read_csv(HANDWRITTEN / "handwritten_tickets.csv", dtype=str)
    second = pd.read_csv(HANDWRITTEN / "handwritten_second_annotator.csv", dtype=str)
    second = second.set_index("id").loc[tickets["id"]].reset_index()
    frame = training_frame(tickets)
    ours = {r.target: r for r in score_model(load_default_model(), frame)}
    peer = {r.target: r for r in score_model(baseline_model(), frame)}
    print(f"Hand-written tickets ({len(frame)}), shipped model vs peer vs a second annotator\n")
    print(
        "| head | deskmix acc | ECE | acc@80% | top share | tfidf+logreg acc | ECE | ratio "
        "| 2nd annotator |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for head in HEADS:
        o, p = ours[head], peer[head]
        agree = float((tickets[head] == second[head]).mean())
        print(
            f"| {head} | {o.scores.accuracy:.3f} | {o.scores.ece:.3f} | "
            f"{o.scores.accuracy_at_80:.3f} | {o.most_predicted} {o.most_predicted_share:.0%} | "
            f"{p.scores.accuracy:.3f} | {p.scores.ece:.3f} | "
            f"{o.scores.accuracy / p.scores.accuracy:.2f}x | {agree:.3f} |",
            flush=True,
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--handwritten-only", action="store_true")
    args = parser.parse_args()
    handwritten()
    if args.handwritten_only:
        return
    if not (args.data / KAGGLE).exists():
        print(f"(public data sets not found under {args.data}: skipped)")
        return
    print(
        "| dataset | model | accuracy | macro-F1 | ECE | acc@80% cov | train s | tickets/s "
        "| p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, load in (("kaggle topics", kaggle), ("servicenow groups", servicenow)):
        texts, labels = load(args.data)
        xtr, xte, ytr, yte = train_test_split(
            texts, labels, test_size=0.2, stratify=labels, random_state=0
        )
        for run in (run_deskmix, run_baseline):
            r = run(list(xtr), list(ytr), list(xte), list(yte))
            print(
                f"| {name} ({len(texts):,}) | {r['model']} | {r['accuracy']:.3f} | "
                f"{r['macro_f1']:.3f} | {r['ece']:.3f} | {r['acc@80%']:.3f} | "
                f"{r['train_s']:.1f} | {r['tickets/s']:,.0f} | {r['p99_ms']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
