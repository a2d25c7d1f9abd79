"""Rate limits on failed attempts: wrong join codes, unknown personal links, wrong passwords."""
from __future__ import annotations

from flask import abort, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from assessment.extensions import limiter

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
    """No default limits are set, so only the views decorated above have any: every other request
    skips the limiter's work."""
    return current_app.view_functions.get(request.endpoint) not in _limited_views


def count_failed_attempt(setting: str, scope: str) -> None:
    """Count one failed attempt in `scope` after the fact, and answer 429 once the budget is spent.

    For the personal links: only an unknown link reaches the limiter's store, so a participant at
    work costs it nothing (a decorated view tests the store on every request: a tenth of a form
    step, BENCHMARKS.md) and is never locked out by a neighbour's typos on a shared address. With
    192-bit tokens the budget keeps scanners away rather than guessers. If the store cannot be
    reached the attempt is let through, as Flask-Limiter does with RATELIMIT_SWALLOW_ERRORS."""
    try:
        allowed = limiter.limiter.hit(parse(current_app.config[setting]), scope, get_remote_address())
    except Exception:  # noqa: BLE001 (any storage error: redis, a timeout)
        current_app.logger.warning("Rate limit storage unreachable: failed attempt in %s not counted", scope)
        return
    if not allowed:
        abort(429)
