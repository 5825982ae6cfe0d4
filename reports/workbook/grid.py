"""A sheet's cells as columns of Python values, whichever of two readers gives them.

- The columnar reader (fastexcel, Arrow columns) reads a regular sheet several times
  faster: a header of text in row 1 from column A, and every column of one cell type
  (text, numbers, dates or yes/no).
- The exact reader (python-calamine, row by row) reads anything, cell by cell.

Both give the same values: text as ``str``, numbers as ``float``, yes/no as ``bool``,
dates as ``date`` (``datetime`` when there is a time of day, ``time`` for a time alone),
and ``None`` or ``""`` for a blank cell. A sheet the columnar reader cannot read that way
(mixed columns, a header elsewhere, dates before March 1900 where Excel's calendar is
off by a day) goes to the exact reader; so does a workbook it cannot open.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import python_calamine

from reports.workbook.package import SheetNotes

FIRST_SAFE_DAY = datetime(1900, 3, 1)  # before it, readers disagree about Excel's 1900
NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
RENAMED_RE = re.compile(r"^(.*)_(\d+)$")  # fastexcel's name for a repeated header
UNNAMED_RE = re.compile(r"^__UNNAMED__\d+$")  # ... and for a blank (or date) header

# Text that Python's str.strip() would change, or that is blank ("" or only spaces): RE2's
# \s is ASCII only, so the class lists every character str.isspace() takes for a space.
_SPACES = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
UNTIDY = f"^$|^[{_SPACES}]|[{_SPACES}]$"

# The columnar reader pays off on large workbooks; below this size the exact reader is
# as quick and spares loading Arrow (about 0.2 s, on every command that reads a workbook).
COLUMNAR_FROM_BYTES = 1024 * 1024

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # it logs its type guesses


@dataclass
class Grid:
    """Row 1 as text, and every column below it (all the same length)."""

    header: list[str]
    columns: list[list]
    tidy: list[bool] | None = None  # per column: no blank text, no spaces around any text

    def is_tidy(self, index: int) -> bool:
        return bool(self.tidy and self.tidy[index])

    @property
    def height(self) -> int:
        return len(self.columns[0]) if self.columns else 0


class Readers:
    """The two readers of one workbook's bytes, each opened the first time it is needed."""

    def __init__(self, data: bytes, columnar: bool | None = None):
        """``columnar``: use the columnar reader where it can (default: for files of
        :data:`COLUMNAR_FROM_BYTES` or more)."""
        self.data = data
        self._fast = None
        self._fast_failed = not (columnar if columnar is not None
                                 else len(data) >= COLUMNAR_FROM_BYTES)
        self._exact: python_calamine.CalamineWorkbook | None = None

    def sheet_names(self) -> list[str]:
        fast = self.fast()
        return list(fast.sheet_names) if fast is not None else list(self.exact().sheet_names)

    def fast(self):
        if self._fast is None and not self._fast_failed:
            import fastexcel

            try:
                self._fast = fastexcel.read_excel(self.data)
            except Exception:  # whatever it cannot open, the exact reader explains
                self._fast_failed = True
        return self._fast

    def exact(self) -> python_calamine.CalamineWorkbook:
        if self._exact is None:
            self._exact = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        return self._exact

    def grid(self, title: str, notes: Callable[[], SheetNotes]) -> Grid:
        """The sheet's cells; ``notes`` gives its XML's notes (maybe still being made)."""
        grid = self._columnar(title)
        if grid is not None and notes().first_value == "A1":
            return grid
        return self._row_by_row(title)

    def _row_by_row(self, title: str) -> Grid:
        rows = self.exact().get_sheet_by_name(title).to_python(skip_empty_area=False)
        if not rows:
            return Grid([], [])
        header = ["" if v is None else str(v) for v in rows[0]]
        width = max(len(r) for r in rows)
        header += [""] * (width - len(header))
        body = rows[1:]
        if any(len(r) != width for r in body):  # calamine's rows are rectangular; be safe
            body = [list(r) + [""] * (width - len(r)) for r in body]
        columns = [list(c) for c in zip(*body, strict=True)] if body else [[] for _ in header]
        return Grid(header, columns)

    def _columnar(self, title: str) -> Grid | None:
        """The sheet through fastexcel, if its first value is in A1 (so fastexcel's first
        row and column are row 1 and column A) and every column has one type."""
        fast = self.fast()
        if fast is None:
            return None
        import pyarrow.compute as pc

        try:
            batch = fast.load_sheet(title, header_row=0, schema_sample_rows=None,
                                    dtype_coercion="strict", eager=True)
        except Exception:  # mixed types in a column, or anything else: read it exactly
            return None
        names = list(batch.schema.names)
        for name in names:
            renamed = RENAMED_RE.match(name)
            if (UNNAMED_RE.match(name) or NUMBER_RE.match(name.strip())
                    or (renamed and renamed.group(1) in names)):
                return None  # a blank, number, date or repeated header: read it exactly
        if not names:
            return None
        columns, tidy = [], []
        for array in batch.columns:
            values = _python_values(array)
            if values is None:
                return None
            columns.append(values)
            tidy.append(not _is_text(array) or not pc.any(
                pc.match_substring_regex(array, UNTIDY)).as_py())
        return Grid(names, columns, tidy)


def _is_text(array) -> bool:
    import pyarrow

    return pyarrow.types.is_string(array.type) or pyarrow.types.is_large_string(array.type)


def _python_values(array) -> list | None:
    """An Arrow column as the exact reader's Python values; None if it cannot be."""
    import pyarrow
    import pyarrow.compute as pc

    kind = array.type
    if (pyarrow.types.is_string(kind) or pyarrow.types.is_large_string(kind)
            or pyarrow.types.is_floating(kind) or pyarrow.types.is_boolean(kind)
            or pyarrow.types.is_null(kind)):
        return array.to_pylist()
    if not pyarrow.types.is_timestamp(kind):
        return None  # durations, times: the exact reader knows them
    if array.null_count == len(array):
        return [None] * len(array)
    if pc.min(array).as_py() < FIRST_SAFE_DAY:
        return None
    days = pc.cast(array, pyarrow.date32(), safe=False)
    whole = pc.equal(pc.cast(days, kind), array)
    if pc.all(whole).as_py() is not False:
        return days.to_pylist()
    return [d if w else t for t, d, w in zip(array.to_pylist(), days.to_pylist(),
                                            whole.to_pylist(), strict=True)]
