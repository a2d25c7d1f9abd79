"""Question banks in the interface: upload (refused files, every problem with its cell), the
preview of the participant's form, confirm and share, the versions page with its diff, and the
download that uploads again unchanged."""
from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from openpyxl import load_workbook
from sqlalchemy import select

from assessment.bank_workbook import bank_to_workbook, workbook_problems
from assessment.banks import build_bank, get_bank
from assessment.extensions import db
from assessment.facilitators import create_facilitator
from assessment.models import BankUpload, BankVersion, ReviewSession
from assessment.programmes import create_programme
from tests.helpers import csrf_token, login, make_facilitator, page_text, post_form

MINI_PATH = Path(__file__).parent / "banks" / "mini.yaml"
MINI = json.loads(json.dumps(yaml.safe_load(MINI_PATH.read_text())))


def mini_data(version: str = "1", **edits) -> dict:
    data = json.loads(json.dumps(MINI))
    data["version"] = version
    for qid, changes in edits.items():
        question = next(q for s in data["sections"] for q in s["questions"] if q["id"] == qid)
        question.update(changes)
    return data


def workbook(data: dict, broken: dict[tuple[str, str, str], str] | None = None) -> bytes:
    """The bank as a workbook; `broken` sets the survey cell of (sheet, row name, column) to a value."""
    content = bank_to_workbook(data)
    if not broken:
        return content
    book = load_workbook(io.BytesIO(content))
    for (sheet_name, name, column), value in broken.items():
        sheet = book[sheet_name]
        header = [c.value for c in sheet[1]]
        row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("name")].value == name)
        row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "mini.xlsx"):
    page = client.get("/banks").get_data(as_text=True)
    return client.post("/banks/upload", data={"csrf_token": csrf_token(page), "bank": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def confirm(client, preview_url: str, colleagues: str = ""):
    page = client.get(preview_url)
    assert page.status_code == 200, page_text(page)
    return client.post(preview_url + "/confirm", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                       "colleagues": colleagues})


def upload_and_confirm(client, content: bytes, name: str = "mini.xlsx", colleagues: str = "") -> BankVersion:
    response = upload(client, content, name)
    assert response.status_code == 302, page_text(response)[:1500]
    saved = confirm(client, response.headers["Location"], colleagues)
    assert saved.status_code == 302, page_text(saved)[:1500]
    return db.session.scalars(select(BankVersion).order_by(BankVersion.id.desc())).first()


def test_a_file_that_is_no_workbook_is_refused_with_a_message(client, ctx):
    make_facilitator()
    login(client)
    response = upload(client, b"this is not a zip file", "bank.xlsx")
    assert response.status_code == 400
    assert "Det er ikke en Excel-arbeidsbok (.xlsx)." in page_text(response)
    assert upload(client, b"%PDF-1.4", "bank.pdf").status_code == 400
    assert db.session.scalar(select(BankUpload.id)) is None


def test_a_file_beyond_two_megabytes_is_refused(client, ctx):
    make_facilitator()
    login(client)
    response = upload(client, b"x" * (2 * 1024 * 1024 + 10), "bank.yaml")
    assert response.status_code == 413
    assert "Filen er for stor (høyst 2 MB)." in page_text(response)


def test_an_invalid_workbook_lists_every_problem_with_its_cell(client, ctx):
    make_facilitator()
    login(client)
    content = workbook(mini_data(), {("survey", "plan", "scale"): "skala6",
                                     ("survey", "jobs", "label::en"): None})
    response = upload(client, content)
    assert response.status_code == 422
    text = page_text(response)
    # The scale, the two conditions that compare with it, and the missing English label.
    assert "mini.xlsx har 4 problemer" in text
    assert 'survey!I3 : «skala6» er ikke en skala; skalaene er grade6' in text
    assert "survey!H4 : «<=» virker på et skalaspørsmål før dette; «plan» er ikke et slikt" in text
    assert "survey!C8 : tekst mangler på språket «en»" in text
    assert db.session.scalar(select(BankUpload.id)) is None


def test_the_problems_are_shown_in_english_when_the_interface_speaks_english(client, ctx):
    make_facilitator()
    login(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    content = workbook(mini_data(), {("survey", "plan", "scale"): "skala6", ("survey", "jobs", "label::en"): None,
                                     ("survey", "jobs", "type"): "slider"})
    text = page_text(upload(client, content))
    assert "mini.xlsx has 6 problems" in text
    assert 'survey!I3 : "skala6" is not a scale; the scales are grade6' in text
    assert "survey!C8 : text missing in language 'en'" in text
    assert "unknown type 'slider'; use one of scale" in text


def test_every_kind_of_problem_a_broken_bank_has_reads_in_bokmal(client, ctx):
    """A bank with many kinds of mistake: each message on the page is translated, none English."""
    make_facilitator()
    login(client)
    data = mini_data()
    data["colour"] = "blue"
    data["id"] = "Mini Bank"
    first = data["sections"][0]["questions"][0]
    data["sections"][0]["questions"].append(json.loads(json.dumps({**first, "group": "nowhere"})))
    data["sections"][0]["questions"][0]["required"] = "yes"
    data["sections"][1].pop("title")
    response = upload(client, yaml.safe_dump(data, allow_unicode=True).encode(), "mini.yaml")
    assert response.status_code == 422
    text = page_text(response)
    for bokmal in ("ukjent nøkkel «colour»; tillatt:", "kan bare ha små bokstaver, sifre og bindestreker", "må være true eller "
                   "false, fikk en tekst", "spørsmåls-id-en «plan» finnes to ganger",
                   "gruppen «nowhere» er ikke oppgitt i scoring.groups", "mangler den påkrevde nøkkelen «title»"):
        assert bokmal in text, bokmal
    for english in ("unknown key", "must be", "duplicate", "is not declared", "missing required"):
        assert english not in text, english


def test_the_command_line_keeps_the_problems_in_english(runner, tmp_path):
    broken = tmp_path / "mini.xlsx"
    broken.write_bytes(workbook(mini_data(), {("survey", "plan", "scale"): "skala6"}))
    result = runner.invoke(args=["banks", "import-xlsx", str(broken), "--output", str(tmp_path / "out.yaml")])
    assert 'ERROR mini.xlsx: survey!I3: "skala6" is not a scale; the scales are grade6\n' in result.output
    assert "skalaene" not in result.output and "virker på" not in result.output


def test_an_invalid_yaml_file_names_its_line(client, ctx):
    make_facilitator()
    login(client)
    text = MINI_PATH.read_text().replace("scale: grade6\n        group: process", "scale: skala6\n        group: process")
    response = upload(client, text.encode(), "mini.yaml")
    assert response.status_code == 422
    assert "linje 32" in page_text(response) and "skala6" in page_text(response)


def test_yaml_aliases_are_refused(client, ctx):
    make_facilitator()
    login(client)
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    response = upload(client, bomb.encode(), "bomb.yaml")
    assert response.status_code == 422 and "bruker YAML-aliaser" in page_text(response)


def test_a_valid_upload_is_previewed_step_by_step_in_both_languages_with_conditions(client, ctx):
    make_facilitator()
    login(client)
    response = upload(client, workbook(mini_data()))
    assert response.status_code == 302
    preview = response.headers["Location"]
    page = client.get(preview)
    text = page_text(page)
    assert "Planarbeid" in text and "Steg 1 av 2" in text and "Lagre versjon 1" in text
    token = csrf_token(page.get_data(as_text=True))
    english = client.post(preview, data={"csrf_token": token, "step": "1", "lang": "nb", "switch_lang": "en"})
    assert "Planning" in page_text(english) and "Step 1 of 2" in page_text(english)
    # A low grade on step 1 shows the follow-up question on step 2; a high one hides it.
    low = client.post(preview, data={"csrf_token": token, "step": "1", "lang": "nb", "plan": "2",
                                     "action": "goto-2"})
    assert "Oppfølging av planen" in page_text(low) and 'name="plan" value="2"' in low.get_data(as_text=True)
    high = client.post(preview, data={"csrf_token": token, "step": "1", "lang": "nb", "plan": "5",
                                      "action": "goto-2"})
    assert "Arbeidsplasser" in page_text(high) and "Oppfølging av planen" not in page_text(high)
    # Next on an unanswered step shows what a participant would be asked to fix.
    missing = client.post(preview, data={"csrf_token": token, "step": "1", "lang": "nb", "action": "next"})
    assert missing.status_code == 422 and "Svar på dette spørsmålet." in page_text(missing)
    assert db.session.scalar(select(BankVersion.id)) is None  # nothing saved by the preview


def test_confirming_saves_a_version_shared_with_the_chosen_colleague(client, ctx):
    owner = make_facilitator()
    colleague = create_facilitator("kollega@example.org", "et-godt-passord", "Kari Kollega")
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()), colleagues="Kari Kollega")
    assert (version.bank_id, version.version, version.owner_id) == ("mini", "1", owner.id)
    assert version.shared_with == [colleague]
    assert version.hash == build_bank(mini_data()).hash
    assert db.session.scalar(select(BankUpload.id)) is None
    listed = page_text(client.get("/banks/mini"))
    assert "Prosess Leder" in listed and "Kari Kollega" in listed and version.hash[:12] in listed


