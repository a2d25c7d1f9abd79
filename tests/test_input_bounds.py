"""Values are bounded where they enter, and every page and export survives what is already stored."""
from __future__ import annotations

import io
import math
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from assessment.banks import get_bank
from assessment.extensions import db
from assessment.models import Answer, Participant, Proposal
from assessment.programmes import create_session
from tests.helpers import answer_step, csrf_token, join, login, make_facilitator, page_text
from tests.readers import check_every_reader



def stored(token: str) -> dict:
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    db.session.refresh(participant)
    return {a.question_id: (a.value, a.comment) for a in participant.answers}


HOSTILE_NUMBERS = ["1e29", "1" * 30, "1e400", "-1e309", "nan", "NaN", "inf", "-Infinity", "9" * 5000,
                   "0x10", "1_000", "12e3", "١٢", "1,2,3", "--1", "+"]


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
def test_a_hostile_number_is_refused_inline_and_the_rest_of_the_step_is_saved(client, mini, raw):
    token = join(client, mini)
    response = answer_step(client, token, 2, {"jobs": "5", "jobs_count": raw, "phase": "early"},
                           action="save")
    assert response.status_code == 422
    text = page_text(response)
    assert "Skriv et tall" in text or "Tallet er for stort" in text
    answers = stored(token)
    assert answers["jobs"] == (5, "") and answers["phase"] == ("early", "")
    assert "jobs_count" not in answers


def test_numbers_without_bank_bounds_stop_at_twelve_digits_in_both_languages(app, client, ctx):
    app.config["BANKS_DIR"] = None
    fact_sheet = create_session(make_session_programme(), get_bank("fact-sheet"), 2)
    token = join(client, fact_sheet, "Programleder")
    number = next(q for q in fact_sheet.bank.questions if q.type == "number" and q.decimals == 0)
    step = next(i for i, s in enumerate(fact_sheet.bank.sections, 1) if number in s.questions)
    response = answer_step(client, token, step, {number.id: "1 000 000 000 000"}, action="save")
    assert response.status_code == 422 and "høyst 12 sifre" in page_text(response)
    client.set_cookie("lang", "en")
    response = answer_step(client, token, step, {number.id: "1000000000000"}, action="save")
    assert response.status_code == 422 and "at most 12 digits" in page_text(response)
    response = answer_step(client, token, step, {number.id: "999 999 999 999"}, action="save")
    assert response.status_code == 302
    assert stored(token)[number.id] == (999_999_999_999, "")


def make_session_programme():
    from assessment.programmes import create_programme

    return create_programme("Grensetall")


def test_decimals_follow_the_bank(app, client, ctx):
    app.config["BANKS_DIR"] = None
    fact_sheet = create_session(make_session_programme(), get_bank("fact-sheet"), 2)
    token = join(client, fact_sheet, "Programleder")
    one_decimal = next(q for q in fact_sheet.bank.questions if q.type == "number" and q.decimals == 1)
    step = next(i for i, s in enumerate(fact_sheet.bank.sections, 1) if one_decimal in s.questions)
    response = answer_step(client, token, step, {one_decimal.id: "12,25"}, action="save")
    assert response.status_code == 422 and "høyst 1 desimaler" in page_text(response)
    response = answer_step(client, token, step, {one_decimal.id: "12,5"}, action="save")
    assert response.status_code == 302 and stored(token)[one_decimal.id] == (12.5, "")


def test_control_characters_are_removed_from_names_and_answers(client, mini):
    token = join(client, mini, "Kari\x0bNord\x01mann\ufffe")
    answer_step(client, token, 1, {"plan": "2", "plan__comment": "Linje\x0bto\x1f", "role_known": "yes",
                                   "plan_change": "Forslag\r\nnummer\x0ctre\x08"}, action="save")
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    assert participant.name == "Kari Nordmann"
    answers = stored(token)
    assert answers["plan"] == (2, "Linje\nto")
    assert answers["plan_change"] == ("Forslag\nnummer\ntre", "")


def test_names_and_texts_are_nfc_normalised(client, mini):
    token = join(client, mini, "Bjo\u0308rn")  # o + combining diaeresis, as some keyboards send it
    answer_step(client, token, 1, {"plan": "3", "plan__comment": "Sa\u030ann", "role_known": "no",
                                   "plan_change": "x"}, action="save")
    assert db.session.scalar(select(Participant.name).filter_by(token=token)) == "Bj\u00f6rn"
    assert stored(token)["plan"] == (3, "S\u00e5nn")


def test_a_step_button_with_thousands_of_digits_is_a_plain_save(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 1, {"plan": "4", "plan__comment": "Ok", "role_known": "yes"},
                           action="goto-" + "9" * 5000)
    assert response.status_code == 302 and response.headers["Location"].endswith("/step/1")
    response = answer_step(client, token, 1, {"plan": "4", "plan__comment": "Ok", "role_known": "yes"},
                           action="goto-\u00b2")
    assert response.status_code == 302
    assert stored(token)["plan"] == (4, "Ok")


def test_levels_and_options_outside_the_bank_are_refused(client, mini):
    token = join(client, mini)
    response = answer_step(client, token, 2, {"jobs": "7", "focus": ["food", "weapons"], "phase": "mid"},
                           action="save")
    assert response.status_code == 422
    text = page_text(response)
    assert "Velg et av nivåene" in text and "Velg blant alternativene" in text
    assert "Velg et av alternativene" in text
    assert stored(token) == {}


