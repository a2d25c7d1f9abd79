"""Reading a workbook's Proposals sheet back in, with every check a hostile or damaged file needs,
and each cell checked: what it cannot take as it is becomes a problem naming its cell, never a
guess."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment.banks import Bank
from assessment.i18n import N_, translate
from assessment.errors import UserError
from assessment.labels import PRIORITY_LABELS, STATUS_ALIASES, STATUS_LABELS, key_for, label
from assessment.proposal_import import SheetRow
from assessment.question_types import clean_text
from exports.labels import HEADERS, header

MAX_UPLOAD = 2 * 1024 * 1024          # bytes of the uploaded file
MAX_UNPACKED = 30 * 1024 * 1024       # bytes of everything inside it (zip bombs stop here)
MAX_ROWS = 2000
MAX_TEXT, MAX_OWNER = 5000, 200       # as the proposal form allows
REQUIRED = ("proposal",)
COLUMNS = ("indicator", "proposal", "owner", "deadline", "priority", "status", "year", "question_id", "uid")
UID = re.compile(r"[0-9a-f]{32}")
NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


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


def read_proposal_rows(content: bytes, bank: Bank, lang: str) -> list[SheetRow]:
    """The rows of a workbook's Proposals sheet, each with its problems in `lang`; a UserError when
    the file itself will not do. openpyxl parses the sheets with defusedxml (installed beside it), so
    entity tricks are refused; a damaged sheet fails only while its rows are read, so that is inside
    the error handling too."""
    _check_container(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UserError(_l("The workbook could not be read: it may be damaged.")) from error
    try:
        return _sheet_rows(workbook, bank, lang)
    except UserError:
        raise
    except Exception as error:
        raise UserError(_l("The workbook could not be read: it may be damaged.")) from error
    finally:
        workbook.close()


def _sheet_rows(workbook, bank: Bank, lang: str) -> list[SheetRow]:
    titles = {header("proposals", lang).lower() for lang in ("nb", "en")}
    sheet = next((ws for ws in workbook.worksheets if ws.title.lower() in titles), None)
    if sheet is None:
        raise UserError(_l("The workbook has no sheet named Forbedringsforslag or Proposals."))
    rows = sheet.iter_rows(values_only=True)
    columns = {}
    for index, title in enumerate(next(rows, None) or ()):
        key = key_for({k: HEADERS[k] for k in COLUMNS}, str(title or ""))
        if key and key not in columns:
            columns[key] = index
    if any(key not in columns for key in REQUIRED):
        raise UserError(_l("The Proposals sheet has no Proposal column in its first row."))
    reader = _RowReader(sheet.title, columns, bank, lang)
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise UserError(_l("The sheet has more than %(num)d rows.", num=MAX_ROWS))
        row = reader.read(number, values)
        if row is not None:
            result.append(row)
    return result


class _RowReader:
    """Reads one row at a time, remembering the earlier rows' ids and contents to find copies."""

    def __init__(self, title: str, columns: dict[str, int], bank: Bank, lang: str):
        self.title, self.columns, self.bank, self.lang = title, columns, bank, lang
        self.uid_rows: dict[str, int] = {}
        self.content_rows: dict[tuple[str | None, str], int] = {}
        self.indicators = {q.label.get(language).strip().lower(): q.id
                           for q in bank.questions for language in ("nb", "en")}
        self.whole_programme = {header("whole_programme", language).lower() for language in ("nb", "en")}

    def read(self, number: int, values: tuple) -> SheetRow | None:
        """The row as a SheetRow with its problems; None for a row with nothing in our columns."""
        self.number, self.values = number, values
        if all(_text(self._value(key)) == "" for key in self.columns):
            return None
        row = SheetRow(number=number)
        row.text = self._bounded("proposal", MAX_TEXT, row)
        if not row.text:
            self._problem(row, "proposal", N_("%(cell)s: the proposal is empty; write it, or delete the row."))
        row.owner = self._bounded("owner", MAX_OWNER, row)
        row.question_id = self._question(row)
        row.deadline = self._deadline(row)
        row.priority = self._choice(row, "priority", PRIORITY_LABELS, {}, "medium",
                                    N_('%(cell)s: "%(value)s" is not a priority; use one of %(choices)s.'))
        row.status = self._choice(row, "status", STATUS_LABELS, STATUS_ALIASES, "new",
                                  N_('%(cell)s: "%(value)s" is not a status; use one of %(choices)s.'))
        row.year = self._year(row)
        row.uid = self._uid(row)
        if row.uid is None and row.text:
            earlier = self.content_rows.get((row.question_id, row.text))
            if earlier:
                self._problem(row, "proposal", N_("%(cell)s: the same proposal as row %(row)d; delete one of them."),
                              row=earlier)
            self.content_rows.setdefault((row.question_id, row.text), number)
        return row

    # ------------------------------------------------------------ cells

    def _value(self, key: str):
        index = self.columns.get(key)
        return self.values[index] if index is not None and index < len(self.values) else None

    def _cell(self, key: str) -> str:
        """The cell's reference with the sheet's name as the workbook has it: Proposals!E12."""
        return f"{self.title}!{get_column_letter(self.columns[key] + 1)}{self.number}"

    def _problem(self, target: SheetRow, key: str, message: str, **params) -> None:
        target.problems.append(translate(message, self.lang, cell=self._cell(key), **params))

    def _bounded(self, key: str, limit: int, row: SheetRow) -> str:
        text = _text(self._value(key))
        if len(text) > limit:
            self._problem(row, key, N_("%(cell)s: longer than %(num)d characters; shorten it."), num=limit)
        return text[:limit]

    def _choice(self, row: SheetRow, key: str, labels: dict[str, str], aliases: dict[str, str],
                default: str, message: str) -> str:
        shown = _text(self._value(key))
        if not shown:
            return default
        found = key_for(labels, shown, aliases)
        if found is None:
            self._problem(row, key, message, value=_shown(shown),
                          choices=", ".join(label(labels, k, self.lang) for k in labels))
            return default
        return found

    def _question(self, row: SheetRow) -> str | None:
        question_id = _text(self._value("question_id"))
        if question_id:
            if self.bank.question(question_id) is None:
                self._problem(row, "question_id", N_('%(cell)s: "%(value)s" is not a question of this '
                                                     "session's question bank; use an id from the Answers "
                                                     "sheet, or leave it empty for the programme as a whole."),
                              value=_shown(question_id))
            return question_id
        indicator = _text(self._value("indicator"))  # a row added by hand may name only its indicator
        if not indicator or indicator.lower() in self.whole_programme:
            return None
        if indicator.lower() in self.indicators:
            return self.indicators[indicator.lower()]
        self._problem(row, "indicator", N_('%(cell)s: "%(value)s" is not an indicator of this session; '
                                           "write it as in the Indicators sheet, or as %(whole)s."),
                      value=_shown(indicator), whole=header("whole_programme", self.lang))
        return None

    def _deadline(self, row: SheetRow) -> date | None:
        value = self._value("deadline")
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        shown = _text(value)
        if not shown:
            return None
        try:
            match = NORWEGIAN_DATE.fullmatch(shown)
            if match:
                return date(int(match[3]), int(match[2]), int(match[1]))
            return date.fromisoformat(shown)
        except ValueError:
            self._problem(row, "deadline", N_('%(cell)s: "%(value)s" is not a date; write it as 31.12.2027 '
                                              "or 2027-12-31."), value=_shown(shown))
            return None

    def _year(self, row: SheetRow) -> int | None:
        value = self._value("year")
        shown = _text(value)
        if not shown:
            return None
        try:
            year = float(shown)
        except ValueError:
            year = 0
        if year.is_integer() and 1 <= year <= 6:
            return int(year)
        self._problem(row, "year", N_('%(cell)s: "%(value)s" is not a programme year; use a whole number from '
                                      "1 to 6."), value=_shown(shown))
        return None

    def _uid(self, row: SheetRow) -> str | None:
        uid = _text(self._value("uid")).lower()
        if not uid:
            return None
        if not UID.fullmatch(uid):
            self._problem(row, "uid", N_('%(cell)s: "%(value)s" is not a proposal id from an exported workbook; '
                                         "leave it as exported, or empty on a new row."), value=_shown(uid))
            return None
        earlier = self.uid_rows.setdefault(uid, self.number)
        if earlier != self.number:
            self._problem(row, "uid", N_("%(cell)s: the same proposal id as row %(row)d; a copied row needs "
                                         "an empty id cell."), row=earlier)
        return uid


def _text(value) -> str:
    """A cell as clean text (no control characters; a number as it reads)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value if value is not None else "")).strip()


def _shown(text: str) -> str:
    """A cell's text as quoted in a message: at most 60 characters."""
    return text if len(text) <= 60 else text[:59] + "…"
