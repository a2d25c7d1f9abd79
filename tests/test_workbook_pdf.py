"""The demo's year-2 workbook printed to PDF by LibreOffice, as a facilitator would print it: the
Summary on at most two pages, Proposals one page wide, and no row's text printed over another's.
Needs LibreOffice Calc and poppler's pdftotext (scripts/install-system-packages.sh installs both)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import ReviewSession
from tests.helpers import login

SOFFICE, PDFTOTEXT = shutil.which("soffice"), shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT),
    reason="needs LibreOffice (soffice) and pdftotext: sudo bash scripts/install-system-packages.sh")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def print_to_pdf(workbook: bytes, folder: Path) -> Path:
    source = folder / "arbeidsbok.xlsx"
    source.write_bytes(workbook)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=240)
    return folder / "arbeidsbok.pdf"


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def sheet_of_page(text: str, sheet_names: list[str]) -> str:
    """The sheet a page belongs to: its page header ends with the sheet's name."""
    top = next(line for line in text.splitlines() if line.strip()).rstrip()
    return max((name for name in sheet_names if top.endswith(name)), key=len)


def overprinted_words(pdf: Path) -> list[tuple]:
    """Pairs of words on one page whose boxes overlap: text printed over other text."""
    html = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    clashes = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page)]
        words.sort(key=lambda word: word[1])
        for i, first in enumerate(words):
            for second in words[i + 1:]:
                if second[1] >= first[3]:
                    break  # sorted by top: no later word reaches up into this one
                across = min(first[2], second[2]) - max(first[0], second[0])
                down = min(first[3], second[3]) - max(first[1], second[1])
                # lines of one wrapped cell touch (a quarter of a word's height); text printed over
                # the next row's reaches much further
                if across > 0.5 and down > 0.4 * min(first[3] - first[1], second[3] - second[1]):
                    clashes.append((number, first[4], second[4]))
    return clashes


@pytest.fixture
def demo_workbook(runner, client, app) -> bytes:
    runner.invoke(args=["demo"])
    login(client, "demo@example.org", "demo-facilitator")
    with app.app_context():
        session_id = db.session.scalar(select(ReviewSession.id).filter_by(bank_id="psv", programme_year=2))
    response = client.get(f"/sessions/{session_id}/export.xlsx")
    assert response.status_code == 200
    return response.data


def test_the_demo_workbook_prints_summary_on_two_pages_and_proposals_one_page_wide(demo_workbook, tmp_path):
    names = load_workbook(io.BytesIO(demo_workbook)).sheetnames
    pages = page_texts(print_to_pdf(demo_workbook, tmp_path))
    sheets = [sheet_of_page(text, names) for text in pages]
    assert sheets.count("Sammendrag") in (1, 2), sheets
    proposals = [text for text, sheet in zip(pages, sheets) if sheet == "Forbedringsforslag"]
    assert proposals
    for text in proposals:  # the header row on every page, first column to last: one page wide
        header = next(line for line in text.splitlines() if "Indikator" in line)
        assert "Forslag" in header and "Spørsmåls-id" in header
    assert set(sheets) == set(names)  # every sheet printed, and every page's header names its sheet


def test_no_row_of_the_printed_demo_workbook_prints_over_another(demo_workbook, tmp_path):
    assert overprinted_words(print_to_pdf(demo_workbook, tmp_path)) == []
