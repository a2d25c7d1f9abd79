"""Downloads for the facilitator: the workbook, the report draft, raw JSON/CSV; and proposals
carried in from last year's workbook. Available at any time during or after the session."""
from __future__ import annotations

import io
import re

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from assessment import proposal_import
from web.access import read_only, session_or_404
from web.locale import current_language
from assessment.errors import NotFound, UserError
from exports.data import session_data
from exports.excel import build_workbook
from exports.proposals_import import MAX_UPLOAD, read_proposal_rows
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
    return render_template("exports/index.html", session=session, lang=current_language(), read_only=read_only(),
                           max_upload_mb=MAX_UPLOAD // (1024 * 1024))


@bp.route("/sessions/<int:session_id>/export.xlsx")
def workbook(session_id: int):
    session = session_or_404(session_id)
    return _download(build_workbook(_data(session)), XLSX,
                     _filename(session, "xlsx"))


def _data(session, **options):
    """The session's data in the request's language; without participants' names for a viewer."""
    return session_data(session, current_language(), names=not read_only(), **options)


def _names_asked() -> bool:
    """`names=1` asks for participants' names in the report; a viewer never gets them."""
    return request.args.get("names") == "1" and not read_only()


def _report(session) -> Report:
    """The session's report in the request's language; participants' names when `names=1` asks."""
    return build_report(_data(session), names=_names_asked())


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
                           names=_names_asked(), read_only=read_only())


@bp.route("/sessions/<int:session_id>/export.json")
def as_json(session_id: int):
    session = session_or_404(session_id)
    return _download(session_json(_data(session)),
                     "application/json", _filename(session, "json"))


@bp.route("/sessions/<int:session_id>/answers.csv")
def as_csv(session_id: int):
    session = session_or_404(session_id)
    return _download(answers_csv(_data(session, with_programme=False)),
                     "text/csv", _filename(session, "csv"))


@bp.route("/sessions/<int:session_id>/import-proposals", methods=["POST"])
def import_proposals(session_id: int):
    """Keep the uploaded workbook (once it reads as a Proposals sheet) and show what it would do."""
    session = session_or_404(session_id)
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        raise UserError(_("Choose a workbook (.xlsx) to upload."))
    content = upload.read(MAX_UPLOAD + 1)
    if not read_proposal_rows(content, session.bank, current_language()):
        raise UserError(_("The Proposals sheet has no proposals to import."))
    kept = proposal_import.keep_upload(session, upload.filename, content)
    return redirect(url_for(".import_preview", session_id=session.id, upload_id=kept.id))


def _upload_or_404(session, upload_id: int):
    upload = proposal_import.upload_of(session, upload_id)
    if upload is None:
        raise NotFound(_("This upload is already applied or cancelled. Upload the workbook again "
                         "to import it."))
    return upload


def _preview(session, upload, error: str = "", status: int = 200):
    outcomes = proposal_import.classify(session, read_proposal_rows(upload.content, session.bank,
                                                                     current_language()))
    return render_template("exports/import_preview.html", session=session, bank=session.bank,
                           lang=current_language(), upload=upload, outcomes=outcomes,
                           origin_year=proposal_import.origin_year,
                           counts=proposal_import.count_kinds(outcomes), error=error), status


@bp.route("/sessions/<int:session_id>/import-proposals/<int:upload_id>")
def import_preview(session_id: int, upload_id: int):
    session = session_or_404(session_id)
    return _preview(session, _upload_or_404(session, upload_id))


@bp.route("/sessions/<int:session_id>/import-proposals/<int:upload_id>/apply", methods=["POST"])
def import_apply(session_id: int, upload_id: int):
    session = session_or_404(session_id)
    upload = _upload_or_404(session, upload_id)
    rows = read_proposal_rows(upload.content, session.bank, current_language())
    try:
        counts = proposal_import.apply_import(session, rows, skip_refused=request.form.get("skip_refused") == "1",
                                              upload=upload)
    except proposal_import.RowsRefused as refused:
        return _preview(session, upload, error=str(refused.message), status=refused.status_code)
    flash(_("Imported. New: %(new)d, updated: %(updated)d, unchanged: %(unchanged)d, skipped: %(refused)d.",
            new=counts["new"], updated=counts["updated"], unchanged=counts["unchanged"],
            refused=counts["refused"]), "success")
    return redirect(url_for("discussion.proposals", session_id=session.id))


@bp.route("/sessions/<int:session_id>/import-proposals/<int:upload_id>/cancel", methods=["POST"])
def import_cancel(session_id: int, upload_id: int):
    session = session_or_404(session_id)
    proposal_import.discard_upload(_upload_or_404(session, upload_id))
    flash(_("The import is cancelled; nothing was changed."), "success")
    return redirect(url_for(".index", session_id=session.id))
