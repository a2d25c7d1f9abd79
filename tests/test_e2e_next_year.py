"""Setting up a review in real Chromium (issue 21): from a programme with only last year's closed
session, make this year's session from it, paste five people, send their invitations to a real SMTP
server, and open one invitation's link on a phone at step 1."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.banks import get_bank
from assessment.extensions import db
from assessment.facilitation import add_proposal, set_section_open
from assessment.models import Participant
from assessment.participation import join_session
from assessment.programmes import create_programme, create_session
from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator

pytestmark = pytest.mark.browser

FIVE = """Kari Nordmann; styreleder; kari@example.org
Ola Programleder\tprogramleder\tola@example.org
Silje Fylke, fylkeskommunen, silje@example.org
Ivar Innovasjon | IN | ivar@example.org
Mona Kommune - kommunen - mona@example.org"""


def last_years_session(programme):
    """Programme year 1, closed: two participants (one with an e-mail address), the first step open
    before the day, one open proposal and one done."""
    session = create_session(programme, get_bank("psv"), 1, date(2025, 11, 6), state="preparation")
    set_section_open(session, session.bank.sections[0].id, True)
    berit = db.session.scalar(select(Participant).filter_by(
        token=join_session(session, "Berit Styreleder", "leadership")))
    berit.email = "berit@example.org"
    join_session(session, "Ola Fylke", "observer_county")
    add_proposal(session, None, "Møte med formannskapet hvert kvartal", owner="Programleder")
    add_proposal(session, None, "Ny nettside", status="done")
    session.state = "closed"
    db.session.commit()
    return session


def test_this_years_session_from_last_years_five_people_invited_one_link_opened_on_a_phone(app, ctx, smtp):
    programme = create_programme("Nordvik omstilling", "Nordvik kommune", "Nordland", 2025)
    make_facilitator(programmes=[programme])
    previous = last_years_session(programme)
    programme_id, old_tokens = programme.id, {p.token for p in previous.participants}
    steps = len(previous.bank.sections)
    with serve(app) as base, chromium() as browser:
        app.config["PUBLIC_URL"] = base  # the links in the e-mails lead to this server
        page = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(base + "/login")
        page.get_by_label("E-post").fill("leder@example.org")
        page.get_by_label("Passord").fill("et-godt-passord")
        page.get_by_role("button", name="Logg inn").click()

        page.goto(f"{base}/programmes/{programme_id}")
        page.get_by_role("link", name="Ny økt fra fjorårets").click()
        expect(page.get_by_role("heading", name="Ny økt fra fjorårets")).to_be_visible()
        expect(page.get_by_label("Programår")).to_have_value("2")
        expect(page.get_by_label("Dato for samlingen")).to_have_value("2026-11-06")
        expect(page.get_by_text("2 deltakere, med samme navn")).to_be_visible()
        expect(page.get_by_text("1 åpent forbedringsforslag")).to_be_visible()
        screenshot(page, "next-session-form")
        page.get_by_role("button", name="Opprett økten").click()
        expect(page.get_by_text("2 deltakere har fått nye personlige lenker.")).to_be_visible()
        expect(page.get_by_role("heading", name="Programstatusvurdering år 2")).to_be_visible()
        session_url = page.url
        assert session_url != f"{base}/sessions/{previous.id}"

        page.get_by_label("Én person per linje").fill(FIVE)
        page.get_by_role("button", name="Forhåndsvis listen").click()
        expect(page.get_by_text("5 personer får en personlig lenke.")).to_be_visible()
        page.get_by_role("button", name="Lag 5 personlige lenker").click()
        expect(page.get_by_text("5 personlige lenker er klare nedenfor.")).to_be_visible()
        expect(page.get_by_role("heading", name="Deltakere (7)")).to_be_visible()

        page.get_by_role("button", name="Send til alle som ikke har fått").click()
        expect(page.get_by_text("Invitasjon sendt til")).to_contain_text("Mona Kommune")
        screenshot(page, "next-session-invited")
        # Last year's person with an address is invited too, to this year's session.
        assert sorted(m["To"] for m in smtp.messages) == [
            "berit@example.org", "ivar@example.org", "kari@example.org", "mona@example.org",
            "ola@example.org", "silje@example.org"]

        message = next(m for m in smtp.messages if m["To"] == "berit@example.org")
        link = re.search(r"http://\S+/p/([\w-]+)", message.get_body(("plain",)).get_content())
        assert link.group(0).startswith(base)
        assert link.group(1) not in old_tokens  # a new link, not last year's
        phone = browser.new_context(locale="nb-NO", viewport={"width": 375, "height": 667}).new_page()
        phone.goto(link.group(0))
        expect(phone.get_by_text(f"Steg 1 av {steps}")).to_be_visible()
        expect(phone.get_by_text("Berit Styreleder")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(phone, "next-session-link-on-phone")
