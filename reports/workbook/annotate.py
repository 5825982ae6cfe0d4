"""``validate --annotate OUT.xlsx``: a copy of the workbook with every problem marked.

The original file is read once, into memory, and never opened for writing. In the copy
each problem cell is filled (light red for errors, light yellow for warnings) and
carries a comment with the message(s); a first sheet "Problems" lists every problem
with a link to its cell. The copy is made with openpyxl, so things openpyxl cannot
keep (charts, images, some Excel extensions) may be missing from it: it is for
finding and reading the problems, not a replacement for the workbook.
"""

from __future__ import annotations

import io
import os
import warnings
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from reports.errors import ConfigError, WorkbookUnreadable
from reports.output.files import atomic_write
from reports.problems import ERROR, Problem
from reports.workbook import contract as schema
from reports.workbook.xlstyle import (
    ERROR_FILL,
    LINK_FONT,
    TOP,
    TOP_WRAP,
    WARNING_FILL,
    fit_row,
    header_cell,
    set_text,
    workbook_bytes,
)

PROBLEMS_SHEET = "Problems"
AUTHOR = "validate"
COLUMNS = ("severity", "sheet", "cell", "column", "code", "message")
WIDTHS = (10, 14, 8, 16, 22, 90)
COMMENT_WIDTH = 360  # points


def annotate(source: Path | str, problems: list[Problem], out: Path | str) -> Path:
    """Write a marked-up copy of ``source`` to ``out``; ``source`` is only read."""
    source, out = Path(source), Path(out)
    if _same_file(source, out):
        raise ConfigError(f"{out} is the workbook itself; --annotate needs another path "
                          "(the workbook is never written to)")
    return atomic_write(out, annotated_bytes(source.read_bytes(), problems, source))


def annotated_bytes(data: bytes, problems: list[Problem], source: Path | str) -> bytes:
    """The marked-up copy of the workbook ``data`` (read from ``source``), as bytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            wb = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as exc:  # openpyxl raises many unrelated types
        raise WorkbookUnreadable(
            f"{source} could not be opened to write an annotated copy "
            f"({exc.__class__.__name__}: {exc}); the problems are listed above") from exc
    mark_up(wb, problems)
    return workbook_bytes(wb)


def mark_up(wb: Workbook, problems: list[Problem]) -> None:
    """Colour and comment each problem's cell, and put the Problems sheet first."""
    _mark_cells(wb, problems)
    _problems_sheet(wb, problems)


def _same_file(source: Path, out: Path) -> bool:
    if out.resolve() == source.resolve():
        return True
    try:
        return out.exists() and os.path.samefile(source, out)
    except OSError:
        return False


def _target(ws: Worksheet, problem: Problem) -> str:
    """The cell a problem is shown on: its own, else its column's header, else A1."""
    if problem.cell and _is_cell(problem.cell):
        return problem.cell.upper()
    if problem.column:
        wanted = schema.normalise_name(problem.column)
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            if cell.value is not None and schema.normalise_name(cell.value) == wanted:
                return cell.coordinate
    return "A1"


def _is_cell(ref: str) -> bool:
    try:
        coordinate_from_string(ref)
    except (ValueError, TypeError):
        return False
    return True


def _mark_cells(wb: Workbook, problems: list[Problem]) -> None:
    marks: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.sheet in wb.sheetnames and problem.sheet != PROBLEMS_SHEET:
            ws = wb[problem.sheet]
            marks[(problem.sheet, _target(ws, problem))].append(problem)
    for (title, ref), found in marks.items():
        cell = wb[title][ref]
        is_error = any(p.severity == ERROR for p in found)
        cell.fill = ERROR_FILL if is_error else WARNING_FILL
        lines = [f"{'Error' if p.severity == ERROR else 'Warning'}: {p.message}" for p in found]
        old = cell.comment
        if old is not None and old.text:
            lines += ["", f"(earlier comment by {old.author or 'someone'}):", old.text]
        text = "\n".join(lines)
        comment = Comment(text, AUTHOR)
        comment.width = COMMENT_WIDTH
        comment.height = min(400, 24 + 16 * sum(1 + len(line) // 55 for line in lines))
        cell.comment = comment


def _location(title: str, ref: str) -> str:
    return "'" + title.replace("'", "''") + "'!" + ref


def _problems_sheet(wb: Workbook, problems: list[Problem]) -> None:
    for title in list(wb.sheetnames):
        if title.strip().lower() == PROBLEMS_SHEET.lower():
            del wb[title]
    ws = wb.create_sheet(PROBLEMS_SHEET, 0)
    for idx, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = header_cell(ws.cell(row=1, column=idx), name)
        ws.column_dimensions[cell.column_letter].width = width
    for row, problem in enumerate(problems, start=2):
        values = (problem.severity, problem.sheet, problem.cell, problem.column,
                  problem.code, problem.message)
        for idx, value in enumerate(values, start=1):
            cell = set_text(ws.cell(row=row, column=idx), value)
            cell.alignment = TOP_WRAP if idx == len(values) else TOP
        ws.cell(row=row, column=1).fill = (ERROR_FILL if problem.severity == ERROR
                                           else WARNING_FILL)
        if problem.sheet in wb.sheetnames and problem.sheet != PROBLEMS_SHEET:
            # Link the cell when the problem has one, else the sheet name to where the
            # comment went (the column's header or A1).
            link = ws.cell(row=row, column=3 if problem.cell else 2)
            where = _location(problem.sheet, _target(wb[problem.sheet], problem))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=where,
                                       tooltip=f"Go to {where}")
            link.font = LINK_FONT
        fit_row(ws, row)
    if not problems:
        set_text(ws.cell(row=2, column=6), "No problems found.")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{max(2, len(problems) + 1)}"
    ws.sheet_properties.tabColor = "C00000"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
