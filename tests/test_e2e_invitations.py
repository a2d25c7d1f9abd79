"""Invitations in real Chromium: paste five people, confirm, send their invitations to a real SMTP
server, and open one invitation's link on a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator

pytestmark = pytest.mark.browser

FIVE = """Kari Nordmann; styreleder; kari@example.org
Ola Programleder\tprogramleder\tola@example.org
Silje Fylke, fylkeskommunen, silje@example.org
Ivar Innovasjon | IN | ivar@example.org
Mona Kommune - kommunen - mona@example.org"""


def test_paste_five_people_send_their_invitations_and_open_one_on_a_phone(app, mini, smtp):
    make_facilitator(programmes=[mini.programme])
    session_id = mini.id
    with serve(app) as base, chromium() as browser:
        app.config["PUBLIC_URL"] = base  # the links in the e-mails lead to this server
        page = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(base + "/login")
        page.get_by_label("E-post").fill("leder@example.org")
        page.get_by_label("Passord").fill("et-godt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.goto(f"{base}/sessions/{session_id}")
        page.get_by_label("Én person per linje").fill(FIVE)
        page.get_by_role("button", name="Forhåndsvis listen").click()
        expect(page.get_by_text("5 personer får en personlig lenke.")).to_be_visible()
        screenshot(page, "invite-preview")
        page.get_by_role("button", name="Lag 5 personlige lenker").click()
        expect(page.get_by_text("5 personlige lenker er klare nedenfor.")).to_be_visible()
        expect(page.locator("button.copy-link")).to_have_count(5)
        expect(page.locator("button.copy-link").first).to_be_visible()  # shown by copy-link.js

        page.get_by_role("button", name="Send til alle som ikke har fått").click()
        expect(page.get_by_text("Invitasjon sendt til Kari Nordmann")).to_be_visible()
        expect(page.locator("#participants tr", has_text="Silje Fylke")).to_contain_text("(nb)")
        screenshot(page, "invite-sent")
        assert sorted(m["To"] for m in smtp.messages) == [
            "ivar@example.org", "kari@example.org", "mona@example.org", "ola@example.org", "silje@example.org"]

        message = next(m for m in smtp.messages if m["To"] == "mona@example.org")
        link = re.search(r"http://\S+/p/[\w-]+", message.get_body(("plain",)).get_content()).group(0)
        assert link.startswith(base)
        phone = browser.new_context(locale="nb-NO", viewport={"width": 375, "height": 667}).new_page()
        phone.goto(link)
        expect(phone.get_by_text("Steg 1 av 2")).to_be_visible()
        expect(phone.get_by_text("Mona Kommune")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(phone, "invite-link-on-phone")
