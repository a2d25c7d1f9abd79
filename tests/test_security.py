"""Access control, CSRF, rate limits and security headers, tested from the outside."""
from __future__ import annotations

import base64
import math
import re
import time

import pytest
from flask import abort
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.models import (JOIN_CODE_ALPHABET, Consensus, Participant, ReviewSession,
                               new_join_code, new_token)
from tests.helpers import (another_app, answer_step, csrf_token, join, login, make_facilitator,
                           make_session, page_text, post_form, step_url)


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    token = join(app.test_client(), mini)
    values = {"session_id": mini.id, "programme_id": mini.programme.id, "token": token, "number": 1,
              "code": mini.join_code, "question_id": "plan", "proposal_id": 1, "lang": "en",
              "participant_id": mini.participants[0].id, "upload_id": 1, "bank_id": "psv", "key": "shipped",
              "facilitator_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.post(url, data={"name": "x", "action": "save", "state": "closed"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked += 1
    assert checked >= 15
    db.session.expire_all()
    assert not mini.is_locked and len(mini.participants) == 1


def test_security_headers_forbid_inline_script_and_framing(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_inline_script(client, mini):
    token = join(client, mini)
    for url in ("/", f"/join/{mini.join_code}", step_url(token, 1), f"/p/{token}/review", "/login"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), url  # no inline event handlers


def test_session_cookie_is_http_only_and_secure_behind_https(app, client):
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
    app.config["SESSION_COOKIE_SECURE"] = True
    fresh = app.test_client()
    fresh.get("/login", base_url="https://localhost")
    assert fresh.get_cookie("session", domain="localhost").secure


def test_a_participant_reaches_no_facilitator_page(app, client, mini):
    token = join(client, mini)
    for url in (f"/sessions/{mini.id}", f"/sessions/{mini.id}/dashboard", f"/sessions/{mini.id}/live",
                f"/programmes/{mini.programme.id}", "/programmes"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert client.get(f"/p/{token}/review").status_code == 200


def test_a_participant_token_opens_only_its_own_session(app, mini):
    other = make_session("mini", programme="Et annet program")
    first, second = app.test_client(), app.test_client()
    token_a = join(first, mini, "Anne")
    token_b = join(second, other, "Bjørn")
    answer_step(second, token_b, 2, {"jobs": "6"}, action="save")
    # A's link shows A's session and answers only; B's answers are nowhere on A's pages.
    review_a = page_text(first.get(f"/p/{token_a}/review"))
    assert "Anne" in review_a and "Bjørn" not in review_a and "Svært godt" not in review_a
    assert "Et annet program" not in review_a


def test_one_facilitator_cannot_touch_anothers_session(app, client, mini):
    make_facilitator("eier@example.org", programmes=[mini.programme])
    make_facilitator("fremmed@example.org", programmes=[])
    owner = app.test_client()
    login(owner, "eier@example.org")
    page = owner.get(f"/sessions/{mini.id}").get_data(as_text=True)
    login(client, "fremmed@example.org")
    token = csrf_token(client.get("/programmes").get_data(as_text=True))
    for url, data in ((f"/sessions/{mini.id}/state", {"state": "closed"}),
                      (f"/sessions/{mini.id}/reveal", {"reveal": "1"}),
                      (f"/sessions/{mini.id}/indicators/plan", {"consensus-grade": "1"}),
                      (f"/programmes/{mini.programme.id}/share", {"share-email": "fremmed@example.org"})):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    # Nothing changed: the session is still open, nothing revealed, no consensus, no access given.
    db.session.expire_all()
    session = db.session.get(ReviewSession, mini.id)
    assert session.state == "scoring" and not session.reveal_all and not session.revealed
    assert db.session.scalar(select(func.count()).select_from(Consensus)) == 0
    for url in (f"/sessions/{mini.id}", f"/sessions/{mini.id}/dashboard", f"/sessions/{mini.id}/live",
                f"/programmes/{mini.programme.id}"):
        assert client.get(url).status_code == 404, url
        assert owner.get(url).status_code == 200, url
    assert owner.get(f"/sessions/{mini.id}").status_code == 200 and mini.join_code in page


def test_a_viewer_cannot_touch_a_shared_session_nor_see_another(app, client, mini):
    from assessment.facilitators import create_facilitator, share_read_only

    other = make_session("mini", programme="Et annet program")
    make_facilitator("eier@example.org", programmes=[mini.programme, other.programme])
    share_read_only(mini.programme, create_facilitator("leser@example.org", "et-godt-passord", viewer=True).email)
    login(client, "leser@example.org")
    token = csrf_token(client.get("/programmes").get_data(as_text=True))
    for session, status in ((mini, 403), (other, 404)):
        for url, data in ((f"/sessions/{session.id}/state", {"state": "closed"}),
                          (f"/sessions/{session.id}/reveal", {"reveal": "1"}),
                          (f"/sessions/{session.id}/indicators/plan", {"consensus-grade": "1"}),
                          (f"/programmes/{session.programme.id}/share", {"share-email": "leser@example.org"})):
            assert client.post(url, data={**data, "csrf_token": token}).status_code == status, url
    db.session.expire_all()
    assert db.session.get(ReviewSession, mini.id).state == "scoring"
    assert db.session.scalar(select(func.count()).select_from(Consensus)) == 0
    assert client.get(f"/sessions/{mini.id}/dashboard").status_code == 200
    assert client.get(f"/sessions/{other.id}/dashboard").status_code == 404


def test_tokens_and_join_codes_cannot_be_guessed_in_practice(client, mini):
    token = join(client, mini)
    # The token a participant gets decodes to at least 128 random bits, and tokens never repeat.
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    # Every character position of the tokens varies (no fixed prefix or counter).
    assert all(len({t[i] for t in tokens}) > 30 for i in range(len(token)))
    codes = [new_join_code() for _ in range(2000)]
    assert all(len(c) == 6 and set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)
    assert set("".join(codes)) == set(JOIN_CODE_ALPHABET)  # the whole alphabet is used
    assert len(set(codes)) > 1990
    # A join code of the real session is one of 31^6 (about 2^29.7): at the join rate limit of
    # 20 wrong guesses a minute per address, finding one session takes years on average.
    assert len(mini.join_code) == 6 and math.log2(len(JOIN_CODE_ALPHABET) ** len(mini.join_code)) > 29


def test_wrong_join_codes_are_rate_limited_with_a_clear_message(app, client, mini):
    app.config["JOIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert post_form(client, "/", {"code": "AAAAAA"}).status_code == 404
    response = post_form(client, "/", {"code": "BBBBBB"})
    assert response.status_code == 429
    assert "For mange forsøk" in page_text(response)
    # A person who knows the code is not affected by other people's misses at a different address.
    other = app.test_client()
    response = other.get(f"/join/{mini.join_code}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 200


def test_failed_logins_are_rate_limited(app, client, ctx):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make_facilitator()
    for _ in range(3):
        assert post_form(client, "/login", {"email": "leder@example.org", "password": "feil"}).status_code == 401
    response = post_form(client, "/login", {"email": "leder@example.org", "password": "et-godt-passord"})
    assert response.status_code == 429
    assert "For mange forsøk" in page_text(response)


def test_guessing_personal_links_is_rate_limited(app, client):
    app.config["JOIN_RATE_LIMIT"] = "2 per minute"
    assert client.get("/p/guess-1").status_code == 404
    assert client.get("/p/guess-2").status_code == 404
    assert client.get("/p/guess-3").status_code == 429


def test_a_participants_own_pages_are_not_rate_limited(app, client, mini):
    """Only wrong codes and links count; a participant at work is never limited."""
    app.config["JOIN_RATE_LIMIT"] = "2 per minute"
    token = join(client, mini, "Kari Nordmann")
    for _ in range(5):
        assert client.get(f"/p/{token}/step/1").status_code == 200
        assert client.get(f"/p/{token}/review").status_code == 200
    assert client.get(f"/p/{token}").status_code == 302
    assert client.get("/p/guess-1").status_code == 404
    assert client.get("/p/guess-2").status_code == 404
    assert client.get("/p/guess-3").status_code == 429
    # A neighbour's typos on the same address never lock a participant out of their own link.
    assert client.get(f"/p/{token}/step/1").status_code == 200
    assert client.get(f"/p/{token}").status_code == 302


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_script_in_a_name_is_shown_as_text(app, client, mini, name):
    make_facilitator(programmes=[mini.programme])
    token = join(app.test_client(), mini, name)
    login(client)
    for url in (f"/sessions/{mini.id}", f"/sessions/{mini.id}/dashboard"):
        html = client.get(url).get_data(as_text=True)
        assert name not in html and "&lt;" in html
    assert participant_name(token) == name  # stored as typed, only escaped when shown


def participant_name(token: str) -> str:
    return db.session.scalar(select(Participant.name).filter_by(token=token))


# ---------------------------------------------------------------- what counts as a failed attempt

def test_mistakes_on_the_join_form_do_not_count_as_failed_join_attempts(app, client, mini):
    """A venue shares one address: people forgetting their name or role must not lock everyone out."""
    app.config["JOIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(4):
        assert post_form(client, f"/join/{mini.join_code}", {"name": "", "role_group": ""}).status_code == 422
    join(client, mini)


def test_wrong_codes_on_the_front_page_and_in_join_links_share_one_budget(app, client, mini):
    app.config["JOIN_RATE_LIMIT"] = "2 per minute"
    assert post_form(client, "/", {"code": "AAAAAA"}).status_code == 404
    assert client.get("/join/BBBBBB").status_code == 404
    assert client.get(f"/join/{mini.join_code}").status_code == 429
    assert client.get("/").status_code == 200  # the front page itself stays open


def test_every_page_under_a_personal_link_shares_one_budget_for_unknown_links(app, client):
    app.config["JOIN_RATE_LIMIT"] = "3 per minute"
    assert client.get("/p/guess-1").status_code == 404
    assert client.get("/p/guess-2/step/1").status_code == 404
    assert client.get("/p/guess-3/review").status_code == 404
    assert client.get("/p/guess-4/results").status_code == 429
    assert client.get("/p/guess-5/step/2").status_code == 429


def test_an_empty_login_form_does_not_count_but_a_wrong_password_does(app, client, ctx):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    make_facilitator()
    for _ in range(3):
        assert post_form(client, "/login", {"email": "", "password": ""}).status_code == 422
    for _ in range(2):
        assert post_form(client, "/login", {"email": "leder@example.org", "password": "feil"}).status_code == 401
    assert post_form(client, "/login", {"email": "leder@example.org", "password": "feil"}).status_code == 429


# ---------------------------------------------------------------- accounts

@pytest.mark.production_passwords  # the hash's cost is what must not differ
def test_a_login_takes_as_long_without_an_account_as_with_a_wrong_password(app, client, ctx):
    """Otherwise the time of the answer tells which email addresses have an account."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    make_facilitator()
    token = csrf_token(client.get("/login").get_data(as_text=True))

    def fastest(email: str) -> tuple[float, str]:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": "feil-passord",
                                                   "csrf_token": token})
            times.append(time.perf_counter() - start)
            assert response.status_code == 401
        return min(times), page_text(response)

    (known, known_page), (unknown, unknown_page) = fastest("leder@example.org"), fastest("ingen@example.org")
    assert unknown > known / 2, (known, unknown)
    assert known_page == unknown_page


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, ctx):
    make_facilitator()
    login(client)
    page = client.get("/programmes")
    assert page.status_code == 200
    copied = client.get_cookie("session").value
    assert client.post("/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
                       ).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/programmes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client)  # logging in again works
    assert client.get("/programmes").status_code == 200


def test_a_new_password_ends_the_sessions_logged_in_with_the_old_one(app, client, ctx):
    from assessment.facilitators import change_password

    facilitator = make_facilitator()
    login(client)
    change_password(facilitator, "et-helt-nytt-passord")
    response = client.get("/programmes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert post_form(client, "/login", {"email": "leder@example.org", "password": "et-godt-passord"}
                     ).status_code == 401
    login(client, password="et-helt-nytt-passord")


# ---------------------------------------------------------------- links and hosts

def test_the_join_screen_and_qr_code_link_to_public_url_whatever_the_host(app, client, mini):
    app.config["PUBLIC_URL"] = "https://vurdering.example.no"
    make_facilitator(programmes=[mini.programme])
    join(app.test_client(), mini)
    login(client)
    other_host = {"Host": "127.0.0.1:5000"}  # trusted, but not the public address
    client.set_cookie("session", client.get_cookie("session").value, domain="127.0.0.1")
    screen = client.get(f"/sessions/{mini.id}/screen", headers=other_host)
    assert screen.status_code == 200
    html = screen.get_data(as_text=True)
    assert f"https://vurdering.example.no/join/{mini.join_code}" in html and "127.0.0.1" not in html
    session_page = client.get(f"/sessions/{mini.id}", headers=other_host).get_data(as_text=True)
    assert "https://vurdering.example.no/p/" in session_page and "127.0.0.1" not in session_page
    qr_url = f"/sessions/{mini.id}/qr.svg"
    qr = client.get(qr_url, headers=other_host).data
    assert client.get(qr_url).data == qr  # the same code from another host name
    app.config["PUBLIC_URL"] = "https://annen.example.no"
    assert client.get(qr_url).data != qr  # and it follows PUBLIC_URL


def test_a_forged_host_gets_a_400_with_a_clear_message_and_appears_nowhere(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    forged = {"Host": "evil.example"}
    for url in ("/", f"/join/{mini.join_code}", f"/sessions/{mini.id}/screen", f"/sessions/{mini.id}/qr.svg"):
        response = client.get(url, headers=forged)
        assert response.status_code == 400, url
        assert "evil.example" not in response.get_data(as_text=True), url
        assert "adressen" in response.get_data(as_text=True), url
        assert response.headers["X-Frame-Options"] == "DENY"
    english = client.get("/", headers={**forged, "Accept-Language": "en"})
    assert "address" in english.get_data(as_text=True)


def test_without_public_url_only_this_machines_names_are_trusted(app, mini):
    make_facilitator(programmes=[mini.programme])
    local = another_app(app, PUBLIC_URL="")
    client = local.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "statusvurdering.example.org"}).status_code == 400
    login(client)
    client.set_cookie("session", client.get_cookie("session").value, domain="127.0.0.1")
    screen = client.get(f"/sessions/{mini.id}/screen", headers={"Host": "127.0.0.1:5000"})
    assert f"http://127.0.0.1:5000/join/{mini.join_code}" in screen.get_data(as_text=True)


def test_trusted_hosts_are_read_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "vurdering.example.no, .kommune.no")
    client = another_app(app).test_client()
    assert client.get("/", headers={"Host": "vurdering.example.no"}).status_code == 200
    assert client.get("/", headers={"Host": "www.testby.kommune.no"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


# ---------------------------------------------------------------- caching and error pages

def test_pages_and_downloads_are_never_stored_but_static_files_may_be(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    token = join(app.test_client(), mini)
    login(client)
    for url in ("/", "/login", f"/join/{mini.join_code}", f"/p/{token}", step_url(token, 1),
                f"/p/{token}/review", f"/p/{token}/results", "/p/unknown-link", "/programmes",
                f"/sessions/{mini.id}", f"/sessions/{mini.id}/screen", f"/sessions/{mini.id}/qr.svg",
                f"/sessions/{mini.id}/answers.csv"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    static = client.get("/static/style.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


ERROR_CODES = (400, 403, 404, 409, 413, 429, 500)


def test_error_pages_are_ours_in_bokmal_and_english(app, client):
    app.add_url_rule("/test-error/<int:code>", "test_error", lambda code: abort(code))
    for code in ERROR_CODES:
        pages = {}
        for lang, heading in (("nb", "Noe må ordnes"), ("en", "Something needs your attention")):
            response = client.get(f"/test-error/{code}", headers={"Accept-Language": lang})
            assert response.status_code == code
            html = response.get_data(as_text=True)
            assert heading in page_text(response) and "/static/style.css" in html, (code, lang)
            assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["Cache-Control"] == "no-store"
            pages[lang] = page_text(response)
        assert pages["nb"] != pages["en"], code


def test_an_unexpected_error_shows_our_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production; TESTING would re-raise it

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/test-broken", "test_broken", broken)
    response = client.get("/test-broken")
    assert response.status_code == 500
    assert "Noe må ordnes" in page_text(response) and "a bug" not in page_text(response)
    assert "Internal Server Error" not in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"


def test_the_participants_own_link_is_on_public_url(app, client, mini):
    app.config["PUBLIC_URL"] = "https://statusvurdering.example.org"
    token = join(client, mini)
    page = client.get(step_url(token, 1)).get_data(as_text=True)
    assert f"https://statusvurdering.example.org/p/{token}" in page
    assert f"http://localhost/p/{token}" not in page
