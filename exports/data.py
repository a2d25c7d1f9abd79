"""Everything an export needs about a session and its programme, collected in a few queries into
plain rows, so the workbook, the report and the raw files never query the database themselves."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from assessment.banks import Bank, Question
from assessment.extensions import db
from assessment.models import Answer, Participant, Proposal, ProgrammeAccess, ReviewSession
from assessment.results import (IndicatorResult, YearResult, collect_answers, consensus_by_question,
                                consensus_grades, indicator_results, participant_label, programme_history,
                                session_total)
from assessment.facilitation import previous_session
from assessment.question_types import question_type
from assessment.scoring import group_means


@dataclass
class AnswerRow:
    participant: str
    role_group: str
    section: str
    question_id: str
    question: str
    value: Any            # for JSON: number, text, list, bool or ISO date; None if it cannot be shown
    cell: Any             # for a spreadsheet cell: number, text, code, bool or date
    value_label: str      # as a person reads it
    shown: Any            # as a person reads it in a spreadsheet: words, or a typed number or date
    shown_format: str | None  # the number format of `shown` (thousands, decimals, unit, date)
    stable: Any           # the stored value beside `shown` (a code, level, bool, number); None for text
    comment: str
    changed: datetime


@dataclass
class IndicatorRow:
    question: Question
    label: str
    group: str
    result: IndicatorResult
    consensus: int | None
    conclusion: str
    dissent: str
    previous_grade: int | None = None  # the agreed grade in the previous session with this bank

    @property
    def change(self) -> int | None:
        """This year's agreed grade less the previous one, where both are numbers."""
        if isinstance(self.consensus, int) and isinstance(self.previous_grade, int):
            return self.consensus - self.previous_grade
        return None


@dataclass
class GroupWeight:
    """An indicator group's weight in the weighted total of this programme year, and its mean grade."""

    label: str
    weight: float
    mean: float | None


@dataclass
class ProposalRow:
    indicator: str
    question_id: str | None
    text: str
    owner: str
    deadline: date | None
    priority: str
    status: str
    year: int
    uid: str = ""


@dataclass
class PersonRow:
    name: str
    role_group: str


@dataclass
class AgreedRow:
    """The group's agreed answer to a question that is not an indicator, with the note."""

    question_id: str
    value: Any            # as stored (for JSON); None when only a note was agreed
    value_label: str      # as a person reads it
    note: str
    shown: Any = None     # as in a spreadsheet (see AnswerRow)
    shown_format: str | None = None
    stable: Any = None


@dataclass
class SessionData:
    session: ReviewSession
    bank: Bank
    lang: str
    participants_by_role: dict[str, int]
    indicators: list[IndicatorRow]
    answers: list[AnswerRow]
    proposals: list[ProposalRow]
    carried: list[ProposalRow]
    total: float | None
    previous: ReviewSession | None
    previous_total: float | None = None
    group_weights: list[GroupWeight] = field(default_factory=list)  # this programme year's, with group means
    history: list[YearResult] = field(default_factory=list)  # this bank's sessions, up to this year
    other_sessions: list[SessionData] = field(default_factory=list)  # this year's fact sheet and closure
    facilitators: list[str] = field(default_factory=list)  # the programme's owners (names, else e-mail)
    people: list[PersonRow] = field(default_factory=list)   # every participant, in joining order
    previous_grades: dict[str, int | None] = field(default_factory=dict)  # last year's agreed grades
    previous_asked: frozenset[str] = frozenset()  # the indicators last year's version of the bank asked
    weights: dict[str, float] = field(default_factory=dict)  # group -> weight, this programme year
    agreed: dict[str, AgreedRow] = field(default_factory=dict)  # question id -> agreed answer


def _proposal_row(proposal: Proposal, bank: Bank, lang: str, year: int) -> ProposalRow:
    question = bank.question(proposal.question_id) if proposal.question_id else None
    return ProposalRow(question.label.get(lang) if question else "", proposal.question_id, proposal.text,
                       proposal.owner, proposal.deadline, proposal.priority, proposal.status,
                       proposal.origin_year or year, proposal.uid)


def _group_weights(bank: Bank, year: int, grades: dict[str, Any], lang: str) -> list[GroupWeight]:
    if bank.scoring is None:
        return []
    means = group_means(grades, {q.id: q.group for q in bank.indicators})
    return [GroupWeight(bank.scoring.groups[group].get(lang), weight, means.get(group))
            for group, weight in bank.scoring.weights_for_year(year).items()]


