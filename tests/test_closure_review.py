"""The closure review in the room: questions addressed to role groups (the rules, the step form,
submit and progress), and questions marked for discussion on the dashboard and the agenda with
their statistics, divergence and a link to the group's agreed answer."""
from __future__ import annotations

import re

import pytest

from assessment import rules
from assessment.banks import get_bank, parse_bank
from tests.helpers import (answer_step, csrf_token, join, login, make_facilitator, make_session, page_text,
                           step_url, submit)

GOOD_BANK = """id: roles-and-discussion
version: "1"
kind: closure_review
title: {nb: Bank, en: Bank}
sections:
  - id: everyone
    title: {nb: Alle, en: Everyone}
    questions:
      - id: readiness
        type: scale
        scale: {min: 1, max: 3, labels: {1: {nb: Lav, en: Low}, 2: {nb: Middels, en: Medium}, 3: {nb: Høy, en: High}}}
        required: true
        discuss: true
        label: {nb: Grad, en: Extent}
      - id: funds
        type: number
        required: true
        roles: [leadership]
        label: {nb: Midler, en: Funds}
  - id: secretariat
    roles: [leadership]
    title: {nb: Sekretariatet, en: Secretariat}
    questions:
      - id: report_done
        type: yes_no
        required: true
        label: {nb: Levert, en: Delivered}
      - id: county_view
        type: text
        roles: [observer_county]
        label: {nb: Fylkets syn, en: The view of the county}
"""


# ---------------------------------------------------------------- the bank format and the rules

def test_a_bank_may_mark_a_scale_for_discussion_and_address_questions_and_sections_to_role_groups():
    bank = parse_bank(GOOD_BANK, "good.yaml")
    assert [q.id for q in bank.discussed] == ["readiness"] and bank.indicators == ()
    roles = {q.id: q.roles for q in bank.questions}
    assert roles == {"readiness": (), "funds": ("leadership",), "report_done": ("leadership",),
                     "county_view": ("observer_county",)}  # a question's own roles replace its section's


def test_questions_addressed_to_other_role_groups_are_neither_shown_nor_required():
    bank = parse_bank(GOOD_BANK, "good.yaml")
    shown = {group: [q.id for q in rules.visible_questions(bank, {}, group)]
             for group in ("leadership", "observer_county", "observer_municipality")}
    assert shown == {"leadership": ["readiness", "funds", "report_done"],
                     "observer_county": ["readiness", "county_view"],
                     "observer_municipality": ["readiness"]}
    answered = {"readiness": (2, "")}
    assert [q.id for q in rules.missing_required(bank, answered, role_group="observer_municipality")] == []
    assert [q.id for q in rules.missing_required(bank, answered, role_group="leadership")] == [
        "funds", "report_done"]


def test_a_step_is_marked_finished_by_what_is_asked_of_the_participants_role():
    bank = parse_bank(GOOD_BANK, "good.yaml")
    answered = {"readiness": (2, "")}
    # The leadership's funds figure is not asked of an observer: their first step is finished.
    assert rules.finished_sections(bank, answered, "observer_municipality") == [True, False]
    assert rules.finished_sections(bank, answered, "leadership") == [False, False]
    assert rules.finished_sections(bank, {**answered, "funds": (10, ""), "report_done": (True, "")},
                                   "leadership") == [True, True]


def test_without_a_role_group_every_question_counts_for_the_facilitators_views():
    bank = parse_bank(GOOD_BANK, "good.yaml")
    assert len(rules.visible_questions(bank, {})) == 4


def test_the_closure_bank_asks_secretariat_facts_of_the_leadership_only_and_discusses_its_scales(ctx):
    bank = get_bank("closure")
    assert {q.id for q in bank.discussed} == {"municipality_readiness", "competence_secured",
                                              "business_commitment"}
    for fact in ("final_report_done", "accounts_complete", "remaining_funds", "unfinished_projects_count",
                 "cp_phase"):
        assert bank.question(fact).roles == ("leadership",)
    observer_required_texts = [q.id for q in rules.visible_questions(bank, {}, "observer_county")
                               if q.required and q.type == "long_text"]
    assert observer_required_texts == ["municipal_facilitation"]


# ---------------------------------------------------------------- through HTTP

@pytest.fixture
def closure(app, ctx):
    session = make_session("closure", year=6, title="Avslutning")
    make_facilitator(programmes=[session.programme])
    return session


def step_numbers(bank, section_id: str) -> int:
    return next(i for i, s in enumerate(bank.sections, start=1) if s.id == section_id)


