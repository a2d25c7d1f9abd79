"""The facilitated workshop through the facilitator's and participants' pages, over real HTTP."""
from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from assessment.extensions import db
from assessment.models import ConsensusChange, Programme, Proposal, ReviewSession
from assessment.results import indicator_results, session_total
from tests.helpers import (answer_step, csrf_token, join, login, make_facilitator, make_session,
                           page_text, post_form, step_url)

FIRST_OK = {"plan": "5", "plan__comment": "Godt planarbeid", "role_known": "yes"}


def facilitator_for(session, email="leder@example.org"):
    return make_facilitator(email, programmes=[session.programme])


def post(client, page_url: str, action_url: str, data: dict):
    """Press a button on a page: the page's CSRF token with the form's fields."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token})


def score(client, session, name, role, plan, jobs):
    token = join(client, session, name, role)
    answer_step(client, token, 1, {"plan": str(plan), "plan__comment": f"Min begrunnelse for {plan}",
                                   "role_known": "yes"})
    answer_step(client, token, 2, {"jobs": str(jobs)})
    return token


# ---------------------------------------------------------------- accounts and access

def test_facilitator_create_command_and_login(runner, app, client):
    result = runner.invoke(args=["facilitator", "create", "ny@example.org", "--password-stdin"],
                           input="hemmelig-passord\n")
    assert result.exit_code == 0, result.output
    response = post_form(client, "/login", {"email": "NY@example.org", "password": "hemmelig-passord"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/programmes")
    assert "Programmer" in page_text(client.get("/programmes"))


def test_short_password_is_refused_by_the_command(runner):
    result = runner.invoke(args=["facilitator", "create", "kort@example.org", "--password-stdin"],
                           input="kort\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_wrong_password_is_refused_with_a_message(client, ctx):
    make_facilitator()
    response = post_form(client, "/login", {"email": "leder@example.org", "password": "feil-passord"})
    assert response.status_code == 401
    assert "Feil e-post eller passord." in page_text(response)


def test_pages_need_login(client, mini):
    response = client.get(f"/sessions/{mini.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_facilitator_sees_only_their_own_programmes(client, mini):
    make_facilitator("annen@example.org", programmes=[])
    login(client, "annen@example.org")
    assert mini.programme.name not in page_text(client.get("/programmes"))
    assert client.get(f"/programmes/{mini.programme.id}").status_code == 404
    assert client.get(f"/sessions/{mini.id}").status_code == 404
    assert client.get(f"/sessions/{mini.id}/dashboard").status_code == 404


def test_sharing_a_programme_gives_access(client, app, mini):
    facilitator_for(mini)
    make_facilitator("kollega@example.org", programmes=[])
    login(client)
    response = post(client, f"/programmes/{mini.programme.id}", f"/programmes/{mini.programme.id}/share",
                    {"share-email": "kollega@example.org"})
    assert response.status_code == 302
    other = app.test_client()
    login(other, "kollega@example.org")
    assert other.get(f"/sessions/{mini.id}").status_code == 200


# ---------------------------------------------------------------- programmes and sessions

def test_create_programme_and_session_from_a_bank(client, ctx):
    make_facilitator()
    login(client)
    response = post_form(client, "/programmes", {"name": "Nordvik omstilling",
                                                 "municipality": "Nordvik kommune", "start_year": "2025"})
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme))
    response = post_form(client, f"/programmes/{programme.id}", {
        "bank_id": "psv", "programme_year": "2", "meeting_date": "2026-11-12", "title": ""})
    assert response.status_code == 302
    session = db.session.scalar(select(ReviewSession))
    assert session.bank_id == "psv" and session.state == "preparation"
    assert session.open_sections == []
    html = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert re.search(r"<title>Programstatusvurdering år 2 – Statusvurdering</title>", html)
    page = page_text(client.get(f"/sessions/{session.id}"))
    assert session.join_code in page and "Forberedelse" in page


def test_a_bad_programme_year_is_refused_inline(client, ctx):
    make_facilitator()
    login(client)
    post_form(client, "/programmes", {"name": "Sørvik"})
    programme = db.session.scalar(select(Programme))
    response = post_form(client, f"/programmes/{programme.id}", {"bank_id": "psv", "programme_year": "9"})
    assert response.status_code == 422
    assert "Programåret må være fra 1 til 6." in page_text(response)
    assert db.session.scalar(select(ReviewSession)) is None


def test_join_screen_shows_the_code_and_a_qr_code(client, mini):
    facilitator_for(mini)
    login(client)
    page = client.get(f"/sessions/{mini.id}/screen")
    assert mini.join_code in page_text(page)
    qr = client.get(f"/sessions/{mini.id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    svg = qr.get_data(as_text=True).lstrip()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg  # loads as <img>


def test_personal_link_invitation(client, app, mini):
    facilitator_for(mini)
    login(client)
    response = post(client, f"/sessions/{mini.id}", f"/sessions/{mini.id}/invite",
                    {"invite-name": "Styreleder Berit", "invite-role_group": "leadership"})
    assert response.status_code == 302
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/p/[\w-]+)"', page).group(1)
    invited = app.test_client()
    assert invited.get(link).status_code == 302
    assert "Styreleder Berit" in page_text(invited.get(link, follow_redirects=True))


# ---------------------------------------------------------------- gates

def test_closed_steps_cannot_be_answered_until_opened(client, app, ctx):
    session = make_session("psv", state="preparation")
    facilitator_for(session)
    token = join(client, session)
    page = page_text(client.get(step_url(token, 1)))
    assert "Dette steget er ikke åpent" in page
    facilitator = app.test_client()
    login(facilitator)
    post(facilitator, f"/sessions/{session.id}", f"/sessions/{session.id}/sections",
         {"section": "about", "open": "1"})
    response = answer_step(client, token, 1, {"about_knowledge": "well", "about_fact_sheet_read": "yes"})
    assert response.status_code == 302
    assert "Dette steget er ikke åpent" in page_text(client.get(step_url(token, 2)))


def test_a_step_closed_while_open_in_the_browser_keeps_what_was_typed(client, app, mini):
    facilitator_for(mini)
    token = join(client, mini)
    page = client.get(step_url(token, 2)).get_data(as_text=True)
    facilitator = app.test_client()
    login(facilitator)
    post(facilitator, f"/sessions/{mini.id}", f"/sessions/{mini.id}/sections",
         {"section": "second", "open": "0"})
    response = client.post(step_url(token, 2), data={
        "jobs_count": "77", "action": "save", "csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert 'value="77"' in response.get_data(as_text=True)
    assert "stengt dette steget" in page_text(response)


def test_locked_session_refuses_changes_with_a_clear_message(client, app, mini):
    facilitator_for(mini)
    token = join(client, mini)
    step_page = client.get(step_url(token, 1)).get_data(as_text=True)
    facilitator = app.test_client()
    login(facilitator)
    indicator_url = f"/sessions/{mini.id}/indicators/plan"
    consensus_page = facilitator.get(indicator_url).get_data(as_text=True)
    post(facilitator, f"/sessions/{mini.id}", f"/sessions/{mini.id}/state", {"state": "closed"})

    response = client.post(step_url(token, 1), data={**FIRST_OK, "action": "next",
                                                     "csrf_token": csrf_token(step_page)})
    assert response.status_code == 409 and "låst" in page_text(response)
    response = facilitator.post(indicator_url, data={
        "consensus-grade": "4", "consensus-conclusion": "x", "csrf_token": csrf_token(consensus_page)})
    assert response.status_code == 409 and "låst" in page_text(response)
    assert "Prosesslederen har låst økten" in page_text(client.get(f"/p/{token}/review"))


# ---------------------------------------------------------------- results, reveal, groups

def test_participant_cannot_see_others_scores_before_reveal(client, app, mini):
    facilitator_for(mini)
    score(app.test_client(), mini, "Ola", "leadership", 2, 6)
    token = score(client, mini, "Kari", "leadership", 5, 4)
    before = page_text(client.get(f"/p/{token}/results"))
    assert "Planarbeid" not in before and "ikke vist noen resultater" in before

    facilitator = app.test_client()
    login(facilitator)
    post(facilitator, f"/sessions/{mini.id}", f"/sessions/{mini.id}/reveal",
         {"question": "plan", "reveal": "1"})
    after = page_text(client.get(f"/p/{token}/results"))
    assert "Planarbeid" in after and "Arbeidsplasser" not in after
    assert "n=2" in after
    assert "Min begrunnelse" not in after  # the distribution, never who said what


def test_observer_scores_show_in_the_observer_group(client, app, mini):
    facilitator_for(mini)
    score(app.test_client(), mini, "Leder", "leadership", 2, 2)
    score(app.test_client(), mini, "Fylket", "observer_county", 6, 6)
    plan = next(r for r in indicator_results(mini) if r.question.id == "plan")
    assert (plan.leadership.n, plan.leadership.mean) == (1, 2)
    assert (plan.observers.n, plan.observers.mean) == (1, 6)
    login(client)
    html = client.get(f"/sessions/{mini.id}/indicators/plan").get_data(as_text=True)
    observers = html.split("<h3>Observatører</h3>", 1)[1].split("</div>", 1)[0]
    assert "karakter 6: 1" in observers and "karakter 2: 0" in observers


def test_weighted_total_differs_between_year_2_and_year_4_as_the_weights_say(ctx):
    early = make_session("psv", year=2)
    late = make_session("psv", year=4, programme="Senere program")
    grades = {q.id: (5 if q.group == "process" else 2) for q in early.bank.indicators}
    assert session_total(early.bank, 2, grades) == 0.7 * 5 + 0.3 * 2
    assert session_total(late.bank, 4, grades) == 0.3 * 5 + 0.7 * 2


def score_plan_apart_and_jobs_close(app, mini) -> None:
    """Planarbeid scored 1, 6, 6 (divergent by the bank's rules); Arbeidsplasser 4, 4, 5."""
    score(app.test_client(), mini, "A", "leadership", 1, 4)
    score(app.test_client(), mini, "B", "leadership", 6, 4)
    score(app.test_client(), mini, "C", "observer_county", 6, 5)


def test_discussion_agenda_puts_the_most_disagreement_first(client, app, mini):
    facilitator_for(mini)
    score_plan_apart_and_jobs_close(app, mini)
    login(client)
    page = page_text(client.get(f"/sessions/{mini.id}/discussion"))
    assert page.index("Planarbeid") < page.index("Arbeidsplasser")
    assert "Sprikende" in page


def test_a_session_can_have_its_own_divergence_rules(client, app, mini):
    facilitator_for(mini)
    score_plan_apart_and_jobs_close(app, mini)
    login(client)
    agenda, rules = f"/sessions/{mini.id}/discussion", f"/sessions/{mini.id}/divergence-rules"

    def flagged() -> int:
        return client.get(agenda).get_data(as_text=True).count('class="agenda-item divergent"')

    def post_rules(data: dict):
        token = csrf_token(client.get(agenda).get_data(as_text=True))
        return client.post(rules, data={**data, "csrf_token": token})

    assert flagged() == 1  # the bank's rules: only Planarbeid (1, 6, 6)
    # Stricter for this session: a range of 1 flags Arbeidsplasser (4, 4, 5) too.
    assert post_rules({"rules-range": "1", "rules-stdev": "", "rules-split": ""}).status_code == 302
    assert flagged() == 2
    db.session.expire_all()
    assert db.session.get(ReviewSession, mini.id).divergence_rules == {"range": 1}
    # A bad value: a clear message, a 4xx, and the saved rules stay.
    refused = post_rules({"rules-range": "1", "rules-stdev": "-1", "rules-split": ""})
    assert refused.status_code == 422
    assert "Standardavviket må være over 0 og høyst 10." in page_text(refused)
    assert flagged() == 2
    # A Norwegian decimal comma is understood.
    assert post_rules({"rules-range": "", "rules-stdev": "0,4", "rules-split": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReviewSession, mini.id).divergence_rules == {"stdev": 0.4}
    html = client.get(agenda).get_data(as_text=True)
    field = re.search(r'<input[^>]*id="rules-stdev"[^>]*>', html).group(0)
    assert 'value="0,4"' in field and 'type="text"' in field  # a number input cannot hold "0,4"
    # Back to the bank's rules.
    assert post_rules({"reset": "1"}).status_code == 302
    assert flagged() == 1


# ---------------------------------------------------------------- consensus and proposals

def test_consensus_changes_are_kept_in_a_history(client, mini):
    facilitator_for(mini)
    login(client)
    url = f"/sessions/{mini.id}/indicators/plan"
    assert post_form(client, url, {"consensus-grade": "4", "consensus-conclusion": "Bra",
                                   "consensus-dissent": ""}).status_code == 302
    assert post_form(client, url, {"consensus-grade": "3", "consensus-conclusion": "Bra, men ...",
                                   "consensus-dissent": "Per mener 5"}).status_code == 302
    changes = list(db.session.scalars(select(ConsensusChange).order_by(ConsensusChange.id)))
    assert [c.before for c in changes] == [None, {"grade": 4, "conclusion": "Bra", "dissent": ""}]
    assert changes[1].after == {"grade": 3, "conclusion": "Bra, men ...", "dissent": "Per mener 5"}
    assert all(c.facilitator.email == "leder@example.org" for c in changes)
    page = page_text(client.get(url))
    assert "Endringslogg (2)" in page and "Per mener 5" in page


def test_conclusion_markdown_is_sanitised(client, mini):
    facilitator_for(mini)
    login(client)
    url = f"/sessions/{mini.id}/indicators/plan"
    post_form(client, url, {"consensus-grade": "4",
                            "consensus-conclusion": "**Bra** <script>alert('x')</script>"})
    html = client.get(url).get_data(as_text=True)
    assert "<strong>Bra</strong>" in html and "<script>alert" not in html


def test_a_grade_off_the_scale_is_refused(client, mini):
    facilitator_for(mini)
    login(client)
    response = post_form(client, f"/sessions/{mini.id}/indicators/plan", {"consensus-grade": "9"})
    assert response.status_code == 422


def test_proposals_with_owner_deadline_priority_and_status(client, mini):
    facilitator_for(mini)
    login(client)
    page_url = f"/sessions/{mini.id}/indicators/plan"
    response = post(client, page_url, f"/sessions/{mini.id}/proposals", {
        "question": "plan", "proposal-text": "Kvartalsvis rapport til kommunestyret",
        "proposal-owner": "Programleder", "proposal-deadline": "2027-03-01",
        "proposal-priority": "high", "proposal-status": "new"})
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert (proposal.question_id, proposal.owner, str(proposal.deadline), proposal.priority) == (
        "plan", "Programleder", "2027-03-01", "high")
    response = post(client, page_url, f"/sessions/{mini.id}/proposals/{proposal.id}", {
        f"p{proposal.id}-text": "Kvartalsvis rapport", f"p{proposal.id}-priority": "low",
        f"p{proposal.id}-status": "in_progress"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (proposal.text, proposal.priority, proposal.status) == ("Kvartalsvis rapport", "low", "in_progress")
    response = post(client, page_url, f"/sessions/{mini.id}/proposals", {"question": "plan", "proposal-text": ""})
    assert response.status_code == 422


def test_last_years_proposals_are_carried_into_the_next_session(client, ctx):
    last = make_session("psv", year=1, programme="Fjordby")
    this = make_session("psv", year=2, programme="Fjordby-2")
    this.programme_id = last.programme_id
    db.session.commit()
    facilitator_for(last)
    login(client)
    post_form(client, f"/sessions/{last.id}/indicators/p1_anchoring", {
        "consensus-grade": "3", "consensus-conclusion": "Svak forankring i fjor"})
    post(client, f"/sessions/{last.id}/proposals", f"/sessions/{last.id}/proposals", {
        "proposal-text": "Møte med formannskapet", "proposal-priority": "high", "proposal-status": "new"})
    page = page_text(client.get(f"/sessions/{this.id}/indicators/p1_anchoring"))
    assert "Svak forankring i fjor" in page  # last year's consensus beside this year's

    response = post_form(client, f"/sessions/{this.id}/follow-up", {})
    assert response.status_code == 302
    carried = db.session.scalars(select(Proposal).filter_by(session_id=this.id)).all()
    assert [(p.text, p.origin_year) for p in carried] == [("Møte med formannskapet", 1)]
    post(client, f"/sessions/{this.id}/follow-up", f"/sessions/{this.id}/proposals/{carried[0].id}",
         {"status_only": "1", "status": "done"})
    db.session.expire_all()
    assert carried[0].status == "done"
    assert "Møte med formannskapet" in page_text(client.get(f"/sessions/{this.id}/follow-up"))
    post_form(client, f"/sessions/{this.id}/follow-up", {})  # twice: nothing carried twice
    assert len(db.session.scalars(select(Proposal).filter_by(session_id=this.id)).all()) == 1


# ---------------------------------------------------------------- live dashboard

def test_live_dashboard_reports_a_new_answer_and_nothing_when_unchanged(client, app, mini):
    facilitator_for(mini)
    login(client)
    page = client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)
    version = re.search(r'data-version="([^"]+)"', page).group(1)
    assert client.get(f"/sessions/{mini.id}/live?version={version}").status_code == 204
    score(app.test_client(), mini, "Ny deltaker", "observer_municipality", 3, 3)
    response = client.get(f"/sessions/{mini.id}/live?version={version}")
    assert response.status_code == 200
    data = response.get_json()
    assert data["version"] != version and "Ny deltaker" in data["html"]


def test_live_dashboard_reports_a_consensus_and_anonymising_made_elsewhere(client, app, mini):
    """A second tab or facilitator records a consensus, then anonymises the session: the open
    dashboard's next poll shows each, not a 204."""
    facilitator_for(mini)
    login(client)
    score(app.test_client(), mini, "Navn Navnesen", "leadership", 3, 3)
    page = client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)
    version = unescape(re.search(r'data-version="([^"]+)"', page).group(1))
    elsewhere = app.test_client()
    login(elsewhere)
    assert post_form(elsewhere, f"/sessions/{mini.id}/indicators/plan", {
        "consensus-grade": "5", "consensus-conclusion": "Enige", "consensus-dissent": ""}).status_code == 302
    response = client.get(f"/sessions/{mini.id}/live", query_string={"version": version})
    assert response.status_code == 200
    version, fragment = response.get_json()["version"], response.get_json()["html"]
    shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    assert "Felles karakter: 5" in shown, shown
    assert client.get(f"/sessions/{mini.id}/live", query_string={"version": version}).status_code == 204
    page = elsewhere.get(f"/sessions/{mini.id}").get_data(as_text=True)
    assert elsewhere.post(f"/sessions/{mini.id}/anonymise",
                          data={"csrf_token": csrf_token(page), "confirmed": "1"}).status_code == 302
    response = client.get(f"/sessions/{mini.id}/live", query_string={"version": version})
    assert response.status_code == 200 and "Navn Navnesen" not in response.get_json()["html"]


def test_anonymous_session_hides_names_on_the_dashboard(client, app, mini):
    mini.anonymous = True
    db.session.commit()
    facilitator_for(mini)
    score(app.test_client(), mini, "Hemmelig Navn", "leadership", 3, 3)
    login(client)
    assert "Hemmelig Navn" not in page_text(client.get(f"/sessions/{mini.id}/dashboard"))
    assert "Hemmelig Navn" not in page_text(client.get(f"/sessions/{mini.id}/indicators/plan"))
