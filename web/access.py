"""Who may see and do what, in one place. A facilitator sees the programmes they own or were given
access to. A viewer (an account with role "viewer", a read-only grant, or a county's grant) sees
results, conclusions, proposals and exports, never participants' names, and changes nothing: a
read-only request reaches only the pages in VIEWER_PAGES, by GET; anything else answers 403."""
from __future__ import annotations

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, bindparam, func, or_, select

from assessment.extensions import db, login_manager
from assessment.models import CountyAccess, Facilitator, Programme, ProgrammeAccess, ReviewSession

login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

# The pages a read-only user may open (GET only). A page not listed is refused: new pages are
# closed to viewers until someone decides they show no names and change nothing.
VIEWER_PAGES = frozenset({
    "facilitate.programmes", "facilitate.programme", "facilitate.session",
    "discussion.dashboard", "discussion.live", "discussion.agenda", "discussion.indicator",
    "discussion.answers", "discussion.proposals", "discussion.follow_up",
    "exports.index", "exports.workbook", "exports.report", "exports.report_md", "exports.report_word",
    "exports.as_json", "exports.as_csv",
    "portfolio.portfolio", "portfolio.programme", "portfolio.export", "banks.session_bank",
})


@login_manager.user_loader
def load_facilitator(session_id: str) -> Facilitator | None:
    """The facilitator of a session id from Facilitator.get_id(), if their session version is still
    the same (not since logged out); None sends the browser to the login page."""
    user_id, _colon, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    facilitator = db.session.get(Facilitator, int(user_id))
    return facilitator if facilitator is not None and facilitator.session_version == int(version) else None


def _county_grant():
    """Join condition: the user (a parameter) has a county grant for the programme's county."""
    return and_(CountyAccess.facilitator_id == bindparam("facilitator_id"), Programme.county != "",
                func.lower(CountyAccess.county) == func.lower(Programme.county))


def _programme_grant():
    return and_(ProgrammeAccess.programme_id == Programme.id,
                ProgrammeAccess.facilitator_id == bindparam("facilitator_id"))


def visible_programmes_query(facilitator: Facilitator):
    """Every programme the user may see (their own grants and their counties'), as a select."""
    return (select(Programme).outerjoin(ProgrammeAccess, _programme_grant())
            .outerjoin(CountyAccess, _county_grant())
            .where(or_(ProgrammeAccess.id.is_not(None), CountyAccess.id.is_not(None)))
            .params(facilitator_id=facilitator.id).distinct())


def visible_programmes(facilitator: Facilitator) -> list[Programme]:
    return list(db.session.scalars(visible_programmes_query(facilitator).order_by(Programme.name)))


def can_change_programmes() -> bool:
    """Whether the logged-in user may create programmes (viewers may not)."""
    return current_user.is_authenticated and not current_user.is_viewer


def read_only() -> bool:
    """Whether this request's programme is read-only for the user (set by the _or_404 functions);
    templates hide forms and names with it, and exports leave names out."""
    return bool(g.get("read_only", False)) or (current_user.is_authenticated and current_user.is_viewer)


def require_change_rights() -> None:
    """403 for a viewer account: for the actions that belong to no programme yet (create one)."""
    if current_user.is_viewer:
        abort(403)


def _admit(programme_grant_read_only: bool | None, county_grant: int | None) -> None:
    """404 without any grant (no hint the thing exists); 403 when the grant is read-only and the
    request is not a GET of a viewer's page."""
    if programme_grant_read_only is None and county_grant is None:
        abort(404)
    limited = current_user.is_viewer or (programme_grant_read_only is None) or programme_grant_read_only
    g.read_only = limited
    if limited and (request.method not in ("GET", "HEAD") or request.endpoint not in VIEWER_PAGES):
        abort(403)


def programme_or_404(programme_id: int) -> Programme:
    """The programme, if the logged-in user may see it; 404 otherwise, 403 for a viewer's change."""
    row = db.session.execute(_PROGRAMME_WITH_ACCESS,
                             {"programme_id": programme_id, "facilitator_id": current_user.id}).first()
    if row is None:
        abort(404)
    _admit(row[1], row[2])
    return row[0]


def session_or_404(session_id: int) -> ReviewSession:
    """The session, if the logged-in user may see its programme; 404 otherwise, 403 for a viewer's
    change. One query (the live dashboard asks twice a second)."""
    row = db.session.execute(_SESSION_WITH_ACCESS,
                             {"session_id": session_id, "facilitator_id": current_user.id}).first()
    if row is None:
        abort(404)
    _admit(row[1], row[2])
    return row[0]


_PROGRAMME_WITH_ACCESS = (select(Programme, ProgrammeAccess.read_only, CountyAccess.id)
                          .outerjoin(ProgrammeAccess, _programme_grant())
                          .outerjoin(CountyAccess, _county_grant())
                          .where(Programme.id == bindparam("programme_id")).limit(1))
_SESSION_WITH_ACCESS = (select(ReviewSession, ProgrammeAccess.read_only, CountyAccess.id)
                        .join(Programme, Programme.id == ReviewSession.programme_id)
                        .outerjoin(ProgrammeAccess, _programme_grant())
                        .outerjoin(CountyAccess, _county_grant())
                        .where(ReviewSession.id == bindparam("session_id")).limit(1))
