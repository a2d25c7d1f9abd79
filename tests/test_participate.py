"""A participant's walk through the multi-step form, over real HTTP, checking the database."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Answer, Participant
from tests.helpers import (answer_step, complete_answers, csrf_token, join, make_session, page_text,
                           step_url, submit)


def stored(token: str) -> dict:
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    return {a.question_id: a.value for a in db.session.scalars(
        select(Answer).filter_by(participant_id=participant.id))}


def participant(token: str) -> Participant:
    return db.session.scalar(select(Participant).filter_by(token=token))


@pytest.mark.parametrize("bank_id", ["psv", "closure"])
def test_walk_every_step_then_review_and_submit(app, client, ctx, bank_id):
    session = make_session(bank_id)
    bank = session.bank
    token = join(client, session, "Kari Nordmann", "leadership")

    # The personal link leads to the first step.
    first = client.get(f"/p/{token}")
    assert first.headers["Location"].endswith(step_url(token, 1))

    # Next on an empty first step: errors inline, nothing stored, still on step 1.
    refused = answer_step(client, token, 1, {})
    assert refused.status_code == 422 and "Svar på dette spørsmålet." in page_text(refused)
    assert stored(token) == {} and participant(token).current_step == 0

    values: dict = {}
    for number, section in enumerate(bank.sections, start=1):
        page = client.get(step_url(token, number))
        assert page.status_code == 200
        assert f"Steg {number} av {len(bank.sections)}" in page_text(page)
        data, values = complete_answers(bank, section, values, seed=number)
        if number == 2:
            # Back saves what was typed and shows the previous step with its answers.
            back = answer_step(client, token, 2, data, action="back")
            assert back.headers["Location"].endswith(step_url(token, 1))
            db.session.expire_all()
            assert all(stored(token)[q] == values[q] for q in data if not q.endswith("__comment"))
            assert client.get(step_url(token, 1)).status_code == 200
            # A new device with the personal link resumes where the participant was (step 1 now).
            elsewhere = app.test_client()
            assert elsewhere.get(f"/p/{token}").headers["Location"].endswith(step_url(token, 1))
            assert "checked" in elsewhere.get(step_url(token, 2)).get_data(as_text=True)
        response = answer_step(client, token, number, data)
        assert response.status_code == 302, page_text(response)[:3000]
        db.session.expire_all()
        saved = stored(token)
        for question_id in data:
            if not question_id.endswith("__comment"):
                assert saved[question_id] == values[question_id]
        assert participant(token).current_step == min(number, len(bank.sections) - 1)

    assert response.headers["Location"].endswith(f"/p/{token}/review")
    review = client.get(f"/p/{token}/review")
    assert review.status_code == 200
    assert "svar mangler" not in page_text(review)
    response = submit(client, token)
    assert response.status_code == 302
    db.session.expire_all()
    assert participant(token).submitted_at is not None


def test_a_join_code_typed_in_lower_case_with_spaces_finds_the_session(client, ctx):
    session = make_session("psv")
    code = session.join_code.lower()
    response = client.post("/", data={"code": f" {code[:3]} {code[3:]} ",
                                      "csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/join/{session.join_code}")
    assert client.get("/p/no-such-token").status_code == 404
