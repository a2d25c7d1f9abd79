"""The portfolio in Debian's Chromium as a county viewer uses it: open it, sort it by the weighted
total, open a programme's course, and no serious or critical axe-core violation on either page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessment.facilitators import create_facilitator, grant_county
from tests.browser import chromium, screenshot, serve
from tests.test_accessibility import axe_violations
from tests.test_portfolio import three_programmes

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


def test_a_viewer_sorts_the_portfolio_and_opens_a_programmes_course(app, ctx):
    three_programmes()
    viewer = create_facilitator("fylket@example.org", "et-godt-passord", "Fylkes Leser", viewer=True)
    grant_county(viewer, "Vestland")
    with serve(app) as base, chromium() as browser:
        page = browser.new_context(locale="nb-NO", viewport=LAPTOP, bypass_csp=True).new_page()
        page.goto(base + "/login")
        page.get_by_label("E-post").fill("fylket@example.org")
        page.get_by_label("Passord").fill("et-godt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("link", name="Portefølje").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Portefølje")
        rows = page.locator("tbody th[scope=row] a")
        expect(rows).to_have_text(["Fjordby", "Nyby"])
        assert axe_violations(page) == []
        screenshot(page, "portfolio-viewer")

        page.get_by_role("link", name="Vektet totalkarakter").click()
        expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Vektet totalkarakter")
        page.get_by_role("link", name="Vektet totalkarakter").click()
        expect(page.locator("th[aria-sort=descending]")).to_contain_text("Vektet totalkarakter")
        expect(rows).to_have_text(["Fjordby", "Nyby"])  # a programme without a total stays last

        page.get_by_role("link", name="Fjordby").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fjordby")
        expect(page.locator("svg[role=img]")).to_have_count(8)
        expect(page.get_by_role("heading", name="Forbedringsforslag år for år")).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, "portfolio-course")
