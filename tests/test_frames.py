"""``reports.load(path)``: the validated workbook as pandas DataFrames for analysts
(docs/analysis.md), and the examples that page gives, run as an analyst pastes them."""

from __future__ import annotations

import contextlib
import io
import os
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import wbfactory

import reports
from reports.errors import WorkbookInvalid, WorkbookUnreadable
from reports.model.model import Model
from reports.workbook import contract as schema

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"


def test_one_frame_per_sheet_typed_and_indexed_by_excel_row():
    frames = reports.load(BUNDLED)
    assert list(frames) == [s.name for s in schema.ALL_SHEETS]
    events = frames["Events"]
    assert events.index.name == "row" and events.index[0] == 2
    assert list(events.columns)[:11] == list(schema.sheet("Events").column_names)
    assert str(events["date"].dtype) == "date32[day][pyarrow]"
    assert str(events["significance"].dtype) == "int64[pyarrow]"
    assert events["issues"].iloc[0] == ["gsomia"]
    assert set(events["marking"]) == {"UNCLASSIFIED"} and set(events["marking_rank"]) == {0}
    assert "evidence" in events.columns  # the bundled workbook's extra column
    recent = events[events["date"] >= date(2019, 11, 22)]
    assert len(recent) and (recent["date"] >= date(2019, 11, 22)).all()


def test_the_frames_are_what_the_memos_are_built_from():
    frames = reports.load(BUNDLED)
    model = Model.from_frames(frames, {"Events": ["evidence"]})
    ids = sorted(frames["Events"]["event_id"])
    assert sorted(e.event_id for e in model.events) == ids
    first = model.events[0]
    row = frames["Events"].set_index("event_id").loc[first.event_id]
    assert (row["date"], row["title"], tuple(row["actors"])) == (first.date, first.title,
                                                                  first.actors)


def test_a_workbook_with_errors_raises_unless_asked_not_to(tmp_path):
    data = wbfactory.sheets()
    data["Events"][1][1] = "yesterday"
    path = wbfactory.write(tmp_path / "bad.xlsx", data)
    with pytest.raises(WorkbookInvalid) as raised:
        reports.load(path)
    assert [(p.sheet, p.cell, p.code) for p in raised.value.problems
            if p.severity == "error"] == [("Events", "B2", "bad-date")]
    frames = reports.load(path, strict=False)
    assert pd.isna(frames["Events"].loc[2, "date"]) and frames["Events"].loc[3, "date"] == \
        date(2019, 11, 22)


def test_a_missing_sheet_is_an_empty_frame_and_no_file_says_so(tmp_path):
    data = wbfactory.sheets()
    del data["Outlook"]
    frames = reports.load(wbfactory.write(tmp_path / "book.xlsx", data))
    assert frames["Outlook"].empty and "item" in frames["Outlook"].columns
    with pytest.raises(WorkbookUnreadable, match="does not exist"):
        reports.load(tmp_path / "nowhere.xlsx")


def test_the_desks_config_checks_markings_against_its_levels(tmp_path):
    data = wbfactory.sheets()
    data["Events"][0].append("marking")
    data["Events"][1].append("SECRET")
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    with pytest.raises(WorkbookInvalid):
        reports.load(path)  # one level only, without the desk's config
    config = tmp_path / "reports.toml"
    config.write_text('[desk]\nmarking = "UNCLASSIFIED"\n\n[markings]\n'
                      'levels = ["UNCLASSIFIED", "SECRET"]\ndefault = "UNCLASSIFIED"\n',
                      encoding="utf-8")
    frames = reports.load(path, config=config)
    assert list(frames["Events"]["marking_rank"]) == [1, 0]
    assert list(frames["Events"]["marking"]) == ["SECRET", "UNCLASSIFIED"]


def test_the_examples_of_docs_analysis_run_as_pasted():
    text = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    blocks = re.findall(r"\n\n((?:    .*\n|\n)+)", text)
    code = [re.sub(r"^    ", "", b, flags=re.MULTILINE) for b in blocks if "import" in b]
    assert len(code) == 2
    cwd = os.getcwd()
    os.chdir(ROOT)  # the page's paths are the repository's
    try:
        for snippet in code:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(snippet, "docs/analysis.md", "exec"), {})
            assert out.getvalue().strip()
    finally:
        os.chdir(cwd)
