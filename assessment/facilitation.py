"""What a facilitator does to a session on the day: gates, reveal, consensus and proposals.

Each function checks, changes and commits once; refusals are UserErrors with a readable message.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessment.extensions import db
from assessment.errors import SessionLocked, UserError
from assessment.question_types import InvalidValue, clean_text, question_type
from assessment.models import (PRIORITIES, PROPOSAL_STATUSES, SESSION_STATES, Consensus, ConsensusChange,
                               Facilitator, Proposal, ReviewSession, utcnow)


def _refuse_if_locked(session: ReviewSession) -> None:
    if session.is_locked:
        raise SessionLocked()


# ---------------------------------------------------------------- gates

def set_state(session: ReviewSession, state: str) -> None:
    """Move the session to preparation, scoring, discussion or closed (locked)."""
    if state not in SESSION_STATES:
        raise UserError(_l("Unknown session state."))
    session.state = state
    session.locked_at = utcnow() if state == "closed" else None
    if state == "scoring":
        session.open_sections = None  # scoring opens every step; single steps can be closed again
    db.session.commit()


def set_section_open(session: ReviewSession, section_id: str, is_open: bool) -> None:
    """Open or close one step for the participants."""
    _refuse_if_locked(session)
    ids = [s.id for s in session.bank.sections]
    if section_id not in ids:
        raise UserError(_l("That step is not in this session's question bank."))
    current = set(ids if session.open_sections is None else session.open_sections)
    current = current | {section_id} if is_open else current - {section_id}
    session.open_sections = [sid for sid in ids if sid in current]
    db.session.commit()


def set_divergence_rules(session: ReviewSession, spread: int | None, stdev: float | None,
                         split: float | None) -> None:
    """This session's rules for flagging divergent scores; all None goes back to the bank's rules."""
    _refuse_if_locked(session)
    if spread is not None and not 1 <= spread <= 20:
        raise UserError(_l("The range must be a whole number from 1 to 20."))
    if stdev is not None and not 0 < stdev <= 10:
        raise UserError(_l("The standard deviation must be above 0 and at most 10."))
    if split is not None and not 0 < split <= 0.5:
        raise UserError(_l("The split must be above 0 and at most 0.5."))
    rules = {key: value for key, value in (("range", spread), ("stdev", stdev), ("split", split))
             if value is not None}
    session.divergence_rules = rules or None
    db.session.commit()


def set_revealed(session: ReviewSession, question_id: str | None, revealed: bool) -> None:
    """Show (or hide again) one indicator's results to participants; None means all of them."""
    if question_id is None:
        session.reveal_all = revealed
        if not revealed:
            session.revealed = []
    else:
        if session.bank.question(question_id) is None:
            raise UserError(_l("That question is not in this session's question bank."))
        current = list(session.revealed or [])
        if revealed and question_id not in current:
            current.append(question_id)
        elif not revealed and question_id in current:
            current.remove(question_id)
        session.revealed = current
    db.session.commit()


# ---------------------------------------------------------------- consensus

def consensus_for(session: ReviewSession, question_id: str) -> Consensus | None:
    return db.session.scalar(select(Consensus).filter_by(session_id=session.id, question_id=question_id))


def save_consensus(session: ReviewSession, question_id: str, grade: int | None, conclusion: str,
                   dissent: str, facilitator: Facilitator | None) -> Consensus:
    """Record the common grade, conclusion and dissent; every change is kept in the history."""
    _refuse_if_locked(session)
    question = session.bank.question(question_id)
    if question is None or not question.is_indicator:
        raise UserError(_l("That is not an indicator of this session."))
    if grade is not None and grade not in question.scale.levels:
        raise UserError(_l("The grade must be on the indicator's scale."))
    return _record(session, question_id, facilitator, grade=grade, conclusion=(conclusion or "").strip(),
                   dissent=(dissent or "").strip())


def save_agreed_answer(session: ReviewSession, question_id: str, raw: list[str], note: str,
                       facilitator: Facilitator | None) -> Consensus:
    """Record the group's agreed answer to a question that is not an indicator (a closure review's
    continuation questions, a fact, the overall assessment) with a note. `raw` is what a form sends
    for the question; its type parses and checks it as it does a participant's answer, so nothing
    it would refuse from a participant is stored. An empty `raw` clears the agreed answer."""
    _refuse_if_locked(session)
    question = session.bank.question(question_id)
    if question is None:
        raise UserError(_l("That question is not in this session's question bank."))
    if question.is_indicator:
        raise UserError(_l("An indicator's common grade is recorded on the indicator's page."))
    try:
        value = question_type(question).parse(question, raw)
    except InvalidValue as error:
        raise UserError(_l(error.message, **error.params)) from None
    return _record(session, question_id, facilitator, value=value, conclusion=(note or "").strip())


def _record(session: ReviewSession, question_id: str, facilitator: Facilitator | None,
            **fields: Any) -> Consensus:
    """Set a consensus's fields and keep the change in its history; commits."""
    consensus = consensus_for(session, question_id)
    before = consensus.as_dict() if consensus else None
    if consensus is None:
        consensus = Consensus(session_id=session.id, question_id=question_id)
        db.session.add(consensus)
    for name, value in fields.items():
        setattr(consensus, name, value)
    after = consensus.as_dict()
    if after != before:
        consensus.updated_at = utcnow()
        consensus.updated_by_id = facilitator.id if facilitator else None
        consensus.changes.append(ConsensusChange(
            facilitator_id=facilitator.id if facilitator else None, before=before, after=after))
    db.session.commit()
    return consensus


