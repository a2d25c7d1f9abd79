"""The participant, their session and its programme, and the participant's answers, as plain rows
for the pages under a personal link. Kept for speed (issue 18's budget, BENCHMARKS.md): loading them
as ORM entities costs about twice these queries on every participant request. Only table columns
here: one ORM attribute in a statement sends all its rows through the ORM. The views are read-only
and borrow the models' own rules; participation writes with statements."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select

from assessment.extensions import db
from assessment.models import Answer, Participant, Programme, ReviewSession

_PARTS = {
    "participant": list(Participant.__table__.c),
    "session": [c for c in ReviewSession.__table__.c if c.key != "bank_snapshot"],  # large; cached by hash
    "programme": list(Programme.__table__.c),
}
_SESSIONS = ReviewSession.__table__
_OTHER = _SESSIONS.alias("other")
# How many other sessions the programme year has: none (the usual case) spares the fact sheet's query.
_OTHERS_IN_YEAR = (select(func.count(_OTHER.c.id))
                   .where(_OTHER.c.programme_id == _SESSIONS.c.programme_id,
                          _OTHER.c.programme_year == _SESSIONS.c.programme_year,
                          _OTHER.c.id != _SESSIONS.c.id)
                   .scalar_subquery().label("session__others_in_year"))
_BY_TOKEN = (select(*[column.label(f"{part}__{column.key}") for part, columns in _PARTS.items()
                      for column in columns], _OTHERS_IN_YEAR)
             .select_from(Participant.__table__.join(ReviewSession.__table__).join(Programme.__table__))
             .where(Participant.__table__.c.token == bindparam("token")))
_ANSWERS = Answer.__table__
_ANSWER_ROWS = (select(_ANSWERS.c.id, _ANSWERS.c.question_id, _ANSWERS.c.value, _ANSWERS.c.comment,
                       _ANSWERS.c.updated_at)
                .where(_ANSWERS.c.participant_id == bindparam("participant_id")))
_BANK_SNAPSHOT = select(_SESSIONS.c.bank_snapshot).where(_SESSIONS.c.id == bindparam("session_id"))


class ProgrammeView(SimpleNamespace):
    """A programme's columns."""


class SessionView(SimpleNamespace):
    """A session's columns but the bank snapshot (read only when its bank is not cached), with its
    programme, the number of other sessions in its programme year, and the rules of ReviewSession."""
    bank = ReviewSession.bank
    is_locked = ReviewSession.is_locked
    is_section_open = ReviewSession.is_section_open
    is_revealed = ReviewSession.is_revealed

    @property
    def bank_snapshot(self) -> dict[str, Any]:
        return db.session.scalar(_BANK_SNAPSHOT, {"session_id": self.id})


class ParticipantView(SimpleNamespace):
    """A participant's columns, with their session and the rules of Participant."""
    is_observer = Participant.is_observer


def participant_by_token(token: str) -> ParticipantView | None:
    row = db.session.execute(_BY_TOKEN, {"token": token}).first()
    if row is None:
        return None
    parts: dict[str, dict[str, Any]] = {part: {} for part in _PARTS}
    for label, value in row._mapping.items():
        part, key = label.split("__", 1)
        parts[part][key] = value
    session = SessionView(**parts["session"], programme=ProgrammeView(**parts["programme"]))
    return ParticipantView(**parts["participant"], session=session)


def answer_rows(participant_id: int) -> list[Any]:
    """The participant's answers as rows of id, question_id, value, comment and updated_at."""
    return db.session.execute(_ANSWER_ROWS, {"participant_id": participant_id}).all()
