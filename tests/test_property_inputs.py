"""Property: whatever a participant sends to any question of any shipped bank, once it is saved
through HTTP every page of the session and of its programme and every export answers and parses."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from assessment.banks import bank_paths, get_bank, load_bank
from assessment.question_types import question_type
from assessment.programmes import create_programme, create_session
from forms.step import COMMENT_SUFFIX
from tests.helpers import csrf_token, login, make_facilitator, post_form, token_from_join_redirect
from tests.readers import check_every_reader

SHIPPED_BANKS = [load_bank(path).id for path in bank_paths()]

SPECIAL = ["", " ", "0", "-0", "0,0000001", "999999999999", "-999999999999", "1000000000000",
           "1e29", "1" * 30, "1e400", "-1e309", "nan", "NaN", "inf", "-Infinity", "9" * 5000, "12,5",
           "1 000 000", "١٢", "na", "yes", "no", "2026-02-30", "0001-01-01", "9999-12-31",
           "1899-12-31", "2199-12-31", "\x0b\x01\x1f\x7f", "\ufffe\uffff", "a" * 6000,
           '=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "<script>alert(1)</script>", "Bjo\u0308rn",
           "\u202egnirts", "😀" * 20]
# Anything a browser can send but NUL (refused for the whole request before a view runs).
typed_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                     max_size=80)


def sendable(question) -> st.SearchStrategy:
    """Strings a participant's browser (or a hostile client) can post for `question`."""
    qtype = question_type(question)
    valid = qtype.form_value(question, qtype.demo_value(question, random.Random(7), 4))
    candidates = [st.sampled_from(SPECIAL), typed_text]
    if question.scale is not None:
        levels = [str(level) for level in range(question.scale.min - 1, question.scale.max + 2)]
        candidates.append(st.sampled_from(levels))
    if question.options:
        candidates.append(st.sampled_from([o.value for o in question.options]))
    one = st.one_of(st.just(valid if isinstance(valid, str) else ""), *candidates)
    if question.type == "multi_choice":
        return st.lists(one, max_size=4)
    return one.map(lambda value: [value])


@st.composite
def step_posts(draw, bank):
    """For each step, the form a participant posts: a value (or none) for every question."""
    posts = []
    for section in bank.sections:
        data = MultiDict()
        for question in section.questions:
            if draw(st.booleans()):
                data.setlist(question.id, draw(sendable(question)))
            if question.comment != "none":
                data[question.id + COMMENT_SUFFIX] = draw(st.one_of(st.sampled_from(SPECIAL), typed_text))
        posts.append(data)
    return posts


@pytest.mark.parametrize("bank_id", SHIPPED_BANKS)
def test_anything_a_participant_sends_leaves_every_page_and_export_readable(app, ctx, bank_id):
    app.config["BANKS_DIR"] = None
    bank = get_bank(bank_id)
    programme = create_programme("Eiendomsprøve")
    session = create_session(programme, bank, 2)
    if bank.kind != "annual_review":  # its fact sheet or closure shows up in the annual exports
        create_session(programme, get_bank("psv"), 2)
    make_facilitator(programmes=[programme])
    facilitator = app.test_client()
    login(facilitator)

    @settings(max_examples=8, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(posts=step_posts(bank), name=st.one_of(st.sampled_from(SPECIAL), typed_text))
    def saved_then_read(posts, name):
        participant = app.test_client()
        joined = post_form(participant, f"/join/{session.join_code}", {"name": name, "role_group": "leadership"})
        if joined.status_code == 422:  # a name that is empty or too long once cleaned: told so, then
            joined = post_form(participant, f"/join/{session.join_code}",
                               {"name": "Navnløs", "role_group": "leadership"})
        token = token_from_join_redirect(joined.headers["Location"])
        for number, data in enumerate(posts, start=1):
            page = participant.get(f"/p/{token}/step/{number}")
            data = MultiDict(data)
            data["csrf_token"] = csrf_token(page.get_data(as_text=True))
            data["action"] = "save"
            status = participant.post(f"/p/{token}/step/{number}", data=data).status_code
            assert status in (302, 422), (number, status)
        check_every_reader(facilitator, participant, session, [token])
        for other in programme.sessions:
            if other.id != session.id:
                check_every_reader(facilitator, participant, other, [])

    saved_then_read()
