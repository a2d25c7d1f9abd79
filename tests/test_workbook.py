"""The workbook as a Norwegian office reads and prints it, read back with openpyxl: last year's
grades beside this year's, weights and role counts under headings, answers as the words chosen with
their codes beside them, amounts with thousands, and every sheet's page setup."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assessment import facilitation
from assessment.extensions import db
from assessment.programmes import create_session
from assessment.results import consensus_grades
from tests.helpers import login
from tests.test_exports import filled, workbook_of  # noqa: F401  (filled is a fixture)


def rows_of(sheet, first: str) -> dict:
    """A sheet's rows under the header row whose first cell is `first`, keyed by that column."""
    rows = list(sheet.iter_rows(values_only=True))
    top = next(n for n, row in enumerate(rows) if row and row[0] == first)
    return {row[0]: dict(zip(rows[top], row)) for row in rows[top + 1:] if row and row[0]}


def facts_of(sheet) -> dict:
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}


@pytest.fixture
def last_year(filled):
    """Year 1 of the same programme and bank, with agreed grades for both indicators."""
    previous = create_session(filled.programme, filled.bank, 1, title="År 1")
    facilitation.save_consensus(previous, "plan", 3, "", "", None)
    facilitation.save_consensus(previous, "jobs", 5, "", "", None)
    return previous


def test_last_years_agreed_grade_and_the_change_sit_beside_this_years(client, filled, last_year):
    login(client)
    book, _raw = workbook_of(client, filled)
    before = consensus_grades(last_year)
    summary = rows_of(book["Sammendrag"], "Indikator")
    assert summary["Planarbeid"]["Felles karakter"] == 4
    assert summary["Planarbeid"]["Felles karakter år 1"] == before["plan"] == 3
    assert summary["Planarbeid"]["Endring"] == 1
    assert summary["Arbeidsplasser"]["Felles karakter år 1"] == before["jobs"] == 5
    assert summary["Arbeidsplasser"]["Felles karakter"] is None and summary["Arbeidsplasser"]["Endring"] is None
    indicators = [row for row in book["Indikatorer"].iter_rows(values_only=True) if row[6] == "Alle"]
    assert [(row[0], row[3], row[4], row[5]) for row in indicators] == [("plan", 4, 3, 1), ("jobs", None, 5, None)]
    assert facts_of(book["Sammendrag"])["Vektet totalkarakter år 1"][0] == pytest.approx(0.7 * 3 + 0.3 * 5)


