"""Production settings for gunicorn, which reads this file from the working directory:
`gunicorn app:app`. Options on the command line win; WEB_CONCURRENCY and GUNICORN_THREADS override.

One gthread worker per core (gthread keeps idle keep-alive connections off the thread), one thread
each: the fastest with the database on the same machine (BENCHMARKS.md, design decisions). With the
database on another machine, raise GUNICORN_THREADS to cover its round trips. Slow clients are the
reverse proxy's to buffer (README, HTTPS)."""
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
backlog = 2048  # a workshop's participants press Next at the same moment


def when_ready(server):
    """Rate limits (failed join codes and logins) counted in process memory are counted per worker:
    with several workers they are that many times looser. Say so where the operator looks."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "RATELIMIT_STORAGE_URI is memory://: each of the %d worker processes counts failed join "
            "codes and logins on its own, so the limits are %d times looser. Set "
            "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (or another shared store).",
            server.cfg.workers, server.cfg.workers)
