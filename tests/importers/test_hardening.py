"""Issue 19, items 1-8: each malformed input reproduced, refused with one line or read right.

Every refusal is an ``InputError`` naming the file (and, where there is one, the row and the
field); the CLI cases check that no traceback reaches the user and that the store is unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.errors import InputError
from deskmix.importers import read_source
from deskmix.importers.jsondocs import naming_records
from deskmix.importers.jsonfiles import MAX_JSON_DEPTH
from deskmix.importers.readers import parse_delimiter
from deskmix.store import open_store
from deskmix.store.db import default_db_url

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INCIDENTS = FIXTURES / "servicenow" / "incidents.csv"
SEARCH = FIXTURES / "jira" / "search.json"
ZENDESK = FIXTURES / "zendesk" / "export.json"


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _refused(source: str, path: Path, **options: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        read_source(source, path, **options)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path.name)
    return caught.value


# --- 1. deeply nested JSON ------------------------------------------------------------------


def test_deeply_nested_arrays_are_refused_in_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    error = _refused("jira", path)
    assert "nested 100000 levels deep" in str(error)


def test_deeply_nested_objects_are_refused_in_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.json", '{"a":' * 50_000 + "1" + "}" * 50_000)
    assert f"at most {MAX_JSON_DEPTH} levels" in str(_refused("zendesk", path))


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    data = json.loads(ZENDESK.read_text())
    data["tickets"][0]["subject"] = '[[[{{{ "quoted \\" [' * 100
    batch = read_source("zendesk", _write(tmp_path, "z.json", json.dumps(data)))
    assert batch.tickets_frame["title"].iloc[0] == data["tickets"][0]["subject"]


# --- 2. integer overflow --------------------------------------------------------------------


def test_a_count_beyond_the_store_integer_is_refused(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace(
        "Beth Anglin,Beth Anglin,0,0", "Beth Anglin,Beth Anglin,1" + "0" * 30 + ",0", 1
    )
    error = _refused("servicenow", _write(tmp_path, "big.csv", text))
    assert (error.row, error.field) == (2, "reassignment_count")
    assert "too large" in error.message


def test_a_priority_of_thousands_of_digits_is_an_unknown_priority(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("4 - Low", "9" * 5000, 1)
    error = _refused("servicenow", _write(tmp_path, "p.csv", text))
    assert (error.row, error.field) == (2, "priority")


# --- 3. rows with cells missing -------------------------------------------------------------


@pytest.mark.parametrize("cut", [5, 40, 90])
def test_a_file_cut_inside_its_last_row_is_refused(tmp_path: Path, cut: int) -> None:
    data = INCIDENTS.read_bytes().rstrip(b"\n")
    error = _refused("servicenow", _write(tmp_path, "cut.csv", data[: len(data) - cut]))
    assert error.row == 7 and "the file may be cut short" in error.message
    assert error.field is not None  # the first column the row lacks


def test_a_short_row_inside_the_file_is_refused_like_a_long_one(tmp_path: Path) -> None:
    lines = INCIDENTS.read_text().splitlines(keepends=True)
    short = [*lines[:3], "INC9,2024-03-04 09:10:00\n", *lines[3:]]
    error = _refused("servicenow", _write(tmp_path, "short.csv", "".join(short)))
    assert "row has 2 cells, the header has 18" in error.message
    assert error.field == "resolved_at"


def test_every_row_one_cell_longer_than_the_header_is_refused(tmp_path: Path) -> None:
    """pandas would take the first column as an index and shift every field."""
    data = "number,opened_at\nINC1,2024-01-01 10:00,x\nINC2,2024-01-02 10:00,y\n"
    error = _refused("servicenow", _write(tmp_path, "wide.csv", data))
    assert error.row == 2 and "3 cells, the header has 2" in error.message


def test_quoted_cells_with_delimiters_and_line_breaks_still_count_right(tmp_path: Path) -> None:
    data = 'number,short_description\nINC1,"a, b\nand ""c"""\nINC2,plain\n'
    batch = read_source("servicenow", _write(tmp_path, "q.csv", data))
    assert batch.tickets_frame["title"].tolist() == ['a, b\nand "c"', "plain"]


def test_a_quoted_cell_going_on_after_its_closing_quote_is_refused(tmp_path: Path) -> None:
    """Found by benchmarks/fuzz_imports.py: pandas read "Res"et in AD. as Reset in AD." (text
    the file does not hold); the row is refused instead."""
    data = 'number,short_description\nINC1,plain\nINC2,"Res"et in AD."\n'
    error = _refused("servicenow", _write(tmp_path, "q.csv", data))
    assert error.row == 3 and "well-formed CSV" in error.message


