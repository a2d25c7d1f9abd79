"""The report draft as plain data: every fact, heading and sentence of the report, worked out once
from a session's SessionData in one language, so the Markdown, the printable page and the Word
document only lay it out (no logic in three templates)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date

from assessment.banks import Question
from assessment.i18n import N_, translate
from assessment.labels import PRIORITY_LABELS, ROLE_SHORT_LABELS, STATUS_LABELS, label
from assessment.models import ROLE_GROUPS
from assessment.question_types import CANNOT_ASSESS
from exports.data import AnswerRow, IndicatorRow, ProposalRow, SessionData
from exports.labels import header

# The report's own words; English message ids, translated by Babel (translations/nb).
TEXTS = {
    "title": N_("Report draft"),
    "county": N_("County"),
    "facilitator": N_("Facilitator"),
    "method": N_("Method"),
    "method_review": N_(
        "Before the meeting each participant scored the indicators from %(low)d to %(high)d on their own "
        "and justified the score. In the meeting the group discussed the indicators, those with the most "
        "disagreement first, and agreed a common grade with a written conclusion for each."),
    "method_other": N_(
        "Before the meeting each participant answered the questions on their own. In the meeting the "
        "group discussed the answers and agreed a common answer; the individual answers are summed up "
        "under each question."),
    "results_table": N_("Common grades, this year and last year"),
    "this_year": N_("This year"),
    "last_year_grade": N_("Last year"),
    "change": N_("Change"),
    "not_asked_last_year": N_("not asked last year"),
    "weights": N_("Weights and weighted total"),
    "weight": N_("Weight"),
    "group_mean": N_("Mean of the common grades"),
    "weighted_total": N_("Weighted total grade"),
    "total_missing": N_("Not computed yet: every weighted group needs at least one agreed grade."),
    "chart": N_("Common grades, %(group)s"),
    "series_this_year": N_("Common grade this year"),
    "series_last_year": N_("Common grade last year"),
    "series_leadership": N_("Leadership mean"),
    "series_observers": N_("Observer mean"),
    "grade": N_("Common grade"),
    "conclusion": N_("Conclusion"),
    "dissent": N_("Dissent"),
    "digest": N_("What the participants wrote"),
    "not_agreed": N_("Not yet agreed"),
    "not_agreed_intro": N_("No common answer has been recorded yet for:"),
    "mean_of": N_("participants' mean %(mean)s, %(n)d scores"),
    "agreed_answer": N_("Agreed answer"),
    "note": N_("Note"),
    "answers": N_("Answers"),
    "proposals": N_("Improvement proposals"),
    "no_proposals": N_("No proposals recorded."),
    "last_year_proposals": N_("Last year's proposals and their status"),
    "next_steps": N_("Next steps"),
    "next_review_1": N_("The facilitator sends this draft to the participants within a week of the meeting."),
    "next_review_2": N_("The programme takes the improvement proposals, with owner and deadline, into next year's action plan."),
    "next_review_3": N_("Next year's review starts from these proposals and their status."),
    "next_closure_1": N_("The facilitator sends this draft to the participants within a week of the meeting."),
    "next_closure_2": N_("The municipality follows up the agreed answers as it takes the work over."),
    "next_closure_3": N_("The final report and the accounts are completed and sent to the county."),
    "participants_none": N_("No participants yet."),
    "whole_programme": N_("The programme as a whole"),
    "year": N_("Programme year %(year)d"),
}


def text(key: str, lang: str, **params) -> str:
    return translate(TEXTS[key], lang, **params)


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class RoleLine:
    role: str
    count: int
    names: list[str]   # empty unless names were asked for (and the session is not anonymous)


@dataclass
class ResultRow:
    indicator: str
    group: str
    this_year: str
    last_year: str
    change: str


@dataclass
class WeightLine:
    group: str
    weight: str
    mean: str


@dataclass
class Bar:
    label: str
    values: list[float | None]   # one per series


@dataclass
class Chart:
    title: str
    series: list[str]
    top: int                     # the scale's highest level
    bars: list[Bar]


@dataclass
class DigestGroup:
    """What the participants of one role group wrote, attributed to the role only."""

    role: str
    items: list[str]


@dataclass
class IndicatorPart:
    label: str
    grade: str
    last_year: str
    conclusion: str              # Markdown, as the facilitator wrote it
    dissent: str
    digest: list[DigestGroup]


@dataclass
class QuestionPart:
    label: str
    agreed: str | None           # the agreed answer as read, None while not agreed
    note: str                    # Markdown
    summary: str                 # the agreed answer, else the distinct individual answers
    digest: list[DigestGroup]


@dataclass
class AnswerPart:
    title: str
    questions: list[QuestionPart]
    as_table: bool = False       # facts: one table row per question


@dataclass
class ProposalLine:
    indicator: str
    text: str
    owner: str
    deadline: str
    priority: str
    status: str
    year: str


@dataclass
class Report:
    lang: str
    title: str
    draft_note: str
    facts: list[Fact]
    roles: list[RoleLine]
    method: str
    results: list[ResultRow]
    weights: list[WeightLine]
    total: str
    agreement: list[Fact]        # the indicators with the strongest agreement and disagreement
    charts: list[Chart]
    indicators: list[IndicatorPart]
    answer_parts: list[AnswerPart]
    not_agreed: list[str]
    proposals: list[ProposalLine]
    last_year_proposals: list[ProposalLine]
    next_steps: list[str]
    labels: dict[str, str] = field(default_factory=dict)   # the headings, in the report's language


def long_date(day: date | None, lang: str) -> str:
    """A date as Norwegian (or English) prose writes it: 29. november 2026."""
    return format_date(day, format="long", locale=lang) if day else "–"


def number(value: float | None, lang: str) -> str:
    """A grade or mean with at most two decimals, in the language's decimal mark; '–' for none."""
    if value is None:
        return "–"
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return shown.replace(".", ",") if lang == "nb" else shown


