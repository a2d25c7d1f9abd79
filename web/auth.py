"""Facilitator login and logout, and the facilitator's password: change it, or reset it by e-mail."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from assessment.errors import UserError
from assessment.facilitators import (MIN_PASSWORD_LENGTH, RESET_LINK_SECONDS, authenticate, change_own_password, end_sessions,
                                     facilitator_for_reset, find_facilitator, reset_password, reset_token,
                                     WrongPassword)
from assessment.mailer import MailUnavailable, mail_configured, send_mail
from forms.account import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from forms.facilitate import LoginForm
from web.limits import failed_attempt_limit
from web.links import public_url_for

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


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password for the facilitator logged in; their other sessions end, this one goes on."""
    form = ChangePasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current_password.data, form.new_password.data)
        except WrongPassword as error:
            form.current_password.errors.append(error.message)
        except UserError as error:  # the new one too short
            form.new_password.errors.append(error.message)
        else:
            login_user(current_user)  # the session's id carries the new session version
            flash(_("Your password is changed. Other browsers logged in as you are logged out."), "success")
            return redirect(url_for("facilitate.programmes"))
    return render_template("auth/change_password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status


# Every request for a reset link counts (each may send an e-mail); the answer is the same either way.
@bp.route("/password/forgot", methods=["GET", "POST"])
@failed_attempt_limit("LOGIN_RATE_LIMIT", scope="password-reset", failed_status=200, methods=["POST"])
def forgot_password():
    """Ask for a reset link by e-mail. The page answers the same whether or not the address has an
    account (and whether or not the e-mail could be sent: the log says)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        facilitator = find_facilitator(form.email.data)
        if facilitator is not None and mail_configured():
            link = public_url_for("auth.reset_password_page", token=reset_token(facilitator, current_app.secret_key))
            try:
                send_mail(facilitator.email, _("Reset your password for Statusvurdering"), _(
                    "Someone (we hope you) asked to reset the password of your facilitator account "
                    "on Statusvurdering.\n\nSet a new password here within %(minutes)d minutes:\n%(link)s\n\n"
                    "The link works once. If you did not ask for it, ignore this message: your password "
                    "stays as it is.", minutes=RESET_LINK_SECONDS // 60, link=link))
            except MailUnavailable:
                pass  # logged by send_mail; the answer must not tell that the account exists
        flash(_("If %(email)s has an account, a link to set a new password is on its way. "
                "It works for an hour.", email=form.email.data), "success")
        return render_template("auth/forgot_password.html", form=ForgotPasswordForm(formdata=None),
                               mail_configured=mail_configured()), 200
    return render_template("auth/forgot_password.html", form=form, mail_configured=mail_configured()), (
        422 if request.method == "POST" else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password_page(token: str):
    if facilitator_for_reset(token, current_app.secret_key) is None:
        raise UserError(_("This reset link has expired or has been used. Ask for a new one."))
    form = ResetPasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            reset_password(token, current_app.secret_key, form.new_password.data)
        except UserError as error:
            form.new_password.errors.append(error.message)
        else:
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status
