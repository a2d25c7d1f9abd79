"""Actions that cannot be undone take a second step that works without JavaScript (a confirmation
page with a form, or the typed join code), and the page afterwards says what was done."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.facilitation import add_proposal
from assessment.models import Answer, Participant, Proposal, ReviewSession
from tests.helpers import answer_step, csrf_token, join, login, make_facilitator, page_text


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def _confirm_form(html: str) -> tuple[str, dict]:
    """The confirmation page's form: its action and hidden fields."""
    forms = re.findall(r'<form method="post" action="([^"]+)"(.*?)</form>', html, re.S)
    confirming = [(action, body) for action, body in forms if 'name="confirmed"' in body]
    assert len(confirming) == 1, "no confirmation form"
    action, body = confirming[0]
    return action, dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))


def _with_participant(app, client, mini, name="Slett Meg"):
    make_facilitator(programmes=[mini.programme])
    person = app.test_client()
    token = join(person, mini, name)
    answer_step(person, token, 2, {"jobs": "3"}, action="save")
    login(client)
    return db.session.scalar(select(Participant).filter_by(name=name))


def test_delete_on_a_participant_asks_first_and_then_says_what_was_done(app, client, mini):
    participant = _with_participant(app, client, mini)
    session_page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    link = f"/sessions/{mini.id}/participants/{participant.id}/delete"
    assert f'href="{link}"' in session_page  # a link to the second step, not a button that deletes

    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "Slette Slett Meg?" in page_text(confirm) and "Dette kan ikke angres." in page_text(confirm)
    assert count(Participant) == 1  # asking deletes nothing

    action, fields = _confirm_form(confirm.get_data(as_text=True))
    response = client.post(action, data=fields, follow_redirects=True)
    assert response.request.path == f"/sessions/{mini.id}"
    assert "Slett Meg og svarene er slettet." in page_text(response)
    assert count(Participant) == 0 and count(Answer) == 0


def test_a_delete_posted_without_the_confirmation_deletes_nothing(app, client, mini):
    participant = _with_participant(app, client, mini)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    response = client.post(f"/sessions/{mini.id}/participants/{participant.id}/delete",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200 and "Slette Slett Meg?" in page_text(response)
    assert count(Participant) == 1


def test_anonymise_asks_first_and_then_says_what_was_done(app, client, mini):
    _with_participant(app, client, mini, "Navn Navnesen")
    confirm = client.get(f"/sessions/{mini.id}/anonymise")
    assert confirm.status_code == 200 and "Anonymisere deltakerne?" in page_text(confirm)
    assert "Navn Navnesen" in page_text(client.get(f"/sessions/{mini.id}"))

    action, fields = _confirm_form(confirm.get_data(as_text=True))
    response = client.post(action, data=fields, follow_redirects=True)
    shown = page_text(response)
    assert "1 deltakere er anonymisert" in shown and "Navn Navnesen" not in shown


def test_a_wrong_join_code_shows_the_deletion_again_with_the_message(app, client, mini):
    _with_participant(app, client, mini)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    response = client.post(f"/sessions/{mini.id}/delete", data={"csrf_token": csrf_token(page), "confirm": "feil"})
    assert response.status_code == 422 and count(ReviewSession) == 1
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and 'value="feil"' in html
    assert "Skriv koden til økten for å bekrefte slettingen." in page_text(response)

    action, fields = _confirm_form(html)
    response = client.post(action, data={**fields, "confirm": mini.join_code}, follow_redirects=True)
    assert count(ReviewSession) == 0 and count(Participant) == 0
    assert "og alle dataene er slettet." in page_text(response)


def test_delete_on_a_proposal_asks_first(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    proposal_id = add_proposal(mini, "plan", "Kvartalsrapport til kommunestyret").id
    login(client)
    page_url = f"/sessions/{mini.id}/indicators/plan"
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    response = client.post(f"/sessions/{mini.id}/proposals/{proposal_id}", follow_redirects=True,
                           data={"csrf_token": token, "delete": "1", f"p{proposal_id}-text": "Kvartalsrapport"})
    assert "Slette forslaget?" in page_text(response) and "Kvartalsrapport til kommunestyret" in page_text(response)
    assert count(Proposal) == 1

    action, fields = _confirm_form(response.get_data(as_text=True))
    response = client.post(action, data=fields, follow_redirects=True)
    assert response.request.path == page_url
    assert "Forslaget er slettet: Kvartalsrapport til kommunestyret" in page_text(response)
    assert count(Proposal) == 0
