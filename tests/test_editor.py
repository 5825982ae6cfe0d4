"""The editor workbook (``init``, reports.workbook.excel) and ``validate --annotate``
(reports.workbook.annotate)."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import realtools

from reports.errors import ConfigError
from reports.problems import ERROR, WARNING, Problem
from reports.workbook import contract as schema
from reports.workbook.annotate import annotate
from reports.workbook.excel import init_workbook, write_workbook
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"

ROWS: dict[str, list[dict]] = {
    "Actors": [
        {"actor_id": "moon-jae-in", "name": "Moon Jae-in", "native_name": "문재인",
         "country": "KOR", "kind": "person", "title": "President", "sources": ["kyodo"]},
        {"actor_id": "shinzo-abe", "name": "Shinzo Abe", "native_name": "安倍晋三",
         "country": "JPN", "kind": "person", "title": "Prime Minister"},
    ],
    "Issues": [
        {"issue_id": "gsomia", "name": "GSOMIA renewal",
         "question": "Should the Japan-ROK GSOMIA stay in force?", "status": "active"},
    ],
    "Events": [
        {"event_id": "2019-11-22-reversal", "date": date(2019, 11, 22),
         "title": "Seoul suspends its notice to end GSOMIA",
         "summary": "Six hours before expiry.\nConditional.", "category": "decision",
         "actors": ["moon-jae-in", "shinzo-abe"], "issues": ["gsomia"], "significance": 5,
         "sources": ["kyodo"], "evidence": "South Korea reversed its decision"},
        {"event_id": "2019-08-22-notice", "date": "2019-08-22",
         "title": "Seoul decides to end GSOMIA", "category": "decision",
         "actors": ["moon-jae-in"], "issues": ["gsomia"], "significance": "4",
         "sources": ["kyodo"]},
    ],
    "Positions": [
        {"actor_id": "moon-jae-in", "issue_id": "gsomia", "as_of": "2019-11-19",
         "stance": "conditional", "summary": "Will seek to avoid expiry.", "sources": ["kyodo"]},
        {"actor_id": "shinzo-abe", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
         "stance": "supports", "summary": "Welcomes the decision.", "sources": ["kyodo"],
         "confidence": "high"},
    ],
    "Sources": [
        {"source_id": "kyodo", "outlet": "Kyodo News",
         "title": "South Korea reverses decision to terminate intel-sharing pact",
         "url": "https://example.org/kyodo", "published": date(2019, 11, 22), "kind": "news"},
    ],
    "Outlook": [
        {"date": date(2019, 12, 24), "item": "Trilateral summit in Chengdu",
         "issues": ["gsomia"], "actors": ["moon-jae-in", "shinzo-abe"], "status": "scheduled",
         "sources": ["kyodo"]},
    ],
    "Assessments": [
        {"as_of": date(2019, 11, 25), "issue_id": "gsomia",
         "judgment": "The extension buys time but settles nothing.", "confidence": "medium",
         "author": "Desk analyst", "sources": ["kyodo"]},
    ],
}


def rows() -> dict[str, list[dict]]:
    return copy.deepcopy(ROWS)


def header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def letter(sheet: str, column: str) -> str:
    return openpyxl.utils.get_column_letter(schema.sheet(sheet).column_names.index(column) + 1)


def validations(ws, col_letter: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation
            if any(str(rng).startswith(f"{col_letter}2:") for rng in dv.sqref.ranges)]


# -- init ---------------------------------------------------------------------------------

def test_init_workbook_has_no_problems(tmp_path: Path) -> None:
    path = init_workbook(tmp_path / "new.xlsx")
    result = validate(read_workbook(path))
    assert result.problems == []
    assert set(read_workbook(path).sheets) == {s.name for s in schema.SHEETS}


def test_init_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "taken.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(ConfigError, match="already exists"):
        init_workbook(path)
    assert path.read_bytes() == b"precious"
    write_workbook(path, None, overwrite=True)  # only an explicit overwrite replaces it
    assert path.read_bytes().startswith(b"PK")


def test_rows_round_trip_without_problems(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "rows.xlsx", rows())
    result = validate(read_workbook(path))
    assert result.problems == []
    event = result.records["Events"][0]
    assert event["actors"] == ("moon-jae-in", "shinzo-abe")
    assert event["summary"] == "Six hours before expiry.\nConditional."
    assert event["extra"] == {"evidence": "South Korea reversed its decision"}
    second = result.records["Events"][1]
    assert second["date"] == date(2019, 8, 22) and second["significance"] == 4
    assert result.records["Actors"][0]["native_name"] == "문재인"
    assert result.records["Actors"][0]["extra"] == {"sources": "kyodo"}


# -- what staff see -----------------------------------------------------------------------

def test_workbook_layout(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", rows()))
    assert wb.sheetnames == ["Guide"] + [s.name for s in schema.SHEETS]

    guide_cells = [(r[0], r[1]) for r in wb["Guide"].iter_rows(values_only=True)]
    for spec in schema.SHEETS:
        for col in spec.columns:
            assert (spec.name, col.name) in guide_cells, f"Guide lacks {spec.name}.{col.name}"
    guide_text = " ".join(str(v) for r in wb["Guide"].iter_rows(values_only=True)
                          for v in r if v)
    assert "run_reports.py validate" in guide_text
    assert wb["Guide"].freeze_panes is not None

    for spec in schema.SHEETS:
        ws = wb[spec.name]
        assert list(ws.tables) == [spec.name], spec.name
        table = ws.tables[spec.name]
        assert table.tableStyleInfo.name.startswith("TableStyleMedium")
        assert table.ref.startswith("A1:")
        assert ws.freeze_panes == "A2"
        assert header(ws)[: len(spec.columns)] == list(spec.column_names)
        assert all(c.font.b for c in ws[1])
        for idx, col in enumerate(spec.columns, start=1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(idx)].width
            assert width == col.width
            if col.kind == schema.DATE:
                assert ws.cell(row=2, column=idx).number_format == "yyyy-mm-dd"
                assert ws.cell(row=1000, column=idx).number_format == "yyyy-mm-dd"

    events = wb["Events"]
    assert header(events)[-1] == "evidence"  # extra column after the contract ones
    assert events.tables["Events"].ref == f"A1:L{len(ROWS['Events']) + 1}"
    assert events["B2"].is_date and events["B2"].value.date() == date(2019, 11, 22)
    assert events["B3"].is_date  # "2019-08-22" was written as a real date
    assert events["I3"].value == 4 and events["I3"].data_type == "n"
    assert events["F2"].value == "moon-jae-in; shinzo-abe"
    assert events["D2"].alignment.wrap_text

    (category,) = validations(events, letter("Events", "category"))
    assert category.type == "list"
    assert category.formula1 == '"' + ",".join(schema.EVENT_CATEGORIES) + '"'
    assert category.showErrorMessage and category.errorStyle == "stop"
    assert category.showInputMessage and category.prompt.startswith("What kind of event")
    assert any(str(r) == "E2:E5000" for r in category.sqref.ranges)

    (actors,) = validations(events, letter("Events", "actors"))
    assert actors.formula1 == "actor_ids" and actors.errorStyle == "information"

    (actor,) = validations(wb["Positions"], letter("Positions", "actor_id"))
    assert actor.type == "list" and actor.errorStyle == "stop"
    assert wb.defined_names["actor_ids"].attr_text == "Actors!$A$2:$A$5000"
    assert actor.formula1 == "actor_ids"
    (issue,) = validations(wb["Assessments"], letter("Assessments", "issue_id"))
    assert issue.formula1 == "issue_ids"

    (country,) = validations(wb["Actors"], letter("Actors", "country"))
    assert country.errorStyle == "warning" and "KOR" in country.formula1


def test_empty_sheet_table_has_one_blank_row(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(init_workbook(tmp_path / "new.xlsx"))
    assert wb["Outlook"].tables["Outlook"].ref == "A1:H2"
    assert wb["Events"]["B2"].number_format == "yyyy-mm-dd"


def test_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    first = write_workbook(tmp_path / "a.xlsx", rows()).read_bytes()
    second = write_workbook(tmp_path / "b.xlsx", rows()).read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "reports toolkit" in core and "2019-01-01T00:00:00Z" in core


def test_same_bytes_in_another_process(tmp_path: Path) -> None:
    """A fresh interpreter with another hash seed than this process's writes the same."""
    code = ("import sys; from reports.workbook.excel import init_workbook; "
            "init_workbook(sys.argv[1])")
    # a seed other than this process's (random, unless PYTHONHASHSEED is set)
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    out = tmp_path / f"seed{seed}.xlsx"
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, check=True)
    assert out.read_bytes() == init_workbook(tmp_path / "here.xlsx").read_bytes()


