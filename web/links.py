"""Absolute links that people are given: the join link, its QR code and the personal links."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def public_url_for(endpoint: str, **values) -> str:
    """An absolute link on PUBLIC_URL when it is set, whatever Host the request named; else on the
    request's host, which TRUSTED_HOSTS has checked."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
