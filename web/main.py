"""The front page (join with a code) and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.limits import failed_attempt_limit
from web.locale import LANGUAGES
from assessment.participation import find_session_by_code
from forms.join import CodeForm

bp = Blueprint("main", __name__)


@bp.route("/", methods=["GET", "POST"])
@failed_attempt_limit("JOIN_RATE_LIMIT", scope="join-code", methods=["POST"])
def index():
    form = CodeForm()
    if form.validate_on_submit():
        session = find_session_by_code(form.code.data)
        if not session.is_locked:
            return redirect(url_for("participate.join", code=session.join_code))
        form.code.errors.append(locked_message())
        return render_template("index.html", form=form), 409
    return render_template("index.html", form=form)


def locked_message() -> str:
    return _("This review is closed: the facilitator has locked it, so no one can join or change "
             "answers any more. If you joined earlier, your personal link still shows your answers.")


@bp.route("/language/<lang>")
def set_language(lang: str):
    target = request.args.get("next") or url_for("main.index")
    # Only local paths: never an open redirect.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        target = url_for("main.index")
    response = redirect(target)
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
