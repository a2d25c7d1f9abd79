"""Invitations: a pasted list read into people, a preview then personal links at once, a printable
sheet with QR codes, and the links sent by e-mail to a real SMTP server in this process."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from assessment.banks import get_bank
from assessment.extensions import db
from assessment.invitations import parse_invite_list, role_from_text
from assessment.models import Invitation, Participant
from assessment.programmes import create_session
from tests.helpers import csrf_token, login, make_facilitator, page_text
from tests.conftest import ROOT
from tests.servers import free_port

FIVE = """Kari Nordmann; styreleder; kari@example.org
Ola Programleder\tProgramleder\tola@example.org
Silje Fylke, fylkeskommunen, silje@example.org
Ivar Innovasjon | IN | ivar@example.org
Mona Kommune - kommunen"""


# ---------------------------------------------------------------- reading a pasted list

@pytest.mark.parametrize("line", [
    "Kari Nordmann; leadership; kari@example.org",
    "Kari Nordmann\tleadership\tkari@example.org",
    "Kari Nordmann, leadership, kari@example.org",
    "Kari Nordmann - leadership - kari@example.org",
    "Kari Nordmann | leadership | kari@example.org",
])
def test_every_separator_reads_name_role_and_address(line):
    [read] = parse_invite_list(line)
    assert (read.name, read.role_group, read.email, read.problem) == (
        "Kari Nordmann", "leadership", "kari@example.org", None)


def test_a_hyphenated_name_is_not_split():
    [read] = parse_invite_list("Anne-Lise Berg; styremedlem")
    assert (read.name, read.role_group, read.email) == ("Anne-Lise Berg", "leadership", None)


@pytest.mark.parametrize("written, role", [
    ("leadership", "leadership"), ("Programme leadership: board member or programme manager", "leadership"),
    ("Omstillingsledelsen: styremedlem eller programleder", "leadership"), ("Ledelse", "leadership"),
    ("Omstillingsledelsen", "leadership"),
    ("observer_county", "observer_county"), ("Observatør fra fylkeskommunen", "observer_county"),
    ("County", "observer_county"), ("IN", "observer_innovation_norway"),
    ("Innovation Norway", "observer_innovation_norway"), ("kommunen", "observer_municipality"),
    ("Observer from the municipality", "observer_municipality"),
])
def test_roles_by_code_label_or_short_form(app, written, role):
    assert role_from_text(written) == role


def test_bad_lines_are_flagged_with_their_line_number(app):
    lines = parse_invite_list("Navn;Rolle;E-post\nKari; styreleder\n\nOla alone\nSilje; astronaut\n"
                              "Ivar; IN; not-an-address\n; leadership\na;b;c;d")
    assert [(line.number, line.problem is None) for line in lines] == [
        (2, True), (4, False), (5, False), (6, False), (7, False), (8, False)]
    assert "role" in lines[2].problem and "e-mail" in lines[3].problem and "name" in lines[4].problem


# ---------------------------------------------------------------- preview and confirm

def _session_page(client, session_id):
    return client.get(f"/sessions/{session_id}").get_data(as_text=True)


def preview(client, session_id, text):
    token = csrf_token(_session_page(client, session_id))
    return client.post(f"/sessions/{session_id}/invite-list", data={"people": text, "csrf_token": token})


def confirm(client, session_id, preview_response):
    """Press the preview's confirm button: it posts the pasted text again."""
    html = preview_response.get_data(as_text=True)
    form = html[html.index('name="confirm"') - 600:html.index('name="confirm"')]
    text = re.search(r'name="people" value="([^"]*)"', form, re.S).group(1)
    from html import unescape
    return client.post(f"/sessions/{session_id}/invite-list",
                       data={"people": unescape(text), "confirm": "1", "csrf_token": csrf_token(html)})


