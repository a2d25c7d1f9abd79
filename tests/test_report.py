"""The report draft: the Word document read back with python-docx, the same model behind the page
and the Markdown, and nothing a participant types becoming markup in any of them."""
from __future__ import annotations

import io
import random
import re
from datetime import date

import docx
import pytest
from sqlalchemy import select

from assessment import facilitation
from assessment.demo import PEOPLE, add_participants
from assessment.extensions import db
from assessment.models import ReviewSession
from exports.data import session_data
from exports.report import md_cell
from exports.report_model import build_report
from tests.helpers import answer_step, csrf_token, join, login, make_facilitator, make_session, page_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAMES = [name for name, _role in PEOPLE]


@pytest.fixture
def demo(runner, client, app, ctx):
    """The demo programme, the demo facilitator logged in; returns the year-2 review."""
    runner.invoke(args=["demo"])
    login(client, "demo@example.org", "demo-facilitator")
    return db.session.scalar(select(ReviewSession).filter_by(title="Programstatusvurdering år 2"))


def word(client, session, query: str = "") -> docx.document.Document:
    response = client.get(f"/sessions/{session.id}/report.docx{query}")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert ".docx" in response.headers["Content-Disposition"]
    return docx.Document(io.BytesIO(response.data))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_with(document, *first_cells: str) -> list[list[str]]:
    """The rows of the first table whose first row begins with `first_cells`."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][:len(first_cells)] == list(first_cells):
            return rows
    raise AssertionError(f"no table headed {first_cells}")


def all_text(document) -> str:
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_word_report_of_the_demos_year_two_review(client, demo):
    document = word(client, demo)
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    assert title == "Rapportutkast: Demo: Fjordvik omstillingsprogram – Programstatusvurdering år 2"
    top = headings(document, 1)
    for heading in ("Fakta", "Resultater", "Konklusjoner per indikator", "Faktaark år 2", "Ikke enige ennå",
                    "Forbedringsforslag", "Fjorårets forslag og status", "Videre arbeid"):
        assert top.count(heading) == 1, heading
    assert not any(h.startswith("Faktaark: ") for h in top)
    assert {"Deltakere", "Metode", "Vekter og vektet totalkarakter"} <= set(headings(document, 2))

    facts = dict(table_with(document, "Program", "Demo: Fjordvik omstillingsprogram"))
    assert facts["Prosessleder"] == "Demo Prosessleder" and facts["Fylke"] == "Vestland fylkeskommune"
    assert re.fullmatch(r"\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) \d{4}",
                        facts["Dato"]), facts["Dato"]

    results = table_with(document, "Indikator", "Gruppe")
    assert results[0] == ["Indikator", "Gruppe", "I år", "I fjor", "Endring"]
    anchoring = next(row for row in results if row[0].startswith("Forankring"))
    assert anchoring[1:] == ["Prosess", "4", "3", "+1"]
    assert any(row[2:] == ["–", "4", "–"] for row in results)  # not agreed this year: last year stands alone

    conclusion = next(p for p in document.paragraphs if p.text == "Forankringen er tydelig bedre enn i fjor.")
    assert [run.text for run in conclusion.runs if run.bold] == ["tydelig bedre"]
    assert headings(document, 2).count("Organisering, styrearbeid og programledelse") == 0  # no empty section

    proposals = table_with(document, "Indikator", "Forslag")
    assert proposals[0] == ["Indikator", "Forslag", "Ansvarlig", "Frist", "Prioritet"]
    year = date.today().year + 1
    assert ["Forankring og samarbeid med kommune, fylkeskommune og næringsliv",
            "Fast orientering i formannskapet hvert kvartal.", "Programleder", f"1. mars {year}", "Høy"] in proposals
    last_year = table_with(document, "Indikator", "Forslag", "År", "Status")
    assert any("Gjennomført" in row for row in last_year)

    assert "Hva deltakerne skrev" in headings(document, 3)
    digest_start = next(i for i, p in enumerate(document.paragraphs) if p.style.name == "Heading 3")
    role = document.paragraphs[digest_start + 1]
    assert role.text == "Omstillingsledelsen" and role.runs[0].bold
    assert document.paragraphs[digest_start + 2].style.name == "List Bullet"
    assert not any(name in all_text(document) for name in NAMES)

    assert len(document.inline_shapes) == 2  # a chart per group: process and effect
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Felles karakterer, Prosess" in captions and "Felles karakterer, Effekt" in captions


def test_participants_names_are_in_the_report_only_when_asked_for(client, demo):
    assert not any(name in all_text(word(client, demo)) for name in NAMES)
    named = all_text(word(client, demo, "?names=1"))
    assert "Omstillingsledelsen: 4 (Kari Nordmann, Ola Hansen, Ingrid Berg, Per Johansen)" in named
    assert "Kari Nordmann" in client.get(f"/sessions/{demo.id}/report.md?names=1").get_data(as_text=True)


def test_word_report_speaks_the_language_of_the_export(client, demo):
    client.set_cookie("lang", "en")
    document = word(client, demo)
    assert {"Facts", "Results", "Not yet agreed", "Next steps"} <= set(headings(document, 1))
    assert table_with(document, "Indicator", "Group")[0] == ["Indicator", "Group", "This year", "Last year", "Change"]


@pytest.fixture
def closure(app, ctx, client):
    """A closure review with seven participants' answers and the facilitator logged in."""
    session = make_session("closure", year=6, title="Avslutning år 6", meeting_date=date(2026, 11, 29))
    make_facilitator(programmes=[session.programme])
    add_participants(session, random.Random(7), centre=4)
    login(client)
    return session