def test_dates_outside_1900_to_2199_are_refused(client, mini):
    token = join(client, mini)
    for raw in ("0001-01-01", "9999-12-31", "2026-02-30", "2026-1-1", "i morgen"):
        response = answer_step(client, token, 2, {"jobs": "3", "next_meeting": raw}, action="save")
        assert response.status_code == 422, raw
        assert "Skriv en dato" in page_text(response)
    assert "next_meeting" not in stored(token)


def _store_directly(participant_id: int, values: dict) -> None:
    """Answers as an older version of the app could have stored them, past today's rules."""
    for question_id, value in values.items():
        db.session.execute(Answer.__table__.delete().where(Answer.participant_id == participant_id,
                                                           Answer.question_id == question_id))
        db.session.add(Answer(participant_id=participant_id, question_id=question_id, value=value,
                                comment="Gammel\x0bbegrunnelse\x01"))
    db.session.commit()


def test_every_page_and_export_survives_values_stored_before_the_rules(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    participant = app.test_client()
    token = join(participant, mini, "Gammel\x01verdi")
    person = db.session.scalar(select(Participant).filter_by(token=token))
    db.session.execute(Participant.__table__.update().where(Participant.id == person.id)
                       .values(name="Gammel\x0bverdi\x02"))
    odd = {"plan": 12.5, "plan_change": ["not", "text"], "role_known": "maybe", "jobs": "na",
           "jobs_count": 10**40, "plan_followup": {"a": 1}, "focus": "tourism", "phase": 3,
           "next_meeting": "2026-02-30"}
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's JSON has no Infinity or NaN
        odd["jobs_count"] = math.inf
        odd["phase"] = math.nan
    _store_directly(person.id, odd)
    login(client)
    check_every_reader(client, participant, mini, [token])
    review = page_text(participant.get(f"/p/{token}/review"))
    assert "en lagret verdi som ikke kan vises" in review
    answers_page = page_text(client.get(f"/sessions/{mini.id}/answers"))
    assert "en lagret verdi som ikke kan vises" in answers_page


def test_an_annual_review_export_survives_an_odd_fact_sheet_of_its_programme(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    app.config["BANKS_DIR"] = None
    fact_sheet = create_session(mini.programme, get_bank("fact-sheet"), 2)
    token = join(app.test_client(), fact_sheet, "Programleder\x0b")
    person = db.session.scalar(select(Participant).filter_by(token=token))
    numbers = [q.id for q in fact_sheet.bank.questions if q.type == "number"]
    _store_directly(person.id, {question_id: 10**30 for question_id in numbers})
    login(client)
    from tests.readers import check_exports

    check_exports(client, mini)
    check_exports(client, fact_sheet)


def _upload(client, session, content: bytes):
    page = client.get(f"/sessions/{session.id}/exports").get_data(as_text=True)
    return client.post(f"/sessions/{session.id}/import-proposals", data={
        "csrf_token": csrf_token(page), "workbook": (io.BytesIO(content), "fjor.xlsx")},
        content_type="multipart/form-data")


def _proposals_workbook_with_sheet(replace) -> bytes:
    """A real Proposals workbook whose first sheet's XML is passed through `replace`."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Forbedringsforslag"
    sheet.append(["Indikator", "Forslag", "Ansvarlig"])
    sheet.append(["", "Et forslag", "Leder"])
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = replace(data)
            target.writestr(item, data)
    return damaged.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@pytest.mark.parametrize("replace", [
    lambda xml: xml[: len(xml) // 2],                                   # cut off half-way
    lambda xml: xml.replace(b"<sheetData>", b"<sheetData><row r=\"x\"><c>"),  # broken structure
    lambda xml: LAUGHS + xml.replace(b"</sheetData>", b'<row r="3"><c r="B3" t="inlineStr"><is><t>'
                                     b"&lol3;</t></is></c></row></sheetData>"),  # entity expansion
], ids=["truncated", "malformed", "entity-expansion"])
def test_a_damaged_or_hostile_proposals_sheet_is_refused_and_changes_nothing(app, client, mini, replace):
    make_facilitator(programmes=[mini.programme])
    login(client)
    content = _proposals_workbook_with_sheet(replace)
    before = db.session.scalar(select(func.count(Proposal.id)))
    response = _upload(client, mini, content)
    assert response.status_code == 400, response.status_code
    assert "skadet" in page_text(response)
    assert db.session.scalar(select(func.count(Proposal.id))) == before


def test_the_workbook_never_carries_a_character_excel_refuses(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    person = app.test_client()
    token = join(person, mini, "Ola")
    answer_step(person, token, 1, {"plan": "2", "plan__comment": "=1+1", "role_known": "yes",
                                   "plan_change": "tekst"}, action="save")
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    _store_directly(participant.id, {"plan_change": "Lim\x0binn\x1bfra\ufffeWord"})
    login(client)
    book = load_workbook(io.BytesIO(client.get(f"/sessions/{mini.id}/export.xlsx").data))
    values = [cell for row in book["Svar"].iter_rows(values_only=True) for cell in row]
    assert "Lim\ninnfraWord" in values
    comments = [cell for cell in book["Svar"]["H"] if cell.value == "=1+1"]
    assert comments and comments[0].data_type == "s" and comments[0].quotePrefix
    csv_text = client.get(f"/sessions/{mini.id}/answers.csv").get_data(as_text=True)
    assert "'=1+1" in csv_text and "\x1b" not in csv_text
