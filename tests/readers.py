"""Every page and export a session's data reaches, fetched through HTTP and parsed as its reader
would: the check that one participant's input never breaks the facilitator's work."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from assessment.models import ReviewSession


def _refuse_constant(name: str):
    raise ValueError(f"not JSON: {name}")


def participant_urls(token: str, steps: int) -> list[str]:
    return [f"/p/{token}/review", f"/p/{token}/results",
            *(f"/p/{token}/step/{number}" for number in range(1, steps + 1))]


def facilitator_urls(session: ReviewSession) -> list[str]:
    base = f"/sessions/{session.id}"
    urls = [base, f"{base}/dashboard", f"{base}/live", f"{base}/answers", f"{base}/discussion",
            f"{base}/proposals", f"{base}/follow-up", f"{base}/exports", f"{base}/report",
            f"{base}/screen", f"/programmes/{session.programme_id}", "/programmes"]
    urls += [f"{base}/indicators/{q.id}" for q in session.bank.indicators]
    return urls


def check_exports(client, session: ReviewSession) -> None:
    """Each download answers 200 and opens: xlsx with openpyxl, JSON refusing NaN and Infinity,
    CSV with the csv module, Markdown as UTF-8."""
    base = f"/sessions/{session.id}"
    workbook = client.get(f"{base}/export.xlsx")
    assert workbook.status_code == 200, workbook.status_code
    book = load_workbook(io.BytesIO(workbook.data))
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    raw = client.get(f"{base}/export.json")
    assert raw.status_code == 200, raw.status_code
    json.loads(raw.get_data(as_text=True), parse_constant=_refuse_constant)
    table = client.get(f"{base}/answers.csv")
    assert table.status_code == 200, table.status_code
    list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    markdown = client.get(f"{base}/report.md")
    assert markdown.status_code == 200, markdown.status_code
    markdown.data.decode("utf-8")


def check_every_reader(facilitator, participant, session: ReviewSession, tokens: list[str]) -> None:
    """`facilitator` is a logged-in client with access to the session's programme."""
    for token in tokens:
        for url in participant_urls(token, len(session.bank.sections)):
            status = participant.get(url).status_code
            assert status in (200, 302), (url, status)
    for url in facilitator_urls(session):
        status = facilitator.get(url).status_code
        assert status == 200, (url, status)
    check_exports(facilitator, session)
