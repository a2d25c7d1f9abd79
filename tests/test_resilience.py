"""Load and faults against real servers: many participants at once, double submits, kill -9,
and two app servers on one database. Every answer saved before a fault must be there after it."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from assessment.extensions import db, limiter
from assessment.models import Answer, Participant
from tests.browser import serve
from tests.helpers import (another_app, answer_step, csrf_token, join, login, make_facilitator, post_form,
                           submit, token_from_join_redirect)
from tests.servers import Gunicorn

PARTICIPANTS = 200


class HttpParticipant:
    """A participant's browser, reduced to HTTP: cookies, CSRF tokens, redirects."""

    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base, timeout=60)
        self.token = ""

    def post_page(self, url: str, data: dict, page: str | None = None) -> httpx.Response:
        page = page or self.http.get(url).text
        return self.http.post(url, data={**data, "csrf_token": csrf_token(page)})

    def join(self, code: str, name: str, role: str = "leadership") -> None:
        response = self.post_page(f"/join/{code}", {"name": name, "role_group": role})
        assert response.status_code == 302, response.text[:500]
        self.token = token_from_join_redirect(response.headers["location"])

    def step_url(self, number: int) -> str:
        return f"/p/{self.token}/step/{number}"

    def answer(self, number: int, data: dict, action: str = "next", page: str | None = None):
        return self.post_page(self.step_url(number), {**data, "action": action}, page)


def answers_of(name: str) -> dict:
    db.session.expire_all()
    participant = db.session.scalar(select(Participant).filter_by(name=name))
    return {a.question_id: a.value for a in db.session.scalars(
        select(Answer).filter_by(participant_id=participant.id))}


def test_two_hundred_participants_saving_at_the_same_moment_lose_nothing(app, mini):
    code = mini.join_code
    barrier = threading.Barrier(PARTICIPANTS, timeout=120)

    def participant(number: int) -> list[int]:
        person = HttpParticipant(base)
        person.join(code, f"Deltaker {number}", "leadership" if number % 3 else "observer_county")
        page = person.http.get(person.step_url(1)).text
        barrier.wait()  # everyone presses Next at once
        first = person.answer(1, {"plan": str(number % 6 + 1), "plan__comment": f"B{number}",
                                  "plan_change": "x", "role_known": "yes"}, page=page)
        second = person.answer(2, {"jobs": str((number + 2) % 6 + 1), "jobs_count": str(number)})
        return [first.status_code, second.status_code]

    with serve(app) as base, ThreadPoolExecutor(max_workers=PARTICIPANTS) as pool:
        statuses = list(pool.map(participant, range(PARTICIPANTS)))

    assert all(codes == [302, 302] for codes in statuses), [c for c in statuses if c != [302, 302]][:5]
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == PARTICIPANTS
        # plan, role_known, jobs, jobs_count for everyone; plan_change where plan <= 3.
        expected = PARTICIPANTS * 4 + sum(1 for n in range(PARTICIPANTS) if n % 6 + 1 <= 3)
        assert db.session.scalar(select(func.count(Answer.id))) == expected
        assert answers_of("Deltaker 123")["jobs_count"] == 123


def test_the_same_step_saved_twice_at_once_stores_one_answer(app, mini):
    with serve(app) as base:
        person = HttpParticipant(base)
        person.join(mini.join_code, "Dobbeltklikk")
        page = person.http.get(person.step_url(2)).text
        barrier = threading.Barrier(2)

        def press():
            barrier.wait()
            return person.answer(2, {"jobs": "4", "jobs_count": "9"}, action="save", page=page)

        with ThreadPoolExecutor(max_workers=2) as pool:
            responses = list(pool.map(lambda _: press(), range(2)))
    assert [r.status_code for r in responses] == [302, 302]
    with app.app_context():
        participant = db.session.scalar(select(Participant).filter_by(name="Dobbeltklikk"))
        rows = db.session.scalars(select(Answer).filter_by(participant_id=participant.id)).all()
        assert sorted(r.question_id for r in rows) == ["jobs", "jobs_count"]


