"""A refused proposal form comes back where it was sent from, with what was typed and the message
next to the field; nothing is saved and nothing typed is lost."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.facilitation import add_proposal
from assessment.models import Proposal
from tests.helpers import csrf_token, login, make_facilitator, page_text


def _field(html: str, name: str) -> str:
    """The tag of the input, textarea or select named `name`."""
    match = re.search(rf'<(input|textarea|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert match, f"no field {name}"
    return match.group(0)


def _error_next_to(html: str, field_id: str) -> str:
    """The text of the field block of `field_id`: its label, its message and the field."""
    match = re.search(rf'<div class="field has-error">\s*<label for="{field_id}">.*?</div>', html, re.S)
    assert match, f"no error shown at {field_id}"
    return re.sub(r"<[^>]+>", " ", match.group(0))


def _post(client, page_url, action_url, data):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token})


def test_an_empty_proposal_on_an_indicator_page_keeps_owner_deadline_and_priority(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    page_url = f"/sessions/{mini.id}/indicators/plan"
    response = _post(client, page_url, f"/sessions/{mini.id}/proposals", {
        "question": "plan", "proposal-text": "  ", "proposal-owner": "Programleder",
        "proposal-deadline": "2027-03-01", "proposal-priority": "high", "proposal-status": "new"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv forslaget." in _error_next_to(html, "proposal-text")
    assert 'value="Programleder"' in _field(html, "proposal-owner")
    assert 'value="2027-03-01"' in _field(html, "proposal-deadline")
    assert re.search(r'<option selected value="high">|<option value="high" selected>', html)
    # Still the indicator's page, and the new proposal goes to the same indicator.
    assert 'name="question" value="plan"' in html
    assert "Planarbeid" in page_text(response) and "consensus-conclusion" in html
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_refused_proposal_keeps_the_saved_consensus_on_the_page(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    page_url = f"/sessions/{mini.id}/indicators/plan"
    assert _post(client, page_url, page_url, {"consensus-grade": "4", "consensus-conclusion": "Godt grunnlag"}
                 ).status_code == 302
    response = _post(client, page_url, f"/sessions/{mini.id}/proposals", {"question": "plan", "proposal-text": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="consensus-conclusion"[^>]*>\s*Godt grunnlag</textarea>', html)
    # The consensus form still saves to the indicator, not to the proposals address it came back from.
    assert f'action="/sessions/{mini.id}/indicators/plan"' in html


def test_an_empty_proposal_for_the_whole_programme_stays_on_the_proposals_page(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    url = f"/sessions/{mini.id}/proposals"
    response = _post(client, url, url, {"proposal-text": "", "proposal-owner": "Styret",
                                        "proposal-deadline": "2027-13-45"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv forslaget." in _error_next_to(html, "proposal-text")
    assert _error_next_to(html, "proposal-deadline")
    assert 'value="Styret"' in _field(html, "proposal-owner")
    assert 'value="2027-13-45"' in _field(html, "proposal-deadline")
    assert "programmet som helhet" in page_text(response)


def test_an_edited_proposal_emptied_is_shown_again_with_its_fields(client, mini):
    make_facilitator(programmes=[mini.programme])
    proposal = add_proposal(mini, "plan", "Kvartalsrapport", "Programleder", None, "medium", "new")
    proposal_id = proposal.id
    login(client)
    page_url = f"/sessions/{mini.id}/indicators/plan"
    response = _post(client, page_url, f"/sessions/{mini.id}/proposals/{proposal_id}", {
        f"p{proposal_id}-text": "", f"p{proposal_id}-owner": "Styreleder",
        f"p{proposal_id}-priority": "low", f"p{proposal_id}-status": "in_progress"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv forslaget." in _error_next_to(html, f"p{proposal_id}-text")
    assert 'value="Styreleder"' in _field(html, f"p{proposal_id}-owner")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).text == "Kvartalsrapport"  # nothing saved
