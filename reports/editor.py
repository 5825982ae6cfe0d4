"""Write contract workbooks that staff edit in Excel and LibreOffice (``init``).

Everything about the shape comes from :mod:`reports.schema`: the sheets and their
columns, which columns are required, their help text, examples, allowed values,
references and widths. The workbook gets a Guide sheet, one Excel table per data
sheet, a frozen bold header, dropdowns (allowed values, and the ids of the sheet a
column refers to), input messages from the help text and date formats on date
columns, also on the empty rows below the data so new rows get them.

The bytes are deterministic: the same rows give the same file, byte for byte.
Text is always stored as text: a value starting with ``=`` never becomes a formula.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reports import schema
from reports.errors import ConfigError
from reports.output import atomic_write, normalise_zip
from reports.problems import column_letter

Rows = dict[str, list[dict]]

GUIDE = "Guide"
CREATOR = "reports toolkit"
FIXED_TIME = datetime(2019, 1, 1)
TABLE_STYLE = "TableStyleMedium2"
DATE_FORMAT = "yyyy-mm-dd"
VALIDATION_LAST_ROW = 5000  # dropdowns and input messages reach this row
FORMAT_LAST_ROW = 1000  # date formats are set on empty rows down to this row
EXTRA_WIDTH = 40
NO_WRAP_KINDS = (schema.DATE, schema.INT, schema.ENUM, schema.COUNTRY, schema.BOOL)
CHAR_WIDTH = 0.85  # average width of a Latin character in column-width units, rounded up
WIDE_CHAR_WIDTH = 1.8  # Hangul, Kanji
BOLD_FACTOR = 1.12  # bold text is this much wider
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AUTO_HEIGHT_RE = re.compile(rb'(<row\b[^>]*?) customHeight="1"')
LIST_SEPARATOR = "; "

HEADER_FONT = Font(name="Calibri", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_CENTRE = Alignment(vertical="top", horizontal="center")


# -- public API ---------------------------------------------------------------------------

def init_workbook(path: Path | str) -> Path:
    """Write a new, empty contract workbook; refuse to overwrite an existing file."""
    return write_workbook(Path(path), None)


def write_workbook(path: Path | str, rows: Rows | None = None, *,
                   overwrite: bool = False) -> Path:
    """Write a contract workbook holding ``rows`` (sheet name -> records) to ``path``.

    Records are dicts keyed by contract column names; values may be text, numbers,
    dates, or lists of ids (joined with ``"; "``); ``None`` is a blank cell. Keys that
    are not contract columns become extra columns after the contract ones.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} already exists; choose another path (init never "
                          "overwrites a workbook)")
    rows = rows or {}
    unknown = sorted(set(rows) - {s.name for s in schema.SHEETS})
    if unknown:
        raise ValueError(f"no contract sheet named {', '.join(unknown)}; sheets are "
                         f"{', '.join(s.name for s in schema.SHEETS)}")
    wb = build_workbook(rows)
    return atomic_write(path, workbook_bytes(wb, auto_heights=True))


def build_workbook(rows: Rows) -> Workbook:
    """The openpyxl workbook :func:`write_workbook` saves."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    _write_guide(guide)
    sizes = {s.name: len(rows.get(s.name) or []) for s in schema.SHEETS}
    for spec in schema.SHEETS:
        if spec.key:
            wb.defined_names[_ids_name(spec)] = DefinedName(
                _ids_name(spec), attr_text=_key_range(spec, sizes[spec.name]))
    for spec in schema.SHEETS:
        _write_data_sheet(wb.create_sheet(spec.name), spec, list(rows.get(spec.name) or []))
    wb.active = 0
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


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


# -- data sheets --------------------------------------------------------------------------

def _ids_name(spec: schema.Sheet) -> str:
    return f"{spec.key}s"  # actor_ids, issue_ids, event_ids, source_ids


def _key_range(spec: schema.Sheet, size: int) -> str:
    letter = column_letter(spec.column_names.index(spec.key))
    last = max(VALIDATION_LAST_ROW, size + 1)
    return f"{_quote_sheet(spec.name)}!${letter}$2:${letter}${last}"


def _quote_sheet(title: str) -> str:
    plain = title.replace("_", "").isalnum()
    return title if plain else "'" + title.replace("'", "''") + "'"


def _extra_columns(spec: schema.Sheet, records: Iterable[dict]) -> list[str]:
    known = {schema.normalise_name(n): n for n in spec.column_names}
    extras: list[str] = []
    for rec in records:
        for key in rec:
            if key in spec.column_names or key in extras:
                continue
            clash = known.get(schema.normalise_name(key))
            if clash or not str(key).strip():
                raise ValueError(f"{spec.name}: column {key!r} would be read as "
                                 f"{clash or 'a blank header'}; rename it")
            extras.append(key)
    return extras


def _cell_value(col: schema.Column | None, value: object) -> object:
    """A record value as the cell should hold it."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v).strip() for v in value if v is not None
                                   and str(v).strip()) or None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if col is not None and isinstance(value, str):
        text = value.strip()
        if col.kind == schema.DATE:
            try:
                return date.fromisoformat(text) if ISO_DATE_RE.match(text) else value
            except ValueError:
                return value  # left as text: the validator names it
        if col.kind == schema.INT and text.lstrip("-").isdigit():
            return int(text)
    return value


