"""The portfolio workbook: the year's table of programmes by indicators with a chart of the
weighted totals, and every programme's years in long format (indicators matched by question id,
"not asked that year" where a year's bank did not ask one). Texts in `lang`; returns bytes."""
from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, NamedStyle

from assessment.i18n import N_, translate
from assessment.models import Programme
from assessment.portfolio import AGREED, NOT_AGREED, NOT_ASKED, Portfolio, portfolio_long
from exports.excel import FONT_NAME, GRADE, TOP, WRAP, chart_below, safe_title, table
from exports.labels import header
from exports.printing import set_up_pages

NOT_ASKED_TEXT = N_("Not asked that year")
NOT_AGREED_TEXT = N_("Not agreed")
NO_REVIEW_TEXT = N_("No review held in %(year)s yet")
TITLE = N_("Portfolio %(year)s")
COUNTY, OPEN_PROPOSALS, NOTE = N_("County"), N_("Open proposals"), N_("Note")
LONG_FORMAT, LEADERSHIP_N, OBSERVERS_N = N_("Long format"), N_("Leadership n"), N_("Observers n")


def build_portfolio_workbook(portfolio: Portfolio, programmes: Sequence[Programme], lang: str) -> bytes:
    """The workbook for `portfolio` (its year's table) and the long sheet of `programmes`' years."""
    workbook = Workbook()
    for name, alignment in (("Wrapped", WRAP), ("Top", TOP)):
        workbook.add_named_style(NamedStyle(name, font=Font(name=FONT_NAME, size=11), alignment=alignment))
    table_sheet(workbook.active, portfolio, lang)
    long_sheet(workbook.create_sheet(), programmes, lang)
    workbook.properties.title = translate(TITLE, lang, year=portfolio.year)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(cell, lang: str):
    if cell.state == AGREED:
        return cell.grade
    if cell.state == NOT_ASKED:
        return translate(NOT_ASKED_TEXT, lang)
    if cell.state == NOT_AGREED:
        return translate(NOT_AGREED_TEXT, lang)
    return None


def table_sheet(ws, portfolio: Portfolio, lang: str) -> None:
    """A row per programme: the agreed grades, the weighted total and the open proposals; a bar
    chart of the weighted totals under it."""
    ws.title = safe_title(translate(TITLE, lang, year=portfolio.year))
    headers = [header("programme", lang), header("municipality", lang), translate(COUNTY, lang),
               header("programme_year", lang),
               *(column.label.get(lang) for column in portfolio.columns),
               header("weighted_total", lang), translate(OPEN_PROPOSALS, lang), translate(NOTE, lang)]
    first_grade = 5
    rows = []
    for row in portfolio.rows:
        note = translate(NO_REVIEW_TEXT, lang, year=portfolio.year) if row.session is None else ""
        rows.append([row.programme.name, row.programme.municipality, row.programme.county, row.programme_year,
                     *(_cell_value(row.cells[c.question_id], lang) for c in portfolio.columns),
                     row.total, row.open_proposals, note])
    total_column = first_grade + len(portfolio.columns)
    widths = [30, 18, 18, 10, *([14] * len(portfolio.columns)), 12, 12, 26]
    last = table(ws, headers, rows, widths, formats={total_column: GRADE}, wrap_columns={1, len(headers)},
                 borders=True)
    columns = len(headers)
    print_rows = last
    if portfolio.rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = header("weighted_total", lang)
        chart.y_axis.title = header("grade", lang)
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 6
        chart.add_data(Reference(ws, min_col=total_column, max_col=total_column, min_row=1, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.height, chart.width = 3 + len(portfolio.rows) * 0.6, 24
        columns, print_rows = chart_below(ws, chart, last, columns)
    set_up_pages(ws, columns, print_rows, title_row=1, title=ws.title, gridlines=False)


def long_sheet(ws, programmes: Sequence[Programme], lang: str) -> None:
    """Programme, year, indicator id, label, agreed grade and the means (with n) by role group."""
    ws.title = safe_title(translate(LONG_FORMAT, lang))
    headers = [header("programme", lang), translate(COUNTY, lang), header("year", lang),
               header("programme_year", lang), header("question_id", lang), header("indicator", lang),
               header("consensus", lang), header("mean_all", lang), header("n", lang),
               header("leadership_mean", lang), translate(LEADERSHIP_N, lang), header("observer_mean", lang),
               translate(OBSERVERS_N, lang)]
    not_asked = translate(NOT_ASKED_TEXT, lang)
    rows = ([r.programme.name, r.programme.county, r.year, r.programme_year, r.column.question_id,
             r.column.label.get(lang), r.grade if r.asked else not_asked,
             r.means.mean, r.means.n if r.asked else None, r.means.leadership,
             r.means.leadership_n if r.asked else None, r.means.observers,
             r.means.observers_n if r.asked else None]
            for r in portfolio_long(programmes))
    last = table(ws, headers, rows, [30, 18, 8, 10, 22, 40, 22, 10, 6, 12, 8, 12, 8],
                 formats={8: GRADE, 10: GRADE, 12: GRADE})
    set_up_pages(ws, len(headers), last, title_row=1, title=ws.title)

