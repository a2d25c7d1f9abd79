"""Reading last year's Proposals sheet back in, with every check a hostile or damaged file needs."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from assessment.banks import Bank
from assessment.question_types import clean_text
from assessment.errors import UserError
from assessment.labels import PRIORITY_LABELS, STATUS_LABELS, key_for
from exports.labels import HEADERS, header

MAX_UPLOAD = 2 * 1024 * 1024          # bytes of the uploaded file
MAX_UNPACKED = 30 * 1024 * 1024       # bytes of everything inside it (zip bombs stop here)
MAX_ROWS = 2000
REQUIRED = ("proposal",)
COLUMNS = ("indicator", "proposal", "owner", "deadline", "priority", "status", "year", "question_id")


def _check_container(content: bytes) -> None:
    if len(content) > MAX_UPLOAD:
        raise UserError(_l("The file is too large (at most 2 MB)."))
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UserError(_l("That is not an Excel workbook (.xlsx)."))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UserError(_l("That is not an Excel workbook (.xlsx)."))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise UserError(_l("The workbook unpacks to more than 30 MB and is refused."))


def read_proposals(content: bytes, bank: Bank) -> list[dict]:
    """The proposals in a workbook's Proposals sheet as plain dicts; a UserError says what is wrong.
    openpyxl parses the sheets with defusedxml (installed beside it), so entity tricks are refused;
    a damaged sheet fails only while its rows are read, so that is inside the error handling too."""
    _check_container(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UserError(_l("The workbook could not be read: it may be damaged.")) from error
    try:
        return _proposal_rows(workbook, bank)
    except UserError:
        raise
    except Exception as error:
        raise UserError(_l("The workbook could not be read: it may be damaged.")) from error
    finally:
        workbook.close()


def _proposal_rows(workbook, bank: Bank) -> list[dict]:
    titles = {header("proposals", lang).lower() for lang in ("nb", "en")}
    sheet = next((ws for ws in workbook.worksheets if ws.title.lower() in titles), None)
    if sheet is None:
        raise UserError(_l("The workbook has no sheet named Forbedringsforslag or Proposals."))
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    columns = {}
    for index, title in enumerate(header_row):
        key = key_for({k: HEADERS[k] for k in COLUMNS}, str(title or ""))
        if key:
            columns[key] = index
    if any(key not in columns for key in REQUIRED):
        raise UserError(_l("The Proposals sheet has no Proposal column in its first row."))
    proposals = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise UserError(_l("The sheet has more than %(num)d rows.", num=MAX_ROWS))

        def cell(key):
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        proposal_text = _text(cell("proposal"))
        if not proposal_text:
            continue
        question_id = _text(cell("question_id")) or None
        if question_id and bank.question(question_id) is None:
            question_id = None
        deadline = cell("deadline")
        if isinstance(deadline, datetime):
            deadline = deadline.date()
        elif not isinstance(deadline, date):
            deadline = None
        year = cell("year")
        proposals.append({
            "question_id": question_id, "text": proposal_text[:5000],
            "owner": _text(cell("owner"))[:200], "deadline": deadline,
            "priority": key_for(PRIORITY_LABELS, _text(cell("priority"))) or "medium",
            "status": key_for(STATUS_LABELS, _text(cell("status"))) or "new",
            "year": int(year) if isinstance(year, (int, float)) and 1 <= year <= 6 else None,
        })
    return proposals


def _text(value) -> str:
    """A cell as clean text (no control characters; a number as it reads)."""
    return clean_text(str(value if value is not None else "")).strip()
