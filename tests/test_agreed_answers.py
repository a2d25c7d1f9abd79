"""Agreed answers: the facilitator records what the group agreed for a question that is not an
indicator (the closure review's continuation questions, its facts), through HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment import facilitation
from assessment.errors import UserError
from assessment.extensions import db
from assessment.models import Consensus
from tests.helpers import csrf_token, login, make_facilitator, make_session, page_text


@pytest.fixture
def closure(app, ctx):
    session = make_session("closure", year=6, title="Avslutning")
    make_facilitator(programmes=[session.programme])
    return session


def agreed(session, question_id: str) -> Consensus | None:
    db.session.expire_all()
    return db.session.scalar(select(Consensus).filter_by(session_id=session.id, question_id=question_id))


def post_agreed(client, session, question_id: str, value, note: str = ""):
    field = f"agreed-{question_id}"
    data = {f"{field}-note": note}
    if value is not None:
        data[f"{field}-value"] = value
    page = client.get(f"/sessions/{session.id}/answers")
    assert page.status_code == 200
    return client.post(f"/sessions/{session.id}/answers/{question_id}",
                       data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_facilitator_records_and_then_edits_an_agreed_answer(client, closure):
    login(client)
    response = post_agreed(client, closure, "competence_built", "PLP og porteføljestyring.", "Enige etter runde to.")
    assert response.status_code == 302 and response.headers["Location"].endswith("#answers-competence_built")
    first = agreed(closure, "competence_built")
    assert (first.value, first.conclusion, first.grade) == ("PLP og porteføljestyring.", "Enige etter runde to.", None)

    response = post_agreed(client, closure, "competence_built", "PLP, porteføljestyring og styrearbeid.")
    assert response.status_code == 302
    edited = agreed(closure, "competence_built")
    assert edited.value == "PLP, porteføljestyring og styrearbeid." and edited.conclusion == ""
    assert [change.after.get("value") for change in edited.changes] == [
        "PLP og porteføljestyring.", "PLP, porteføljestyring og styrearbeid."]
    page = page_text(client.get(f"/sessions/{closure.id}/answers"))
    assert "PLP, porteføljestyring og styrearbeid." in page


def test_an_agreed_answer_is_read_by_its_question_type(client, closure):
    login(client)
    assert post_agreed(client, closure, "remaining_funds", "1 250 000").status_code == 302
    assert agreed(closure, "remaining_funds").value == 1250000
    assert post_agreed(client, closure, "cp_phase", "pre_project").status_code == 302
    assert agreed(closure, "cp_phase").value == "pre_project"
    assert post_agreed(client, closure, "final_report_done", "no").status_code == 302
    assert agreed(closure, "final_report_done").value is False
    page = page_text(client.get(f"/sessions/{closure.id}/answers"))
    assert "Felles svar" in page


def test_a_refused_agreed_answer_is_shown_back_with_its_message_and_the_saved_one_is_kept(client, closure):
    login(client)
    post_agreed(client, closure, "remaining_funds", "300000", "Fra regnskapet.")
    response = post_agreed(client, closure, "remaining_funds", "mye penger", "Ny merknad")
    assert response.status_code == 422
    text = page_text(response)
    assert "Skriv et tall, for eksempel 1250 eller 12,5." in text
    assert 'value="mye penger"' in response.get_data(as_text=True) and "Ny merknad" in text
    kept = agreed(closure, "remaining_funds")
    assert (kept.value, kept.conclusion) == (300000, "Fra regnskapet.")

    response = post_agreed(client, closure, "cp_phase", "finished_long_ago")
    assert response.status_code == 422 and "Velg et av alternativene." in page_text(response)
    assert agreed(closure, "cp_phase") is None


def test_an_agreed_answer_is_not_taken_for_an_indicator_nor_an_unknown_question(client, app, ctx):
    psv = make_session("psv", year=2)
    make_facilitator(programmes=[psv.programme])
    login(client)
    assert post_agreed(client, psv, "p1_anchoring", "4").status_code == 404
    assert post_agreed(client, psv, "no_such_question", "x").status_code == 404
    with pytest.raises(UserError):
        facilitation.save_agreed_answer(psv, "p1_anchoring", ["4"], "", None)
    assert post_agreed(client, psv, "overall_strengths", "Godt samarbeid.").status_code == 302
    assert agreed(psv, "overall_strengths").value == "Godt samarbeid."


def test_a_locked_session_refuses_agreed_answers(client, closure):
    login(client)
    page = client.get(f"/sessions/{closure.id}/answers").get_data(as_text=True)
    facilitation.set_state(closure, "closed")

    response = client.post(f"/sessions/{closure.id}/answers/competence_built",
                           data={"agreed-competence_built-value": "Noe", "csrf_token": csrf_token(page)})
    assert response.status_code == 409 and agreed(closure, "competence_built") is None


def test_the_workbook_shows_the_agreed_answer_before_the_individual_ones(client, closure):
    import io

    from openpyxl import load_workbook

    login(client)
    assert post_agreed(client, closure, "remaining_funds", "1 250 000", "Etter revisjonen.").status_code == 302
    assert post_agreed(client, closure, "cp_phase", "pre_project").status_code == 302
    response = client.get(f"/sessions/{closure.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = next(book[name] for name in book.sheetnames if name.startswith("Avslutning"))
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    funds = next(row for row in rows if row[1] == "remaining_funds")
    assert funds[3] == "Felles svar" and funds[4] == 1250000 and funds[6] == "Etter revisjonen."
    assert sheet.cell(rows.index(funds) + 3, 5).number_format.startswith("#,##0")
    phase = next(row for row in rows if row[1] == "cp_phase")
    assert phase[3] == "Felles svar" and phase[5] == "pre_project" and phase[4] != "pre_project"
    bank_order = [q.id for section in closure.bank.sections for q in section.questions]
    shown = [row[1] for row in rows]
    assert shown == sorted(shown, key=bank_order.index)  # in the bank's order
