"""A sheet's cells as typed columns, read by one reader: fastexcel (calamine, in Rust),
into Arrow arrays, at every size.

A sheet is loaded once with the types of every row considered (``schema_sample_rows``
None: no guess from a sample) and strict coercion: each column whose cells are all of
one type (text, numbers, dates, yes/no) comes as one Arrow array (``string``,
``double``, ``timestamp``, ``bool``; ``null`` when every cell is blank). Blank cells
("" or only spaces) are null.

A column mixing types (a number among ids, a date typed as text among real dates, TRUE
among numbers) is named by the strict load's error; it is read again, as text and with
each cell's own type, into a list of Python values exactly as typed: ``str``, ``float``,
``bool``, ``date`` (``datetime`` with a time of day, ``time`` for a time alone), None for
a blank. Only such columns pay for that.

Rows and columns are where Excel shows them: the header is row 1 when the sheet's first
value is in row 1 (the usual case), and every column has its absolute position (0 = A).
A sheet whose first value is lower down has no header row: its rows are data rows, for
the header check to say where the header seems to be.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

import fastexcel

if TYPE_CHECKING:  # Arrow is imported by the first sheet loaded, not to open the workbook
    import pyarrow as pa

# one column: typed Arrow cells, or (a column of mixed types) Python values
Cells: TypeAlias = "pa.Array | list[object]"

FIRST_REAL_DAY = date(1900, 1, 1)  # Excel's day 1; fastexcel puts a time alone on 1899-12-31
EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's serial numbers from March 1900 on
EXCEL_EPOCH_EARLY = datetime(1899, 12, 31)  # ... and before it (Excel's 29 Feb 1900)
UNNAMED_RE = re.compile(r"^__UNNAMED__\d+$")  # fastexcel's name for a blank header
RENAMED_RE = re.compile(r"^(.*)_(\d+)$")  # ... and for a repeated one
MIXED_RE = re.compile(r"could not determine dtype for column (.*)$", re.MULTILINE)
CELL_RE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
TAG_RE = re.compile(r"got '(\w+)\((.*)\)'?$", re.DOTALL)

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # it logs its type guesses


class Unreadable(Exception):
    """A workbook or sheet the reader cannot read (damaged, not a workbook)."""


@dataclass
class Grid:
    """One sheet: the header row's text and the columns below it, by column position.

    ``header[i]`` is the text in row 1 of column ``i`` ('' when blank or absent);
    ``columns[i]`` the cells of the data rows (each the same length, ``height``), for the
    columns that hold any cell. ``first_row`` is the Excel row of the first data row.
    """

    header: list[str]
    columns: dict[int, Cells] = field(default_factory=dict)
    height: int = 0
    first_row: int = 2


class Reader:
    """One workbook's bytes, opened by fastexcel (raises :class:`Unreadable`)."""

    def __init__(self, data: bytes):
        try:
            self.book = fastexcel.read_excel(data)
        except Exception as exc:  # calamine and zip errors of every kind
            raise Unreadable(f"{exc.__class__.__name__}: {exc}") from exc

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def grid(self, title: str, first_value: str | None = "A1") -> Grid:
        """The sheet's cells; ``first_value`` is the cell of its first value ("A1" in a
        sheet whose header starts in A1), from the sheet's XML."""
        try:
            return self._grid(title, first_value)
        except Unreadable:
            raise
        except Exception as exc:  # calamine: XmlError, ZipError, CalamineError ...
            raise Unreadable(f"{exc.__class__.__name__}: {exc}") from exc

    def _grid(self, title: str, first_value: str | None) -> Grid:
        found = CELL_RE.match(first_value or "A1")
        first_row = int(found.group(2)) if found else 1
        header_row = 0 if first_row == 1 else None
        from_column_a = first_value == "A1"
        forced: list[str] = []  # columns of mixed types: read as text, then cell by cell
        while True:
            try:
                if from_column_a and not forced:
                    batch = self._load(title, header_row, eager=True)
                    positions = list(range(batch.num_columns))
                else:
                    sheet = self._load(title, header_row, eager=False,
                                       dtypes={name: "string" for name in forced})
                    positions = [c.absolute_index for c in sheet.selected_columns]
                    batch = sheet.to_arrow()
                break
            except fastexcel.UnsupportedColumnTypeCombinationError as exc:
                found = MIXED_RE.search(str(exc))
                if found is None or found.group(1) in forced:
                    raise Unreadable(str(exc)) from exc
                forced.append(found.group(1))
        names = list(batch.schema.names)
        columns: dict[int, Cells] = {pos: batch.column(i) for i, pos in enumerate(positions)}
        if forced:
            exact = self._typed_cells(title, header_row, forced)
            for i, name in enumerate(names):
                if name in exact:
                    columns[positions[i]] = exact[name]
        width = max(positions, default=-1) + 1
        header = [""] * width
        if header_row is None:  # no header row: every row is data
            return Grid(header, columns, batch.num_rows, first_row=first_row)
        texts = self._header_texts(title, names, positions)
        for pos, text in zip(positions, texts, strict=True):
            header[pos] = text
        return Grid(header, columns, batch.num_rows)

    def _load(self, title: str, header_row: int | None, *, eager: bool,
              dtypes: dict[str, str] | None = None, use: list[str] | None = None) -> Any:
        book: Any = self.book  # its overloads want literal dtypes and eager
        return book.load_sheet(
            title, header_row=header_row, schema_sample_rows=None, dtype_coercion="strict",
            whitespace_as_null=True, eager=eager, dtypes=dtypes or None, use_columns=use)

    def _header_texts(self, title: str, names: list[str], positions: list[int]) -> list[str]:
        """Row 1 as typed: fastexcel's column names, unless it renamed a repeated header
        (``date_1`` beside ``date``), when row 1 is read again as text."""
        texts = ["" if UNNAMED_RE.match(n) else n for n in names]
        renamed = [n for n in names if (m := RENAMED_RE.match(n)) and m.group(1) in names]
        if not renamed:
            return texts
        row = self.book.load_sheet(title, header_row=None, n_rows=1, dtypes="string",
                                   eager=True)
        first = row.to_pylist()[0] if row.num_rows else {}
        by_position = dict(zip(positions, first.values(), strict=False))
        return ["" if by_position.get(p) is None else str(by_position[p]).strip()
                for p in positions]

    def _typed_cells(self, title: str, header_row: int | None,
                     names: list[str]) -> dict[str, list[object]]:
        """Columns of mixed types, cell by cell, as Python values exactly as typed."""
        text = self._load(title, header_row, eager=True, dtypes=dict.fromkeys(names, "string"),
                          use=names)
        numbers = self._load(title, header_row, eager=True,
                             dtypes=dict.fromkeys(names, "float"), use=names)
        # Loaded as durations, every cell that is not a date says what it is in its error
        # ("Float(12345.0)", "Bool(true)", "String(...)"); a date converts.
        sheet = self._load(title, header_row, eager=False,
                           dtypes=dict.fromkeys(names, "duration"), use=names)
        spans, errors = sheet.to_arrow_with_errors()
        by_index = {c.index: c.name for c in sheet.selected_columns}
        by_absolute = {c.absolute_index: c.name for c in sheet.selected_columns}
        out: dict[str, list[object]] = {}
        for name in names:
            values: list[object] = [None] * text.num_rows
            for i, span in enumerate(spans.column(name).to_pylist()):
                if span is not None:
                    values[i] = from_serial(span)
            out[name] = values
        for error in (errors.errors if errors is not None else []):
            row, col = error.position
            found_name = by_index.get(col) or by_absolute.get(col)
            if found_name is None:
                continue
            name = found_name
            at = row - error.row_offset
            found = TAG_RE.search(error.detail)
            tag, body = (found.group(1), found.group(2)) if found else ("String", "")
            out[name][at] = _typed(tag, body, text.column(name)[at].as_py(),
                                   numbers.column(name)[at].as_py())
        return out


