"""A demo programme a newcomer can click through: two years of reviews with answers; and two more
programmes in other counties with several years of history, so the portfolio has something to show."""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from assessment.banks import Bank, Question, get_bank
from assessment.question_types import question_type
from assessment.extensions import db
from assessment.facilitators import create_facilitator, find_facilitator, grant_access, share_read_only
from assessment.facilitation import (add_proposal, carried_proposals, carry_over_proposals, save_consensus,
                                     set_proposal_status, set_state)
from assessment.models import Answer, Facilitator, Participant, Programme, ReviewSession, utcnow
from assessment.programmes import create_programme, create_session
from assessment.rules import is_shown

DEMO_PROGRAMME = "Demo: Fjordvik omstillingsprogram"
DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-facilitator"
# A viewer who follows all the demo's programmes read-only (Innovasjon Norge's observer, say).
DEMO_VIEWER_EMAIL = "observator@example.org"
DEMO_VIEWER_PASSWORD = "demo-observator"

PEOPLE = [
    ("Kari Nordmann", "leadership"),
    ("Ola Hansen", "leadership"),
    ("Ingrid Berg", "leadership"),
    ("Per Johansen", "leadership"),
    ("Silje Dahl", "observer_county"),
    ("Anders Lie", "observer_innovation_norway"),
    ("Marte Holm", "observer_municipality"),
]

JUSTIFICATIONS = [
    "Styret har jobbet godt med dette, men vi mangler fortsatt faste rutiner.",
    "Vi ser tydelig fremgang sammenlignet med i fjor.",
    "Her er det et gap mellom plan og gjennomføring.",
    "Næringslivet er godt involvert, kommunen kan bidra mer.",
    "Målene er klare, men rapporteringen kommer ofte for sent.",
    "For tidlig å si mye om effekten, men signalene er gode.",
]
DEMO_CONCLUSIONS = [
    "Gruppen er enig om at arbeidet er i gang, men at **rutinene** må på plass.",
    "Godt samarbeid, men næringslivet må involveres tidligere i prosjektene.",
    "Målene er klare. Rapporteringen til styret bør bli jevnere.",
]
DEMO_PROPOSALS = [
    ("Lage en årsplan for styremøtene med faste rapporteringspunkter.", "Styreleder", "p2_organisation", "high"),
    ("Arrangere to frokostmøter med næringslivet i året.", "Programleder", "p1_anchoring", "medium"),
    ("Rydde i prosjektporteføljen og avslutte prosjekter uten fremdrift.", "Programleder", None, "low"),
]
def demo_value(question: Question, rng: random.Random, centre: int) -> Any:
    """A plausible answer to any question type, for demo and test data."""
    return question_type(question).demo_value(question, rng, centre)


def fill_answers(participant: Participant, bank: Bank, rng: random.Random, centre: int,
                 answer_share: float = 1.0) -> None:
    """Answer every shown question (conditions applied in order), with justifications."""
    values: dict[str, Any] = {}
    for question in bank.questions:
        if not is_shown(question, values, participant.role_group):
            continue
        if not question.required and rng.random() > answer_share:
            continue
        value = demo_value(question, rng, centre)
        values[question.id] = value
        comment = rng.choice(JUSTIFICATIONS) if question.comment != "none" else ""
        db.session.add(Answer(participant=participant, question_id=question.id,
                              value=value, comment=comment))


def add_participants(session: ReviewSession, rng: random.Random, centre: int,
                     count: int | None = None, submitted: bool = True) -> list[Participant]:
    people = PEOPLE[:count] if count else PEOPLE
    participants = []
    for name, role in people:
        participant = Participant(session=session, name=name, role_group=role,
                                  current_step=len(session.bank.sections) - 1,
                                  submitted_at=utcnow() if submitted else None)
        db.session.add(participant)
        fill_answers(participant, session.bank, rng, centre + (1 if role != "leadership" else 0) * -1,
                     answer_share=0.6)
        participants.append(participant)
    db.session.commit()
    return participants


def demo_facilitator() -> Facilitator:
    return find_facilitator(DEMO_EMAIL) or create_facilitator(DEMO_EMAIL, DEMO_PASSWORD, "Demo Prosessleder")


# Two more programmes for the portfolio: (name, municipality, county, first programme year's
# calendar year offset, the years reviewed (programme year, bank id), the grade level they start at).
PORTFOLIO_PROGRAMMES = [
    ("Demo: Elvdal omstillingsprogram", "Elvdal kommune", "Innlandet fylkeskommune", 3,
     [(1, "psv-12"), (2, "psv"), (3, "psv"), (4, "psv")], 2),
    ("Demo: Nordnes omstillingsprogram", "Nordnes kommune", "Nordland fylkeskommune", 2,
     [(1, "psv"), (2, "psv")], 3),
]
PROPOSAL_IDEAS = [
    "Avklare rollene mellom styret og administrasjonen.",
    "Lage en kommunikasjonsplan for programmet.",
    "Følge opp bedriftene i porteføljen hvert kvartal.",
    "Samarbeide med nabokommunene om rekruttering.",
]


