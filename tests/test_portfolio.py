"""The portfolio: programmes side by side for a year, a programme's course over its years and the
portfolio workbook, through HTTP as facilitators and viewers use them, checked against each
session's own figures."""
from __future__ import annotations

import io
import random
import re
from datetime import date

from openpyxl import load_workbook
from pytest import approx
from sqlalchemy import event, select

from assessment.banks import get_bank
from assessment.demo import PEOPLE, add_participants
from assessment.extensions import db
from assessment.facilitation import (add_proposal, carried_proposals, carry_over_proposals, open_proposals,
                                     save_consensus, set_proposal_status)
from assessment.facilitators import create_facilitator, grant_county, share_read_only
from assessment.models import Programme
from assessment.portfolio import NO_REVIEW, NOT_ASKED, build_portfolio, programme_course
from assessment.programmes import create_programme, create_session
from assessment.results import consensus_grades, indicator_results, session_total
from tests.helpers import login, make_facilitator, page_text

YEAR = 2026
NAMES = [name for name, _role in PEOPLE]


def reviewed(programme: Programme, programme_year: int, seed: int, bank_id: str = "psv", proposals: int = 2):
    """A closed-looking annual review in the programme's calendar year: seven people's answers, an
    agreed grade on every indicator but the last, and proposals (one of them done)."""
    rng = random.Random(seed)
    session = create_session(programme, get_bank(bank_id), programme_year,
                             date(programme.start_year + programme_year - 1, 10, 15))
    add_participants(session, rng, centre=2 + seed % 4)
    for indicator in session.bank.indicators[:-1]:
        save_consensus(session, indicator.id, rng.randint(1, 6), "Konklusjon", "", None)
    carry_over_proposals(session)
    for number in range(proposals):
        add_proposal(session, session.bank.indicators[0].id, f"Forslag {number} år {programme_year}")
    if proposals:
        set_proposal_status(session.proposals[-1], "done")
    return session


def programme_with_years(name: str, county: str, years: int, seed: int, start: int | None = None):
    programme = create_programme(name, municipality=f"{name} kommune", county=county,
                                 start_year=start or YEAR - years + 1)
    return programme, [reviewed(programme, number, seed * 10 + number) for number in range(1, years + 1)]


def three_programmes():
    """Fjordby (Vestland, three years), Elvdal (Nordland, two years) and Nyby (Vestland, started
    this year, no review yet); the facilitator has access to all three."""
    fjordby, fjord_sessions = programme_with_years("Fjordby", "Vestland", 3, 1)
    elvdal, elv_sessions = programme_with_years("Elvdal", "Nordland", 2, 2)
    nyby = create_programme("Nyby", municipality="Nyby kommune", county="Vestland", start_year=YEAR)
    make_facilitator(programmes=[fjordby, elvdal, nyby])
    return fjordby, fjord_sessions, elvdal, elv_sessions, nyby


def test_the_table_shows_each_sessions_own_grades_total_and_open_proposals(app, client, ctx):
    fjordby, fjord_sessions, elvdal, elv_sessions, nyby = three_programmes()
    portfolio = build_portfolio([fjordby, elvdal, nyby], YEAR)
    rows = {row.programme.name: row for row in portfolio.rows}
    for name, session in (("Fjordby", fjord_sessions[-1]), ("Elvdal", elv_sessions[-1])):
        row = rows[name]
        grades = consensus_grades(session)
        assert row.session.id == session.id and row.programme_year == session.programme_year
        assert {qid: cell.grade for qid, cell in row.cells.items()} == {
            q.id: grades.get(q.id) for q in session.bank.indicators}
        assert row.total == session_total(session.bank, session.programme_year, grades)
        assert row.open_proposals == len(open_proposals(session)) > 0
        last_year = consensus_grades(fjord_sessions[-2] if name == "Fjordby" else elv_sessions[-2])
        assert {qid: cell.previous for qid, cell in row.cells.items()} == {
            q.id: last_year.get(q.id) for q in session.bank.indicators}
    login(client)
    text = page_text(client.get(f"/portfolio?year={YEAR}"))
    session = fjord_sessions[-1]
    total = session_total(session.bank, session.programme_year, consensus_grades(session))
    assert f"{total:.2f}".replace(".", ",") in text


