"""The report draft as a Word document (python-docx), laid out from the report model with Word's
built-in styles only (Title, Heading 1-3, Table Grid, Caption, List Bullet, List Number), so a
facilitator's own template restyles it. User text goes into runs as plain text; conclusions and
notes are Markdown rendered into runs (exports.docx_markdown)."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import _Cell

from exports.docx_markdown import add_markdown, add_paragraph
from exports.report_chart import chart_png
from exports.report_model import DigestGroup, Report

LANGUAGE_TAGS = {"nb": "nb-NO", "en": "en-GB"}


def report_docx(report: Report) -> bytes:
    """The report as a .docx file's bytes, on A4."""
    document = Document()
    _page(document, report)
    labels = report.labels
    add_paragraph(document, report.title, "Title")
    document.add_paragraph().add_run(report.draft_note).italic = True

    add_paragraph(document, labels["facts"], "Heading 1")
    _table(document, None, [(f.label, f.value) for f in report.facts], first_column_bold=True)
    add_paragraph(document, labels["participants"], "Heading 2")
    for role in report.roles:
        names = f" ({', '.join(role.names)})" if role.names else ""
        add_paragraph(document, f"{role.role}: {role.count}{names}", "List Bullet")
    add_paragraph(document, labels["method"], "Heading 2")
    document.add_paragraph(report.method)

    if report.results:
        add_paragraph(document, labels["results"], "Heading 1")
        _caption(document, labels["results_table"])
        _table(document, (labels["indicator"], labels["group"], labels["this_year"], labels["last_year_grade"],
                          labels["change"]),
               [(r.indicator, r.group, r.this_year, r.last_year, r.change) for r in report.results],
               numeric_from=2)
        add_paragraph(document, labels["weights"], "Heading 2")
        _table(document, (labels["group"], labels["weight"], labels["group_mean"]),
               [(w.group, w.weight, w.mean) for w in report.weights], numeric_from=1)
        total = document.add_paragraph()
        total.add_run(f"{labels['weighted_total']}: ").bold = True
        total.add_run(report.total)
        for fact in report.agreement:
            line = add_paragraph(document, style="List Bullet")
            line.add_run(f"{fact.label}: ").bold = True
            line.add_run(fact.value)
        for chart in report.charts:
            document.add_picture(io.BytesIO(chart_png(chart, report.lang)), width=Cm(16))
            _caption(document, chart.title)

        add_paragraph(document, labels["conclusions"], "Heading 1")
        for indicator in report.indicators:
            add_paragraph(document, indicator.label, "Heading 2")
            grade = document.add_paragraph()
            grade.add_run(f"{labels['grade']}: ").bold = True
            grade.add_run(indicator.grade)
            grade.add_run(f" ({labels['last_year_grade']}: {indicator.last_year})")
            add_markdown(document, indicator.conclusion)
            if indicator.dissent:
                dissent = document.add_paragraph()
                dissent.add_run(f"{labels['dissent']}: ").italic = True
                dissent.add_run(indicator.dissent)
            _digest(document, labels["digest"], indicator.digest)

    for part in report.answer_parts:
        add_paragraph(document, part.title, "Heading 1")
        if part.as_table:
            _table(document, (labels["question"], labels["answers"]), [(q.label, q.summary) for q in part.questions])
            continue
        for question in part.questions:
            add_paragraph(document, question.label, "Heading 2")
            if question.agreed is not None:
                agreed = document.add_paragraph()
                agreed.add_run(f"{labels['agreed_answer']}: ").bold = True
                agreed.add_run(question.agreed)
            add_markdown(document, question.note)
            _digest(document, labels["digest"], question.digest)

    if report.not_agreed:
        add_paragraph(document, labels["not_agreed"], "Heading 1")
        document.add_paragraph(labels["not_agreed_intro"])
        for item in report.not_agreed:
            add_paragraph(document, item, "List Bullet")

    add_paragraph(document, labels["proposals"], "Heading 1")
    if report.proposals:
        _table(document, (labels["indicator"], labels["proposal"], labels["owner"], labels["deadline"],
                          labels["priority"]),
               [(p.indicator, p.text, p.owner, p.deadline, p.priority) for p in report.proposals])
    else:
        document.add_paragraph(labels["no_proposals"])
    if report.last_year_proposals:
        add_paragraph(document, labels["last_year_proposals"], "Heading 1")
        _table(document, (labels["indicator"], labels["proposal"], labels["year"], labels["status"]),
               [(p.indicator, p.text, p.year, p.status) for p in report.last_year_proposals])
    add_paragraph(document, labels["next_steps"], "Heading 1")
    for step in report.next_steps:
        add_paragraph(document, step, "List Number")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page(document, report: Report) -> None:
    """A4 with 2.5 cm margins, the document's title and language set (spelling in Word)."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    document.core_properties.title = report.title
    document.core_properties.language = LANGUAGE_TAGS.get(report.lang, report.lang)
    run_defaults = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE_TAGS.get(report.lang, report.lang))
    run_defaults.append(language)


def _caption(document, text: str) -> None:
    add_paragraph(document, text, "Caption")


def _table(document, header: tuple[str, ...] | None, rows: list[tuple[str, ...]],
           numeric_from: int | None = None, first_column_bold: bool = False) -> None:
    """A 'Table Grid' table; the header row bold and repeated on every page."""
    columns = len(header) if header else len(rows[0]) if rows else 2
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    if header:
        cells = _cells(table, table.add_row())
        for cell, title in zip(cells, header):
            cell.paragraphs[0].add_run(title).bold = True
        header_row = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_row.append(repeat)
    for row in rows:
        cells = _cells(table, table.add_row())
        for index, (cell, value) in enumerate(zip(cells, row)):
            run = cell.paragraphs[0].add_run(str(value))
            if first_column_bold and index == 0:
                run.bold = True
            if numeric_from is not None and index >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _cells(table, row) -> list[_Cell]:
    """A new row's cells, read from the row itself: `row.cells` works out the grid of the whole
    table each time, which made a 60-row table cost a fifth of a second."""
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def _digest(document, heading: str, groups: list[DigestGroup]) -> None:
    """What the participants wrote, a bold role name over a bulleted list of its texts."""
    if not groups:
        return
    add_paragraph(document, heading, "Heading 3")
    for group in groups:
        document.add_paragraph().add_run(group.role).bold = True
        for item in group.items:
            add_paragraph(document, item, "List Bullet")
