"""The production settings (gunicorn.conf.py), read by a real gunicorn as `gunicorn app:app` reads them."""
from __future__ import annotations

import httpx

from tests.conftest import needs_redis
from tests.servers import Gunicorn

WARNING = "RATELIMIT_STORAGE_URI is memory://"


def serve_once(app, workers: int, storage: str, path: str = "/") -> tuple[int, str]:
    """Start gunicorn with this rate-limit storage, GET one page, stop: (status, what it logged)."""
    with Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=workers,
                  env={"RATELIMIT_STORAGE_URI": storage}) as server:
        status = httpx.get(server.url + path, timeout=10).status_code
    return status, server.log()


def test_several_workers_with_rate_limits_in_memory_warn_the_operator(app):
    status, log = serve_once(app, 2, "memory://")
    assert status == 200
    assert WARNING in log and "2 times looser" in log, log[-2000:]


@needs_redis
def test_rate_limits_in_redis_need_no_warning(app):
    # A failed join code is counted in Redis, shared by both workers: the app answers, not errors.
    status, log = serve_once(app, 2, "redis://127.0.0.1:6379", "/join/NOSUCH")
    assert status == 404
    assert WARNING not in log


def test_one_worker_needs_no_warning(app):
    _status, log = serve_once(app, 1, "memory://")
    assert WARNING not in log
