"""The portfolio: many programmes' annual reviews side by side for a year, and one programme's course
over its years. Indicators are matched by question id across bank versions. Each function reads all
programmes at once in a fixed handful of queries, however many programmes there are."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from assessment.banks import Bank, Question, Text, bank_from_snapshot, is_cached
from assessment.extensions import db
from assessment.facilitation import FINISHED
from assessment.models import Answer, Consensus, Participant, Programme, Proposal, ReviewSession
from assessment.question_types import question_type
from assessment.results import session_total
from assessment.rules import is_shown

ANNUAL_REVIEW = "annual_review"
SORT_KEYS = ("name", "county", "programme_year", "total", "open_proposals")

# Why a cell has no grade: no review that year, the year's bank did not ask it, or not agreed yet.
NO_REVIEW, NOT_ASKED, NOT_AGREED, AGREED = "no_review", "not_asked", "not_agreed", "agreed"


@dataclass(frozen=True)
class Column:
    """An indicator as a column, known by its question id (labels from the newest bank asking it)."""

    question_id: str
    label: Text
    group: str | None


@dataclass(frozen=True)
class Cell:
    state: str                   # AGREED, NOT_AGREED, NOT_ASKED or NO_REVIEW
    grade: int | None = None
    previous: int | None = None  # last year's agreed grade, where there is one
    level: str = ""              # "low", "middle" or "high" on the question's scale

    @property
    def change(self) -> int | None:
        return None if self.grade is None or self.previous is None else self.grade - self.previous


@dataclass
class PortfolioRow:
    programme: Programme
    session: ReviewSession | None    # the year's annual review, None when none is held
    programme_year: int | None
    cells: dict[str, Cell]
    total: float | None = None
    open_proposals: int | None = None


@dataclass
class Portfolio:
    year: int
    years: list[int]                 # calendar years with a review, newest first
    counties: list[str]
    programme_years: list[int]
    columns: list[Column]
    rows: list[PortfolioRow]


def review_year(session: ReviewSession, programme: Programme) -> int | None:
    """The calendar year of a session: its meeting date's, else worked out from the programme year."""
    if session.meeting_date is not None:
        return session.meeting_date.year
    if programme.start_year is not None:
        return programme.start_year + session.programme_year - 1
    return None


def load_banks(sessions: Iterable[ReviewSession]) -> None:
    """Build the banks of `sessions` not cached yet from one query (a snapshot per bank), so that
    no session's bank reads its snapshot on its own."""
    missing = {s.bank_hash for s in sessions if not is_cached(s.bank_hash)}
    if not missing:
        return
    first = (select(func.min(ReviewSession.id)).where(ReviewSession.bank_hash.in_(missing))
             .group_by(ReviewSession.bank_hash))
    rows = db.session.execute(select(ReviewSession.bank_hash, ReviewSession.bank_snapshot)
                              .where(ReviewSession.id.in_(first)))
    for digest, snapshot in rows:
        bank_from_snapshot(snapshot, digest)


def annual_reviews(programme_ids: Sequence[int]) -> dict[int, list[ReviewSession]]:
    """Each programme's annual reviews by programme year (one query, and one for new banks)."""
    if not programme_ids:
        return {}
    sessions = list(db.session.scalars(
        select(ReviewSession).where(ReviewSession.programme_id.in_(programme_ids))
        .order_by(ReviewSession.programme_year, ReviewSession.id)))
    load_banks(sessions)
    by_programme: dict[int, list[ReviewSession]] = defaultdict(list)
    for session in sessions:
        if session.bank.kind == ANNUAL_REVIEW:
            by_programme[session.programme_id].append(session)
    return by_programme


def _grades(session_ids: Iterable[int]) -> dict[int, dict[str, int | None]]:
    """Agreed grades by session and question id, for many sessions in one query."""
    ids = list(session_ids)
    grades: dict[int, dict[str, int | None]] = defaultdict(dict)
    if ids:
        for session_id, question_id, grade in db.session.execute(
                select(Consensus.session_id, Consensus.question_id, Consensus.grade)
                .where(Consensus.session_id.in_(ids))):
            grades[session_id][question_id] = grade
    return grades


