"""What a participant must answer: which questions are shown, given the participant's role group
and the answers so far, and which required answers and justifications are still missing. The step
form's validators, submit, the review page and the facilitator's progress view all ask these
functions. A role group of None means anyone (the facilitator's views of the whole bank)."""
from __future__ import annotations

from typing import Any

from assessment.banks import Bank, Question
from assessment.question_types import question_type


def is_shown(question: Question, values: dict[str, Any], role_group: str | None = None) -> bool:
    """Whether `question` is shown to a participant of `role_group`, given the answers (question
    id -> value) it may depend on. A question addressed to other role groups never is."""
    if not question.is_for(role_group):
        return False
    condition = question.show_if
    return condition is None or condition.matches(values.get(condition.question))


def answer_missing(question: Question, value: Any) -> bool:
    """A shown question still needs an answer."""
    return value is None and question.required


def justification_missing(question: Question, value: Any, comment: str | None) -> bool:
    """A shown, answered question still needs its justification."""
    return (value is not None and question_type(question).needs_justification(question, value)
            and not (comment or "").strip())


def visible_questions(bank: Bank, values: dict[str, Any], role_group: str | None = None) -> tuple[Question, ...]:
    """The questions a participant of `role_group` is shown, given their answers."""
    return tuple(q for q in bank.questions if is_shown(q, values, role_group))


def effective_values(bank: Bank, values: dict[str, Any], role_group: str | None = None) -> dict[str, Any]:
    """Only the answers that count: a hidden question's stale answer does not."""
    return {q.id: values[q.id] for q in visible_questions(bank, values, role_group) if q.id in values}


def missing_required(bank: Bank, answers: dict[str, tuple[Any, str]],
                     shown: list[Question] | None = None, role_group: str | None = None) -> list[Question]:
    """Required questions, shown to this participant, that still lack an answer or justification.
    `shown` is visible_questions() of these answers, when the caller has it already."""
    if shown is None:
        shown = visible_questions(bank, {qid: value for qid, (value, _c) in answers.items()}, role_group)
    missing = []
    for question in shown:
        value, comment = answers.get(question.id, (None, ""))
        if answer_missing(question, value) or justification_missing(question, value, comment):
            missing.append(question)
    return missing


def finished_sections(bank: Bank, answers: dict[str, tuple[Any, str]],
                      role_group: str | None = None) -> list[bool]:
    """Per section of `bank`, whether it is finished for this participant: something on it is
    answered and none of its questions shown to them lacks a required answer or justification."""
    shown = visible_questions(bank, {qid: value for qid, (value, _c) in answers.items()}, role_group)
    missing = {q.id for q in missing_required(bank, answers, shown)}
    shown_ids = {q.id for q in shown}
    return [any(q.id in answers for q in section.questions if q.id in shown_ids)
            and not any(q.id in missing for q in section.questions)
            for section in bank.sections]
