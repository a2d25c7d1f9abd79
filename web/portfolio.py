"""The portfolio: the programmes a user may see side by side for a year, a programme's course over
its years, and the portfolio workbook. Read-only pages for facilitators and viewers alike."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment.errors import UserError
from assessment.portfolio import SORT_KEYS, build_portfolio, programme_course
from exports.course_chart import course_chart
from exports.portfolio import build_portfolio_workbook
from web.access import programme_or_404, visible_programmes
from web.locale import LANGUAGES, current_language

bp = Blueprint("portfolio", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def require_login():
    """The portfolio is for logged-in facilitators and viewers."""


def _number(name: str, label: str, low: int, high: int) -> int | None:
    """An optional whole number from the query string; a clear 400 for anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UserError(_("The filter %(name)s must be a whole number from %(low)s to %(high)s.",
                          name=label.lower(), low=low, high=high))
    return int(raw)


def _choices() -> dict:
    """The year, county, programme year and sort order the query string asks for."""
    sort = request.args.get("sort", "name")
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc") or not (sort in SORT_KEYS or (sort.isascii() and len(sort) <= 100)):
        raise UserError(_("That sort order is not known."))
    return {"year": _number("year", _("Year"), 1900, 2199), "county": request.args.get("county", "").strip()[:200],
            "programme_year": _number("programme_year", _("Programme year"), 1, 20), "sort": sort,
            "descending": order == "desc"}


@bp.route("/portfolio")
def portfolio():
    choices = _choices()
    table = build_portfolio(visible_programmes(current_user), **choices)
    return render_template("portfolio/portfolio.html", portfolio=table, choices=choices, lang=current_language())


@bp.route("/portfolio.xlsx")
def export():
    choices = _choices()
    lang = request.args.get("lang", current_language())
    if lang not in LANGUAGES:
        raise UserError(_("That language is not available."))
    programmes = visible_programmes(current_user)
    table = build_portfolio(programmes, **choices)
    data = build_portfolio_workbook(table, [row.programme for row in table.rows], lang)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"portfolio-{table.year}.xlsx")


@bp.route("/portfolio/programme/<int:programme_id>")
def programme(programme_id: int):
    programme = programme_or_404(programme_id)
    course = programme_course(programme)
    lang = current_language()
    charts = [course_chart(line, lang) for line in course.lines]
    return render_template("portfolio/programme.html", programme=programme, course=course, charts=charts,
                           lang=lang)
