"""A locked session says so where people join, before anyone fills in a form."""
from __future__ import annotations

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.facilitation import set_state
from assessment.models import Participant
from tests.helpers import csrf_token, join, page_text

LOCKED = "Denne vurderingen er avsluttet"


def test_the_join_page_of_a_locked_session_says_so_and_shows_no_form(client, mini):
    set_state(mini, "closed")
    db.session.commit()
    response = client.get(f"/join/{mini.join_code}")
    assert response.status_code == 409
    assert LOCKED in page_text(response)
    html = response.get_data(as_text=True)
    assert 'name="name"' not in html and 'name="role_group"' not in html


def test_joining_a_locked_session_by_post_saves_no_one(client, mini):
    page = client.get("/").get_data(as_text=True)
    set_state(mini, "closed")
    db.session.commit()
    response = client.post(f"/join/{mini.join_code}", data={
        "csrf_token": csrf_token(page), "name": "Sen Ankomst", "role_group": "leadership"})
    assert response.status_code == 409 and LOCKED in page_text(response)
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_the_front_page_says_a_code_belongs_to_a_locked_session(client, mini):
    set_state(mini, "closed")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={"csrf_token": csrf_token(page), "code": mini.join_code.lower()})
    assert response.status_code == 409
    assert LOCKED in page_text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_an_open_session_still_lets_people_join(client, mini):
    page = client.get("/").get_data(as_text=True)
    response = client.post("/", data={"csrf_token": csrf_token(page), "code": mini.join_code})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/join/{mini.join_code}")
    assert join(client, mini, "Tidlig Ute")
