"""A participant's walk through the multi-step form, over real HTTP, checking the database."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Answer, Participant
from tests.helpers import (answer_step, complete_answers, join, make_session, page_text,
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


def test_the_participant_pages_read_model_answers_as_the_orm_models(app, client, ctx):
    """find_participant reads plain rows, not ORM objects; what a page asks of them must not differ."""
    from assessment import banks, sessions, workshop

    session = make_session("psv")
    token = join(client, session, "Ola Observatør", "observer_county")
    section_ids = [s.id for s in session.bank.sections]
    for section_id in section_ids[1:]:
        workshop.set_section_open(session, section_id, False)
    orm = participant(token)
    banks._snapshot_cache.clear()  # the record reads the snapshot itself when the bank is not cached

    record = sessions.find_participant(token)
    assert (record.id, record.name, record.role_group, record.current_step, record.submitted_at) == (
        orm.id, orm.name, orm.role_group, orm.current_step, orm.submitted_at)
    assert record.is_observer is orm.is_observer is True
    assert record.session.programme.name == orm.session.programme.name == "Testby omstilling"
    assert record.session.bank.hash == orm.session.bank.hash
    assert record.session.is_locked is orm.session.is_locked is False
    assert [record.session.is_section_open(s) for s in section_ids] == [
        orm.session.is_section_open(s) for s in section_ids] == [True] + [False] * (len(section_ids) - 1)

    with pytest.raises(sessions.NotFound):
        sessions.find_participant("no-such-token")

    by_code = sessions.find_session_by_code(session.join_code.lower())
    assert (by_code.id, by_code.title, by_code.programme.name, by_code.bank.hash) == (
        session.id, session.title, session.programme.name, session.bank.hash)
    with pytest.raises(sessions.NotFound):
        sessions.find_session_by_code("ZZZZZZ")
