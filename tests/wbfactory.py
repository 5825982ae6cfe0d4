"""Small contract workbooks made in tests: a valid base, mutated one defect at a time.

``BASE`` is the one set of base rows: the tests mutate copies of it and
``scripts/make_broken_corpus.py`` builds every corpus file from it. Sheet order fixes the
part names (Actors is ``xl/worksheets/sheet1.xml``, Issues ``sheet2`` ...).

Cell values are written as they are, text always as text (``"=1+1"`` stays four
characters), except two markers: :class:`Formula` (a real formula, with no saved value,
as openpyxl and many exporters write it) and :class:`Link` (a cell whose text links to
an address).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook

BASE: dict[str, list[list]] = {
    "Actors": [
        ["actor_id", "name", "native_name", "country", "kind", "title"],
        ["moon-jae-in", "Moon Jae-in", "문재인", "KOR", "person", "President"],
        ["shinzo-abe", "Shinzo Abe", "安倍晋三", "JPN", "person", "Prime Minister"],
    ],
    "Issues": [
        ["issue_id", "name", "question", "status"],
        ["gsomia", "GSOMIA renewal", "Should the GSOMIA stay in force?", "active"],
    ],
    "Events": [
        ["event_id", "date", "title", "summary", "category", "actors", "issues",
         "significance", "sources"],
        ["e1", date(2019, 8, 22), "Seoul says it will scrap GSOMIA", "", "decision",
         "moon-jae-in", "gsomia", 4, "s1"],
        ["e2", date(2019, 11, 22), "Seoul suspends its notice", "", "decision",
         "moon-jae-in; shinzo-abe", "gsomia", 5, "s1"],
    ],
    "Positions": [
        ["actor_id", "issue_id", "as_of", "stance", "summary", "quote", "sources"],
        ["moon-jae-in", "gsomia", date(2019, 8, 22), "opposes", "Scrap it.", "", "s1"],
        ["moon-jae-in", "gsomia", date(2019, 11, 22), "conditional", "Keep it for now.", "",
         "s1"],
        ["shinzo-abe", "gsomia", date(2019, 11, 22), "supports", "Keep it.", "", "s1"],
    ],
    "Sources": [
        ["source_id", "outlet", "title", "url", "published", "kind"],
        ["s1", "Kyodo News", "Seoul reverses course", "https://example.org/a",
         date(2019, 11, 22), "news"],
    ],
    "Outlook": [
        ["date", "item", "issues", "status", "sources"],
        [date(2019, 12, 24), "Trilateral summit", "gsomia", "scheduled", "s1"],
    ],
    "Assessments": [
        ["as_of", "issue_id", "judgment", "author", "sources"],
        [date(2019, 11, 25), "", "The extension buys time.", "Desk", "s1"],
    ],
}


@dataclass(frozen=True)
class Formula:
    """A formula cell (``"=A2*3"``), written without a saved value."""

    text: str


@dataclass(frozen=True)
class Link:
    """A cell showing ``text`` that links to ``address``."""

    text: str
    address: str


def sheets() -> dict[str, list[list]]:
    """A deep copy of the valid base workbook, to mutate."""
    return copy.deepcopy(BASE)


def workbook(data: dict[str, list[list]] | None = None) -> Workbook:
    """``data`` (sheet -> rows) as an openpyxl workbook."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (data if data is not None else BASE).items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                if isinstance(value, Formula):
                    ws.cell(row=r, column=c, value=value.text)  # openpyxl: a formula
                    continue
                text = value.text if isinstance(value, Link) else value
                cell = ws.cell(row=r, column=c, value=text)
                if isinstance(text, str):
                    cell.data_type = "s"  # "=..." stays text
                if isinstance(value, Link):
                    cell.hyperlink = value.address
    return wb


def write(path: Path, data: dict[str, list[list]] | None = None) -> Path:
    """Write ``data`` (sheet -> rows) to ``path``."""
    workbook(data).save(path)
    return path
