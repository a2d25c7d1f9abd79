"""Facilitator login and logout."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from assessment.extensions import failed_attempt_limit
from assessment.facilitators import authenticate
from forms.facilitate import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("facilitate.programmes")


@bp.route("/login", methods=["GET", "POST"])
@failed_attempt_limit("LOGIN_RATE_LIMIT", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("facilitate.programmes"))
    form = LoginForm()
    if form.validate_on_submit():
        facilitator = authenticate(form.email.data, form.password.data)
        if facilitator is not None:
            login_user(facilitator)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))