def test_without_an_earlier_session_the_last_year_column_is_there_and_empty(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    summary = rows_of(book["Sammendrag"], "Indikator")
    assert summary["Planarbeid"]["Felles karakter i fjor"] is None and summary["Planarbeid"]["Endring"] is None


def test_a_blank_weighted_total_says_which_indicators_lack_an_agreed_grade(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    total = facts_of(book["Sammendrag"])["Vektet totalkarakter"][0]
    assert total == "Ikke beregnet: ingen felles karakter ennå for Arbeidsplasser."
    conclusion = rows_of(book["Sammendrag"], "Indikator")["Arbeidsplasser"]["Konklusjon"]
    assert conclusion == "Ingen felles karakter ennå."
    facilitation.save_consensus(filled, "jobs", 2, "", "", None)
    book, _raw = workbook_of(client, filled)
    assert facts_of(book["Sammendrag"])["Vektet totalkarakter"][0] == pytest.approx(0.7 * 4 + 0.3 * 2)


def test_role_counts_and_the_years_weights_stand_under_their_headings(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    sheet = book["Sammendrag"]
    cells = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value}
    roles = cells["Deltakere etter rolle"]
    assert sheet.cell(roles, 2).value == "Antall" and sheet.cell(roles, 1).font.b
    assert [sheet.cell(roles + k, 1).value for k in (1, 2)] == ["Omstillingsledelsen", "Observatør fra fylkeskommunen"]
    weights = cells["Vekter i programår 2"]
    assert [sheet.cell(weights, c).value for c in (2, 3)] == ["Vekt", "Snitt felles karakter"]
    process, effect = sheet.cell(weights + 1, 2), sheet.cell(weights + 2, 2)
    assert (sheet.cell(weights + 1, 1).value, process.value, process.number_format) == ("Prosess", 0.7, "0 %")
    assert (sheet.cell(weights + 2, 1).value, effect.value) == ("Effekt", 0.3)
    assert sheet.cell(weights + 1, 3).value == 4 and sheet.cell(weights + 2, 3).value is None


def test_answers_read_as_chosen_with_the_stored_code_in_its_own_column(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    sheet = book["Svar"]
    assert [c.value for c in sheet[1]][5:7] == ["Verdi", "Lagret verdi (kode)"]
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        rows.setdefault(row[3].value, []).append(row)
    shown = {qid: [(r[5].value, r[6].value) for r in found] for qid, found in rows.items()}
    assert shown["plan"] == [("2 – Svakt", 2), ("5 – Godt", 5), ("6 – Svært godt", 6)]
    assert set(shown["role_known"]) == {("Ja", "yes")}
    assert set(shown["focus"]) == {("Reiseliv; Mat", "tourism; food")}
    assert set(shown["plan_change"]) == {("-endre alt", None)}  # free text is its own value
    readable = [r[5].value for found in rows.values() for r in found]
    assert not any(isinstance(v, bool) or (isinstance(v, str) and v.startswith("[")) for v in readable)
    jobs = rows["jobs_count"][0][5]
    assert jobs.value == 12 and jobs.number_format == '#,##0 "arbeidsplasser"'
    assert rows["next_meeting"][0][5].number_format == "dd.mm.yyyy"


def test_fact_sheet_amounts_carry_a_thousands_format(client, filled):
    fact_sheet = next(s for s in filled.programme.sessions if s.bank_id == "fact-sheet")
    money = next(q for q in fact_sheet.bank.questions if q.type == "number" and q.unit and q.unit.nb == "kr")
    from assessment.models import Answer

    participant = fact_sheet.participants[0]
    db.session.add(Answer(participant_id=participant.id, question_id=money.id, value=3480000))
    db.session.commit()
    login(client)
    book, _raw = workbook_of(client, filled)
    cell = next(row[4] for row in book["Faktaark år 2"].iter_rows(min_row=3) if row[1].value == money.id)
    assert cell.value == 3480000 and cell.number_format == '#,##0 "kr"'


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_row_on_every_page(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        header_row = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        assert sheet.cell(header_row, 1).font.b and sheet.cell(header_row + 1, 1).value, sheet.title
        area = sheet.print_area[0] if isinstance(sheet.print_area, list) else sheet.print_area
        last_row = int(area.rsplit("$", 1)[1])
        assert area.split("!")[-1].startswith("$A$1:") and last_row >= sheet.max_row, (sheet.title, area)
        assert sheet.oddHeader.right.text == "&A" and sheet.oddFooter.center.text == "&P / &N"


def test_a_long_conclusion_gets_a_row_tall_enough_for_it(client, filled):
    facilitation.save_consensus(filled, "plan", 4, "Gjennomgått og enige. " * 40, "", None)
    login(client)
    book, _raw = workbook_of(client, filled)
    sheet = book["Sammendrag"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Planarbeid")
    width = sheet.column_dimensions["F"].width
    lines = len("Gjennomgått og enige. " * 40) / width
    assert sheet.row_dimensions[row].height >= lines * 12 and sheet.cell(row, 6).alignment.wrap_text


def test_charts_stand_below_their_tables_and_show_their_axes(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    for title, first in (("Sammendrag", "Indikator"), ("Historikk", "Indikator")):
        sheet = book[title]
        (chart,) = sheet._charts
        top = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == first)
        last = max(r for r in range(top, sheet.max_row + 1) if sheet.cell(r, 1).value is not None)
        anchor = chart.anchor._from
        assert anchor.col == 0 and anchor.row + 1 > last, title  # openpyxl counts rows from 0
        assert chart.x_axis.delete is False and chart.y_axis.delete is False, title


def test_every_styled_cell_names_its_font(client, filled):
    login(client)
    book, _raw = workbook_of(client, filled)
    styled = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.has_style]
    assert any(cell.font.b for cell in styled)
    assert all(cell.font.name for cell in styled)


def test_page_headers_keep_an_ampersand_in_the_programme_name_as_text(client, filled):
    filled.programme.name = "Berg & Dal"
    db.session.commit()
    login(client)
    book, _raw = workbook_of(client, filled)
    assert book["Sammendrag"].oddHeader.left.text.startswith("Berg && Dal – ")


@pytest.mark.parametrize("lang, headers", [("nb", ("Felles karakter år 1", "Endring", "Lagret verdi (kode)")),
                                           ("en", ("Agreed grade year 1", "Change", "Stored value (code)"))])
def test_the_new_headers_speak_the_export_language(filled, last_year, lang, headers):
    from exports.data import session_data
    from exports.excel import build_workbook

    book = load_workbook(io.BytesIO(build_workbook(session_data(filled, lang))))
    summary, answers = book.worksheets[0], book.worksheets[2]
    summary_headers = {c.value for row in summary.iter_rows() for c in row}
    assert {headers[0], headers[1]} <= summary_headers
    assert headers[2] in [c.value for c in answers[1]]


def test_a_fact_sheets_workbook_has_no_empty_indicator_table_and_still_prints_one_page_wide(client, filled):
    fact_sheet = next(s for s in filled.programme.sessions if s.bank_id == "fact-sheet")
    login(client)
    book, _raw = workbook_of(client, fact_sheet)
    summary = book.worksheets[0]
    assert "Indikator" not in [row[0] for row in summary.iter_rows(values_only=True)]
    assert not summary._charts and summary.page_setup.fitToWidth == 1 and summary.print_area


@pytest.mark.parametrize("lang, shown", [("nb", "dd.mm.yyyy"), ("en", "yyyy-mm-dd")])
def test_proposal_deadlines_are_dates_written_as_the_export_language_writes_them(client, filled, lang, shown):
    from datetime import date

    facilitation.add_proposal(filled, "plan", "Revider planen.", "Styret", date(2027, 3, 1), "high")
    login(client)
    client.set_cookie("lang", lang)
    book, _raw = workbook_of(client, filled)
    sheet = book[book.sheetnames[3]]
    deadline = sheet.cell(2, 4)
    assert deadline.value.date() == date(2027, 3, 1) and deadline.number_format == shown
