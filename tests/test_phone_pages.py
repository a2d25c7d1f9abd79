"""Participant pages made for phones, over HTTP: the steps fold into "Step n of m", finished steps
are marked, Next comes first, Submit is at the top of the review, and every justification box has
a name of its own."""
from __future__ import annotations

import re
from html import unescape

from tests.helpers import answer_step, complete_answers, join, make_session, step_url


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def step_links(html: str, part: str) -> list[str]:
    """The step buttons or links of one of the two step lists ("wide" or "narrow"), as text."""
    start = html.index({"wide": 'class="step-list step-list-wide"', "narrow": 'class="step-nav-narrow"'}[part])
    nav = re.search(r'<nav class="step-list.*?</nav>', html[start:], flags=re.S).group(0)
    return [text(m) for m in re.findall(r'<(?:button|a)[^>]*class="step-link[^"]*"[^>]*>.*?</(?:button|a)>',
                                        nav, flags=re.S)]


def test_steps_fold_into_a_disclosure_titled_with_the_step_number(app, client, ctx):
    session = make_session("psv")
    token = join(client, session)

    html = client.get(step_url(token, 2)).get_data(as_text=True)
    progress = html.index('<p class="progress-text">Steg 2 av 4</p>')
    summary = re.search(r'<details class="step-nav-narrow">\s*<summary>(.*?)</summary>', html, flags=re.S)
    assert summary and text(summary.group(1)) == "Alle steg" and progress < summary.start()
    assert len(step_links(html, "narrow")) == 5  # four steps and the review


def test_a_step_answered_completely_is_marked_finished(app, client, ctx):
    session = make_session("psv")
    bank = session.bank
    token = join(client, session)
    data, _values = complete_answers(bank, bank.sections[0], {})
    assert answer_step(client, token, 1, data).status_code == 302

    html = client.get(step_url(token, 2)).get_data(as_text=True)
    for part in ("wide", "narrow"):
        links = step_links(html, part)
        assert links[0].endswith("✓ (ferdig)"), links[0]
        assert not any("ferdig" in link for link in links[1:]), links


def test_a_step_with_a_required_answer_missing_is_not_marked(app, client, ctx):
    session = make_session("psv")
    bank = session.bank
    token = join(client, session)
    data, _values = complete_answers(bank, bank.sections[1], {})
    first_indicator = bank.sections[1].questions[0].id
    del data[first_indicator]
    assert answer_step(client, token, 2, data, action="save").status_code == 302

    html = client.get(step_url(token, 2)).get_data(as_text=True)
    assert not any("ferdig" in link for link in step_links(html, "wide"))


def test_next_comes_first_and_back_and_save_are_secondary(app, client, ctx):
    token = join(client, make_session("psv"))

    html = client.get(step_url(token, 2)).get_data(as_text=True)
    actions = re.search(r'<div class="form-actions">(.*?)</div>', html, flags=re.S).group(1)
    buttons = re.findall(r'<button[^>]*value="(\w+)"[^>]*class="([^"]+)"', actions)
    assert buttons == [("next", "button primary"), ("back", "button secondary"), ("save", "button secondary")]


def test_every_justification_box_is_named_after_its_question(app, client, ctx):
    session = make_session("psv")
    token = join(client, session)
    process = session.bank.sections[1]

    html = client.get(step_url(token, 2)).get_data(as_text=True)
    names = {}
    for field_id, label in re.findall(r'<label for="([\w-]+__comment)">(.*?)</label>', html, flags=re.S):
        hidden = re.sub(r'<span aria-hidden="true">.*?</span>', "", label, flags=re.S)
        names[field_id] = text(hidden)
    expected = [q for q in process.questions if q.type == "scale" and q.comment != "none"]
    assert len(names) == len(expected) > 1
    assert len(set(names.values())) == len(names), names
    for question in expected:
        assert names[question.id + "__comment"].startswith(f"Begrunnelse for {question.label.nb}")


def test_submit_is_at_the_top_of_the_review_and_at_the_bottom(app, client, ctx):
    token = join(client, make_session("psv"))

    html = client.get(f"/p/{token}/review").get_data(as_text=True)
    forms = [m.start() for m in re.finditer(rf'<form method="post" action="/p/{token}/submit"', html)]
    first_step = html.index('<section class="review-step"')
    assert len(forms) == 2 and forms[0] < first_step < forms[1]
    top = html[forms[0]:html.index("</form>", forms[0])]
    assert text(top) == "Send inn svarene"


def test_locked_review_has_no_submit_at_all(app, client, ctx):
    from assessment.facilitation import set_state

    session = make_session("psv")
    token = join(client, session)
    set_state(session, "closed")

    html = client.get(f"/p/{token}/review").get_data(as_text=True)
    assert f"/p/{token}/submit" not in html
