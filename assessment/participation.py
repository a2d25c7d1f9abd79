"""What a participant does: join a session, save a step's answers, submit. Each function checks,
changes and commits once."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from assessment.banks import Section
from assessment.errors import NotFound, SessionLocked, UserError
from assessment.extensions import db
from assessment.models import ROLE_GROUPS, Answer, Participant, ReviewSession, new_token, utcnow
from assessment.participant_reads import ParticipantView, answer_rows, participant_by_token
from assessment.question_types import clean_text
from assessment.rules import missing_required


# The join pages start with this: the programme comes from the same join (contains_eager).
_SESSION_BY_CODE = (select(ReviewSession).join(ReviewSession.programme)
                    .options(contains_eager(ReviewSession.programme))
                    .where(ReviewSession.join_code == bindparam("code")))


def find_session_by_code(code: str) -> ReviewSession:
    """The session a join code belongs to, with its programme, for the join pages."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    session = db.session.scalar(_SESSION_BY_CODE, {"code": code}) if code else None
    if session is None:
        raise NotFound(_l("No session has that join code. Check the code on the screen and try again."))
    return session


def find_participant(token: str) -> ParticipantView:
    """The participant behind a personal link, with their session and its programme (every page
    shows all three), in one query."""
    participant = participant_by_token(token) if token else None
    if participant is None:
        raise NotFound(_l("This link is not valid. Ask the facilitator for a new one."))
    return participant


_PARTICIPANTS = Participant.__table__
_INSERT_PARTICIPANT = insert(_PARTICIPANTS)  # one statement: the unit of work costs more than the write


def join_session(session: ReviewSession, name: str, role_group: str) -> str:
    """A new participant in `session`; their personal link's token."""
    name = " ".join(clean_text(name or "").split())
    if not name:
        raise UserError(_l("Please write your name."))
    if len(name) > 120:
        raise UserError(_l("The name is too long (at most 120 characters)."))
    if role_group not in ROLE_GROUPS:
        raise UserError(_l("Please choose your role."))
    if session.is_locked:
        raise SessionLocked()
    token = new_token()
    db.session.execute(_INSERT_PARTICIPANT, {"session_id": session.id, "token": token, "name": name,
                                             "role_group": role_group})
    db.session.commit()
    return token


# A step's writes, built once: Core statements on the tables (the ORM's unit of work and its
# synchronising bulk UPDATE cost more than the writes themselves).
_ANSWERS = Answer.__table__
_INSERT_ANSWERS = insert(_ANSWERS)
_UPDATE_ANSWER = (update(_ANSWERS).where(_ANSWERS.c.id == bindparam("answer_id"))
                  .values(value=bindparam("value"), comment=bindparam("comment"), updated_at=bindparam("updated_at")))
_DELETE_ANSWERS = delete(_ANSWERS).where(_ANSWERS.c.id.in_(bindparam("answer_ids", expanding=True)))
_MOVE_PARTICIPANT = (update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("participant_id"))
                     .values(current_step=bindparam("current_step")))
_SUBMIT_PARTICIPANT = (update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("participant_id"))
                       .values(submitted_at=bindparam("submitted_at")))


def saved_answers(participant: ParticipantView) -> dict[str, Row]:
    """{question id: row with id, value, comment, updated_at} of everything the participant has saved."""
    return {a.question_id: a for a in answer_rows(participant.id)}


def stored_answers(participant: ParticipantView,
                   saved: dict[str, Row] | None = None) -> dict[str, tuple[Any, str]]:
    """{question id: (value, comment)} of everything the participant has saved."""
    saved = saved_answers(participant) if saved is None else saved
    return {question_id: (answer.value, answer.comment) for question_id, answer in saved.items()}


def save_step(participant: ParticipantView, answers: dict[str, tuple[Any, str | None]],
              next_step: int | None = None, saved: dict[str, Row] | None = None) -> None:
    """Store a step's answers (an empty value removes the answer) and where the participant is;
    `saved` is saved_answers() when the caller has just read them. Only what changed is written,
    with one statement per kind of change. The same step saved twice at once (a
    double click, two tabs) ends with the last answers: the second insert of an answer meets the
    unique constraint, and the step is then written again over what the first one stored."""
    if participant.session.is_locked:
        raise SessionLocked()
    for attempt in range(2):
        saved = saved_answers(participant) if saved is None else saved
        now = utcnow()
        added, changed, removed = [], [], []
        for question_id, (value, comment) in answers.items():
            comment = comment or ""
            answer = saved.get(question_id)
            if value is None and not comment:
                if answer is not None:
                    removed.append(answer.id)
            elif answer is None:
                added.append({"participant_id": participant.id, "question_id": question_id, "value": value,
                              "comment": comment, "created_at": now, "updated_at": now})
            elif answer.value != value or answer.comment != comment:
                changed.append({"answer_id": answer.id, "value": value, "comment": comment, "updated_at": now})
        try:
            if removed:
                db.session.execute(_DELETE_ANSWERS, {"answer_ids": removed})
            if added:
                db.session.execute(_INSERT_ANSWERS, added)
            if changed:
                db.session.execute(_UPDATE_ANSWER, changed)
            if next_step is not None and next_step != participant.current_step:
                db.session.execute(_MOVE_PARTICIPANT, {"participant_id": participant.id,
                                                       "current_step": next_step})
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            saved = None
            if attempt:
                raise


def step_saved_at(saved: dict[str, Row], section: Section) -> str:
    """When the answers on a step last changed (ISO, UTC), or "" if never."""
    times = [saved[q.id].updated_at for q in section.questions if q.id in saved]
    return max(times).isoformat() + "Z" if times else ""


def submit(participant: ParticipantView) -> None:
    if participant.session.is_locked:
        raise SessionLocked()
    if missing_required(participant.session.bank, stored_answers(participant),
                        role_group=participant.role_group):
        raise UserError(_l("Some required questions are not answered yet. They are marked below."))
    db.session.execute(_SUBMIT_PARTICIPANT, {"participant_id": participant.id, "submitted_at": utcnow()})
    db.session.commit()
