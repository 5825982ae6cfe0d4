"""The one cell reader (fastexcel, Arrow columns; ``reports/workbook/grid.py``): every
cell reads as it was typed, whatever else its column holds, wherever the sheet starts,
at any size.

Workbooks are written with openpyxl (and, for Excel's own way of keeping numbers and
dates, saved again by LibreOffice); what they hold is what each test expects back."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import realtools
import wbfactory

from reports.workbook.grid import Reader
from reports.workbook.package import scan_sheet, sheet_parts
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

ROOT = Path(__file__).resolve().parents[1]


def grid_of(path: Path, title: str = "Sheet"):
    data = path.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    notes = scan_sheet(archive, sheet_parts(archive)[title])
    return Reader(data).grid(title, notes.first_value)


def column(grid, index: int) -> list:
    from reports.workbook.grid import python_values

    return python_values(grid.columns[index])


def write(tmp_path: Path, rows: list[list], name: str = "cells.xlsx") -> Path:
    return wbfactory.write(tmp_path / name, {"Sheet": rows})


# -- one type per column: typed Arrow columns --------------------------------------------------

@pytest.mark.parametrize("values", [
    ["a", "문재인", "安倍晋三", "line\nbreak", " padded "],
    [1.0, 2.5, -3.0, 12345.0, 2.0**53],
    [True, False, True],
    [date(2019, 11, 22), date(2000, 1, 1), date(1900, 1, 15), date(1900, 2, 28)],
    [datetime(2019, 11, 22, 10, 30), datetime(2019, 1, 1, 23, 59, 59)],
])
def test_a_column_of_one_type_reads_as_typed(tmp_path, values):
    path = write(tmp_path, [["x", "y"]] + [[v, "t"] for v in values])
    grid = grid_of(path)
    assert grid.header[:2] == ["x", "y"]
    assert column(grid, 0) == values


# -- mixed columns: cell by cell, exactly ------------------------------------------------------

@pytest.mark.parametrize("values", [
    [date(2019, 1, 1), "2019-01-02"],  # a real date and a date typed as text
    [1.0, "s1"],  # a number among ids
    [True, 1.0],  # yes/no among numbers: TRUE is not 1
    ["007", 7.0, "x"],  # leading zeros kept as text, the number as a number
    [datetime(2019, 1, 1, 10, 30), date(2019, 1, 2), "soon"],
    [time(10, 30), date(2019, 1, 2), 3.0],  # a time alone
    [9007199254740994.0, "id"],  # a number beyond 2**53 (not every digit kept), exactly
    [False, "no", 0.0],
])
def test_a_column_of_mixed_types_reads_each_cell_as_typed(tmp_path, values):
    path = write(tmp_path, [["x", "y"]] + [[v, "t"] for v in values])
    grid = grid_of(path)
    read = column(grid, 0)
    assert read == values
    assert [type(v) for v in read] == [type(v) for v in values]  # True is not 1.0
    assert column(grid, 1) == ["t"] * len(values)


def test_blank_cells_and_spaces_read_as_blank(tmp_path):
    path = write(tmp_path, [["x", "y"], ["a", 1.0], ["   ", None], ["", 2.0], ["b", None]])
    grid = grid_of(path)
    assert column(grid, 0) == ["a", None, None, "b"]
    assert column(grid, 1) == [1.0, None, 2.0, None]


# -- where the sheet starts --------------------------------------------------------------------

def test_a_sheet_starting_in_column_c_keeps_its_letters(tmp_path):
    path = write(tmp_path, [[None, None, "x", "y"], [None, None, "a", 1.0]])
    grid = grid_of(path)
    assert grid.header == ["", "", "x", "y"]
    assert column(grid, 2) == ["a"] and column(grid, 3) == [1.0]
    assert grid.first_row == 2


def test_a_sheet_whose_first_value_is_below_row_1_has_no_header(tmp_path):
    path = write(tmp_path, [[], [], ["x", "y"], ["a", "b"]])
    grid = grid_of(path)
    assert set(grid.header) <= {""}
    assert grid.first_row == 3  # its rows are data rows, numbered as Excel shows them
    assert column(grid, 0) == ["x", "a"]


def test_a_repeated_header_is_read_as_typed_not_renamed(tmp_path):
    path = write(tmp_path, [["date", "date", "date_1"], ["a", "b", "c"]])
    assert grid_of(path).header == ["date", "date", "date_1"]


# -- through read_workbook: rows and records ---------------------------------------------------

def test_blank_rows_anywhere_are_skipped_even_a_lone_space_far_below(tmp_path):
    data = wbfactory.sheets()
    data["Events"].insert(2, [None] * 9)
    data["Events"] += [[None] * 9] * 30 + [[None, None, " ", None]]  # a space, row 64
    book = read_workbook(wbfactory.write(tmp_path / "book.xlsx", data))
    assert book.sheets["Events"].rows == [2, 4]
    result = validate(book)
    assert result.errors == [], [str(p) for p in result.errors]


@pytest.mark.parametrize("size", [3, 1500])
def test_small_and_large_workbooks_take_the_same_path(tmp_path, size):
    """One reader for every size: a large regular sheet and a small one read alike."""
    data = wbfactory.sheets()
    first = data["Events"][1]
    data["Events"] = [data["Events"][0]] + [
        [f"e{i}", first[1], f"Title {i}", None, "decision", first[5], first[6], 3, "s1"]
        for i in range(size)]
    book = read_workbook(wbfactory.write(tmp_path / "book.xlsx", data))
    events = book.sheets["Events"]
    assert events.rows == list(range(2, size + 2))
    assert events.columns["event_id"][-1] == f"e{size - 1}"
    assert events.columns["date"][0] == first[1]
    assert events.frame.index.name == "row" and len(events.frame) == size


@pytest.mark.needs_tool("libreoffice")
def test_numbers_and_dates_saved_by_libreoffice_read_as_typed(tmp_path):
    """LibreOffice writes numbers and dates as Excel does (numbers, date formats)."""
    values = [date(2019, 11, 22), 12345.0, "007", True, datetime(2019, 11, 22, 9, 15)]
    original = write(tmp_path, [["x"]] + [[v] for v in values])
    saved = realtools.libreoffice_convert(original, "xlsx", tmp_path / "saved")[0]
    assert column(grid_of(saved), 0) == values


def test_what_openpyxl_reads_the_reader_reads(tmp_path):
    """An independent reader agrees on a generated workbook of every kind of cell."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = generate.write_xlsx(tmp_path / "gen.xlsx", generate.records(300, seed=7))
    book = openpyxl.load_workbook(path, read_only=True)
    for title in ("Actors", "Events", "Sources"):
        rows = [list(r) for r in book[title].iter_rows(values_only=True)]
        grid = grid_of(path, title)
        assert grid.header[:len(rows[0])] == rows[0]
        for index in range(len(rows[0])):
            expected = [r[index] if index < len(r) else None for r in rows[1:]]
            expected = [v.date() if isinstance(v, datetime) and v.time() == time() else
                        float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                        for v in expected]
            assert column(grid, index) == expected, (title, rows[0][index])
