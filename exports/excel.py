"""The Excel workbook a facilitator hands on without cleaning: summary with a chart, indicator
statistics, every answer in long format, proposals ready for the action plan, fact sheet and closure
answers, and the programme's history. Built from plain export data; returns bytes."""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from assessment.labels import PRIORITY_LABELS, ROLE_SHORT_LABELS, STATUS_LABELS, label
from assessment.markup import markdown_to_text
from assessment.question_types import clean_text
from assessment.results import history_indicators
from exports.cells import is_formula_like
from exports.data import SessionData
from exports.labels import header
from exports.printing import columns_spanning, fit_row_height, fits_on_first_page, rows_for, set_up_pages

OSLO = ZoneInfo("Europe/Oslo")
FONT_NAME = "Calibri"  # named on every styled cell: a bold face without a name prints wider elsewhere
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=13, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
NOT_ASKED_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
LINE = Side(style="thin", color="A6A6A6")
BORDER = Border(left=LINE, right=LINE, top=LINE, bottom=LINE)
GRADE = "0.00"
CHANGE = "+0;-0;0"
SHARE = "0 %"


class Formatted(NamedTuple):
    """A cell value with its own number format (an answer's amount with its unit, a date)."""

    value: Any
    number_format: str | None


def oslo_time(utc: datetime) -> datetime:
    """A stored time (UTC, naive) as the clock in Norway showed it: a spreadsheet has no zones."""
    return utc.replace(tzinfo=timezone.utc).astimezone(OSLO).replace(tzinfo=None)


def safe_title(title: str) -> str:
    """A sheet title Excel accepts: no \\ * ? : / [ ], at most 31 characters."""
    return re.sub(r"[\\*?:/\[\]]", "-", title)[:31] or "Sheet"


def _plain(value: Any) -> Any:
    """A cell's value without its number format; a list as one text."""
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return value