def _change(now: int | None, before: int | None) -> str:
    if now is None or before is None:
        return "–"
    difference = now - before
    return f"+{difference}" if difference > 0 else ("±0" if difference == 0 else f"−{-difference}")


def _grade(question: Question, grade: int | None, lang: str) -> str:
    if grade is None:
        return "–"
    level = question.scale.labels.get(grade)
    return f"{grade} – {level.get(lang)}" if level else str(grade)


def _attached(data: SessionData) -> dict[str, str]:
    """Which indicator each follow-up question belongs to: the indicator its condition asks about,
    else the indicator it follows in its section (its "what must change?" and the like)."""
    indicators = {q.id for q in data.bank.indicators}
    owner: dict[str, str] = {}
    for section in data.bank.sections:
        current = None
        for question in section.questions:
            if question.is_indicator:
                current = question.id
            elif question.show_if and question.show_if.question in indicators:
                owner[question.id] = question.show_if.question
            elif current is not None:
                owner[question.id] = current
    return owner


def _entries(rows: list[AnswerRow], with_value: bool) -> list[tuple[str, str]]:
    """(role group, what was written) for each answer: its value as read and its justification."""
    entries = []
    for row in rows:
        parts = ([row.value_label] if with_value and row.value_label else []) + ([row.comment] if row.comment else [])
        if parts:
            entries.append((row.role_group, " – ".join(parts)))
    return entries


def _digest(entries: list[tuple[str, str]], lang: str) -> list[DigestGroup]:
    """What was written, by role group in the app's order of roles, never with a name; the same
    words written by several people of a group are listed once, with how many wrote them."""
    by_role: dict[str, dict[str, int]] = {}
    for role, written in entries:
        counts = by_role.setdefault(role, {})
        counts[written] = counts.get(written, 0) + 1
    order = [role for role in ROLE_GROUPS if role in by_role] + sorted(set(by_role) - set(ROLE_GROUPS))
    return [DigestGroup(label(ROLE_SHORT_LABELS, role, lang),
                        [f"{written} (×{count})" if count > 1 else written
                         for written, count in by_role[role].items()]) for role in order]


def _indicator_digest(indicator: IndicatorRow, rows_by_question: dict[str, list[AnswerRow]],
                      follow_ups: list[str], lang: str) -> list[DigestGroup]:
    """An indicator's justifications and the free text of its follow-up questions, by role."""
    justifications = _entries(rows_by_question.get(indicator.question.id, []), with_value=False)
    texts = _entries([r for qid in follow_ups for r in rows_by_question.get(qid, [])], with_value=True)
    return _digest(justifications + texts, lang)


