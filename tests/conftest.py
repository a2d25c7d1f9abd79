"""Fixtures: the app on a fresh real database (a SQLite file, or PostgreSQL when DATABASE_URL is
set), a test client that speaks HTTP with CSRF tokens like a browser, and a CLI runner."""
from __future__ import annotations

import contextvars
import os
import shutil
import socket
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import text

from app import create_app
from assessment import models
from assessment.extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("DATABASE_URL", "").strip()


def _app_config(database_uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "PUBLIC_URL": "http://localhost",
    }


def _postgres_uri() -> str:
    url = POSTGRES_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# Tests that start servers, browsers, threads or benchmarks: `make test-fast` leaves them out.
SLOW_MODULES = {"test_resilience", "test_production_server", "test_load_benchmark_smoke",
                "test_profile_step_smoke", "test_export_benchmark_smoke", "test_property_inputs",
                "test_workbook_pdf", "test_bank_workbook_property"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not redis_is_running(), reason="needs Redis on 127.0.0.1:6379")


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context (no context variables set), as in production, even
    while the test holds an app context: it gets its own `g` and database session."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)


@pytest.fixture(autouse=True)
def cheap_password_hashes(request, monkeypatch):
    """Passwords hashed with one round of PBKDF2: scrypt's 0.1 s a hash is the point in production
    and only slows the tests (a stored hash names its own method, so checking follows). A test
    marked `production_passwords` hashes as production does."""
    if not request.node.get_closest_marker("production_passwords"):
        monkeypatch.setattr(models, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """Run the real migrations once: into a template SQLite file, or into PostgreSQL."""
    if POSTGRES_URL:
        uri = _postgres_uri()
        app = create_app(_app_config(uri))
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            db.engine.dispose()
        return uri
    template = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app(_app_config(f"sqlite:///{template}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return str(template)


@pytest.fixture(scope="session")
def template_bytecode(tmp_path_factory) -> FileSystemBytecodeCache:
    """Compiled templates shared by the tests' apps: each test makes a new app, and compiling the
    templates anew took a third of a typical test's time."""
    return FileSystemBytecodeCache(str(tmp_path_factory.mktemp("jinja")))


@pytest.fixture
def app(migrated_database, tmp_path, template_bytecode):
    if POSTGRES_URL:
        uri = migrated_database
    else:
        path = tmp_path / "test.sqlite"
        shutil.copy(migrated_database, path)
        uri = f"sqlite:///{path}"
    app = create_app(_app_config(uri))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = template_bytecode
    with app.app_context():
        limiter.reset()  # rate limits start afresh for every test
    yield app
    with app.app_context():
        if POSTGRES_URL:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context, for calling the domain directly and reading the database."""
    with app.app_context():
        yield


@pytest.fixture
def banks_dir(app, tmp_path):
    """A private copy of the shipped banks that a test may edit."""
    folder = tmp_path / "banks"
    shutil.copytree(ROOT / "question_banks", folder)
    app.config["BANKS_DIR"] = str(folder)
    return folder


@pytest.fixture
def mini(app, ctx):
    """A session run with tests/banks/mini.yaml, a small bank with every question type."""
    from tests.helpers import make_session

    app.config["BANKS_DIR"] = str(ROOT / "tests" / "banks")
    return make_session("mini", year=2)


@pytest.fixture
def smtp(app):
    """A real SMTP server in this process (aiosmtpd) that the app sends its e-mail to; `.messages`
    holds what arrived, parsed (email.message.EmailMessage)."""
    import email
    from email import policy

    from aiosmtpd.controller import Controller

    from assessment.extensions import mail
    from tests.servers import free_port

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, _server, _session, envelope):
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings when it is initialised
    yield inbox
    controller.stop()
