"""Rate limits on failed attempts: wrong join codes, unknown personal links, wrong passwords."""
from __future__ import annotations

from flask import current_app, request

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
