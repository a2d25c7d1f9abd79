"""Who may see what: a facilitator sees the programmes they own or were given access to."""
from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from assessment.extensions import db, login_manager
from assessment.models import Facilitator, Programme, ProgrammeAccess, ReviewSession

login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_facilitator(user_id: str) -> Facilitator | None:
    return db.session.get(Facilitator, int(user_id)) if user_id.isdigit() else None


def can_access(facilitator: Facilitator, programme: Programme) -> bool:
    return db.session.scalar(select(ProgrammeAccess.id).filter_by(
        programme_id=programme.id, facilitator_id=facilitator.id)) is not None


def visible_programmes(facilitator: Facilitator) -> list[Programme]:
    return list(db.session.scalars(
        select(Programme).join(ProgrammeAccess).filter(ProgrammeAccess.facilitator_id == facilitator.id)
        .order_by(Programme.name)))


def programme_or_404(programme_id: int) -> Programme:
    """The programme, if the logged-in facilitator may see it; 404 otherwise (no hint it exists)."""
    programme = db.session.get(Programme, programme_id)
    if programme is None or not can_access(current_user, programme):
        abort(404)
    return programme


def session_or_404(session_id: int) -> ReviewSession:
    session = db.session.get(ReviewSession, session_id)
    if session is None or not can_access(current_user, session.programme):
        abort(404)
    return session
