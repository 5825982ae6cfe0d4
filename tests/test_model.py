"""The model's as-of queries: current stance, history, shifts, windows, no leaks."""

from __future__ import annotations

from datetime import date

import pytest
import wbfactory

from reports.model.model import Model
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate


@pytest.fixture
def data():
    d = wbfactory.sheets()
    d["Sources"].append(["s0", "Korea Herald", "Early report", "", date(2019, 11, 11), "news"])
    d["Sources"].append(["s-undated", "NHK", "Explainer", "", None, "news"])
    d["Positions"] += [
        ["moon-jae-in", "gsomia", date(2019, 11, 10), "conditional", "Would rethink.", "", "s0"],
        ["moon-jae-in", "gsomia", date(2019, 11, 15), "conditional", "Still difficult.", "",
         "s-undated"],
    ]
    d["Events"].append(["e0", date(2019, 11, 10), "Chung briefing", "", "statement",
                        "moon-jae-in", "gsomia", 3, "s0"])
    d["Outlook"] += [[None, "Abe-Moon meeting", "gsomia", "possible", "s-undated"],
                     [date(2019, 11, 22), "Nagoya G20", "gsomia", "possible", "s0"]]
    d["Assessments"] += [[date(2019, 11, 12), "gsomia", "Seoul may bend.", "Desk", "s0"],
                         [date(2019, 11, 12), "", "Ties at a low.", "Desk", "s0"]]
    return d


@pytest.fixture
def model(tmp_path, data):
    result = validate(read_workbook(wbfactory.write(tmp_path / "m.xlsx", data)))
    assert result.errors == []
    return Model.from_records(result.records)


def test_current_stance_is_the_latest_row_on_or_before_as_of(model):
    assert model.current_stances(date(2019, 11, 21))[("moon-jae-in", "gsomia")].as_of == date(
        2019, 11, 15)
    assert model.current_stances(date(2019, 11, 22))[("moon-jae-in", "gsomia")].stance == (
        "conditional")
    assert model.current_stances(date(2019, 8, 21)) == {}


def test_shifts_skip_restatements_and_first_positions(model):
    shifts = model.shifts(date(2019, 11, 30))
    assert [(s.before.stance, s.after.stance, s.date) for s in shifts] == [
        ("opposes", "conditional", date(2019, 11, 10))]


def test_shift_window_is_half_open(model):
    # as_of - N < d <= as_of: the shift on 10 Nov is inside (9 Nov, 22 Nov] ...
    assert len(model.shifts(date(2019, 11, 22), 13)) == 1
    # ... and outside (10 Nov, 22 Nov]
    assert model.shifts(date(2019, 11, 22), 12) == []


def test_events_window(model):
    titles = [e.title for e in model.events_between(date(2019, 11, 22), 7)]
    assert titles == ["Seoul suspends its notice"]
    assert [e.event_id for e in model.events_between(date(2019, 11, 22), 13)] == ["e0", "e2"]


def test_records_from_sources_not_yet_published_are_not_known(model):
    # e1 (22 Aug) cites only s1, published 22 Nov: on 15 Nov the desk could not know it.
    assert [e.event_id for e in model.events_between(date(2019, 11, 15))] == ["e0"]
    assert [e.event_id for e in model.events_between(date(2019, 11, 22))] == ["e1", "e0", "e2"]


def test_nothing_after_as_of_leaks(model):
    as_of = date(2019, 11, 12)
    assert all(e.date <= as_of for e in model.events_between(as_of))
    assert all(p.as_of <= as_of for p in model.current_stances(as_of).values())
    assert all(a.as_of <= as_of for a in model.assessments(as_of))
    assert all(s.date <= as_of for s in model.shifts(as_of))


