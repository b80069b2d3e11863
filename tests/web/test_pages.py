"""The dashboard over plain HTTP: pages, fragments, user errors as messages, local assets only."""

from __future__ import annotations

import httpx

from tests.live_server import LiveServer
from tests.reports.htmlcheck import Page
from tests.web.dashboard_http import DashboardHttp

WEB = DashboardHttp()  # a browser's cookies and CSRF token on every POST

HTMX = {"HX-Request": "true"}
PAGES = ("/", "/triage", "/simulate", "/plan", "/people", "/validate", "/compare")
QUICK_RUN = {"team": "sample", "reps": "2", "weeks": "1", "load": "1.2", "seed": "3"}


def test_pages_are_well_formed_and_reference_only_this_server(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("text/html")
            page = Page(response.text)
            assert page.problems == [], (path, page.problems)
            for reference in page.references:
                assert reference.startswith("/"), (path, reference)  # same host, no CDN
                assert client.get(reference).status_code == 200, reference


def test_a_wrong_choice_in_the_address_is_a_message_not_a_server_error(
    server: LiveServer,
) -> None:
    response = WEB.get(f"{server.base_url}/?sla=nonsense")
    assert response.status_code == 422
    assert "field &#39;sla&#39;: unknown choice" in response.text
    assert "<html" in response.text  # a page a person can read, not JSON


def test_htmx_gets_a_fragment_and_a_plain_form_post_gets_the_whole_page(
    server: LiveServer,
) -> None:
    form = {"title": "Cannot log in, password expired", "threshold": "0.5"}
    fragment = WEB.post(f"{server.base_url}/triage", data=form, headers=HTMX)
    whole = WEB.post(f"{server.base_url}/triage", data=form)
    assert fragment.status_code == whole.status_code == 200
    assert "<html" not in fragment.text and 'class="triage-result"' in fragment.text
    assert "<html" in whole.text and 'class="triage-result"' in whole.text
    assert 'value="Cannot log in, password expired"' in whole.text  # the form is kept


def test_bad_form_values_name_the_field_and_what_was_expected(server: LiveServer) -> None:
    cases = {
        "/simulate": ({"reps": "ten"}, "field &#39;reps&#39;: not a number"),
        "/plan": ({"weeks": "999"}, "field &#39;weeks&#39;: out of range"),
        "/triage": ({"threshold": "2"}, "field &#39;threshold&#39;: out of range"),
    }
    for path, (form, message) in cases.items():
        response = WEB.post(f"{server.base_url}{path}", data=form, headers=HTMX)
        assert response.status_code == 422, path
        assert message in response.text, (path, response.text)
        assert 'role="alert"' in response.text


def test_a_pasted_team_that_is_not_a_team_says_where(server: LiveServer) -> None:
    form = {"team": "custom", "team_yaml": "name: tiny\nagents:\n  - {name: Ann, kind: wizard}"}
    response = WEB.post(f"{server.base_url}/simulate", data=form, headers=HTMX)
    assert response.status_code == 422
    assert "pasted team: &#39;agents.0.kind&#39;" in response.text


def test_the_downloaded_report_holds_the_numbers_shown_on_the_page(server: LiveServer) -> None:
    started = WEB.post(f"{server.base_url}/simulate", data=QUICK_RUN, headers=HTMX, timeout=120)
    assert started.status_code == 200
    shown = WEB.until_done(server.base_url, started)
    assert shown.status_code == 200
    cells = Page(shown.text).cells
    report = WEB.post(f"{server.base_url}/simulate/report", data=QUICK_RUN, timeout=120)
    assert report.status_code == 200
    assert report.headers["content-disposition"].startswith("attachment;")
    document = Page(report.text)
    assert document.references == []  # self-contained
    figures = [c for c in cells if "±" in c]
    assert figures, "the page shows intervals"
    assert set(figures) <= set(document.cells)


def test_an_empty_store_explains_what_to_do(empty_server: LiveServer) -> None:
    overview = WEB.get(empty_server.base_url + "/")
    assert overview.status_code == 200
    assert "The store holds no tickets yet" in overview.text
    simulated = WEB.post(empty_server.base_url + "/simulate", data=QUICK_RUN, headers=HTMX)
    assert simulated.status_code == 422
    assert "no tickets to calibrate from" in simulated.text
    triaged = WEB.post(
        empty_server.base_url + "/triage", data={"title": "VPN is down"}, headers=HTMX
    )
    assert triaged.status_code == 200  # the shipped model needs no stored tickets


def test_people_inputs_out_of_range_are_messages(server: LiveServer) -> None:
    review = WEB.get(f"{server.base_url}/people?level=9")
    assert review.status_code == 422
    assert "field &#39;level&#39;: out of range" in review.text
    assessed = WEB.post(
        f"{server.base_url}/people/assess", data={"experience.network": "9"}, headers=HTMX
    )
    assert assessed.status_code == 422
    assert "field &#39;experience.network&#39;: out of range" in assessed.text
    unknown = WEB.post(
        f"{server.base_url}/people/assess", data={"certifications": "wizard_cert"}, headers=HTMX
    )
    assert unknown.status_code == 422
    assert "unknown certification" in unknown.text


def test_without_javascript_a_simulation_returns_the_page_with_results(
    server: LiveServer,
) -> None:
    response = WEB.post(f"{server.base_url}/simulate", data=QUICK_RUN, timeout=120)
    assert response.status_code == 200
    page = Page(response.text)
    assert page.problems == []
    assert "<h1>Simulate a team</h1>" in response.text  # the whole page, not a fragment
    assert 'id="kpi-table"' in response.text
    assert 'value="1.2"' in response.text  # the what-if stays filled in


def test_a_plan_that_keeps_todays_people_only_adds_hires(server: LiveServer) -> None:
    # 3 replications: with 2 the t-interval (t = 12.7) on the few P2 tickets is too wide for
    # the P2 target even for the team of today.
    form = {"reps": "3", "weeks": "2", "max_designs": "4", "keep": "on"}
    response = WEB.until_done(
        server.base_url,
        WEB.post(f"{server.base_url}/plan", data=form, headers=HTMX, timeout=300),
        timeout=300,
    )
    assert response.status_code == 200, response.text
    assert "people of" in response.text and "stay" in response.text
    assert "new hire(s)" in response.text


def test_a_plan_with_a_budget_shows_the_frontier(server: LiveServer) -> None:
    form = {"reps": "3", "weeks": "2", "max_designs": "6", "budget": "1500000"}
    response = WEB.until_done(
        server.base_url,
        WEB.post(f"{server.base_url}/plan", data=form, headers=HTMX, timeout=300),
        timeout=300,
    )
    assert response.status_code == 200, response.text
    assert "Budget mode" in response.text and 'id="frontier"' in response.text
    assert 'name="budget" value="1500000"' in response.text
    poor = WEB.until_done(
        server.base_url,
        WEB.post(
            f"{server.base_url}/plan", data={**form, "budget": "1000"}, headers=HTMX, timeout=300
        ),
        timeout=300,
    )
    assert poor.status_code == 422 and "cheapest possible design" in poor.text


def test_the_validate_page_back_tests_the_sample_desk(server: LiveServer) -> None:
    form = {"sla": "default", "reps": "2", "seed": "0", "holdout": "0"}
    fragment = WEB.post(f"{server.base_url}/validate", data=form, headers=HTMX, timeout=120)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "full history" in fragment.text and "figures within tolerance" in fragment.text
    assert "generalist_first" in fragment.text
    whole = WEB.post(f"{server.base_url}/validate", data=form, timeout=120)
    assert whole.status_code == 200 and Page(whole.text).problems == []
    assert 'aria-current="page">Validate' in whole.text
    bad = WEB.post(f"{server.base_url}/validate", data={**form, "holdout": "2"}, headers=HTMX)
    assert bad.status_code == 422 and "holdout" in bad.text


def test_the_year_page_plans_each_quarter_on_top_of_todays_team(server: LiveServer) -> None:
    assert WEB.get(f"{server.base_url}/year").status_code == 200
    form = {"growth": "0.4", "quarters": "2", "reps": "3", "weeks": "2", "max_designs": "4"}
    started = WEB.post(f"{server.base_url}/year", data=form, headers=HTMX, timeout=300)
    fragment = WEB.until_done(server.base_url, started, timeout=300)
    assert fragment.status_code == 200, fragment.text
    assert "<html" not in fragment.text
    assert (
        'id="year-table"' in fragment.text and "Q1 (" in fragment.text and "Q2 (" in fragment.text
    )
    bad = WEB.post(f"{server.base_url}/year", data={**form, "quarters": "12"}, headers=HTMX)
    assert bad.status_code == 422 and "quarters" in bad.text


def test_a_plan_with_the_project_beside_the_tickets_says_how_it_is_delivered(
    server: LiveServer,
) -> None:
    form = {"reps": "3", "weeks": "2", "max_designs": "4"}  # the demo's portfolio, by default
    response = WEB.until_done(
        server.base_url,
        WEB.post(f"{server.base_url}/plan", data=form, headers=HTMX, timeout=300),
        timeout=300,
    )
    assert response.status_code == 200, response.text
    assert 'id="plan-projects"' in response.text
    assert "Firewall and VPN review" in response.text or "on time" in response.text
    assert 'id="search-path"' in response.text and "the demo&#39;s weekday" not in response.text
    assert "SLA targets: the SLA targets on the form" in response.text
    none = WEB.until_done(
        server.base_url,
        WEB.post(
            f"{server.base_url}/plan", data={**form, "projects": ""}, headers=HTMX, timeout=300
        ),
        timeout=300,
    )
    assert none.status_code == 200 and 'id="plan-projects"' not in none.text


def test_the_plan_page_offers_the_team_as_a_file(server: LiveServer) -> None:
    """The dashboard's ``--out``: the recommended design as a team file simulate can read."""
    from deskmix.teamfiles import parse_team

    form = {"reps": "3", "weeks": "2", "max_designs": "4"}
    response = WEB.post(f"{server.base_url}/plan/team", data=form, timeout=300)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith("# Recommended by 'deskmix plan'")
    team = parse_team(response.text, "downloaded team")
    assert team.agents