def put(ws: Worksheet, row: int, column: int, value: Any, wrap: bool = False, number_format: str | None = None,
        top: bool = False):
    """Write one cell; text is always text, never a formula, whatever it begins with. `top` aligns
    it at the top, for a row made tall by another cell's wrapped text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Formatted):
        number_format = value.number_format or number_format
    value = _plain(value)
    if wrap or (isinstance(value, str) and "\n" in value):
        cell.style = "Wrapped"  # first: a named style sets every part of a cell's style
    elif top:
        cell.style = "Top"
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, str):
        value = clean_text(value)  # without the control characters xlsx cannot store
        cell.value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel shows it as typed and never evaluates it
    else:
        cell.value = value
    if number_format is None and type(value) is date:
        number_format = "yyyy-mm-dd"
    if number_format:
        cell.number_format = number_format
    return cell


def heading(ws: Worksheet, row: int, titles: list[str]) -> None:
    """A row of bold, shaded headings from column A."""
    for column, title in enumerate(titles, start=1):
        cell = put(ws, row, column, title, wrap=True)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def set_widths(ws: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def table(ws: Worksheet, headers: list[str], rows: Iterable[list[Any]], widths: list[int],
          start_row: int = 1, wrap_columns: Iterable[int] = (), formats: dict[int, str] | None = None,
          borders: bool = False) -> int:
    """A header row (bold, frozen, filtered) and the rows under it, each row as tall as its wrapped
    text and its cells then aligned at the top; returns the last row written. A row of one line
    gets no styles: per-cell styles are most of the cost of a large sheet."""
    set_widths(ws, widths)
    heading(ws, start_row, headers)
    fit_row_height(ws, start_row, zip(headers, widths), bold=True)
    last = start_row
    wrap_columns = set(wrap_columns)
    for last, values in enumerate(rows, start=start_row + 1):
        plain = [_plain(value) for value in values]
        wrapped = [(text, widths[column - 1]) for column, text in enumerate(plain, start=1)
                   if isinstance(text, str) and (column in wrap_columns or "\n" in text)]
        tall = fit_row_height(ws, last, wrapped) > 1
        for column, (value, text) in enumerate(zip(values, plain), start=1):
            styled = tall and text is not None and text != ""
            put(ws, last, column, value, wrap=styled and column in wrap_columns,
                number_format=(formats or {}).get(column), top=styled)
    if borders:
        for row in ws.iter_rows(min_row=start_row, max_row=last, max_col=len(headers)):
            for cell in row:
                cell.border = BORDER
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(headers))}{max(last, start_row)}"
    return last


def chart_below(ws: Worksheet, chart, last_row: int, columns: int) -> tuple[int, int]:
    """Place `chart` under the table ending at `last_row`, on a page of its own when it would not
    fit whole under the table; returns the columns and rows to print."""
    chart.x_axis.delete = False  # some Excel versions hide axes that do not say so
    chart.y_axis.delete = False
    top = last_row + 2
    if not fits_on_first_page(ws, columns, top, chart.height):
        ws.row_breaks.append(Break(id=last_row))  # the page turns after the table, a row above the chart
    ws.add_chart(chart, f"A{top}")
    return max(columns, columns_spanning(ws, chart.width)), top + rows_for(chart.height)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _workbook_title(data: SessionData) -> str:
    return f"{data.session.programme.name} – {data.session.title}"


def _fact(ws: Worksheet, row: int, name: str, value: Any, columns: int, first: int = 2,
          number_format: str | None = None) -> None:
    """A fact's name in A and its value spread over the columns from `first` to the table's last."""
    name_cell = put(ws, row, 1, name)
    name_cell.font, name_cell.alignment = HEADER_FONT, TOP
    cell = put(ws, row, first, value, wrap=isinstance(value, str), number_format=number_format)
    if isinstance(value, str):
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=columns)
        width = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(first, columns + 1))
        fit_row_height(ws, row, [(cell.value, width)])


def _previous_header(data: SessionData) -> str:
    if data.previous is None:
        return header("previous_grade", data.lang)
    return header("grade_in_year", data.lang, year=data.previous.programme_year)


def _total_rows(ws: Worksheet, row: int, data: SessionData, columns: int) -> int:
    """The weighted total, and where indicators lack an agreed grade, which ones; last year's total."""
    lang = data.lang
    missing = "; ".join(i.label for i in data.indicators if i.consensus is None)
    if data.total is None:
        _fact(ws, row, header("weighted_total", lang), header("total_not_calculated", lang, indicators=missing),
              columns)
    else:
        _fact(ws, row, header("weighted_total", lang), _round(data.total), columns, number_format=GRADE)
        if missing:
            _fact(ws, row, header("weighted_total", lang), header("total_without", lang, indicators=missing),
                  columns, first=3)
    if data.previous is not None:
        row += 1
        _fact(ws, row, header("weighted_total_in_year", lang, year=data.previous.programme_year),
              _round(data.previous_total), columns, number_format=GRADE)
    return row + 1


SUMMARY_WIDTHS = [38, 10, 10, 10, 8, 50, 28, 11, 12, 10]


