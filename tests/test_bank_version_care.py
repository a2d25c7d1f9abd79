"""An uploaded version's owner takes care of it: stops sharing it with a colleague, or deletes it;
sessions made from it run on with their own copy of the bank."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from assessment.banks import get_bank
from assessment.extensions import db
from assessment.facilitation import set_state
from assessment.facilitators import create_facilitator, grant_access
from assessment.models import Answer, BankVersion, ReviewSession
from assessment.programmes import create_programme
from tests.helpers import (answer_step, complete_answers, csrf_token, join, login, make_facilitator,
                           page_text, post_form)
from tests.test_bank_upload import mini_data, upload_and_confirm, workbook


def shared_version(app, client):
    """The owner (logged in on `client`) uploads mini version 1 shared with a colleague, who has a
    programme of their own; returns the version, the colleague's client and programme."""
    make_facilitator()
    colleague = create_facilitator("kollega@example.org", "et-godt-passord", "Kari Kollega")
    programme = create_programme("Kollegaby", start_year=2025)
    grant_access(programme, colleague, owner=True)
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()), colleagues="kollega@example.org")
    other = app.test_client()
    login(other, "kollega@example.org")
    return version, colleague, other, programme


def confirm_post(client, url: str):
    """Open a confirmation page, then press its button."""
    page = client.get(url)
    assert page.status_code == 200, page_text(page)[:500]
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "confirmed": "1"})


def test_the_owner_stops_sharing_and_the_colleague_loses_the_version(app, client, ctx):
    version, colleague, other, programme = shared_version(app, client)
    key = f"uploaded:{version.id}"
    assert key in other.get(f"/programmes/{programme.id}").get_data(as_text=True)
    # The colleague made a session from it while it was shared.
    assert post_form(other, f"/programmes/{programme.id}", {"bank_id": key, "programme_year": "1"}).status_code == 302
    versions_page = client.get("/banks/mini").get_data(as_text=True)
    revoke_url = f"/banks/mini/versions/{version.id}/shares/{colleague.id}/revoke"
    assert f'href="{revoke_url}"' in versions_page
    asked = page_text(client.get(revoke_url))
    assert "Slutte å dele versjon 1 med Kari Kollega?" in asked
    assert "beholder sin kopi av spørsmålsbanken" in asked
    done = confirm_post(client, revoke_url)
    assert done.status_code == 302
    assert "Versjon 1 deles ikke lenger med Kari Kollega." in page_text(client.get(done.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(BankVersion, version.id).shared_with == []
    assert other.get("/banks/mini").status_code == 404
    assert other.get(f"/banks/mini/versions/{version.id}/bank.xlsx").status_code == 404
    assert key not in other.get(f"/programmes/{programme.id}").get_data(as_text=True)
    refused = post_form(other, f"/programmes/{programme.id}", {"bank_id": key, "programme_year": "2"})
    assert refused.status_code == 404
    session = db.session.scalars(select(ReviewSession)).one()  # the one made before, unchanged
    assert session.bank_hash == version.hash
    assert other.get(f"/sessions/{session.id}").status_code == 200


def test_stopping_to_share_needs_the_confirmation_post_with_its_token(app, client, ctx):
    version, colleague, _other, _programme = shared_version(app, client)
    url = f"/banks/mini/versions/{version.id}/shares/{colleague.id}/revoke"
    assert client.post(url, data={"confirmed": "1"}).status_code == 400  # no CSRF token
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(page)}).status_code == 200  # asked again
    db.session.expire_all()
    assert db.session.get(BankVersion, version.id).shared_with == [colleague]


