"""``deskmix triage`` end to end: train from a file and the store, predict, evaluate, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.importers import read_source
from deskmix.importers.writer import write_import
from deskmix.sample import SAMPLE_SOURCE, sample_files
from deskmix.store import Store
from tests.reports.htmlcheck import light_report

runner = CliRunner()


def lines(output: str) -> list[dict[str, object]]:
    """The JSON lines of ``predict``, each checked against its documented schema."""
    from deskmix.triage.output import TriageAnswer

    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    for record in records:
        TriageAnswer.model_validate(record)
    return records


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.triage.conftest import EXAMPLES

    folder = tmp_path_factory.mktemp("cli")
    data = folder / "desk.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"text": t, "domain": d, "tier": tr, "impact": i, "urgency": u})
            for t, d, tr, i, u in EXAMPLES
        ),
        "utf-8",
    )
    result = runner.invoke(app, ["triage", "train", str(data), "--out", str(folder / "model")])
    assert result.exit_code == 0, result.output
    assert "answers: domain, tier, priority" in result.output
    return folder / "model"


def test_predict_text_file_and_stdin(model_dir: Path, tmp_path: Path) -> None:
    one = runner.invoke(app, ["triage", "predict", "vpn not connecting", "--model", str(model_dir)])
    assert one.exit_code == 0, one.output
    (record,) = lines(one.output)
    assert record["domain"]["label"] == "network"  # type: ignore[index]
    assert set(record) >= {"domain", "tier", "priority", "abstain", "queue"}
    tickets = tmp_path / "t.jsonl"
    tickets.write_text(
        '{"id": "A-1", "text": "reset my password"}\n\n{"id": "A-2", "title": "printer jammed"}\n'
        '{"id": "A-3", "title": "Printer jammed", "description": "tray 2 on floor 3"}\n'
    )
    many = runner.invoke(
        app, ["triage", "predict", "-f", str(tickets), "-m", str(model_dir), "--target", "domain"]
    )
    assert [r["id"] for r in lines(many.output)] == ["A-1", "A-2", "A-3"]
    # The echo is the ticket as written (the model reads the title twice beside a body).
    assert lines(many.output)[2]["text"] == "printer jammed tray 2 on floor 3"
    both = tmp_path / "both.jsonl"
    both.write_text('{"text": "vpn", "title": "vpn down"}\n')
    refused = runner.invoke(app, ["triage", "predict", "-f", str(both), "-m", str(model_dir)])
    assert refused.exit_code != 0 and "not both" in refused.output and "row 1" in refused.output
    # 'text' with a 'description' (accepted before titles had a field of their own) still works.
    text_and_body = tmp_path / "text-body.jsonl"
    text_and_body.write_text('{"text": "Printer jammed", "description": "tray 2"}\n')
    kept = runner.invoke(app, ["triage", "predict", "-f", str(text_and_body), "-m", str(model_dir)])
    assert kept.exit_code == 0 and lines(kept.output)[0]["text"] == "printer jammed tray 2"
    assert next(set(r) for r in lines(many.output)) == {"id", "text", "domain", "abstain", "queue"}
    piped = runner.invoke(
        app,
        ["triage", "predict", "-m", str(model_dir), "--threshold", "1"],
        input="wifi drops\nprinter jammed\n",
    )
    out = lines(piped.output)
    assert len(out) == 2
    for r in out:
        abstained = [a["abstain"] for a in (r["domain"], r["tier"], r["priority"])]  # type: ignore[index]
        assert r["queue"] == ("human" if any(abstained) else "auto")


def test_default_model_answers_without_training() -> None:
    result = runner.invoke(app, ["triage", "predict", "VPN down for all users"])
    assert result.exit_code == 0, result.output
    assert lines(result.output)[0]["domain"]["label"] == "network"  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["   "], None, "ticket text is empty"),
        (["vpn", "--target", "nothing"], None, "no trained 'nothing' target"),
        (["vpn", "--model", "MODEL_FILE"], None, "not a deskmix triage model"),
        ([], b"caf\xe9 down\n", "not valid utf-8"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], stdin: bytes | None, message: str, tmp_path: Path
) -> None:
    not_a_model = tmp_path / "model.skops"
    not_a_model.write_bytes(b"junk")
    args = [str(not_a_model) if a == "MODEL_FILE" else a for a in args]
    result = runner.invoke(app, ["triage", "predict", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_training_errors(tmp_path: Path) -> None:
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"text": "caf\xe9", "domain": "network"}\n')
    result = runner.invoke(app, ["triage", "train", str(latin)])
    assert result.exit_code == 2 and "not valid utf-8" in result.output
    lonely = tmp_path / "lonely.jsonl"
    lonely.write_text(
        '{"text": "vpn", "domain": "network"}\n{"text": "vpn 2", "domain": "network"}\n'
        '{"text": "pw", "domain": "accounts_access"}\n'
    )
    result = runner.invoke(
        app, ["triage", "train", str(lonely), "--target", "domain", "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 2 and "has only one example" in result.output
    result = runner.invoke(app, ["triage", "train", str(lonely), "--target", "tier"])
    assert result.exit_code == 2 and "no ticket carries a 'tier' label" in result.output


def test_evaluate_writes_a_self_contained_report(desk_jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "triage",
            "evaluate",
            str(desk_jsonl),
            "--target",
            "domain",
            "--folds",
            "3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "reliability diagram" in html and "confusion matrix" in html
    charts = light_report(html)  # under 1.5 MB, the light plotly.js, every chart's data inside
    confusion = next(c for c in charts if c.layout["yaxis"].get("ticktext"))
    labels = confusion.layout["yaxis"]["ticktext"]
    assert [t["name"] for t in confusion.traces] == labels  # a row of cells per true label
    counted = sum(sum(t["marker"]["color"]) for t in confusion.traces)
    assert counted == sum(1 for line in desk_jsonl.read_text().splitlines() if line.strip())
    assert "<script src=" not in html  # plotly.js is inlined: the file opens offline


def test_train_and_labels_from_the_store(sqlite_store: Store, tmp_path: Path) -> None:
    with sample_files() as (events, mapping):
        write_import(sqlite_store, read_source(SAMPLE_SOURCE, events, mapping_file=mapping))
    db = str(sqlite_store.engine.url.database)
    labels = runner.invoke(app, ["triage", "labels", "--from-store", "--db", db])
    assert labels.exit_code == 0, labels.output
    assert "end_user" in labels.output and "generalist" in labels.output
    result = runner.invoke(
        app,
        [
            "triage",
            "train",
            "--from-store",
            "--db",
            db,
            "--target",
            "domain",
            "--out",
            str(tmp_path / "m"),
        ],
    )
    assert result.exit_code == 0, result.output
    predicted = runner.invoke(
        app, ["triage", "predict", "printer jammed on the first floor", "-m", str(tmp_path / "m")]
    )
    assert lines(predicted.output)[0]["domain"]["label"] == "end_user"  # type: ignore[index]


def test_predict_reads_a_csv_export_by_its_header(model_dir: Path, tmp_path: Path) -> None:
    """A spreadsheet export: the header names the columns, it is not a ticket."""
    sheet = tmp_path / "tickets.csv"
    sheet.write_text(
        "number;short_description;description\n"
        'INC1;VPN not connecting;"from home, since this morning"\n'
        "INC2;printer jam on floor 2;\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["triage", "predict", "-f", str(sheet), "-m", str(model_dir)])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["INC1", "INC2"]
    assert "from home" in answers[0]["text"]
    headless = tmp_path / "headless.csv"
    headless.write_text("foo,bar\n1,2\n", encoding="utf-8")
    refused = runner.invoke(app, ["triage", "predict", "-f", str(headless), "-m", str(model_dir)])
    assert refused.exit_code == 2
    assert "headless.csv, row 1, field 'header'" in refused.output
    assert "Traceback" not in refused.output


def test_a_history_without_priorities_keeps_the_shipped_priority(tmp_path: Path) -> None:
    """An assignment export (domains, no impact, urgency or priority) no longer trains a
    model that answers no priority; the narrower domain coverage is named at training."""
    from tests.triage.conftest import EXAMPLES

    two = {"network", "end_user"}
    rows = [(t, d) for t, d, *_ in EXAMPLES if d in two]
    data = tmp_path / "assignments.jsonl"
    data.write_text("\n".join(json.dumps({"text": t, "domain": d}) for t, d in rows), "utf-8")
    kept = runner.invoke(app, ["triage", "train", str(data), "--out", str(tmp_path / "kept")])
    assert kept.exit_code == 0, kept.output
    said = " ".join(kept.output.split())  # the notes wrap at the terminal's width
    assert "answers: domain, tier, priority" in said
    assert "the shipped model's impact and urgency heads are kept" in said
    assert "domain: the history has under 10 tickets of accounts_access (0)" in said
    assert "answered by it" in said
    answer = runner.invoke(
        app, ["triage", "predict", "please reset my password", "-m", str(tmp_path / "kept")]
    )
    assert lines(answer.stdout)[0]["priority"]["label"] != ""
    assert lines(answer.stdout)[0]["domain"]["label"] == "accounts_access"  # not forgotten
    alone = runner.invoke(
        app,
        ["triage", "train", str(data), "--out", str(tmp_path / "alone"), "--history-only"],
    )
    assert alone.exit_code == 0, alone.output
    alone_said = " ".join(alone.output.split())
    assert "answers: domain" in alone_said
    assert "priority" not in alone_said.split("answers:")[1]


def test_predict_writes_csv_or_json_and_reads_a_named_text_column(
    model_dir: Path, tmp_path: Path
) -> None:
    import csv

    sheet = tmp_path / "queue.csv"
    sheet.write_text(
        "ref;notes;caller\nT1;vpn not connecting from home;ann\nT2;printer jammed again;bo\n",
        encoding="utf-8",
    )
    out = tmp_path / "answers.csv"
    args = ["triage", "predict", "-f", str(sheet), "-m", str(model_dir)]
    done = runner.invoke(app, [*args, "--text-column", "notes", "-o", str(out)])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["domain"] for r in rows] == ["network", "end_user"]
    assert {"domain_confidence", "priority", "priority_why", "queue"} <= set(rows[0])
    as_json = tmp_path / "answers.json"
    runner.invoke(app, [*args, "--text-column", "NOTES", "-o", str(as_json)])
    from deskmix.triage.output import TriageAnswer

    for record in json.loads(as_json.read_text("utf-8")):
        TriageAnswer.model_validate(record)  # the documented schema
    assert [r["domain"]["label"] for r in json.loads(as_json.read_text("utf-8"))] == [
        "network",
        "end_user",
    ]
    wrong = runner.invoke(
        app, ["triage", "predict", "-f", str(sheet), "--text-column", "body", "-o", str(out)]
    )
    assert wrong.exit_code == 2 and "a column named body" in wrong.output
    assert [r["domain"] for r in csv.DictReader(out.open(encoding="utf-8"))] == [
        "network",
        "end_user",
    ]  # the earlier answers are untouched by the failed run
    bad = runner.invoke(app, ["triage", "predict", "vpn", "-o", str(tmp_path / "a.xlsx")])
    assert bad.exit_code == 2 and "unknown output format" in bad.output


def test_score_a_model_on_labelled_tickets(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "handwritten_tickets.csv"
    result = runner.invoke(app, ["triage", "score", str(data), "--json"])
    assert result.exit_code == 0, result.output
    from deskmix.triage.output import TriageScores

    TriageScores.model_validate_json(result.stdout)  # the documented schema
    heads = {h["head"]: h for h in json.loads(result.stdout)["heads"]}
    assert set(heads) == {"domain", "tier", "impact", "urgency", "priority"}
    assert heads["domain"]["n"] == 130 and heads["domain"]["accuracy"] > 0.8
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    refused = runner.invoke(app, ["triage", "score", str(plain)])
    assert refused.exit_code == 2 and "deskmix's own column names" in refused.output


def test_training_shows_held_out_figures_and_warns_of_a_one_label_head(tmp_path: Path) -> None:
    rows = [{"text": f"printer {i} jammed", "impact": 3} for i in range(40)]
    rows += [{"text": "all users down", "impact": 1}, {"text": "whole site down", "impact": 1}]
    data = tmp_path / "skewed.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    result = runner.invoke(
        app, ["triage", "train", str(data), "--target", "priority", "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Held out" in said and "accuracy" in said
    assert "impact: few tickets (under 10) for 1 (2)" in said
    assert "impact: WARNING answers '3' for" in said


def test_a_desks_own_matrix_and_cues(model_dir: Path, tmp_path: Path) -> None:
    matrix = tmp_path / "mapping.yaml"  # the key an import mapping file uses
    matrix.write_text("priority_matrix: [[P1, P1, P1], [P1, P1, P1], [P1, P1, P1]]\n", "utf-8")
    everything_p1 = runner.invoke(
        app, ["triage", "predict", "printer jammed", "-m", str(model_dir), "--matrix", str(matrix)]
    )
    assert lines(everything_p1.stdout)[0]["priority"]["label"] == "P1"
    matrix.write_text("priority_matrix: [[P1, P2, P9], [P2, P3, P4], [P3, P4, P5]]\n", "utf-8")
    refused = runner.invoke(app, ["triage", "predict", "x", "--matrix", str(matrix)])
    assert refused.exit_code == 2
    assert "impact 1, urgency 3: not a priority (got 'P9')" in refused.output
    cues = tmp_path / "cues.yaml"
    cues.write_text("cues:\n  shouting: ['!!+']\n  bad: ['(unclosed']\n", "utf-8")
    data = Path(__file__).parent / "data" / "handwritten_tickets.csv"
    bad = runner.invoke(app, ["triage", "train", str(data), "--cues", str(cues)])
    assert bad.exit_code == 2 and "cue 'bad' has a bad pattern" in bad.output
    cues.write_text("cues:\n  shouting: ['!!+']\n", "utf-8")
    out = tmp_path / "own"
    train = ["triage", "train", str(data), "--cues", str(cues), "--target", "priority"]
    trained = runner.invoke(
        app, [*train, "--matrix", str(matrix.with_name("none.yaml")), "-o", str(out)]
    )
    assert trained.exit_code == 2 and "none.yaml" in trained.output
    matrix.write_text("priority_matrix: [[P1, P2, P3], [P2, P3, P4], [P3, P4, P4]]\n", "utf-8")
    trained = runner.invoke(app, [*train, "--matrix", str(matrix), "-o", str(out)])
    assert trained.exit_code == 0, trained.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["priority_matrix"][2][2] == "P4"
    assert manifest["targets"]["impact"]["options"]["cue_file"] == str(cues)
