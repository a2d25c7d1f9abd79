"""A participant on a 375x667 phone, in real Chromium: the first question on the first screen, the
steps behind "Alle steg", finished steps marked, Next first and widest, Submit at the top of the
review, the fact sheet opened in the page without losing what was typed, histogram counts inside
their chart, and no serious or critical axe-core violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessment.banks import get_bank
from assessment.facilitation import set_revealed
from assessment.programmes import create_session
from tests.browser import chromium, screenshot, serve
from tests.helpers import answer_step, complete_answers, join, make_session
from tests.test_accessibility import axe_violations
from tests.test_fact_sheet_panel import fill_fact_sheet

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="nb-NO", bypass_csp=True,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


def join_on_phone(page, base: str, code: str) -> None:
    page.goto(f"{base}/join/{code}")
    page.get_by_label("Navnet ditt").fill("Mona Mobil")
    page.locator("input[name=role_group][value=leadership]").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Steg 1 av 4")).to_be_visible()


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_phone_walk_first_question_on_the_first_screen_and_submit_at_the_top(app, ctx):
    session = make_session("psv", year=2)
    code = session.join_code
    with serve(app) as base, chromium() as browser:
        page = phone_page(browser)
        join_on_phone(page, base, code)

        first = page.locator(".question").first
        box = first.bounding_box()
        legend = first.locator("legend, label").first.bounding_box()
        assert 0 <= box["y"] and legend["y"] + legend["height"] <= PHONE["height"], (box, legend)
        assert no_sideways_scrolling(page)
        screenshot(page, "phone-step-1")

        # The steps are behind the disclosure, and open in place.
        steps = page.locator(".step-nav-narrow .step-link")
        expect(steps.first).to_be_hidden()
        page.get_by_text("Alle steg").click()
        expect(steps).to_have_count(5)
        expect(steps.nth(1)).to_be_visible()

        # Next comes first and is the widest button.
        buttons = page.locator(".form-actions .button")
        assert buttons.first.inner_text() == "Neste"
        widths = [buttons.nth(i).bounding_box()["width"] for i in range(buttons.count())]
        assert widths[0] == max(widths) and widths[0] > widths[1]

        # Answer every choice on step 1; the step is then marked finished.
        for question in page.locator(".question").all():
            radios = question.locator("input[type=radio]")
            if radios.count():
                radios.first.check()
        page.get_by_role("button", name="Neste", exact=True).click()
        expect(page.get_by_text("Steg 2 av 4")).to_be_visible()
        page.get_by_text("Alle steg").click()
        expect(page.locator(".step-nav-narrow .step-link.finished")).to_have_count(1)
        expect(page.locator(".step-nav-narrow .step-link").first).to_contain_text("(ferdig)")

        # Submit from the top of the review page.
        page.get_by_role("button", name="Se over og send inn").click()
        expect(page.get_by_role("heading", name="Se over og send inn")).to_be_visible()
        submit = page.get_by_role("button", name="Send inn svarene").first
        top = submit.bounding_box()
        assert top["y"] + top["height"] <= PHONE["height"], top
        assert no_sideways_scrolling(page)
        screenshot(page, "phone-review")


def test_fact_sheet_opens_in_the_step_and_keeps_what_was_typed(app, client, ctx):
    psv = make_session("psv", year=2)
    fill_fact_sheet(client, create_session(psv.programme, get_bank("fact-sheet"), 2), jobs="19")
    code = psv.join_code
    with serve(app) as base, chromium() as browser:
        page = phone_page(browser)
        join_on_phone(page, base, code)
        page.goto(page.url.replace("/step/1", "/step/3"))
        justification = page.locator("textarea[name$='__comment']").first
        justification.fill("Tallene ser gode ut.")

        figure = page.get_by_text("19 arbeidsplasser")
        expect(figure).to_be_hidden()
        page.locator(".fact-sheet summary").click()
        expect(figure).to_be_visible()
        expect(page.locator(".fact-sheet")).to_contain_text("Nye arbeidsplasser")
        expect(justification).to_have_value("Tallene ser gode ut.")
        assert no_sideways_scrolling(page)
        screenshot(page, "phone-fact-sheet")


def test_no_serious_accessibility_violations_on_phone_pages(app, client, ctx):
    psv = make_session("psv", year=2)
    fill_fact_sheet(client, create_session(psv.programme, get_bank("fact-sheet"), 2))
    code = psv.join_code
    problems = {}
    with serve(app) as base, chromium() as browser:
        page = phone_page(browser)
        join_on_phone(page, base, code)
        token_url = page.url.rsplit("/step/", 1)[0]
        page.get_by_role("button", name="Neste", exact=True).click()  # errors shown inline
        problems["step-errors"] = axe_violations(page)
        for number in (1, 2, 3, 4):
            page.goto(f"{token_url}/step/{number}")
            page.get_by_text("Alle steg").click()
            page.locator(".fact-sheet summary").click()
            problems[f"step-{number}"] = axe_violations(page)
        page.goto(f"{token_url}/review")
        problems["review"] = axe_violations(page)
    assert {name: found for name, found in problems.items() if found} == {}


def test_histogram_counts_are_inside_their_chart_on_the_results_page(app, client, ctx):
    session = make_session("psv", year=2)
    bank = session.bank
    indicator = bank.sections[1].questions[0]
    for seed in (1, 2, 3):
        token = join(client, session, f"Deltaker {seed}")
        data, _values = complete_answers(bank, bank.sections[1], {}, seed=seed)
        data[indicator.id] = "5"  # all alike: the tallest possible bar
        assert answer_step(client, token, 2, data, action="save").status_code == 302
    set_revealed(session, indicator.id, True)
    with serve(app) as base, chromium() as browser:
        page = phone_page(browser)
        page.goto(f"{base}/p/{token}/results")
        chart = page.locator("svg.histogram").first
        expect(chart).to_be_visible()
        frame = chart.bounding_box()
        counts = chart.locator(".bar-count")
        expect(counts).to_have_count(1)
        count = counts.first.bounding_box()
        assert count["y"] >= frame["y"] and count["y"] + count["height"] <= frame["y"] + frame["height"], (count, frame)
        screenshot(page, "phone-results")
