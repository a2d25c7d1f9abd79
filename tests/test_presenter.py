"""The presenter view for the wall, over HTTP: who may see it, the join code first, one indicator at a
time in agenda order moved by the laptop or the presenter tab's keys, results only once revealed,
the agreed grade once set, and live updates by the dashboard's version/204 scheme."""
from __future__ import annotations

import re
from html import unescape

from assessment.extensions import db
from assessment.models import ReviewSession
from tests.helpers import csrf_token, login, make_facilitator, page_text, post_form
from tests.test_workshop import facilitator_for, post, score, score_plan_apart_and_jobs_close


def presenter(mini) -> str:
    return f"/sessions/{mini.id}/presenter"


def show(client, mini, **data):
    """Press a button on the presenter view (step=next/previous, or question=<id>)."""
    token = csrf_token(client.get(presenter(mini)).get_data(as_text=True))
    return client.post(f"{presenter(mini)}/show", data={**data, "csrf_token": token})


def shown_question(mini) -> str | None:
    db.session.expire_all()
    return db.session.get(ReviewSession, mini.id).presented_question


def fragment_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_presenter_view_needs_a_facilitator_with_access(client, app, mini):
    assert client.get(presenter(mini)).status_code == 302  # to the login page
    make_facilitator("annen@example.org")
    login(client, "annen@example.org")
    assert client.get(presenter(mini)).status_code == 404
    assert client.get(f"{presenter(mini)}/live").status_code == 404
    page = client.get("/programmes").get_data(as_text=True)
    response = client.post(f"{presenter(mini)}/show", data={"step": "next", "csrf_token": csrf_token(page)})
    assert response.status_code == 404 and shown_question(mini) is None


def test_the_session_page_links_to_the_presenter_view(client, mini):
    facilitator_for(mini)
    login(client)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    assert f'href="{presenter(mini)}"' in page and "Presentasjonsvisning" in page


def test_the_presenter_view_starts_with_the_join_code_and_qr_code_without_the_site_header(client, mini):
    facilitator_for(mini)
    login(client)
    response = client.get(presenter(mini))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert mini.join_code in page_text(response) and f"/sessions/{mini.id}/qr.svg" in html
    assert "site-header" not in html and "Logg ut" not in page_text(response)


def test_next_and_previous_walk_the_indicators_in_agenda_order(client, app, mini):
    """Planarbeid is divergent, so it comes first on the agenda, then Arbeidsplasser; the ends hold."""
    facilitator_for(mini)
    score_plan_apart_and_jobs_close(app, mini)
    login(client)
    assert show(client, mini, step="next").status_code == 302
    assert shown_question(mini) == "plan"
    assert "Indikator 1 av 2" in page_text(client.get(presenter(mini)))
    show(client, mini, step="next")
    assert shown_question(mini) == "jobs"
    show(client, mini, step="next")
    assert shown_question(mini) == "jobs"
    show(client, mini, step="previous")
    show(client, mini, step="previous")
    assert shown_question(mini) is None
    assert mini.join_code in page_text(client.get(presenter(mini)))


def test_the_laptop_puts_an_indicator_on_the_screen_from_the_indicator_page(client, app, mini):
    facilitator_for(mini)
    login(client)
    indicator = f"/sessions/{mini.id}/indicators/jobs"
    response = post(client, indicator, f"{presenter(mini)}/show", {"question": "jobs", "back": "indicator"})
    assert response.status_code == 302 and response.headers["Location"].endswith(indicator)
    assert shown_question(mini) == "jobs"
    assert "Vises på skjermen." in page_text(client.get(indicator))
    assert "Arbeidsplasser" in page_text(client.get(presenter(mini)))


def test_only_an_indicator_can_be_put_on_the_screen(client, mini):
    facilitator_for(mini)
    login(client)
    response = show(client, mini, question="role_known")
    assert response.status_code == 400
    assert "Det er ikke en indikator i denne økten." in page_text(response)
    assert show(client, mini, step="sideways").status_code == 400
    assert shown_question(mini) is None


