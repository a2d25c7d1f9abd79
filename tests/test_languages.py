"""Bokmål by default, English complete: every interface string has both, and the language follows the
browser, can be switched on every page, and formats dates and numbers its own way."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.helpers import answer_step, join, login, make_facilitator, page_text

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def extracted_messages(tmp_path: Path) -> set[str]:
    """Every interface string in the code and templates, as pybabel finds them now."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.venv tests migrations node_modules",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_every_interface_string_has_a_bokmal_translation(tmp_path):
    with CATALOG.open("rb") as handle:
        catalog = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(handle, locale="nb") if m.id}
    missing = sorted(extracted_messages(tmp_path) - set(catalog))
    assert missing == [], f"not in the catalogue (run make translations): {missing}"
    untranslated = sorted(key for key, m in catalog.items()
                          if not (m.string if isinstance(m.string, str) else all(m.string)) or m.fuzzy)
    assert untranslated == []


def test_bokmal_is_the_default_and_english_follows_the_browser(client):
    assert "Bli med i en vurdering" in page_text(client.get("/"))
    assert "Join a review" in page_text(client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}))
    assert "Bli med i en vurdering" in page_text(client.get("/", headers={"Accept-Language": "nn-NO"}))


def test_the_language_can_be_switched_on_every_page(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    token = join(app.test_client(), mini)
    login(client)
    pages = ["/", "/login", f"/join/{mini.join_code}", f"/p/{token}/step/1", f"/p/{token}/review",
             f"/sessions/{mini.id}", f"/sessions/{mini.id}/dashboard", "/programmes"]
    for url in pages:
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "/language/en?next=" in html, url
    response = client.get("/language/en?next=/programmes")
    assert response.headers["Location"] == "/programmes"
    assert "Programmes" in page_text(client.get("/programmes"))
    assert client.get("/language/nb?next=https://evil.example.org/").headers["Location"] == "/"


def test_dates_and_numbers_are_formatted_for_the_language(app, client, mini):
    from datetime import date

    mini.meeting_date = date(2026, 11, 12)
    from assessment.extensions import db

    db.session.commit()
    make_facilitator(programmes=[mini.programme])
    for name, grade in (("A", "4"), ("B", "5"), ("C", "5")):
        person = app.test_client()
        token = join(person, mini, name)
        answer_step(person, token, 1, {"plan": grade, "plan__comment": "x", "role_known": "yes"})
    assert "12. november 2026" in page_text(client.get(f"/join/{mini.join_code}"))
    english = page_text(client.get(f"/join/{mini.join_code}", headers={"Accept-Language": "en"}))
    assert "November 12, 2026" in english
    login(client)
    assert "gjennomsnitt 4,7" in page_text(client.get(f"/sessions/{mini.id}/dashboard"))
    client.get("/language/en")
    assert "mean 4.7" in page_text(client.get(f"/sessions/{mini.id}/dashboard"))
