"""A closure review in real Chromium: a programme leader and an observer score, the facilitator opens
a discussion question from the agenda and records the group's agreed answer, which then shows; the
pages involved have no serious or critical axe-core violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator, make_session
from tests.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def score(browser, base: str, code: str, name: str, role: str, readiness: int) -> tuple:
    """Join as `role` and answer the first step; the page and the personal link's prefix."""
    page = browser.new_context(locale="nb-NO", bypass_csp=True).new_page()
    page.goto(f"{base}/join/{code}")
    page.get_by_label("Navnet ditt").fill(name)
    page.locator(f"input[name=role_group][value={role}]").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Steg 1 av")).to_be_visible()
    page.locator("textarea[name=municipal_facilitation]").fill("En næringssjef i full stilling.")
    page.locator(f"input[name=municipality_readiness][value='{readiness}']").check(force=True)
    page.locator("input[name=competence_secured][value='4']").check(force=True)
    page.get_by_role("button", name="Neste", exact=True).click()
    expect(page.get_by_text("Steg 2 av")).to_be_visible()
    return page, page.url.rsplit("/step/", 1)[0]


def test_a_closure_review_with_an_agreed_answer_for_a_discussion_question(app, ctx):
    session = make_session("closure", year=6, title="Avslutning")
    make_facilitator(programmes=[session.programme])
    code, session_id = session.join_code, session.id
    problems = {}
    with serve(app) as base, chromium() as browser:
        leader, _ = score(browser, base, code, "Per Programleder", "leadership", 5)
        expect(leader.get_by_text("Er sluttrapporten ferdigstilt og levert?")).to_be_visible()
        observer, observer_url = score(browser, base, code, "Olga Observatør", "observer_county", 2)
        expect(observer.get_by_text("Ingenting på dette steget er rettet til din rolle.")).to_be_visible()
        expect(observer.get_by_text("Er sluttrapporten ferdigstilt og levert?")).to_have_count(0)
        problems["step-for-another-role"] = axe_violations(observer)

        facilitator = browser.new_context(locale="nb-NO", bypass_csp=True,
                                          viewport={"width": 1280, "height": 720}).new_page()
        facilitator.goto(base + "/login")
        facilitator.get_by_label("E-post").fill("leder@example.org")
        facilitator.get_by_label("Passord").fill("et-godt-passord")
        facilitator.get_by_role("button", name="Logg inn").click()

        facilitator.goto(f"{base}/sessions/{session_id}/dashboard")
        expect(facilitator.get_by_role("heading", name="Spørsmål til drøfting")).to_be_visible()
        expect(facilitator.get_by_role("heading", name="Indikatorer")).to_have_count(0)
        problems["dashboard"] = axe_violations(facilitator)
        screenshot(facilitator, "closure-dashboard")

        facilitator.goto(f"{base}/sessions/{session_id}/discussion")
        first = facilitator.locator("li.agenda-item").first
        expect(first).to_have_class("agenda-item divergent")
        problems["agenda"] = axe_violations(facilitator)
        first.get_by_role("link", name="I hvilken grad er kommunen forberedt på å føre arbeidet videre?").click()

        assert facilitator.url.endswith("#answers-municipality_readiness")
        panel = facilitator.locator("#answers-municipality_readiness-panel")
        expect(panel.get_by_text("Per Programleder:")).to_be_visible()
        problems["answers"] = axe_violations(facilitator)
        panel.locator("input[name='agreed-municipality_readiness-value'][value='3']").check(force=True)
        panel.get_by_role("button", name="Lagre felles svar").click()
        expect(facilitator.get_by_text("Det felles svaret er lagret.")).to_be_visible()

        facilitator.goto(f"{base}/sessions/{session_id}/discussion")
        expect(facilitator.locator("li.agenda-item").first).to_contain_text("Felles svar: 3 – I noen grad")
        screenshot(facilitator, "closure-agenda")
        facilitator.goto(f"{base}/sessions/{session_id}/dashboard")
        expect(facilitator.locator("#discussed-title ~ .indicator-grid")).to_contain_text(
            "Felles svar: 3 – I noen grad")

        observer.goto(f"{observer_url}/review")
        problems["review-for-another-role"] = axe_violations(observer)
    assert all(not found for found in problems.values()), problems
