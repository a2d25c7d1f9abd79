"""Cross-year views over two versions of one bank: questions matched by id, a year whose version
did not ask an indicator says so, and no column or row shifts."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from assessment.banks import build_bank
from assessment.facilitation import save_consensus
from assessment.programmes import create_programme, create_session
from assessment.results import history_indicators, programme_history
from tests.helpers import login, make_facilitator, page_text
from tests.test_bank_upload import mini_data


def two_years():
    """Year 1 with mini version 1; year 2 with version 2, which drops `jobs` and adds `board`."""
    first = build_bank(mini_data("1"))
    data = mini_data("2")
    second_step = data["sections"][1]["questions"]
    jobs = next(q for q in second_step if q["id"] == "jobs")
    second_step[second_step.index(jobs)] = {**jobs, "id": "board", "label": {"nb": "Styret", "en": "The board"}}
    second = build_bank(data)
    programme = create_programme("Testby", start_year=2025)
    year1 = create_session(programme, first, 1)
    year2 = create_session(programme, second, 2)
    save_consensus(year1, "plan", 3, "", "", None)
    save_consensus(year1, "jobs", 2, "", "", None)
    save_consensus(year2, "plan", 4, "", "", None)
    save_consensus(year2, "board", 5, "", "", None)
    return programme, year1, year2


def test_history_lists_every_indicator_any_version_asked_and_which_year_asked_it(ctx):
    programme, _year1, _year2 = two_years()
    history = programme_history(programme, "mini")
    assert [q.id for q in history_indicators(history)] == ["plan", "board", "jobs"]
    assert [year.was_asked("jobs") for year in history] == [True, False]
    assert [year.was_asked("board") for year in history] == [False, True]
    assert [year.grades.get("plan") for year in history] == [3, 4]


def test_the_programme_page_says_where_an_indicator_was_not_in_that_years_form(client, ctx):
    programme, _year1, _year2 = two_years()
    make_facilitator(programmes=[programme])
    login(client)
    text = page_text(client.get(f"/programmes/{programme.id}"))
    assert "Planarbeid 3 4" in text
    assert "Styret ikke i skjemaet det året 5" in text
    assert "Arbeidsplasser 2 ikke i skjemaet det året" in text


def test_the_workbooks_history_sheet_keeps_each_indicator_in_its_row(client, ctx):
    programme, _year1, year2 = two_years()
    make_facilitator(programmes=[programme])
    login(client)
    book = load_workbook(io.BytesIO(client.get(f"/sessions/{year2.id}/export.xlsx").data))
    sheet = book["Historikk"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=5, max_col=3)]
    assert rows[0] == ["Indikator", "År 1", "År 2"]
    assert rows[1:4] == [["Planarbeid", 3, 4], ["Styret", None, 5], ["Arbeidsplasser", 2, None]]
    assert sheet["B3"].comment.text.startswith("Ikke med i det årets versjon")
    assert sheet["C4"].fill.fgColor.rgb.endswith("D9D9D9")
    assert any("Grått" in str(cell.value) for cell in sheet["A"] if cell.value)


def test_the_report_says_which_indicator_last_years_version_did_not_ask(client, ctx):
    programme, _year1, year2 = two_years()
    make_facilitator(programmes=[programme])
    login(client)
    report = client.get(f"/sessions/{year2.id}/report.md").get_data(as_text=True)
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in report.splitlines() if line.startswith("| Planarbeid") or line.startswith("| Styret")}
    assert rows["Planarbeid"][2:] == ["3", "+1"]
    assert rows["Styret"][2:] == ["ikke spurt i fjor", "–"]
    assert "(I fjor: ikke spurt i fjor)" in report  # under the indicator's own heading too
    english = client.get(f"/sessions/{year2.id}/report.md", headers={"Accept-Language": "en"})
    assert "| not asked last year |" in english.get_data(as_text=True)


def test_the_first_years_report_shows_no_grade_last_year_as_a_dash(client, ctx):
    programme, year1, _year2 = two_years()
    make_facilitator(programmes=[programme])
    login(client)
    report = client.get(f"/sessions/{year1.id}/report.md").get_data(as_text=True)
    assert "ikke spurt i fjor" not in report
    assert any(line.startswith("| Planarbeid") and line.split("|")[4].strip() == "–" for line in report.splitlines())
