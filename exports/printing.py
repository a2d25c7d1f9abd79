"""How the workbook's sheets print: A4 landscape, one page wide, the header row on every page, a
print area, and row heights that hold wrapped text. openpyxl measures no text, so heights are
estimated from the text's length and the column's width, erring on the tall side."""
from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from assessment.question_types import clean_text

LINE_HEIGHT = 15.0      # points a line of 11 pt Calibri takes in a row, with room to spare
DEFAULT_ROW = 12.8      # points of a row of one line where no height is set (LibreOffice's)
CHARS_PER_WIDTH = 1.15  # characters of running text per unit of column width (a unit is one "0")
BOLD = 0.85             # bold text is wider
DEFAULT_WIDTH = 8.43    # a column's width where none is set
MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)  # inches
A4_LANDSCAPE = (842.0, 595.0)  # points
CM = 28.35  # points


def text_lines(text: str, width: float, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a column `width` units wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH * (BOLD if bold else 1)) - 1)
    lines = 0
    for paragraph in text.split("\n"):
        if len(paragraph) <= per_line:
            lines += 1
        else:
            lines += len(textwrap.wrap(paragraph, per_line, break_on_hyphens=False)) or 1
    return lines


def fit_row_height(ws: Worksheet, row: int, texts: Iterable[tuple[str, float]], bold: bool = False) -> int:
    """Make `row` tall enough for its wrapped texts, given as (text, width of its column); returns
    the lines it takes."""
    lines = max((text_lines(text, width, bold) for text, width in texts), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = lines * LINE_HEIGHT + 2
    return lines


def column_width(ws: Worksheet, column: int) -> float:
    dimension = ws.column_dimensions.get(get_column_letter(column))
    return dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH


def _width_points(ws: Worksheet, columns: int) -> float:
    """The printed width of the first `columns` columns at 100 %: a unit is 7 pixels, plus 5."""
    return sum(column_width(ws, c) * 7 + 5 for c in range(1, columns + 1)) * 0.75


def page_scale(ws: Worksheet, columns: int) -> float:
    """The scale a sheet `columns` wide prints at when fitted to one page's width."""
    printable = A4_LANDSCAPE[0] - (MARGINS.left + MARGINS.right) * 72
    return min(1.0, printable / _width_points(ws, columns))


def fits_on_first_page(ws: Worksheet, columns: int, last_row: int, extra_cm: float) -> bool:
    """Whether rows 1 to `last_row` and `extra_cm` more (a chart) fit on the first printed page."""
    printable = A4_LANDSCAPE[1] - (MARGINS.top + MARGINS.bottom) * 72
    rows = sum((ws.row_dimensions[r].height or DEFAULT_ROW) for r in range(1, last_row + 1))
    return (rows + extra_cm * CM) * page_scale(ws, columns) <= printable


def rows_for(height_cm: float) -> int:
    """How many rows of the default height a drawing `height_cm` tall covers."""
    return math.ceil(height_cm * CM / DEFAULT_ROW) + 1


def header_text(text: str) -> str:
    """Text for a page header: '&' is a code there, so it is doubled; at most 100 characters."""
    return clean_text(text).replace("\n", " ")[:100].replace("&", "&&")


def set_up_pages(ws: Worksheet, columns: int, last_row: int, title_row: int | None, title: str,
                 gridlines: bool = True) -> None:
    """A4 landscape, fitted to one page wide and as many pages tall as it takes, with the header
    row on every page, the sheet's name and the workbook's title at the top and page numbers below;
    gridlines printed, except on sheets with a chart, whose tables have borders instead."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = MARGINS
    ws.print_options.gridLines = gridlines
    ws.print_area = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"
    if title_row:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.oddHeader.left.text = header_text(title)
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.center.text = "&P / &N"


def columns_spanning(ws: Worksheet, width_cm: float) -> int:
    """How many columns from A it takes to hold a drawing `width_cm` wide."""
    columns, points = 0, 0.0
    while points < width_cm * CM:
        columns += 1
        points += (column_width(ws, columns) * 7 + 5) * 0.75
    return columns