def test_sharing_with_an_unknown_colleague_saves_nothing(client, ctx):
    make_facilitator()
    login(client)
    response = upload(client, workbook(mini_data()))
    refused = confirm(client, response.headers["Location"], "ingen@example.org")
    assert refused.status_code == 400 and "ingen@example.org" in page_text(refused)
    assert db.session.scalar(select(BankVersion.id)) is None
    assert client.get(response.headers["Location"]).status_code == 200  # the upload waits still


def test_cancel_drops_the_upload(client, ctx):
    make_facilitator()
    login(client)
    preview = upload(client, workbook(mini_data())).headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert client.post(preview + "/cancel", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get(preview).status_code == 404
    assert db.session.scalar(select(BankUpload.id)) is None


def test_a_session_is_created_from_an_uploaded_version_and_keeps_its_snapshot(client, ctx):
    make_facilitator(programmes=[programme := create_programme("Testby", start_year=2025)])
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()))
    key = f"uploaded:{version.id}"
    assert key in client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    created = post_form(client, f"/programmes/{programme.id}", {"bank_id": key, "programme_year": "1"})
    assert created.status_code == 302, page_text(created)[:1000]
    session = db.session.scalars(select(ReviewSession)).one()
    assert (session.bank_id, session.bank_version, session.bank_hash) == ("mini", "1", version.hash)
    # A newer version leaves the session as it was.
    upload_and_confirm(client, workbook(mini_data("2", plan={"label": {"nb": "Plan", "en": "Plan"}})))
    db.session.expire_all()
    assert db.session.get(ReviewSession, session.id).bank_hash == version.hash


