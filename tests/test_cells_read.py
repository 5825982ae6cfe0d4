"""Cells read as the editor meant them, or named: numbers as ids, formulas without a
saved value, hyperlinks, headers that nearly match a contract column.

The broken corpus (``tests/data/broken``) holds one file per case for the command line;
these tests add variants, the records the model gets, a real LibreOffice round trip and
the command line's ``validate --json`` (in this process: see tests/clitools.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import realtools
import wbfactory
from clitools import call
from wbfactory import Formula, Link

from reports.model.model import Model
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate


def check(tmp_path, data, name="book.xlsx"):
    return validate(read_workbook(wbfactory.write(tmp_path / name, data)))


def found(result, code):
    return [(p.severity, p.sheet, p.cell) for p in result.problems if p.code == code]


def cli_validate(path: Path) -> tuple[int, list[dict]]:
    proc = call("validate", "--workbook", str(path), "--json")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


# -- numbers typed as ids ------------------------------------------------------------------

@pytest.mark.parametrize("key,cited", [
    (12345, 12345),  # a number cited as a number
    (12345, "12345"),  # ... and as text
    (12345, "s1; 12345"),  # ... inside a list
    ("12345", 12345),  # text cited as a number
    (123456789012, "123456789012, s1"),  # 12 digits
    (2**53 - 1, 2**53 - 1),  # the largest whole number Excel's doubles keep exactly
    ("007", "007"),  # leading zeros stored as text stay
])
def test_numbers_in_id_and_list_cells_are_the_same_id(tmp_path, key, cited):
    data = wbfactory.sheets()
    data["Sources"].append([key, "NHK", "Numbered", "", date(2019, 11, 22), "news"])
    data["Events"][1][8] = cited
    result = check(tmp_path, data)
    assert result.errors == [], [str(p) for p in result.errors]
    model = Model.from_records(result.records)
    text = str(key)
    assert text in model.sources
    assert text in model.events[0].sources
    assert model.known_sources(model.events[0].sources, date(2019, 11, 29))


def test_numbers_in_ref_and_enum_columns(tmp_path):
    data = wbfactory.sheets()
    data["Actors"].append([4242, "Agent", "", "KOR", "person", ""])
    data["Positions"].append([4242, "gsomia", date(2019, 11, 22), "neutral", "Waits.", "",
                              "s1"])
    data["Events"][2][5] = "4242; moon-jae-in"
    for row, value in zip(data["Sources"], ["credibility", 2], strict=True):
        row.append(value)
    result = check(tmp_path, data)
    assert result.errors == [], [str(p) for p in result.errors]
    model = Model.from_records(result.records)
    assert model.actors["4242"].name == "Agent"
    assert model.sources["s1"].credibility == "2"
    assert ("4242", "gsomia") in model.current_stances(date(2019, 11, 29))


@pytest.mark.parametrize("value", [2**53 + 1, 10**17, -(2**60)])
def test_ids_too_long_for_excel_are_named(tmp_path, value):
    data = wbfactory.sheets()
    data["Sources"].append([value, "NHK", "Too long", "", None, "news"])
    result = check(tmp_path, data)
    assert found(result, "bad-id") == [("error", "Sources", "A3")]
    assert "too long for Excel" in result.errors[0].message


@pytest.mark.parametrize("sheet,row,col,code,cell", [
    ("Events", 1, 0, "bad-id", "A2"),  # an event_id
    ("Actors", 1, 0, "bad-id", "A2"),  # an actor_id (slug)
    ("Events", 1, 7, "bad-number", "H2"),  # significance: TRUE is not 1
    ("Events", 1, 8, "unknown-ref", "I2"),  # a list of source ids
    ("Positions", 1, 1, "unknown-ref", "B2"),  # an issue_id
])
def test_booleans_are_neither_numbers_nor_ids(tmp_path, sheet, row, col, code, cell):
    data = wbfactory.sheets()
    data[sheet][row][col] = True
    result = check(tmp_path, data)
    assert (sheet, cell) in [(p.sheet, p.cell) for p in result.errors if p.code == code]
    assert "TRUE" in " ".join(p.message for p in result.errors)


# -- formulas without a saved value ----------------------------------------------------------

@pytest.mark.parametrize("sheet,row,col,severity,cell", [
    ("Events", 2, 2, "error", "C3"),  # title: required
    ("Positions", 1, 2, "error", "C2"),  # as_of: required
    ("Actors", 1, 1, "error", "B2"),  # name: required
    ("Events", 1, 7, "warning", "H2"),  # significance: optional
    ("Actors", 1, 5, "warning", "F2"),  # title: optional
])
def test_formula_without_value_is_named_never_blank(tmp_path, sheet, row, col, severity,
                                                     cell):
    data = wbfactory.sheets()
    data[sheet][row][col] = Formula('=UPPER("x")')
    result = check(tmp_path, data)
    assert found(result, "formula-no-value") == [(severity, sheet, cell)]
    assert found(result, "missing-value") == []
    problem = next(p for p in result.problems if p.code == "formula-no-value")
    assert '=UPPER("x")' in problem.message and "open the file in Excel" in problem.message


def test_formula_in_an_extra_column_is_a_warning(tmp_path):
    data = wbfactory.sheets()
    data["Events"][0].append("Desk note")
    data["Events"][1].append(Formula("=1+1"))
    result = check(tmp_path, data)
    assert found(result, "formula-no-value") == [("warning", "Events", "J2")]


def test_a_row_of_formulas_without_values_is_not_skipped_silently(tmp_path):
    data = wbfactory.sheets()
    data["Issues"].append([Formula('="x"'), Formula('="y"'), Formula('="z"')])
    result = check(tmp_path, data)
    assert {p.cell for p in result.errors if p.code == "formula-no-value"} == {
        "A3", "B3", "C3"}


@pytest.mark.needs_tool("libreoffice")
def test_formulas_saved_by_libreoffice_read_their_values(tmp_path):
    """openpyxl writes formulas without values; after LibreOffice saves the file they
    are computed and stored, and read (through the command line)."""
    data = wbfactory.sheets()
    data["Events"][2][2] = Formula('=UPPER("seoul suspends its notice")')
    data["Events"][2][7] = Formula("=2+3")
    data["Sources"][1][3] = Formula('=HYPERLINK("https://example.org/kyodo","Kyodo")')
    data["Positions"][2][2] = Formula("=DATE(2019,11,22)")
    original = wbfactory.write(tmp_path / "formulas.xlsx", data)
    code, problems = cli_validate(original)
    assert code == 1
    assert {(p["sheet"], p["cell"]) for p in problems if p["code"] == "formula-no-value"} \
        == {("Events", "C3"), ("Events", "H3"), ("Positions", "C3")}
    saved = realtools.libreoffice_convert(original, "xlsx", tmp_path / "saved")[0]
    code, problems = cli_validate(saved)
    # =DATE() gives a number: without a date format on the cell it is named as such
    assert code == 1
    assert [(p["sheet"], p["cell"], p["code"]) for p in problems] == [
        ("Positions", "C3", "bad-date")]
    assert problems[0]["message"].startswith("43791 is a number, not a date")
    records = validate(read_workbook(saved)).records
    event = records["Events"][1]
    assert (event["title"], event["significance"]) == ("SEOUL SUSPENDS ITS NOTICE", 5)
    assert records["Sources"][0]["url"] == "https://example.org/kyodo"


# -- hyperlinks --------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    Link("Kyodo article", "https://example.org/kyodo"),  # the text is no address
    Link("https://example.org/old", "https://example.org/kyodo"),  # the address wins
    Formula('=HYPERLINK("https://example.org/kyodo","Kyodo")'),
    Formula('=hyperlink( "https://example.org/kyodo" , "Kyodo")'),
])
def test_a_url_cell_is_read_by_its_address(tmp_path, cell):
    data = wbfactory.sheets()
    data["Sources"][1][3] = cell
    result = check(tmp_path, data)
    assert result.errors == [], [str(p) for p in result.errors]
    assert Model.from_records(result.records).sources["s1"].url == "https://example.org/kyodo"


def test_a_link_to_a_non_web_address_is_named(tmp_path):
    data = wbfactory.sheets()
    data["Sources"][1][3] = Link("Kyodo", "file:///c:/secret.docx")
    result = check(tmp_path, data)
    assert found(result, "bad-url") == [("error", "Sources", "D2")]
    assert "file:///c:/secret.docx" in result.errors[0].message


def test_links_outside_url_columns_keep_their_text(tmp_path):
    data = wbfactory.sheets()
    data["Sources"][1][2] = Link("Seoul reverses course", "https://example.org/kyodo")
    result = check(tmp_path, data)
    assert Model.from_records(result.records).sources["s1"].title == "Seoul reverses course"


# -- headers that nearly match -------------------------------------------------------------------

@pytest.mark.parametrize("sheet,col,header,column", [
    ("Positions", 3, "Stances", "stance"),
    ("Events", 0, "Event-ID", "event_id"),
    ("Events", 0, "event id.", "event_id"),
    ("Positions", 0, "Actor", "actor_id"),
    ("Sources", 2, "Titel", "title"),
    ("Issues", 2, "Questions", "question"),
])
def test_a_header_nearly_matching_a_required_column_is_named(tmp_path, sheet, col, header,
                                                             column):
    data = wbfactory.sheets()
    data[sheet][0][col] = header
    result = check(tmp_path, data)
    letter = "ABCDEFGH"[col]
    problem = next(p for p in result.errors if p.code == "missing-column")
    assert (problem.sheet, problem.cell, problem.column) == (sheet, f"{letter}1", column)
    assert problem.message.endswith(
        f'{sheet}!{letter}1 "{header}" is probably the column "{column}": rename it')


def test_unrelated_extra_headers_are_not_suggested(tmp_path):
    data = wbfactory.sheets()
    for row in data["Positions"]:
        del row[3]  # stance
    data["Positions"][0].append("Desk note")
    result = check(tmp_path, data)
    problem = next(p for p in result.errors if p.code == "missing-column")
    assert problem.cell is None and "probably" not in problem.message


def test_a_misnamed_optional_column_is_a_warning(tmp_path):
    data = wbfactory.sheets()
    data["Positions"][0].append("Confidance")
    for row in data["Positions"][1:]:
        row.append("high")
    result = check(tmp_path, data)
    assert result.errors == []
    assert found(result, "misnamed-column") == [("warning", "Positions", "H1")]


# -- the command line, several classes at once --------------------------------------------------

def test_command_line_names_every_cell(tmp_path):
    data = wbfactory.sheets()
    data["Events"][2][2] = Formula("=A3")
    data["Sources"].append([2**53 + 1, "NHK", "Too long", "", None, "news"])
    data["Positions"][0][3] = "Stances"
    data["Sources"][1][3] = Link("Kyodo", "https://example.org/k")
    data["Events"][1][8] = 1.0  # a number citing no known source
    code, problems = cli_validate(wbfactory.write(tmp_path / "several.xlsx", data))
    assert code == 1
    errors = {(p["sheet"], p["cell"], p["code"]) for p in problems if p["severity"] == "error"}
    assert errors == {("Events", "C3", "formula-no-value"), ("Sources", "A3", "bad-id"),
                      ("Positions", "D1", "missing-column"), ("Events", "I2", "unknown-ref")}
    [ref] = [p["message"] for p in problems if p["code"] == "unknown-ref"]
    assert ref.startswith('"1" is not a source_id')