def test_scores_show_only_once_revealed_and_the_agreed_grade_once_set(client, app, mini):
    facilitator_for(mini)
    score_plan_apart_and_jobs_close(app, mini)
    login(client)
    show(client, mini, question="plan")
    before = page_text(client.get(presenter(mini)))
    assert "3 svar er kommet inn." in before and "Median" not in before
    assert "Felles karakter" not in before

    post(client, f"/sessions/{mini.id}/indicators/plan", f"/sessions/{mini.id}/reveal",
         {"question": "plan", "reveal": "1", "back": "indicator"})
    after = page_text(client.get(presenter(mini)))
    # Planarbeid: 1, 6, 6 -> median 6, spread 1-6; leadership 1 and 6, observers 6.
    assert "Median 6 Spredning 1–6" in after, after
    assert "Omstillingsledelsen n=2" in after and "Observatører n=1" in after
    assert "Sprikende" in after and "karakterene spenner vidt" in after

    post_form(client, f"/sessions/{mini.id}/indicators/plan",
              {"consensus-grade": "5", "consensus-conclusion": "Enige", "consensus-dissent": ""})
    assert "Felles karakter: 5" in page_text(client.get(presenter(mini)))


def test_the_presenter_polls_like_the_dashboard_and_sees_the_laptops_changes(client, app, mini):
    facilitator_for(mini)
    score(app.test_client(), mini, "A", "leadership", 2, 3)
    login(client)
    page = client.get(presenter(mini)).get_data(as_text=True)
    version = unescape(re.search(r'data-version="([^"]+)"', page).group(1))
    live = f"{presenter(mini)}/live"
    assert client.get(live, query_string={"version": version}).status_code == 204

    laptop = app.test_client()
    login(laptop)
    response = post(laptop, f"/sessions/{mini.id}/discussion", f"{presenter(mini)}/show",
                    {"question": "jobs", "back": "agenda"})
    assert response.headers["Location"].endswith(f"/sessions/{mini.id}/discussion")
    response = client.get(live, query_string={"version": version})
    assert response.status_code == 200
    data = response.get_json()
    assert "Arbeidsplasser" in fragment_text(data["html"]) and data["announce"] == "På skjermen: Arbeidsplasser"
    version = data["version"]
    assert client.get(live, query_string={"version": version}).status_code == 204

    post(laptop, f"/sessions/{mini.id}/indicators/jobs", f"/sessions/{mini.id}/reveal",
         {"question": "jobs", "reveal": "1", "back": "indicator"})
    data = client.get(live, query_string={"version": version}).get_json()
    assert "Median 3" in fragment_text(data["html"])


def test_the_keys_get_the_new_slide_back_as_json(client, app, mini):
    """The presenter tab's script posts a step with Accept: application/json and swaps in the answer."""
    facilitator_for(mini)
    score(app.test_client(), mini, "A", "leadership", 2, 3)
    login(client)
    token = csrf_token(client.get(presenter(mini)).get_data(as_text=True))
    response = client.post(f"{presenter(mini)}/show", data={"step": "next"},
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert response.status_code == 200
    data = response.get_json()
    assert data["announce"].startswith("På skjermen:") and data["version"].endswith(shown_question(mini))


def test_the_dashboard_announces_only_the_counts(client, app, mini):
    facilitator_for(mini)
    login(client)
    page = client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)
    assert page.count("aria-live") == 1
    assert re.search(r'<p id="live-announce" class="live-counts" aria-live="polite">0 deltakere · 0 levert\s*</p>',
                     page), page
    assert 'id="live" ' in page and 'aria-live="polite" aria-busy' not in page
    version = unescape(re.search(r'data-version="([^"]+)"', page).group(1))
    score(app.test_client(), mini, "Ny", "leadership", 3, 3)
    data = client.get(f"/sessions/{mini.id}/live", query_string={"version": version}).get_json()
    assert data["announce"] == "1 deltaker · 0 levert"


def test_dashboard_cards_show_the_median_and_spread_big_and_the_badge_explains_itself(client, app, mini):
    facilitator_for(mini)
    score_plan_apart_and_jobs_close(app, mini)
    login(client)
    html = client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)
    assert html.count('class="headline-stats"') == 2
    assert "Median 6 Spredning 1–6" in page_text(client.get(f"/sessions/{mini.id}/dashboard"))
    assert 'title="karakterene spenner vidt' in html and "range, stdev" not in html
    client.set_cookie("lang", "en")
    html = client.get(f"/sessions/{mini.id}/dashboard").get_data(as_text=True)
    assert 'title="the scores span a wide range' in html and "Spread" in html