def test_an_observer_never_sees_the_leaderships_facts_and_submits_without_them(client, closure):
    bank = closure.bank
    token = join(client, closure, "Olga Observatør", role="observer_county")
    final_report = page_text(client.get(step_url(token, step_numbers(bank, "final_report"))))
    assert "Er sluttrapporten ferdigstilt og levert?" not in final_report
    assert "Ingenting på dette steget er rettet til din rolle." in final_report
    review = page_text(client.get(f"/p/{token}/review"))
    assert "Hvor mye disponible omstillingsmidler gjenstår" not in review

    response = answer_step(client, token, 1, {"municipal_facilitation": "Næringssjef i full stilling.",
                                              "municipality_readiness": "2", "competence_secured": "3"})
    assert response.status_code == 302
    effects = step_numbers(bank, "effects_cooperation")
    assert answer_step(client, token, effects, {"business_commitment": "2"}).status_code == 302
    assert submit(client, token).status_code == 302
    assert "Takk! Svarene dine er sendt inn." in page_text(client.get(f"/p/{token}/review"))


def test_a_leadership_participant_must_answer_the_facts(client, closure):
    bank = closure.bank
    token = join(client, closure, "Per Programleder", role="leadership")
    number = step_numbers(bank, "final_report")
    page = page_text(client.get(step_url(token, number)))
    assert "Er sluttrapporten ferdigstilt og levert?" in page
    response = answer_step(client, token, number, {"final_report_notes": "Regnskapet gjenstår."})
    assert response.status_code == 422
    assert "Svar på dette spørsmålet." in page_text(response) or "Please answer" in page_text(response)
    assert submit(client, token).status_code == 422


def test_a_posted_answer_to_a_question_for_another_role_is_not_stored(client, closure):
    bank = closure.bank
    token = join(client, closure, "Olga Observatør", role="observer_county")
    number = step_numbers(bank, "projects_funds")
    assert answer_step(client, token, number, {"remaining_funds": "500000"}).status_code == 302
    login(client)
    answers = page_text(client.get(f"/sessions/{closure.id}/answers"))
    assert "500 000" not in answers and "500000" not in answers


def _score(client, closure, name, role, readiness):
    token = join(client, closure, name, role=role)
    answer_step(client, token, 1, {"municipal_facilitation": "Noe.", "municipality_readiness": str(readiness),
                                   "competence_secured": "4"})
    return token


def test_the_dashboard_plots_the_discussion_questions_without_an_empty_indicators_heading(client, closure):
    _score(client, closure, "Per", "leadership", 5)
    _score(client, closure, "Olga", "observer_county", 2)
    login(client)
    html = client.get(f"/sessions/{closure.id}/dashboard").get_data(as_text=True)
    assert 'id="indicators-title"' not in html
    assert 'id="discussed-title"' in html
    card = re.search(r'<article class="indicator-card( divergent)?" aria-labelledby="disc-municipality_readiness">'
                     r'.*?</article>', html, re.S)
    assert card and card.group(1) == " divergent"  # 5 against 2: a range of 3
    assert f'/sessions/{closure.id}/answers#answers-municipality_readiness' in card.group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", card.group(0)).split())
    assert "Omstillingsledelsen" in text and "Alle: n=2" in text and "min–maks 2–5" in text


def test_the_agenda_lists_the_discussion_questions_by_divergence_with_their_agreed_answer(client, closure):
    _score(client, closure, "Per", "leadership", 5)
    _score(client, closure, "Olga", "observer_county", 2)
    login(client)
    page = client.get(f"/sessions/{closure.id}/answers")
    client.post(f"/sessions/{closure.id}/answers/municipality_readiness",
                data={"agreed-municipality_readiness-value": "3", "agreed-municipality_readiness-note": "",
                      "csrf_token": csrf_token(page.get_data(as_text=True))})
    html = client.get(f"/sessions/{closure.id}/discussion").get_data(as_text=True)
    items = re.findall(r'<li class="agenda-item( divergent)?">(.*?)</li>', html, re.S)
    labels = [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _d, body in items]
    assert len(items) == 3
    assert items[0][0] == " divergent" and labels[0].startswith("I hvilken grad er kommunen forberedt")
    assert "Felles svar: 3 – I noen grad" in labels[0]
    assert "Felles svar: ikke satt" in labels[1]
    assert f'/sessions/{closure.id}/answers#answers-municipality_readiness' in items[0][1]
