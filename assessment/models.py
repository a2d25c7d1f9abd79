"""SQLAlchemy models: programmes, review sessions, participants and their answers."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.extensions import db

# How passwords are hashed: Werkzeug's default, scrypt (N=32768). The tests set a cheap method, since
# every login there would otherwise cost about 0.1 s of CPU; a stored hash names its own method.
PASSWORD_HASH_METHOD = "scrypt"
SESSION_STATES = ("preparation", "scoring", "discussion", "closed")
PRIORITIES = ("high", "medium", "low")
PROPOSAL_STATUSES = ("new", "in_progress", "done", "dropped")
ROLE_GROUPS = (
    "leadership",
    "observer_county",
    "observer_innovation_norway",
    "observer_municipality",
)
# Join codes avoid letters that are easy to misread on a projector (0/O, 1/I/L).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_token() -> str:
    """An unguessable participant token (192 bits)."""
    return secrets.token_urlsafe(24)


def new_proposal_uid() -> str:
    """A proposal's stable id: it travels in the workbook and follows the proposal across years."""
    return secrets.token_hex(16)


def new_join_code(length: int = 6) -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


class Facilitator(UserMixin, db.Model):
    """A person with an account: runs review sessions for the programmes they have access to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of every session's id (get_id): changing it ends the sessions logged in before.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # "facilitator" runs sessions; "viewer" (a county, Innovation Norway) only reads, never names.
    role: Mapped[str] = mapped_column(String(20), default="facilitator", server_default="facilitator")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_viewer(self) -> bool:
        return self.role == "viewer"

    def get_id(self) -> str:
        """The id with the session version (Flask-Login's alternative token): a session cookie holds
        it, and it stops working when the version changes (logout, a new password)."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class ProgrammeAccess(db.Model):
    """Which facilitators may see and run a programme's sessions."""

    __table_args__ = (UniqueConstraint("programme_id", "facilitator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    is_owner: Mapped[bool] = mapped_column(default=False)
    # Sees results, conclusions, proposals and exports, never participants' names; changes nothing.
    read_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facilitator: Mapped[Facilitator] = relationship()


class CountyAccess(db.Model):
    """Read-only access to every programme of a county (matched without regard to case)."""

    __table_args__ = (UniqueConstraint("facilitator_id", "county"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    county: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Programme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(200), default="")
    county: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[ReviewSession]] = relationship(
        back_populates="programme", order_by="(ReviewSession.programme_year, ReviewSession.id)",
        cascade="all, delete-orphan")
    access: Mapped[list[ProgrammeAccess]] = relationship(cascade="all, delete-orphan")


class ReviewSession(db.Model):
    """One review meeting, run with the exact bank it was created from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    bank_id: Mapped[str] = mapped_column(String(100))
    bank_version: Mapped[str] = mapped_column(String(50))
    bank_hash: Mapped[str] = mapped_column(String(64))
    # Read only when the bank is not already cached by its hash: it is the largest column by far.
    bank_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    programme_year: Mapped[int] = mapped_column()
    meeting_date: Mapped[date | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default="scoring")
    join_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_join_code)
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Section ids participants may answer; None means every section.
    open_sections: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Indicator ids whose results participants may see; reveal_all shows every one.
    revealed: Mapped[list[str]] = mapped_column(JSON, default=list)
    reveal_all: Mapped[bool] = mapped_column(default=False)
    # The indicator the presenter view shows on the wall; None shows the join code and QR code.
    presented_question: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Divergence rules for this session, overriding the bank's (keys range, stdev, split).
    divergence_rules: Mapped[dict[str, float] | None] = mapped_column(JSON, nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="sessions")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", order_by="Participant.id", cascade="all, delete-orphan")
    consensus: Mapped[list[Consensus]] = relationship(cascade="all, delete-orphan")
    proposals: Mapped[list[Proposal]] = relationship(back_populates="session", order_by="Proposal.id",
                                                     cascade="all, delete-orphan")
    proposal_uploads: Mapped[list[ProposalUpload]] = relationship(cascade="all, delete-orphan")

    @property
    def bank(self):
        """The exact bank the session runs with (its snapshot, read only when not cached by hash)."""
        from assessment.banks import bank_from_snapshot

        return bank_from_snapshot(lambda: self.bank_snapshot, self.bank_hash)

    @property
    def is_locked(self) -> bool:
        return self.state == "closed"

    def is_section_open(self, section_id: str) -> bool:
        if self.state == "closed":
            return False
        return self.open_sections is None or section_id in self.open_sections

    def is_revealed(self, question_id: str) -> bool:
        return self.reveal_all or question_id in (self.revealed or [])


class Participant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("review_session.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    name: Mapped[str] = mapped_column(String(120))
    role_group: Mapped[str] = mapped_column(String(40), default="leadership")
    # Where the invitation goes, when the facilitator has it (a pasted list's optional column).
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    current_step: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[ReviewSession] = relationship(back_populates="participants")
    answers: Mapped[list[Answer]] = relationship(back_populates="participant", cascade="all, delete-orphan")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="participant", order_by="Invitation.id",
                                                         cascade="all, delete-orphan")

    @property
    def is_observer(self) -> bool:
        return self.role_group != "leadership"


class Invitation(db.Model):
    """An invitation e-mail that the server accepted: to whom, when and in which language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))

    participant: Mapped[Participant] = relationship(back_populates="invitations")


class Answer(db.Model):
    """A participant's current answer to one question, keyed by the bank's stable question id."""

    # The unique constraint's index also finds a participant's answers. The second index answers
    # the live dashboard's "has anything changed?" (results.live_version) from the index alone.
    __table_args__ = (UniqueConstraint("participant_id", "question_id"),
                      Index("ix_answer_participant_id_updated_at", "participant_id", "updated_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="answers")


class Consensus(db.Model):
    """What the team agreed on one question: an indicator's common grade, or any other question's
    agreed answer (`value`, stored as its question type stores an answer); with the written
    conclusion (a note, for other questions) and any dissent."""

    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("review_session.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    grade: Mapped[int | None] = mapped_column()
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    dissent: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id"))

    changes: Mapped[list[ConsensusChange]] = relationship(
        back_populates="consensus", order_by="ConsensusChange.id", cascade="all, delete-orphan")

    def as_dict(self) -> dict[str, Any]:
        """What the history keeps; `value` only when there is an agreed answer (indicators have none)."""
        agreed = {"value": self.value} if self.value is not None else {}
        return {"grade": self.grade, **agreed, "conclusion": self.conclusion, "dissent": self.dissent}


class ConsensusChange(db.Model):
    """One change to a consensus: who, when, what it was before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consensus_id: Mapped[int] = mapped_column(ForeignKey("consensus.id"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)

    consensus: Mapped[Consensus] = relationship(back_populates="changes")
    facilitator: Mapped[Facilitator | None] = relationship()


class Proposal(db.Model):
    """An improvement proposal for next year's action plan."""

    __table_args__ = (Index("ix_proposal_session_id_uid", "session_id", "uid", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across workbook round trips and carry-over: a carried copy keeps its origin's uid.
    uid: Mapped[str] = mapped_column(String(32), default=new_proposal_uid)
    session_id: Mapped[int] = mapped_column(ForeignKey("review_session.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(100))  # None: about the programme as a whole
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[date | None] = mapped_column()
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="new")
    # Carried over from an earlier session's proposal (or imported from last year's workbook).
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    origin_year: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[ReviewSession] = relationship(back_populates="proposals")
    # Next years' copies of this proposal; deleting it leaves them, without the link.
    copies: Mapped[list[Proposal]] = relationship(back_populates="origin")
    origin: Mapped[Proposal | None] = relationship(back_populates="copies", remote_side=[id])


class ProposalUpload(db.Model):
    """A Proposals workbook uploaded for import, kept between its preview and apply or cancel, so
    any worker process can show the preview and apply it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("review_session.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


bank_version_share = db.Table(
    "bank_version_share",
    db.Column("bank_version_id", ForeignKey("bank_version.id", ondelete="CASCADE"), primary_key=True),
    db.Column("facilitator_id", ForeignKey("facilitator.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class BankVersion(db.Model):
    """A question bank uploaded in the interface: a version of a bank id, beside the shipped
    files, owned by its uploader and shared with chosen colleagues. It never changes once saved."""

    __table_args__ = (UniqueConstraint("bank_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Facilitator] = relationship()
    shared_with: Mapped[list[Facilitator]] = relationship(secondary=bank_version_share,
                                                          order_by="Facilitator.email")

    @property
    def bank(self):
        from assessment.banks import bank_from_snapshot

        return bank_from_snapshot(lambda: self.snapshot, self.hash)


class BankUpload(db.Model):
    """A valid bank file waiting between its preview and confirm or cancel (any worker process
    can show and save it); left unconfirmed for a day, it goes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def bank(self):
        from assessment.banks import bank_from_snapshot

        return bank_from_snapshot(lambda: self.snapshot, self.hash)