def summary_sheet(ws: Worksheet, data: SessionData) -> None:
    lang, session, bank = data.lang, data.session, data.bank
    ws.title = safe_title(header("summary", lang))
    columns = len(SUMMARY_WIDTHS)
    set_widths(ws, SUMMARY_WIDTHS)
    facts = [
        (header("programme", lang), session.programme.name),
        (header("municipality", lang), session.programme.municipality),
        (header("session", lang), session.title),
        (header("date", lang), session.meeting_date),
        (header("programme_year", lang), session.programme_year),
        (header("bank", lang), f"{bank.title.get(lang)} ({bank.id} {bank.version})"),
        (header("bank_hash", lang), session.bank_hash),
    ]
    for row, (name, value) in enumerate(facts, start=1):
        _fact(ws, row, name, value, columns)
    row = len(facts) + 1
    if data.indicators:
        row = _total_rows(ws, row, data, columns)
    row += 1
    heading(ws, row, [header("participants_by_role", lang), header("count", lang)])
    for role, count in sorted(data.participants_by_role.items()):
        row += 1
        put(ws, row, 1, label(ROLE_SHORT_LABELS, role, lang))
        put(ws, row, 2, count)
    if data.group_weights:
        row += 2
        heading(ws, row, [header("weights_in_year", lang, year=session.programme_year), header("weight", lang),
                          header("group_mean", lang)])
        fit_row_height(ws, row, [(header("group_mean", lang), SUMMARY_WIDTHS[2])])
        for weight in data.group_weights:
            row += 1
            put(ws, row, 1, weight.label)
            put(ws, row, 2, weight.weight, number_format=SHARE)
            put(ws, row, 3, _round(weight.mean), number_format=GRADE)
    if not data.indicators:  # a fact sheet or closure review: its facts only
        set_up_pages(ws, columns, row, title_row=None, title=_workbook_title(data), gridlines=False)
        return
    start = row + 2
    last = _summary_table(ws, data, start)
    chart = BarChart()
    chart.type = "bar"
    chart.title = header("chart_title", lang)
    chart.y_axis.title = header("grade", lang)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(i.question.scale.max for i in data.indicators)
    chart.add_data(Reference(ws, min_col=3, max_col=3, min_row=start, max_row=last), titles_from_data=True)
    chart.add_data(Reference(ws, min_col=8, max_col=10, min_row=start, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last))
    chart.height, chart.width = 3 + len(data.indicators) * 1.2, 24
    print_columns, print_rows = chart_below(ws, chart, last, columns)
    set_up_pages(ws, print_columns, print_rows, title_row=start, title=_workbook_title(data), gridlines=False)


def _summary_table(ws: Worksheet, data: SessionData, start: int) -> int:
    """Each indicator's agreed grade beside last year's, the conclusion, dissent and means."""
    lang = data.lang
    headers = [header("indicator", lang), header("group", lang), header("consensus", lang), _previous_header(data),
               header("change", lang)] + [header(h, lang) for h in ("conclusion", "dissent", "leadership_mean",
                                                                      "observer_mean", "mean_all")]
    rows = [[i.label, i.group, i.consensus, i.previous_grade, i.change,
             markdown_to_text(i.conclusion) or ("" if i.consensus is not None else header("no_agreed_grade", lang)),
             i.dissent, _round(i.result.leadership.mean), _round(i.result.observers.mean),
             _round(i.result.stats.mean)]
            for i in data.indicators]
    return table(ws, headers, rows, SUMMARY_WIDTHS, start_row=start, wrap_columns=(1, 6, 7),
                 formats={5: CHANGE}, borders=True)


def indicators_sheet(ws: Worksheet, data: SessionData) -> None:
    lang = data.lang
    ws.title = safe_title(header("indicators", lang))
    headers = ([header(h, lang) for h in ("question_id", "indicator", "group", "consensus")]
               + [_previous_header(data), header("change", lang)]
               + [header(h, lang) for h in ("who", "n", "cannot_assess", "mean", "median", "min", "max", "stdev",
                                            "divergent")])
    rows = []
    for i in data.indicators:
        for who, stats in (("all", i.result.stats), ("leadership", i.result.leadership),
                           ("observers", i.result.observers)):
            first = who == "all"  # the agreed grades and the flag once per indicator, on its first row
            rows.append([i.question.id, i.label, i.group, i.consensus if first else None,
                         i.previous_grade if first else None, i.change if first else None, header(who, lang),
                         stats.n, stats.cannot_assess, _round(stats.mean), stats.median, stats.min, stats.max,
                         _round(stats.stdev),
                         (header("yes", lang) if i.result.divergent else header("no", lang)) if first else ""])
    widths = [18, 38, 10, 10, 10, 8, 18, 6, 10, 8, 8, 6, 6, 8, 10]
    last = table(ws, headers, rows, widths, wrap_columns=(1, 2), formats={6: CHANGE})
    set_up_pages(ws, len(headers), last, title_row=1, title=_workbook_title(data))