def _open_proposals(session_ids: Iterable[int]) -> dict[int, int]:
    """The number of proposals neither done nor dropped, by session, in one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Proposal.session_id, func.count(Proposal.id))
        .where(Proposal.session_id.in_(ids), Proposal.status.not_in(FINISHED))
        .group_by(Proposal.session_id)).all())


def columns_of(banks: Iterable[Bank]) -> list[Column]:
    """The indicators of `banks` (newest first) matched by question id, each once, in bank order."""
    columns: dict[str, Column] = {}
    for bank in banks:
        for question in bank.indicators:
            columns.setdefault(question.id, Column(question.id, question.label, question.group))
    return list(columns.values())


def level_of(question: Question, grade: int | None) -> str:
    """Where a grade lies on the question's scale: the lowest, middle or highest third."""
    if grade is None:
        return ""
    scale = question.scale
    position = (grade - scale.min) / max(1, scale.max - scale.min)
    return "low" if position < 1 / 3 else "high" if position > 2 / 3 else "middle"


def _cell(bank: Bank | None, question_id: str, grades: dict[str, Any], previous: dict[str, Any]) -> Cell:
    if bank is None:
        return Cell(NO_REVIEW)
    question = bank.question(question_id)
    if question is None or not question.is_indicator:
        return Cell(NOT_ASKED)
    grade = grades.get(question_id)
    before = previous.get(question_id)
    before = before if isinstance(before, int) else None
    if not isinstance(grade, int):
        return Cell(NOT_AGREED, previous=before)
    return Cell(AGREED, grade, before, level_of(question, grade))


def _newest_first(sessions: Iterable[ReviewSession]) -> list[Bank]:
    banks: dict[str, Bank] = {}
    for session in sorted(sessions, key=lambda s: (s.bank.version, s.id), reverse=True):
        banks.setdefault(session.bank_hash, session.bank)
    return list(banks.values())


def build_portfolio(programmes: Sequence[Programme], year: int | None = None, county: str = "",
                    programme_year: int | None = None, sort: str = "name", descending: bool = False
                    ) -> Portfolio:
    """The table for `year` (the latest year with a review when None): a row per programme with its
    agreed grades, last year's beside them, the weighted total and the open proposals."""
    by_programme = annual_reviews([p.id for p in programmes])
    by_year: dict[tuple[int, int], ReviewSession] = {}
    for programme in programmes:
        for session in by_programme.get(programme.id, []):
            calendar_year = review_year(session, programme)
            if calendar_year is not None:
                by_year[(programme.id, calendar_year)] = session  # the latest programme year wins
    years = sorted({y for _p, y in by_year}, reverse=True)
    if year is None:
        year = years[0] if years else _this_year()
    counties = sorted({p.county for p in programmes if p.county}, key=str.lower)
    chosen = [p for p in programmes if not county or p.county.lower() == county.lower()]
    this = {p.id: by_year.get((p.id, year)) for p in chosen}
    last = {p.id: by_year.get((p.id, year - 1)) for p in chosen}
    held = [s for s in this.values() if s is not None]
    grades = _grades([s.id for s in held] + [s.id for s in last.values() if s is not None])
    open_counts = _open_proposals(s.id for s in held)
    columns = columns_of(_newest_first(held))
    rows = []
    programme_years = set()
    for programme in chosen:
        session = this[programme.id]
        prog_year = session.programme_year if session else (
            year - programme.start_year + 1 if programme.start_year else None)
        if prog_year is not None:
            programme_years.add(prog_year)
        if programme_year is not None and prog_year != programme_year:
            continue
        previous = last[programme.id]
        these = grades.get(session.id, {}) if session else {}
        before = grades.get(previous.id, {}) if previous else {}
        row = PortfolioRow(programme, session, prog_year,
                           {c.question_id: _cell(session.bank if session else None, c.question_id, these, before)
                            for c in columns})
        if session is not None:
            row.total = session_total(session.bank, session.programme_year, these)
            row.open_proposals = open_counts.get(session.id, 0)
        rows.append(row)
    rows = sort_rows(rows, sort, descending)
    return Portfolio(year, years, counties, sorted(programme_years), columns, rows)


