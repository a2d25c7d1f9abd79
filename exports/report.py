"""The report draft: Markdown from a template (downloadable), and the same as a printable, sanitised
HTML page with the chart as inline SVG."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from assessment.markup import render_markdown
from exports.data import IndicatorRow, SessionData
from assessment.labels import PRIORITY_LABELS, ROLE_SHORT_LABELS, STATUS_LABELS, label
from exports.labels import header

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "exports"
_environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False,
                           undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)


def _md(value) -> str:
    """One line of user text inside Markdown: no table breaks, no line breaks."""
    return str(value or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


_environment.filters["md"] = _md


def _number(value, lang: str) -> str:
    if value is None:
        return "–"
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return shown.replace(".", ",") if lang == "nb" else shown


def _extremes(indicators: list[IndicatorRow]) -> tuple[IndicatorRow | None, IndicatorRow | None]:
    scored = [i for i in indicators if i.result.stats.n >= 2]
    if not scored:
        return None, None
    ordered = sorted(scored, key=lambda i: (i.result.stats.stdev, i.result.stats.spread))
    return ordered[0], ordered[-1]


def _by_question(data: SessionData):
    grouped: dict[str, list] = {}
    for answer in data.answers:
        grouped.setdefault(answer.question, []).append(answer)
    return list(grouped.items())


def report_markdown(data: SessionData) -> str:
    lang = data.lang
    agreement, disagreement = _extremes(data.indicators)
    answer_sections = list(data.other_sessions)
    if data.bank.kind != "annual_review":
        answer_sections.insert(0, data)
    return _environment.get_template("report.md").render(
        data=data, session=data.session, bank=data.bank, lang=lang,
        t=lambda key: header(key, lang), num=lambda v: _number(v, lang),
        role_name=lambda key: label(ROLE_SHORT_LABELS, key, lang),
        priority=lambda key: label(PRIORITY_LABELS, key, lang),
        status=lambda key: label(STATUS_LABELS, key, lang),
        agreement=agreement, disagreement=disagreement,
        answer_sections=answer_sections, other_by_question=_by_question,
    )


def report_html(data: SessionData) -> Markup:
    """The report rendered and sanitised (nothing typed by a user can become markup), with the
    chart (our own SVG, added after sanitising) between the results table and the conclusions."""
    html = str(render_markdown(report_markdown(data)))
    if data.indicators:
        marker = f"<h2>{escape(header('conclusions', data.lang))}</h2>"
        chart = f'<figure class="report-figure">{chart_svg(data)}</figure>'
        html = html.replace(marker, chart + marker, 1) if marker in html else html + chart
    return Markup(html)


def chart_svg(data: SessionData) -> Markup:
    """Consensus and means per indicator as horizontal bars, inline SVG (prints sharply)."""
    if not data.indicators:
        return Markup("")
    lang = data.lang
    top = max(i.question.scale.max for i in data.indicators)
    row, label_width, bar_width = 54, 380, 360
    height = row * len(data.indicators) + 40
    series = (("consensus", "#0b5cad"), ("leadership_mean", "#7aa7d9"), ("observer_mean", "#d9a441"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {label_width + bar_width + 60} {height}" '
             f'role="img" aria-label="{escape(header("chart_title", lang))}">']
    for index, indicator in enumerate(data.indicators):
        y = 10 + index * row
        label = indicator.label if len(indicator.label) <= 46 else indicator.label[:45].rstrip() + "…"
        parts.append(f'<text x="0" y="{y + 22}" font-size="13">{escape(label)}</text>')
        values = (indicator.consensus, indicator.result.leadership.mean, indicator.result.observers.mean)
        for offset, ((_key, colour), value) in enumerate(zip(series, values)):
            if value is None:
                continue
            width = bar_width * value / top
            parts.append(f'<rect x="{label_width}" y="{y + offset * 14}" width="{width:.1f}" height="12" fill="{colour}"/>'
                         f'<text x="{label_width + width + 4:.1f}" y="{y + offset * 14 + 11}" font-size="11">{escape(_number(value, lang))}</text>')
    legend_y = height - 12
    for offset, (key, colour) in enumerate(series):
        x = label_width + offset * 130
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{legend_y}" font-size="12">{escape(header(key, lang))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
