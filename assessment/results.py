"""A session's results as the facilitator's dashboard and the discussion need them, read from the
database in a few queries and computed with the pure functions in scoring.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, select, true

from assessment.banks import Bank, Question
from assessment.extensions import db
from assessment.models import Answer, Consensus, Participant, ReviewSession
from assessment.labels import ROLE_SHORT_LABELS, label
from assessment.question_types import question_type
from assessment.scoring import (DivergenceRules, IndicatorStats, discussion_order, divergence_reasons,
                                weighted_total)
from assessment.rules import effective_values, missing_required, visible_questions


@dataclass
class Response:
    label: str          # the participant's name, or "Deltaker 3" when the session is anonymous
    role_group: str
    value: Any
    comment: str


@dataclass
class IndicatorResult:
    question: Question
    stats: IndicatorStats
    leadership: IndicatorStats
    observers: IndicatorStats
    reasons: list[str]
    responses: list[Response] = field(default_factory=list)

    @property
    def divergent(self) -> bool:
        return bool(self.reasons)


@dataclass
class ParticipantProgress:
    participant: Participant
    label: str
    steps_done: list[bool]
    submitted: bool

    @property
    def done_count(self) -> int:
        return sum(self.steps_done)


def participant_label(session: ReviewSession, participant: Participant, number: int,
                      role_labels_in: str | None = None) -> str:
    """The participant's name; "#3" when the session is anonymous; their role group only, in the
    language `role_labels_in`, when given (a viewer never sees names)."""
    if role_labels_in is not None:
        return label(ROLE_SHORT_LABELS, participant.role_group, role_labels_in)
    return f"#{number}" if session.anonymous else participant.name


def collect_answers(session: ReviewSession) -> list[tuple[Participant, dict[str, tuple[Any, str]]]]:
    """Every participant with their answers that count (hidden questions' stale answers dropped)."""
    participants = list(db.session.scalars(
        select(Participant).filter_by(session_id=session.id).order_by(Participant.id)))
    by_participant: dict[int, dict[str, tuple[Any, str]]] = {p.id: {} for p in participants}
    rows = db.session.execute(_SESSION_ANSWERS, {"session_id": session.id})
    for participant_id, question_id, value, comment in rows:
        by_participant[participant_id][question_id] = (value, comment)
    bank = session.bank
    result = []
    for participant in participants:
        answers = by_participant[participant.id]
        counted = effective_values(bank, {qid: v for qid, (v, _c) in answers.items()}, participant.role_group)
        result.append((participant, {qid: answers[qid] for qid in counted}))
    return result


# Plain table columns: the session runs it as Core, without the ORM's work on every row.
_SESSION_ANSWERS = (
    select(*(Answer.__table__.c[name] for name in ("participant_id", "question_id", "value", "comment")))
    .join(Participant.__table__).where(Participant.__table__.c.session_id == bindparam("session_id")))


def divergence_rules(session: ReviewSession) -> DivergenceRules:
    bank_rules = session.bank.scoring.divergence if session.bank.scoring else None
    return DivergenceRules.from_mapping(session.divergence_rules or bank_rules)


def indicator_results(session: ReviewSession, answers=None, role_labels_in: str | None = None
                      ) -> list[IndicatorResult]:
    """Statistics per indicator, overall and per role group, with divergence and the responses
    (labelled by role group only with `role_labels_in`, see participant_label)."""
    return _question_results(session, session.bank.indicators, answers, role_labels_in)


def discussed_results(session: ReviewSession, answers=None, role_labels_in: str | None = None
                      ) -> list[IndicatorResult]:
    """The same for the questions the bank marks for discussion without making them indicators
    (a closure review's scales): plotted, flagged and on the agenda, with an agreed answer."""
    return _question_results(session, session.bank.discussed, answers, role_labels_in)


def _question_results(session: ReviewSession, questions, answers=None,
                      role_labels_in: str | None = None) -> list[IndicatorResult]:
    answers = collect_answers(session) if answers is None else answers
    rules = divergence_rules(session)
    # Who each participant is, worked out once rather than once per indicator.
    people = [(participant_label(session, participant, number, role_labels_in), participant.role_group,
               participant.is_observer, given)
              for number, (participant, given) in enumerate(answers, start=1)]
    results = []
    for question in questions:
        levels = question.scale.levels
        everyone, leaders, observers, responses = [], [], [], []
        for label, role_group, is_observer, given in people:
            answer = given.get(question.id)
            if answer is None:
                continue
            value, comment = answer
            everyone.append(value)
            (observers if is_observer else leaders).append(value)
            responses.append(Response(label, role_group, value, comment))
        summarise = partial(question_type(question).summarise, question)
        stats = summarise(everyone)
        results.append(IndicatorResult(
            question=question, stats=stats, leadership=summarise(leaders), observers=summarise(observers),
            reasons=divergence_reasons(stats, rules, levels), responses=responses))
    return results


def other_answers(session: ReviewSession, answers=None, unanswered: bool = False,
                  role_labels_in: str | None = None) -> list[tuple[Question, list[Response]]]:
    """The answers to every question that is not an indicator (reflections, closure, fact sheet);
    with `unanswered`, the questions nobody answered too (the group may still agree an answer)."""
    answers = collect_answers(session) if answers is None else answers
    rows = []
    for question in session.bank.questions:
        if question.is_indicator:
            continue
        responses = [
            Response(participant_label(session, participant, number, role_labels_in), participant.role_group,
                     given[question.id][0], given[question.id][1])
            for number, (participant, given) in enumerate(answers, start=1) if question.id in given
        ]
        if responses or unanswered:
            rows.append((question, responses))
    return rows


def discussion_agenda(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """Indicators to discuss, the most disagreement first."""
    by_id = {r.question.id: r for r in results}
    order = discussion_order((r.question.id, r.stats, r.divergent) for r in results)
    return [by_id[qid] for qid in order]


def progress(session: ReviewSession, answers=None, role_labels_in: str | None = None
             ) -> list[ParticipantProgress]:
    """For each participant, which steps are complete (every shown required question answered)."""
    answers = collect_answers(session) if answers is None else answers
    bank = session.bank
    rows = []
    for number, (participant, given) in enumerate(answers, start=1):
        visible = visible_questions(bank, {k: v for k, (v, _c) in given.items()}, participant.role_group)
        missing = {q.id for q in missing_required(bank, given, visible)}
        shown = {q.id for q in visible}
        steps = []
        for section in bank.sections:
            questions = [q for q in section.questions if q.id in shown]
            answered = any(q.id in given for q in questions)
            complete = not any(q.id in missing for q in questions)
            steps.append(complete and (answered or not any(q.required for q in questions)))
        rows.append(ParticipantProgress(participant, participant_label(session, participant, number, role_labels_in),
                                        steps, participant.submitted_at is not None))
    return rows


def consensus_by_question(session: ReviewSession) -> dict[str, Consensus]:
    """The session's agreed grades with their conclusions and dissent, by question id."""
    return {c.question_id: c for c in session.consensus}


def consensus_grades(session: ReviewSession) -> dict[str, int | None]:
    """The session's agreed grade for each indicator that has one recorded, by question id."""
    return {c.question_id: c.grade for c in session.consensus}


@dataclass
class YearResult:
    """One session in a programme's history: its agreed grades and their weighted total, and the
    indicators its version of the bank asked (a later version may add or drop some)."""

    session: ReviewSession
    grades: dict[str, int | None]
    total: float | None
    asked: frozenset[str] = frozenset()

    def was_asked(self, question_id: str) -> bool:
        return question_id in self.asked


def programme_history(programme, bank_id: str, up_to_year: int | None = None) -> list[YearResult]:
    """A programme's sessions run with one bank id (any of its versions), year by year (to
    `up_to_year` when given); questions are matched across versions by their ids."""
    history = []
    for session in programme.sessions:
        if session.bank_id != bank_id or (up_to_year is not None and session.programme_year > up_to_year):
            continue
        grades = consensus_grades(session)
        bank = session.bank
        history.append(YearResult(session, grades, session_total(bank, session.programme_year, grades),
                                  frozenset(q.id for q in bank.indicators)))
    return history


def history_indicators(history: list[YearResult]) -> list[Question]:
    """Every indicator any year asked, once, by id: the latest year's in its order, then those
    only earlier versions had (newest first), so no year's column ever shifts."""
    found: dict[str, Question] = {}
    for year in reversed(history):
        for question in year.session.bank.indicators:
            found.setdefault(question.id, question)
    return list(found.values())


def session_total(bank: Bank, programme_year: int, grades: dict[str, Any]) -> float | None:
    """The weighted total of indicator grades for a programme year, by the bank's weights."""
    if bank.scoring is None:
        return None
    groups = {q.id: q.group for q in bank.indicators}
    return weighted_total(grades, groups, bank.scoring.weights_for_year(programme_year))


def live_version(session: ReviewSession) -> str:
    """A token that changes whenever anything on the dashboard would: one query, cheap enough to
    ask twice a second (the index on answer (participant_id, updated_at) holds all it reads)."""
    counts = db.session.execute(_LIVE_COUNTS, {"session_id": session.id}).one()
    return "|".join(str(part) for part in (*counts, session.state, session.anonymous, session.reveal_all,
                                           sorted(session.revealed or []), session.open_sections,
                                           session.divergence_rules))


# Participants and their latest submission; answers and the latest change to one; consensus
# grades and the latest change to one. Three aggregates in one statement (one round trip), the
# answers' read from the index alone.
_people = (select(func.count(Participant.id), func.max(Participant.submitted_at))
           .where(Participant.session_id == bindparam("session_id")).subquery())
_answer_changes = (select(func.count(Answer.participant_id), func.max(Answer.updated_at))
                   .join(Participant).where(Participant.session_id == bindparam("session_id")).subquery())
_consensus_changes = (select(func.count(Consensus.id), func.max(Consensus.updated_at))
                      .where(Consensus.session_id == bindparam("session_id")).subquery())
_LIVE_COUNTS = (select(_people, _answer_changes, _consensus_changes)
                .select_from(_people.join(_answer_changes, true()).join(_consensus_changes, true())))
