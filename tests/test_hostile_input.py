"""Random and malformed input to every form and endpoint never gets a 5xx, and script typed anywhere
never comes back as markup."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.helpers import csrf_token, join, login, make_facilitator, page_text

FIELD_NAMES = [
    "name", "role_group", "code", "action", "plan", "plan__comment", "plan_change", "role_known",
    "jobs", "jobs_count", "plan_followup", "focus", "phase", "next_meeting", "email", "password",
    "municipality", "county", "start_year", "bank_id", "title", "programme_year", "meeting_date",
    "anonymous", "state", "section", "open", "question", "reveal", "back", "invite-name",
    "invite-role_group", "share-email", "consensus-grade", "consensus-conclusion", "consensus-dissent",
    "proposal-text", "proposal-owner", "proposal-deadline", "proposal-priority", "proposal-status",
    "p1-text", "p1-priority", "p1-status", "status", "status_only", "delete",
]
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "na", "yes", "no",
                     "2026-02-30", "9999-12-31", "goto-0", "goto-999", "goto-x", "next", "back",
                     "save", "review", "closed", "<script>alert(1)</script>", "' OR 1=1 --",
                     "\x00", "=HYPERLINK(\"http://x\",\"y\")", "\u202e", "a" * 20000]),
)
form_data = st.lists(st.tuples(st.sampled_from(FIELD_NAMES), nasty_text), max_size=12)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def generous_limits(app):
    """These tests are about 5xx; the rate limits have tests of their own."""
    app.config["JOIN_RATE_LIMIT"] = app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"


def post_fuzz(client, url: str, pairs, token: str) -> int:
    data = MultiDict(pairs)
    data["csrf_token"] = token
    return client.post(url, data=data).status_code


@FUZZ
@given(pairs=form_data, number=st.integers(min_value=-2, max_value=5))
def test_participant_endpoints_never_fail_on_random_input(app, mini, generous_limits, pairs, number):
    client = app.test_client()
    token = join(client, mini)
    csrf = csrf_token(client.get(f"/p/{token}/step/1").get_data(as_text=True))
    for url in (f"/join/{mini.join_code}", "/", f"/p/{token}/step/{number}", f"/p/{token}/submit"):
        status = post_fuzz(client, url, pairs, csrf)
        assert status < 500, (url, status)
    for url in (f"/p/{token}", f"/p/{token}/review", f"/p/{token}/results", f"/p/{token}/step/{number}"):
        assert client.get(url).status_code < 500


@pytest.mark.slow  # 40 examples over every facilitator endpoint: about 17 s
@FUZZ
@given(pairs=form_data, question=st.sampled_from(["plan", "jobs", "role_known", "nope", "x" * 300]),
       proposal=st.integers(min_value=-1, max_value=3))
def test_facilitator_endpoints_never_fail_on_random_input(app, mini, generous_limits, pairs, question,
                                                         proposal):
    client = app.test_client()
    if not getattr(mini, "_facilitator", None):
        make_facilitator(programmes=[mini.programme])
        mini._facilitator = True
    login(client)
    csrf = csrf_token(client.get("/programmes").get_data(as_text=True))
    session, programme = mini.id, mini.programme.id
    urls = ["/programmes", f"/programmes/{programme}", f"/programmes/{programme}/share",
            f"/sessions/{session}/state", f"/sessions/{session}/sections", f"/sessions/{session}/reveal",
            f"/sessions/{session}/invite", f"/sessions/{session}/indicators/{question}",
            f"/sessions/{session}/proposals", f"/sessions/{session}/proposals/{proposal}",
            f"/sessions/{session}/follow-up", f"/sessions/{session}/import-proposals",
            f"/sessions/{session}/import-proposals/{proposal}/apply",
            f"/sessions/{session}/import-proposals/{proposal}/cancel",
            f"/sessions/{session}/participants/{proposal}/delete", f"/sessions/{session}/anonymise",
            f"/sessions/{session}/delete", "/login"]
    for url in urls:
        status = post_fuzz(client, url, pairs, csrf)
        assert status < 500, (url, status)
    for url in (f"/sessions/{session}", f"/sessions/{session}/dashboard",
                f"/sessions/{session}/discussion", f"/sessions/{session}/live?version={question}",
                f"/sessions/{session}/answers", f"/sessions/{session}/exports",
                f"/sessions/{session}/export.xlsx", f"/sessions/{session}/export.json",
                f"/sessions/{session}/answers.csv", f"/sessions/{session}/report",
                f"/sessions/{session}/report.md", f"/sessions/{session}/import-proposals/{proposal}"):
        assert client.get(url).status_code < 500, url


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_random_paths_never_fail(client, generous_limits, path):
    for prefix in ("/p/", "/join/", "/sessions/", "/language/"):
        assert client.get(prefix + path.replace("?", "").replace("#", "")).status_code < 500


def test_script_typed_in_answers_and_conclusions_is_never_markup(app, client, mini):
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    make_facilitator(programmes=[mini.programme])
    participant = app.test_client()
    token = join(participant, mini, "Hostile")
    page = participant.get(f"/p/{token}/step/1").get_data(as_text=True)
    participant.post(f"/p/{token}/step/1", data={
        "plan": "2", "plan__comment": hostile, "plan_change": hostile, "role_known": "yes",
        "action": "save", "csrf_token": csrf_token(page)})
    login(client)
    conclusion_page = client.get(f"/sessions/{mini.id}/indicators/plan").get_data(as_text=True)
    client.post(f"/sessions/{mini.id}/indicators/plan", data={
        "consensus-grade": "2", "consensus-conclusion": hostile, "consensus-dissent": hostile,
        "csrf_token": csrf_token(conclusion_page)})
    for html in (participant.get(f"/p/{token}/review").get_data(as_text=True),
                 participant.get(f"/p/{token}/step/1").get_data(as_text=True),
                 client.get(f"/sessions/{mini.id}/indicators/plan").get_data(as_text=True),
                 client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)):
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "alert" in page_text(client.get(f"/sessions/{mini.id}/indicators/plan"))  # shown as text


def test_a_nul_character_is_refused_with_a_message_and_saves_nothing(app, client, mini):
    """PostgreSQL cannot store NUL; no browser sends one. A 400 that says so, never a 500."""
    token = join(client, mini, "Nul Tegn")
    page = client.get(f"/p/{token}/step/1").get_data(as_text=True)
    client.post(f"/p/{token}/step/1", data={
        "plan": "4", "plan__comment": "Lagret først", "role_known": "yes", "action": "save",
        "csrf_token": csrf_token(page)})
    response = client.post(f"/p/{token}/step/1", data={
        "plan": "2", "plan__comment": "bad\x00text", "role_known": "no", "action": "save",
        "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    assert "NUL" in page_text(response)
    assert client.get("/p/\x00").status_code == 400
    review = page_text(client.get(f"/p/{token}/review"))
    assert "Lagret først" in review and "bad" not in review