def _proposal(p: ProposalRow, lang: str) -> ProposalLine:
    return ProposalLine(p.indicator or text("whole_programme", lang), p.text, p.owner, long_date(p.deadline, lang)
                        if p.deadline else "", label(PRIORITY_LABELS, p.priority, lang),
                        label(STATUS_LABELS, p.status, lang), str(p.year))


def _session_heading(data: SessionData) -> str:
    """A session's heading: its title, which names the year; the bank and year when it has none."""
    return data.session.title or f"{data.bank.title.get(data.lang)}, {text('year', data.lang, year=data.session.programme_year)}"


def _answer_parts(data: SessionData, skip: set[str], titled_by_session: bool) -> list[AnswerPart]:
    """A part per bank section (or one per session for a fact sheet) with every question that was
    answered or agreed: the agreed answer, the note and a digest of the individual answers."""
    lang = data.lang
    rows_by_question: dict[str, list[AnswerRow]] = {}
    for row in data.answers:
        rows_by_question.setdefault(row.question_id, []).append(row)
    as_table = data.bank.kind == "fact_sheet"
    parts = []
    for section in data.bank.sections:
        questions = []
        for question in section.questions:
            if question.is_indicator or question.id in skip:
                continue
            rows = rows_by_question.get(question.id, [])
            agreed = data.agreed.get(question.id)
            if not rows and agreed is None:
                continue
            agreed_value = agreed.value_label if agreed and agreed.value is not None else None
            distinct = list(dict.fromkeys(r.value_label for r in rows if r.value_label))
            questions.append(QuestionPart(
                question.label.get(lang), agreed_value, agreed.note if agreed else "",
                agreed_value if agreed_value is not None else "; ".join(distinct),
                _digest(_entries(rows, with_value=True), lang)))
        if questions:
            parts.append(AnswerPart(section.title.get(lang), questions, as_table))
    if as_table and titled_by_session and parts:
        return [AnswerPart(_session_heading(data), [q for p in parts for q in p.questions], True)]
    return parts


def _chart(data: SessionData, group: str, indicators: list[IndicatorRow], lang: str) -> Chart:
    series = [text("series_this_year", lang), text("series_last_year", lang),
              text("series_leadership", lang), text("series_observers", lang)]
    bars = [Bar(i.label, [i.consensus, data.previous_grades.get(i.question.id), i.result.leadership.mean,
                          i.result.observers.mean]) for i in indicators]
    for bar in bars:
        bar.values = [None if v == CANNOT_ASSESS else v for v in bar.values]
    return Chart(text("chart", lang, group=group), series, max(i.question.scale.max for i in indicators), bars)


def _agreement(indicators: list[IndicatorRow], lang: str) -> list[Fact]:
    """The indicators the participants agreed most and least on (spread of scores), when scored."""
    scored = sorted((i for i in indicators if i.result.stats.n >= 2),
                    key=lambda i: (i.result.stats.stdev, i.result.stats.spread))
    if not scored:
        return []
    return [Fact(header(key, lang), f"{i.label} ({header('stdev', lang)} {number(i.result.stats.stdev, lang)})")
            for key, i in (("agreement", scored[0]), ("disagreement", scored[-1]))]


