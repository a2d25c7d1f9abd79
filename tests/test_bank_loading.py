"""Banks are read once per process and again when a file changes: the programme page lists them
without parsing every file on every visit, and an edited or new bank shows without a restart."""
from __future__ import annotations

import re
import shutil

from assessment import banks
from tests.helpers import login, make_facilitator, make_session


def _programme_page(client, app, banks_dir):
    with app.app_context():
        programme = make_session("psv").programme
        make_facilitator(programmes=[programme])
        programme_id = programme.id
    login(client)
    return f"/programmes/{programme_id}"


def offered(client, url: str) -> str:
    """The banks the create-session form offers, as one text."""
    html = client.get(url).get_data(as_text=True)
    return " | ".join(re.findall(r'name="bank_id" type="radio" value="[^"]*"[^>]*> <span>([^<]*)</span>', html))


def test_an_edited_bank_file_shows_without_a_restart(app, client, banks_dir):
    url = _programme_page(client, app, banks_dir)
    assert "Programstatusvurdering, versjon 2026.1" in offered(client, url)
    psv = banks_dir / "psv.yaml"
    text = psv.read_text(encoding="utf-8")
    psv.write_text(text.replace('version: "2026.1"', 'version: "2026.2"', 1)
                   .replace("nb: Programstatusvurdering\n", "nb: Statusvurdering endret\n", 1), encoding="utf-8")
    shown = offered(client, url)
    assert "Statusvurdering endret, versjon 2026.2" in shown
    assert "Programstatusvurdering, versjon 2026.1" not in shown


def test_a_new_bank_file_shows_and_a_removed_one_goes(app, client, banks_dir):
    url = _programme_page(client, app, banks_dir)
    assert "Avslutning og videreføring av omstillingsarbeidet, versjon" in offered(client, url)
    shutil.copy(banks.BANKS_DIR.parent / "tests" / "banks" / "mini.yaml", banks_dir / "mini.yaml")
    (banks_dir / "closure.yaml").unlink()
    shown = offered(client, url)
    assert "Minivurdering, versjon" in shown and "Avslutning og videreføring av omstillingsarbeidet, versjon" not in shown


def test_a_bank_made_invalid_is_refused_until_it_is_fixed(app, client, banks_dir, runner):
    psv = banks_dir / "psv.yaml"
    good = psv.read_text(encoding="utf-8")
    url = _programme_page(client, app, banks_dir)
    assert "Programstatusvurdering, versjon 2026.1" in offered(client, url)
    psv.write_text(good.replace("kind: annual_review", "kind: nonsense", 1), encoding="utf-8")
    assert "Programstatusvurdering, versjon 2026.1" not in offered(client, url)
    psv.write_text(good, encoding="utf-8")
    assert "Programstatusvurdering, versjon 2026.1" in offered(client, url)


def test_the_programme_page_does_not_parse_the_banks_on_every_visit(app, client, banks_dir, monkeypatch):
    parsed = []
    real_parse = banks.parse_bank
    monkeypatch.setattr(banks, "parse_bank", lambda text, filename="<bank>": parsed.append(filename)
                        or real_parse(text, filename))
    url = _programme_page(client, app, banks_dir)
    assert client.get(url).status_code == 200
    # This copy of the banks is new to the process: each file was parsed once, no more.
    assert sorted(parsed) == sorted(p.name for p in banks_dir.glob("*.yaml"))
    for _visit in range(3):
        assert client.get(url).status_code == 200
    assert len(parsed) == len(list(banks_dir.glob("*.yaml")))
