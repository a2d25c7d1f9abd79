"""Setting up: programmes and their review sessions; edit them, and start next year's from last year's."""
from __future__ import annotations

from datetime import date
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from assessment.banks import Bank
from assessment.errors import SessionLocked, UserError
from assessment.extensions import db
from assessment.facilitation import add_carried_proposals
from assessment.i18n import N_, translate
from assessment.models import Answer, Consensus, Participant, Programme, ReviewSession

# The language of what a programme stores for everyone (a session's default title): the
# programmes are Norwegian, whatever language the facilitator who creates a session reads.
PROGRAMME_LANGUAGE = "nb"
FIRST_YEAR, LAST_YEAR = 1, 6


def _programme_fields(name: str, municipality: str, county: str,
                      start_year: int | None) -> dict:
    name = (name or "").strip()
    if not name:
        raise UserError(_l("A programme needs a name."))
    if start_year is not None and not 1990 <= start_year <= 2100:
        raise UserError(_l("A year such as 2024."))
    return {"name": name, "municipality": (municipality or "").strip(),
            "county": (county or "").strip(), "start_year": start_year}


def create_programme(name: str, municipality: str = "", county: str = "",
                     start_year: int | None = None) -> Programme:
    programme = Programme(**_programme_fields(name, municipality, county, start_year))
    db.session.add(programme)
    db.session.commit()
    return programme


def update_programme(programme: Programme, name: str, municipality: str = "", county: str = "",
                     start_year: int | None = None) -> None:
    """Change a programme's name, municipality, county and start year."""
    for key, value in _programme_fields(name, municipality, county, start_year).items():
        setattr(programme, key, value)
    db.session.commit()


def proposed_programme_year(start_year: int | None, meeting_date: date | None) -> int | None:
    """The programme year a meeting falls in: its calendar year minus the start year, plus one,
    kept within 1..6; None without a start year or a date."""
    if start_year is None or meeting_date is None:
        return None
    return min(max(meeting_date.year - start_year + 1, FIRST_YEAR), LAST_YEAR)


def default_bank_id(banks: dict[str, Bank]) -> str | None:
    """The bank a new session starts from: the annual review (psv), or another annual review."""
    if "psv" in banks:
        return "psv"
    return next((b.id for b in banks.values() if b.kind == "annual_review"), None)


def default_title(bank: Bank, programme_year: int) -> str:
    """A session's title when none is given: the bank's and the programme year, "... år 2", in
    the programme's language, so every participant sees the same title."""
    return translate(N_("%(bank)s, year %(year)d"), PROGRAMME_LANGUAGE,
                     bank=bank.title.get(PROGRAMME_LANGUAGE), year=programme_year)


def _check_year(programme_year: int | None) -> None:
    if programme_year is None or not FIRST_YEAR <= programme_year <= LAST_YEAR:
        raise UserError(_l("The programme year must be from 1 to 6."))


def _add_with_join_code(build: Callable[[], ReviewSession]) -> ReviewSession:
    """Add and commit the session `build` makes, drawing another join code on a collision."""
    for _attempt in range(5):
        try:
            session = build()
            db.session.commit()
            return session
        except IntegrityError:  # join code collision: draw another
            db.session.rollback()
    raise RuntimeError("could not draw a free join code")


def _use_bank(session: ReviewSession, bank: Bank) -> None:
    session.bank_id, session.bank_version = bank.id, bank.version
    session.bank_hash, session.bank_snapshot = bank.hash, bank.snapshot


def create_session(programme: Programme, bank: Bank, programme_year: int,
                   meeting_date: date | None = None, title: str = "",
                   state: str = "scoring") -> ReviewSession:
    """A new session that keeps an exact snapshot of `bank`; untitled, it is named by its bank
    and year in the programme's language, whether made in the interface or on the command line."""
    _check_year(programme_year)

    def build() -> ReviewSession:
        session = ReviewSession(
            programme=programme, title=(title or "").strip() or default_title(bank, programme_year),
            programme_year=programme_year, meeting_date=meeting_date, state=state,
            # Before the day nothing is open until the facilitator opens it.
            open_sections=[] if state == "preparation" else None)
        _use_bank(session, bank)
        db.session.add(session)
        return session

    return _add_with_join_code(build)


