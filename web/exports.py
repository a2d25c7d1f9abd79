"""Downloads for the facilitator: the workbook, the report draft, raw JSON/CSV; and proposals
carried in from last year's workbook. Available at any time during or after the session."""
from __future__ import annotations

import io
import re

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from assessment import facilitation
from web.access import session_or_404
from web.locale import current_language
from assessment.errors import UserError
from exports.data import session_data
from exports.excel import build_workbook
from exports.proposals_import import MAX_UPLOAD, read_proposals
from exports.raw import answers_csv, session_json
from exports.report import report_html, report_markdown
from exports.report_docx import report_docx
from exports.report_model import Report, build_report

bp = Blueprint("exports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.before_request
@login_required
def require_login():
    """Every download is for logged-in facilitators."""


def _filename(session, suffix: str) -> str:
    """The programme and session as a file name, æøå kept (Flask sends it as RFC 5987 filename*)."""
    stem = re.sub(r"[^\w]+", "-", f"{session.programme.name} {session.title}").strip("-_")
    return f"{stem[:80] or 'statusvurdering'}.{suffix}"


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.route("/sessions/<int:session_id>/exports")
def index(session_id: int):
    session = session_or_404(session_id)
    return render_template("exports/index.html", session=session, lang=current_language(),
                           max_upload_mb=MAX_UPLOAD // (1024 * 1024))


@bp.route("/sessions/<int:session_id>/export.xlsx")
def workbook(session_id: int):
    session = session_or_404(session_id)
    return _download(build_workbook(session_data(session, current_language())), XLSX,
                     _filename(session, "xlsx"))


def _report(session) -> Report:
    """The session's report in the request's language; participants' names when `names=1` asks."""
    return build_report(session_data(session, current_language()), names=request.args.get("names") == "1")


@bp.route("/sessions/<int:session_id>/report.md")
def report_md(session_id: int):
    session = session_or_404(session_id)
    return _download(report_markdown(_report(session)), "text/markdown", _filename(session, "md"))


@bp.route("/sessions/<int:session_id>/report.docx")
def report_word(session_id: int):
    session = session_or_404(session_id)
    return _download(report_docx(_report(session)), DOCX, _filename(session, "docx"))


@bp.route("/sessions/<int:session_id>/report")
def report(session_id: int):
    session = session_or_404(session_id)
    return render_template("exports/report.html", session=session, report=report_html(_report(session)),
                           names=request.args.get("names") == "1")


@bp.route("/sessions/<int:session_id>/export.json")
def as_json(session_id: int):
    session = session_or_404(session_id)
    return _download(session_json(session_data(session, current_language())),
                     "application/json", _filename(session, "json"))


@bp.route("/sessions/<int:session_id>/answers.csv")
def as_csv(session_id: int):
    session = session_or_404(session_id)
    return _download(answers_csv(session_data(session, current_language(), with_programme=False)),
                     "text/csv", _filename(session, "csv"))


@bp.route("/sessions/<int:session_id>/import-proposals", methods=["POST"])
def import_proposals(session_id: int):
    session = session_or_404(session_id)
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        raise UserError(_("Choose last year's workbook (.xlsx) to upload."))
    content = upload.read(MAX_UPLOAD + 1)
    rows = read_proposals(content, session.bank)
    if not rows:
        raise UserError(_("The Proposals sheet has no proposals to carry over."))
    count = facilitation.import_proposals(session, rows)
    flash(_("%(num)d proposals carried over from the workbook.", num=count), "success")
    return redirect(url_for("discussion.follow_up", session_id=session.id))
