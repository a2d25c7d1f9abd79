"""The programme's fact sheet beside a review form: participants score the effect indicators with
the key figures the programme manager filled in for the same programme year at hand."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all

from assessment.banks import Text, bank_from_snapshot
from assessment.extensions import db
from assessment.models import Answer, Consensus, Participant, ReviewSession
from assessment.question_types import display

FACT_SHEET_KIND = "fact_sheet"
# The kinds of bank whose steps show the fact sheet: the annual programme status review.
SHOWN_WITH = ("annual_review",)

_SESSIONS = ReviewSession.__table__
# The other sessions of a programme year, newest first: the fact sheet is the one whose bank (cached
# by hash, so its snapshot is read once per process) is of the fact-sheet kind.
_YEAR_SESSIONS = (
    select(_SESSIONS.c.id, _SESSIONS.c.bank_hash)
    .where(_SESSIONS.c.programme_id == bindparam("programme_id"),
           _SESSIONS.c.programme_year == bindparam("programme_year"),
           _SESSIONS.c.id != bindparam("session_id"))
    .order_by(_SESSIONS.c.id.desc()))
_SNAPSHOT = select(_SESSIONS.c.bank_snapshot).where(_SESSIONS.c.id == bindparam("session_id"))
# Agreed answers (agreed = 1) and every participant's answers of one session, in one statement.
_VALUES = union_all(
    select(Consensus.question_id, Consensus.value, Consensus.updated_at, literal(1).label("agreed"))
    .where(Consensus.session_id == bindparam("session_id"), Consensus.value.is_not(None)),
    select(Answer.question_id, Answer.value, Answer.updated_at, literal(0).label("agreed"))
    .join(Participant, Participant.id == Answer.participant_id)
    .where(Participant.session_id == bindparam("session_id")),
)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # as a person reads it


@dataclass(frozen=True)
class FactSheetPart:
    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class FactSheet:
    session_id: int
    title: Text
    parts: tuple[FactSheetPart, ...]  # the fact sheet's sections that have figures

    @property
    def is_empty(self) -> bool:
        return not self.parts


def fact_sheet_for(session: Any, lang: str) -> FactSheet | None:
    """The fact sheet of `session`'s programme and programme year, for a session whose bank shows
    one (the annual review), with its figures read-only in `lang`: the agreed answer where one is
    recorded, else the latest participant's answer (the programme manager usually fills it in).
    None when there is no such fact sheet. Two queries, plus one when its bank is not cached."""
    if session.bank.kind not in SHOWN_WITH or getattr(session, "others_in_year", None) == 0:
        return None  # (a participant's session view knows whether its year has other sessions)
    row = bank = None
    for other in db.session.execute(_YEAR_SESSIONS, {"programme_id": session.programme_id,
                                                     "programme_year": session.programme_year,
                                                     "session_id": session.id}).all():
        other_bank = bank_from_snapshot(lambda: db.session.scalar(_SNAPSHOT, {"session_id": other.id}),
                                        other.bank_hash)
        if other_bank.kind == FACT_SHEET_KIND:
            row, bank = other, other_bank
            break
    if row is None:
        return None
    values: dict[str, tuple[int, Any, Any]] = {}  # question id -> (agreed, updated_at, value)
    for answer in db.session.execute(_VALUES, {"session_id": row.id}):
        if answer.value is None:
            continue
        rank = (answer.agreed, answer.updated_at)
        if answer.question_id not in values or rank > values[answer.question_id][:2]:
            values[answer.question_id] = (*rank, answer.value)
    parts = []
    for section in bank.sections:
        figures = tuple(Figure(q.label.get(lang), display(q, values[q.id][2], lang))
                        for q in section.questions if q.id in values)
        figures = tuple(f for f in figures if f.value)
        if figures:
            parts.append(FactSheetPart(section.title.get(lang), figures))
    return FactSheet(session_id=row.id, title=bank.title, parts=tuple(parts))
