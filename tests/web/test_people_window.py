"""The People page's recent window ("who is here now"): weeks or since, as the CLI takes them.

On the sample desk the history ends 2025-04-11 and MSP Engineer 2 last resolved a ticket on
2025-03-31: counted in the default 8 weeks, gone in the last week or from 2025-04-01.
"""

from __future__ import annotations

import re

import pytest

from tests.live_server import LiveServer
from tests.reports.htmlcheck import Page
from tests.web.dashboard_http import DashboardHttp

WEB = DashboardHttp()
HTMX = {"HX-Request": "true"}
EARLIER_ONLY = "MSP Engineer 2"
WINDOW = re.compile(
    r'id="window">Who is here now: (\d+) people counted, active from '
    r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d) \(([^)]*)\)"
)


def _review(server: LiveServer, query: str) -> tuple[str, tuple[str, ...]]:
    response = WEB.get(f"{server.base_url}/people?{query}", headers=HTMX)
    assert response.status_code == 200, response.text
    found = WINDOW.search(response.text)
    assert found, "the review does not say which window it counted"
    return response.text, found.groups()


def _gone(html: str) -> str:
    found = re.search(r'<ul class="reasons" id="gone">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def test_a_shorter_window_drops_a_person_active_only_earlier(server: LiveServer) -> None:
    default, (count, since, end, words) = _review(server, "declared=none")
    assert words == "the default: the last 8 weeks of the history"
    assert (since, end) == ("2025-02-14", "2025-04-11")
    assert EARLIER_ONLY not in _gone(default)

    by_weeks, (weeks_count, weeks_since, weeks_end, weeks_words) = _review(
        server, "declared=none&weeks=1"
    )
    assert weeks_words == "the last 1 week of the history"
    assert (weeks_since, weeks_end) == ("2025-04-04", "2025-04-11")
    assert int(weeks_count) < int(count)
    assert f"<strong>{EARLIER_ONLY}</strong>: last resolved 2025-03-31" in _gone(by_weeks)
    assert 'value="1"' in WEB.get(f"{server.base_url}/people?weeks=1").text  # the form keeps it

    by_date, (_, date_since, _, date_words) = _review(server, "declared=none&since=2025-04-01")
    assert (date_since, date_words) == ("2025-04-01", "from the date given")
    assert f"<strong>{EARLIER_ONLY}</strong>: last resolved 2025-03-31" in _gone(by_date)


def test_the_downloaded_review_counts_the_same_window(server: LiveServer) -> None:
    html, _ = _review(server, "weeks=1")
    link = re.search(r'id="skills-report" href="([^"]+)"', html)
    assert link and "weeks=1" in link.group(1)
    report = WEB.get(server.base_url + link.group(1).replace("&amp;", "&"))
    assert report.status_code == 200
    assert Page(report.text).problems == []
    assert f"{EARLIER_ONLY}: last resolved 2025-03-31" in report.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("weeks=1&since=2025-04-01", "weeks and since given together"),
        ("since=2025-13-01", "field &#39;since&#39;: not a date"),
        ("since=yesterday", "field &#39;since&#39;: not a date"),
        ("weeks=ten", "field &#39;weeks&#39;: not a number"),
        ("weeks=0.25", "field &#39;weeks&#39;: out of range"),
        ("weeks=1000", "field &#39;weeks&#39;: out of range"),
    ],
)
def test_a_bad_window_is_a_message_on_the_page(
    server: LiveServer, query: str, message: str
) -> None:
    fragment = WEB.get(f"{server.base_url}/people?{query}", headers=HTMX)
    assert fragment.status_code == 422
    assert message in fragment.text and "<html" not in fragment.text
    whole = WEB.get(f"{server.base_url}/people?{query}")
    assert whole.status_code == 422
    assert message in whole.text and "<html" in whole.text
    assert Page(whole.text).problems == []
    report = WEB.get(f"{server.base_url}/people/report?{query}")
    assert report.status_code == 422 and message in report.text


def test_a_window_after_the_history_counts_nobody_from_it(server: LiveServer) -> None:
    html, (count, since, _, _) = _review(server, "declared=none&since=2099-01-01")
    assert (count, since) == ("0", "2099-01-01")
    assert f"<strong>{EARLIER_ONLY}</strong>" in _gone(html)


def test_the_typed_window_stays_in_the_form_after_a_mistake(server: LiveServer) -> None:
    whole = WEB.get(f"{server.base_url}/people?weeks=2&since=2025-04-01")
    assert 'name="weeks"' in whole.text and 'value="2"' in whole.text
    assert 'value="2025-04-01"' in whole.text
