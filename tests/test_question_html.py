"""The step page's questions (forms/question_html.py and the macros): each with its type's input,
with the participant's own answers, escaped, and nobody else's."""
from __future__ import annotations

import random

import pytest
from flask import current_app
from werkzeug.datastructures import MultiDict

from assessment.banks import get_bank
from assessment.demo import demo_value
from assessment.question_types import question_type
from forms.question_html import render_question
from forms.step import COMMENT_SUFFIX, make_step_form
from tests.conftest import ROOT
from tests.helpers import answer_step, join, make_session, step_url

TRICKY = 'Tre < fire & «fem» "sitat" \'apostrof\'\n<script>alert(1)</script> æøå'


def stored_for(section, seed: int, text: str) -> dict:
    """Stored answers to every question of a section: a random value each, `text` as free text."""
    rng = random.Random(seed)
    stored = {}
    for question in section.questions:
        value = demo_value(question, rng, centre=4)
        if question.type in ("text", "long_text"):
            value = text
        stored[question.id] = (value, text if question.type == "scale" else "")
    return stored


INPUT_OF_TYPE = {"scale": 'type="radio"', "single_choice": 'type="radio"', "yes_no": 'type="radio"',
                 "multi_choice": 'type="checkbox"', "text": 'type="text"', "long_text": "<textarea",
                 "number": 'inputmode="decimal"', "date": 'type="date"'}


@pytest.mark.parametrize("bank_id", ["psv", "psv-12", "closure", "fact-sheet", "mini"])
def test_every_question_renders_with_its_types_input_and_the_stored_text_escaped(app, bank_id):
    folder = ROOT / "tests" / "banks" if bank_id == "mini" else None
    bank = get_bank(bank_id, folder)
    with app.test_request_context("/"):
        for lang in ("nb", "en"):
            for section in bank.sections:
                stored = stored_for(section, 3, TRICKY)
                known = {qid: value for qid, (value, _c) in stored.items()}
                form = make_step_form(section, known, lang, stored=stored)
                for question, field, comment, live in form.displayed_fields():
                    html = str(render_question(question, field, comment, lang, live))
                    assert f'id="q-{question.id}"' in html and question.label.get(lang)[:10] in html
                    assert INPUT_OF_TYPE[question.type] in html, (question.id, question.type)
                    assert "<script>alert" not in html
                    if question.type in ("text", "long_text") or comment is not None:
                        assert "Tre &lt; fire &amp; «fem»" in html, question.id


@pytest.mark.parametrize("bank_id", ["psv", "closure", "fact-sheet", "mini"])
def test_the_cached_block_is_what_the_macros_write(app, bank_id):
    folder = ROOT / "tests" / "banks" if bank_id == "mini" else None
    bank = get_bank(bank_id, folder)
    with app.test_request_context("/"):
        macros = current_app.jinja_env.get_template("macros.html").module
        compared = 0
        for lang in ("nb", "en"):
            for seed, text in enumerate(["", TRICKY, "Enkel tekst", TRICKY + " igjen"]):
                for section in bank.sections:
                    stored = stored_for(section, seed, text) if seed else {}
                    known = {qid: value for qid, (value, _c) in stored.items()}
                    form = make_step_form(section, known, lang, stored=stored)
                    for question, field, comment, live in form.displayed_fields():
                        written = str(macros.question_block(question, field, comment, lang, live,
                                                            getattr(macros, question_type(question).macro)))
                        for _ in range(2):  # the first call may fill the cache, the second reads it
                            assert str(render_question(question, field, comment, lang, live)) == written
                        compared += 1
        assert compared > 40


def test_a_block_with_an_error_shows_the_error(app):
    bank = get_bank("psv")
    scale = next(q for q in bank.questions if q.type == "scale" and q.comment == "required")
    section = next(s for s in bank.sections if scale in s.questions)
    with app.test_request_context("/", method="POST"):
        form = make_step_form(section, {}, "nb", formdata=MultiDict({scale.id: "4"}))
        form.validate()
        comment = form[scale.id + COMMENT_SUFFIX]
        assert comment.errors
        html = str(render_question(scale, form[scale.id], comment, "nb", False))
        assert 'class="field-error"' in html and str(comment.errors[0]) in html
        assert 'value="4" checked' in html


def test_participants_see_their_own_answers_and_not_each_others(client, ctx):
    session = make_session("psv")
    bank = session.bank
    scale = next(q for q in bank.questions if q.type == "scale" and q.comment != "none")
    number = next(i for i, s in enumerate(bank.sections, start=1) if scale in s.questions)

    first = join(client, session, name="Første")
    data = {scale.id: "5", scale.id + COMMENT_SUFFIX: TRICKY}
    response = answer_step(client, first, number, data, action="save")
    assert response.status_code == 302

    second_client = client.application.test_client()
    second = join(second_client, session, name="Andre")
    page = second_client.get(step_url(second, number)).get_data(as_text=True)
    assert "alert(1)" not in page and "Tre &lt; fire" not in page
    assert f'id="{scale.id}-0"' in page and "checked" not in page

    answer_step(second_client, second, number, {scale.id: "2", scale.id + COMMENT_SUFFIX: "Min egen"},
                action="save")
    mine = second_client.get(step_url(second, number)).get_data(as_text=True)
    theirs = client.get(step_url(first, number)).get_data(as_text=True)
    level = question_type(scale).form_value(scale, 2)
    assert f'value="{level}" checked' in mine and 'value="5" checked' not in mine
    assert "Min egen" in mine and "alert(1)" not in mine
    assert 'value="5" checked' in theirs and f'value="{level}" checked' not in theirs
    # The justification comes back exactly as typed, escaped: never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; æøå" in theirs and "<script>alert" not in theirs
    assert "Min egen" not in theirs