def agree(client, session, question_id: str, value: str, note: str = ""):
    page = client.get(f"/sessions/{session.id}/answers").get_data(as_text=True)
    response = client.post(f"/sessions/{session.id}/answers/{question_id}", data={
        f"agreed-{question_id}-value": value, f"agreed-{question_id}-note": note, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, page_text(response)[:500]


def test_word_report_of_a_closure_review_shows_what_the_group_agreed(client, closure):
    agree(client, closure, "municipal_facilitation", "Næringssjefen får ansvaret, med eget budsjett.",
          "Vedtas i **kommunestyret** i mars.")
    agree(client, closure, "competence_built", "PLP, porteføljestyring og styrearbeid.")
    agree(client, closure, "competence_retention", "Rutiner og maler dokumenteres.")
    agree(client, closure, "methods_continued", "Årlig vurdering av resultatene.")
    agree(client, closure, "remaining_funds", "250 000")
    document = word(client, closure)
    top = headings(document, 1)
    assert top[:2] == ["Fakta", "Videreføring av arbeidet"] and "Resultater" not in top
    assert top.count("Ikke enige ennå") == 1
    facts = dict(table_with(document, "Program", "Testby omstilling"))
    assert facts["Dato"] == "29. november 2026"

    paragraphs = [p.text for p in document.paragraphs]
    question = paragraphs.index("Hvordan kan kommunen legge til rette for arbeid med næringsutvikling etter omstillingsperioden?")
    assert paragraphs[question + 1] == "Felles svar: Næringssjefen får ansvaret, med eget budsjett."
    note = document.paragraphs[question + 2]
    assert note.text == "Vedtas i kommunestyret i mars." and [r.text for r in note.runs if r.bold] == ["kommunestyret"]
    assert "Felles svar: 250\xa0000 kr" in paragraphs  # a no-break space between thousands
    for label in ("Hvilken kompetanse har omstillingsorganisasjonen bygd opp?",
                  "Hva kan dere gjøre for å ta vare på og videreutvikle denne kompetansen?",
                  "Hvordan kan arbeidsmetodene fra omstillingsarbeidet videreføres?"):
        assert label in headings(document, 2)

    not_agreed = paragraphs[paragraphs.index("Ikke enige ennå") + 2:]
    assert "Er sluttrapporten ferdigstilt og levert?" in not_agreed
    assert "Hvilken kompetanse har omstillingsorganisasjonen bygd opp?" not in not_agreed
    text = all_text(document)
    assert not any(name in text for name in NAMES)
    assert "Omstillingsledelsen" in text and "Kommune" in text  # the digest, by role


def test_the_page_and_the_markdown_carry_the_same_facts_from_one_model(client, demo):
    report = build_report(session_data(demo, "nb"))
    markdown = client.get(f"/sessions/{demo.id}/report.md").get_data(as_text=True)
    page = client.get(f"/sessions/{demo.id}/report").get_data(as_text=True)

    def page_rows(html: str) -> list[list[str]]:
        from html import unescape

        return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]

    rows = page_rows(page)
    for fact in report.facts:
        assert f"| {fact.label} | {md_cell(fact.value)} |" in markdown
        assert [fact.label, fact.value] in rows
    for result in report.results:
        assert f"| {md_cell(result.indicator)} | {result.group} | {result.this_year} | {result.last_year} | {result.change} |" in markdown
        assert [result.indicator, result.group, result.this_year, result.last_year, result.change] in rows
    for proposal in report.proposals:
        assert [proposal.indicator, proposal.text, proposal.owner, proposal.deadline, proposal.priority] in rows
    assert report.total in markdown and report.total in page_text(client.get(f"/sessions/{demo.id}/report"))
    assert page.count("<svg") == len(report.charts) == 2


HOSTILE = "# Overskrift <script>alert(1)</script> **fet** [lenke](javascript:alert(1)) <img src=x onerror=alert(1)>"


def test_nothing_a_participant_types_becomes_markup_in_any_report(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    person = app.test_client()
    token = join(person, mini, "Kari", "leadership")
    answer_step(person, token, 1, {"plan": "2", "plan__comment": HOSTILE, "role_known": "yes",
                                   "plan_change": "1. " + HOSTILE}, action="save")
    facilitation.save_consensus(mini, "plan", 3, "# Ikke en overskrift\n\nVi er **enige**.\n\n<b>rå html</b>",
                                HOSTILE, None)
    login(client)

    markdown = client.get(f"/sessions/{mini.id}/report.md").get_data(as_text=True)
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert not [line for line in markdown.splitlines() if line.startswith("#") and "verskrift" in line]

    html = client.get(f"/sessions/{mini.id}/report").get_data(as_text=True)
    report = html[html.index('<article class="report">'):html.index("</article>")]
    assert "<script" not in report, report[report.index("<script") - 300:report.index("<script") + 100]
    assert "<img" not in report and "href=\"javascript" not in report
    assert "<strong>fet</strong>" not in report and "<b>rå html</b>" not in report
    assert "<strong>enige</strong>" in report  # the facilitator's own Markdown is kept
    assert not re.search(r"<h\d>[^<]*verskrift", report)
    assert "**fet**" in page_text(client.get(f"/sessions/{mini.id}/report"))  # shown as typed

    document = word(client, mini)
    hostile_runs = [run for p in document.paragraphs for run in p.runs if "fet" in run.text]
    assert hostile_runs and not any(run.bold for run in hostile_runs if "**fet**" in run.text)
    assert any("<script>alert(1)</script>" in p.text for p in document.paragraphs)  # plain text, inert
    assert not [p for p in document.paragraphs if p.style.name.startswith("Heading") and "verskrift" in p.text]
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert not any("javascript" in target for target in targets)


def test_a_conclusions_lists_and_links_become_word_lists_and_links(client, mini):
    make_facilitator(programmes=[mini.programme])
    facilitation.save_consensus(mini, "plan", 4, "Tiltak:\n\n- *først* dette\n- så det\n\n"
                                "Se [planen](https://example.org/plan).", "", None)
    login(client)
    document = word(client, mini)
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    first = next(p for p in bullets if p.text == "først dette")
    assert [r.text for r in first.runs if r.italic] == ["først"]
    assert any(p.text == "så det" for p in bullets)
    link = next(p for p in document.paragraphs if p.text.startswith("Se "))
    assert "planen" in link.text
    assert "https://example.org/plan" in [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
