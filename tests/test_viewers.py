"""Viewers: read-only access to a programme or a county's programmes, through HTTP. They see
results, conclusions, proposals and exports, never participants' names, and change nothing."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.facilitators import create_facilitator, grant_county, share_read_only
from assessment.models import Consensus, Proposal, ReviewSession
from assessment.programmes import create_programme
from tests.helpers import answer_step, csrf_token, join, login, make_facilitator, page_text, post_form

NAME = "Kari Nordmann"
OBSERVER = "Ola Observatør"


def _viewer(email="fylket@example.org", **kwargs):
    return create_facilitator(email, "et-godt-passord", "Fylkes Leser", viewer=True, **kwargs)


def _scored(app, mini):
    """The mini session with two participants' answers and a consensus on `plan`."""
    for name, role in ((NAME, "leadership"), (OBSERVER, "observer_county")):
        participant = app.test_client()
        token = join(participant, mini, name, role)
        answer_step(participant, token, 1, {"plan": "4", "plan__comment": f"Skrevet av en i {role}",
                                            "role_known": "yes"})
    db.session.add(Consensus(session_id=mini.id, question_id="plan", grade=4, conclusion="Godt arbeid"))
    db.session.add(Proposal(session_id=mini.id, question_id="plan", text="Lag en ny plan"))
    db.session.commit()