# ---------------------------------------------------------------- proposals

ANY = object()  # session_proposals: of every question

def _check_proposal(session: ReviewSession, question_id: str | None, text: str, priority: str,
                    status: str) -> None:
    if question_id and session.bank.question(question_id) is None:
        raise UserError(_l("That question is not in this session's question bank."))
    if not (text or "").strip():
        raise UserError(_l("Write the proposal."))
    if priority not in PRIORITIES or status not in PROPOSAL_STATUSES:
        raise UserError(_l("Choose a priority and a status from the lists."))


def add_proposal(session: ReviewSession, question_id: str | None, text: str, owner: str = "",
                 deadline: date | None = None, priority: str = "medium",
                 status: str = "new") -> Proposal:
    _refuse_if_locked(session)
    _check_proposal(session, question_id, text, priority, status)
    proposal = Proposal(session_id=session.id, question_id=question_id or None, text=text.strip(),
                        owner=(owner or "").strip(), deadline=deadline, priority=priority,
                        status=status)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def update_proposal(proposal: Proposal, text: str, owner: str, deadline: date | None,
                    priority: str, status: str) -> None:
    _refuse_if_locked(proposal.session)
    _check_proposal(proposal.session, proposal.question_id, text, priority, status)
    proposal.text = text.strip()
    proposal.owner = (owner or "").strip()
    proposal.deadline = deadline
    proposal.priority = priority
    proposal.status = status
    db.session.commit()


def set_proposal_status(proposal: Proposal, status: str) -> None:
    _refuse_if_locked(proposal.session)
    if status not in PROPOSAL_STATUSES:
        raise UserError(_l("Choose a priority and a status from the lists."))
    proposal.status = status
    db.session.commit()


def delete_proposal(proposal: Proposal) -> None:
    _refuse_if_locked(proposal.session)
    db.session.delete(proposal)
    db.session.commit()


def session_proposals(session: ReviewSession, question_id: str | None | object = ANY) -> list[Proposal]:
    """The session's proposals (of one question, when given; None: the general ones)."""
    query = select(Proposal).filter_by(session_id=session.id)
    if question_id is not ANY:
        query = query.filter(Proposal.question_id.is_(None) if question_id is None
                             else Proposal.question_id == question_id)
    return list(db.session.scalars(query.order_by(Proposal.id)))


# ---------------------------------------------------------------- last year

def previous_session(session: ReviewSession) -> ReviewSession | None:
    """The programme's latest earlier session run with the same bank."""
    return db.session.scalar(
        select(ReviewSession)
        .filter(ReviewSession.programme_id == session.programme_id,
                ReviewSession.bank_id == session.bank_id,
                ReviewSession.programme_year < session.programme_year)
        .order_by(ReviewSession.programme_year.desc(), ReviewSession.id.desc()))


def carried_proposals(session: ReviewSession) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).filter(
        Proposal.session_id == session.id, Proposal.origin_year.is_not(None)).order_by(Proposal.id)))


FINISHED = ("done", "dropped")


def _already_here(session: ReviewSession) -> set[tuple[str | None, str]]:
    """The (question, text) of the session's proposals: a proposal is carried or imported once.
    Line breaks as a workbook gives them back (a form's \r\n reads as \n)."""
    return {(p.question_id, clean_text(p.text).strip()) for p in session_proposals(session)}


def open_proposals(session: ReviewSession) -> list[Proposal]:
    """The session's proposals not done or dropped: what next year's session carries over."""
    return [p for p in session_proposals(session) if p.status not in FINISHED]


def proposals_to_carry(session: ReviewSession) -> list[Proposal]:
    """Last year's proposals that carry-over would bring: open ones (not done or dropped), not
    here already by an earlier carry-over or an import (same uid, or same question and text)."""
    previous = previous_session(session)
    if previous is None:
        return []
    carried_ids = {p.origin_id for p in carried_proposals(session)}
    here = _already_here(session)
    uids = {p.uid for p in session_proposals(session)}
    return [old for old in session_proposals(previous)
            if old.status not in FINISHED and old.id not in carried_ids and old.uid not in uids
            and (old.question_id, clean_text(old.text).strip()) not in here]


def carry_over_proposals(session: ReviewSession) -> int:
    """Copy last year's open proposals into this session for follow-up, each once; a copy keeps
    its origin's uid, so last year's workbook finds it. Returns how many."""
    _refuse_if_locked(session)
    count = add_carried_proposals(session)
    db.session.commit()
    return count


def add_carried_proposals(session: ReviewSession) -> int:
    """Add the copies carry-over makes to the database session, without committing."""
    to_carry = proposals_to_carry(session)
    for old in to_carry:
        db.session.add(Proposal(
            uid=old.uid, session_id=session.id, question_id=old.question_id, text=old.text, owner=old.owner,
            deadline=old.deadline, priority=old.priority,
            status="in_progress" if old.status == "new" else old.status,
            origin_id=old.id, origin_year=old.session.programme_year))
    return len(to_carry)
