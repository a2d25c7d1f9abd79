"""Proposals carried in from a workbook: upload, a preview of every row (new, updated, unchanged or
refused, with its cell), then apply or cancel; through HTTP on the real database."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from assessment import facilitation
from assessment.extensions import db
from assessment.models import Proposal, ProposalUpload
from assessment.programmes import create_session
from tests.helpers import another_app, login, make_facilitator, page_text, press_on_preview, upload_proposals

STATUS, OWNER, DEADLINE, PRIORITY, QUESTION_ID, UID = "F", "C", "D", "E", "H", "I"


@pytest.fixture
def session(app, mini):
    """The mini session with two proposals and a facilitator who may see it."""
    make_facilitator(programmes=[mini.programme])
    facilitation.add_proposal(mini, "plan", "Fast plan for styremøter", "Styreleder", date(2027, 3, 1), "high")
    facilitation.add_proposal(mini, None, "Årlig samling med\r\nnæringslivet", "", None, "low", "in_progress")
    return mini


def exported(client, session) -> bytes:
    response = client.get(f"/sessions/{session.id}/export.xlsx")
    assert response.status_code == 200
    return response.data


def edited(content: bytes, cells: dict[str, object], delete_column: int | None = None) -> bytes:
    """The workbook with some cells of its Proposals sheet changed (or a column deleted)."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Forbedringsforslag"]
    for reference, value in cells.items():
        sheet[reference] = value
    if delete_column:
        sheet.delete_cols(delete_column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, session, content: bytes) -> str:
    """Upload a workbook; returns the address of its preview."""
    response = upload_proposals(client, session, content)
    assert response.status_code == 302, page_text(response)
    return response.headers["Location"]


def proposals(session) -> list[tuple]:
    db.session.expire_all()
    return [(p.uid, p.question_id, p.text, p.owner, p.deadline, p.priority, p.status)
            for p in db.session.scalars(select(Proposal).filter_by(session_id=session.id).order_by(Proposal.id))]


