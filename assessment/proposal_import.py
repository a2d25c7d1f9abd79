"""Importing proposals from a workbook: each sheet row classified against the session's proposals
as new, updated, unchanged or refused (with the reason), then applied in one commit. The rows are
read by exports/proposals_import.py; the upload waits in the database between preview and apply,
so any worker process can finish it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from assessment.errors import SessionLocked, UserError
from assessment.extensions import db
from assessment.models import Proposal, ProposalUpload, ReviewSession, new_proposal_uid, utcnow
from assessment.question_types import clean_text

NEW, UPDATED, UNCHANGED, REFUSED = "new", "updated", "unchanged", "refused"
KINDS = (NEW, UPDATED, UNCHANGED, REFUSED)
FIELDS = ("question_id", "text", "owner", "deadline", "priority", "status")  # what a row can change
UPLOAD_LIFETIME = timedelta(days=1)


@dataclass
class SheetRow:
    """One proposal as a sheet row holds it; `problems` say, each with its cell, why it cannot be
    imported as it is."""
    number: int
    uid: str | None = None
    question_id: str | None = None
    text: str = ""
    owner: str = ""
    deadline: date | None = None
    priority: str = "medium"
    status: str = "new"
    year: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class RowOutcome:
    """What importing one row would do: its kind, the proposal it matches, and the changes as
    (field, value now, value from the row)."""
    row: SheetRow
    kind: str
    proposal: Proposal | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


class RowsRefused(UserError):
    status_code = 422


def _comparable(proposal: Proposal, name: str) -> Any:
    value = getattr(proposal, name)
    return clean_text(value).strip() if name in ("text", "owner") else value


def classify(session: ReviewSession, rows: list[SheetRow]) -> list[RowOutcome]:
    """What importing `rows` would do to the session, row by row. A row finds its proposal by uid;
    a row without a known uid (an older workbook, or another session's) by question and text.
    Each proposal is matched by one row at most."""
    proposals = list(db.session.scalars(select(Proposal).filter_by(session_id=session.id).order_by(Proposal.id)))
    by_uid = {p.uid: p for p in proposals}
    matches: dict[int, Proposal] = {}
    for row in rows:
        if not row.problems and row.uid in by_uid:
            matches[row.number] = by_uid[row.uid]
    claimed = {p.id for p in matches.values()}
    for row in rows:
        if row.problems or row.number in matches:
            continue
        same = next((p for p in proposals if p.id not in claimed and p.question_id == row.question_id
                     and _comparable(p, "text") == row.text), None)
        if same is not None:
            matches[row.number] = same
            claimed.add(same.id)
    outcomes = []
    for row in rows:
        proposal = matches.get(row.number)
        if row.problems:
            outcomes.append(RowOutcome(row, REFUSED))
        elif proposal is None:
            outcomes.append(RowOutcome(row, NEW))
        else:
            changes = [(name, getattr(proposal, name), getattr(row, name)) for name in FIELDS
                       if _comparable(proposal, name) != getattr(row, name)]
            outcomes.append(RowOutcome(row, UPDATED if changes else UNCHANGED, proposal, changes))
    return outcomes


def count_kinds(outcomes: list[RowOutcome]) -> dict[str, int]:
    return {kind: sum(1 for o in outcomes if o.kind == kind) for kind in KINDS}


def origin_year(session: ReviewSession, year: int | None) -> int | None:
    """The year a new row is carried from: its own, when earlier than the session's; a row without
    a year (added by hand) is this year's."""
    return year if year is not None and year < session.programme_year else None


def apply_import(session: ReviewSession, rows: list[SheetRow], skip_refused: bool = False,
                 upload: ProposalUpload | None = None) -> dict[str, int]:
    """Add the new rows and update the changed ones, in one commit (with the upload gone). Nothing
    is applied while a row is refused, unless `skip_refused`. Returns the count of each kind."""
    if session.is_locked:
        raise SessionLocked()
    outcomes = classify(session, rows)
    counts = count_kinds(outcomes)
    if counts[REFUSED] and not skip_refused:
        raise RowsRefused(_l("Nothing was imported: some rows are refused. Correct them in the workbook "
                             "and upload it again, or choose to skip them."))
    for outcome in outcomes:
        row = outcome.row
        if outcome.kind == NEW:
            db.session.add(Proposal(
                uid=row.uid or new_proposal_uid(), session_id=session.id, question_id=row.question_id,
                text=row.text, owner=row.owner, deadline=row.deadline, priority=row.priority,
                status=row.status, origin_year=origin_year(session, row.year)))
        elif outcome.kind == UPDATED:
            for name, _before, after in outcome.changes:
                setattr(outcome.proposal, name, after)
    if upload is not None:
        db.session.delete(upload)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same upload applied twice at once: one of them wins
        db.session.rollback()
        raise UserError(_l("The proposals changed meanwhile. Upload the workbook again.")) from error
    return counts


def keep_upload(session: ReviewSession, filename: str, content: bytes) -> ProposalUpload:
    """Keep an uploaded workbook until it is applied or cancelled; uploads left for a day go."""
    if session.is_locked:
        raise SessionLocked()
    db.session.execute(delete(ProposalUpload).where(ProposalUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    upload = ProposalUpload(session_id=session.id, filename=(filename or "")[:255], content=content)
    db.session.add(upload)
    db.session.commit()
    return upload


def upload_of(session: ReviewSession, upload_id: int) -> ProposalUpload | None:
    upload = db.session.get(ProposalUpload, upload_id)
    return upload if upload is not None and upload.session_id == session.id else None


def discard_upload(upload: ProposalUpload) -> None:
    db.session.delete(upload)
    db.session.commit()