def _answer_value(answer) -> Formatted:
    return Formatted(answer.shown, answer.shown_format)


def answers_sheet(ws: Worksheet, data: SessionData) -> None:
    """Every answer as the person chose it (words, or a number with its unit), the stored value
    (the stable code) beside it."""
    lang = data.lang
    ws.title = safe_title(header("answers", lang))
    headers = [header(h, lang) for h in ("participant", "role", "section", "question_id", "question",
                                         "value", "stored_value", "comment", "changed")]
    rows = ([a.participant, label(ROLE_SHORT_LABELS, a.role_group, lang), a.section, a.question_id, a.question,
             _answer_value(a), a.stable, a.comment, oslo_time(a.changed)] for a in data.answers)
    last = table(ws, headers, rows, [16, 18, 18, 18, 34, 26, 12, 36, 15], wrap_columns=(1, 2, 3, 4, 5, 6, 7, 8),
                 formats={9: "yyyy-mm-dd hh:mm"})
    set_up_pages(ws, len(headers), last, title_row=1, title=_workbook_title(data))


def proposals_sheet(ws: Worksheet, data: SessionData) -> None:
    """One row per proposal, laid out to paste into next year's action plan, with drop-downs."""
    lang = data.lang
    ws.title = safe_title(header("proposals", lang))
    headers = [header(h, lang) for h in ("indicator", "proposal", "owner", "deadline", "priority",
                                         "status", "year", "question_id", "uid")]
    proposals = data.proposals + data.carried
    rows = ([p.indicator or header("whole_programme", lang), p.text, p.owner, p.deadline,
             label(PRIORITY_LABELS, p.priority, lang), label(STATUS_LABELS, p.status, lang), p.year,
             p.question_id or "", p.uid] for p in proposals)
    last = table(ws, headers, rows, [32, 56, 20, 12, 11, 13, 7, 16, 24], wrap_columns=(1, 2, 3, 8),
                 formats={4: "dd.mm.yyyy" if lang == "nb" else "yyyy-mm-dd"})  # as each office writes dates
    grey = Font(name=FONT_NAME, size=11, color="808080")  # the id that lets an edited workbook update its proposals: not to edit
    for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=9, max_col=9):
        cell.font = grey
    room = max(last, 1) + 200  # drop-downs for rows added by hand too
    for column, names in (("E", PRIORITY_LABELS), ("F", STATUS_LABELS)):
        choices = ",".join(label(names, key, lang) for key in names)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=header("proposals", lang),
                                    error=header("choose_from_list", lang))
        validation.add(f"{column}2:{column}{room}")
        ws.add_data_validation(validation)
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.add(f"D2:D{room}")
    ws.add_data_validation(dates)
    set_up_pages(ws, len(headers), last, title_row=1, title=_workbook_title(data))


def _by_question_rows(other: SessionData, lang: str) -> Iterable[list[Any]]:
    """Per question in bank order: the group's agreed answer (if recorded, its note as the comment),
    then each person's answer."""
    answers: dict[str, list] = {}
    for answer in other.answers:
        answers.setdefault(answer.question_id, []).append(answer)
    agreed_label = header("agreed_answer", lang)
    for section in other.bank.sections:
        for question in section.questions:
            agreed = other.agreed.get(question.id)
            if agreed is not None:
                yield [section.title.get(lang), question.id, question.label.get(lang), agreed_label,
                       Formatted(agreed.shown, agreed.shown_format), agreed.stable, agreed.note]
            for a in answers.get(question.id, ()):
                yield [a.section, a.question_id, a.question, a.participant, _answer_value(a), a.stable, a.comment]


