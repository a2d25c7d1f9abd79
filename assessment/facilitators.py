"""Facilitator accounts and who may see which programme."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.models import Facilitator, Programme, ProgrammeAccess
from assessment.sessions import UserError

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_facilitator(email: str) -> Facilitator | None:
    return db.session.scalar(select(Facilitator).filter(
        func.lower(Facilitator.email) == normalise_email(email)))


def create_facilitator(email: str, password: str, name: str = "") -> Facilitator:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise UserError(_l("Write a valid email address."))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(_l("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    if find_facilitator(email):
        raise UserError(_l("There is already an account with that email address."))
    facilitator = Facilitator(email=email, name=name.strip())
    facilitator.set_password(password)
    db.session.add(facilitator)
    db.session.commit()
    return facilitator


def authenticate(email: str, password: str) -> Facilitator | None:
    facilitator = find_facilitator(email)
    if facilitator is None or not facilitator.check_password(password or ""):
        return None
    return facilitator


def grant_access(programme: Programme, facilitator: Facilitator, owner: bool = False) -> None:
    exists = db.session.scalar(select(ProgrammeAccess).filter_by(
        programme_id=programme.id, facilitator_id=facilitator.id))
    if exists is None:
        db.session.add(ProgrammeAccess(programme_id=programme.id, facilitator_id=facilitator.id,
                                       is_owner=owner))
        db.session.commit()


def share_programme(programme: Programme, email: str) -> Facilitator:
    facilitator = find_facilitator(email)
    if facilitator is None:
        raise UserError(_l("No facilitator has an account with that email address."))
    grant_access(programme, facilitator)
    return facilitator
