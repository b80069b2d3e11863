"""Click through the dashboard in a real chromium against a real server on the sample desk."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Route, expect

from deskmix.domain.taxonomy import DEFAULT_DOMAINS
from deskmix.people.answers import parse_answers
from deskmix.people.assessment import assess
from deskmix.people.catalogue import load_assessment_data
from deskmix.triage.default_model import load_default_model
from deskmix.triage.text import require_text, ticket_text
from tests.reports.htmlcheck import Page as HtmlPage

from .conftest import Watched, screenshot

PAGES = [
    ("Overview", "Overview"),
    ("Triage", "Triage a ticket"),
    ("Simulate", "Simulate a team"),
    ("Plan", "Plan the team"),
    ("People", "People"),
]
SLOW = 120_000  # milliseconds: a plan search on a busy 2-core machine


def test_every_page_by_its_navigation_link(laptop: Watched) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/")
    for link, heading in PAGES:
        page.get_by_role("navigation", name="Pages").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("link", name=link)).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Overview").click()
    expect(page.locator("#overview-body .js-plotly-plot")).to_have_count(4)
    tickets = page.locator("dl.facts dd").first
    expect(tickets).to_have_text(re.compile(r"^[1-9][\d,]*$"))
    expect(page.locator("#sla-table tbody tr")).to_have_count(5)  # P1..P5 all occur in the sample
    screenshot(laptop, "overview")
    # Other SLA targets: the figures are judged again in place (htmx), the page stays.
    first_p1 = page.locator("#sla-table tbody tr").first.inner_text()
    page.select_option("#sla", "weekday")
    expect(page.locator("#sla-table tbody tr").first).not_to_have_text(first_p1)
    expect(page.locator("#sla-table")).to_contain_text("40 h (business)")  # weekday P1 target
    expect(page.locator("#overview-body .js-plotly-plot")).to_have_count(4)
    laptop.clean()


def test_triage_shows_the_models_answer_and_why(laptop: Watched) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/triage")
    title, body = "Printer on the second floor jams", "Paper jam every time I print a PDF"
    page.fill("#title", title)
    page.fill("#description", body)
    page.get_by_role("button", name="Triage").click()
    result = page.locator(".triage-result")
    expect(result).to_be_visible()
    expected = load_default_model().predict([require_text(ticket_text(title, body))])[0]
    for target in ("domain", "tier", "priority"):
        tile = result.locator(f'[data-target="{target}"]')
        answer = expected[target]
        expect(tile.locator(".label")).to_have_text(answer.label)
        expect(tile).to_contain_text(f"confidence {100 * answer.confidence:.0f}%")
        for word in answer.explanation:
            expect(tile.locator(".words")).to_contain_text(word)
    screenshot(laptop, "triage")
    laptop.clean()


def test_triage_of_an_empty_ticket_says_what_is_missing(laptop: Watched) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/triage")
    page.get_by_role("button", name="Triage").click()
    expect(page.get_by_role("alert")).to_contain_text("ticket text is empty")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage a ticket")


def test_simulate_runs_what_ifs_with_intervals_and_a_loading_indicator(
    laptop: Watched, tmp_path: Path
) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/simulate")
    page.fill("#reps", "3")
    page.fill("#weeks", "2")
    page.fill("#load", "1.3")
    page.check('input[name="compare_policy"][value="skills_based"]')
    held: list[Route] = []
    page.route("**/simulate", lambda route: held.append(route))
    page.get_by_role("button", name="Simulate").click()
    # While the server works, the indicator shows and the button cannot be pressed twice.
    page.wait_for_function(
        "document.getElementById('simulate-busy').classList.contains('htmx-request')"
    )
    expect(page.get_by_role("button", name="Simulate")).to_be_disabled()
    held[0].continue_()
    page.unroute("**/simulate")
    table = page.locator("#kpi-table")
    expect(table).to_be_visible(timeout=SLOW)
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["KPI", "baseline", "load x1.3", "skills_based"]
    expect(table).to_contain_text("SLA resolution met")
    assert "±" in table.locator("tbody").inner_text()
    expect(page.locator("#simulate-result .js-plotly-plot")).to_have_count(2)
    expect(page.locator("#simulate-busy")).not_to_have_class(re.compile("htmx-request"))
    screenshot(laptop, "simulate")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download report (HTML)").click()
    saved = tmp_path / "simulation.html"
    info.value.save_as(saved)
    report = HtmlPage(saved.read_text(encoding="utf-8"))
    assert report.problems == [] and report.references == []
    assert "Key figures (mean ± 95% CI)" in report.headings
    assert "load x1.3" in report.text and "skills_based" in report.text
    laptop.clean()


def test_simulate_names_an_unknown_agent_instead_of_failing(laptop: Watched) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/simulate")
    page.fill("#reps", "2")
    page.fill("#absent", "Nobody Here")
    page.get_by_role("button", name="Simulate").click()
    expect(page.get_by_role("alert")).to_contain_text("no agent named 'Nobody Here'")
    expect(page.locator("#kpi-table")).to_have_count(0)


def test_plan_puts_designs_side_by_side_and_offers_the_report(
    laptop: Watched, tmp_path: Path
) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/plan")
    page.fill("#plan-reps", "3")  # a small search: in-house designs only, short runs
    page.fill("#plan-weeks", "3")
    page.fill("#max_designs", "10")
    offers = tmp_path / "msp.yaml"
    offers.write_text("offers: []\n", encoding="utf-8")  # a file chosen for a box wins
    page.set_input_files('input[name="msp_file"]', offers)
    page.get_by_role("button", name="Plan").click()
    table = page.locator("#designs-table")
    expect(table).to_be_visible(timeout=SLOW)
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:2] == ["Design", "recommended"]
    assert headers[-1] == "today's team (sample desk)"
    expect(table).to_contain_text("SLA verdict")
    expect(table).to_contain_text("cost per week, total")
    expect(page.locator(".plan-result h2")).to_contain_text("Recommended:")
    expect(page.locator("#plan-result .js-plotly-plot")).to_have_count(3)
    expect(page.locator("#search-path")).to_be_visible()
    screenshot(laptop, "plan")

    with page.expect_download(timeout=SLOW) as info:
        page.get_by_role("button", name="Download report (HTML)").click()
    saved = tmp_path / "plan.html"
    info.value.save_as(saved)
    report = HtmlPage(saved.read_text(encoding="utf-8"))
    assert report.problems == [] and report.references == []
    assert "Recommended, runners-up and your designs" in report.headings
    assert "The path the search took" in report.headings
    laptop.clean()


def test_phone_menu_collapses_and_pages_fit_the_screen(phone: Watched) -> None:
    page = phone.page
    page.goto(phone.base_url + "/")
    nav_link = page.get_by_role("link", name="Simulate")
    expect(nav_link).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulate a team")
    for path in ("/people", "/plan", "/triage", "/"):
        page.goto(phone.base_url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    screenshot(phone, "phone-overview")
    phone.clean()


def test_people_review_and_self_assessment(laptop: Watched, tmp_path: Path) -> None:
    page = laptop.page
    page.goto(laptop.base_url + "/people")
    coverage = page.locator("#coverage-table tbody tr")
    expect(coverage).to_have_count(len(DEFAULT_DOMAINS))
    expect(page.locator("#people-review .js-plotly-plot")).to_have_count(2)
    screenshot(laptop, "people")
    at_three = page.locator("#coverage-table").inner_text()
    page.select_option("#level", "5")  # hardly anyone is an authority: bus factors drop
    expect(page.locator("#coverage-table")).not_to_have_text(at_three)
    expect(page.locator("#single-points")).to_be_visible()

    with page.expect_download() as info:
        page.locator("#skills-report").click()
    saved = tmp_path / "skills.html"
    info.value.save_as(saved)
    report = HtmlPage(saved.read_text(encoding="utf-8"))
    assert report.problems == [] and report.references == []
    assert "Skills matrix" in report.headings

    page.select_option("#q-current_role", "help_desk_technician")
    page.fill("#q-years_in_it", "4")
    page.check('input[name="enjoyed_tasks"][value="packet_tracing"]')
    page.check('input[name="enjoyed_tasks"][value="wifi_design"]')
    page.select_option("#q-experience-network", "4")
    page.select_option("#q-experience-end_user", "2")
    page.get_by_role("button", name="Assess me").click()
    data = load_assessment_data(None)
    answers = parse_answers(
        {
            "current_role": "help_desk_technician",
            "years_in_it": 4,
            "enjoyed_tasks": ["packet_tracing", "wifi_design"],
            "experience": {"network": 4, "end_user": 2},
        },
        data,
    )
    expected = assess(answers, data)
    expect(page.locator("#verdict")).to_have_text(f"Verdict: {expected.verdict}")
    expect(page.locator("#roles-table tbody tr")).to_have_count(len(expected.fits))
    expect(page.locator("#assessment-result .js-plotly-plot")).to_have_count(1)
    laptop.clean()


def test_people_window_weeks_or_since(laptop: Watched) -> None:
    """A shorter window typed into the review form drops who was active only earlier (MSP
    Engineer 2 last resolved on 2025-03-31); weeks and since together are a message."""
    page = laptop.page
    page.goto(laptop.base_url + "/people")
    window = page.locator("#window")
    expect(window).to_contain_text("the default: the last 8 weeks")
    expect(page.locator("#gone")).to_have_count(0)
    page.fill("#weeks", "1")
    page.locator("#weeks").press("Tab")  # a number input reports its change when left
    expect(window).to_contain_text("from 2025-04-04 to 2025-04-11 (the last 1 week of")
    expect(page.locator("#gone")).to_contain_text("MSP Engineer 2: last resolved 2025-03-31")
    laptop.clean()
    page.fill("#since", "2025-04-01")
    page.locator("#since").press("Tab")
    expect(page.locator("#people-review [role=alert]")).to_contain_text(
        "weeks and since given together"
    )
    page.fill("#weeks", "")
    page.locator("#weeks").press("Tab")
    expect(window).to_contain_text("from 2025-04-01 to 2025-04-11 (from the date given)")
    assert all("status of 422" in error for error in laptop.console_errors)  # the message's
    assert laptop.foreign_requests == []