def _wraps(col: schema.Column | None) -> bool:
    return col is None or col.kind not in NO_WRAP_KINDS


def _alignment(col: schema.Column | None) -> Alignment:
    if col is not None and col.kind in (schema.DATE, schema.INT):
        return TOP_CENTRE
    return TOP_WRAP if _wraps(col) else TOP


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


def _write_data_sheet(ws: Worksheet, spec: schema.Sheet, records: list[dict]) -> None:
    extras = _extra_columns(spec, records)
    names = list(spec.column_names) + extras
    columns: list[schema.Column | None] = list(spec.columns) + [None] * len(extras)
    for idx, (name, col) in enumerate(zip(names, columns, strict=True), start=1):
        cell = set_text(ws.cell(row=1, column=idx), name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL  # LibreOffice does not draw table styles
        cell.alignment = TOP_WRAP
        letter = column_letter(idx - 1)
        dim = ws.column_dimensions[letter]
        dim.width = col.width if col is not None else EXTRA_WIDTH
        # Column default style: cells typed later in Excel or LibreOffice inherit it.
        dim.alignment = _alignment(col)
        if col is not None and col.kind == schema.DATE:
            dim.number_format = DATE_FORMAT
    for row, rec in enumerate(records, start=2):
        for idx, (name, col) in enumerate(zip(names, columns, strict=True), start=1):
            cell = set_text(ws.cell(row=row, column=idx), _cell_value(col, rec.get(name)))
            cell.alignment = _alignment(col)
            if col is not None and col.kind == schema.DATE:
                cell.number_format = DATE_FORMAT
        fit_row(ws, row)
    last_data = max(len(records) + 1, 2)  # a table needs one row below its header
    for idx, col in enumerate(spec.columns, start=1):
        if col.kind == schema.DATE:
            for row in range(len(records) + 2, max(FORMAT_LAST_ROW, last_data) + 1):
                cell = ws.cell(row=row, column=idx)
                cell.number_format = DATE_FORMAT
                cell.alignment = TOP_CENTRE
    ref = f"A1:{column_letter(len(names) - 1)}{last_data}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    _print_setup(ws, "1:1")
    last_row = max(VALIDATION_LAST_ROW, len(records) + 1)
    for idx, col in enumerate(spec.columns):
        dv = _validation(col)
        if dv is not None:
            letter = column_letter(idx)
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """Landscape, as wide as the page, the header repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prompt(col: schema.Column) -> str:
    text = col.help
    if col.kind in (schema.ENUM, schema.COUNTRY) and col.enum:
        text += f" Allowed: {', '.join(col.enum)}."
    if col.kind in (schema.REF, schema.REFS) and col.ref:
        text = text.rstrip(".") + f". The dropdown lists the ids in {col.ref}."
    if col.required:
        text += " Required."
    return _clip(text, 255)


def _validation(col: schema.Column) -> DataValidation | None:
    """The dropdown or check for one column, with its help as the input message."""
    common = dict(allow_blank=True, showInputMessage=True, promptTitle=_clip(col.name, 32),
                  prompt=_prompt(col))
    if col.kind == schema.ENUM:
        allowed = ", ".join(col.enum)
        return DataValidation(
            type="list", formula1=f'"{",".join(col.enum)}"', showErrorMessage=True,
            errorStyle="stop", errorTitle=_clip(f"{col.name}: not allowed", 32),
            error=_clip(f"{col.name} must be one of: {allowed}.", 225), **common)
    if col.kind == schema.COUNTRY:
        return DataValidation(
            type="list", formula1=f'"{",".join(col.enum or schema.COUNTRIES)}"',
            showErrorMessage=True, errorStyle="warning",
            errorTitle=_clip(f"{col.name}: not in the list", 32),
            error=_clip("Not one of the usual codes. Any 3-letter ISO 3166-1 alpha-3 code "
                        "(or INT) is allowed: choose Yes to keep it.", 225), **common)
    if col.kind in (schema.REF, schema.REFS) and col.ref:
        target = schema.sheet(col.ref)
        if col.kind == schema.REF:
            return DataValidation(
                type="list", formula1=_ids_name(target), showErrorMessage=True,
                errorStyle="stop", errorTitle=_clip(f"Unknown {target.key}", 32),
                error=_clip(f"Pick an id from the list (the {target.key} column of "
                            f"{target.name}); add the row to {target.name} first if it is "
                            "missing.", 225), **common)
        return DataValidation(
            type="list", formula1=_ids_name(target), showErrorMessage=True,
            errorStyle="information", errorTitle=_clip(f"{col.name}: a list of ids?", 32),
            error=_clip("Several ids separated by ; are fine: choose OK to keep them. Each "
                        f"must be in the {target.key} column of {target.name}.", 225),
            **common)
    if col.kind == schema.INT and col.min_value is not None and col.max_value is not None:
        return DataValidation(
            type="whole", operator="between", formula1=str(col.min_value),
            formula2=str(col.max_value), showErrorMessage=True, errorStyle="stop",
            errorTitle=_clip(f"{col.name}: not allowed", 32),
            error=_clip(f"Use a whole number from {col.min_value} to {col.max_value}.", 225),
            **common)
    return DataValidation(**common)  # any value: shows the input message only


# -- Guide --------------------------------------------------------------------------------

GUIDE_TITLE = "How to use this workbook"
GUIDE_LINES = (
    "One record per row, under the header in row 1 of each sheet ({sheets}).",
    "Keep the header names. Add rows at the end of each table; blank rows are skipped.",
    "Ids (actor_id, issue_id, event_id, source_id) are unique and short: lower-case letters, "
    "digits and -, like moon-jae-in.",
    "Other sheets name records by these ids. Dates are real dates: type them as 2019-11-22.",
    "Lists of ids go in one cell, separated by ; (for example: moon-jae-in; shinzo-abe).",
    "Dropdowns offer the allowed values, or the ids already entered in the sheet a column "
    "refers to.",
    "In a list column (actors, issues, sources) type several ids separated by ; and answer OK "
    "to the note that appears.",
    "Extra columns are allowed and kept. This Guide sheet is ignored by the toolkit.",
    "To check the workbook, run:  python run_reports.py validate   (add --annotate "
    "checked.xlsx for a marked-up copy).",
)
GUIDE_HEADER = ("sheet", "column", "required", "what it holds", "example")
GUIDE_WIDTHS = (14, 16, 10, 72, 34)


def _holds(col: schema.Column) -> str:
    text = col.help.strip()
    if text and not text.endswith((".", "?", "!")):
        text += "."
    if col.kind in (schema.ENUM, schema.COUNTRY) and col.enum:
        text += f" Allowed: {', '.join(col.enum)}."
        if col.kind == schema.COUNTRY:
            text += " Other ISO codes are accepted too."
    if col.kind in (schema.REF, schema.REFS) and col.ref:
        text += f" Dropdown: the ids in {col.ref}."
    return text


def _write_guide(ws: Worksheet) -> None:
    title = set_text(ws.cell(row=1, column=1), GUIDE_TITLE)
    title.font = Font(name="Calibri", size=14, bold=True)
    sheets = ", ".join(s.name for s in schema.SHEETS)
    row = 2
    for line in GUIDE_LINES:
        set_text(ws.cell(row=row, column=1), line.format(sheets=sheets))
        row += 1
    row += 1
    header_row = row
    for idx, text in enumerate(GUIDE_HEADER, start=1):
        cell = set_text(ws.cell(row=row, column=idx), text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = TOP
    for idx, width in enumerate(GUIDE_WIDTHS):
        ws.column_dimensions[column_letter(idx)].width = width
    for spec in schema.SHEETS:
        row += 1
        values = (spec.name, "", "yes" if spec.required else "", spec.help, "")
        for idx, value in enumerate(values, start=1):
            cell = set_text(ws.cell(row=row, column=idx), value or None)
            cell.font = HEADER_FONT
            cell.fill = SECTION_FILL
            cell.alignment = TOP_WRAP
        fit_row(ws, row)
        for col in spec.columns:
            row += 1
            values = (spec.name, col.name, "yes" if col.required else "", _holds(col),
                      col.example)
            for idx, value in enumerate(values, start=1):
                cell = set_text(ws.cell(row=row, column=idx), value or None)
                cell.alignment = TOP_WRAP
            fit_row(ws, row)
    ws.freeze_panes = f"A{header_row + 1}"
    _print_setup(ws, f"{header_row}:{header_row}")
    ws.sheet_properties.tabColor = "1F4E78"