def _this_year() -> int:
    from datetime import date

    return date.today().year


def sort_rows(rows: list[PortfolioRow], sort: str, descending: bool = False) -> list[PortfolioRow]:
    """Rows sorted by a column (a SORT_KEYS name or an indicator id); rows without a value last."""
    def value(row: PortfolioRow):
        if sort == "name":
            return row.programme.name.lower()
        if sort == "county":
            return row.programme.county.lower()
        if sort == "programme_year":
            return row.programme_year
        if sort == "total":
            return row.total
        if sort == "open_proposals":
            return row.open_proposals
        cell = row.cells.get(sort)
        return cell.grade if cell else None

    by_name = sorted(rows, key=lambda r: (r.programme.name.lower(), r.programme.id))
    present = [r for r in by_name if value(r) is not None]
    absent = [r for r in by_name if value(r) is None]
    return sorted(present, key=value, reverse=descending) + absent


# ---------------------------------------------------------------- one programme's course

@dataclass(frozen=True)
class Means:
    """An indicator's scores in one session: everyone's, the leadership's and the observers'."""

    mean: float | None = None
    n: int = 0
    leadership: float | None = None
    leadership_n: int = 0
    observers: float | None = None
    observers_n: int = 0


@dataclass(frozen=True)
class CoursePoint:
    year: int | None                 # calendar year
    programme_year: int
    session: ReviewSession
    asked: bool
    grade: int | None
    means: Means


@dataclass
class CourseLine:
    column: Column
    points: list[CoursePoint]


@dataclass(frozen=True)
class ProposalFlow:
    """A year's proposals: made that year, carried in from the year before, and where they stand."""

    programme_year: int
    year: int | None
    new: int
    carried: int
    done: int
    dropped: int
    open: int


@dataclass
class Course:
    programme: Programme
    sessions: list[ReviewSession]
    lines: list[CourseLine]
    flow: list[ProposalFlow] = field(default_factory=list)


def indicator_means(sessions: Sequence[ReviewSession]) -> dict[int, dict[str, Means]]:
    """Each session's indicator means by role group (leadership, observers), counted as the session's
    own results count them (a hidden question's stale answer left out). One query for all sessions:
    only the answers to indicators and to the questions their conditions read."""
    wanted: set[str] = set()
    for session in sessions:
        for question in session.bank.indicators:
            wanted.add(question.id)
            if question.show_if is not None:
                wanted.add(question.show_if.question)
    if not sessions or not wanted:
        return {}
    people: dict[int, tuple[int, str, dict[str, Any]]] = {}
    # Plain table columns: run as Core, without the ORM's work on each of many rows.
    people_table, answers = Participant.__table__.c, Answer.__table__.c
    rows = db.session.execute(
        select(people_table.id, people_table.session_id, people_table.role_group, answers.question_id, answers.value)
        .join_from(Participant.__table__, Answer.__table__, answers.participant_id == people_table.id)
        .where(people_table.session_id.in_([s.id for s in sessions]), answers.question_id.in_(wanted)))
    for participant_id, session_id, role_group, question_id, value in rows:
        people.setdefault(participant_id, (session_id, role_group, {}))[2][question_id] = value
    by_session: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for session_id, role_group, values in people.values():
        by_session[session_id].append((role_group, values))
    result: dict[int, dict[str, Means]] = {}
    for session in sessions:
        indicators = session.bank.indicators
        scores = {q.id: ([], [], []) for q in indicators}  # everyone's, the leadership's, the observers'
        for role_group, values in by_session.get(session.id, []):
            group = 1 if role_group == "leadership" else 2
            for question in indicators:
                value = values.get(question.id)
                if value is None or ((question.show_if is not None or question.roles)
                                     and not is_shown(question, values, role_group)):
                    continue
                lists = scores[question.id]
                lists[0].append(value)
                lists[group].append(value)
        result[session.id] = {}
        for question in indicators:
            summarise = question_type(question).summarise
            everyone, leaders, observers = (summarise(question, values) for values in scores[question.id])
            result[session.id][question.id] = Means(everyone.mean, everyone.n, leaders.mean, leaders.n,
                                                    observers.mean, observers.n)
    return result