def build_report(data: SessionData, names: bool = False) -> Report:
    """The report of a session in `data.lang`; participants' names only when `names` is asked for
    and the session is not anonymous."""
    lang = data.lang
    session, programme = data.session, data.session.programme
    facts = [
        Fact(header("programme", lang), programme.name),
        Fact(header("municipality", lang), programme.municipality or "–"),
        Fact(text("county", lang), programme.county or "–"),
        Fact(header("programme_year", lang), str(session.programme_year)),
        Fact(header("date", lang), long_date(session.meeting_date, lang)),
        Fact(text("facilitator", lang), ", ".join(data.facilitators) or "–"),
        Fact(header("bank", lang), f"{data.bank.title.get(lang)} ({data.bank.id} {data.bank.version})"),
    ]
    show_names = names and not session.anonymous
    roles = []
    for role in [r for r in ROLE_GROUPS if r in data.participants_by_role] + sorted(
            set(data.participants_by_role) - set(ROLE_GROUPS)):
        people = [p.name for p in data.people if p.role_group == role] if show_names else []
        roles.append(RoleLine(label(ROLE_SHORT_LABELS, role, lang), data.participants_by_role[role], people))

    indicators = data.indicators
    if indicators:
        scale = indicators[0].question.scale
        method = text("method_review", lang, low=scale.min, high=scale.max)
    else:
        method = text("method_other", lang)

    def last_year(question: Question, shown: str) -> str:
        """Last year's grade as shown; an indicator last year's version did not ask says so."""
        if data.previous is not None and question.id not in data.previous_asked:
            return text("not_asked_last_year", lang)
        return shown

    results = [ResultRow(i.label, i.group, str(i.consensus) if i.consensus is not None else "–",
                         last_year(i.question, str(data.previous_grades[i.question.id])
                                   if data.previous_grades.get(i.question.id) is not None else "–"),
                         _change(i.consensus, data.previous_grades.get(i.question.id))) for i in indicators]

    weights, charts = [], []
    groups = data.bank.scoring.groups if data.bank.scoring else {}
    for key, group_label in groups.items():
        members = [i for i in indicators if i.question.group == key]
        grades = [i.consensus for i in members if i.consensus is not None]
        if key in data.weights:
            weights.append(WeightLine(group_label.get(lang), f"{number(data.weights[key] * 100, lang)} %",
                                      number(sum(grades) / len(grades) if grades else None, lang)))
        if members:
            charts.append(_chart(data, group_label.get(lang), members, lang))
    total = number(data.total, lang) if data.total is not None else text("total_missing", lang)

    rows_by_question: dict[str, list[AnswerRow]] = {}
    for row in data.answers:
        rows_by_question.setdefault(row.question_id, []).append(row)
    attached = _attached(data)
    follow_ups: dict[str, list[str]] = {}
    for question_id, indicator_id in attached.items():
        follow_ups.setdefault(indicator_id, []).append(question_id)

    agreed_parts, not_agreed = [], []
    for i in indicators:
        if i.consensus is None:
            stats = i.result.stats
            not_agreed.append(f"{i.label} ({text('mean_of', lang, mean=number(stats.mean, lang), n=stats.n)})"
                              if stats.n else i.label)
            continue
        agreed_parts.append(IndicatorPart(
            i.label, _grade(i.question, i.consensus, lang),
            last_year(i.question, _grade(i.question, data.previous_grades.get(i.question.id), lang)),
            i.conclusion, i.dissent, _indicator_digest(i, rows_by_question, follow_ups.get(i.question.id, []), lang)))

    answer_parts = _answer_parts(data, set(attached), titled_by_session=False)
    if data.bank.kind != "annual_review":
        not_agreed += [q.label for part in answer_parts for q in part.questions if q.agreed is None]
    for other in data.other_sessions:
        answer_parts += _answer_parts(other, set(), titled_by_session=True)

    kind = "review" if data.bank.kind == "annual_review" else "closure"
    labels = {key: text(key, lang) for key in (
        "method", "results_table", "this_year", "last_year_grade", "change", "weights", "weight",
        "group_mean", "weighted_total", "grade", "conclusion", "dissent", "digest", "not_agreed",
        "not_agreed_intro", "agreed_answer", "note", "answers", "proposals", "no_proposals",
        "last_year_proposals", "next_steps")}
    labels.update({key: header(key, lang) for key in (
        "facts", "participants", "results", "indicator", "group", "proposal", "owner", "deadline",
        "priority", "status", "year", "question", "conclusions")})
    return Report(
        lang=lang,
        title=f"{text('title', lang)}: {programme.name} – {_session_heading(data)}",
        draft_note=header("draft_note", lang),
        facts=facts, roles=roles, method=method, results=results, weights=weights, total=total,
        agreement=_agreement(indicators, lang),
        charts=charts, indicators=agreed_parts, answer_parts=answer_parts, not_agreed=not_agreed,
        proposals=[_proposal(p, lang) for p in data.proposals],
        last_year_proposals=[_proposal(p, lang) for p in data.carried],
        next_steps=[text(f"next_{kind}_{n}", lang) for n in (1, 2, 3)],
        labels=labels,
    )