def test_outlook_looks_forward_and_keeps_undated_items(model):
    items = model.outlook(date(2019, 11, 20))
    assert [o.item for o in items] == ["Nagoya G20", "Abe-Moon meeting"]
    assert [o.item for o in model.outlook(date(2019, 11, 23))] == [
        "Trilateral summit", "Abe-Moon meeting"]
    assert [o.item for o in model.outlook(date(2019, 11, 20), 1)] == ["Abe-Moon meeting"]


def test_bottom_line_is_the_latest_overall_assessments(model):
    assert [a.judgment for a in model.bottom_line(date(2019, 11, 20))] == ["Ties at a low."]
    assert [a.judgment for a in model.bottom_line(date(2019, 11, 30))] == [
        "The extension buys time."]
    assert [a.judgment for a in model.assessments(date(2019, 11, 30), issue="gsomia")] == [
        "Seoul may bend."]


def brute_force_current(model, as_of):
    best = {}
    for p in model.positions:
        if p.as_of > as_of or not model.known(p.sources, as_of):
            continue
        key = (p.actor_id, p.issue_id)
        if key not in best or p.as_of > best[key].as_of:
            best[key] = p
    return best


@pytest.mark.parametrize("day", [date(2019, 8, 22), date(2019, 11, 10), date(2019, 11, 16),
                                 date(2019, 11, 22), date(2020, 1, 1)])
def test_current_stances_equal_a_brute_force_computation(model, day):
    assert model.current_stances(day) == brute_force_current(model, day)


@pytest.fixture
def dated_apart(tmp_path, data):
    """The model, plus rows known (their source published 11 Nov) before they are dated
    (20 Nov), beside e1 and s1's rows, dated before they are known (22 Nov)."""
    data["Events"].append(["e9", date(2019, 11, 20), "Later talks", "", "statement",
                           "moon-jae-in", "gsomia", 2, "s0"])
    data["Positions"].append(["moon-jae-in", "gsomia", date(2019, 11, 20), "opposes",
                              "Back to no.", "", "s0"])
    result = validate(read_workbook(wbfactory.write(tmp_path / "d.xlsx", data)))
    assert result.errors == []
    return Model.from_records(result.records)


@pytest.mark.parametrize("day", [date(2019, 8, 22), date(2019, 11, 10), date(2019, 11, 15),
                                 date(2019, 11, 20), date(2019, 11, 22)])
def test_columns_known_on_a_day_are_the_rows_dated_and_known_by_then(dated_apart, day):
    """What an edition keeps of the Events and Positions of its day: each row dated on or
    before it and known by then (a source of it published), counted row by row."""
    model = dated_apart
    [ids, dates] = model.columns("Events", ["event_id", "date"], known_on=day)
    assert list(zip(ids, dates, strict=True)) == [
        (e.event_id, e.date) for e in model.events if e.date <= day
        and model.known(e.sources, day)]
    found = model.columns("Positions", ["actor_id", "issue_id", "as_of", "stance"],
                          known_on=day)
    assert list(zip(*found, strict=True)) == [
        (p.actor_id, p.issue_id, p.as_of, p.stance) for p in model.positions
        if p.as_of <= day and model.known(p.sources, day)]


def test_rows_dated_after_the_day_or_known_after_it_are_not_kept(dated_apart):
    [ids] = dated_apart.columns("Events", ["event_id"], known_on=date(2019, 11, 15))
    assert "e9" not in ids and "e1" not in ids and "e0" in ids  # dated after; known after
    [ids] = dated_apart.columns("Events", ["event_id"], known_on=date(2019, 11, 22))
    assert {"e0", "e1", "e9"} <= set(ids)


@pytest.mark.parametrize("sheet", ["Actors", "Issues", "Sources", "Outlook", "Assessments"])
def test_columns_known_on_a_day_are_refused_for_a_sheet_that_is_not_dated(model, sheet):
    with pytest.raises(ValueError, match=f"not {sheet}"):
        model.columns(sheet, ["marking_rank"], known_on=date(2019, 11, 22))
