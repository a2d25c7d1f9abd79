"""Request hooks: what every request is checked for, and what every response carries."""
from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _

from assessment.extensions import db


def register_hooks(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.after_request(commit_read_only_requests)
    app.context_processor(_access_context)


def _access_context() -> dict:
    """`read_only` in every template: a viewer's pages hide forms and names (web/access.py decides)."""
    from web.access import read_only

    return {"read_only": read_only()}


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def refuse_nul_characters():
    """No browser sends a NUL character, and PostgreSQL cannot store one: refuse it with a 400."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                         "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400, _("The request contained a character that cannot be stored (NUL). "
                     "Nothing was changed."))


def commit_read_only_requests(response):
    """A GET only reads: end its transaction with COMMIT rather than the ROLLBACK that
    Flask-SQLAlchemy's teardown sends. The data is the same, but a rollback makes psycopg forget the
    connection's prepared statements, so PostgreSQL would plan every participant query afresh."""
    if (request.method in ("GET", "HEAD") and response.status_code < 400
            and db.session.registry.has() and db.session().in_transaction()):
        db.session.commit()
    return response


def add_security_headers(response):
    """No inline script, no framing, no sniffing; personal links never leak in a Referer. No page or
    download is stored by a browser or proxy (a shared computer's back button, a cache): only the
    static files may be."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