def test_kill_minus_nine_in_the_middle_of_a_session_loses_no_saved_step(app, mini):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    server = Gunicorn(database).start()
    try:
        person = HttpParticipant(server.url)
        person.join(mini.join_code, "Kari Krasj")
        assert person.answer(1, {"plan": "4", "plan__comment": "Nokså godt", "role_known": "yes"}
                             ).status_code == 302
        page = person.http.get(person.step_url(2)).text  # the next step is open in the browser
        server.kill()
        try:
            person.answer(2, {"jobs": "5"}, page=page)
            raise AssertionError("the server should be down")
        except httpx.TransportError:
            pass  # the Wi-Fi-like failure: the page still holds what was typed
        server = Gunicorn(database, port=server.port).start()
        # Press the button again on the same page: accepted, nothing lost.
        assert person.answer(2, {"jobs": "5"}, page=page).status_code == 302
    finally:
        server.stop()
    with app.app_context():
        assert answers_of("Kari Krasj") == {"plan": 4, "role_known": True, "jobs": 5}


def test_two_app_servers_on_one_database_see_the_same_live_data(app, mini):
    make_facilitator(programmes=[mini.programme])
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    with Gunicorn(database) as first, Gunicorn(database) as second:
        facilitator = HttpParticipant(second.url)
        login = facilitator.post_page("/login", {"email": "leder@example.org", "password": "et-godt-passord"})
        assert login.status_code == 302
        dashboard = facilitator.http.get(f"/sessions/{mini.id}/dashboard").text
        version = dashboard.split('data-version="', 1)[1].split('"', 1)[0]

        person = HttpParticipant(first.url)
        person.join(mini.join_code, "Per På Server En")
        person.answer(1, {"plan": "6", "plan__comment": "Topp", "role_known": "yes"})
        live = facilitator.http.get(f"/sessions/{mini.id}/live", params={"version": version})
        assert live.status_code == 200 and "Per På Server En" in live.json()["html"]

        after_first = live.json()["version"]

        # Restart the participant's server: the participant goes on, the facilitator sees it.
        first.stop()
        first.start()
        assert person.answer(2, {"jobs": "3"}).status_code == 302
        live = facilitator.http.get(f"/sessions/{mini.id}/live", params={"version": after_first})
        assert live.status_code == 200 and live.json()["version"] != after_first
        assert "2/2" in live.json()["html"]  # both steps answered

        # Restart the facilitator's server: the same session cookie still works, the data is there.
        second.stop()
        second.start()
        live = facilitator.http.get(f"/sessions/{mini.id}/live", params={"version": version})
        assert live.status_code == 200 and "Per På Server En" in live.json()["html"]
    with app.app_context():
        assert answers_of("Per På Server En")["jobs"] == 3


@pytest.fixture
def limit_store_down(app):
    """An app whose rate-limit store (Redis) cannot be reached."""
    yield another_app(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    # Flask-Limiter remembers the dead store on the module's limiter, which later tests' apps share.
    limiter._storage_dead = False


def test_an_unreachable_rate_limit_store_breaks_no_join_personal_link_or_login(limit_store_down, mini,
                                                                               capsys):
    make_facilitator(programmes=[mini.programme])
    client = limit_store_down.test_client()
    assert post_form(client, "/", {"code": "AAAAAA"}).status_code == 404
    assert post_form(client, "/", {"code": mini.join_code}).status_code == 302
    assert post_form(client, f"/join/{mini.join_code}", {"name": ""}).status_code == 422
    token = join(client, mini)
    assert client.get(f"/p/{token}").status_code == 302
    assert answer_step(client, token, 2, {"jobs": "4"}, action="save").status_code == 302
    assert submit(client, token).status_code == 422  # answers are missing: refused, not failed
    assert client.get(f"/p/{token}/review").status_code == 200
    assert client.get(f"/p/{token}/results").status_code == 200
    assert client.get("/p/unknown-link").status_code == 404
    assert post_form(client, "/login", {"email": "leder@example.org", "password": "feil"}).status_code == 401
    login(client)
    # The operator sees why in the server's error log.
    assert "Rate limit storage unreachable" in capsys.readouterr().err


def test_rate_limits_still_count_while_their_store_is_unreachable(limit_store_down, mini):
    """Each process counts in its own memory meanwhile: guessing stays slow."""
    limit_store_down.config["JOIN_RATE_LIMIT"] = "2 per minute"
    client = limit_store_down.test_client()
    assert client.get("/join/AAAAAA").status_code == 404
    assert client.get("/join/BBBBBB").status_code == 404
    assert client.get(f"/join/{mini.join_code}").status_code == 429
