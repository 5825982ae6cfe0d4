"""Write contract workbooks that staff edit in Excel and LibreOffice (``init``).

Everything about the shape comes from :mod:`reports.workbook.contract`: the sheets and their
columns, which columns are required, their help text, examples, allowed values,
references and widths. The workbook gets a Guide sheet, one Excel table per data
sheet, a frozen bold header, dropdowns (allowed values, and the ids of the sheet a
column refers to), input messages from the help text and date formats on date
columns, also on the empty rows below the data so new rows get them.

The bytes are deterministic: the same rows give the same file, byte for byte.
Text is always stored as text: a value starting with ``=`` never becomes a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from reports.errors import ConfigError
from reports.output.files import atomic_write
from reports.text import clip
from reports.workbook import contract as schema
from reports.workbook.validate import Rules
from reports.workbook.xlstyle import (
    FIXED_TIME,
    HEADER_FONT,
    SECTION_FILL,
    TITLE_FONT,
    TOP,
    TOP_CENTRE,
    TOP_WRAP,
    fit_row,
    header_cell,
    set_text,
    workbook_bytes,
)

Rows = dict[str, list[dict]]

GUIDE = "Guide"
CREATOR = "reports toolkit"
TABLE_STYLE = "TableStyleMedium2"
DATE_FORMAT = "yyyy-mm-dd"
VALIDATION_LAST_ROW = 5000  # dropdowns and input messages reach this row
FORMAT_LAST_ROW = 1000  # date formats are set on empty rows down to this row
EXTRA_WIDTH = 40
NO_WRAP_KINDS = (schema.DATE, schema.INT, schema.ENUM, schema.COUNTRY, schema.BOOL,
                 schema.GRADE, schema.LIKELIHOOD, schema.MARKING)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SEPARATOR = "; "


# -- public API ---------------------------------------------------------------------------

def init_workbook(path: Path | str, rules: Rules | None = None) -> Path:
    """Write a new, empty contract workbook; refuse to overwrite an existing file."""
    return write_workbook(Path(path), None, rules=rules)


def write_workbook(path: Path | str, rows: Rows | None = None, *,
                   overwrite: bool = False, rules: Rules | None = None) -> Path:
    """Write a contract workbook holding ``rows`` (sheet name -> records) to ``path``.

    Records are dicts keyed by contract column names; values may be text, numbers,
    dates, or lists of ids (joined with ``"; "``); ``None`` is a blank cell. Keys that
    are not contract columns become extra columns after the contract ones. ``rules`` (the
    desk's marking levels and yardstick) fill the marking and likelihood dropdowns.
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
    wb = build_workbook(rows, rules)
    return atomic_write(path, workbook_bytes(wb, auto_heights=True))


def build_workbook(rows: Rows, rules: Rules | None = None) -> Workbook:
    """The openpyxl workbook :func:`write_workbook` saves."""
    rules = rules or Rules()
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    _write_guide(guide, rules)
    sizes = {s.name: len(rows.get(s.name) or []) for s in schema.SHEETS}
    for spec in schema.SHEETS:
        if spec.key:
            wb.defined_names[_ids_name(spec)] = DefinedName(
                _ids_name(spec), attr_text=_key_range(spec, sizes[spec.name]))
    for spec in schema.SHEETS:
        _write_data_sheet(wb.create_sheet(spec.name), spec, list(rows.get(spec.name) or []),
                          rules)
    wb.active = 0
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


# -- data sheets --------------------------------------------------------------------------

def _ids_name(spec: schema.Sheet) -> str:
    return f"{spec.key}s"  # actor_ids, issue_ids, event_ids, source_ids


def _key_range(spec: schema.Sheet, size: int) -> str:
    letter = get_column_letter(spec.column_names.index(spec.key) + 1)
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


def _write_data_sheet(ws: Worksheet, spec: schema.Sheet, records: list[dict],
                      rules: Rules) -> None:
    extras = _extra_columns(spec, records)
    names = list(spec.column_names) + extras
    columns: list[schema.Column | None] = list(spec.columns) + [None] * len(extras)
    for idx, (name, col) in enumerate(zip(names, columns, strict=True), start=1):
        header_cell(ws.cell(row=1, column=idx), name).alignment = TOP_WRAP
        letter = get_column_letter(idx)
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
    ref = f"A1:{get_column_letter(len(names))}{last_data}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    _print_setup(ws, "1:1")
    last_row = max(VALIDATION_LAST_ROW, len(records) + 1)
    for idx, col in enumerate(spec.columns):
        dv = _validation(col, rules)
        if dv is not None:
            letter = get_column_letter(idx + 1)
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
    return clip(text, limit)  # Excel's hard limits on prompt and error texts


def allowed(col: schema.Column, rules: Rules) -> tuple[str, ...]:
    """The values a dropdown offers for ``col`` (none for free columns)."""
    if col.kind == schema.LIKELIHOOD:
        return tuple(t.term for t in rules.yardstick.terms)
    if col.kind == schema.MARKING:
        return tuple(rules.markings.choices())
    if col.kind in (schema.ENUM, schema.GRADE, schema.COUNTRY):
        return col.enum
    return ()


def _listed(col: schema.Column, rules: Rules) -> str:
    """" Allowed: A (completely reliable), B ..." for the help texts."""
    if col.kind == schema.GRADE:
        return " Allowed: " + ", ".join(f"{k} ({v})" for k, v in col.meanings) + "."
    values = allowed(col, rules)
    return f" Allowed: {', '.join(values)}." if values else ""


def _prompt(col: schema.Column, rules: Rules) -> str:
    text = col.help + _listed(col, rules)
    if col.kind in (schema.REF, schema.REFS) and col.ref:
        text = text.rstrip(".") + f". The dropdown lists the ids in {col.ref}."
    if col.required:
        text += " Required."
    return _clip(text, 255)


def _validation(col: schema.Column, rules: Rules) -> DataValidation | None:
    """The dropdown or check for one column, with its help as the input message."""
    common = dict(allow_blank=True, showInputMessage=True, promptTitle=_clip(col.name, 32),
                  prompt=_prompt(col, rules))
    values = allowed(col, rules)
    listed = f'"{",".join(values)}"'
    if values and col.kind != schema.COUNTRY and len(listed) <= 257 and not any(
            "," in v or '"' in v for v in values):
        # synonyms and portion marks are allowed too: a warning, not a stop, for those
        lenient = col.kind in (schema.LIKELIHOOD, schema.MARKING)
        return DataValidation(
            type="list", formula1=listed, showErrorMessage=True,
            errorStyle="warning" if lenient else "stop",
            errorTitle=_clip(f"{col.name}: not {'in the list' if lenient else 'allowed'}", 32),
            error=_clip(f"{col.name} must be one of: {', '.join(values)}."
                        + (" Choose Yes to keep a synonym." if lenient else ""), 225), **common)
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

def _example(col: schema.Column, rules: Rules) -> str:
    if col.kind == schema.MARKING:
        return rules.markings.default
    return col.example


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


def _holds(col: schema.Column, rules: Rules) -> str:
    text = col.help.strip()
    if text and not text.endswith((".", "?", "!")):
        text += "."
    text += _listed(col, rules)
    if col.kind == schema.COUNTRY:
        text += " Other ISO codes are accepted too."
    if col.kind == schema.LIKELIHOOD:
        text += " " + rules.yardstick.legend()
    if col.kind in (schema.REF, schema.REFS) and col.ref:
        text += f" Dropdown: the ids in {col.ref}."
    return text


def _write_guide(ws: Worksheet, rules: Rules) -> None:
    title = set_text(ws.cell(row=1, column=1), GUIDE_TITLE)
    title.font = TITLE_FONT
    sheets = ", ".join(s.name for s in schema.SHEETS)
    row = 2
    for line in GUIDE_LINES:
        set_text(ws.cell(row=row, column=1), line.format(sheets=sheets))
        row += 1
    row += 1
    header_row = row
    for idx, text in enumerate(GUIDE_HEADER, start=1):
        header_cell(ws.cell(row=row, column=idx), text).alignment = TOP
    for idx, width in enumerate(GUIDE_WIDTHS):
        ws.column_dimensions[get_column_letter(idx + 1)].width = width
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
            values = (spec.name, col.name, "yes" if col.required else "", _holds(col, rules),
                      _example(col, rules))
            for idx, value in enumerate(values, start=1):
                cell = set_text(ws.cell(row=row, column=idx), value or None)
                cell.alignment = TOP_WRAP
            fit_row(ws, row)
    ws.freeze_panes = f"A{header_row + 1}"
    _print_setup(ws, f"{header_row}:{header_row}")
    ws.sheet_properties.tabColor = "1F4E78"
