"""Exports: the workbook opened with openpyxl, the report page, raw files, and the proposals round trip."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from assessment import facilitation
from assessment.banks import get_bank
from assessment.extensions import db
from assessment.models import Proposal
from assessment.programmes import create_session
from tests.helpers import (answer_step, join, login, make_facilitator, page_text, press_on_preview,
                           upload_proposals)

HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.fixture
def filled(app, mini):
    """The mini session with three participants, a consensus, proposals and a fact sheet."""
    make_facilitator(programmes=[mini.programme])
    for name, role, plan, comment in (("Kari", "leadership", "2", HOSTILE), ("Ola", "leadership", "5", "Bra"),
                                      ("Silje", "observer_county", "6", "+Veldig bra")):
        person = app.test_client()
        token = join(person, mini, name, role)
        answer_step(person, token, 1, {"plan": plan, "plan__comment": comment, "role_known": "yes",
                                       "plan_change": "-endre alt"})
        answer_step(person, token, 2, {"jobs": "4", "jobs_count": "12", "next_meeting": "2027-03-01",
                                       "focus": ["food", "tourism"]})
    facilitation.save_consensus(mini, "plan", 4, "Vi er **enige**. <script>alert(1)</script>", "Kari: 2", None)
    facilitation.add_proposal(mini, "plan", "Fast plan for styremøter", "Styreleder", date(2027, 3, 1), "high")
    facilitation.add_proposal(mini, None, "@SUM(A1:A2)", "", None, "low", "in_progress")
    app.config["BANKS_DIR"] = None
    fact_sheet = create_session(mini.programme, get_bank("fact-sheet"), 2, title="Faktaark")
    person = app.test_client()
    token = join(person, fact_sheet, "Programleder")
    first = fact_sheet.bank.sections[0].questions[0]
    answer_step(person, token, 1, {first.id: "2026-01-01" if first.type == "date" else "3"}, action="save")
    return mini


def workbook_of(client, session):
    response = client.get(f"/sessions/{session.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)), response.data


def test_workbook_has_every_sheet_with_typed_values(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    assert book.sheetnames[:5] == ["Sammendrag", "Indikatorer", "Svar", "Forbedringsforslag", "Faktaark år 2"]
    assert "Historikk" in book.sheetnames

    summary = book["Sammendrag"]
    facts = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, 20)}
    assert facts["Programår"] == 2 and "mini 1" in facts["Spørsmålsbank"]
    assert facts["Omstillingsledelsen"] == 2 and facts["Observatør fra fylkeskommunen"] == 1
    rows = list(summary.iter_rows(values_only=True))
    plan = next(r for r in rows if r and r[0] == "Planarbeid")
    assert plan[2] == 4 and isinstance(plan[7], float) and plan[7] == 3.5 and plan[8] == 6
    assert summary._charts and summary._charts[0].tagname == "barChart"

    answers = book["Svar"]
    header = [c.value for c in answers[1]]
    assert header[:7] == ["Deltaker", "Rolle", "Del", "Spørsmåls-id", "Spørsmål", "Verdi", "Lagret verdi (kode)"]
    assert answers.freeze_panes == "A2" and answers.auto_filter.ref.startswith("A1:")
    by_question = {}
    for row in answers.iter_rows(min_row=2, values_only=True):
        by_question.setdefault(row[3], []).append(row)
    assert all(isinstance(r[6], int) for r in by_question["plan"])
    assert isinstance(by_question["next_meeting"][0][5], datetime)  # a date cell
    assert isinstance(by_question["jobs_count"][0][5], int)
    assert isinstance(by_question["plan"][0][8], datetime)

    indicators = book["Indikatorer"]
    plan_all = next(r for r in indicators.iter_rows(values_only=True) if r[0] == "plan" and r[6] == "Alle")
    assert plan_all[7] == 3 and plan_all[14] == "Ja"  # n and divergence flag

    history = book["Historikk"]
    assert history._charts and history._charts[0].tagname == "lineChart"


def test_hostile_text_arrives_as_inert_text(client, filled):
    login(client)
    book, raw = workbook_of(client, filled)
    cells = [c for row in book["Svar"].iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    starting_with_symbol = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                            if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert starting_with_symbol and all(c.data_type == "s" and c.quotePrefix for c in starting_with_symbol)
    sheets = zipfile.ZipFile(io.BytesIO(raw))
    assert all(b"<f>" not in sheets.read(name) for name in sheets.namelist() if name.startswith("xl/worksheets/"))


def test_proposals_sheet_has_dates_and_drop_downs(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    sheet = book["Forbedringsforslag"]
    assert [c.value for c in sheet[1]][:7] == ["Indikator", "Forslag", "Ansvarlig", "Frist", "Prioritet", "Status", "År"]
    first = [c.value for c in sheet[2]]
    assert first[:7] == ["Planarbeid", "Fast plan for styremøter", "Styreleder", datetime(2027, 3, 1), "Høy", "Ny", 2]
    second = [c.value for c in sheet[3]]
    assert second[0] == "Programmet som helhet" and second[1] == "@SUM(A1:A2)" and second[5] == "Pågår"
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert validations["E2"].type == "list" and "Høy" in validations["E2"].formula1
    assert validations["F2"].type == "list" and "Utført" in validations["F2"].formula1
    assert validations["D2"].type == "date"


def test_workbook_headers_follow_the_interface_language(client, filled):
    login(client)
    client.get("/language/en")
    book, _raw = workbook_of(client, filled)
    assert book.sheetnames[:4] == ["Summary", "Indicators", "Answers", "Proposals"]


def test_round_trip_of_proposals_into_next_years_session(client, filled):
    login(client)
    _book, raw = workbook_of(client, filled)
    next_year = create_session(filled.programme, filled.bank, 3, title="År 3")
    response = upload_proposals(client, next_year, raw, "fjor.xlsx")
    assert response.status_code == 302, page_text(response)
    assert press_on_preview(client, response.headers["Location"]).status_code == 302
    carried = db.session.scalars(select(Proposal).filter_by(session_id=next_year.id).order_by(Proposal.id)).all()
    assert [(p.text, p.question_id, p.owner, p.deadline, p.priority, p.status, p.origin_year) for p in carried] == [
        ("Fast plan for styremøter", "plan", "Styreleder", date(2027, 3, 1), "high", "new", 2),
        ("@SUM(A1:A2)", None, "", None, "low", "in_progress", 2)]


def test_import_refuses_files_that_are_not_workbooks(client, filled):
    login(client)
    response = upload_proposals(client, filled, b"name,proposal\nx,y\n", "fil.csv")
    assert response.status_code == 400 and "ikke en Excel-arbeidsbok" in page_text(response)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    response = upload_proposals(client, filled, broken.getvalue())
    assert response.status_code == 400 and "skadet" in page_text(response)


def test_import_refuses_oversized_files_and_zip_bombs(client, filled):
    login(client)
    response = upload_proposals(client, filled, b"0" * (2 * 1024 * 1024 + 10))
    assert response.status_code == 400 and "for stor" in page_text(response)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    response = upload_proposals(client, filled, bomb.getvalue())
    assert response.status_code == 400 and "30 MB" in page_text(response)


def test_import_needs_a_proposals_sheet(client, filled):
    login(client)
    book = Workbook()
    book.active.title = "Noe annet"
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload_proposals(client, filled, buffer.getvalue())
    assert response.status_code == 400 and "Forbedringsforslag" in page_text(response)


def test_report_page_renders_and_never_carries_script(client, filled):
    login(client)
    page = client.get(f"/sessions/{filled.id}/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>enige</strong>" in html and "<svg" in html
    # The chart stands between the results table and the conclusions.
    assert html.index("<h2>Resultater</h2>") < html.index("<svg") < html.index("<h2>Konklusjoner")
    assert "<script>alert" not in html
    text = page_text(page)
    assert "Fast plan for styremøter" in text and "Størst uenighet" in text and "Faktaark" in text
    markdown = client.get(f"/sessions/{filled.id}/report.md")
    assert markdown.status_code == 200 and markdown.mimetype == "text/markdown"
    assert "| Planarbeid | Prosess | 4 |" in markdown.get_data(as_text=True)


def test_report_renders_for_the_demo_sessions(runner, client, app):
    runner.invoke(args=["demo"])
    login(client, "demo@example.org", "demo-facilitator")
    from assessment.models import ReviewSession

    with app.app_context():
        ids = [s.id for s in db.session.scalars(select(ReviewSession))]
    for session_id in ids:
        assert client.get(f"/sessions/{session_id}/report").status_code == 200
        assert client.get(f"/sessions/{session_id}/export.xlsx").status_code == 200


def test_json_and_csv_hold_the_answers_and_results(client, filled):
    login(client)
    document = json.loads(client.get(f"/sessions/{filled.id}/export.json").data)
    plan = next(i for i in document["indicators"] if i["question_id"] == "plan")
    assert plan["consensus"] == 4 and plan["statistics"]["all"]["n"] == 3
    assert document["bank"]["id"] == "mini" and len(document["proposals"]) == 2
    raw = client.get(f"/sessions/{filled.id}/answers.csv").data
    assert raw.startswith("\ufeff".encode("utf-8"))  # Excel reads æøå as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    hostile = [r for r in rows if r["question_id"] == "plan" and r["comment"].startswith("'=")]
    assert hostile and rows[0].keys() >= {"participant", "question_id", "value", "comment"}


def test_exports_need_access(app, client, filled):
    assert client.get(f"/sessions/{filled.id}/export.xlsx").status_code == 302
    make_facilitator("annen@example.org")
    login(client, "annen@example.org")
    for url in ("export.xlsx", "report", "report.md", "export.json", "answers.csv", "exports"):
        assert client.get(f"/sessions/{filled.id}/{url}").status_code == 404, url


def test_an_earlier_years_workbook_shows_no_later_year_in_its_history(client, filled):
    login(client)
    later = create_session(filled.programme, filled.bank, 3, title="År 3")
    facilitation.save_consensus(later, "plan", 6, "", "", None)
    book, _raw = workbook_of(client, filled)
    assert [cell.value for cell in book["Historikk"][1]] == ["Indikator", "År 2"]
    book, _raw = workbook_of(client, later)
    assert [cell.value for cell in book["Historikk"][1]] == ["Indikator", "År 2", "År 3"]


@pytest.mark.parametrize("lang, yes, role, sheet", [("nb", "Ja", "Omstillingsledelsen", "Svar"),
                                                    ("en", "Yes", "Leadership", "Answers")])
def test_an_export_built_outside_a_request_speaks_the_language_it_is_given(filled, lang, yes, role, sheet):
    from exports.data import session_data
    from exports.excel import build_workbook

    book = load_workbook(io.BytesIO(build_workbook(session_data(filled, lang))))
    rows = list(book[sheet].iter_rows(values_only=True))
    known = [row for row in rows if row[3] == "role_known"]
    assert known and all(row[5] == yes and row[6] == "yes" for row in known) and role in {row[1] for row in known}
    plan = [row for row in rows if row[3] == "plan"]
    assert {row[5] for row in plan} == ({"2 – Svakt", "5 – Godt", "6 – Svært godt"} if lang == "nb"
                                        else {"2 – Weak", "5 – Good", "6 – Excellent"})


def test_csv_is_comma_separated_in_english_and_file_names_keep_norwegian_letters(client, filled):
    filled.programme.name = "Ålesund og Øksnes"
    db.session.commit()
    login(client)
    client.set_cookie("lang", "en")
    response = client.get(f"/sessions/{filled.id}/answers.csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows and "question_id" in rows[0]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and "filename*=UTF-8''%C3%85lesund-og-%C3%98ksnes" in disposition


def test_conclusions_reach_the_workbook_as_plain_words(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    plan = next(r for r in book["Sammendrag"].iter_rows(values_only=True) if r and r[0] == "Planarbeid")
    assert plan[5].startswith("Vi er enige.") and "**" not in plan[5] and "<script>" not in plan[5]


def test_a_years_exports_hold_only_that_years_fact_sheet(client, filled):
    later_fact_sheet = create_session(filled.programme, get_bank("fact-sheet"), 3, title="Faktaark år 3")
    login(client)
    book, _raw = workbook_of(client, filled)
    assert "Faktaark år 2" in book.sheetnames and not any("3" in name for name in book.sheetnames)
    report = client.get(f"/sessions/{filled.id}/report.md").get_data(as_text=True)
    assert later_fact_sheet.title not in report


def test_the_weighted_total_is_called_a_weighted_grade_in_bokmal(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    labels = [row[0] for row in book["Sammendrag"].iter_rows(values_only=True)]
    assert "Vektet totalkarakter" in labels and "Vektet totalsum" not in labels


def test_times_are_norwegian_in_the_workbook_and_carry_their_zone_in_json(client, filled):
    from datetime import timedelta

    from assessment.models import Answer

    answer = db.session.scalars(select(Answer).filter_by(question_id="plan")).first()
    answer.updated_at = datetime(2026, 11, 29, 8, 15)  # UTC; 09:15 in Oslo in winter
    db.session.commit()
    login(client)
    book, _raw = workbook_of(client, filled)
    sheet = book["Svar"]
    assert sheet.cell(1, 9).value == "Sist endret (norsk tid)"
    times = [row[8] for row in sheet.iter_rows(min_row=2, values_only=True) if row[3] == "plan"]
    assert datetime(2026, 11, 29, 9, 15) in times and all(isinstance(t, datetime) for t in times)
    document = json.loads(client.get(f"/sessions/{filled.id}/export.json").data)
    changed = [a["changed"] for a in document["answers"] if a["question_id"] == "plan"]
    assert "2026-11-29T08:15:00+00:00" in changed
    assert timedelta(0) == datetime.fromisoformat(changed[0]).utcoffset()


def test_importing_the_same_workbook_twice_and_then_carrying_over_adds_each_proposal_once(client, filled):
    login(client)
    _book, raw = workbook_of(client, filled)
    facilitation.set_proposal_status(facilitation.session_proposals(filled)[1], "done")
    next_year = create_session(filled.programme, filled.bank, 3, title="År 3")
    for _ in range(2):
        response = upload_proposals(client, next_year, raw, "fjor.xlsx")
        assert press_on_preview(client, response.headers["Location"]).status_code == 302
    assert len(facilitation.session_proposals(next_year)) == 2
    facilitation.carry_over_proposals(next_year)
    assert len(facilitation.session_proposals(next_year)) == 2


def test_done_and_dropped_proposals_are_not_carried_into_the_next_year(filled):
    first, second = facilitation.session_proposals(filled)
    facilitation.set_proposal_status(first, "done")
    facilitation.set_proposal_status(second, "dropped")
    next_year = create_session(filled.programme, filled.bank, 3, title="År 3")
    assert facilitation.carry_over_proposals(next_year) == 0
