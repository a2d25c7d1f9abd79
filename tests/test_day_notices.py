"""What the facilitator and participants read: a notice after revealing or hiding results, and role
names without brackets inside brackets."""
from __future__ import annotations

from tests.helpers import csrf_token, join, login, make_facilitator, page_text


def _reveal(client, mini, data):
    page = client.get(f"/sessions/{mini.id}/indicators/plan").get_data(as_text=True)
    return client.post(f"/sessions/{mini.id}/reveal", data={"csrf_token": csrf_token(page), **data},
                       follow_redirects=True)


def test_revealing_one_indicator_says_which_one_is_shown(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    label = mini.bank.question("plan").label.nb
    response = _reveal(client, mini, {"question": "plan", "reveal": "1", "back": "indicator"})
    assert response.request.path == f"/sessions/{mini.id}/indicators/plan"
    assert f"Vist til deltakerne: {label}" in page_text(response)
    response = _reveal(client, mini, {"question": "plan", "reveal": "0", "back": "indicator"})
    assert f"Skjult for deltakerne: {label}" in page_text(response)


def test_revealing_and_hiding_all_results_says_so(client, mini):
    make_facilitator(programmes=[mini.programme])
    login(client)
    assert "Alle resultater er vist til deltakerne." in page_text(_reveal(client, mini, {"reveal": "1"}))
    assert "Resultatene er skjult for deltakerne." in page_text(_reveal(client, mini, {"reveal": "0"}))


def test_the_participant_header_has_no_brackets_inside_brackets(client, mini):
    for lang, expected in (("nb", "Kari Nordmann (Omstillingsledelsen)"), ("en", "Kari Nordmann (Leadership)")):
        client.set_cookie("lang", lang)
        token = join(client, mini, "Kari Nordmann")
        shown = page_text(client.get(f"/p/{token}/review"))
        assert expected in shown
        assert "((" not in shown and "))" not in shown


def test_the_role_choices_have_no_brackets_inside(client, mini):
    for lang, expected in (("nb", "Omstillingsledelsen: styremedlem eller programleder"),
                           ("en", "Programme leadership: board member or programme manager")):
        client.set_cookie("lang", lang)
        shown = page_text(client.get(f"/join/{mini.join_code}"))
        assert expected in shown
