"""The presenter view: what the wall shows, one indicator at a time in agenda order, or the join
code. The facilitator's laptop and the presenter tab's keyboard both move it; the choice is kept on
the session in the database, so every tab and every app process shows the same."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from assessment.errors import UserError
from assessment.extensions import db
from assessment.models import Consensus, ReviewSession
from assessment.results import IndicatorResult, discussion_agenda, indicator_results, live_version

STEPS = {"next": 1, "previous": -1}


@dataclass
class Slide:
    """What the wall shows now: an indicator's result (None: the join code), its place on the
    agenda, whether its scores are revealed, and the agreed grade if one is set."""

    result: IndicatorResult | None
    position: int          # 1-based place on the agenda; 0 on the join screen
    count: int             # indicators on the agenda
    revealed: bool
    grade: int | None


def slide_order(results: list[IndicatorResult]) -> list[str | None]:
    """The join screen first, then the indicators in the discussion agenda's order."""
    return [None, *(r.question.id for r in discussion_agenda(results))]


def present(session: ReviewSession, question_id: str | None) -> None:
    """Show one indicator on the wall; None shows the join code. Allowed when locked too: it only
    changes what is shown, not what was agreed."""
    if question_id is not None:
        question = session.bank.question(question_id)
        if question is None or not question.is_indicator:
            raise UserError(_l("That is not an indicator of this session."))
    session.presented_question = question_id
    db.session.commit()


def step(session: ReviewSession, direction: str, results: list[IndicatorResult] | None = None) -> str | None:
    """Move the wall to the next or previous slide in agenda order (staying at either end);
    returns the question id now shown (None: the join code)."""
    if direction not in STEPS:
        raise UserError(_l("Choose the next or the previous indicator."))
    order = slide_order(indicator_results(session) if results is None else results)
    current = session.presented_question if session.presented_question in order else None
    index = min(max(order.index(current) + STEPS[direction], 0), len(order) - 1)
    present(session, order[index])
    return order[index]


def current_slide(session: ReviewSession, results: list[IndicatorResult],
                  consensus: dict[str, Consensus]) -> Slide:
    """The slide the wall shows now, from the session's results and agreed grades."""
    order = slide_order(results)
    question_id = session.presented_question if session.presented_question in order else None
    if question_id is None:
        return Slide(None, 0, len(order) - 1, False, None)
    result = next(r for r in results if r.question.id == question_id)
    agreed = consensus.get(question_id)
    return Slide(result, order.index(question_id), len(order) - 1, session.is_revealed(question_id),
                 agreed.grade if agreed is not None else None)


def presenter_version(session: ReviewSession) -> str:
    """Changes whenever the wall would: the dashboard's version and the indicator shown."""
    return f"{live_version(session)}|{session.presented_question}"
