"""Facilitator accounts and who may see which programme."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.extensions import db
from assessment import models
from assessment.models import CountyAccess, Facilitator, Programme, ProgrammeAccess
from assessment.errors import UserError

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_facilitator(email: str) -> Facilitator | None:
    return db.session.scalar(select(Facilitator).filter(
        func.lower(Facilitator.email) == normalise_email(email)))


def create_facilitator(email: str, password: str, name: str = "", viewer: bool = False) -> Facilitator:
    """A new account: a facilitator, or a viewer (read-only, never sees participants' names)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise UserError(_l("Write a valid email address."))
    _check_password_length(password)
    if find_facilitator(email):
        raise UserError(_l("There is already an account with that email address."))
    facilitator = Facilitator(email=email, name=name.strip(), role="viewer" if viewer else "facilitator")
    facilitator.set_password(password)
    db.session.add(facilitator)
    db.session.commit()
    return facilitator


def _check_password_length(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(_l("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))


def authenticate(email: str, password: str) -> Facilitator | None:
    """The facilitator with this email and password, or None. Without an account the password is
    still checked, against a hash of nothing, so the answer takes as long either way and does not
    tell which email addresses have an account."""
    facilitator = find_facilitator(email)
    if facilitator is None:
        check_password_hash(_no_account_hash(models.PASSWORD_HASH_METHOD), password or "")
        return None
    return facilitator if facilitator.check_password(password or "") else None


@cache
def _no_account_hash(method: str) -> str:
    """A hash made as the accounts' are (same method and cost) of a password nobody knows."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def end_sessions(facilitator: Facilitator) -> None:
    """Log the facilitator out everywhere: every session cookie issued so far stops working."""
    facilitator.session_version = Facilitator.session_version + 1  # in SQL: two at once both count
    db.session.commit()


def change_password(facilitator: Facilitator, password: str) -> None:
    """A new password; the sessions logged in with the old one end."""
    _check_password_length(password)
    facilitator.set_password(password)
    end_sessions(facilitator)


class WrongPassword(UserError):
    status_code = 422


def change_own_password(facilitator: Facilitator, current: str, new: str) -> None:
    """The facilitator's own change: the current password must be right."""
    if not facilitator.check_password(current or ""):
        raise WrongPassword(_l("The current password is not right."))
    change_password(facilitator, new)


# A reset link: signed with the app's secret, valid for an hour, and only while the password is the
# one it was made for (a fingerprint of its hash is in the link), so it works once.
RESET_LINK_SECONDS = 3600
_RESET_SALT = "password-reset"


def _fingerprint(facilitator: Facilitator) -> str:
    return hashlib.sha256(facilitator.password_hash.encode()).hexdigest()[:16]


def reset_token(facilitator: Facilitator, secret_key: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT).dumps(
        {"id": facilitator.id, "password": _fingerprint(facilitator)})


def facilitator_for_reset(token: str, secret_key: str) -> Facilitator | None:
    """The facilitator a reset link is for, or None if it is forged, older than an hour or used."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_RESET_SALT).loads(token, max_age=RESET_LINK_SECONDS)
    except BadSignature:  # SignatureExpired is one
        return None
    facilitator = db.session.get(Facilitator, data.get("id")) if isinstance(data, dict) else None
    if facilitator is None or not secrets.compare_digest(_fingerprint(facilitator), str(data.get("password"))):
        return None
    return facilitator


def reset_password(token: str, secret_key: str, new: str) -> Facilitator:
    facilitator = facilitator_for_reset(token, secret_key)
    if facilitator is None:
        raise UserError(_l("This reset link has expired or has been used. Ask for a new one."))
    change_password(facilitator, new)
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
    if facilitator.is_viewer:
        raise UserError(_l("That account is a viewer's: share the programme read-only."))
    grant_access(programme, facilitator)
    return facilitator


def share_read_only(programme: Programme, email: str) -> Facilitator:
    """Give an existing account read-only access to the programme (a grant it has already stays)."""
    account = find_facilitator(email)
    if account is None:
        raise UserError(_l("No account has that email address. Create a viewer account first "
                           "(flask facilitator create --viewer)."))
    exists = db.session.scalar(select(ProgrammeAccess).filter_by(programme_id=programme.id,
                                                                 facilitator_id=account.id))
    if exists is not None and not exists.read_only:
        raise UserError(_l("That account can already change the programme."))
    if exists is None:
        db.session.add(ProgrammeAccess(programme_id=programme.id, facilitator_id=account.id, read_only=True))
        db.session.commit()
    return account


def grant_county(account: Facilitator, county: str) -> None:
    """Read-only access to every programme whose county is `county` (now or later), any case."""
    county = (county or "").strip()
    if not county:
        raise UserError(_l("Write the county."))
    exists = db.session.scalar(select(CountyAccess).filter(
        CountyAccess.facilitator_id == account.id, func.lower(CountyAccess.county) == county.lower()))
    if exists is None:
        db.session.add(CountyAccess(facilitator_id=account.id, county=county))
        db.session.commit()
