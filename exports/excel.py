"""The Excel workbook a facilitator hands on without cleaning: summary with a chart, indicator
statistics, every answer in long format, proposals ready for the action plan, fact sheet and closure
answers, and the programme's history. Built from plain export data; returns bytes."""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.labels import PRIORITY_LABELS, ROLE_SHORT_LABELS, STATUS_LABELS, label
from assessment.markup import markdown_to_text
from assessment.question_types import clean_text
from exports.cells import is_formula_like
from exports.data import SessionData
from exports.labels import header

OSLO = ZoneInfo("Europe/Oslo")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAP = Alignment(wrap_text=True, vertical="top")


def oslo_time(utc: datetime) -> datetime:
    """A stored time (UTC, naive) as the clock in Norway showed it: a spreadsheet has no zones."""
    return utc.replace(tzinfo=timezone.utc).astimezone(OSLO).replace(tzinfo=None)


def safe_title(title: str) -> str:
    """A sheet title Excel accepts: no \\ * ? : / [ ], at most 31 characters."""
    return re.sub(r"[\\*?:/\[\]]", "-", title)[:31] or "Sheet"


def put(ws: Worksheet, row: int, column: int, value: Any, wrap: bool = False, number_format: str | None = None):
    """Write one cell; text is always text, never a formula, whatever it begins with."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
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
    if wrap or (isinstance(value, str) and "\n" in value):
        cell.alignment = WRAP  # styles are costly per cell: only where text wraps
    return cell


def table(ws: Worksheet, headers: list[str], rows: Iterable[list[Any]], widths: list[int],
          start_row: int = 1, wrap_columns: Iterable[int] = (), formats: dict[int, str] | None = None) -> int:
    """A header row (bold, frozen, filtered) and the rows under it; returns the last row written."""
    for column, title in enumerate(headers, start=1):
        cell = put(ws, start_row, column, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    last = start_row
    wrap_columns = set(wrap_columns)
    for last, values in enumerate(rows, start=start_row + 1):
        for column, value in enumerate(values, start=1):
            put(ws, last, column, value, wrap=column in wrap_columns,
                number_format=(formats or {}).get(column))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(headers))}{max(last, start_row)}"
    return last


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def summary_sheet(ws: Worksheet, data: SessionData) -> None:
    lang, session, bank = data.lang, data.session, data.bank
    ws.title = safe_title(header("summary", lang))
    facts = [
        (header("programme", lang), session.programme.name),
        (header("municipality", lang), session.programme.municipality),
        (header("session", lang), session.title),
        (header("date", lang), session.meeting_date),
        (header("programme_year", lang), session.programme_year),
        (header("bank", lang), f"{bank.title.get(lang)} ({bank.id} {bank.version})"),
        (header("bank_hash", lang), session.bank_hash),
        (header("weighted_total", lang), _round(data.total)),
    ] + [(label(ROLE_SHORT_LABELS, role, lang), count) for role, count in sorted(data.participants_by_role.items())]
    for row, (name, value) in enumerate(facts, start=1):
        put(ws, row, 1, name).font = HEADER_FONT
        put(ws, row, 2, value, number_format="yyyy-mm-dd" if isinstance(value, date) else None)
    start = len(facts) + 2
    headers = [header(h, lang) for h in ("indicator", "group", "consensus", "conclusion", "dissent",
                                         "leadership_mean", "observer_mean", "mean_all")]
    rows = [[i.label, i.group, i.consensus, markdown_to_text(i.conclusion), i.dissent,
             _round(i.result.leadership.mean), _round(i.result.observers.mean), _round(i.result.stats.mean)]
            for i in data.indicators]
    last = table(ws, headers, rows, [46, 12, 12, 60, 30, 14, 14, 14], start_row=start, wrap_columns=(1, 4, 5))
    ws.column_dimensions["A"].width = 46
    if data.indicators:
        chart = BarChart()
        chart.type = "bar"
        chart.title = header("chart_title", lang)
        chart.y_axis.title = header("grade", lang)
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = max(i.question.scale.max for i in data.indicators)
        values = Reference(ws, min_col=6, max_col=8, min_row=start, max_row=last)
        values_consensus = Reference(ws, min_col=3, max_col=3, min_row=start, max_row=last)
        chart.add_data(values_consensus, titles_from_data=True)
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last))
        chart.height, chart.width = 3 + len(data.indicators) * 1.2, 22
        ws.add_chart(chart, f"J{start}")


def indicators_sheet(ws: Worksheet, data: SessionData) -> None:
    lang = data.lang
    ws.title = safe_title(header("indicators", lang))
    headers = [header(h, lang) for h in (
        "question_id", "indicator", "group", "who", "n", "cannot_assess", "mean", "median", "min", "max",
        "stdev", "divergent")]
    rows = []
    for i in data.indicators:
        for who, stats in (("all", i.result.stats), ("leadership", i.result.leadership),
                           ("observers", i.result.observers)):
            rows.append([i.question.id, i.label, i.group, header(who, lang), stats.n, stats.cannot_assess,
                         _round(stats.mean), stats.median, stats.min, stats.max, _round(stats.stdev),
                         (header("yes", lang) if i.result.divergent else header("no", lang)) if who == "all" else ""])
    table(ws, headers, rows, [22, 46, 12, 14, 6, 10, 8, 8, 6, 6, 8, 10], wrap_columns=(2,))


def answers_sheet(ws: Worksheet, data: SessionData) -> None:
    lang = data.lang
    ws.title = safe_title(header("answers", lang))
    headers = [header(h, lang) for h in ("participant", "role", "section", "question_id", "question",
                                         "value", "value_label", "comment", "changed")]
    rows = ([a.participant, label(ROLE_SHORT_LABELS, a.role_group, lang), a.section, a.question_id, a.question,
             a.cell, a.value_label, a.comment, oslo_time(a.changed)] for a in data.answers)
    table(ws, headers, rows, [20, 16, 22, 24, 46, 12, 30, 50, 18], wrap_columns=(5, 8),
          formats={9: "yyyy-mm-dd hh:mm"})


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
    last = table(ws, headers, rows, [40, 60, 22, 14, 12, 16, 8, 22, 34], wrap_columns=(1, 2),
                 formats={4: "yyyy-mm-dd"})
    grey = Font(color="808080")  # the id that lets an edited workbook update its proposals: not to edit
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


def answers_by_question_sheet(ws: Worksheet, other: SessionData, lang: str) -> None:
    """The fact sheet or closure answers: one row per question and person, in bank order."""
    kind = header("fact_sheet" if other.bank.kind == "fact_sheet" else "closure", lang)
    ws.title = safe_title(f"{kind} {header('year', lang).lower()} {other.session.programme_year}")
    put(ws, 1, 1, f"{other.session.title} ({other.bank.id} {other.bank.version})").font = HEADER_FONT
    headers = [header(h, lang) for h in ("section", "question_id", "question", "participant", "value",
                                         "value_label", "comment")]
    rows = ([a.section, a.question_id, a.question, a.participant, a.cell, a.value_label,
             a.comment] for a in other.answers)
    table(ws, headers, rows, [22, 24, 50, 20, 16, 40, 40], start_row=2, wrap_columns=(3, 6, 7))


def history_sheet(ws: Worksheet, data: SessionData) -> None:
    lang = data.lang
    ws.title = safe_title(header("history", lang))
    sessions = [year.session for year in data.history]
    headers = [header("indicator", lang)] + [f"{header('year', lang)} {s.programme_year}" for s in sessions]
    rows = [[i.label] + [year.grades.get(i.question.id) for year in data.history] for i in data.indicators]
    rows.append([header("weighted_total", lang)] + [_round(year.total) for year in data.history])
    last = table(ws, headers, rows, [46] + [10] * len(sessions), wrap_columns=(1,))
    if sessions and data.indicators:
        chart = LineChart()
        chart.title = header("history_chart", lang)
        chart.y_axis.title = header("grade", lang)
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, max(i.question.scale.max for i in data.indicators)
        chart.add_data(Reference(ws, min_col=1, max_col=len(sessions) + 1, min_row=2, max_row=last - 1),
                       from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=len(sessions) + 1, min_row=1, max_row=1))
        chart.height, chart.width = 10, 22
        ws.add_chart(chart, f"{get_column_letter(len(sessions) + 3)}2")


def build_workbook(data: SessionData) -> bytes:
    """The whole workbook for one session, as the bytes of an .xlsx file."""
    workbook = Workbook()
    summary_sheet(workbook.active, data)
    if data.indicators:
        indicators_sheet(workbook.create_sheet(), data)
    answers_sheet(workbook.create_sheet(), data)
    proposals_sheet(workbook.create_sheet(), data)
    for other in data.other_sessions:
        answers_by_question_sheet(workbook.create_sheet(), other, data.lang)
    if data.bank.kind != "annual_review" and data.answers:
        answers_by_question_sheet(workbook.create_sheet(), data, data.lang)
    if data.indicators:
        history_sheet(workbook.create_sheet(), data)
    workbook.properties.title = f"{data.session.programme.name} – {data.session.title}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
