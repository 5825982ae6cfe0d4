"""Every rule of the workbook contract, one broken workbook each, asserting cell and code."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date

import pytest
import wbfactory

from reports.errors import WorkbookUnreadable
from reports.model.model import Model
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate


def check(tmp_path, data):
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    return validate(read_workbook(path))


def found(result, code):
    return [(p.sheet, p.cell, p.column) for p in result.problems if p.code == code]


def test_base_workbook_is_clean(tmp_path):
    result = check(tmp_path, wbfactory.sheets())
    assert result.problems == []


def test_headers_match_case_spaces_and_underscores(tmp_path):
    data = wbfactory.sheets()
    data["Actors"][0] = ["Actor ID", " NAME ", "Native_Name", "country", "Kind", "title"]
    data["events "] = data.pop("Events")
    result = check(tmp_path, data)
    assert result.errors == []
    assert result.records["Actors"][0]["actor_id"] == "moon-jae-in"
    assert len(result.records["Events"]) == 2


def test_extra_columns_are_kept_for_templates(tmp_path):
    data = wbfactory.sheets()
    data["Events"][0].append("Desk note")
    data["Events"][1].append("check with Seoul")
    result = check(tmp_path, data)
    assert result.errors == []
    model = Model.from_records(result.records)
    assert model.events[0].extra == {"Desk note": "check with Seoul"}


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    data = wbfactory.sheets()
    data["Events"].insert(2, [None] * 9)
    data["Events"].insert(2, [None] * 9)
    data["Events"][4][1] = "22/11/2019"  # the second event, now in Excel row 5
    result = check(tmp_path, data)
    assert len(result.records["Events"]) == 2
    assert found(result, "bad-date") == [("Events", "B5", "date")]


@pytest.mark.parametrize("value", ["22/11/2019", "Nov 22, 2019", "2019-13-01", "2019-02-30"])
def test_text_dates_other_than_iso_are_errors(tmp_path, value):
    data = wbfactory.sheets()
    data["Events"][2][1] = value
    result = check(tmp_path, data)
    problem = next(p for p in result.problems if p.code == "bad-date")
    assert (problem.sheet, problem.cell, problem.column) == ("Events", "B3", "date")
    assert value in problem.message and "YYYY-MM-DD" in problem.message


def test_iso_text_dates_are_accepted(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][1] = "2019-11-22"
    result = check(tmp_path, data)
    assert result.errors == []
    assert result.records["Events"][1]["date"] == date(2019, 11, 22)


def test_a_number_in_a_date_column_is_an_error(tmp_path):
    data = wbfactory.sheets()
    data["Positions"][1][2] = 43700
    assert found(check(tmp_path, data), "bad-date") == [("Positions", "C2", "as_of")]


def test_list_cells_accept_semicolons_commas_and_line_breaks(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][5] = " moon-jae-in ,shinzo-abe\n"
    data["Events"][1][5] = "moon-jae-in;\nshinzo-abe"
    result = check(tmp_path, data)
    assert result.errors == []
    assert result.records["Events"][0]["actors"] == ("moon-jae-in", "shinzo-abe")
    assert result.records["Events"][1]["actors"] == ("moon-jae-in", "shinzo-abe")


def test_ids_must_be_slugs_but_event_and_source_ids_may_use_upper_case(tmp_path):
    data = wbfactory.sheets()
    data["Actors"][2][0] = "Shinzo Abe"
    data["Events"][1][0] = "EV_2019_001"
    result = check(tmp_path, data)
    assert found(result, "bad-id") == [("Actors", "A3", "actor_id")]
    assert '"shinzo-abe"' in next(p for p in result.problems if p.code == "bad-id").message


def test_ids_are_read_as_text(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][0] = "007"
    result = check(tmp_path, data)
    assert result.records["Events"][0]["event_id"] == "007"


def test_any_script_and_line_breaks_survive(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][3] = "문재인 대통령\n安倍晋三首相 — «ok»"
    result = check(tmp_path, data)
    assert result.records["Events"][0]["summary"] == "문재인 대통령\n安倍晋三首相 — «ok»"


def test_excel_escapes_are_decoded(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][3] = "line_x000D_break"
    result = check(tmp_path, data)
    assert result.records["Events"][0]["summary"] == "line\rbreak"


def _with_formula_error(path, sheet_index, ref, error):
    """Rewrite one cell of a saved workbook as a formula with a cached error value."""
    src = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                text = data.decode()
                cell = f'<c r="{ref}" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f><v>{error}</v></c>'
                text, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', cell, text, count=1)
                assert n == 1
                data = text.encode()
            out.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def test_formula_error_in_required_column_names_the_cell(tmp_path):
    path = wbfactory.write(tmp_path / "book.xlsx")
    _with_formula_error(path, 3, "C3", "#REF!")  # Events!C3 (title)
    result = validate(read_workbook(path))
    problem = next(p for p in result.problems if p.code == "formula-error")
    assert (problem.severity, problem.sheet, problem.cell) == ("error", "Events", "C3")
    assert "#REF!" in problem.message


def test_formula_error_in_optional_column_is_a_warning(tmp_path):
    path = wbfactory.write(tmp_path / "book.xlsx")
    _with_formula_error(path, 3, "H2", "#N/A")  # Events!H2 (significance)
    result = validate(read_workbook(path))
    assert [(p.severity, p.cell) for p in result.problems if p.code == "formula-error"] == [
        ("warning", "H2")]
    assert result.errors == []


def test_guide_and_unknown_sheets_are_ignored(tmp_path):
    data = wbfactory.sheets()
    data["Guide"] = [["anything", "at all"], ["=1/0", 5]]
    data["Scratch"] = [["not", "a", "contract", "sheet"]]
    assert check(tmp_path, data).problems == []


def test_missing_required_sheet_is_an_error_optional_a_warning(tmp_path):
    data = wbfactory.sheets()
    del data["Sources"]
    del data["Outlook"]
    result = check(tmp_path, data)
    missing = {(p.severity, p.sheet) for p in result.problems if p.code == "missing-sheet"}
    assert missing == {("error", "Sources"), ("warning", "Outlook")}


def test_missing_required_column(tmp_path):
    data = wbfactory.sheets()
    for row in data["Events"]:
        del row[4]  # category
    assert found(check(tmp_path, data), "missing-column") == [("Events", None, "category")]


def test_banner_row_above_the_header_is_explained(tmp_path):
    data = wbfactory.sheets()
    data["Issues"].insert(0, ["Issues tracked by the desk"])
    problems = [p for p in check(tmp_path, data).problems if p.code == "missing-column"]
    assert problems and all("row 2" in p.message for p in problems)


def test_duplicate_ids(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][0] = "e1"
    result = check(tmp_path, data)
    assert found(result, "duplicate-id") == [("Events", "A3", "event_id")]
    assert "row 2" in next(p for p in result.problems if p.code == "duplicate-id").message


def test_two_positions_same_actor_issue_and_date(tmp_path):
    data = wbfactory.sheets()
    data["Positions"][2][2] = date(2019, 8, 22)
    assert found(check(tmp_path, data), "duplicate-id") == [("Positions", "A3", "actor_id")]


def test_unknown_reference_with_did_you_mean(tmp_path):
    data = wbfactory.sheets()
    data["Positions"][1][0] = "moon-jaein"
    data["Events"][1][8] = "s1; s9"
    result = check(tmp_path, data)
    refs = {(p.sheet, p.cell): p.message for p in result.problems if p.code == "unknown-ref"}
    assert set(refs) == {("Positions", "A2"), ("Events", "I2")}
    assert refs[("Positions", "A2")] == (
        '"moon-jaein" is not an actor_id in Actors (did you mean "moon-jae-in"?)')


@pytest.mark.parametrize("sheet,row,col,value,cell", [
    ("Events", 1, 4, "decree", "E2"),
    ("Positions", 1, 3, "in favour", "D2"),
    ("Actors", 1, 4, "human", "E2"),
    ("Issues", 1, 3, "open", "D2"),
    ("Sources", 1, 5, "blog", "F2"),
    ("Outlook", 1, 3, "maybe", "D2"),
])
def test_bad_enum_values(tmp_path, sheet, row, col, value, cell):
    data = wbfactory.sheets()
    data[sheet][row][col] = value
    result = check(tmp_path, data)
    assert [(p.sheet, p.cell) for p in result.problems if p.code == "bad-enum"] == [
        (sheet, cell)]


def test_enums_match_ignoring_case(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][4] = "Decision"
    data["Positions"][1][3] = "OPPOSES"
    assert check(tmp_path, data).errors == []


@pytest.mark.parametrize("value,code", [(0, "out-of-range"), (6, "out-of-range"),
                                        (2.5, "bad-number"), ("high", "bad-number")])
def test_significance_is_a_whole_number_from_1_to_5(tmp_path, value, code):
    data = wbfactory.sheets()
    data["Events"][1][7] = value
    assert found(check(tmp_path, data), code) == [("Events", "H2", "significance")]


def test_blank_significance_means_3(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][7] = None
    assert check(tmp_path, data).records["Events"][0]["significance"] == 3


def test_title_longer_than_200_characters(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][2] = "x" * 201
    assert found(check(tmp_path, data), "too-long") == [("Events", "C2", "title")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x",
                                 "data:text/html,hi", "www.example.org"])
def test_urls_must_be_http_or_https(tmp_path, url):
    data = wbfactory.sheets()
    data["Sources"][1][3] = url
    assert found(check(tmp_path, data), "bad-url") == [("Sources", "D2", "url")]


def test_country_codes(tmp_path):
    data = wbfactory.sheets()
    data["Actors"][1][3] = "Korea"
    data["Actors"][2][3] = "jpn"
    result = check(tmp_path, data)
    assert found(result, "bad-country") == [("Actors", "D2", "country")]
    assert result.records["Actors"][1]["country"] == "JPN"


def test_required_value_missing(tmp_path):
    data = wbfactory.sheets()
    data["Positions"][1][4] = None
    assert found(check(tmp_path, data), "missing-value") == [("Positions", "E2", "summary")]


def test_two_sheets_matching_one_name(tmp_path):
    data = wbfactory.sheets()
    data["Events "] = data["Events"]  # Excel forbids "events"; a trailing space slips in
    result = check(tmp_path, data)
    assert found(result, "duplicate-sheet") == [("Events ", None, None)]
    [problem] = [p for p in result.problems if p.code == "duplicate-sheet"]
    assert 'sheets "Events" and "Events " both match Events; rename or delete one of ' in (
        problem.message)


def test_three_sheets_matching_one_name_are_named_as_a_sentence_names_them(tmp_path):
    data = wbfactory.sheets()
    data["Events "] = data["Events"]
    data[" Events"] = data["Events"]
    [problem] = [p for p in check(tmp_path, data).problems if p.code == "duplicate-sheet"]
    assert problem.message.startswith('sheets "Events", "Events " and " Events" all match '
                                      "Events; rename or delete all but one of them")


def test_every_problem_is_reported_at_once(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][1] = "yesterday"
    data["Events"][2][4] = "rumour"
    data["Positions"][1][1] = "gsomiaa"
    result = check(tmp_path, data)
    assert {p.code for p in result.errors} == {"bad-date", "bad-enum", "unknown-ref"}


def test_warnings_for_unused_rows_and_events_without_sources(tmp_path):
    data = wbfactory.sheets()
    data["Actors"].append(["kang", "Kang Kyung-wha", "강경화", "KOR", "person", ""])
    data["Sources"].append(["s2", "NHK", "Unused", "", None, "news"])
    data["Events"][1][8] = None
    result = check(tmp_path, data)
    assert result.errors == []
    codes = {(p.code, p.sheet, p.cell) for p in result.warnings}
    assert codes == {("unused-actor", "Actors", "A4"), ("unused-source", "Sources", "A3"),
                     ("event-without-source", "Events", "I2")}


def test_restating_a_stance_is_not_a_warning(tmp_path):
    data = wbfactory.sheets()
    data["Positions"].append(["shinzo-abe", "gsomia", date(2019, 11, 25), "supports",
                              "Still keep it.", "", "s1"])
    assert check(tmp_path, data).problems == []


def test_errors_are_sorted_before_warnings(tmp_path):
    data = wbfactory.sheets()
    data["Sources"].append(["s2", "NHK", "Unused", "", None, "news"])
    data["Events"][2][1] = "soon"
    result = check(tmp_path, data)
    assert [p.severity for p in result.problems] == ["error", "warning"]


# -- files that are not workbooks ---------------------------------------------------------

def _unreadable(path):
    with pytest.raises(WorkbookUnreadable) as info:
        read_workbook(path)
    return str(info.value)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "is empty" in _unreadable(path)


def test_text_renamed_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("event_id,date\ne1,2019-11-22\n")
    assert "is a text file, not an .xlsx workbook" in _unreadable(path)


def test_legacy_xls(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert "legacy Excel 97-2003 (.xls)" in _unreadable(path)


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "secret.xlsx"
    body = b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    assert "password-protected" in _unreadable(path)


def test_corrupt_zip(tmp_path):
    good = wbfactory.write(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    message = _unreadable(path)
    assert "corrupt" in message or "incomplete" in message


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(64):  # 64 MB of zeros, compressed 1000 to 1
                fh.write(chunk)
    assert "zip bomb" in _unreadable(path)


def test_validate_never_changes_the_workbook(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][1] = "bad"
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    validate(read_workbook(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


# -- reading only some sheets ---------------------------------------------------------------

def test_read_only_the_distribution_sheet(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][1] = "not a date"  # broken, but not read
    del data["Sources"]  # missing, but not asked for
    data["Distribution"] = [["memo_id", "name", "email", "active"],
                            ["weekly", "Desk Officer", "desk@example.org", "yes"],
                            ["weekly", "Old Officer", "old@example.org", "no"]]
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    book = read_workbook(path, sheets=("Distribution",))
    assert set(book.sheets) == {"Distribution"} and book.problems == []
    checked = validate(book)
    assert checked.problems == []
    assert [(r["email"], r["active"]) for r in checked.records["Distribution"]] == [
        ("desk@example.org", True), ("old@example.org", False)]
    assert {p.code for p in validate(read_workbook(path)).errors} == {"missing-sheet",
                                                                     "bad-date"}


def test_read_only_some_sheets_reports_only_their_problems(tmp_path):
    data = wbfactory.sheets()
    data["Distribution"] = [["memo_id", "name", "email"], ["weekly", "X", "not-an-address"]]
    del data["Outlook"]
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    checked = validate(read_workbook(path, sheets=("Distribution", "Outlook")))
    assert found(checked, "bad-email") == [("Distribution", "C2", "email")]
    assert found(checked, "missing-sheet") == [("Outlook", None, None)]
    assert read_workbook(path, sheets=()).sheets == {}
