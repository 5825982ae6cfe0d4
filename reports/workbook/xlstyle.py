"""The look of every workbook the toolkit writes (``init``, the bundled workbook, the
annotated copy of ``validate --annotate``), and how they are saved.

Header font and fill, alignments, row heights that fit wrapped text, text that always
stays text, and deterministic bytes: one place, so the editor workbooks and the
annotated copy look alike.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reports.output.files import normalise_zip

FIXED_TIME = datetime(2019, 1, 1)
CHAR_WIDTH = 0.85  # average width of a Latin character in column-width units, rounded up
WIDE_CHAR_WIDTH = 1.8  # Hangul, Kanji
BOLD_FACTOR = 1.12  # bold text is this much wider
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
AUTO_HEIGHT_RE = re.compile(rb'(<row\b[^>]*?) customHeight="1"')

HEADER_FONT = Font(name="Calibri", size=11, bold=True)
TITLE_FONT = Font(name="Calibri", size=14, bold=True)
LINK_FONT = Font(name="Calibri", size=11, color="0563C1", underline="single")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # light red
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")  # light yellow
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_CENTRE = Alignment(vertical="top", horizontal="center")


def header_cell(cell: Cell, text: str, fill: PatternFill = HEADER_FILL) -> Cell:
    """A bold header cell on a light fill (LibreOffice does not draw table styles)."""
    set_text(cell, text)
    cell.font = HEADER_FONT
    cell.fill = fill
    return cell


def workbook_bytes(wb: Workbook, *, auto_heights: bool = False) -> bytes:
    """Save ``wb`` to bytes that depend only on its content (no save time, fixed zip dates).

    openpyxl's ``save`` stamps the current time as "modified"; the writer is used
    directly so the time already in ``wb.properties`` is kept. ``auto_heights`` makes
    every row height a hint the applications may recompute (no ``customHeight``).
    """
    if wb.properties.created is None:
        wb.properties.created = FIXED_TIME
    if wb.properties.modified is None:
        wb.properties.modified = wb.properties.created
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    data = buffer.getvalue()
    if auto_heights:
        data = _rewrite_parts(data, "xl/worksheets/", lambda xml: AUTO_HEIGHT_RE.sub(rb"\1", xml))
    return normalise_zip(data)


def _rewrite_parts(data: bytes, prefix: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith(prefix) and info.filename.endswith(".xml"):
                part = change(part)
            target.writestr(info, part)
    return buffer.getvalue()


def set_text(cell: Cell, value: object) -> Cell:
    """Store ``value`` in ``cell``; text is always text (``=1+1`` stays those 4 characters)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # openpyxl makes "=..." a formula; never let it
    else:
        cell.value = value
    return cell


def _text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    room = max(width - 1.0, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            size = sum(WIDE_CHAR_WIDTH if unicodedata.east_asian_width(ch) in "WF"
                       else CHAR_WIDTH
                       for ch in word)
            if used and used + CHAR_WIDTH + size > room:
                lines += 1
                used = 0.0
            while size > room:  # a word longer than the column breaks anywhere
                lines += 1
                size -= room
            used += (CHAR_WIDTH if used else 0.0) + size
    return lines


def fit_row(ws: Worksheet, row: int) -> None:
    """Give a row with wrapped text the height its longest cell needs.

    Neither Excel nor LibreOffice reliably computes row heights of a generated file on
    opening; the height is a hint (``customHeight`` is dropped when saving), so the row
    still grows and shrinks when the text is edited.
    """
    lines = 1
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = ws.column_dimensions[cell.column_letter].width or 8.43
            if cell.font is not None and cell.font.b:
                width /= BOLD_FACTOR
            lines = max(lines, _text_lines(cell.value, width))
    if lines > 1:
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


