"""The optional tradecraft columns: source grades, likelihoods, markings, estimative
language; the desk's rules given to the validator; the editor workbooks' dropdowns."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
import wbfactory
from clitools import call

from reports import tradecraft
from reports.errors import WorkbookInvalid
from reports.model.load import load
from reports.model.model import Model
from reports.workbook import contract as schema
from reports.workbook.excel import init_workbook, write_workbook
from reports.workbook.read import read_workbook
from reports.workbook.validate import Rules, validate

DESK = Rules(tradecraft.Markings(("UNCLASSIFIED", "RESTRICTED", "SECRET"), ("U", "R", "S")),
             tradecraft.UK_PHIA)


def with_column(data, sheet, name, *values):
    data[sheet][0].append(name)
    for row, value in zip(data[sheet][1:], values, strict=False):
        row.append(value)
    return data


def check(tmp_path, data, rules=None):
    return validate(read_workbook(wbfactory.write(tmp_path / "book.xlsx", data)), rules)


def problems(result, code):
    return [(p.severity, p.sheet, p.cell) for p in result.problems if p.code == code]


def test_a_workbook_without_the_columns_reads_as_before(tmp_path):
    result = check(tmp_path, wbfactory.sheets())
    assert result.problems == []
    model = Model.from_records(result.records)
    assert model.sources["s1"].grade == "" and model.sources["s1"].reliability is None
    assert {r.marking_rank for r in [*model.events, *model.positions]} == {0}
    assert model.assessment_items[0].likelihood is None


# -- grades --------------------------------------------------------------------------------

@pytest.mark.parametrize("reliability,credibility,grade", [
    ("B", "2", "B2"), ("b", 2, "B2"), (" a ", 1.0, "A1"), ("F", "6", "F6"), ("C", None, "C"),
    (None, 3, "3"),
])
def test_grades_are_read_in_any_case_and_as_numbers(tmp_path, reliability, credibility,
                                                    grade):
    data = with_column(wbfactory.sheets(), "Sources", "reliability", reliability)
    with_column(data, "Sources", "credibility", credibility)
    result = check(tmp_path, data)
    assert result.errors == [], [str(p) for p in result.errors]
    source = Model.from_records(result.records).sources["s1"]
    assert source.grade == grade


@pytest.mark.parametrize("column,value", [("reliability", "G"), ("reliability", "AB"),
                                          ("reliability", 1), ("credibility", 7),
                                          ("credibility", "B"), ("credibility", 2.5)])
def test_a_bad_grade_names_the_cell_and_the_allowed_values(tmp_path, column, value):
    data = with_column(wbfactory.sheets(), "Sources", column, value)
    result = check(tmp_path, data)
    assert problems(result, "bad-grade") == [("error", "Sources", "G2")]
    message = result.errors[0].message
    assert ("A completely reliable" if column == "reliability" else "1 confirmed") in message


# -- likelihoods ---------------------------------------------------------------------------

@pytest.mark.parametrize("sheet,value,term", [
    ("Assessments", "likely", "likely"), ("Assessments", "Probable", "likely"),
    ("Assessments", "  very   UNLIKELY ", "very unlikely"),
    ("Outlook", "remote", "almost no chance"),
    ("Outlook", "nearly certain", "almost certain"),
])
def test_likelihood_is_a_term_of_the_yardstick(tmp_path, sheet, value, term):
    data = with_column(wbfactory.sheets(), sheet, "likelihood", value)
    result = check(tmp_path, data)
    assert result.errors == [], [str(p) for p in result.errors]
    model = Model.from_records(result.records)
    item = (model.assessment_items if sheet == "Assessments" else model.outlook_items)[0]
    assert item.likelihood == term


@pytest.mark.parametrize("rules,value", [(None, "maybe"), (None, "realistic possibility"),
                                         (DESK, "roughly even chance"), (DESK, 55)])
def test_a_likelihood_outside_the_yardstick_names_the_cell(tmp_path, rules, value):
    data = with_column(wbfactory.sheets(), "Assessments", "likelihood", value)
    result = check(tmp_path, data, rules)
    assert problems(result, "bad-likelihood") == [("error", "Assessments", "F2")]
    terms = (rules or Rules()).yardstick.terms
    assert ", ".join(t.term for t in terms) in result.errors[0].message


def test_the_desks_yardstick_is_used(tmp_path):
    data = with_column(wbfactory.sheets(), "Assessments", "likelihood", "realistic possibility")
    result = check(tmp_path, data, DESK)
    assert result.errors == []
    assert result.records["Assessments"][0]["likelihood"] == "realistic possibility"


# -- markings ------------------------------------------------------------------------------

@pytest.mark.parametrize("value,rank", [("SECRET", 2), ("secret", 2), ("(S)", 2), ("r", 1),
                                        (" Restricted ", 1), (None, 0), ("U", 0)])
def test_markings_rank_rows_by_the_desks_levels(tmp_path, value, rank):
    data = with_column(wbfactory.sheets(), "Events", "marking", value)
    result = check(tmp_path, data, DESK)
    assert result.errors == [], [str(p) for p in result.errors]
    assert Model.from_records(result.records).events[0].marking_rank == rank


@pytest.mark.parametrize("sheet", [s.name for s in schema.SHEETS])
def test_an_unknown_marking_is_an_error_on_every_sheet(tmp_path, sheet):
    data = wbfactory.sheets()
    letter = openpyxl.utils.get_column_letter(len(data[sheet][0]) + 1)
    with_column(data, sheet, "marking", "TOP SECRET")
    result = check(tmp_path, data, DESK)
    assert problems(result, "bad-marking") == [("error", sheet, f"{letter}2")]
    assert "UNCLASSIFIED, RESTRICTED, SECRET" in result.errors[0].message


@pytest.mark.parametrize("typed,meant", [
    ("RESTRICTD", "RESTRICTED"), ("secrett", "SECRET"), ("Unclasified", "UNCLASSIFIED")])
def test_a_misspelt_marking_is_named_with_the_level_meant(tmp_path, typed, meant):
    data = with_column(wbfactory.sheets(), "Events", "marking", typed)
    result = check(tmp_path, data, DESK)
    (problem,) = [p for p in result.errors if p.code == "bad-marking"]
    assert f'did you mean "{meant}"?' in problem.message


def test_the_default_scheme_has_one_level(tmp_path):
    data = with_column(wbfactory.sheets(), "Issues", "marking", "SECRET")
    assert problems(check(tmp_path, data), "bad-marking") == [("error", "Issues", "E2")]
    data = with_column(wbfactory.sheets(), "Issues", "marking", "unclassified")
    assert check(tmp_path, data).problems == []


def test_load_takes_the_desks_rules(tmp_path):
    from reports.config.load import load_config

    data = with_column(wbfactory.sheets(), "Events", "marking", "RESTRICTED")
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    with pytest.raises(WorkbookInvalid):
        load(path)
    config = tmp_path / "reports.toml"
    config.write_text('[markings]\nlevels = ["UNCLASSIFIED", "RESTRICTED", "SECRET"]\n'
                      'portions = ["U", "R", "S"]\n', encoding="utf-8")
    assert load(path, load_config(config)).model.events[0].marking_rank == 1


# -- estimative language -------------------------------------------------------------------

@pytest.mark.parametrize("sheet,cell,text,expected", [
    ("Assessments", "C2", "Seoul will probably extend it. It is possible it bends.",
     ["'possible'"]),
    ("Assessments", "C2", "A deal is likely, and we have high confidence in it.",
     ["confidence level in one sentence"]),
    ("Assessments", "C2", "A deal is a realistic possibility.", ["UK probability yardstick"]),
    ("Outlook", "B2", "Talks will perhaps resume.", ["'perhaps'"]),
])
def test_estimative_language_outside_the_yardstick_is_a_warning(tmp_path, sheet, cell, text,
                                                                  expected):
    data = wbfactory.sheets()
    data[sheet][1][2 if sheet == "Assessments" else 1] = text
    result = check(tmp_path, data)
    assert result.errors == []
    found = [p for p in result.warnings if p.code == "estimative-language"]
    assert {(p.sheet, p.cell) for p in found} == {(sheet, cell)}
    assert all(any(e in p.message for p in found) for e in expected)


def test_the_uk_yardstick_accepts_its_own_terms(tmp_path):
    data = wbfactory.sheets()
    data["Assessments"][1][2] = "A deal is a realistic possibility."
    assert check(tmp_path, data, DESK).problems == []


def test_command_line_reports_tradecraft_problems(tmp_path):
    data = with_column(wbfactory.sheets(), "Sources", "reliability", "G")
    with_column(data, "Assessments", "likelihood", "maybe")
    with_column(data, "Events", "marking", "SECRET")
    data["Outlook"][1][1] = "Talks will perhaps resume."
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    proc = call("validate", "--workbook", str(path), "--json")
    assert proc.returncode == 1, proc.stderr
    found = {(p["sheet"], p["cell"], p["code"]) for p in json.loads(proc.stdout)}
    assert found == {("Sources", "G2", "bad-grade"), ("Assessments", "F2", "bad-likelihood"),
                     ("Events", "J2", "bad-marking"), ("Outlook", "B2", "estimative-language")}


# -- the editor workbooks ------------------------------------------------------------------

def dropdown(ws, column: str):
    idx = [c.value for c in ws[1]].index(column)
    letter = openpyxl.utils.get_column_letter(idx + 1)
    (dv,) = [dv for dv in ws.data_validations.dataValidation
             if any(str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges)]
    return dv


def test_init_offers_dropdowns_for_the_new_columns(tmp_path):
    wb = openpyxl.load_workbook(init_workbook(tmp_path / "new.xlsx"))
    assert dropdown(wb["Sources"], "reliability").formula1 == '"A,B,C,D,E,F"'
    assert dropdown(wb["Sources"], "credibility").formula1 == '"1,2,3,4,5,6"'
    terms = ",".join(t.term for t in tradecraft.ICD203.terms)
    for sheet in ("Assessments", "Outlook"):
        assert dropdown(wb[sheet], "likelihood").formula1 == f'"{terms}"'
    for spec in schema.SHEETS:
        assert dropdown(wb[spec.name], "marking").formula1 == '"UNCLASSIFIED"'
    assert dropdown(wb["Sources"], "reliability").errorStyle == "stop"
    guide = {(r[0], r[1]): r for r in wb["Guide"].iter_rows(values_only=True)}
    assert "B (usually reliable)" in guide[("Sources", "reliability")][3]
    assert "2 (probably true)" in guide[("Sources", "credibility")][3]
    assert guide[("Sources", "credibility")][4] == "2"
    assert "very unlikely 5-20%" in guide[("Assessments", "likelihood")][3]
    assert guide[("Assessments", "likelihood")][4] == "likely"
    assert "Allowed: UNCLASSIFIED" in guide[("Events", "marking")][3]


def test_init_from_the_command_line_takes_the_desks_rules(tmp_path):
    config = tmp_path / "reports.toml"
    config.write_text('[desk]\nyardstick = "uk"\n[markings]\n'
                      'levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]\n', encoding="utf-8")
    path = tmp_path / "new.xlsx"
    proc = call("init", str(path), "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(path)
    assert dropdown(wb["Events"], "marking").formula1 == '"OFFICIAL,OFFICIAL-SENSITIVE,SECRET"'
    assert "realistic possibility" in dropdown(wb["Outlook"], "likelihood").formula1


def test_editor_dropdowns_follow_the_desks_rules(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "desk.xlsx", {}, rules=DESK))
    assert dropdown(wb["Events"], "marking").formula1 == '"UNCLASSIFIED,RESTRICTED,SECRET"'
    assert "realistic possibility" in dropdown(wb["Outlook"], "likelihood").formula1


def test_written_tradecraft_rows_read_back(tmp_path):
    rows = {"Sources": [{"source_id": "s1", "outlet": "NHK", "title": "T",
                         "reliability": "B", "credibility": "2", "marking": "RESTRICTED"}],
            "Events": [{"event_id": "e1", "date": date(2019, 11, 22), "title": "T",
                        "category": "other", "sources": ["s1"], "marking": "SECRET"}],
            "Assessments": [{"as_of": date(2019, 11, 22), "judgment": "A deal is likely.",
                             "likelihood": "likely", "sources": ["s1"]}]}
    path = write_workbook(tmp_path / "rows.xlsx", rows, rules=DESK)
    result = validate(read_workbook(path), DESK)
    assert result.errors == []
    model = Model.from_records(result.records)
    assert (model.sources["s1"].grade, model.sources["s1"].marking_rank) == ("B2", 1)
    assert model.events[0].marking_rank == 2
    assert model.assessment_items[0].likelihood == "likely"