# ---------------------------------------------------------------- editing a session

def has_answers(session: ReviewSession) -> bool:
    """Whether anyone has answered (or the team agreed on) anything in the session."""
    answered = exists().where(Answer.participant_id == Participant.id,
                              Participant.session_id == session.id)
    agreed = exists().where(Consensus.session_id == session.id)
    return bool(db.session.scalar(select(answered | agreed)))


def update_session(session: ReviewSession, title: str, programme_year: int,
                   meeting_date: date | None, bank: Bank | None = None) -> None:
    """Change a session's title, programme year and date; and its bank (`bank`, when it differs
    from the one the session runs with), only while no one has answered. A blank title becomes
    the default one."""
    if session.is_locked:
        raise SessionLocked()
    _check_year(programme_year)
    if bank is not None and bank.hash != session.bank_hash:
        if has_answers(session):
            raise UserError(_l("The question bank cannot be changed: participants have already "
                               "answered with this one. Create a new session to use another bank."))
        _use_bank(session, bank)
        section_ids = [s.id for s in bank.sections]
        if session.open_sections is not None:
            session.open_sections = [sid for sid in section_ids if sid in session.open_sections]
        session.revealed = [qid for qid in session.revealed or [] if bank.question(qid)]
    session.title = (title or "").strip() or default_title(session.bank, programme_year)
    session.programme_year = programme_year
    session.meeting_date = meeting_date
    db.session.commit()


# ---------------------------------------------------------------- next year's from last year's

def next_year_proposal(previous: ReviewSession) -> tuple[int | None, date | None]:
    """The programme year and date proposed for the session after `previous`: a year later each
    (no year after the last programme year; 29 February becomes the 28th)."""
    year = previous.programme_year + 1 if previous.programme_year < LAST_YEAR else None
    when = previous.meeting_date
    if when is not None:
        when = when.replace(year=when.year + 1, day=min(when.day, 28) if when.month == 2 else when.day)
    return year, when


def session_from_previous(previous: ReviewSession, programme_year: int,
                          meeting_date: date | None = None, title: str = "",
                          newest_bank: Bank | None = None) -> ReviewSession:
    """Next year's session made from `previous`: its bank (`newest_bank`, the newest version of
    the same bank, when given; else the very snapshot `previous` ran with), its open steps and
    divergence rules, its participants with new personal links and no answers, as a fresh
    preparation; and `previous`'s open proposals carried over."""
    _check_year(programme_year)
    if programme_year <= previous.programme_year:
        raise UserError(_l("The new session's programme year must come after the year of the "
                           "session it is made from (%(year)d).", year=previous.programme_year))
    if newest_bank is not None and newest_bank.id != previous.bank_id:
        raise UserError(_l("That is not a version of the same question bank."))
    bank = newest_bank or previous.bank
    people = [(p.name, p.role_group, p.email) for p in previous.participants]
    section_ids = [s.id for s in bank.sections]
    open_sections = [sid for sid in section_ids if sid in (previous.open_sections or [])]

    def build() -> ReviewSession:
        session = ReviewSession(
            programme_id=previous.programme_id, programme_year=programme_year,
            title=(title or "").strip() or default_title(bank, programme_year),
            meeting_date=meeting_date, state="preparation", open_sections=open_sections,
            anonymous=previous.anonymous,
            divergence_rules=dict(previous.divergence_rules) if previous.divergence_rules else None,
            participants=[Participant(name=name, role_group=role, email=email) for name, role, email in people])
        _use_bank(session, bank)
        db.session.add(session)
        db.session.flush()
        add_carried_proposals(session)
        return session

    return _add_with_join_code(build)
