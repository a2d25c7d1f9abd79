"""A bank owner in Debian's Chromium: uploads a workbook with a mistake, reads the message naming
its cell, uploads the corrected workbook, clicks through the preview (conditions live, both
languages), saves it, creates a session from the new version; a participant walks it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import BankVersion, ReviewSession
from assessment.programmes import create_programme
from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator
from tests.test_accessibility import axe_violations
from tests.test_bank_upload import mini_data, workbook

pytestmark = [pytest.mark.browser, pytest.mark.slow]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def choose_file(page, content: bytes, name: str = "mini.xlsx") -> None:
    page.get_by_label("Bankfil (.xlsx eller .yaml, høyst 2 MB)").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="Last opp og se over").click()


def test_upload_fix_preview_save_and_walk_the_new_version(app, ctx):
    programme = create_programme("Testby omstilling", start_year=2026)
    make_facilitator(programmes=[programme])
    programme_id = programme.id
    broken = workbook(mini_data(), {("survey", "role_known", "type"): "ja_nei"})
    fixed = workbook(mini_data())
    with serve(app) as base, chromium() as browser:
        page = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900},
                                   bypass_csp=True).new_page()  # axe-core is added as a script
        page.goto(base + "/login")
        page.get_by_label("E-post").fill("leder@example.org")
        page.get_by_label("Passord").fill("et-godt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("link", name="Spørsmålsbanker").click()
        expect(page.get_by_role("heading", name="Spørsmålsbanker")).to_be_visible()

        choose_file(page, broken)
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("mini.xlsx har 1 problem")
        expect(summary).to_contain_text("survey!A5")
        expect(summary).to_contain_text("ja_nei")
        screenshot(page, "bank-upload-problem")
        assert axe_violations(page) == []

        choose_file(page, fixed)
        expect(page.get_by_role("heading", name="Se over opplastingen")).to_be_visible()
        preview = page.locator("#preview-form")
        expect(preview).to_contain_text("Steg 1 av 2")
        follow_up = preview.locator("#q-plan_change")
        preview.locator("input[name=plan][value='5']").check()
        expect(follow_up).to_be_hidden()
        preview.locator("input[name=plan][value='2']").check()  # the condition, live in the page
        expect(follow_up).to_be_visible()
        screenshot(page, "bank-upload-preview")
        assert axe_violations(page) == []
        preview.get_by_role("button", name="Andre steg").click()
        expect(preview).to_contain_text("Steg 2 av 2")
        expect(preview.get_by_text("Oppfølging av planen")).to_be_visible()  # plan 2, from step 1
        preview.get_by_role("button", name="English").click()
        expect(preview).to_contain_text("Step 2 of 2")
        expect(preview.get_by_text("Following up the plan")).to_be_visible()
        preview.get_by_role("button", name="First step").click()
        expect(preview.locator("input[name=plan][value='2']")).to_be_checked()  # carried, not stored

        page.get_by_role("button", name="Lagre versjon 1").click()
        expect(page.get_by_text("Versjon 1 av Minivurdering er lagret.")).to_be_visible()
        assert axe_violations(page) == []
        version_id = db.session.scalar(select(BankVersion.id))

        page.goto(f"{base}/programmes/{programme_id}")
        page.get_by_label("Minivurdering, versjon 1 (lastet opp)").check()
        page.get_by_role("button", name="Opprett økt").click()
        expect(page.get_by_text("Økten er opprettet.")).to_be_visible()
        page.get_by_role("button", name="Vurdering", exact=True).click()
        session = db.session.scalars(select(ReviewSession)).one()
        assert session.bank_hash == db.session.get(BankVersion, version_id).hash
        code = session.join_code

        person = browser.new_context(locale="nb-NO").new_page()
        person.goto(f"{base}/join/{code}")
        person.get_by_label("Navnet ditt").fill("Per Deltaker")
        person.locator("input[name=role_group][value=leadership]").check()
        person.get_by_role("button", name="Start").click()
        expect(person.get_by_text("Steg 1 av 2")).to_be_visible()
        person.locator("input[name=plan][value='5']").check()
        person.locator("textarea[name=plan__comment]").fill("Planen følges.")
        person.locator("input[name=role_known][value=yes]").check()
        person.get_by_role("button", name="Neste", exact=True).click()
        expect(person.get_by_text("Steg 2 av 2")).to_be_visible()
        expect(person.get_by_text("Oppfølging av planen")).to_have_count(0)
        person.locator("input[name=jobs][value='4']").check()
        person.get_by_role("button", name="Se over svarene").click()
        person.get_by_role("button", name="Send inn svarene").first.click()
        expect(person.get_by_text("Takk! Svarene dine er sendt inn.")).to_be_visible()
        screenshot(person, "bank-upload-participant-submitted")


def test_the_owner_stops_sharing_and_deletes_a_version_through_its_confirmation_pages(app, ctx):
    from assessment.facilitators import create_facilitator
    from tests.test_bank_upload import upload_and_confirm
    from tests.helpers import login

    make_facilitator()
    create_facilitator("kollega@example.org", "et-godt-passord", "Kari Kollega")
    client = app.test_client()
    login(client)
    upload_and_confirm(client, workbook(mini_data()), colleagues="kollega@example.org")
    with serve(app) as base, chromium() as browser:
        page = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900},
                                   bypass_csp=True).new_page()
        page.goto(base + "/login")
        page.get_by_label("E-post").fill("leder@example.org")
        page.get_by_label("Passord").fill("et-godt-passord")
        page.get_by_role("button", name="Logg inn").click()
        page.goto(base + "/banks/mini")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Slutt å dele med Kari Kollega").click()
        expect(page.get_by_role("heading", name="Slutte å dele versjon 1 med Kari Kollega?")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Slutt å dele med Kari Kollega").click()
        expect(page.get_by_text("Versjon 1 deles ikke lenger med Kari Kollega.")).to_be_visible()
        page.get_by_role("link", name="Slett versjon 1").click()
        expect(page.get_by_text("Dette kan ikke angres.")).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, "bank-version-delete")
        page.get_by_role("button", name="Slett versjon 1").click()
        expect(page.get_by_text("Versjon 1 er slettet.")).to_be_visible()
        assert db.session.scalar(select(BankVersion.id)) is None
