"""The compare page: uploaded saved runs side by side, CSRF on the form, a report download."""

from __future__ import annotations

import html

import httpx

from tests.live_server import LiveServer
from tests.reports.htmlcheck import Page, light_report
from tests.test_compare import _interval, _saved
from tests.web.dashboard_http import DashboardHttp, csrf_of

WEB = DashboardHttp()
HTMX = {"HX-Request": "true"}


def _files() -> list[tuple[str, tuple[str, bytes, str]]]:
    a = _saved("today", _interval(8000.0, 300.0, 8)).model_dump_json()
    b = _saved("more people", _interval(9500.0, 300.0, 8)).model_dump_json()
    return [
        ("runs", ("today.json", a.encode(), "application/json")),
        ("runs", ("bigger.json", b.encode(), "application/json")),
    ]


def test_the_page_has_an_upload_form_with_its_csrf_field(server: LiveServer) -> None:
    response = WEB.get(f"{server.base_url}/compare")
    assert response.status_code == 200
    assert Page(response.text).problems == []
    assert 'type="file"' in response.text and 'enctype="multipart/form-data"' in response.text
    csrf_of(response.text)


def test_two_uploaded_runs_side_by_side_and_the_report(server: LiveServer) -> None:
    whole = WEB.post(f"{server.base_url}/compare", files=_files())
    assert whole.status_code == 200, whole.text
    assert "Side by side (baseline: today)" in whole.text
    assert "+1,500 [" in whole.text and " *" in whole.text  # clear difference in cost
    fragment = WEB.post(f"{server.base_url}/compare", files=_files(), headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    saved = Page(whole.text)
    assert saved.problems == []
    token = csrf_of(whole.text)
    start = whole.text.index('name="saved" value="') + len('name="saved" value="')
    value = html.unescape(whole.text[start : whole.text.index('"', start)])
    report = WEB.post(f"{server.base_url}/compare/report", data={"saved": value, "csrf": token})
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    light_report(report.text)
    assert "Key figures and differences" in report.text


def test_one_file_or_a_wrong_file_is_a_message(server: LiveServer) -> None:
    one = WEB.post(f"{server.base_url}/compare", files=_files()[:1], headers=HTMX)
    assert one.status_code == 422 and "two or more files needed" in one.text
    wrong = [("runs", ("x.json", b'{"kind": "triage"}', "application/json"))] * 2
    bad = WEB.post(f"{server.base_url}/compare", files=wrong, headers=HTMX)
    assert bad.status_code == 422 and "x.json: expected the JSON of" in bad.text


def test_a_post_without_the_csrf_token_is_refused(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        response = client.post("/compare", files=_files())
    assert response.status_code == 403