def test_a_programme_without_a_review_this_year_has_an_empty_row_that_says_so(app, client, ctx):
    *_rest, nyby = three_programmes()
    row = next(r for r in build_portfolio([nyby], YEAR).rows)
    assert row.session is None and row.total is None and row.programme_year == 1
    assert {cell.state for cell in row.cells.values()} <= {NO_REVIEW}
    login(client)
    text = page_text(client.get(f"/portfolio?year={YEAR}"))
    assert "Nyby" in text and f"Ingen vurdering holdt i {YEAR} ennå" in text
    assert f"1 program har ikke holdt noen vurdering i {YEAR} ennå" in text


def test_an_indicator_another_bank_version_did_not_ask_shows_not_asked(app, client, ctx):
    programme, sessions = programme_with_years("Fjordby", "Vestland", 1, 1)
    older = create_programme("Gamleby", county="Vestland", start_year=YEAR)
    old_session = reviewed(older, 1, 5, bank_id="psv-12")
    make_facilitator(programmes=[programme, older])
    portfolio = build_portfolio([programme, older], YEAR)
    ids = [c.question_id for c in portfolio.columns]
    assert "p1_anchoring" in ids and "p1_local_anchoring" in ids  # matched by id, never by position
    rows = {row.programme.name: row for row in portfolio.rows}
    assert rows["Gamleby"].cells["p1_anchoring"].state == NOT_ASKED
    assert rows["Fjordby"].cells["p1_local_anchoring"].state == NOT_ASKED
    assert rows["Gamleby"].cells["p1_local_anchoring"].grade == consensus_grades(old_session)["p1_local_anchoring"]
    login(client)
    assert page_text(client.get("/portfolio")).count("ikke spurt") == 8 + 12


def test_the_query_count_does_not_grow_with_the_number_of_programmes(app, ctx):
    few = [programme_with_years(f"Liten {n}", "Vestland", 2, n)[0] for n in range(2)]
    many = few + [programme_with_years(f"Stor {n}", "Nordland", 2, n + 5)[0] for n in range(5)]
    build_portfolio(many, YEAR)  # banks built once per process

    def statements(programmes):
        ids = [p.id for p in programmes]
        db.session.expire_all()
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:  # as the page does: the programmes the user may see, then the table
            portfolio = build_portfolio(list(db.session.scalars(select(Programme).where(Programme.id.in_(ids)))),
                                        YEAR)
            for row in portfolio.rows:  # what the template reads
                _ = (row.programme.name, row.programme.county, row.total, row.open_proposals)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements(few) == statements(many) <= 5


def test_sorting_by_a_column_in_the_query_string(app, client, ctx):
    fjordby, fjord_sessions, elvdal, elv_sessions, nyby = three_programmes()
    login(client)
    html = client.get("/portfolio?sort=total&order=desc").get_data(as_text=True)
    totals = {s.programme.name: session_total(s.bank, s.programme_year, consensus_grades(s))
              for s in (fjord_sessions[-1], elv_sessions[-1])}
    order = sorted(totals, key=lambda name: totals[name] if totals[name] is not None else -1, reverse=True)
    shown = re.findall(r'<th scope="row">\s*<a href="/portfolio/programme/\d+">(\w+)</a>', html)
    assert shown[:2] == order and shown[2] == "Nyby"  # without a total: last
    assert re.search(r'aria-sort="descending">\s*<a href="[^"]*sort=total&amp;order=asc', html)
    ascending = client.get("/portfolio?sort=name&order=asc").get_data(as_text=True)
    assert re.findall(r'programme/\d+">(\w+)</a>', ascending) == ["Elvdal", "Fjordby", "Nyby"]


