"""Setting up a review (issue 21): edit a programme and a session, start next year's session from
last year's, and the create-session form's defaults; through HTTP on the real database."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.facilitation import add_proposal, set_divergence_rules, set_section_open
from assessment.models import Answer, Participant, Programme, ReviewSession
from assessment.programmes import create_programme, create_session, proposed_programme_year
from assessment.banks import get_bank
from assessment.participation import join_session
from tests.helpers import csrf_token, login, make_facilitator, page_text, post_form



def programme_with_facilitator(start_year: int | None = 2024, name: str = "Nordvik omstilling"):
    programme = create_programme(name, "Nordvik kommune", "Nordland", start_year)
    make_facilitator(programmes=[programme])
    return programme


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- editing a programme

def test_a_programme_is_edited_and_the_session_page_shows_the_new_name(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, date(2025, 11, 6))
    login(client)
    response = post_form(client, f"/programmes/{programme.id}/edit", {
        "name": "Sørvik omstilling", "municipality": "Sørvik kommune", "county": "Troms",
        "start_year": "2023"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Programmet er endret." in page_text(response)
    programme = reload(Programme, programme.id)
    assert (programme.name, programme.municipality, programme.county, programme.start_year) == (
        "Sørvik omstilling", "Sørvik kommune", "Troms", 2023)
    page = page_text(client.get(f"/sessions/{session.id}"))
    assert "Sørvik omstilling" in page and "Nordvik omstilling" not in page


def test_a_programme_edit_with_a_bad_year_or_no_name_is_refused_and_nothing_changes(client, ctx):
    programme = programme_with_facilitator()
    login(client)
    response = post_form(client, f"/programmes/{programme.id}/edit", {"name": "Nytt navn", "start_year": "24"})
    assert response.status_code == 422 and "Et årstall, for eksempel 2024." in page_text(response)
    response = post_form(client, f"/programmes/{programme.id}/edit", {"name": " ", "start_year": "2024"})
    assert response.status_code == 422 and "Programmet må ha et navn." in page_text(response)
    programme = reload(Programme, programme.id)
    assert programme.name == "Nordvik omstilling" and programme.start_year == 2024


def test_someone_elses_programme_and_session_cannot_be_edited_or_copied(app, client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2)
    make_facilitator("fremmed@example.org", programmes=[])
    login(client, "fremmed@example.org")
    token = csrf_token(client.get("/programmes").get_data(as_text=True))
    for url, data in ((f"/programmes/{programme.id}/edit", {"name": "Kapret", "start_year": "2024"}),
                      (f"/sessions/{session.id}/edit", {"title": "Kapret", "programme_year": "3"}),
                      (f"/sessions/{session.id}/next", {"programme_year": "3", "bank_version": "same"})):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    assert reload(Programme, programme.id).name == "Nordvik omstilling"
    assert reload(ReviewSession, session.id).title != "Kapret" and count(ReviewSession) == 1


# ---------------------------------------------------------------- editing a session

def test_a_session_is_edited_and_its_page_shows_the_new_values(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, date(2025, 11, 6))
    login(client)
    response = post_form(client, f"/sessions/{session.id}/edit", {
        "title": "Høstsamling 2026", "programme_year": "3", "meeting_date": "2026-11-05", "bank_id": ""},
        follow_redirects=True)
    assert response.status_code == 200
    page = page_text(response)
    assert "Økten er endret." in page
    assert "Høstsamling 2026" in page and "Programår 3" in page and "5. november 2026" in page
    session = reload(ReviewSession, session.id)
    assert (session.title, session.programme_year, session.meeting_date) == (
        "Høstsamling 2026", 3, date(2026, 11, 5))


def test_a_session_edit_with_a_bad_year_is_refused_and_nothing_changes(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, title="Høst")
    login(client)
    for year in ("7", "0", "", "to"):
        response = post_form(client, f"/sessions/{session.id}/edit",
                             {"title": "Nytt", "programme_year": year, "bank_id": ""})
        assert response.status_code == 422, year
        assert "field-error" in response.get_data(as_text=True), year
    session = reload(ReviewSession, session.id)
    assert (session.title, session.programme_year) == ("Høst", 2)


def test_a_session_edit_without_touching_the_bank_keeps_it_even_when_a_newer_version_exists(
        client, ctx, banks_dir):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2)
    psv = banks_dir / "psv.yaml"
    psv.write_text(psv.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2027.1"', 1),
                   encoding="utf-8")
    login(client)
    html = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert re.search(r'name="bank_id" type="radio" value="" checked>', html)
    assert "Programstatusvurdering, versjon 2027.1" in page_text(client.get(f"/sessions/{session.id}/edit"))
    post_form(client, f"/sessions/{session.id}/edit", {"title": "Ny tittel", "programme_year": "2"})
    session = reload(ReviewSession, session.id)
    assert session.title == "Ny tittel" and session.bank_version == "2026.1"


def test_a_blank_title_on_edit_becomes_the_default_title_of_the_new_year(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, title="Feil tittel")
    login(client)
    post_form(client, f"/sessions/{session.id}/edit", {"title": "", "programme_year": "3", "bank_id": ""})
    assert reload(ReviewSession, session.id).title == "Programstatusvurdering år 3"


def test_the_bank_can_be_changed_while_no_one_has_answered(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, state="preparation")
    login(client)
    page = page_text(client.get(f"/sessions/{session.id}/edit"))
    assert "Programstatusvurdering (tidligere skjema med 12 indikatorer), versjon 2015.1" in page
    response = post_form(client, f"/sessions/{session.id}/edit",
                         {"title": "", "programme_year": "2", "bank_id": "psv-12"}, follow_redirects=True)
    assert "Økten er endret." in page_text(response)
    session = reload(ReviewSession, session.id)
    psv12 = get_bank("psv-12")
    assert (session.bank_id, session.bank_version, session.bank_hash) == ("psv-12", "2015.1", psv12.hash)
    assert session.bank.title.nb == psv12.title.nb
    assert session.title == "Programstatusvurdering (tidligere skjema med 12 indikatorer) år 2"


def test_the_bank_cannot_be_changed_after_someone_has_answered(app, client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2)
    token = join_session(session, "Kari", "leadership")
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    db.session.add(Answer(participant_id=participant.id, question_id=session.bank.questions[0].id, value=4))
    db.session.commit()
    login(client)
    page = page_text(client.get(f"/sessions/{session.id}/edit"))
    assert "Deltakerne har allerede svart med denne spørsmålsbanken" in page
    assert "Programstatusvurdering (tidligere skjema" not in page  # no other bank offered
    response = post_form(client, f"/sessions/{session.id}/edit",
                         {"title": "Nytt", "programme_year": "3", "bank_id": "psv-12"})
    assert response.status_code == 400
    assert "Spørsmålsbanken kan ikke byttes: deltakerne har allerede svart med denne." in page_text(response)
    session = reload(ReviewSession, session.id)
    assert (session.bank_id, session.title, session.programme_year) == ("psv", "Programstatusvurdering år 2", 2)
    assert count(Answer) == 1


def test_a_closed_session_cannot_be_edited(client, ctx):
    programme = programme_with_facilitator()
    session = create_session(programme, get_bank("psv"), 2, state="closed", title="Låst")
    login(client)
    assert client.get(f"/sessions/{session.id}/edit").status_code == 409
    assert "Endre økten" not in page_text(client.get(f"/sessions/{session.id}"))
    assert reload(ReviewSession, session.id).title == "Låst"


# ---------------------------------------------------------------- next year's from last year's

def last_year_session(programme) -> ReviewSession:
    """A closed year-2 session with two participants (one has answered), rules, an open step and
    proposals: one open, one done."""
    session = create_session(programme, get_bank("psv"), 2, date(2025, 11, 6), state="preparation")
    first_section = session.bank.sections[0].id
    set_section_open(session, first_section, True)
    set_divergence_rules(session, 3, None, 0.3)
    berit = db.session.scalar(select(Participant).filter_by(
        token=join_session(session, "Berit Styreleder", "leadership")))
    join_session(session, "Ola Fylke", "observer_county")
    berit.email = "berit@example.org"  # as an invitation list gives it
    db.session.add(Answer(participant_id=berit.id, question_id=session.bank.questions[0].id, value=5))
    add_proposal(session, None, "Møte med formannskapet hvert kvartal", owner="Programleder")
    done = add_proposal(session, None, "Ny nettside", status="done")
    assert done.status == "done"
    session.state = "closed"
    db.session.commit()
    return session


def test_next_years_session_copies_bank_gates_rules_people_and_open_proposals(app, client, ctx):
    programme = programme_with_facilitator()
    previous = last_year_session(programme)
    login(client)
    page = page_text(client.get(f"/programmes/{programme.id}"))
    assert "Ny økt fra fjorårets" in page
    form = client.get(f"/sessions/{previous.id}/next").get_data(as_text=True)
    assert re.search(r'name="programme_year"[^>]*value="3"', form)
    assert re.search(r'name="meeting_date"[^>]*value="2026-11-06"', form)
    assert "2 deltakere" in page_text(client.get(f"/sessions/{previous.id}/next"))
    response = post_form(client, f"/sessions/{previous.id}/next", {
        "programme_year": "3", "meeting_date": "2026-11-06", "title": "", "bank_version": "same"},
        follow_redirects=True)
    assert response.status_code == 200
    text = page_text(response)
    assert "2 deltakere har fått nye personlige lenker." in text
    assert "1 forbedringsforslag er overført." in text
    new = db.session.scalar(select(ReviewSession).filter(ReviewSession.id != previous.id))
    previous = reload(ReviewSession, previous.id)
    assert new.title == "Programstatusvurdering år 3" and new.programme_year == 3
    assert new.meeting_date == date(2026, 11, 6)
    assert new.bank_hash == previous.bank_hash and new.bank_version == previous.bank_version
    assert new.state == "preparation" and new.open_sections == previous.open_sections
    assert new.divergence_rules == {"range": 3, "split": 0.3}
    assert new.join_code != previous.join_code
    old_people = {(p.name, p.role_group, p.token) for p in previous.participants}
    new_people = {(p.name, p.role_group, p.token) for p in new.participants}
    assert {p[:2] for p in new_people} == {p[:2] for p in old_people}
    assert not {p[2] for p in new_people} & {p[2] for p in old_people}
    assert {p.name: p.email for p in new.participants} == {"Berit Styreleder": "berit@example.org",
                                                          "Ola Fylke": None}
    assert all(not p.answers and p.submitted_at is None for p in new.participants)
    assert [(p.text, p.origin_year, p.status) for p in new.proposals] == [
        ("Møte med formannskapet hvert kvartal", 2, "in_progress")]
    # A new link opens the new session's first step, open before the day as it was last year.
    link = next(p.token for p in new.participants if p.name == "Berit Styreleder")
    response = app.test_client().get(f"/p/{link}", follow_redirects=True)
    assert response.status_code == 200 and new.bank.sections[0].title.nb in page_text(response)
    assert "Programstatusvurdering år 3" in page_text(app.test_client().get(f"/join/{new.join_code}"))


def test_next_years_session_takes_the_newest_bank_version_by_default(client, ctx, banks_dir):
    programme = programme_with_facilitator()
    previous = create_session(programme, get_bank("psv"), 2)
    psv = banks_dir / "psv.yaml"
    psv.write_text(psv.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2027.1"', 1),
                   encoding="utf-8")
    login(client)
    page = page_text(client.get(f"/sessions/{previous.id}/next"))
    assert "I fjor: Programstatusvurdering, versjon 2026.1. Nyeste: Programstatusvurdering, versjon 2027.1." in page
    post_form(client, f"/sessions/{previous.id}/next", {"programme_year": "3", "bank_version": "newest"})
    post_form(client, f"/sessions/{previous.id}/next", {"programme_year": "4", "bank_version": "same"})
    versions = {s.programme_year: s.bank_version for s in db.session.scalars(select(ReviewSession))}
    assert versions == {2: "2026.1", 3: "2027.1", 4: "2026.1"}


def test_next_years_session_must_come_after_the_one_it_is_made_from(client, ctx):
    programme = programme_with_facilitator()
    previous = create_session(programme, get_bank("psv"), 3)
    login(client)
    for year, message in (("3", "må komme etter året til økten den lages fra (3)"),
                          ("2", "må komme etter året til økten den lages fra (3)"),
                          ("7", "Programåret må være fra 1 til 6.")):
        response = post_form(client, f"/sessions/{previous.id}/next",
                             {"programme_year": year, "bank_version": "same"})
        assert response.status_code in (400, 422), year
        assert message in page_text(response), year
    assert count(ReviewSession) == 1


def test_a_year_six_session_proposes_no_next_year(client, ctx):
    programme = programme_with_facilitator()
    previous = create_session(programme, get_bank("psv"), 6)
    login(client)
    form = client.get(f"/sessions/{previous.id}/next").get_data(as_text=True)
    assert re.search(r'name="programme_year"[^>]*value=""', form)
    response = post_form(client, f"/sessions/{previous.id}/next", {"programme_year": "", "bank_version": "same"})
    assert response.status_code == 422 and count(ReviewSession) == 1


# ---------------------------------------------------------------- the create-session form's defaults

def test_the_programme_year_follows_the_start_year_and_the_date(client, ctx):
    programme = programme_with_facilitator(start_year=2024)
    login(client)
    for day, year in (("2025-11-06", 2), ("2026-10-01", 3), ("2035-10-01", 6), ("2020-10-01", 1)):
        response = post_form(client, f"/programmes/{programme.id}",
                             {"bank_id": "psv", "programme_year": "", "meeting_date": day})
        assert response.status_code == 302, day
        session = db.session.scalar(select(ReviewSession).order_by(ReviewSession.id.desc()))
        assert session.programme_year == year, day
    assert proposed_programme_year(2024, None) is None and proposed_programme_year(None, date(2025, 1, 1)) is None


def test_a_typed_programme_year_wins_over_the_proposed_one(client, ctx):
    programme = programme_with_facilitator(start_year=2024)
    login(client)
    post_form(client, f"/programmes/{programme.id}",
              {"bank_id": "psv", "programme_year": "4", "meeting_date": "2025-11-06"})
    assert db.session.scalar(select(ReviewSession)).programme_year == 4


def test_without_a_start_year_the_programme_year_must_be_written(client, ctx):
    programme = programme_with_facilitator(start_year=None)
    login(client)
    response = post_form(client, f"/programmes/{programme.id}",
                         {"bank_id": "psv", "programme_year": "", "meeting_date": "2025-11-06"})
    assert response.status_code == 422
    assert "Skriv programåret: programmet har ikke noe startår" in page_text(response)
    assert count(ReviewSession) == 0


def test_psv_is_preselected_and_banks_are_listed_by_title_and_version(client, ctx):
    programme = programme_with_facilitator()
    login(client)
    html = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    checked = re.findall(r'<input id="bank_id-\d+" name="bank_id" type="radio" value="([^"]+)" checked>', html)
    assert checked == ["psv"]
    text = page_text(client.get(f"/programmes/{programme.id}"))
    assert "Programstatusvurdering, versjon 2026.1" in text and "Faktaark, versjon 2026.1" in text
    assert "(psv 2026.1)" not in text


def test_a_blank_title_is_in_bokmal_for_everyone_and_differs_by_year(app, client, ctx):
    programme = programme_with_facilitator(start_year=2024)
    login(client)
    client.get("/language/en?next=/programmes")  # the facilitator reads English
    for day in ("2025-11-06", "2026-11-05"):
        response = post_form(client, f"/programmes/{programme.id}",
                             {"bank_id": "psv", "title": "", "meeting_date": day})
        assert response.status_code == 302
    titles = [s.title for s in db.session.scalars(select(ReviewSession).order_by(ReviewSession.id))]
    assert titles == ["Programstatusvurdering år 2", "Programstatusvurdering år 3"]
    session = db.session.scalar(select(ReviewSession))
    english = app.test_client()
    page = page_text(english.get(f"/join/{session.join_code}", headers={"Accept-Language": "en"}))
    assert "Programstatusvurdering år 2" in page and "Join" in page
