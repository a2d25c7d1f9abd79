"""The command line: creating a session and the demo."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from assessment.demo import DEMO_PROGRAMME
from assessment.extensions import db
from assessment.models import Answer, Participant, Programme, ReviewSession
from tests.helpers import csrf_token, login, make_facilitator, page_text, post_form


def test_session_create_prints_a_join_link_that_opens_the_form(runner, client, app):
    result = runner.invoke(args=["session", "create", "--bank", "psv", "--programme", "Fjordby",
                                 "--year", "3", "--date", "2026-11-05"])
    assert result.exit_code == 0, result.output
    link = re.search(r"Join link: http://localhost(/join/\w+)", result.output).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Fjordby" in page_text(page)
    with app.app_context():
        session = db.session.scalar(select(ReviewSession))
        assert session.programme_year == 3 and session.bank_id == "psv"
        assert str(session.meeting_date) == "2026-11-05"


def test_a_session_made_on_the_command_line_is_titled_with_its_year_like_one_made_in_the_interface(
        runner, client, app):
    with app.app_context():
        make_facilitator()
    assert runner.invoke(args=["session", "create", "--bank", "psv", "--programme", "Fjordby", "--year", "3",
                               "--facilitator", "leder@example.org"]).exit_code == 0
    login(client)
    with app.app_context():
        programme_id = db.session.scalar(select(Programme.id))
    assert post_form(client, f"/programmes/{programme_id}", {
        "bank_id": "psv", "programme_year": "3", "title": ""}).status_code == 302
    with app.app_context():
        titles = db.session.scalars(select(ReviewSession.title).order_by(ReviewSession.id)).all()
    assert titles == ["Programstatusvurdering år 3", "Programstatusvurdering år 3"]


def test_session_create_refuses_an_unknown_bank_and_a_bad_year(runner):
    assert runner.invoke(args=["session", "create", "--bank", "nope", "--programme", "X",
                               "--year", "1"]).exit_code != 0
    assert runner.invoke(args=["session", "create", "--bank", "psv", "--programme", "X",
                               "--year", "9"]).exit_code != 0


def test_demo_makes_two_years_of_reviews_with_answers_once(runner, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already there" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Programme.id))) == 3  # two more for the portfolio
        programme = db.session.scalar(select(Programme).filter_by(name=DEMO_PROGRAMME))
        years = sorted(s.programme_year for s in programme.sessions if s.bank_id == "psv")
        assert years == [1, 2]
        assert db.session.scalar(select(func.count(Participant.id))) >= 10
        assert db.session.scalar(select(func.count(Answer.id))) > 100


def test_demo_participant_link_works(runner, client):
    result = runner.invoke(args=["demo"])
    link = re.search(r"a participant's link: http://localhost(/p/[\w-]+)", result.output).group(1)
    response = client.get(link, follow_redirects=True)
    assert response.status_code == 200


def test_the_migrations_build_exactly_the_schema_the_models_describe(runner):
    """`flask db check` against the migrated test database: no table, column or index of the models
    is missing from the migrations, and the migrations leave nothing the models do not have."""
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_demo_viewer_follows_every_demo_programme_read_only(runner, client):
    result = runner.invoke(args=["demo"])
    email, password = re.search(r"Viewer login \(read-only, names hidden\): email (\S+)  password (\S+)",
                                result.output).groups()
    login(client, email, password)
    page = client.get("/portfolio").get_data(as_text=True)
    for name in ("Fjordvik", "Elvdal", "Nordnes"):
        assert name in page
    programme_id = re.search(r'/portfolio/programme/(\d+)', page).group(1)
    assert client.get(f"/portfolio/programme/{programme_id}").status_code == 200
    form = client.get("/programmes").get_data(as_text=True)
    assert client.post("/programmes", data={"name": "Nytt", "csrf_token": csrf_token(form)}).status_code == 403