def answers_by_question_sheet(ws: Worksheet, other: SessionData, lang: str) -> None:
    """The fact sheet or closure answers: per question, what the group agreed and what each person
    answered, in bank order."""
    kind = header("fact_sheet" if other.bank.kind == "fact_sheet" else "closure", lang)
    ws.title = safe_title(f"{kind} {header('year', lang).lower()} {other.session.programme_year}")
    title = f"{other.session.title} ({other.bank.id} {other.bank.version})"
    put(ws, 1, 1, title).font = TITLE_FONT
    headers = [header(h, lang) for h in ("section", "question_id", "question", "participant", "value",
                                         "stored_value", "comment")]
    last = table(ws, headers, _by_question_rows(other, lang), [18, 20, 44, 16, 24, 12, 40], start_row=2, wrap_columns=(1, 2, 3, 4, 5, 6, 7))
    set_up_pages(ws, len(headers), last, title_row=2, title=f"{other.session.programme.name} – {title}")


def history_sheet(ws: Worksheet, data: SessionData) -> None:
    lang = data.lang
    ws.title = safe_title(header("history", lang))
    sessions = [year.session for year in data.history]
    headers = [header("indicator", lang)] + [f"{header('year', lang)} {s.programme_year}" for s in sessions]
    # Matched by question id across the bank's versions: every indicator any year asked, in one
    # row; a year whose version did not ask it is left blank, greyed and noted, never shifted.
    questions = history_indicators(data.history)
    rows = [[q.label.get(lang)] + [year.grades.get(q.id) for year in data.history] for q in questions]
    rows.append([header("weighted_total", lang)] + [_round(year.total) for year in data.history])
    last = table(ws, headers, rows, [46] + [10] * len(sessions), wrap_columns=(1,), borders=True)
    missing = [(row, column) for row, q in enumerate(questions, start=2)
               for column, year in enumerate(data.history, start=2) if not year.was_asked(q.id)]
    for row, column in missing:
        cell = ws.cell(row=row, column=column)
        cell.fill = NOT_ASKED_FILL
        cell.comment = Comment(header("not_in_form", lang), "Statusvurdering")
    print_columns, print_rows = len(headers), last
    if missing:
        put(ws, last + 2, 1, header("not_in_form_note", lang))
        print_rows = last = last + 2
    if sessions and data.indicators:
        chart = LineChart()
        chart.title = header("history_chart", lang)
        chart.y_axis.title = header("grade", lang)
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, max(i.question.scale.max for i in data.indicators)
        chart.add_data(Reference(ws, min_col=1, max_col=len(sessions) + 1, min_row=2, max_row=len(questions) + 1),
                       from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=len(sessions) + 1, min_row=1, max_row=1))
        chart.height, chart.width = 9, 24
        print_columns, print_rows = chart_below(ws, chart, last, len(headers))
    set_up_pages(ws, print_columns, print_rows, title_row=1, title=_workbook_title(data), gridlines=False)


def build_workbook(data: SessionData) -> bytes:
    """The whole workbook for one session, as the bytes of an .xlsx file."""
    workbook = Workbook()
    # Styles for many cells, set by name: far cheaper than a style object per cell in a large sheet.
    for name, alignment in (("Wrapped", WRAP), ("Top", TOP)):
        workbook.add_named_style(NamedStyle(name, font=Font(name=FONT_NAME, size=11), alignment=alignment))
    summary_sheet(workbook.active, data)
    if data.indicators:
        indicators_sheet(workbook.create_sheet(), data)
    answers_sheet(workbook.create_sheet(), data)
    proposals_sheet(workbook.create_sheet(), data)
    for other in data.other_sessions:
        answers_by_question_sheet(workbook.create_sheet(), other, data.lang)
    if data.bank.kind != "annual_review" and (data.answers or data.agreed):
        answers_by_question_sheet(workbook.create_sheet(), data, data.lang)
    if data.indicators:
        history_sheet(workbook.create_sheet(), data)
    workbook.properties.title = _workbook_title(data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
