"""Statusvurdering: the app factory and the entry point (`flask --app app run` or `python app.py`)."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request
from flask.logging import default_handler
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import InternalServerError, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from assessment.extensions import babel, csrf, db, limiter, login_manager, migrate
from assessment.labels import PRIORITY_LABELS, STATE_LABELS, STATUS_LABELS, label
from assessment.locale import current_language, install_template_gettext, select_locale

def database_url(instance_path: str) -> str:
    """DATABASE_URL if set (postgresql:// gets the psycopg 3 driver), else a SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'statusvurdering.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY if set, else one kept in instance/ so every worker process shares it."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


# The names this machine answers to itself. Werkzeug 3.1 cannot match an IPv6 address in a Host
# header ("[::1]:5000") against TRUSTED_HOSTS, so ::1 is not listed: use a name.
LOCAL_HOSTS = ["localhost", "127.0.0.1"]


def trusted_hosts(public_url: str) -> list[str]:
    """The Host headers served when TRUSTED_HOSTS is not set: PUBLIC_URL's host, and this machine's
    names (for a health check or `make run`)."""
    host = urlsplit(public_url).hostname if public_url else None
    return [host, *LOCAL_HOSTS] if host and host not in LOCAL_HOSTS else list(LOCAL_HOSTS)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        BABEL_DEFAULT_LOCALE="nb",
        BABEL_DEFAULT_TIMEZONE="Europe/Oslo",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
        WTF_CSRF_TIME_LIMIT=None,  # a workshop lasts all day; the token lives with the session cookie
        WTF_I18N_ENABLED=False,  # forms/base.py uses WTForms' own translations
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        PUBLIC_URL=os.environ.get("PUBLIC_URL", "").rstrip("/"),
        # The Host names served (comma-separated; by default PUBLIC_URL's and this machine's, below):
        # no page is built on a forged Host header.
        TRUSTED_HOSTS=[h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # If Redis is down, count in this process's memory (and log a warning) rather than fail.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_HEADERS_ENABLED=True,
        LOGIN_RATE_LIMIT="10 per minute",   # failed logins per address
        JOIN_RATE_LIMIT="20 per minute",    # wrong join codes or links per address
    )
    if config:
        app.config.from_mapping(config)
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PUBLIC_URL"])
    if "SQLALCHEMY_ENGINE_OPTIONS" not in (config or {}):
        # A database server can drop a pooled connection (a restart, an idle timeout): test it before
        # use. A SQLite file cannot, and the test would cost every request one more statement.
        sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {} if sqlite else {"pool_pre_ping": True}
    if "SECRET_KEY" not in (config or {}):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if os.environ.get("BEHIND_PROXY") == "1":
        # Behind one reverse proxy (nginx, a load balancer): the client's address and scheme
        # come from X-Forwarded-For/-Proto, so rate limits count people, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # Flask-Limiter's warnings (its store unreachable) go where the app's own log goes.
    logging.getLogger("flask-limiter").addHandler(default_handler)

    from assessment import access, models  # noqa: F401 (user loader; tables for migrations)
    from assessment.cli import register_cli
    from assessment.links import public_url_for
    from assessment.markup import render_markdown
    from forms.question_html import render_question
    from assessment.views import auth, discussion, exports, facilitate, main, participate

    app.register_blueprint(main.bp)
    app.register_blueprint(participate.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(facilitate.bp)
    app.register_blueprint(discussion.bp)
    app.register_blueprint(exports.bp)
    register_cli(app)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["format_date_long"] = lambda value: format_date(value, format="long")
    app.jinja_env.filters["format_datetime_short"] = lambda value: format_datetime(value, format="short")
    app.jinja_env.globals.update(
        current_language=current_language,
        format_decimal=format_decimal,
        state_label=lambda key: label(STATE_LABELS, key),
        status_label=lambda key: label(STATUS_LABELS, key),
        priority_label=lambda key: label(PRIORITY_LABELS, key),
        has_exports=lambda: "exports" in app.blueprints,
        render_question=render_question,  # the step page's questions (macros.html, cached)
        public_url_for=public_url_for,
    )
    register_error_handlers(app)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.after_request(commit_read_only_requests)
    return app


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
    Flask-SQLAlchemy's teardown sends. The same for the data, but on PostgreSQL a rollback also makes
    psycopg forget the connection's prepared statements, so the statements every participant request
    runs were never prepared. Committed, they are prepared from their fifth run on a connection, and
    PostgreSQL's CPU per request fell by a third in the 100-participant benchmark (BENCHMARKS.md)."""
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


def register_error_handlers(app: Flask) -> None:
    from assessment.sessions import UserError

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


app = create_app()

if __name__ == "__main__":
    app.run()