def proposal_flow(sessions: Sequence[ReviewSession], programme: Programme) -> list[ProposalFlow]:
    """Year by year: proposals made, carried in from last year, done, dropped and still open."""
    counts: dict[int, dict[tuple[bool, str], int]] = defaultdict(dict)
    if sessions:
        for session_id, carried, status, number in db.session.execute(
                select(Proposal.session_id, Proposal.origin_year.is_not(None), Proposal.status,
                       func.count(Proposal.id))
                .where(Proposal.session_id.in_([s.id for s in sessions]))
                .group_by(Proposal.session_id, Proposal.origin_year.is_not(None), Proposal.status)):
            counts[session_id][(bool(carried), status)] = number
    flow = []
    for session in sessions:
        mine = counts.get(session.id, {})

        def total(carried=None, status=None):
            return sum(n for (c, s), n in mine.items()
                       if (carried is None or c == carried) and (status is None or s == status))

        flow.append(ProposalFlow(session.programme_year, review_year(session, programme), total(carried=False),
                                 total(carried=True), total(status="done"), total(status="dropped"),
                                 total() - total(status="done") - total(status="dropped")))
    return flow


def programme_course(programme: Programme) -> Course:
    """A programme's annual reviews over its years: per indicator the agreed grade and the means by
    role group, and the proposals' flow."""
    sessions = annual_reviews([programme.id]).get(programme.id, [])
    grades = _grades(s.id for s in sessions)
    means = indicator_means(sessions)
    columns = columns_of(_newest_first(sessions))
    lines = []
    for column in columns:
        points = []
        for session in sessions:
            question = session.bank.question(column.question_id)
            asked = question is not None and question.is_indicator
            grade = grades.get(session.id, {}).get(column.question_id) if asked else None
            points.append(CoursePoint(review_year(session, programme), session.programme_year, session, asked,
                                      grade if isinstance(grade, int) else None,
                                      means.get(session.id, {}).get(column.question_id, Means())))
        lines.append(CourseLine(column, points))
    return Course(programme, sessions, lines, proposal_flow(sessions, programme))


@dataclass(frozen=True)
class LongRow:
    """One programme's indicator in one year, for the portfolio workbook's long sheet."""

    programme: Programme
    year: int | None
    programme_year: int
    column: Column
    asked: bool
    grade: int | None
    means: Means


def portfolio_long(programmes: Sequence[Programme]) -> list[LongRow]:
    """Every annual review of `programmes`, a row per indicator of any of their banks (matched by
    question id; `asked` False where that year's bank did not ask it). Four queries in all."""
    by_programme = annual_reviews([p.id for p in programmes])
    sessions = [s for p in programmes for s in by_programme.get(p.id, [])]
    grades = _grades(s.id for s in sessions)
    means = indicator_means(sessions)
    columns = columns_of(_newest_first(sessions))
    rows = []
    for programme in programmes:
        for session in by_programme.get(programme.id, []):
            year = review_year(session, programme)
            for column in columns:
                question = session.bank.question(column.question_id)
                asked = question is not None and question.is_indicator
                grade = grades.get(session.id, {}).get(column.question_id) if asked else None
                rows.append(LongRow(programme, year, session.programme_year, column, asked,
                                    grade if isinstance(grade, int) else None,
                                    means.get(session.id, {}).get(column.question_id, Means())))
    return rows
