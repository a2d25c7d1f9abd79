"""The multi-step form's behaviour: drafts, validation, Back, resume, conditions, submit, lock."""
from __future__ import annotations

import re

from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Answer, Participant
from tests.helpers import answer_step, csrf_token, join, page_text, post_form, step_url, submit

FIRST_OK = {"plan": "5", "plan__comment": "Godt planarbeid", "role_known": "yes"}


def answers(token: str) -> dict:
    db.session.expire_all()
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    return {a.question_id: (a.value, a.comment) for a in db.session.scalars(
        select(Answer).filter_by(participant_id=participant.id))}


def test_missing_required_answer_is_shown_inline_and_the_rest_is_saved(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 1, {"plan": "5", "plan__comment": "Fint"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="role_known-error"' in html and "Svar på dette spørsmålet." in html
    assert 'role="alert"' in html
    # What was valid is kept, in the database and in the page.
    assert answers(token) == {"plan": (5, "Fint")}
    assert re.search(r'<input[^>]*name="plan"[^>]*value="5"[^>]*checked', html)
    assert not re.search(r'<input[^>]*name="plan"[^>]*value="[1-46]"[^>]*checked', html)


def test_score_without_required_justification_is_refused(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 1, {"plan": "4", "role_known": "no"})
    assert response.status_code == 422
    assert "Skriv en kort begrunnelse for karakteren." in page_text(response)
    assert answers(token)["role_known"] == (False, "")


def test_cannot_assess_needs_no_justification_and_is_stored(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 1, {"plan": "na", "role_known": "yes"})
    assert response.status_code == 302
    assert answers(token)["plan"] == ("na", "")


def test_next_moves_on_and_back_keeps_a_half_filled_step(client, mini):
    token = join(client, mini)
    assert answer_step(client, token, 1, FIRST_OK).headers["Location"].endswith(step_url(token, 2))
    # Back from step 2 with only some answers: saved, no error, back on step 1.
    response = answer_step(client, token, 2, {"jobs_count": "12"}, action="back")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(step_url(token, 1))
    assert answers(token)["jobs_count"] == (12, "")
    page = client.get(step_url(token, 1))
    assert "Godt planarbeid" in page.get_data(as_text=True)


def test_save_stays_on_the_step_with_a_confirmation(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 2, {"jobs": "3"}, action="save", follow_redirects=True)
    assert response.status_code == 200
    assert "Lagret." in page_text(response)
    assert "Steg 2 av 2" in page_text(response)
    assert answers(token)["jobs"] == (3, "")


def test_a_malformed_number_is_refused_and_the_saved_number_kept(client, mini):
    token = join(client, mini)
    answer_step(client, token, 2, {"jobs_count": "1 250"}, action="save")
    assert answers(token)["jobs_count"] == (1250, "")
    response = answer_step(client, token, 2, {"jobs_count": "mange", "jobs": "4"}, action="back")
    assert response.status_code == 422
    assert "Skriv et tall" in page_text(response)
    assert 'value="mange"' in response.get_data(as_text=True)  # what was typed stays in the page
    assert answers(token)["jobs_count"] == (1250, "")
    assert answers(token)["jobs"] == (4, "")


def test_number_outside_its_range_is_refused(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 2, {"jobs_count": "-3"}, action="save")
    assert response.status_code == 422
    assert "Skriv et tall fra 0 til 10000." in page_text(response)


def test_clearing_an_answer_removes_it(client, mini):
    token = join(client, mini)
    answer_step(client, token, 2, {"jobs_count": "7", "phase": "late"}, action="save")
    answer_step(client, token, 2, {"jobs_count": "", "phase": "late"}, action="save")
    assert "jobs_count" not in answers(token)


def test_every_question_type_is_stored_as_typed_value(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, {"plan": "2", "plan__comment": "Svakt", "role_known": "no",
                                   "plan_change": "Mer styring"})
    response = answer_step(client, token, 2, {
        "jobs": "6", "jobs_count": "40", "plan_followup": "Månedlig", "focus": ["food", "tourism"],
        "phase": "early", "next_meeting": "2027-03-01"})
    assert response.status_code == 302
    stored = answers(token)
    assert stored["plan"] == (2, "Svakt")
    assert stored["role_known"] == (False, "")
    assert stored["plan_change"] == ("Mer styring", "")
    assert stored["jobs"] == (6, "")
    assert stored["jobs_count"] == (40, "")
    assert stored["focus"] == (["tourism", "food"], "")  # in the bank's order
    assert stored["phase"] == ("early", "")
    assert stored["next_meeting"] == ("2027-03-01", "")


def test_invalid_date_and_unknown_choice_are_refused(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 2, {"next_meeting": "31.02.2027", "phase": "middle"},
                           action="save")
    assert response.status_code == 422
    assert "next_meeting" not in answers(token) and "phase" not in answers(token)


def test_condition_on_the_same_step_requires_only_when_shown(client, mini):
    token = join(client, mini)
    # Score 2: the follow-up question is shown and required.
    response = answer_step(client, token, 1, {"plan": "2", "plan__comment": "x", "role_known": "yes"})
    assert response.status_code == 422
    assert 'id="plan_change-error"' in response.get_data(as_text=True)
    # Score 5: hidden, not required, and a value sent for it is ignored.
    response = answer_step(client, token, 1, {"plan": "5", "plan__comment": "x", "role_known": "yes",
                                              "plan_change": "skal ikke lagres"})
    assert response.status_code == 302
    assert "plan_change" not in answers(token)


def test_condition_on_an_earlier_step_hides_the_question(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, FIRST_OK)  # plan = 5
    assert 'name="plan_followup"' not in client.get(step_url(token, 2)).get_data(as_text=True)
    answer_step(client, token, 1, {**FIRST_OK, "plan": "1", "plan_change": "Alt"}, action="save")
    assert 'name="plan_followup"' in client.get(step_url(token, 2)).get_data(as_text=True)


def test_a_hidden_questions_stale_answer_is_not_shown_or_counted(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, {**FIRST_OK, "plan": "1", "plan_change": "Alt"}, action="save")
    answer_step(client, token, 2, {"plan_followup": "Ukentlig"}, action="save")
    answer_step(client, token, 1, FIRST_OK, action="save")  # plan = 5 hides plan_followup
    review = page_text(client.get(f"/p/{token}/review"))
    assert "Ukentlig" not in review and "Oppfølging av planen" not in review


def test_resume_from_the_same_link_on_a_new_device(app, client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, FIRST_OK)
    other_device = app.test_client()  # no cookies: only the link
    response = other_device.get(f"/p/{token}")
    assert response.headers["Location"].endswith(step_url(token, 2))
    response = other_device.get(step_url(token, 1))
    assert "Godt planarbeid" in response.get_data(as_text=True)
    # And it can save from there.
    response = answer_step(other_device, token, 2, {"jobs": "5"})
    assert response.status_code == 302
    assert answers(token)["jobs"] == (5, "")


def test_review_lists_answers_with_edit_links_and_missing_ones(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, FIRST_OK)
    review = client.get(f"/p/{token}/review")
    text = page_text(review)
    assert "5 – Godt" in text and "Godt planarbeid" in text and "Ja" in text
    assert "1 obligatorisk svar mangler." in text
    assert f'href="/p/{token}/step/2"' in review.get_data(as_text=True)


def test_submit_with_a_missing_answer_is_refused_with_a_message(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, FIRST_OK)
    response = submit(client, token)
    assert response.status_code == 422
    assert "Noen obligatoriske spørsmål er ikke besvart ennå." in page_text(response)
    db.session.expire_all()
    assert db.session.scalar(select(Participant).filter_by(token=token)).submitted_at is None


def test_answers_can_change_after_submit_until_locked(client, mini):
    token = join(client, mini)
    answer_step(client, token, 1, FIRST_OK)
    answer_step(client, token, 2, {"jobs": "4"})
    assert submit(client, token).status_code == 302
    assert client.get(f"/p/{token}").headers["Location"].endswith("/review")
    assert answer_step(client, token, 2, {"jobs": "5"}).status_code == 302
    assert answers(token)["jobs"] == (5, "")

    page = client.get(step_url(token, 2))  # the step is open in the browser when the lock comes
    mini.state = "closed"
    db.session.commit()
    response = client.post(step_url(token, 2), data={
        "jobs": "1", "action": "next", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 409
    assert "Prosesslederen har låst økten." in page_text(response)
    assert answers(token)["jobs"] == (5, "")
    assert "Prosesslederen har låst økten" in page_text(client.get(f"/p/{token}/review"))


def test_a_post_without_csrf_token_changes_nothing(client, mini):
    token = join(client, mini)
    response = client.post(step_url(token, 2), data={"jobs": "2", "action": "save"})
    assert response.status_code == 400
    assert "Siden var utløpt" in page_text(response)
    assert answers(token) == {}


def test_a_post_with_another_browsers_or_a_forged_token_changes_nothing(app, client, mini):
    """The step form has no token field of its own: CSRFProtect's check is the one that counts."""
    token = join(client, mini)
    other = app.test_client()
    other_token = csrf_token(other.get(f"/join/{mini.join_code}").get_data(as_text=True))
    for forged in (other_token, "IjAwMDAi.abc.def", "x" * 200):
        response = client.post(step_url(token, 2), data={"jobs": "2", "action": "save", "csrf_token": forged})
        assert response.status_code == 400, forged
        assert "Siden var utløpt" in page_text(response)
    assert answers(token) == {}
    page = client.get(step_url(token, 2)).get_data(as_text=True)
    assert page.count('name="csrf_token"') == 1  # written once, by the page


def test_the_step_list_saves_and_jumps(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 1, {"plan": "6", "plan__comment": "Topp"}, action="goto-2")
    assert response.headers["Location"].endswith(step_url(token, 2))
    assert answers(token)["plan"] == (6, "Topp")


def test_step_outside_the_bank_is_404_and_bad_token_gets_a_clear_message(client, mini):
    token = join(client, mini)
    assert client.get(step_url(token, 3)).status_code == 404
    response = client.get("/p/not-a-token")
    assert response.status_code == 404
    assert "Lenken er ikke gyldig" in page_text(response)


def test_joining_needs_a_name_and_a_role(client, mini):
    response = post_form(client, f"/join/{mini.join_code}", {"name": "  ", "role_group": "leadership"})
    assert response.status_code == 422
    assert "Skriv navnet ditt." in page_text(response)
    response = post_form(client, f"/join/{mini.join_code}", {"name": "Ola", "role_group": "boss"})
    assert response.status_code == 422


def test_front_page_code_leads_to_the_join_page(client, mini):
    response = post_form(client, "/", {"code": mini.join_code.lower()})
    assert response.headers["Location"].endswith(f"/join/{mini.join_code}")
    response = post_form(client, "/", {"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "Ingen økt har denne koden." in page_text(response)


def test_the_form_speaks_english_when_the_browser_asks(client, mini):
    token = join(client, mini)
    page = client.get(step_url(token, 1), headers={"Accept-Language": "en-GB,en;q=0.9"})
    text = page_text(page)
    assert "Step 1 of 2" in text and "Planning" in text and "Very weak" in text
    assert 'lang="en"' in page.get_data(as_text=True)


def test_bank_markdown_is_rendered_and_script_stripped(client, mini):
    token = join(client, mini)
    html = client.get(step_url(token, 1)).get_data(as_text=True)
    assert "<strong>kort</strong>" in html and "<em>handlingsplanen</em>" in html
    assert "<script>alert" not in html