def create_demo(today: date) -> Programme:
    rng = random.Random(2026)
    programme = create_programme(DEMO_PROGRAMME, municipality="Fjordvik kommune",
                                 county="Vestland fylkeskommune", start_year=today.year - 1)
    grant_access(programme, demo_facilitator(), owner=True)
    facilitator = demo_facilitator()
    psv = get_bank("psv")
    last_year = create_session(programme, psv, 1, today.replace(year=today.year - 1),
                               title="Programstatusvurdering år 1")
    add_participants(last_year, rng, centre=3)
    for number, indicator in enumerate(psv.indicators):
        save_consensus(last_year, indicator.id, 3 + number % 2, DEMO_CONCLUSIONS[number % 3], "",
                       facilitator)
    for text, owner, question_id, priority in DEMO_PROPOSALS:
        add_proposal(last_year, question_id, text, owner, date(today.year, 6, 1), priority)
    set_state(last_year, "closed")

    this_year = create_session(programme, psv, 2, today, title="Programstatusvurdering år 2")
    add_participants(this_year, rng, centre=4, count=5)
    first = psv.indicators[0]
    save_consensus(this_year, first.id, 4, "Forankringen er **tydelig bedre** enn i fjor.",
                   "Observatøren fra fylkeskommunen mener 3.", facilitator)
    add_proposal(this_year, first.id, "Fast orientering i formannskapet hvert kvartal.",
                 "Programleder", date(today.year + 1, 3, 1), "high")
    carry_over_proposals(this_year)
    for proposal in carried_proposals(this_year)[:1]:
        set_proposal_status(proposal, "done")
    fact_sheet = create_session(programme, get_bank("fact-sheet"), 2, today - timedelta(days=10),
                                title="Faktaark år 2")
    add_participants(fact_sheet, rng, centre=4, count=1)
    others = [_portfolio_programme(today, rng, facilitator, *spec) for spec in PORTFOLIO_PROGRAMMES]
    viewer = (find_facilitator(DEMO_VIEWER_EMAIL)
              or create_facilitator(DEMO_VIEWER_EMAIL, DEMO_VIEWER_PASSWORD, "Demo Observatør", viewer=True))
    for followed in (programme, *others):
        share_read_only(followed, viewer.email)
    return programme


def _portfolio_programme(today: date, rng: random.Random, facilitator: Facilitator, name: str,
                         municipality: str, county: str, years_ago: int, years: list[tuple[int, str]],
                         start_level: int) -> Programme:
    """A programme with a closed review each year: answers, agreed grades that climb, proposals
    made, carried, done and dropped."""
    start_year = today.year - years_ago
    programme = create_programme(name, municipality=municipality, county=county, start_year=start_year)
    grant_access(programme, facilitator, owner=True)
    for programme_year, bank_id in years:
        bank = get_bank(bank_id)
        level = min(6, start_level + programme_year // 2)
        session = create_session(programme, bank, programme_year,
                                 today.replace(year=start_year + programme_year - 1) - timedelta(days=20),
                                 title=f"Programstatusvurdering {start_year + programme_year - 1}")
        add_participants(session, rng, centre=level)
        for number, indicator in enumerate(bank.indicators):
            grade = max(1, min(6, level + rng.choice([-1, 0, 0, 1])))
            save_consensus(session, indicator.id, grade, DEMO_CONCLUSIONS[number % 3], "", facilitator)
        carry_over_proposals(session)
        for number, proposal in enumerate(carried_proposals(session)):
            set_proposal_status(proposal, ("done", "dropped", "in_progress")[number % 3])
        for text in rng.sample(PROPOSAL_IDEAS, 2):
            add_proposal(session, rng.choice(bank.indicators).id, text, "Programleder",
                         date(start_year + programme_year, 6, 1), "medium")
        set_state(session, "closed")
    return programme


def demo_programmes() -> list[Programme]:
    """The demo's programmes that are in the database."""
    from sqlalchemy import select

    names = [DEMO_PROGRAMME, *(spec[0] for spec in PORTFOLIO_PROGRAMMES)]
    return list(db.session.scalars(select(Programme).where(Programme.name.in_(names))))


def delete_demo(programme: Programme) -> None:
    """Delete the demo programme and the demo's other programmes."""
    for other in {programme, *demo_programmes()}:
        db.session.delete(other)
    db.session.commit()
