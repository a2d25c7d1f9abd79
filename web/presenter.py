"""The presenter view for the wall: the join code, then one indicator at a time, moved by the
facilitator's laptop or the presenter tab's keyboard; live like the dashboard (polled, state in
the database)."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from assessment import presentation
from assessment.results import consensus_by_question, indicator_results
from web.access import session_or_404
from web.links import public_url_for
from web.locale import current_language

bp = Blueprint("presenter", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page here is for logged-in facilitators."""


def _context(session, version: str | None = None) -> dict:
    results = indicator_results(session)
    return {
        "session": session, "bank": session.bank, "lang": current_language(),
        "slide": presentation.current_slide(session, results, consensus_by_question(session)),
        "participant_count": len(session.participants),
        "front_url": public_url_for("main.index"),
        "join_url": public_url_for("participate.join", code=session.join_code),
        "version": version or presentation.presenter_version(session),
    }


def _live_json(session, version: str):
    context = _context(session, version)
    return jsonify(version=version, html=render_template("presenter/_slide.html", **context),
                   announce=render_template("presenter/_announce.html", **context).strip())


@bp.route("/sessions/<int:session_id>/presenter")
def presenter(session_id: int):
    session = session_or_404(session_id)
    return render_template("presenter/presenter.html", **_context(session))


@bp.route("/sessions/<int:session_id>/presenter/live")
def live(session_id: int):
    """The slide when anything on it changed since `version`; 204 otherwise."""
    session = session_or_404(session_id)
    version = presentation.presenter_version(session)
    if request.args.get("version") == version:
        return "", 204
    return _live_json(session, version)


@bp.route("/sessions/<int:session_id>/presenter/show", methods=["POST"])
def show(session_id: int):
    """Put an indicator on the wall (`question`; empty: the join code), or move one `step` (next,
    previous) in agenda order. From a script (the presenter tab's keys) the answer is the new slide;
    from a plain form, back to the page it came from."""
    session = session_or_404(session_id)
    if "step" in request.form:
        presentation.step(session, request.form["step"])
    else:
        presentation.present(session, request.form.get("question") or None)
    if request.accept_mimetypes.best == "application/json":
        return _live_json(session, presentation.presenter_version(session))
    back = request.form.get("back")
    question_id = session.presented_question
    if back == "indicator" and question_id:
        return redirect(url_for("discussion.indicator", session_id=session.id, question_id=question_id))
    if back == "agenda":
        return redirect(url_for("discussion.agenda", session_id=session.id))
    return redirect(url_for(".presenter", session_id=session.id))
