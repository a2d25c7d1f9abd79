"""A session keeps the exact bank it was created with."""
from __future__ import annotations

from sqlalchemy import select

from assessment.banks import get_bank
from assessment.extensions import db
from assessment.models import ReviewSession
from tests.helpers import answer_step, join, make_session, page_text, step_url


def test_editing_the_bank_file_changes_nothing_in_a_past_session(client, ctx, banks_dir):
    session = make_session("psv")
    original_hash = session.bank_hash
    path = banks_dir / "psv.yaml"
    text = path.read_text(encoding="utf-8")
    edited = (text.replace("Forankring og samarbeid med kommune", "ENDRET TEKST", 1)
              .replace('version: "2026.1"', 'version: "2027.1"'))
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    assert get_bank("psv").version == "2027.1"  # new sessions get the new text ...

    db.session.expire_all()
    stored = db.session.get(ReviewSession, session.id)
    assert stored.bank_hash == original_hash  # ... the old one keeps its own
    assert stored.bank.version == "2026.1"
    token = join(client, stored)
    page = page_text(client.get(step_url(token, 2)))
    assert "Forankring og samarbeid med kommune" in page and "ENDRET TEKST" not in page

    newer = make_session("psv", programme="Annet program")
    assert newer.bank_version == "2027.1" and newer.bank_hash != original_hash


def test_deleting_the_bank_file_does_not_break_a_session(client, ctx, banks_dir):
    session = make_session("closure")
    (banks_dir / "closure.yaml").unlink()
    token = join(client, session)
    response = client.get(step_url(token, 1))
    assert response.status_code == 200
    assert "Steg 1 av" in page_text(response)
    response = answer_step(client, token, 1, {}, action="save")
    assert response.status_code == 302


def test_a_broken_bank_file_does_not_break_a_session(client, ctx, banks_dir):
    session = make_session("psv")
    (banks_dir / "psv.yaml").write_text("id: [broken", encoding="utf-8")
    token = join(client, session)
    assert client.get(step_url(token, 1)).status_code == 200
    assert db.session.scalar(select(ReviewSession)).bank.id == "psv"