def test_a_colleague_not_shared_with_cannot_see_download_or_use_a_version(app, client, ctx):
    make_facilitator()
    other = create_facilitator("annen@example.org", "et-godt-passord", "Annen")
    programme = create_programme("Annenby")
    from assessment.facilitators import grant_access
    grant_access(programme, other, owner=True)
    login(client)
    version = upload_and_confirm(client, workbook(mini_data()))
    outsider = app.test_client()
    login(outsider, "annen@example.org")
    assert outsider.get("/banks/mini").status_code == 404
    assert outsider.get(f"/banks/mini/versions/{version.id}/bank.xlsx").status_code == 404
    assert outsider.get(f"/banks/mini/versions/{version.id}/preview").status_code == 404
    assert "Minivurdering" not in page_text(outsider.get("/banks"))
    pending = upload(client, workbook(mini_data("2"))).headers["Location"]
    assert outsider.get(pending).status_code == 404  # another's upload waiting for its preview
    assert f"uploaded:{version.id}" not in outsider.get(f"/programmes/{programme.id}").get_data(as_text=True)
    used = post_form(outsider, f"/programmes/{programme.id}", {"bank_id": f"uploaded:{version.id}",
                                                              "programme_year": "1"})
    assert used.status_code == 404
    assert db.session.scalar(select(ReviewSession.id)) is None
    # The owner shares it afterwards: now the colleague sees it.
    page = client.get("/banks/mini").get_data(as_text=True)
    shared = client.post(f"/banks/mini/versions/{version.id}/share",
                         data={"csrf_token": csrf_token(page), "colleagues": "annen@example.org"})
    assert shared.status_code == 302
    assert outsider.get("/banks/mini").status_code == 200
    assert outsider.get(f"/banks/mini/versions/{version.id}/bank.xlsx").status_code == 200
    # ... but only its owner shares it further.
    page = outsider.get("/banks/mini").get_data(as_text=True)
    assert outsider.post(f"/banks/mini/versions/{version.id}/share",
                         data={"csrf_token": csrf_token(page), "colleagues": "leder@example.org"}).status_code == 403


