"""The percent question type, added through the registry, its field factory and its macro alone."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessment.banks import BankError, parse_bank
from assessment.extensions import db
from assessment.models import Participant
from tests.helpers import answer_step, join, login, make_facilitator, make_session, page_text
from tests.readers import check_every_reader

BANK = """
id: share
version: "1"
kind: fact_sheet
title: {nb: Andeler, en: Shares}
sections:
  - id: shares
    title: {nb: Andeler, en: Shares}
    questions:
      - id: local_share
        type: percent
        decimals: 1
        required: true
        label: {nb: Andel lokale leverandører, en: Share of local suppliers}
      - id: women_share
        type: percent
        label: {nb: Andel kvinner i styret, en: Share of women on the board}
"""


@pytest.fixture
def shares(app, ctx, tmp_path):
    (tmp_path / "share.yaml").write_text(BANK, encoding="utf-8")
    app.config["BANKS_DIR"] = str(tmp_path)
    return make_session("share")


def stored(token):
    participant = db.session.scalar(select(Participant).filter_by(token=token))
    return {a.question_id: a.value for a in participant.answers}


def test_a_percent_is_typed_with_or_without_the_sign_and_shown_per_language(app, client, shares):
    token = join(client, shares)
    response = answer_step(client, token, 1, {"local_share": "45,5 %", "women_share": "40"})
    assert response.status_code == 302
    assert stored(token) == {"local_share": 45.5, "women_share": 40}
    assert "45,5 %" in page_text(client.get(f"/p/{token}/review"))
    client.set_cookie("lang", "en")
    assert "45.5%" in page_text(client.get(f"/p/{token}/review"))


@pytest.mark.parametrize("raw", ["101", "-1", "45,55", "50,5", "1e2", "nan", "hundre"])
def test_a_percent_outside_0_to_100_or_with_too_many_decimals_is_refused(client, shares, raw):
    token = join(client, shares)
    data = {"local_share": "12,5", "women_share": raw}
    response = answer_step(client, token, 1, data, action="save")
    assert response.status_code == 422
    assert "Skriv" in page_text(response) or "Bruk" in page_text(response)
    assert stored(token) == {"local_share": 12.5}


def test_percent_answers_reach_every_page_and_export(app, client, shares):
    make_facilitator(programmes=[shares.programme])
    participant = app.test_client()
    token = join(participant, shares)
    answer_step(participant, token, 1, {"local_share": "100", "women_share": "0"})
    login(client)
    check_every_reader(client, participant, shares, [token])
    book = load_workbook(io.BytesIO(client.get(f"/sessions/{shares.id}/export.xlsx").data))
    rows = {row[3].value: row for row in book["Svar"].iter_rows()}
    shown, stable = rows["local_share"][5], rows["local_share"][6]
    assert shown.value == 100 and shown.number_format.endswith('"%"') and stable.value == 100


def test_a_percent_question_takes_no_min_max_or_unit():
    text = BANK.replace("        decimals: 1\n", "        decimals: 1\n        max: 50\n")
    with pytest.raises(BankError, match="'max' is not used by percent questions"):
        parse_bank(text, "share.yaml")
