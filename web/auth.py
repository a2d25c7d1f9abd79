"""Facilitator login and logout."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from web.limits import failed_attempt_limit
from assessment.facilitators import authenticate, end_sessions
from forms.facilitate import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("facilitate.programmes")


@bp.route("/login", methods=["GET", "POST"])
@failed_attempt_limit("LOGIN_RATE_LIMIT", scope="login", failed_status=401, methods=["POST"])
def login():
    """A wrong email or password answers 401 and counts as a failed attempt; a form with a field
    missing answers 422 and does not."""
    if current_user.is_authenticated:
        return redirect(url_for("facilitate.programmes"))
    form = LoginForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        facilitator = authenticate(form.email.data, form.password.data)
        if facilitator is not None:
            login_user(facilitator)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends the session on the server too: a copy of the session cookie stops working."""
    end_sessions(current_user)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))