def _as_viewer(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    share_read_only(mini.programme, _viewer().email)
    _scored(app, mini)
    login(client, "fylket@example.org")


VIEWER_PAGES = ("/programmes", "/programmes/{p}", "/sessions/{s}", "/sessions/{s}/dashboard",
                "/sessions/{s}/live", "/sessions/{s}/discussion", "/sessions/{s}/indicators/plan",
                "/sessions/{s}/answers", "/sessions/{s}/proposals", "/sessions/{s}/follow-up",
                "/sessions/{s}/exports", "/sessions/{s}/report", "/sessions/{s}/report?names=1")


def test_a_viewer_sees_results_conclusions_and_proposals_without_names(app, client, mini):
    _as_viewer(app, client, mini)
    for url in VIEWER_PAGES:
        url = url.format(p=mini.programme.id, s=mini.id)
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert NAME not in text and OBSERVER not in text, url
        assert mini.join_code not in text, url
        assert all(p.token not in text for p in mini.participants), url
    indicator = page_text(client.get(f"/sessions/{mini.id}/indicators/plan"))
    assert "Godt arbeid" in indicator and "Lag en ny plan" in indicator
    assert "Skrevet av" in indicator  # the justifications, attributed to the role group only
    assert "Omstillingsledelsen" in indicator


def test_a_viewer_gets_no_forms_to_change_anything(app, client, mini):
    _as_viewer(app, client, mini)
    for url in (f"/sessions/{mini.id}/indicators/plan", f"/sessions/{mini.id}/proposals",
                f"/sessions/{mini.id}/answers", f"/programmes/{mini.programme.id}", "/programmes",
                f"/sessions/{mini.id}/exports", f"/sessions/{mini.id}/discussion"):
        assert 'method="post"' not in client.get(url).get_data(as_text=True).split("</header>")[-1], url


def test_a_viewers_exports_carry_role_groups_not_names(app, client, mini):
    _as_viewer(app, client, mini)
    for url in (f"/sessions/{mini.id}/export.xlsx", f"/sessions/{mini.id}/export.json",
                f"/sessions/{mini.id}/answers.csv", f"/sessions/{mini.id}/report.md?names=1",
                f"/sessions/{mini.id}/report.docx?names=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".xlsx"):
            sheets = load_workbook(io.BytesIO(response.data))
            cells = [str(c) for ws in sheets.worksheets for row in ws.iter_rows(values_only=True) for c in row]
            assert not any(NAME in c or OBSERVER in c for c in cells)
            assert any("Skrevet av" in c for c in cells)
        elif url.endswith(".docx?names=1"):
            assert NAME.encode() not in response.data
        else:
            text = response.get_data(as_text=True)
            assert NAME not in text and OBSERVER not in text, url
    answers = json.loads(client.get(f"/sessions/{mini.id}/export.json").data)["answers"]
    assert {a["participant"] for a in answers} == {"Omstillingsledelsen", "Observatør fra fylkeskommunen"}


def test_the_facilitator_still_gets_names(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    _scored(app, mini)
    login(client)
    assert NAME in client.get(f"/sessions/{mini.id}/indicators/plan").get_data(as_text=True)
    assert NAME in client.get(f"/sessions/{mini.id}/answers.csv").get_data(as_text=True)


def test_every_post_of_a_viewer_is_refused_and_changes_nothing(app, client, mini):
    _as_viewer(app, client, mini)
    token = csrf_token(client.get("/programmes").get_data(as_text=True))
    values = {"session_id": mini.id, "programme_id": mini.programme.id, "token": "x", "number": 1,
              "code": mini.join_code, "question_id": "plan", "proposal_id": 1, "lang": "en",
              "participant_id": mini.participants[0].id, "upload_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or not ({"session_id", "programme_id"} & set(rule.arguments)):
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.post(url, data={"csrf_token": token, "state": "closed", "reveal": "1",
                                          "consensus-grade": "1", "confirmed": "1",
                                          "confirm": mini.join_code, "share-email": "x@example.org"})
        assert response.status_code == 403, (rule.rule, response.status_code)
        checked += 1
    assert checked >= 20
    response = client.post("/programmes", data={"csrf_token": token, "name": "Nytt"})
    assert response.status_code == 403
    db.session.expire_all()
    session = db.session.get(ReviewSession, mini.id)
    assert session.state == "scoring" and not session.reveal_all and len(session.participants) == 2
    assert db.session.scalar(select(Consensus.grade).filter_by(session_id=mini.id)) == 4


def test_a_viewer_cannot_open_the_facilitators_own_pages(app, client, mini):
    _as_viewer(app, client, mini)
    for url in (f"/sessions/{mini.id}/presenter", f"/sessions/{mini.id}/screen", f"/sessions/{mini.id}/qr.svg",
                f"/sessions/{mini.id}/links", f"/sessions/{mini.id}/edit", f"/sessions/{mini.id}/next",
                f"/sessions/{mini.id}/delete", f"/sessions/{mini.id}/anonymise",
                f"/sessions/{mini.id}/participants/{mini.participants[0].id}/delete",
                f"/programmes/{mini.programme.id}/edit"):
        assert client.get(url).status_code == 403, url


def test_a_viewer_sees_nothing_of_a_programme_not_shared(app, client, mini):
    other = create_programme("Annenby omstilling", county="Nordland")
    _viewer()
    login(client, "fylket@example.org")
    for url in (f"/programmes/{mini.programme.id}", f"/sessions/{mini.id}", f"/programmes/{other.id}"):
        assert client.get(url).status_code == 404, url
    assert "Testby" not in page_text(client.get("/programmes"))


def test_a_county_grant_shows_that_countys_programmes_read_only(app, client, mini):
    mini.programme.county = "Nordland"
    elsewhere = create_programme("Sørby omstilling", county="Agder")
    db.session.commit()
    grant_county(_viewer(), "nordland")
    login(client, "fylket@example.org")
    listing = page_text(client.get("/programmes"))
    assert "Testby" in listing and "Sørby" not in listing
    assert client.get(f"/sessions/{mini.id}/dashboard").status_code == 200
    assert client.get(f"/programmes/{elsewhere.id}").status_code == 404
    token = csrf_token(client.get("/programmes").get_data(as_text=True))
    assert client.post(f"/sessions/{mini.id}/state", data={"csrf_token": token, "state": "closed"}).status_code == 403


def test_a_facilitator_shares_a_programme_read_only_by_email(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    _viewer()
    login(client)
    page = client.get(f"/programmes/{mini.programme.id}").get_data(as_text=True)
    response = client.post(f"/programmes/{mini.programme.id}/share-read-only",
                           data={"csrf_token": csrf_token(page), "view-email": "Fylket@example.org"},
                           follow_redirects=True)
    assert response.status_code == 200 and "fylket@example.org" in page_text(response)
    viewer = app.test_client()
    login(viewer, "fylket@example.org")
    assert viewer.get(f"/sessions/{mini.id}/dashboard").status_code == 200
    token = csrf_token(viewer.get("/programmes").get_data(as_text=True))
    assert viewer.post(f"/programmes/{mini.programme.id}/share-read-only",
                       data={"csrf_token": token, "view-email": "x@example.org"}).status_code == 403


def test_sharing_read_only_with_an_unknown_address_says_how_to_make_an_account(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    page = client.get(f"/programmes/{mini.programme.id}").get_data(as_text=True)
    response = client.post(f"/programmes/{mini.programme.id}/share-read-only",
                           data={"csrf_token": csrf_token(page), "view-email": "ingen@example.org"})
    assert response.status_code == 400 and "--viewer" in page_text(response)


def test_a_viewer_account_cannot_be_given_full_access(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    _viewer()
    login(client)
    page = client.get(f"/programmes/{mini.programme.id}").get_data(as_text=True)
    response = client.post(f"/programmes/{mini.programme.id}/share",
                           data={"csrf_token": csrf_token(page), "share-email": "fylket@example.org"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_the_cli_creates_a_viewer_with_counties(app, runner, ctx):
    result = runner.invoke(args=["facilitator", "create", "in@example.org", "--viewer", "--county", "Nordland",
                                 "--password-stdin"], input="et-godt-passord\n")
    assert result.exit_code == 0, result.output
    assert "viewer" in result.output and "Nordland" in result.output
