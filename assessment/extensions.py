"""Flask extension objects, created once and bound to the app in create_app()."""
from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
# Storage from RATELIMIT_STORAGE_URI: memory:// by default, redis://... when several processes serve.
limiter = Limiter(key_func=get_remote_address)


# The views with a limit (below). Every other request skips the limiter's checks: see _unlimited_view.
_limited_views: set = set()


def failed_attempt_limit(setting: str, scope: str, failed_status: int = 404,
                         methods: list[str] | None = None):
    """A route decorator: a limit read from the app's config, shared by every view with the same
    scope, counting only responses with `failed_status` (a wrong code, link or password; not a form
    with a field missing). Put it under the route decorator."""
    def decorate(view):
        limited = limiter.shared_limit(lambda: current_app.config[setting], scope=scope, methods=methods,
                                       deduct_when=lambda response: response.status_code == failed_status)(view)
        _limited_views.add(limited)
        return limited
    return decorate


@limiter.request_filter
def _unlimited_view() -> bool:
    """No default limits are set, so only the views decorated above have any. Flask-Limiter would
    still resolve the limits of every request (0.05 ms, 3-5 % of a participant's step page)."""
    return current_app.view_functions.get(request.endpoint) not in _limited_views


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL and a busy timeout let many participants save at once on SQLite."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