def test_only_the_owner_stops_sharing(app, client, ctx):
    version, colleague, other, _programme = shared_version(app, client)
    url = f"/banks/mini/versions/{version.id}/shares/{colleague.id}/revoke"
    page = other.get("/banks/mini").get_data(as_text=True)
    assert f'href="{url}"' not in page
    assert other.post(url, data={"csrf_token": csrf_token(page), "confirmed": "1"}).status_code == 403
    assert client.get(f"/banks/mini/versions/{version.id}/shares/999/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(BankVersion, version.id).shared_with == [colleague]


def test_a_deleted_version_leaves_its_sessions_running_on_their_snapshot(app, client, ctx):
    programme = create_programme("Testby", start_year=2025)
    make_facilitator(programmes=[programme])
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()))
    bank = version.bank
    key = f"uploaded:{version.id}"
    assert post_form(client, f"/programmes/{programme.id}", {"bank_id": key, "programme_year": "1"}).status_code == 302
    session = db.session.scalars(select(ReviewSession)).one()
    set_state(session, "scoring")
    participant = app.test_client()
    token = join(participant, session)

    url = f"/banks/mini/versions/{version.id}/delete"
    assert f'href="{url}"' in client.get("/banks/mini").get_data(as_text=True)
    asked = page_text(client.get(url))
    assert "Slette versjon 1?" in asked and "deltakerne kan fortsette å svare" in asked
    done = confirm_post(client, url)
    assert done.status_code == 302
    assert "Versjon 1 er slettet." in page_text(client.get(done.headers["Location"]))
    assert db.session.scalar(select(BankVersion.id)) is None
    assert client.get("/banks/mini").status_code == 404
    assert key not in client.get(f"/programmes/{programme.id}").get_data(as_text=True)

    data, _values = complete_answers(bank, bank.sections[0], {})
    answered = answer_step(participant, token, 1, data)
    assert answered.status_code == 302, page_text(answered)[:1000]
    assert db.session.scalar(select(Answer.id).where(Answer.question_id == "plan")) is not None
    book = client.get(f"/sessions/{session.id}/export.xlsx")
    assert book.status_code == 200
    assert "Planarbeid" in str([c.value for row in load_workbook(io.BytesIO(book.data)).worksheets[0].iter_rows()
                                for c in row])
    assert client.get(f"/sessions/{session.id}/report.md").status_code == 200
    assert client.get(f"/sessions/{session.id}/report.docx").status_code == 200
    assert client.get(f"/sessions/{session.id}/bank.xlsx").status_code == 200


def test_deleting_needs_the_confirmation_post(app, client, ctx):
    make_facilitator()
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()))
    url = f"/banks/mini/versions/{version.id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(page)}).status_code == 200  # the question again
    assert client.post(url, data={"confirmed": "1"}).status_code == 400  # no CSRF token
    assert db.session.scalar(select(BankVersion.id)) == version.id


def test_a_shipped_bank_cannot_be_deleted(client, ctx):
    make_facilitator()
    login(client)
    page = client.get("/banks/psv").get_data(as_text=True)
    assert "/delete" not in page and "Slett versjon" not in page
    refused = client.post("/banks/psv/versions/shipped/delete", data={"csrf_token": csrf_token(page), "confirmed": "1"})
    assert refused.status_code == 403
    assert client.get("/banks/psv/versions/shipped/delete").status_code == 403
    assert get_bank("psv") is not None and client.get("/banks/psv").status_code == 200


def test_a_colleague_shared_with_cannot_delete(app, client, ctx):
    version, _colleague, other, _programme = shared_version(app, client)
    page = other.get("/banks/mini").get_data(as_text=True)
    assert "Slett versjon" not in page
    url = f"/banks/mini/versions/{version.id}/delete"
    assert other.post(url, data={"csrf_token": csrf_token(page), "confirmed": "1"}).status_code == 403
    assert db.session.scalar(select(BankVersion.id)) == version.id


def test_a_viewer_can_neither_delete_nor_stop_sharing(app, client, ctx):
    version, colleague, _other, _programme = shared_version(app, client)
    create_facilitator("viewer@example.org", "et-godt-passord", "Viewer", viewer=True)
    viewer = app.test_client()
    login(viewer, "viewer@example.org")
    page = viewer.get("/banks").get_data(as_text=True)
    token = csrf_token(page)
    for url in (f"/banks/mini/versions/{version.id}/delete",
                f"/banks/mini/versions/{version.id}/shares/{colleague.id}/revoke",
                "/banks/psv/versions/shipped/delete"):
        assert viewer.post(url, data={"csrf_token": token, "confirmed": "1"}).status_code == 403
        assert viewer.get(url).status_code == 403
    db.session.expire_all()
    assert db.session.get(BankVersion, version.id).shared_with == [colleague]
