"""Who may see what: a facilitator sees the programmes they own or were given access to."""
from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select

from assessment.extensions import db, login_manager
from assessment.models import Facilitator, Programme, ProgrammeAccess, ReviewSession

login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_facilitator(session_id: str) -> Facilitator | None:
    """The facilitator of a session id from Facilitator.get_id(), if their session version is still
    the same (not since logged out); None sends the browser to the login page."""
    user_id, _colon, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    facilitator = db.session.get(Facilitator, int(user_id))
    return facilitator if facilitator is not None and facilitator.session_version == int(version) else None


def visible_programmes(facilitator: Facilitator) -> list[Programme]:
    return list(db.session.scalars(
        select(Programme).join(ProgrammeAccess).filter(ProgrammeAccess.facilitator_id == facilitator.id)
        .order_by(Programme.name)))


def programme_or_404(programme_id: int) -> Programme:
    """The programme, if the logged-in facilitator may see it; 404 otherwise (no hint it exists)."""
    programme = db.session.scalar(_PROGRAMME_WITH_ACCESS,
                                  {"programme_id": programme_id, "facilitator_id": current_user.id})
    if programme is None:
        abort(404)
    return programme


def session_or_404(session_id: int) -> ReviewSession:
    """The session, if the logged-in facilitator may see its programme; 404 otherwise. One query
    (the live dashboard asks twice a second): the programme is loaded only if a page shows it."""
    session = db.session.scalar(_SESSION_WITH_ACCESS,
                                {"session_id": session_id, "facilitator_id": current_user.id})
    if session is None:
        abort(404)
    return session


def _access_to(programme_id):
    """Join condition: the logged-in facilitator (a parameter) has access to this programme id."""
    return ((ProgrammeAccess.programme_id == programme_id)
            & (ProgrammeAccess.facilitator_id == bindparam("facilitator_id")))


_PROGRAMME_WITH_ACCESS = (select(Programme).join(ProgrammeAccess, _access_to(Programme.id))
                          .where(Programme.id == bindparam("programme_id")))
_SESSION_WITH_ACCESS = (select(ReviewSession).join(ProgrammeAccess, _access_to(ReviewSession.programme_id))
                        .where(ReviewSession.id == bindparam("session_id")))
