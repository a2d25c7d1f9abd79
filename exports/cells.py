"""What may go into a spreadsheet cell, written once for the workbook and the CSV file: text never
becomes a formula, and no character that a file format cannot hold reaches it."""
from __future__ import annotations

from typing import Any

from assessment.question_types import clean_text

# A cell beginning with one of these is a formula (or a DDE call) to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text cleaned, and a leading apostrophe where it would be a formula."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, str):
        value = clean_text(value)
        return "'" + value if is_formula_like(value) else value
    return value