def _facilitators(session: ReviewSession) -> list[str]:
    """Who runs the programme's reviews: its owners, else everyone with access (name, else e-mail)."""
    access = list(db.session.scalars(select(ProgrammeAccess).filter_by(programme_id=session.programme_id)
                                     .order_by(ProgrammeAccess.id)))
    owners = [a for a in access if a.is_owner] or access
    return [a.facilitator.name or a.facilitator.email for a in owners]


def session_data(session: ReviewSession, lang: str = "nb", with_programme: bool = True,
                 names: bool = True) -> SessionData:
    """Everything the exports write about a session; without `names`, each participant is shown
    by their role group only (what a viewer gets)."""
    bank = session.bank
    answers = collect_answers(session)
    results = {r.question.id: r for r in indicator_results(session, answers, None if names else lang)}
    consensus = consensus_by_question(session)
    changed = {(pid, qid): at for pid, qid, at in db.session.execute(
        select(Answer.participant_id, Answer.question_id, Answer.updated_at)
        .join(Participant).filter(Participant.session_id == session.id))}
    by_role: dict[str, int] = {}
    rows: list[AnswerRow] = []
    questions = {q.id: (q, s) for s in bank.sections for q in s.questions}
    for number, (participant, given) in enumerate(answers, start=1):
        by_role[participant.role_group] = by_role.get(participant.role_group, 0) + 1
        label = participant_label(session, participant, number, None if names else lang)
        for question_id, (value, comment) in given.items():
            question, section = questions[question_id]
            qtype = question_type(question)
            rows.append(AnswerRow(label, participant.role_group, section.title.get(lang), question_id,
                                  question.label.get(lang), qtype.json_value(question, value),
                                  qtype.cell_value(question, value), qtype.display(question, value, lang),
                                  qtype.sheet_value(question, value, lang), qtype.number_format(question, lang),
                                  qtype.stable_value(question, value),
                                  comment or "", changed[(participant.id, question_id)]))
    previous = previous_session(session)
    previous_grades = consensus_grades(previous) if previous else {}
    indicators = []
    for question in bank.indicators:
        c = consensus.get(question.id)
        group = bank.scoring.groups[question.group].get(lang) if bank.scoring else ""
        indicators.append(IndicatorRow(question, question.label.get(lang), group, results[question.id],
                                       c.grade if c else None, c.conclusion if c else "",
                                       c.dissent if c else "", previous_grades.get(question.id)))
    agreed = {}
    for question_id, c in consensus.items():
        question = questions.get(question_id, (None,))[0]
        if question is None or question.is_indicator or (c.value is None and not c.conclusion):
            continue
        qtype = question_type(question)
        agreed[question_id] = AgreedRow(question_id, qtype.json_value(question, c.value),
                                        qtype.display(question, c.value, lang), c.conclusion,
                                        qtype.sheet_value(question, c.value, lang) if c.value is not None else None,
                                        qtype.number_format(question, lang), qtype.stable_value(question, c.value))
    proposals = session.proposals
    grades = consensus_grades(session)
    data = SessionData(
        session=session, bank=bank, lang=lang, participants_by_role=by_role, indicators=indicators,
        answers=rows,
        proposals=[_proposal_row(p, bank, lang, session.programme_year) for p in proposals if not p.origin_year],
        carried=[_proposal_row(p, bank, lang, session.programme_year) for p in proposals if p.origin_year],
        total=session_total(bank, session.programme_year, grades),
        previous=previous,
        previous_total=session_total(previous.bank, previous.programme_year, previous_grades) if previous else None,
        group_weights=_group_weights(bank, session.programme_year, grades, lang),
        facilitators=_facilitators(session),
        people=[PersonRow(p.name if names else "", p.role_group) for p, _given in answers],
        previous_grades=previous_grades,
        previous_asked=frozenset(q.id for q in previous.bank.indicators) if previous else frozenset(),
        weights=bank.scoring.weights_for_year(session.programme_year) if bank.scoring else {},
        agreed=agreed,
    )
    if with_programme:
        data.history = programme_history(session.programme, session.bank_id, up_to_year=session.programme_year)
        for other in session.programme.sessions:  # this year's fact sheet and closure review
            if (other.bank_id != session.bank_id and other.programme_year == session.programme_year
                    and other.bank.kind in ("fact_sheet", "closure_review")):
                data.other_sessions.append(session_data(other, lang, with_programme=False, names=names))
    return data