def test_a_viewer_never_uploads(client, ctx):
    create_facilitator("viewer@example.org", "et-godt-passord", "Viewer", viewer=True)
    login(client, "viewer@example.org")
    assert client.get("/banks").status_code == 200
    assert "Last opp" not in page_text(client.get("/banks"))
    assert upload(client, workbook(mini_data())).status_code == 403


def test_a_shipped_version_cannot_be_overwritten(client, ctx):
    make_facilitator()
    login(client)
    psv = get_bank("psv").snapshot
    changed = json.loads(json.dumps(psv))
    changed["title"]["nb"] = "Vår egen PSV"
    response = upload(client, workbook(changed), "psv.xlsx")
    assert response.status_code == 409 and "kan ikke erstattes" in page_text(response)
    changed["version"] = "2026.1-troms"
    version = upload_and_confirm(client, workbook(changed), "psv-troms.xlsx")
    assert (version.bank_id, version.version) == ("psv", "2026.1-troms")
    assert get_bank("psv").title.nb == "Programstatusvurdering"  # the shipped file is as it was


def test_download_and_upload_again_gives_the_same_bank(client, ctx):
    make_facilitator()
    login(client)
    version = upload_and_confirm(client, MINI_PATH.read_bytes(), "mini.yaml")
    download = client.get(f"/banks/mini/versions/{version.id}/bank.xlsx")
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    again = upload(client, download.data, "mini-1.xlsx")
    assert again.status_code == 409
    assert f"fingeravtrykk {version.hash[:12]}" in page_text(again)
    shipped = client.get("/banks/psv/versions/shipped/bank.xlsx")
    assert upload(client, shipped.data, "psv.xlsx").status_code == 409
    assert get_bank("psv").hash[:12] in page_text(upload(client, shipped.data, "psv.xlsx"))


def test_a_session_downloads_its_own_snapshot(client, ctx):
    programme = create_programme("Testby")
    make_facilitator(programmes=[programme])
    from assessment.programmes import create_session
    session = create_session(programme, get_bank("psv"), 2)
    login(client)
    assert f'href="/sessions/{session.id}/bank.xlsx"' in client.get(f"/sessions/{session.id}/exports").get_data(as_text=True)
    response = client.get(f"/sessions/{session.id}/bank.xlsx")
    assert response.status_code == 200
    data, problems = workbook_problems(response.data, "psv.xlsx")
    assert problems == [] and build_bank(data).hash == session.bank_hash
    outsider = create_facilitator("annen@example.org", "et-godt-passord")
    other = client.application.test_client()
    login(other, outsider.email)
    assert other.get(f"/sessions/{session.id}/bank.xlsx").status_code == 404


