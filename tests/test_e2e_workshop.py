"""A whole workshop in real Chromium: a facilitator and three participants in separate browser
contexts, from join to lock; the facilitator's dashboard updates while participants answer."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium, screenshot, serve
from tests.helpers import make_facilitator

pytestmark = pytest.mark.browser

PEOPLE = [
    ("Kari Styreleder", "leadership", "2"),
    ("Ola Programleder", "leadership", "5"),
    ("Silje Fylkeskommunen", "observer_county", "6"),
]


def fill_mini_form(page, base: str, code: str, name: str, role: str, grade: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Fortsett").click()
    page.get_by_label("Navnet ditt").fill(name)
    page.locator(f"input[name=role_group][value={role}]").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Steg 1 av 2")).to_be_visible()
    page.locator(f"input[name=plan][value='{grade}']").check()
    if int(grade) <= 3:  # the follow-up question appears live
        expect(page.get_by_label("Hva må endres?")).to_be_visible()
        page.get_by_label("Hva må endres?").fill("Mer styring")
    else:
        expect(page.get_by_label("Hva må endres?")).to_be_hidden()
    page.get_by_label("Begrunnelse").fill(f"{name} begrunner {grade}")
    page.locator("input[name=role_known][value=yes]").check()
    page.get_by_role("button", name="Neste", exact=True).click()
    expect(page.get_by_text("Steg 2 av 2")).to_be_visible()


def test_a_workshop_from_join_to_lock(app, mini):
    make_facilitator(programmes=[mini.programme])
    code, session_id = mini.join_code, mini.id
    with serve(app) as base, chromium() as browser:
        facilitator = browser.new_context(locale="nb-NO", viewport={"width": 1440, "height": 900}).new_page()
        facilitator.goto(base + "/login")
        facilitator.get_by_label("E-post").fill("leder@example.org")
        facilitator.get_by_label("Passord").fill("et-godt-passord")
        facilitator.get_by_role("button", name="Logg inn").click()
        expect(facilitator.get_by_role("heading", name="Programmer")).to_be_visible()
        facilitator.goto(f"{base}/sessions/{session_id}/dashboard")
        expect(facilitator.get_by_text("Ingen har blitt med ennå")).to_be_visible()

        participants = []
        for name, role, grade in PEOPLE:
            page = browser.new_context(locale="nb-NO", viewport={"width": 375, "height": 667}).new_page()
            fill_mini_form(page, base, code, name, role, grade)
            # The dashboard shows the new participant without a reload.
            expect(facilitator.locator("#live")).to_contain_text(name, timeout=5000)
            participants.append(page)

        for page in participants:
            page.locator("input[name=jobs][value='4']").check()
            page.get_by_role("button", name="Se over svarene").click()
            expect(page.get_by_role("heading", name="Se over og send inn")).to_be_visible()
            page.get_by_role("button", name="Send inn svarene").first.click()
            expect(page.get_by_text("Svarene dine er sendt inn")).to_be_visible()
        expect(facilitator.locator("#live-announce")).to_contain_text("3 levert", timeout=5000)
        expect(facilitator.locator("#live")).to_contain_text("Sprikende")
        screenshot(facilitator, "dashboard-projector")

        # Participants see nothing of the others until the facilitator reveals.
        first = participants[0]
        first.goto(first.url.replace("/review", "/results"))
        expect(first.get_by_text("ikke vist noen resultater")).to_be_visible()

        facilitator.goto(f"{base}/sessions/{session_id}/discussion")
        facilitator.get_by_role("link", name="Planarbeid").click()
        facilitator.get_by_role("button", name="Vis for deltakerne").click()
        facilitator.get_by_label("Felles karakter", exact=True).select_option("4")
        facilitator.get_by_label("Konklusjon (Markdown)").fill("Vi er **enige** om 4.")
        facilitator.get_by_label("Eventuell dissens").fill("Kari mener 2.")
        facilitator.get_by_role("button", name="Lagre felles karakter").click()
        expect(facilitator.get_by_text("Felles karakter er lagret.")).to_be_visible()
        facilitator.locator("#proposal-text").fill("Fast plan for styremøtene")
        facilitator.get_by_label("Ansvarlig").fill("Styreleder")
        facilitator.get_by_role("button", name="Legg til forslag").click()
        expect(facilitator.get_by_text("Forslaget er lagt til.")).to_be_visible()

        first.reload()
        expect(first.get_by_role("heading", name="Planarbeid")).to_be_visible()

        facilitator.goto(f"{base}/sessions/{session_id}")
        facilitator.get_by_role("button", name="Avsluttet (låst)").click()
        expect(facilitator.get_by_role("heading", name="Status: Avsluttet (låst)")).to_be_visible()

        last = participants[-1]
        last.goto(last.url.split("/p/")[0] + "/p/" + last.url.split("/p/")[1].split("/")[0])
        expect(last.get_by_text("Prosesslederen har låst økten")).to_be_visible()
        screenshot(last, "participant-locked-phone")


def test_the_dashboard_says_when_it_lost_the_server_and_catches_up_after(app, mini):
    """live.js: a failed poll marks the dashboard offline and backs off; the next poll that gets
    through clears the mark and shows what happened meanwhile."""
    make_facilitator(programmes=[mini.programme])
    with serve(app) as base, chromium() as browser:
        context = browser.new_context(locale="nb-NO")
        facilitator = context.new_page()
        facilitator.goto(base + "/login")
        facilitator.get_by_label("E-post").fill("leder@example.org")
        facilitator.get_by_label("Passord").fill("et-godt-passord")
        facilitator.get_by_role("button", name="Logg inn").click()
        facilitator.goto(f"{base}/sessions/{mini.id}/dashboard")
        live = facilitator.locator("#live")
        expect(live).to_contain_text("Ingen har blitt med ennå")

        context.set_offline(True)
        expect(live).to_have_attribute("data-offline", "true", timeout=5000)

        participant = browser.new_context(locale="nb-NO").new_page()
        participant.goto(f"{base}/join/{mini.join_code}")
        participant.get_by_label("Navnet ditt").fill("Kari Mens Nettet Var Borte")
        participant.locator("input[name=role_group][value=leadership]").check()
        participant.get_by_role("button", name="Start").click()
        expect(participant.get_by_text("Steg 1 av 2")).to_be_visible()
        expect(live).not_to_contain_text("Kari Mens Nettet Var Borte")

        context.set_offline(False)
        expect(live).to_contain_text("Kari Mens Nettet Var Borte", timeout=15000)
        expect(live).not_to_have_attribute("data-offline", "true")