def test_a_quote_inside_an_unquoted_cell_is_read_as_it_is(tmp_path: Path) -> None:
    data = 'number,short_description\nINC1,24" screen flickers\nINC2,"quoted, fine"\n'
    batch = read_source("servicenow", _write(tmp_path, "inch.csv", data))
    assert batch.tickets_frame["title"].tolist() == ['24" screen flickers', "quoted, fine"]


# --- 4. values longer than their column -----------------------------------------------------


def test_a_50_mb_unquoted_line_is_not_a_ticket_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "huge.csv", b"number\n" + b"A" * 50_000_000 + b"\n")
    error = _refused("servicenow", path)
    assert (error.row, error.field) == (2, "number")
    assert "longer than the store's 200" in error.message


def test_a_text_longer_than_its_column_names_row_and_field(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("Beth Anglin,0,0", "X" * 201 + ",0,0", 1)
    error = _refused("servicenow", _write(tmp_path, "long.csv", text))
    assert (error.row, error.field) == (2, "resolved_by")


def test_an_event_label_longer_than_its_column_is_refused(tmp_path: Path) -> None:
    events = FIXTURES / "servicenow" / "events.csv"
    lines = events.read_text().splitlines(keepends=True)
    row = next(csv.reader([lines[1]]))
    row[1] = "S" * 121  # incident_state: events.status is VARCHAR(120)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    path = _write(tmp_path, "ev.csv", "".join([lines[0], out.getvalue(), *lines[2:]]))
    error = _refused("servicenow-events", path)
    assert error.field is not None and "status" in error.field


# --- 5. damaged headers ---------------------------------------------------------------------


def test_a_zero_width_space_in_a_header_is_ignored(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("number", "number\u200b", 1)
    batch = read_source("servicenow", _write(tmp_path, "zw.csv", "\ufeff" + text))
    assert batch.tickets_frame["id"].iloc[0] == "INC0010001"


def test_stray_quotes_in_the_header_are_refused(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("number,opened_at", 'number,"x"y,opened_at', 1)
    error = _refused("servicenow", _write(tmp_path, "q.csv", text))
    assert error.row == 2 and "the header has 19" in error.message


def test_an_unbalanced_quote_in_the_header_is_refused(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("number,opened_at", 'number,"opened_at', 1)
    _refused("servicenow", _write(tmp_path, "q.csv", text))


# --- 6. repeats and wrong JSON types --------------------------------------------------------


def test_the_same_jira_issue_twice_in_one_page_is_refused(tmp_path: Path) -> None:
    pages = json.loads(SEARCH.read_text())
    pages[0]["issues"].append(pages[0]["issues"][0])
    error = _refused("jira", _write(tmp_path, "twice.json", json.dumps(pages)))
    assert error.field == "key" and "appears more than once" in error.message


def test_the_same_jira_issue_twice_in_a_csv_export_is_refused(tmp_path: Path) -> None:
    lines = (FIXTURES / "jira" / "export.csv").read_text().splitlines(keepends=True)
    rows = list(csv.reader(io.StringIO("".join(lines))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*rows, rows[1]])
    error = _refused("jira", _write(tmp_path, "twice.csv", out.getvalue()))
    assert "appears more than once" in error.message


def test_a_zendesk_ticket_twice_in_one_page_is_refused(tmp_path: Path) -> None:
    data = json.loads(ZENDESK.read_text())
    data["tickets"].append(data["tickets"][0])
    assert "appears more than once" in str(
        _refused("zendesk", _write(tmp_path, "z.json", json.dumps(data)))
    )


def test_a_jira_summary_given_as_a_list_is_refused(tmp_path: Path) -> None:
    pages = json.loads(SEARCH.read_text())
    pages[0]["issues"][0]["fields"]["summary"] = ["a", "b"]
    error = _refused("jira", _write(tmp_path, "list.json", json.dumps(pages)))
    assert (error.row, error.field) == (1, "summary")
    assert "a JSON list where a value was expected" in error.message


def test_a_zendesk_subject_given_as_an_object_is_refused(tmp_path: Path) -> None:
    data = json.loads(ZENDESK.read_text())
    data["tickets"][1]["subject"] = {"a": 1}
    error = _refused("zendesk", _write(tmp_path, "obj.json", json.dumps(data)))
    assert (error.row, error.field) == (2, "subject")


def test_a_jira_priority_object_without_a_name_is_refused(tmp_path: Path) -> None:
    pages = json.loads(SEARCH.read_text())
    pages[0]["issues"][0]["fields"]["priority"] = {"id": "3"}
    error = _refused("jira", _write(tmp_path, "p.json", json.dumps(pages)))
    assert error.field == "priority"


# --- 7. delimiters and UTF-16 ---------------------------------------------------------------


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(INCIDENTS.read_text())))


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_other_delimiters_are_detected_and_reported(
    tmp_path: Path, delimiter: str, name: str
) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(_rows())
    path = _write(tmp_path, "d.csv", out.getvalue())
    batch = read_source("servicenow", path)
    assert batch.ticket_count == 6
    assert f"{name}-delimited (detected from the header)" in batch.notes[0]
    given = read_source("servicenow", path, delimiter=delimiter)
    assert f"{name}-delimited (as given)" in given.notes[0]
    assert given.tickets_frame.equals(batch.tickets_frame)


def test_a_comma_file_gets_no_reading_note() -> None:
    assert not any(n.startswith("read as") for n in read_source("servicenow", INCIDENTS).notes)


def test_excel_unicode_text_is_decoded(tmp_path: Path) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(_rows())
    path = _write(tmp_path, "unicode.txt", out.getvalue().encode("utf-16"))
    batch = read_source("servicenow", path)
    assert batch.ticket_count == 6
    assert batch.notes[0].startswith("read as UTF-16 text, tab-delimited")


def test_json_in_utf16_is_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path, "z.json", ZENDESK.read_text().encode("utf-16"))
    assert read_source("zendesk", path).ticket_count > 0


def test_bad_utf16_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.csv", "number\nINC1\n".encode("utf-16") + b"\x00\xd8")
    assert "not valid utf-16" in str(_refused("servicenow", path))


@pytest.mark.parametrize(("given", "meant"), [("tab", "\t"), (";", ";"), ("\\t", "\t")])
def test_delimiter_names(given: str, meant: str) -> None:
    assert parse_delimiter(given) == meant


@pytest.mark.parametrize("given", ["", "ab", '"', "x", "\u00a7"])
def test_unusable_delimiters_are_refused(given: str) -> None:
    with pytest.raises(InputError, match="field 'delimiter'"):
        parse_delimiter(given)


def test_cli_takes_a_delimiter_and_says_so(tmp_path: Path) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(_rows())
    path = _write(tmp_path, "semi.csv", out.getvalue())
    db = tmp_path / "s.db"
    result = CliRunner().invoke(
        app, ["import", "servicenow", str(path), "--db", str(db), "--delimiter", "semicolon"]
    )
    assert result.exit_code == 0, result.output
    assert "semicolon-delimited (as given)" in result.output


# --- 8. DESKMIX_DB as a path ------------------------------------------------------------------


def test_deskmix_db_may_name_an_absolute_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKMIX_DB", str(tmp_path / "abs.db"))
    result = CliRunner().invoke(app, ["import", "servicenow", str(INCIDENTS)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "abs.db").is_file()


def test_deskmix_db_may_name_a_relative_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DESKMIX_DB", "rel.db")
    assert default_db_url() == "sqlite:///rel.db"
    store = open_store()
    store.dispose()
    assert (tmp_path / "rel.db").is_file()


# --- the CLI: one line, exit 2, nothing written ---------------------------------------------


def test_cli_refusal_is_one_line_and_leaves_the_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["import", "servicenow", str(INCIDENTS), "--db", str(db)]).exit_code == 0
    )
    before = open_store(db).counts()
    deep = _write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    result = runner.invoke(app, ["import", "jira", str(deep), "--db", str(db)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert open_store(db).counts() == before


# --- found by the fuzz tests ----------------------------------------------------------------


def test_a_servicenow_table_api_cell_given_as_a_list_is_refused(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "servicenow" / "table_api_display.json").read_text())
    data["result"][0]["short_description"] = ["a", "b"]
    error = _refused("servicenow", _write(tmp_path, "t.json", json.dumps(data)))
    assert (error.row, error.field) == (1, "short_description")


def test_a_date_outside_the_storable_range_is_unparseable(tmp_path: Path) -> None:
    text = INCIDENTS.read_text().replace("2024-03-04 09:40:00", "-3", 1)
    error = _refused("servicenow", _write(tmp_path, "d.csv", text))
    assert (error.row, error.field) == (2, "resolved_at")
    assert "unparseable date" in error.message


def test_an_adf_node_whose_type_is_an_object_contributes_nothing(tmp_path: Path) -> None:
    pages = json.loads(SEARCH.read_text())
    description = pages[0]["issues"][0]["fields"]["description"]
    description["content"].append({"type": {"a": 1}, "content": []})
    batch = read_source("jira", _write(tmp_path, "adf.json", json.dumps(pages)))
    assert batch.ticket_count == 3


def test_a_mapped_jira_field_holding_an_unnamed_object_is_refused(tmp_path: Path) -> None:
    pages = json.loads(SEARCH.read_text())
    fields = pages[0]["issues"][0]["fields"]
    team = next(k for k, v in pages[0]["names"].items() if v == "Team")
    fields[team] = {"id": "t2"}
    error = _refused("jira", _write(tmp_path, "team.json", json.dumps(pages)))
    assert (error.row, error.field) == (1, "Team")


def test_a_zendesk_sideloaded_name_that_is_an_object_is_refused(tmp_path: Path) -> None:
    """Found by the fuzz tests: a user's name given as an object was stored as its repr."""
    export = {
        "tickets": [
            {
                "id": 1,
                "subject": "Printer jam",
                "created_at": "2024-01-02T09:00:00Z",
                "assignee_id": 7,
                "status": "solved",
            }
        ],
        "users": [{"id": 7, "name": {"name": "n"}}],
    }
    path = tmp_path / "zendesk.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    with pytest.raises(InputError, match=r"users\.name"):
        read_source("zendesk", path)


# --- every source's exports: the same refusals and readings ---------------------------------

JSON_EXPORTS = [
    ("jira", SEARCH),
    ("zendesk", ZENDESK),
    ("servicenow", FIXTURES / "servicenow" / "table_api_display.json"),
    ("freshservice", FIXTURES / "freshservice" / "tickets.json"),
    ("glpi", FIXTURES / "glpi" / "tickets.json"),
]
CSV_EXPORTS = [
    ("servicenow", INCIDENTS),
    ("jira", FIXTURES / "jira" / "export.csv"),
    ("freshservice", FIXTURES / "freshservice" / "tickets.csv"),
    ("glpi", FIXTURES / "glpi" / "tickets.csv"),
]


@pytest.mark.parametrize(("source", "export"), JSON_EXPORTS, ids=[s for s, _ in JSON_EXPORTS])
def test_every_json_source_refuses_deep_nesting_and_reads_utf16(
    tmp_path: Path, source: str, export: Path
) -> None:
    deep = _write(tmp_path, "deep.json", "[" * 10_000 + "]" * 10_000)
    assert f"at most {MAX_JSON_DEPTH} levels" in str(_refused(source, deep))
    wide = _write(tmp_path, "wide.json", export.read_text(encoding="utf-8").encode("utf-16"))
    assert read_source(source, wide).ticket_count == read_source(source, export).ticket_count
    cut = _write(tmp_path, "cut.json", export.read_bytes()[: len(export.read_bytes()) // 2])
    assert "not valid JSON" in str(_refused(source, cut))


@pytest.mark.parametrize(("source", "export"), CSV_EXPORTS, ids=[s for s, _ in CSV_EXPORTS])
def test_every_csv_source_refuses_broken_files_and_reads_excel_unicode_text(
    tmp_path: Path, source: str, export: Path
) -> None:
    text = export.read_text(encoding="utf-8")
    expected = read_source(source, export).ticket_count
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if source == "glpi" else ","))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    wide = _write(tmp_path, "unicode.txt", out.getvalue().encode("utf-16"))
    batch = read_source(source, wide)
    assert batch.ticket_count == expected
    assert batch.notes[0].startswith("read as UTF-16 text, tab-delimited")
    header = text.splitlines()[0]
    short = _write(tmp_path, "short.csv", header + "\n" + text.splitlines()[1][:3] + "\n")
    assert "cells, the header has" in str(_refused(source, short))
    assert "file is empty" in str(_refused(source, _write(tmp_path, "empty.csv", "")))
    binary = _write(tmp_path, "binary.csv", b"\x00\x01\x02" * 100)
    assert "binary file" in str(_refused(source, binary))


def test_a_record_key_with_a_line_break_keeps_the_error_on_one_line() -> None:
    """Found by the import fuzzer: a Jira key cell holding a line break was put into the
    message as it was, splitting the one-line error."""
    with pytest.raises(InputError) as caught, naming_records({3: "line\nbreak"}, "issue"):
        raise InputError("unknown priority", row=3, field="priority")
    assert "\n" not in str(caught.value)
    assert "issue 'line\\nbreak': unknown priority" in str(caught.value)
    with pytest.raises(InputError) as plain, naming_records({3: "ABC-1"}, "issue"):
        raise InputError("unknown priority", row=3, field="priority")
    assert "issue ABC-1: unknown priority" in str(plain.value)