def test_the_versions_page_shows_what_changed_between_two_versions(client, ctx):
    make_facilitator()
    login(client)
    first = upload_and_confirm(client, workbook(mini_data()))
    second_data = mini_data("2", jobs={"label": {"nb": "Nye jobber", "en": "New jobs"}},
                            plan_change={"show_if": {"question": "plan", "in": [1, 2]}})
    second_data["sections"][1]["questions"] = [q for q in second_data["sections"][1]["questions"]
                                               if q["id"] != "phase"]
    second = upload_and_confirm(client, workbook(second_data))
    page = client.get("/banks/mini")
    text = page_text(page)
    assert page.status_code == 200
    assert "Fra versjon 1 til versjon 2" in text
    assert "Nytt navn" in text and "Nye jobber" in text
    assert "Fjernet" in text and "(phase)" in text
    assert "Vilkår endret" in text and "${plan} <= 3" in text and "${plan} <= 2" in text
    backwards = page_text(client.get(f"/banks/mini?old={second.id}&new={first.id}"))
    assert "Lagt til" in backwards
    assert client.get("/banks/mini?old=999&new=1").status_code == 404
    assert client.get("/banks/nothing-here").status_code == 404


def test_the_bank_list_links_every_bank_to_its_versions_and_workbook(client, ctx):
    make_facilitator()
    login(client)
    page = client.get("/banks")
    html = page.get_data(as_text=True)
    assert "Spørsmålsbanker" in page_text(page)
    for bank_id in ("psv", "closure", "fact-sheet"):
        assert f'href="/banks/{bank_id}"' in html
        assert f'href="/banks/{bank_id}/versions/shipped/bank.xlsx"' in html


def test_the_preview_in_english_leaves_the_rest_of_the_page_in_the_interface_language(client, ctx):
    make_facilitator()
    login(client)
    preview = upload(client, workbook(mini_data())).headers["Location"]
    token = csrf_token(client.get(preview).get_data(as_text=True))
    english = page_text(client.post(preview, data={"csrf_token": token, "step": "1", "switch_lang": "en"}))
    assert "Step 1 of 2" in english and "Planning" in english
    assert "Lagre versjon 1" in english and "Se over opplastingen" in english


def test_next_years_session_offers_the_newest_uploaded_version_of_the_same_bank(client, ctx):
    programme = create_programme("Testby", start_year=2025)
    make_facilitator(programmes=[programme])
    login(client)
    first = upload_and_confirm(client, workbook(mini_data("1")))
    from assessment.programmes import create_session
    previous = create_session(programme, first.bank, 1)
    second = upload_and_confirm(client, workbook(mini_data("2", plan={"label": {"nb": "Plan", "en": "Plan"}})))
    page = page_text(client.get(f"/sessions/{previous.id}/next"))
    assert "Minivurdering, versjon 2" in page
    created = post_form(client, f"/sessions/{previous.id}/next", {"programme_year": "2", "bank_version": "newest"})
    assert created.status_code == 302, page_text(created)[:1000]
    session = db.session.scalars(select(ReviewSession).where(ReviewSession.id != previous.id)).one()
    assert (session.bank_version, session.bank_hash) == ("2", second.hash)


def test_a_problem_keeps_its_message_id_and_reads_in_either_language():
    from assessment.bank_validator import validate_bank_data
    data = mini_data()
    data["sections"][0]["questions"][0]["required"] = ["yes"]
    problem = validate_bank_data(json.loads(json.dumps(data)), "mini.yaml")[0]
    assert str(problem) == "mini.yaml: sections[0].questions[0].required: must be true or false, got a list"
    assert problem.text("en") == "must be true or false, got a list"
    assert problem.text("nb") == "må være true eller false, fikk en liste"
