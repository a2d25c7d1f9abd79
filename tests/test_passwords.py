"""A facilitator's password: changed with the current one, or reset by a link sent by e-mail (a real
SMTP server in process) that works once, for an hour; the reset page never tells who has an account."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.helpers import login, make_facilitator, page_text, post_form

OLD, NEW = "et-godt-passord", "et-nytt-og-bedre-passord"


def change(client, current: str, new: str, repeat: str | None = None):
    return post_form(client, "/account/password", {"current_password": current, "new_password": new,
                                                   "repeat_password": new if repeat is None else repeat})


def can_log_in(app, password: str) -> bool:
    other = app.test_client()
    return post_form(other, "/login", {"email": "leder@example.org", "password": password}).status_code == 302


def test_a_facilitator_changes_their_password_and_stays_logged_in(app, client, ctx):
    make_facilitator()
    elsewhere = app.test_client()
    login(elsewhere)
    login(client)
    response = change(client, OLD, NEW)
    assert response.status_code == 302
    assert "Passordet ditt er endret" in page_text(client.get(response.headers["Location"]))
    assert client.get("/programmes").status_code == 200            # this browser goes on
    assert elsewhere.get("/programmes").status_code == 302         # the others are logged out
    assert can_log_in(app, NEW) and not can_log_in(app, OLD)


def test_a_wrong_current_password_a_short_or_mismatched_new_one_change_nothing(app, client, ctx):
    make_facilitator()
    login(client)
    wrong = change(client, "feil-passord", NEW)
    assert wrong.status_code == 422 and "Det nåværende passordet er ikke riktig" in page_text(wrong)
    short = change(client, OLD, "kort")
    assert short.status_code == 422 and "minst 10 tegn" in page_text(short)
    mismatched = change(client, OLD, NEW, repeat=NEW + "x")
    assert mismatched.status_code == 422 and "ikke like" in page_text(mismatched)
    assert can_log_in(app, OLD)


def test_changing_a_password_needs_a_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def reset_link(message) -> str:
    return re.search(r"http://localhost(/password/reset/\S+)", message.get_content()).group(1)


def test_a_reset_link_by_email_sets_a_new_password_once(app, client, ctx, smtp):
    make_facilitator()
    response = post_form(client, "/password/forgot", {"email": "Leder@Example.org"})
    assert response.status_code == 200 and "er en lenke" in page_text(response)
    (message,) = smtp.messages
    assert message["To"] == "leder@example.org"
    link = reset_link(message)
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"new_password": NEW, "repeat_password": NEW})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert can_log_in(app, NEW) and not can_log_in(app, OLD)
    used = client.get(link)
    assert used.status_code == 400 and "brukt" in page_text(used)


def test_the_reset_page_answers_the_same_with_or_without_an_account(app, client, ctx, smtp):
    make_facilitator()
    known = page_text(post_form(client, "/password/forgot", {"email": "leder@example.org"}))
    unknown = page_text(post_form(client, "/password/forgot", {"email": "ingen@example.org"}))
    assert known.replace("leder@example.org", "X") == unknown.replace("ingen@example.org", "X")
    assert [m["To"] for m in smtp.messages] == ["leder@example.org"]


def test_a_reset_link_older_than_an_hour_or_tampered_with_is_refused(app, client, ctx, smtp):
    make_facilitator()
    post_form(client, "/password/forgot", {"email": "leder@example.org"})
    link = reset_link(smtp.messages[0])
    token = link.rsplit("/", 1)[1]
    payload = URLSafeTimedSerializer(app.secret_key, salt="password-reset").loads(token)

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 7200

    old = URLSafeTimedSerializer(app.secret_key, salt="password-reset", signer=TwoHoursAgo).dumps(payload)
    for url in (f"/password/reset/{old}", link[:-3] + "abc"):
        response = client.get(url)
        assert response.status_code == 400 and "utløpt" in page_text(response)
    assert can_log_in(app, OLD)


def test_without_an_email_server_the_page_says_how_a_password_is_reset(client, ctx):
    make_facilitator()
    page = page_text(client.get("/password/forgot"))
    assert "MAIL_SERVER" in page and "flask facilitator password" in page


def test_an_operator_sets_a_password_from_the_command_line(app, runner, ctx):
    make_facilitator()
    result = runner.invoke(args=["facilitator", "password", "leder@example.org", "--password-stdin"],
                           input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert can_log_in(app, NEW)
    refused = runner.invoke(args=["facilitator", "password", "ingen@example.org", "--password-stdin"],
                            input=NEW + "\n")
    assert refused.exit_code != 0 and "No facilitator" in refused.output


@pytest.mark.production_passwords
def test_passwords_are_stored_as_scrypt_hashes_and_still_log_in(app, client, ctx):
    facilitator = make_facilitator()
    assert facilitator.password_hash.startswith("scrypt:")
    assert login(client).status_code == 302
