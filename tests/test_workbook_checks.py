"""The checks that keep a workbook from changing memos silently: dates after today or far
outside the workbook's span (a year typed 2091 for 2019), cells merged over records,
a sheet emptied of its rows, a lone space far below the data, and sources cited without
a publication day. Each names its cell (or sheet) with a code of its own, several
variants each; the memos built from such a workbook say what is missing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import wbfactory
from clitools import call
from openpyxl.styles import Font

from reports.config.load import adhoc_memo, load_config
from reports.memo.contents import build_context
from reports.memo.make import memo_spec
from reports.memo.parts import emptied_sheets_note
from reports.model.model import Model
from reports.workbook.excel import init_workbook
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2019, 11, 29)


def check(tmp_path: Path, data: dict, today: date = TODAY, name: str = "book.xlsx"):
    return validate(read_workbook(wbfactory.write(tmp_path / name, data)), today=today)


def found(result, code: str) -> list[tuple[str, str | None, str]]:
    return [(p.sheet, p.cell, p.severity) for p in result.problems if p.code == code]


def message(result, code: str) -> str:
    return next(p.message for p in result.problems if p.code == code)


# -- dates after today, or far outside the workbook's span -------------------------------------

@pytest.mark.parametrize("sheet,row,col,cell,typed,meant", [
    ("Events", 2, 1, "B3", date(2091, 11, 22), "2019-11-22"),  # two digits swapped
    ("Events", 1, 1, "B2", date(2019, 8, 22).replace(year=2109), "2019-08-22"),
    ("Sources", 1, 4, "E2", date(2091, 11, 22), "2019-11-22"),  # a publication day
    ("Positions", 3, 2, "C4", date(2091, 11, 22), "2019-11-22"),
    ("Assessments", 1, 0, "A2", date(2091, 11, 25), "2019-11-25"),
])
def test_a_date_after_today_is_named_with_the_date_meant(tmp_path, sheet, row, col, cell,
                                                         typed, meant):
    data = wbfactory.sheets()
    data[sheet][row][col] = typed
    result = check(tmp_path, data)
    assert found(result, "future-date") == [(sheet, cell, "warning")]
    text = message(result, "future-date")
    assert text.startswith(f"{typed.isoformat()} is after today (2019-11-29)")
    assert text.endswith(f"did you mean {meant}?")
    assert result.errors == []  # a warning: memos are built (without the row until then)


def test_a_date_typed_as_iso_text_is_checked_alike(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = "2091-11-22"
    result = check(tmp_path, data)
    assert found(result, "future-date") == [("Events", "B3", "warning")]


def test_a_date_far_in_the_past_is_named_when_a_slip_explains_it(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = "1019-11-22"  # one digit wrong (Excel keeps no date before 1900)
    result = check(tmp_path, data)
    assert found(result, "outlier-date") == [("Events", "B3", "warning")]
    text = message(result, "outlier-date")
    assert "far outside the workbook's other dates (2019-08-22 to 2019-12-24)" in text
    assert text.endswith("did you mean 2019-11-22?")


def test_an_outlook_date_far_ahead_is_far_outside_not_after_today(tmp_path):
    data = wbfactory.sheets()
    data["Outlook"][1][0] = date(2091, 12, 24)  # outlook items look ahead: not "future"
    result = check(tmp_path, data)
    assert found(result, "future-date") == []
    assert found(result, "outlier-date") == [("Outlook", "A2", "warning")]
    assert message(result, "outlier-date").endswith("did you mean 2019-12-24?")


@pytest.mark.parametrize("day", [date(1965, 6, 22), date(1910, 8, 29), date(2012, 6, 29)])
def test_a_historical_date_no_slip_explains_is_left_alone(tmp_path, day):
    data = wbfactory.sheets()
    data["Events"][1][1] = day
    result = check(tmp_path, data)
    assert found(result, "outlier-date") == [] and found(result, "future-date") == []


def test_tomorrow_is_after_today_without_a_guess(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = date(2019, 11, 30)
    result = check(tmp_path, data)
    assert found(result, "future-date") == [("Events", "B3", "warning")]
    assert message(result, "future-date").endswith("check the year")


def test_today_is_the_machines_by_default(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = date(9091, 11, 22)
    result = validate(read_workbook(wbfactory.write(tmp_path / "book.xlsx", data)))
    assert found(result, "future-date") == [("Events", "B3", "warning")]


# -- merged cells over records -----------------------------------------------------------------

def write_merged(tmp_path: Path, sheet: str, *ranges: str, data: dict | None = None) -> Path:
    book = wbfactory.workbook(data or wbfactory.sheets())
    for cells in ranges:
        book[sheet].merge_cells(cells)
    path = tmp_path / "merged.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("sheet,cells,first,column", [
    ("Events", "G2:G3", "G2", "issues"),  # an event loses its issue
    ("Events", "B2:B3", "B2", "date"),
    ("Positions", "A2:A4", "A2", "actor_id"),  # three rows
    ("Events", "C3:D3", "C3", "title"),  # across one record's cells
])
def test_cells_merged_over_records_are_an_error_naming_the_range(tmp_path, sheet, cells,
                                                                 first, column):
    result = validate(read_workbook(write_merged(tmp_path, sheet, cells)))
    assert found(result, "merged-cells") == [(sheet, first, "error")]
    problem = next(p for p in result.problems if p.code == "merged-cells")
    assert problem.column == column
    assert problem.message.startswith(f"cells {cells} are merged: Excel keeps the value in "
                                      f"{first} only")


def test_a_merge_beside_the_table_or_in_the_header_is_not_merged_cells(tmp_path):
    path = write_merged(tmp_path, "Events", "L5:M7", "C1:D1")
    result = validate(read_workbook(path))
    assert found(result, "merged-cells") == []
    assert found(result, "merged-header") == [("Events", "C1", "error")]


def test_a_workbook_with_merged_records_builds_nothing(tmp_path):
    path = write_merged(tmp_path, "Events", "G2:G3")
    out = tmp_path / "out"
    proc = call("build", "--kind", "weekly", "--as-of", "2019-11-26", "--workbook", str(path),
                "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "Events!G2" in proc.stdout and "merged-cells" in proc.stdout
    assert not out.exists() or not any(out.rglob("*.docx"))


# -- a sheet emptied of its rows ---------------------------------------------------------------

def emptied(tmp_path: Path, sheet: str, keep: str = "style") -> Path:
    """The base workbook with ``sheet``'s rows cleared as Excel clears them: the cells
    stay, formatted (``keep="style"``) or holding spaces (``keep="spaces"``)."""
    book = wbfactory.workbook()
    ws = book[sheet]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.value = " " if keep == "spaces" else None
            cell.font = Font(bold=True)
    path = tmp_path / f"emptied-{sheet}.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("sheet,keep", [("Events", "style"), ("Outlook", "style"),
                                         ("Assessments", "spaces"), ("Positions", "style")])
def test_a_sheet_emptied_of_its_rows_is_named_and_the_memos_say_so(tmp_path, sheet, keep):
    result = validate(read_workbook(emptied(tmp_path, sheet, keep)))
    assert found(result, "empty-sheet") == [(sheet, None, "warning")]
    assert result.empty_sheets == [sheet]
    model = Model.from_records(result.records)
    assert model.empty_sheets == (sheet,)
    config = load_config(ROOT / "reports.toml", required=True)
    context = build_context(model, memo_spec(config, adhoc_memo("weekly", None, None, None),
                                             TODAY))
    notes = [b["text"] for s in context["sections"] if s["id"] == "sources"
             for b in s["blocks"] if b["type"] == "note"]
    assert f"The workbook's {sheet} sheet had no rows when this memo was built: nothing " \
           "from it is in this memo." in notes


def test_a_sheet_never_filled_and_a_new_workbook_are_not_warned(tmp_path):
    data = wbfactory.sheets()
    data["Outlook"] = data["Outlook"][:1]  # a header written by a script, nothing below
    result = check(tmp_path, data)
    assert found(result, "empty-sheet") == [] and result.empty_sheets == []
    fresh = init_workbook(tmp_path / "new.xlsx")  # every sheet formatted, none filled
    assert validate(read_workbook(fresh)).problems == []


# -- a lone space far below the data -----------------------------------------------------------

@pytest.mark.parametrize("space", [" ", "\u3000", "\t", " \n ", "\xa0"])
def test_a_lone_space_far_below_the_data_is_a_blank_row(tmp_path, space):
    data = wbfactory.sheets()
    data["Events"] += [[None] * 9] * 40 + [[None, None, None, space]]
    result = check(tmp_path, data)
    assert result.problems == []
    assert read_workbook(tmp_path / "book.xlsx").sheets["Events"].rows == [2, 3]


def test_a_space_in_a_required_cell_of_a_record_is_a_missing_value(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][2] = "   "
    result = check(tmp_path, data)
    assert found(result, "missing-value") == [("Events", "C3", "error")]


# -- sources without a publication day ---------------------------------------------------------

def test_a_cited_source_without_a_publication_day_is_warned_about(tmp_path):
    data = wbfactory.sheets()
    data["Sources"][1][4] = None
    result = check(tmp_path, data)
    assert found(result, "undated-source") == [("Sources", "E2", "warning")]
    assert 'source "s1" has no publication day' in message(result, "undated-source")


def test_an_undated_source_nobody_cites_is_only_unused(tmp_path):
    data = wbfactory.sheets()
    data["Sources"].append(["s2", "NHK", "Unused", "", None, "news"])
    result = check(tmp_path, data)
    assert found(result, "undated-source") == []
    assert found(result, "unused-source") == [("Sources", "A3", "warning")]


def test_sources_cited_by_any_sheet_count(tmp_path):
    data = wbfactory.sheets()
    data["Sources"].append(["s2", "NHK", "Cited by a judgment", "", None, "news"])
    data["Assessments"][1][4] = "s2"
    result = check(tmp_path, data)
    assert found(result, "undated-source") == [("Sources", "E3", "warning")]


def test_validate_lists_the_new_warnings_and_exits_0(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = date(2091, 11, 22)
    data["Sources"][1][4] = None
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    proc = call("validate", "--workbook", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    codes = {(p["sheet"], p["cell"], p["code"]) for p in json.loads(proc.stdout)}
    assert {("Events", "B3", "future-date"), ("Sources", "E2", "undated-source")} <= codes


def test_openpyxl_can_read_what_the_tests_write(tmp_path):
    """The emptied sheet keeps formatted cells below its header (what makes it emptied)."""
    path = emptied(tmp_path, "Events")
    ws = openpyxl.load_workbook(path)["Events"]
    assert ws.max_row == 3 and ws["A2"].value is None


def test_the_empty_sheet_note_tells_nothing_of_rows_above_the_memo(tmp_path):
    """A memo whose cut holds no row at all says no sheet was emptied, as a memo of a
    workbook that never had those rows says: the note cannot tell its reader that the
    workbook holds rows above their level. A cut that keeps rows keeps the note."""
    result = validate(read_workbook(emptied(tmp_path, "Outlook")))
    model = Model.from_records(result.records)
    assert model.empty_sheets == ("Outlook",)
    nothing_left = model.within(-1)  # every row ranked above the ceiling
    assert emptied_sheets_note(nothing_left) == "" and nothing_left.empty_sheets == ()
    never_had_rows = Model.from_records(validate(read_workbook(
        init_workbook(tmp_path / "new.xlsx"))).records)
    assert emptied_sheets_note(nothing_left) == emptied_sheets_note(never_had_rows) == ""
    assert "Outlook sheet had no rows" in emptied_sheets_note(model.within(0))
