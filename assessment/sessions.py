"""What a facilitator and a participant can do to a review session: state changes with their checks.

Each function checks, changes and commits once. Errors a user can cause are UserError subclasses
with a message a user can read; the app turns them into a 4xx page.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from assessment.banks import Bank, Question, Section
from assessment.extensions import db
from assessment.question_types import clean_text
from assessment.rules import missing_required
from assessment.models import (ROLE_GROUPS, Answer, Participant, ParticipantRules, Programme, ReviewSession,
                               SessionRules, utcnow)


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


# ---------------------------------------------------------------- programmes and sessions

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


def create_session(programme: Programme, bank: Bank, programme_year: int,
                   meeting_date: date | None = None, title: str = "",
                   state: str = "scoring") -> ReviewSession:
    """A new session that keeps an exact snapshot of `bank`."""
    if not 1 <= programme_year <= 6:
        raise UserError(_l("The programme year must be from 1 to 6."))
    for _attempt in range(5):
        session = ReviewSession(
            programme=programme, title=title.strip() or bank.title.get("nb"),
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


# ---------------------------------------------------------------- the participant pages' read model

# The statements a participant's every request runs are built once, with bound parameters: building
# one costs as much as running it. Participant, session and programme are read as plain rows: ORM
# objects for the three cost twice as much to load, on every request of every participant.
_READ_COLUMNS = {
    "participant": list(Participant.__table__.c),
    "session": [c for c in ReviewSession.__table__.c if c.key != "bank_snapshot"],  # large, cached
    "programme": list(Programme.__table__.c),
}


def _labelled(*parts: str) -> list:
    return [column.label(f"{part}__{column.key}") for part in parts for column in _READ_COLUMNS[part]]


_SESSIONS = ReviewSession.__table__.join(Programme.__table__)
_SESSION_BY_CODE = (select(*_labelled("session", "programme")).select_from(_SESSIONS)
                    .where(ReviewSession.__table__.c.join_code == bindparam("code")))
_PARTICIPANT_BY_TOKEN = (select(*_labelled("participant", "session", "programme"))
                         .select_from(Participant.__table__.join(_SESSIONS))
                         .where(Participant.__table__.c.token == bindparam("token")))
_BANK_SNAPSHOT = select(ReviewSession.bank_snapshot).where(ReviewSession.id == bindparam("session_id"))
_INSERT_PARTICIPANT = insert(Participant.__table__).returning(*Participant.__table__.c)
_ANSWER_ROWS = (
    select(Answer.__table__.c.question_id, Answer.__table__.c.value, Answer.__table__.c.comment,
           Answer.__table__.c.updated_at)
    .where(Answer.__table__.c.participant_id == bindparam("participant_id")))


class ProgrammeRecord(SimpleNamespace):
    """A programme's columns, as the participant pages read them."""


class SessionRecord(SessionRules, SimpleNamespace):
    """A session's columns (all but the bank snapshot, read only when its bank is not cached) and
    its programme, with the same rules as ReviewSession. Read-only: changes go through the ORM."""

    def load_bank_snapshot(self) -> dict[str, Any]:
        return db.session.scalar(_BANK_SNAPSHOT, {"session_id": self.id})


class ParticipantRecord(ParticipantRules, SimpleNamespace):
    """A participant's columns and their session, as the participant pages read them: the attribute
    names of the ORM model, without its loading cost. Read-only: changes go through statements."""


def _parts(row: Row) -> dict[str, dict[str, Any]]:
    """{"session": {column: value}, ...} of a row of _labelled() columns."""
    parts: dict[str, dict[str, Any]] = {part: {} for part in _READ_COLUMNS}
    for label, value in row._mapping.items():
        part, key = label.split("__", 1)
        parts[part][key] = value
    return parts


def _session_record(parts: dict[str, dict[str, Any]]) -> SessionRecord:
    return SessionRecord(**parts["session"], programme=ProgrammeRecord(**parts["programme"]))


