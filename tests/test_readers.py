"""The two cell readers agree: wherever the columnar reader (fastexcel) takes a sheet, it
gives the same values as the exact reader (python-calamine) would, so a message or a
record never depends on which one read the sheet."""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import wbfactory

from reports.workbook.grid import Readers
from reports.workbook.package import scan_sheet, sheet_parts

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "broken"
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"


def _same(value):
    """Values as both readers mean them: "" is blank, a date at midnight is the date."""
    if value == "":
        return None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def compare(path: Path) -> int:
    """Compare both readers on every sheet of ``path``; the number the fast one took."""
    data = path.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = sheet_parts(archive)
    taken = 0
    for title in Readers(data, columnar=True).sheet_names():
        notes = scan_sheet(archive, parts.get(title))
        readers = Readers(data, columnar=True)
        fast = readers._columnar(title) if notes.first_value == "A1" else None
        if fast is None:
            continue
        exact = readers._row_by_row(title)
        assert fast.header == exact.header, (path.name, title)
        for name, a, b in zip(fast.header, fast.columns, exact.columns, strict=True):
            assert [_same(v) for v in a] == [_same(v) for v in b], (path.name, title, name)
        taken += 1
    return taken


READABLE = sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm")
                  and p.name.startswith("ok_") or p.name.split("_")[0] in (
                      "bad", "dangling", "date", "duplicate", "enum", "formula", "missing",
                      "near", "significance", "title", "url", "whitespace", "banner",
                      "merged", "stray", "two"))


@pytest.mark.parametrize("path", READABLE, ids=[p.name for p in READABLE])
def test_readers_agree_on_the_corpus(path):
    compare(path)


def test_the_columnar_reader_takes_regular_sheets(tmp_path):
    path = wbfactory.write(tmp_path / "base.xlsx")
    assert compare(path) == len(wbfactory.BASE)


def test_readers_agree_on_a_generated_workbook(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = generate.write_xlsx(tmp_path / "gen.xlsx", generate.records(400, seed=7))
    assert compare(path) == 8  # the Guide sheet too


@pytest.mark.skipif(not BUNDLED.exists(), reason="no bundled workbook")
def test_readers_agree_on_the_bundled_workbook():
    assert compare(BUNDLED) >= 5


@pytest.mark.parametrize("values", [
    [date(2019, 1, 1), "2019-01-02"],  # dates and text: mixed
    [1.0, "s1"],
    [True, 1.0],
    [datetime(2019, 1, 1, 10, 30), date(2019, 1, 2)],
    [date(1900, 1, 15), date(2019, 1, 1)],  # before March 1900: read exactly
])
def test_mixed_or_odd_columns_read_exactly_and_alike(tmp_path, values):
    data = {"Sheet": [["a", "b"]] + [[v, "x"] for v in values]}
    path = wbfactory.write(tmp_path / "odd.xlsx", data)
    compare(path)


def test_small_workbooks_are_read_exactly_and_large_ones_by_columns(tmp_path):
    """The columnar reader is opened only for a file large enough to be worth it."""
    from reports.workbook.grid import COLUMNAR_FROM_BYTES

    small = wbfactory.write(tmp_path / "small.xlsx").read_bytes()
    assert len(small) < COLUMNAR_FROM_BYTES
    assert Readers(small).fast() is None
    assert Readers(small, columnar=True).fast() is not None
    assert Readers(small + b"\0" * COLUMNAR_FROM_BYTES).fast() is not None
