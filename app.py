"""Statusvurdering: the app factory and the entry point (`flask --app app run` or `python app.py`)."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.logging import default_handler
from flask_babel import format_date, format_datetime, format_decimal
from werkzeug.middleware.proxy_fix import ProxyFix

from assessment.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from assessment.labels import (DIVERGENCE_REASON_LABELS, PRIORITY_LABELS, ROLE_LABELS, ROLE_SHORT_LABELS,
                               STATE_LABELS, STATUS_LABELS)
from web import template_gettext
from web.locale import current_language, label_for, select_locale

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
        # Outgoing e-mail (invitations, password resets) through this SMTP server; none when unset.
        MAIL_SERVER=os.environ.get("MAIL_SERVER", ""),
        MAIL_PORT=int(os.environ.get("MAIL_PORT") or 587),
        MAIL_USE_TLS=os.environ.get("MAIL_USE_TLS", "1") == "1",
        MAIL_USE_SSL=os.environ.get("MAIL_USE_SSL", "") == "1",
        MAIL_USERNAME=os.environ.get("MAIL_USERNAME") or None,
        MAIL_PASSWORD=os.environ.get("MAIL_PASSWORD") or None,
        MAIL_DEFAULT_SENDER=os.environ.get("MAIL_DEFAULT_SENDER", "statusvurdering@localhost"),
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
    template_gettext.install(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    # Flask-Limiter's warnings (its store unreachable) go where the app's own log goes.
    logging.getLogger("flask-limiter").addHandler(default_handler)

    from assessment import models  # noqa: F401 (tables for migrations)
    from assessment.cli import register_cli
    from assessment.markup import render_markdown
    from forms.question_html import render_question
    from web import access, auth, banks, discussion, exports, facilitate, main, participate, portfolio, presenter  # noqa: F401 (access: the user loader)
    from web.errors import register_error_handlers
    from web.hooks import register_hooks
    from web.links import public_url_for

    app.register_blueprint(main.bp)
    app.register_blueprint(participate.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(facilitate.bp)
    app.register_blueprint(discussion.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(presenter.bp)
    app.register_blueprint(banks.bp)
    app.register_blueprint(portfolio.bp)
    register_cli(app)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["divergence_reason"] = lambda key: label_for(DIVERGENCE_REASON_LABELS, key)
    app.jinja_env.filters["format_date_long"] = lambda value: format_date(value, format="long")
    app.jinja_env.filters["format_datetime_short"] = lambda value: format_datetime(value, format="short")
    app.jinja_env.globals.update(
        current_language=current_language,
        format_decimal=format_decimal,
        state_label=lambda key: label_for(STATE_LABELS, key),
        status_label=lambda key: label_for(STATUS_LABELS, key),
        priority_label=lambda key: label_for(PRIORITY_LABELS, key),
        role_label=lambda key: label_for(ROLE_LABELS, key),
        role_short_label=lambda key: label_for(ROLE_SHORT_LABELS, key),
        render_question=render_question,  # a step page's question, by its type's macro
        public_url_for=public_url_for,
    )
    register_error_handlers(app)
    register_hooks(app)
    return app


app = create_app()

if __name__ == "__main__":
    app.run()
