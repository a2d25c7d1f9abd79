"""The report draft as Markdown (downloadable, from templates/exports/report.md) and as a printable,
sanitised HTML page with the charts as inline SVG; both lay out the same report model."""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from assessment.markup import render_markdown
from exports.report_chart import chart_svg
from exports.report_model import Report

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "exports"
_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False,
                           undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)

_INLINE_MARKERS = re.compile(r"([\\`*_\[\]|])")
_NUMBERED = re.compile(r"^(\d+)([.)])")
_HEADING_LINE = re.compile(r"^(\s{0,3})(#)")
_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def md_cell(value) -> str:
    """User text as one inert line in a table cell: no table break, link, emphasis or HTML can
    come of it, whatever was typed; Markdown shows it as typed."""
    line = " ".join(str(value or "").split())
    line = line.replace("&", "&amp;").replace("<", "&lt;")
    return _INLINE_MARKERS.sub(r"\\\1", line)


def md_text(value) -> str:
    """User text as one inert line where a block may start (a list item, after a heading's
    marker): as md_cell, and no heading, list or quote can start it either."""
    line = _NUMBERED.sub(r"\1\\\2", md_cell(value))
    return "\\" + line if line[:1] in ("#", ">", "+", "-") else line


def md_block(value) -> str:
    """A conclusion or note written in Markdown, kept as Markdown (bold, italics, lists, links) but
    never as a heading or raw HTML: the report's own headings stay the only ones."""
    lines = []
    for line in str(value or "").replace("<", "&lt;").splitlines():
        line = _HEADING_LINE.sub(r"\1\\\2", line)
        if _UNDERLINE.match(line):
            line = line.replace("=", "&#61;").replace("-", "\\-")
        lines.append(line)
    return "\n".join(lines).strip()


_environment.filters["md"] = md_text
_environment.filters["cell"] = md_cell
_environment.filters["md_block"] = md_block


def report_markdown(report: Report) -> str:
    return _environment.get_template("report.md").render(r=report, l=report.labels)


def report_html(report: Report) -> Markup:
    """The report rendered and sanitised (nothing typed by a user can become markup), with the
    charts (our own SVG, added after sanitising) between the weights and the conclusions."""
    html = str(render_markdown(report_markdown(report)))
    if report.charts:
        charts = "".join(f'<figure class="report-figure">{chart_svg(chart, report.lang)}'
                         f"<figcaption>{escape(chart.title)}</figcaption></figure>" for chart in report.charts)
        marker = f"<h2>{escape(report.labels['conclusions'])}</h2>"
        html = html.replace(marker, charts + marker, 1) if marker in html else html + charts
    return Markup(html)
