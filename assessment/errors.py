"""Errors a user can cause: each carries a message for them and the HTTP status it becomes."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class UserError(Exception):
    """Something a user asked for that cannot be done; the message is shown to them."""

    status_code = 400

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = message


class SessionLocked(UserError):
    status_code = 409

    def __init__(self):
        super().__init__(_l("This session is locked by the facilitator. Answers can no longer be changed."))


class NotFound(UserError):
    status_code = 404
