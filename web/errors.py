"""Error pages: every error a user can meet is our page, in their language, with a 4xx or 500."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import InternalServerError, SecurityError

from assessment.errors import UserError
from assessment.extensions import db


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserError)
    def user_error(error: UserError):
        return render_template("error.html", message=error.message), error.status_code

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _("The page had expired. Go back, reload the page and try again; "
                    "what was already saved is kept.")
        return render_template("error.html", message=message), 400

    @app.errorhandler(429)
    def too_many(_error):
        message = _("Too many attempts from your address. Wait a minute and try again.")
        return render_template("error.html", message=message), 429

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        """A Host header not in TRUSTED_HOSTS: no link can be built for it, so plain text."""
        message = _("This server does not answer to that address. Use the link or the address "
                    "the facilitator gave you.")
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    messages = {
        400: _l("The request could not be understood. Go back and try again; what was already "
                "saved is kept."),
        403: _l("You do not have access to this page."),
        404: _l("Page not found."),
        405: _l("That is not allowed here."),
        409: _l("That cannot be done now: something changed meanwhile. Go back, reload the page "
                "and try again."),
        413: _l("The upload is too large."),
    }

    def http_error(error):
        # A message given with abort() is written for the user; the defaults are generic.
        message = error.description if error.description != type(error).description else messages[error.code]
        return render_template("error.html", message=message), error.code

    for code in messages:
        app.register_error_handler(code, http_error)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        """A bug or an outage: our page, or the message in plain text if even the page fails (it
        asks the database who is logged in)."""
        message = _("Something went wrong on our side. What was already saved is kept; "
                    "try again in a minute.")
        try:
            db.session.rollback()  # a failed statement would fail the page's own queries
            return render_template("error.html", message=message), 500
        except Exception:
            app.logger.exception("The error page failed too")
            return message, 500, {"Content-Type": "text/plain; charset=utf-8"}
