"""Setting up: programmes and their review sessions."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from assessment.banks import Bank
from assessment.errors import UserError
from assessment.extensions import db
from assessment.i18n import N_, translate
from assessment.models import Programme, ReviewSession


def create_programme(name: str, municipality: str = "", county: str = "",
                     start_year: int | None = None) -> Programme:
    name = (name or "").strip()
    if not name:
        raise UserError(_l("A programme needs a name."))
    programme = Programme(name=name, municipality=municipality.strip(), county=county.strip(),
                          start_year=start_year)
    db.session.add(programme)
    db.session.commit()
    return programme


def default_title(bank: Bank, programme_year: int, lang: str = "nb") -> str:
    """A session's title when none is given: the bank's and the programme year, "... år 2"."""
    return translate(N_("%(bank)s, year %(year)d"), lang, bank=bank.title.get(lang), year=programme_year)


def create_session(programme: Programme, bank: Bank, programme_year: int,
                   meeting_date: date | None = None, title: str = "",
                   state: str = "scoring", lang: str = "nb") -> ReviewSession:
    """A new session that keeps an exact snapshot of `bank`; untitled, it is named by its year in
    `lang`, whether made in the interface or on the command line."""
    if not 1 <= programme_year <= 6:
        raise UserError(_l("The programme year must be from 1 to 6."))
    for _attempt in range(5):
        session = ReviewSession(
            programme=programme, title=title.strip() or default_title(bank, programme_year, lang),
            bank_id=bank.id, bank_version=bank.version, bank_hash=bank.hash,
            bank_snapshot=bank.snapshot, programme_year=programme_year,
            meeting_date=meeting_date, state=state,
            # Before the day nothing is open until the facilitator opens it.
            open_sections=[] if state == "preparation" else None,
        )
        db.session.add(session)
        try:
            db.session.commit()
            return session
        except IntegrityError:  # join code collision: draw another
            db.session.rollback()
    raise RuntimeError("could not draw a free join code")