def test_make_bundled_workbook_script(tmp_path: Path) -> None:
    data = tmp_path / "data.py"
    data.write_text("import datetime\nSHEETS = " + repr(ROWS) + "\n",
                    encoding="utf-8")
    out = tmp_path / "made.xlsx"
    out.write_bytes(b"old")  # the script replaces the workbook on purpose
    script = ROOT / "scripts" / "make_bundled_workbook.py"
    done = subprocess.run([sys.executable, str(script), "--data", str(data), "--out", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(out) in done.stdout
    assert validate(read_workbook(out)).problems == []
    assert out.read_bytes() == write_workbook(tmp_path / "direct.xlsx", rows()).read_bytes()


@pytest.mark.parametrize("text", ["=1+1", "@cmd", "+1", "-2", "=HYPERLINK(\"http://x\")"])
def test_text_is_never_a_formula(tmp_path: Path, text: str) -> None:
    data = rows()
    data["Events"][0]["title"] = text
    data["Actors"][0]["notes"] = text
    path = write_workbook(tmp_path / "inject.xlsx", data)
    assert read_workbook(path).sheets["Events"].columns["title"][0] == text
    records = validate(read_workbook(path)).records
    assert records["Events"][0]["title"] == text
    assert records["Actors"][0]["notes"] == text
    wb = openpyxl.load_workbook(path)
    cell = wb["Events"][f"{letter('Events', 'title')}2"]
    assert cell.value == text and cell.data_type == "s"
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet4.xml")
    assert b"<f>" not in sheet_xml


# -- annotate -----------------------------------------------------------------------------

def bad_workbook(tmp_path: Path) -> Path:
    data = rows()
    data["Events"][0]["date"] = "22/11/2019"
    data["Positions"][0]["actor_id"] = "moon-jaein"
    data["Events"][1]["title"] = "=1+1"
    return write_workbook(tmp_path / "bad.xlsx", data)


def comments(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.comment.text for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.comment}


def test_annotate_marks_the_problem_cells(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    problems = validate(read_workbook(source)).problems
    assert {(p.sheet, p.cell, p.code) for p in problems} == {
        ("Events", "B2", "bad-date"), ("Positions", "A2", "unknown-ref")}

    out = annotate(source, problems, tmp_path / "out" / "annotated.xlsx")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    notes = comments(out)
    assert set(notes) == {"Events!B2", "Positions!A2"}
    assert "22/11/2019" in notes["Events!B2"] and "moon-jaein" in notes["Positions!A2"]

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Problems"
    assert wb["Events"]["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["Events"]["A2"].fill.fgColor.rgb in (None, "00000000")
    assert wb["Events"]["B2"].comment.author == "validate"
    listed = list(wb["Problems"].iter_rows(values_only=True))
    assert listed[0] == ("severity", "sheet", "cell", "column", "code", "message")
    assert len(listed) == 1 + len(problems)
    assert {(r[1], r[2], r[4]) for r in listed[1:]} == {
        ("Events", "B2", "bad-date"), ("Positions", "A2", "unknown-ref")}
    link = next(c for c in wb["Problems"]["C"] if c.value == "B2").hyperlink
    assert link.location == "'Events'!B2"
    assert wb["Events"]["C3"].value == "=1+1" and wb["Events"]["C3"].data_type == "s"

    # The copy still reads as the same workbook, with the same problems.
    assert validate(read_workbook(out)).problems == problems
    # Same input, same bytes.
    again = annotate(source, problems, tmp_path / "again.xlsx")
    assert again.read_bytes() == out.read_bytes()


def test_annotate_sheet_and_column_problems(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "w.xlsx", rows())
    problems = [
        Problem(WARNING, "Events", "J2", "sources", "event-without-source", "a warning"),
        Problem(ERROR, "Events", "J2", "sources", "unknown-ref", "=SUM(1)"),
        Problem(ERROR, "Positions", None, "stance", "missing-column", "column problem"),
        Problem(ERROR, "Sources", None, "no-such-column", "missing-column", "no header"),
        Problem(ERROR, "Nowhere", None, None, "missing-sheet", "the sheet is missing"),
        Problem(WARNING, "Issues", "B3", "name", "unused-issue", "only a warning"),
    ]
    out = annotate(source, problems, tmp_path / "a.xlsx")
    notes = comments(out)
    assert set(notes) == {"Events!J2", "Positions!D1", "Sources!A1", "Issues!B3"}
    assert notes["Events!J2"].splitlines() == ["Warning: a warning", "Error: =SUM(1)"]
    wb = openpyxl.load_workbook(out)
    assert wb["Events"]["J2"].fill.fgColor.rgb.endswith("FFC7CE")  # any error: red
    assert wb["Issues"]["B3"].fill.fgColor.rgb.endswith("FFEB9C")
    messages = [r[5] for r in wb["Problems"].iter_rows(min_row=2, values_only=True)]
    assert messages == [p.message for p in problems]
    sum_cell = next(c for c in wb["Problems"]["F"] if c.value == "=SUM(1)")
    assert sum_cell.data_type == "s"


def test_annotate_replaces_an_old_problems_sheet(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path)
    problems = validate(read_workbook(source)).problems
    first = annotate(source, problems, tmp_path / "first.xlsx")
    second = annotate(first, problems[:1], tmp_path / "second.xlsx")
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count("Problems") == 1 and wb.sheetnames[0] == "Problems"
    assert wb["Problems"].max_row == 2


def test_annotate_refuses_to_write_over_the_workbook(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path)
    before = source.read_bytes()
    problems = validate(read_workbook(source)).problems
    with pytest.raises(ConfigError):
        annotate(source, problems, source)
    with pytest.raises(ConfigError):
        annotate(source, problems, tmp_path / "." / "bad.xlsx")
    assert source.read_bytes() == before


# -- real LibreOffice ---------------------------------------------------------------------

def test_libreoffice_reads_the_init_workbook(tmp_path: Path) -> None:
    path = init_workbook(tmp_path / "new.xlsx")
    sheets = realtools.libreoffice_read_xlsx(path)
    assert list(sheets) == ["Guide"] + [s.name for s in schema.SHEETS]
    assert sheets["Events"][0] == list(schema.sheet("Events").column_names)
    assert sheets["Outlook"] == [list(schema.sheet("Outlook").column_names)]
    assert sheets["Guide"][0][0] == "How to use this workbook"


def test_libreoffice_reads_written_rows(tmp_path: Path) -> None:
    data = rows()
    data["Events"][1]["title"] = "=1+1"
    path = write_workbook(tmp_path / "rows.xlsx", data)
    sheets = realtools.libreoffice_read_xlsx(path, as_shown=True)
    events = sheets["Events"]
    assert events[0][-1] == "evidence"
    assert events[1][:3] == ["2019-11-22-reversal", "2019-11-22",
                             "Seoul suspends its notice to end GSOMIA"]
    assert events[2][2] == "=1+1"  # text, not the formula's result 2
    assert sheets["Actors"][1][2] == "문재인" and sheets["Actors"][2][2] == "安倍晋三"


def test_libreoffice_reads_the_annotated_copy(tmp_path: Path) -> None:
    source = bad_workbook(tmp_path)
    problems = validate(read_workbook(source)).problems
    out = annotate(source, problems, tmp_path / "annotated.xlsx")
    sheets = realtools.libreoffice_read_xlsx(out)
    assert list(sheets)[0] == "Problems"
    assert sheets["Problems"][1][:3] == ["error", "Events", "B2"]
    assert sheets["Events"][1][1] == "22/11/2019"


@pytest.mark.skipif(not BUNDLED.exists(), reason="workbook/gsomia_relations.xlsx not made yet")
def test_libreoffice_reads_the_bundled_workbook() -> None:
    book = read_workbook(BUNDLED)
    sheets = realtools.libreoffice_read_xlsx(BUNDLED)
    assert list(sheets) == ["Guide"] + [s.name for s in schema.SHEETS]
    for spec in schema.SHEETS:
        header = sheets[spec.name][0]
        expected = [name for name in spec.column_names if name in header]
        assert header[: len(expected)] == expected, spec.name
        assert len(sheets[spec.name]) == len(book.sheets[spec.name].rows) + 1, spec.name
    names = [row[1] for row in sheets["Actors"][1:]]
    native = [row[2] for row in sheets["Actors"][1:]]
    assert names == book.sheets["Actors"].columns["name"]
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in text) for text in native), \
        "no Hangul native_name came back"
    event_ids = [row[0] for row in sheets["Events"][1:]]
    assert event_ids == book.sheets["Events"].columns["event_id"]
