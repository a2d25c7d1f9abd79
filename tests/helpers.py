"""Helpers that let a test read like a user's story: join, answer a step, review, submit."""
from __future__ import annotations

import random
import re
from html import unescape
from typing import Any

from werkzeug.datastructures import MultiDict

from assessment.banks import Bank, Section, get_bank
from assessment.demo import demo_value
from assessment.models import ReviewSession
from assessment.rules import visible_questions
from assessment.programmes import create_programme, create_session
from assessment.question_types import question_type
from forms.step import COMMENT_SUFFIX

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def page_text(response) -> str:
    """The visible text of a page, roughly: tags stripped, entities decoded, spaces folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def make_session(bank_id: str = "psv", year: int = 2, programme: str = "Testby omstilling",
                 **kwargs) -> ReviewSession:
    """A programme and a session; call inside an app context."""
    return create_session(create_programme(programme), get_bank(bank_id), year, **kwargs)


def post_form(client, url: str, data: dict | MultiDict, follow_redirects: bool = False):
    """GET a page, then POST its form with the page's CSRF token, as a browser would."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = MultiDict(data)
    form["csrf_token"] = csrf_token(page.get_data(as_text=True))
    return client.post(url, data=form, follow_redirects=follow_redirects)


def join(client, session: ReviewSession | str, name: str = "Kari Nordmann",
         role: str = "leadership") -> str:
    """Join with the session's code; returns the participant's token."""
    code = session if isinstance(session, str) else session.join_code
    response = post_form(client, f"/join/{code}", {"name": name, "role_group": role})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return token_from_join_redirect(response.headers["Location"])


def token_from_join_redirect(location: str) -> str:
    """Joining leads straight to the first step: the token from /p/<token>/step/1."""
    token, rest = location.split("/p/", 1)[1].split("/", 1)
    assert rest == "step/1", location
    return token


def step_url(token: str, number: int) -> str:
    return f"/p/{token}/step/{number}"


def answer_step(client, token: str, number: int, data: dict | MultiDict, action: str = "next",
                follow_redirects: bool = False):
    form = MultiDict(data)
    form["action"] = action
    return post_form(client, step_url(token, number), form, follow_redirects)


def complete_answers(bank: Bank, section: Section, earlier: dict[str, Any],
                     seed: int = 1) -> tuple[MultiDict, dict[str, Any]]:
    """Form data answering every question of a step that will be shown, with justifications;
    and the values as they will be stored."""
    rng = random.Random(seed)
    values = dict(earlier)
    data = MultiDict()
    for question in section.questions:
        if question.id not in {q.id for q in visible_questions(bank, values)}:
            continue
        value = demo_value(question, rng, centre=4)
        if value == "na":
            value = 4
        values[question.id] = value
        form_value = question_type(question).form_value(question, value)
        if isinstance(form_value, list):
            data.setlist(question.id, form_value)
        else:
            data[question.id] = form_value
        if question.type == "scale" and question.comment != "none":
            data[question.id + COMMENT_SUFFIX] = f"Begrunnelse for {question.id}"
    return data, values


def submit(client, token: str):
    """Press "Submit answers" on the review page."""
    page = client.get(f"/p/{token}/review")
    return client.post(f"/p/{token}/submit", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def make_facilitator(email: str = "leder@example.org", password: str = "et-godt-passord",
                     programmes=()):
    """A facilitator account with access to `programmes`; call inside an app context."""
    from assessment.facilitators import create_facilitator, grant_access

    facilitator = create_facilitator(email, password, "Prosess Leder")
    for programme in programmes:
        grant_access(programme, facilitator, owner=True)
    return facilitator


def login(client, email: str = "leder@example.org", password: str = "et-godt-passord"):
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, page_text(response)[:500]
    return response


def another_app(app, **config):
    """An app like the test's `app`, on the same database, with some settings changed: for those that
    create_app() reads once (the rate-limit store, the trusted hosts). Make it before using `app`'s
    client: the module's limiter takes the new app's store."""
    from app import create_app

    keys = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_URL", "BANKS_DIR")
    other = create_app({**{key: app.config[key] for key in keys if key in app.config}, **config})
    other.test_client_class = app.test_client_class
    return other


def upload_proposals(client, session: ReviewSession, content: bytes, name: str = "forslag.xlsx"):
    """Upload a workbook on the Exports page to import its proposals; a good one leads to its preview."""
    import io

    page = client.get(f"/sessions/{session.id}/exports").get_data(as_text=True)
    return client.post(f"/sessions/{session.id}/import-proposals", data={
        "csrf_token": csrf_token(page), "workbook": (io.BytesIO(content), name)},
        content_type="multipart/form-data")


def press_on_preview(client, preview: str, action: str = "apply", skip_refused: bool = False):
    """Press Apply (or Cancel) on an import's preview page."""
    page = client.get(preview)
    assert page.status_code == 200, page_text(page)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    if skip_refused:
        data["skip_refused"] = "1"
    return client.post(f"{preview}/{action}", data=data)
