"""The presenter view on a 1280x720 wall in Debian's Chromium: the join code without scrolling, an
indicator put on the wall and revealed from the laptop's tab showing within a second, the keys,
the plain page without JavaScript, and no serious or critical axe-core violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator
from tests.test_accessibility import axe_violations
from tests.test_workshop import score_plan_apart_and_jobs_close

pytestmark = pytest.mark.browser

WALL = {"width": 1280, "height": 720}


def logged_in_context(browser, base: str, **options):
    context = browser.new_context(locale="nb-NO", viewport=WALL, **options)
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("E-post").fill("leder@example.org")
    page.get_by_label("Passord").fill("et-godt-passord")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Programmer")).to_be_visible()
    return context, page


def in_first_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= WALL["height"]


def test_the_wall_shows_the_code_then_what_the_laptop_reveals_within_a_second(app, mini):
    make_facilitator(programmes=[mini.programme])
    score_plan_apart_and_jobs_close(app, mini)
    session_id, code = mini.id, mini.join_code
    with serve(app) as base, chromium() as browser:
        context, wall = logged_in_context(browser, base, bypass_csp=True)
        wall.goto(f"{base}/sessions/{session_id}/presenter")
        expect(wall.locator(".presenter-code")).to_have_text(code)
        assert in_first_viewport(wall, ".presenter-code") and in_first_viewport(wall, ".presenter-qr")
        assert wall.evaluate("document.documentElement.scrollHeight") <= WALL["height"]
        assert wall.locator(".site-header").count() == 0
        screenshot(wall, "presenter-join-1280x720")
        assert axe_violations(wall) == []

        laptop = context.new_page()  # the facilitator's own tab
        laptop.goto(f"{base}/sessions/{session_id}/indicators/plan")
        laptop.get_by_role("button", name="Vis på skjermen").click()
        expect(laptop.get_by_text("Vises på skjermen.")).to_be_visible()
        expect(wall.get_by_role("heading", name="Planarbeid")).to_be_visible(timeout=2000)
        expect(wall.get_by_text("3 svar er kommet inn.")).to_be_visible()
        expect(wall.locator(".headline-stats")).to_have_count(0)

        # When the results appear on the wall, by the wall's own clock (one machine, one clock).
        wall.evaluate("""() => { window.shownAt = null;
            new MutationObserver(() => { if (!window.shownAt && document.querySelector('#live .headline-stats'))
                window.shownAt = Date.now(); }).observe(document.getElementById('live'), {childList: true, subtree: true}); }""")
        pressed_at = laptop.evaluate("Date.now()")
        laptop.get_by_role("button", name="Vis for deltakerne").click()
        wall.wait_for_function("window.shownAt !== null", timeout=5000)
        delay = wall.evaluate("window.shownAt") - pressed_at
        assert delay < 1000, f"the wall showed the revealed results after {delay} ms"
        expect(wall.locator(".headline-stats")).to_contain_text("Median6")
        expect(wall.get_by_text("Omstillingsledelsen n=2")).to_be_visible()
        screenshot(wall, "presenter-indicator-1280x720")
        assert axe_violations(wall) == []


def test_the_keys_on_the_wall_move_through_the_agenda(app, mini):
    make_facilitator(programmes=[mini.programme])
    score_plan_apart_and_jobs_close(app, mini)
    session_id = mini.id
    with serve(app) as base, chromium() as browser:
        _context, wall = logged_in_context(browser, base)
        wall.goto(f"{base}/sessions/{session_id}/presenter")
        wall.keyboard.press("ArrowRight")
        expect(wall.get_by_role("heading", name="Planarbeid")).to_be_visible()
        expect(wall.locator("#live-announce")).to_have_text("På skjermen: Planarbeid")
        wall.keyboard.press("Space")
        expect(wall.get_by_role("heading", name="Arbeidsplasser")).to_be_visible()
        wall.keyboard.press("ArrowLeft")
        wall.keyboard.press("ArrowLeft")
        expect(wall.locator(".presenter-code")).to_be_visible()
        wall.keyboard.press("ArrowRight")
        expect(wall.get_by_role("heading", name="Planarbeid")).to_be_visible()
        wall.reload()  # the place is kept on the session, not in the tab
        expect(wall.get_by_role("heading", name="Planarbeid")).to_be_visible()


def test_the_wall_works_without_javascript_as_a_plain_page(app, mini):
    make_facilitator(programmes=[mini.programme])
    score_plan_apart_and_jobs_close(app, mini)
    session_id = mini.id
    with serve(app) as base, chromium() as browser:
        _context, wall = logged_in_context(browser, base, java_script_enabled=False)
        wall.goto(f"{base}/sessions/{session_id}/presenter")
        wall.get_by_role("button", name="Neste").click()
        expect(wall.get_by_role("heading", name="Planarbeid")).to_be_visible()
        wall.get_by_role("button", name="Kode").click()
        expect(wall.locator(".presenter-code")).to_be_visible()