@pytest.fixture
def facilitator(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    return mini


def test_preview_lists_each_person_and_confirm_creates_their_links(client, app, facilitator):
    response = preview(client, facilitator.id, FIVE)
    assert response.status_code == 200
    text = page_text(response)
    for name in ("Kari Nordmann", "Ola Programleder", "Silje Fylke", "Ivar Innovasjon", "Mona Kommune"):
        assert name in text
    assert "silje@example.org" in text
    assert db.session.scalars(select(Participant)).all() == []  # nothing made by the preview

    created = confirm(client, facilitator.id, response)
    assert created.status_code == 302
    people = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert [(p.name, p.role_group, p.email) for p in people] == [
        ("Kari Nordmann", "leadership", "kari@example.org"),
        ("Ola Programleder", "leadership", "ola@example.org"),
        ("Silje Fylke", "observer_county", "silje@example.org"),
        ("Ivar Innovasjon", "observer_innovation_norway", "ivar@example.org"),
        ("Mona Kommune", "observer_municipality", None)]
    page = _session_page(client, facilitator.id)
    link = re.search(rf'value="http://localhost(/p/{people[0].token})"', page).group(1)
    invited = app.test_client()
    assert "Kari Nordmann" in page_text(invited.get(link, follow_redirects=True))


def test_a_bad_address_is_flagged_and_no_link_is_made(client, facilitator):
    response = preview(client, facilitator.id, "Kari; styreleder; kari@\nOla; programleder")
    assert response.status_code == 422
    text = page_text(response)
    assert "Linje 1" in text or "Line 1" in text
    assert "kari@" in text
    assert 'name="confirm"' not in response.get_data(as_text=True)
    # Confirming anyway (a hand-made request) makes nobody, and the text comes back to correct.
    token = csrf_token(response.get_data(as_text=True))
    again = client.post(f"/sessions/{facilitator.id}/invite-list",
                        data={"people": "Kari; styreleder; kari@", "confirm": "1", "csrf_token": token})
    assert again.status_code == 422 and "kari@" in again.get_data(as_text=True)
    assert db.session.scalars(select(Participant)).all() == []


def test_an_empty_list_is_refused(client, facilitator):
    response = preview(client, facilitator.id, "  \n\n")
    assert response.status_code == 422
    assert 'name="confirm"' not in response.get_data(as_text=True)
    assert db.session.scalars(select(Participant)).all() == []


def test_each_link_has_a_copy_button_and_a_selectable_field(client, facilitator):
    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    page = _session_page(client, facilitator.id)
    assert page.count('class="button small copy-link"') == 5
    assert page.count('readonly value="http://localhost/p/') == 5
    assert 'src="/static/copy-link.js"' in page
    assert client.get("/static/copy-link.js").status_code == 200


def test_printable_sheet_has_names_links_and_qr_codes(client, facilitator):
    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    sheet = client.get(f"/sessions/{facilitator.id}/links")
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    for person in db.session.scalars(select(Participant)):
        assert person.name in html
        assert f"http://localhost/p/{person.token}" in html
    assert html.count('src="data:image/svg+xml') == 5
    assert "link-sheet.css" in html


# ---------------------------------------------------------------- e-mail

def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def send(client, session_id, **data):
    token = csrf_token(_session_page(client, session_id))
    return client.post(f"/sessions/{session_id}/send-invitations", data={**data, "csrf_token": token},
                       follow_redirects=True)


def test_invitations_are_e_mailed_and_their_link_leads_to_step_one(client, app, facilitator, smtp):
    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    response = send(client, facilitator.id, to="all", language="nb")
    assert response.status_code == 200
    assert sorted(m["To"] for m in smtp.messages) == [
        "ivar@example.org", "kari@example.org", "ola@example.org", "silje@example.org"]
    message = next(m for m in smtp.messages if m["To"] == "silje@example.org")
    body = _body(message)
    assert facilitator.title in message["Subject"] and facilitator.programme.name in body
    link = re.search(r"http://localhost(/p/[\w-]+)", body).group(1)
    invited = app.test_client()
    step = invited.get(link, follow_redirects=True)
    assert step.status_code == 200 and "Silje Fylke" in page_text(step)
    assert "/step/1" in step.request.path
    # The session page shows who was sent what, when.
    page = client.get(f"/sessions/{facilitator.id}").get_data(as_text=True)
    silje_row = page[page.index("silje@example.org"):]
    assert re.match(r"silje@example.org</label>\s*<br><span class=\"help\">\d\d\.\d\d\.\d{4}, \d\d:\d\d \(nb\)</span>",
                    silje_row)
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 4
    # Sending to everyone not yet sent again sends nothing more.
    again = send(client, facilitator.id, to="all", language="nb")
    assert again.status_code == 400 and len(smtp.messages) == 4


def test_english_invitation_to_the_chosen_person_with_the_fact_sheet_for_leadership(
        client, app, facilitator, smtp):
    tests_banks, app.config["BANKS_DIR"] = app.config["BANKS_DIR"], str(ROOT / "question_banks")
    fact_sheet = create_session(facilitator.programme, get_bank("fact-sheet"), facilitator.programme_year,
                                date(2026, 10, 1))
    app.config["BANKS_DIR"] = tests_banks
    facilitator.meeting_date = date(2026, 11, 12)
    db.session.commit()
    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    kari, ola, silje = db.session.scalars(select(Participant).where(
        Participant.session_id == facilitator.id).order_by(Participant.id)).all()[:3]
    send(client, facilitator.id, to="chosen", language="en", participant=[str(ola.id), str(silje.id)])
    assert sorted(m["To"] for m in smtp.messages) == ["ola@example.org", "silje@example.org"]
    ola_body = _body(next(m for m in smtp.messages if m["To"] == "ola@example.org"))
    silje_body = _body(next(m for m in smtp.messages if m["To"] == "silje@example.org"))
    assert "You are invited" in ola_body and "November 12, 2026" in ola_body
    assert f"/join/{fact_sheet.join_code}" in ola_body and "fact sheet" in ola_body
    assert f"/join/{fact_sheet.join_code}" not in silje_body
    assert [i.language for i in ola.invitations] == ["en"] and kari.invitations == []


def test_bokmal_invitation_is_in_bokmal(client, facilitator, smtp):
    confirm(client, facilitator.id, preview(client, facilitator.id, "Kari; styreleder; kari@example.org"))
    send(client, facilitator.id, to="all", language="nb")
    body = _body(smtp.messages[0])
    assert "Du er invitert" in body and "personlige lenke" in body


def test_without_mail_server_the_page_says_how_to_set_it_up(client, facilitator):
    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    page = client.get(f"/sessions/{facilitator.id}").get_data(as_text=True)
    assert "MAIL_SERVER" in page
    assert re.search(r"<fieldset disabled", page)
    response = send(client, facilitator.id, to="all", language="nb")
    assert response.status_code == 400 and "MAIL_SERVER" in page_text(response)
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 0


def test_a_failing_server_gives_a_clear_message_and_loses_nothing(client, app, facilitator, smtp):
    from assessment.extensions import mail

    confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    mail.init_app(app)
    response = send(client, facilitator.id, to="all", language="nb")
    assert response.status_code == 200
    assert "Kari Nordmann" in page_text(response) and "MAIL_SERVER" in page_text(response)
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 0
    assert len(db.session.scalars(select(Participant)).all()) == 5
    assert "Ikke sendt" in page_text(response) or "Not sent" in page_text(response)


def test_one_refused_address_does_not_lose_the_others(client, app, facilitator):
    """A server that refuses one recipient: the others are sent and recorded, the refused one is named."""
    from aiosmtpd.controller import Controller

    from assessment.extensions import mail

    class RefusesOla:
        def __init__(self):
            self.messages = []

        async def handle_RCPT(self, _server, _session, envelope, address, _options):
            if address.startswith("ola@"):
                return "550 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, _server, _session, envelope):
            self.messages.append(envelope.rcpt_tos)
            return "250 Message accepted"

    inbox = RefusesOla()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                          MAIL_USE_SSL=False, MAIL_SUPPRESS_SEND=False)
        mail.init_app(app)
        confirm(client, facilitator.id, preview(client, facilitator.id, FIVE))
        response = send(client, facilitator.id, to="all", language="nb")
    finally:
        controller.stop()
    assert sorted(to for [to] in inbox.messages) == ["ivar@example.org", "kari@example.org", "silje@example.org"]
    text = page_text(response)
    assert "Ola Programleder" in text and "Invitasjon sendt til Kari Nordmann" in text
    sent = db.session.scalars(select(Invitation.to_address).order_by(Invitation.to_address)).all()
    assert sent == ["ivar@example.org", "kari@example.org", "silje@example.org"]