def test_filtering_by_county_and_programme_year(app, client, ctx):
    three_programmes()
    login(client)
    vestland = page_text(client.get("/portfolio?county=vestland"))
    assert "Fjordby" in vestland and "Nyby" in vestland and "Elvdal kommune" not in vestland
    second_year = page_text(client.get("/portfolio?programme_year=2"))
    assert "Elvdal kommune" in second_year and "Fjordby kommune" not in second_year
    assert "Fjordby kommune" in page_text(client.get(f"/portfolio?year={YEAR - 1}&programme_year=2"))


def test_bad_filters_get_a_clear_400(app, client, ctx):
    three_programmes()
    login(client)
    for query in ("year=tjue", "year=99999", "programme_year=-1", "order=sideways", "lang=de"):
        url = ("/portfolio.xlsx?" if query.startswith("lang") else "/portfolio?") + query
        response = client.get(url)
        assert response.status_code == 400, query
        assert "Noe må ordnes" in page_text(response)
    assert "Filteret programår må være et helt tall fra 1 til 20." in page_text(client.get("/portfolio?programme_year=x"))


def test_programme_names_are_shown_as_text_never_markup(app, client, ctx):
    programme, _sessions = programme_with_years("<script>alert(1)</script>", "Vestland", 1, 1)
    make_facilitator(programmes=[programme])
    login(client)
    for url in ("/portfolio", f"/portfolio/programme/{programme.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_portfolio_needs_a_login(app, client, ctx):
    three_programmes()
    for url in ("/portfolio", "/portfolio.xlsx", "/portfolio/programme/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_facilitator_sees_only_their_programmes(app, client, ctx):
    fjordby, *_rest = three_programmes()
    other, _ = programme_with_years("Hemmeligby", "Vestland", 1, 7)
    make_facilitator("annen@example.org", programmes=[other])
    login(client)
    assert "Hemmeligby" not in page_text(client.get("/portfolio"))
    assert client.get(f"/portfolio/programme/{other.id}").status_code == 404
    assert client.get(f"/portfolio/programme/{fjordby.id}").status_code == 200


def test_a_county_viewer_sees_the_countys_programmes_and_no_names(app, client, ctx):
    fjordby, fjord_sessions, elvdal, _elv, nyby = three_programmes()
    viewer = create_facilitator("fylket@example.org", "et-godt-passord", "Fylkes Leser", viewer=True)
    grant_county(viewer, "vestland")
    login(client, "fylket@example.org")
    page = client.get("/portfolio")
    assert page.status_code == 200
    text = page_text(page)
    assert "Fjordby" in text and "Nyby" in text and "Elvdal" not in text
    course = client.get(f"/portfolio/programme/{fjordby.id}")
    assert course.status_code == 200
    assert client.get(f"/portfolio/programme/{elvdal.id}").status_code == 404
    for response in (page, course):
        assert not any(name in response.get_data(as_text=True) for name in NAMES)
    workbook = client.get("/portfolio.xlsx")
    assert workbook.status_code == 200
    cells = [str(c) for ws in load_workbook(io.BytesIO(workbook.data)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row]
    assert "Fjordby" in cells and "Elvdal" not in cells and not any(n in c for c in cells for n in NAMES)


def test_a_viewer_of_one_programme_sees_only_that_one(app, client, ctx):
    fjordby, _f, elvdal, _e, _nyby = three_programmes()
    create_facilitator("in@example.org", "et-godt-passord", "IN Leser", viewer=True)
    share_read_only(elvdal, "in@example.org")
    login(client, "in@example.org")
    text = page_text(client.get(f"/portfolio?year={YEAR}"))
    assert "Elvdal" in text and "Fjordby" not in text
    assert client.get(f"/portfolio/programme/{elvdal.id}").status_code == 200
    assert client.get(f"/portfolio/programme/{fjordby.id}").status_code == 404
    assert client.post(f"/portfolio/programme/{elvdal.id}").status_code in (403, 405)


def test_the_course_holds_each_years_agreed_grade_and_role_group_means(app, client, ctx):
    fjordby, sessions, *_rest = three_programmes()
    course = programme_course(fjordby)
    assert [s.id for s in course.sessions] == [s.id for s in sessions]
    for line in course.lines:
        for point, session in zip(line.points, sessions):
            result = next(r for r in indicator_results(session) if r.question.id == line.column.question_id)
            assert point.grade == consensus_grades(session).get(line.column.question_id)
            assert (point.means.leadership, point.means.leadership_n) == (result.leadership.mean, result.leadership.n)
            assert (point.means.observers, point.means.observers_n) == (result.observers.mean, result.observers.n)
            assert (point.means.mean, point.means.n) == (result.stats.mean, result.stats.n)
    login(client)
    html = client.get(f"/portfolio/programme/{fjordby.id}").get_data(as_text=True)
    assert html.count('role="img"') == len(sessions[0].bank.indicators)
    assert "<title id=" in html and "<desc id=" in html and "<polyline" in html
    first = course.lines[0]
    means = [f"{p.means.leadership:.1f}".replace(".", ",") for p in first.points]
    assert all(mean in page_text(client.get(f"/portfolio/programme/{fjordby.id}")) for mean in means)


def test_the_course_shows_the_proposals_flow_year_by_year(app, client, ctx):
    fjordby, sessions, *_rest = three_programmes()
    second = sessions[1]
    carried = carried_proposals(second)
    assert len(carried) == 1  # last year's open one
    set_proposal_status(carried[0], "dropped")
    flow = {f.programme_year: f for f in programme_course(fjordby).flow}
    assert (flow[1].new, flow[1].carried, flow[1].done, flow[1].dropped, flow[1].open) == (2, 0, 1, 0, 1)
    assert (flow[2].new, flow[2].carried, flow[2].done, flow[2].dropped, flow[2].open) == (2, 1, 1, 1, 1)
    login(client)
    text = page_text(client.get(f"/portfolio/programme/{fjordby.id}"))
    assert "Forbedringsforslag år for år" in text and "2 (2025) 2 1 1 1 1" in text


def test_the_workbooks_long_sheet_holds_every_year_matched_by_id(app, client, ctx):
    programme, sessions = programme_with_years("=HYPERLINK(\"http://x\")", "Vestland", 2, 3)
    older = create_programme("Gamleby", county="Vestland", start_year=YEAR)
    reviewed(older, 1, 5, bank_id="psv-12")
    make_facilitator(programmes=[programme, older])
    login(client)
    response = client.get("/portfolio.xlsx?lang=en")
    assert response.status_code == 200 and ".xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    table, long = book.worksheets
    assert table.title == f"Portfolio {YEAR}" and long.title == "Long format"
    assert table._charts, "the table sheet has a chart"
    header = [c.value for c in long[1]]
    assert header[:7] == ["Programme", "County", "Year", "Programme year", "Question id", "Indicator",
                          "Consensus grade"]
    rows = [dict(zip(header, (c.value for c in row))) for row in long.iter_rows(min_row=2)]
    course = programme_course(programme)
    assert len(rows) == (len(sessions) + 1) * (8 + 12)  # every session, every indicator of any bank
    for line in course.lines:
        for point in line.points:
            row = next(r for r in rows if r["Programme"] == programme.name and r["Question id"] == line.column.question_id
                       and r["Programme year"] == point.programme_year)
            assert row["Year"] == point.year
            if not point.asked:
                assert row["Consensus grade"] == "Not asked that year"
                continue
            assert row["Consensus grade"] == point.grade
            assert row["Leadership mean"] == approx(point.means.leadership)  # a cell keeps 15 digits
            assert row["Observer mean"] == approx(point.means.observers)
            assert (row["Leadership n"], row["Observers n"]) == (point.means.leadership_n, point.means.observers_n)
    gamleby = [r for r in rows if r["Programme"] == "Gamleby"]
    assert {r["Consensus grade"] for r in gamleby if r["Question id"] == "p1_anchoring"} == {"Not asked that year"}
    formula = next(c for c in long["A"] if c.value == programme.name)
    assert formula.data_type == "s" and formula.quotePrefix  # shown as typed, never a formula
    bokmål = load_workbook(io.BytesIO(client.get("/portfolio.xlsx?lang=nb").data))
    assert bokmål.worksheets[1].title == "Langt format"