def test_an_edited_workbook_updates_its_proposals_after_a_preview(client, session):
    login(client)
    before = proposals(session)
    changed = edited(exported(client, session), {"F2": "Utført", "C3": "Kari Nordmann", "D3": date(2027, 9, 30)})
    preview = upload(client, session, changed)
    text = page_text(client.get(preview))
    assert "Oppdatert 2" in text and "Nytt 0" in text and "Avvist 0" in text
    assert "Status: Ny → Utført" in text and "Ansvarlig: – → Kari Nordmann" in text
    assert "Frist: – → 30. september 2027" in text
    assert proposals(session) == before  # nothing yet

    response = press_on_preview(client, preview)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sessions/{session.id}/proposals")
    after = proposals(session)
    assert [p[0] for p in after] == [p[0] for p in before]
    assert after[0][6] == "done" and after[1][3] == "Kari Nordmann" and after[1][4] == date(2027, 9, 30)

    again = load_workbook(io.BytesIO(exported(client, session)))["Forbedringsforslag"]
    rows = list(again.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and rows[0][5] == "Utført" and rows[1][2] == "Kari Nordmann"
    assert rows[1][3] == datetime(2027, 9, 30) and [r[8] for r in rows] == [p[0] for p in before]


def test_the_same_workbook_twice_changes_nothing_the_second_time(client, session):
    login(client)
    changed = edited(exported(client, session), {"F2": "Pågår", "B4": "Et nytt forslag", "F4": "Ny"})
    assert press_on_preview(client, upload(client, session, changed)).status_code == 302
    after_first = proposals(session)
    assert len(after_first) == 3
    assert facilitation.session_proposals(session)[2].origin_year is None  # a row added by hand: this year's

    preview = upload(client, session, changed)
    text = page_text(client.get(preview))
    assert "Uendret 3" in text and "Oppdatert 0" in text and "Nytt 0" in text
    assert "importen endrer ingenting" in text
    assert press_on_preview(client, preview).status_code == 302
    assert proposals(session) == after_first


def test_a_refused_row_names_its_cell_and_nothing_is_applied(client, session):
    login(client)
    before = proposals(session)
    broken = edited(exported(client, session), {"F2": "Ferdig", "E2": "Kritisk", "D3": "neste uke",
                                                "H3": "ukjent", "C2": "Ny ansvarlig"})
    preview = upload(client, session, broken)
    text = page_text(client.get(preview))
    assert 'Forbedringsforslag!F2: «Ferdig» er ikke en status; bruk en av Ny, Pågår, Utført, Utgår.' in text
    assert 'Forbedringsforslag!E2: «Kritisk» er ikke en prioritet; bruk en av Høy, Middels, Lav.' in text
    assert 'Forbedringsforslag!D3: «neste uke» er ikke en dato' in text
    assert 'Forbedringsforslag!H3: «ukjent» er ikke et spørsmål' in text
    assert "Avvist 2" in text

    response = press_on_preview(client, preview)
    assert response.status_code == 422 and "Ingenting ble importert" in page_text(response)
    assert proposals(session) == before
    assert client.get(preview).status_code == 200  # still there to skip or cancel


def test_the_refused_rows_can_be_skipped_and_the_rest_applied(client, session):
    login(client)
    before = proposals(session)
    mixed = edited(exported(client, session), {"F2": "Ferdig", "C3": "Ola", "B4": "Nytt forslag"})
    response = press_on_preview(client, upload(client, session, mixed), skip_refused=True)
    assert response.status_code == 302
    after = proposals(session)
    assert after[0] == before[0]  # the refused row left its proposal as it was
    assert after[1][3] == "Ola" and after[2][2] == "Nytt forslag" and len(after) == 3


def test_cancel_applies_nothing_and_forgets_the_upload(client, session):
    login(client)
    before = proposals(session)
    preview = upload(client, session, edited(exported(client, session), {"F2": "Utført", "B4": "Nytt"}))
    response = press_on_preview(client, preview, "cancel")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sessions/{session.id}/exports")
    assert proposals(session) == before
    assert db.session.scalar(select(func.count(ProposalUpload.id))) == 0
    assert client.get(preview).status_code == 404


def test_another_worker_process_can_apply_the_preview(app, session):
    other = another_app(app)
    first, second = app.test_client(), other.test_client()
    login(first)
    login(second)
    preview = upload(first, session, edited(exported(first, session), {"F2": "Utført"}))
    assert press_on_preview(second, preview).status_code == 302
    assert proposals(session)[0][6] == "done"


def test_an_old_workbook_without_the_id_column_imports_each_proposal_once(client, session):
    login(client)
    old = edited(exported(client, session), {}, delete_column=9)
    next_year = create_session(session.programme, session.bank, 3, title="År 3")
    preview = upload(client, next_year, old)
    assert "Nytt 2" in page_text(client.get(preview))
    assert press_on_preview(client, preview).status_code == 302
    first = proposals(next_year)
    assert [(p[1], p[2], p[5], p[6]) for p in first] == [
        ("plan", "Fast plan for styremøter", "high", "new"), (None, "Årlig samling med\nnæringslivet", "low", "in_progress")]
    assert {p.origin_year for p in facilitation.session_proposals(next_year)} == {2}

    again = upload(client, next_year, old)
    assert "Uendret 2" in page_text(client.get(again))
    assert press_on_preview(client, again).status_code == 302
    assert proposals(next_year) == first
    assert facilitation.carry_over_proposals(next_year) == 0  # last year's are here already


@pytest.mark.parametrize("shown, status", [("Droppet", "dropped"), ("Gjennomført", "done"), ("Påbegynt", "in_progress"),
                                           ("Utgår", "dropped"), ("Dropped", "dropped"), ("done", "done")])
def test_older_and_english_status_names_and_codes_are_accepted(client, session, shown, status):
    login(client)
    assert press_on_preview(client, upload(client, session, edited(exported(client, session), {"F2": shown}))).status_code == 302
    assert proposals(session)[0][6] == status


def test_a_copied_row_with_the_same_id_is_refused(client, session):
    login(client)
    content = exported(client, session)
    uid = load_workbook(io.BytesIO(content))["Forbedringsforslag"]["I2"].value
    preview = upload(client, session, edited(content, {"B4": "Kopiert rad", "I4": uid}))
    assert "Forbedringsforslag!I4: samme forslags-id som rad 2" in page_text(client.get(preview))


def test_a_row_added_by_hand_may_name_its_indicator_instead_of_its_id(client, session):
    login(client)
    content = edited(exported(client, session), {"A4": "Planarbeid", "B4": "Nytt om planen", "A5": "Noe annet",
                                                 "B5": "Uten indikator"})
    text = page_text(client.get(upload(client, session, content)))
    assert "Nytt 1" in text and "Forbedringsforslag!A5: «Noe annet» er ikke en indikator" in text


def test_the_follow_up_page_offers_only_what_carry_over_would_bring(client, session):
    login(client)
    facilitation.set_proposal_status(facilitation.session_proposals(session)[0], "done")
    next_year = create_session(session.programme, session.bank, 3, title="År 3")
    assert "Hent fjorårets forslag inn i denne økten (1)" in page_text(client.get(f"/sessions/{next_year.id}/follow-up"))
    assert facilitation.carry_over_proposals(next_year) == 1
    assert "Hent fjorårets forslag" not in page_text(client.get(f"/sessions/{next_year.id}/follow-up"))


def test_proposals_imported_without_an_earlier_session_show_on_the_follow_up_page(client, session):
    from assessment.facilitators import find_facilitator, grant_access
    from tests.helpers import make_session

    login(client)
    content = exported(client, session)
    elsewhere = make_session("mini", year=3, programme="Nytt program i appen")
    grant_access(elsewhere.programme, find_facilitator("leder@example.org"))
    assert press_on_preview(client, upload(client, elsewhere, content)).status_code == 302
    text = page_text(client.get(f"/sessions/{elsewhere.id}/follow-up"))
    assert "ingen tidligere økt" in text and "Fast plan for styremøter" in text


def test_an_upload_without_a_file_or_without_proposals_is_refused_and_kept_nowhere(client, session):
    from tests.helpers import csrf_token

    login(client)
    page = client.get(f"/sessions/{session.id}/exports").get_data(as_text=True)
    response = client.post(f"/sessions/{session.id}/import-proposals", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 400 and "Velg en arbeidsbok" in page_text(response)
    book = load_workbook(io.BytesIO(exported(client, session)))
    book["Forbedringsforslag"].delete_rows(2, 10)
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload_proposals(client, session, buffer.getvalue())
    assert response.status_code == 400 and "ingen forslag å importere" in page_text(response)
    assert db.session.scalar(select(func.count(ProposalUpload.id))) == 0
