"""The fact sheet at hand: a psv step shows the figures of the programme's fact sheet for the same
programme year, read-only in a panel of the page, and nothing when there is none."""
from __future__ import annotations

import re

from assessment import facilitation
from assessment.banks import get_bank
from assessment.fact_sheets import fact_sheet_for
from assessment.programmes import create_session
from tests.helpers import answer_step, complete_answers, join, make_session, page_text, step_url


def fill_fact_sheet(client, fact_sheet, jobs: str = "19") -> str:
    """The programme manager fills in the fact sheet's first step; their token."""
    token = join(client, fact_sheet, "Pia Programleder")
    bank = fact_sheet.bank
    data, _values = complete_answers(bank, bank.sections[0], {})
    data["jobs_created"] = jobs
    response = answer_step(client, token, 1, data)
    assert response.status_code == 302, page_text(response)[:500]
    return token


def panel(response) -> str:
    """The text of the fact sheet panel on a step page, or "" when there is none."""
    html = response.get_data(as_text=True)
    match = re.search(r'<details class="fact-sheet".*?</details>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()) if match else ""


def test_psv_step_shows_the_figures_of_the_fact_sheet_for_its_year(app, client, ctx):
    psv = make_session("psv", year=2)
    fact_sheet = create_session(psv.programme, get_bank("fact-sheet"), 2)
    fill_fact_sheet(client, fact_sheet, jobs="19")
    token = join(client, psv)

    for number in range(1, len(psv.bank.sections) + 1):
        text = panel(client.get(step_url(token, number)))
        assert text.startswith("Faktaark nøkkeltall for år 2"), text[:200]
        assert "Nye arbeidsplasser 19 arbeidsplasser" in text


def test_agreed_answer_of_the_fact_sheet_wins_over_what_its_participant_wrote(app, client, ctx):
    psv = make_session("psv", year=3)
    fact_sheet = create_session(psv.programme, get_bank("fact-sheet"), 3)
    fill_fact_sheet(client, fact_sheet, jobs="19")
    facilitation.save_agreed_answer(fact_sheet, "jobs_created", ["21"], "Rettet etter møtet.", None)
    token = join(client, psv)

    text = panel(client.get(step_url(token, 3)))
    assert "Nye arbeidsplasser 21 arbeidsplasser" in text and "19 arbeidsplasser" not in text


def test_no_panel_without_a_fact_sheet_for_that_programme_year(app, client, ctx):
    psv = make_session("psv", year=2)
    create_session(psv.programme, get_bank("fact-sheet"), 1)  # last year's
    fill_fact_sheet(client, make_session("fact-sheet", year=2, programme="Nabobyen"))  # another programme
    token = join(client, psv)

    page = client.get(step_url(token, 1))
    assert page.status_code == 200
    assert panel(page) == "" and "Faktaark" not in page_text(page).split("Har du lest")[0]


def test_fact_sheet_without_figures_says_so(app, client, ctx):
    psv = make_session("psv", year=2)
    create_session(psv.programme, get_bank("fact-sheet"), 2)
    token = join(client, psv)

    assert "Faktaarket har ingen tall ennå." in panel(client.get(step_url(token, 2)))


def test_fact_sheet_and_closure_steps_show_no_panel(app, client, ctx):
    fact_sheet = make_session("fact-sheet", year=2)
    closure = create_session(fact_sheet.programme, get_bank("closure"), 2)
    fill_fact_sheet(client, fact_sheet)

    for session in (fact_sheet, closure):
        token = join(client, session)
        assert panel(client.get(step_url(token, 1))) == ""


def test_fact_sheet_for_returns_the_figures_by_section_in_the_language_asked(app, client, ctx):
    psv = make_session("psv", year=2)
    fact_sheet = create_session(psv.programme, get_bank("fact-sheet"), 2)
    fill_fact_sheet(client, fact_sheet, jobs="7")

    found = fact_sheet_for(psv, "en")
    assert found.session_id == fact_sheet.id and found.title.get("en") == "Fact sheet"
    first = found.parts[0]
    assert first.title == "Period and results"
    assert ("Jobs created", "7 jobs") in [(f.label, f.value) for f in first.figures]
    assert fact_sheet_for(fact_sheet, "en") is None