def find_session_by_code(code: str) -> SessionRecord:
    """The session a join code belongs to, with its programme, for the join pages."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    row = db.session.execute(_SESSION_BY_CODE, {"code": code}).first() if code else None
    if row is None:
        raise NotFound(_l("No session has that join code. Check the code on the screen and try again."))
    return _session_record(_parts(row))


def find_participant(token: str) -> ParticipantRecord:
    """The participant behind a personal link, with their session and its programme (every page
    shows all three), in one query."""
    row = db.session.execute(_PARTICIPANT_BY_TOKEN, {"token": token}).first() if token else None
    if row is None:
        raise NotFound(_l("This link is not valid. Ask the facilitator for a new one."))
    parts = _parts(row)
    return ParticipantRecord(**parts["participant"], session=_session_record(parts))


# ---------------------------------------------------------------- participants

def join_session(session: ReviewSession | SessionRecord, name: str,
                 role_group: str) -> ParticipantRecord:
    """A new participant in `session` (one INSERT, its row returned: no ORM flush and no reload)."""
    name = " ".join(clean_text(name or "").split())
    if not name:
        raise UserError(_l("Please write your name."))
    if len(name) > 120:
        raise UserError(_l("The name is too long (at most 120 characters)."))
    if role_group not in ROLE_GROUPS:
        raise UserError(_l("Please choose your role."))
    if session.is_locked:
        raise SessionLocked()
    row = db.session.execute(_INSERT_PARTICIPANT, {"session_id": session.id, "name": name,
                                                   "role_group": role_group}).one()
    db.session.commit()
    return ParticipantRecord(**row._mapping, session=session)


def answer_rows(participant: Participant | ParticipantRecord) -> dict[str, Row]:
    """{question id: row with value, comment and updated_at} of everything the participant has
    saved, in one query (plain rows: a step reads them on every request and changes none)."""
    rows = db.session.execute(_ANSWER_ROWS, {"participant_id": participant.id})
    return {row.question_id: row for row in rows}


def stored_answers(participant: Participant | ParticipantRecord,
                   rows: dict[str, Row] | None = None) -> dict[str, tuple[Any, str]]:
    """{question id: (value, comment)} of everything the participant has saved."""
    rows = answer_rows(participant) if rows is None else rows
    return {question_id: (row.value, row.comment) for question_id, row in rows.items()}


def stored_values(participant: Participant | ParticipantRecord) -> dict[str, Any]:
    return {qid: value for qid, (value, _comment) in stored_answers(participant).items()}


def save_step(participant: Participant | ParticipantRecord, section: Section,
              answers: dict[str, tuple[Any, str | None]], next_step: int | None = None,
              existing: dict[str, Row] | None = None) -> None:
    """Store a step's answers (an empty value removes the answer) and where the participant is.
    `existing` is answer_rows() when the caller has just read them (saves a query).

    Only what changed is written, with one statement per kind of change: an upsert, so the same
    step saved twice at once (a double click, two tabs) ends with the last answers and no error."""
    if participant.session.is_locked:
        raise SessionLocked()
    existing = answer_rows(participant) if existing is None else existing
    now = utcnow()
    changed, removed = [], []
    for question_id, (value, comment) in answers.items():
        comment = comment or ""
        row = existing.get(question_id)
        if value is None and not comment:
            if row is not None:
                removed.append(question_id)
        elif row is None or row.value != value or row.comment != comment:
            changed.append({"participant_id": participant.id, "question_id": question_id, "value": value,
                            "comment": comment, "created_at": now, "updated_at": now})
    table = Answer.__table__
    if removed:
        db.session.execute(delete(table).where(table.c.participant_id == participant.id,
                                               table.c.question_id.in_(removed)))
    if changed:
        db.session.execute(_UPSERT_ANSWERS, changed)
    if next_step is not None and next_step != participant.current_step:
        _update_participant(participant.id, current_step=next_step)
    db.session.commit()


def _update_participant(participant_id: int, **values: Any) -> None:
    """One UPDATE of a participant's columns (the participant pages hold records, not ORM objects).
    The SET clause comes from the keys of `values`; SQLAlchemy caches one compiled form per key set."""
    db.session.execute(_UPDATE_PARTICIPANT, {"participant_id": participant_id, **values})


_UPDATE_PARTICIPANT = (update(Participant.__table__)
                       .where(Participant.__table__.c.id == bindparam("participant_id")))


# INSERT ... ON CONFLICT (participant, question) DO UPDATE. SQLite (3.24 on) and PostgreSQL write it
# alike. Written as text with the columns' own types, because SQLAlchemy 2.0 does not cache the
# compiled form of its dialects' on_conflict_do_update() constructs: compiling one again for every
# step POST cost more than running it (BENCHMARKS.md, fifth round). A text statement is cached.
_UPSERT_ANSWERS = text(
    "INSERT INTO answer (participant_id, question_id, value, comment, created_at, updated_at) "
    "VALUES (:participant_id, :question_id, :value, :comment, :created_at, :updated_at) "
    "ON CONFLICT (participant_id, question_id) DO UPDATE "
    "SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at"
).bindparams(*(bindparam(column.key, type_=column.type) for column in Answer.__table__.c
               if column.key != "id"))


def step_saved_at(rows: dict[str, Row], section: Section) -> str:
    """When the answers on a step last changed (ISO, UTC), or "" if never; `rows` is answer_rows()."""
    times = [rows[q.id].updated_at for q in section.questions if q.id in rows]
    return max(times).isoformat() + "Z" if times else ""


def submit(participant: Participant | ParticipantRecord) -> None:
    if participant.session.is_locked:
        raise SessionLocked()
    missing = missing_required(participant.session.bank, stored_answers(participant))
    if missing:
        raise UserError(_l("Some required questions are not answered yet. They are marked below."))
    _update_participant(participant.id, submitted_at=utcnow())
    db.session.commit()