def _typed(tag: str, body: str, text: str | None, number: float | None) -> object:
    """A cell's Python value from its calamine type tag, its text and its number."""
    if text is None:
        return None  # blank (or only spaces), or a formula error: the XML's notes tell
    if tag in ("Float", "Int"):
        return number if number is not None else float(text)
    if tag == "Bool":
        return body.strip().lower() == "true"
    if tag == "DateTimeIso":
        try:
            return datetime.fromisoformat(body.strip('"'))
        except ValueError:
            return text
    return text


def from_serial(span: timedelta) -> object:
    """A date cell's value from its Excel serial number (as a duration from day 0): a
    ``time`` for a time alone, a ``date`` at midnight, else a ``datetime``."""
    days = span.days + span.seconds / 86400
    if days < 1:
        return (datetime.min + span).time()
    moment = (EXCEL_EPOCH_EARLY if days < 61 else EXCEL_EPOCH) + span
    return moment.date() if moment.time() == time() else moment


def python_values(cells: Cells) -> list[object]:
    """A column's cells as Python values: text as ``str``, numbers as ``float``, yes/no as
    ``bool``, dates as ``date`` (``datetime`` with a time of day, ``time`` for a time
    alone), blanks as None."""
    if isinstance(cells, list):
        return cells
    import pyarrow as pa

    kind = cells.type
    if pa.types.is_timestamp(kind):
        return [_moment(v) for v in cells.to_pylist()]
    if pa.types.is_integer(kind):
        return [None if v is None else float(v) for v in cells.to_pylist()]
    if pa.types.is_duration(kind):
        return [None if v is None else from_serial(v) for v in cells.to_pylist()]
    values: list[object] = cells.to_pylist()
    return values


def first_values(cells: Cells, count: int) -> list[object]:
    """The first ``count`` cells of a column as Python values."""
    if isinstance(cells, list):
        return cells[:count]
    return python_values(cells.slice(0, count))


def _moment(value: datetime | None) -> object:
    if value is None:
        return None
    if value.date() < FIRST_REAL_DAY:
        return value.time()
    return value.date() if value.time() == time() else value

