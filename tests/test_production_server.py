"""The production settings (gunicorn.conf.py), read by a real gunicorn as `gunicorn app:app` reads them."""
from __future__ import annotations

import httpx

from tests.servers import Gunicorn

WARNING = "RATELIMIT_STORAGE_URI is memory://"


def test_several_workers_with_rate_limits_in_memory_warn_the_operator(app):
    server = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2,
                      env={"RATELIMIT_STORAGE_URI": "memory://"}).start()
    try:
        assert httpx.get(server.url + "/", timeout=10).status_code == 200
    finally:
        server.stop()
    log = server.log()
    assert WARNING in log and "2 times looser" in log, log[-2000:]


def test_rate_limits_in_redis_need_no_warning(app):
    server = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2,
                      env={"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}).start()
    try:
        # A failed join code is counted in Redis, shared by both workers: the app answers, not errors.
        assert httpx.get(server.url + "/join/NOSUCH", timeout=10).status_code == 404
    finally:
        server.stop()
    assert WARNING not in server.log()


def test_one_worker_needs_no_warning(app):
    server = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=1,
                      env={"RATELIMIT_STORAGE_URI": "memory://"}).start()
    server.stop()
    assert WARNING not in server.log()
