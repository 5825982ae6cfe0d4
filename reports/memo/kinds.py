"""The memo kinds and output formats the toolkit knows, named once.

Light on purpose (no heavy imports): the command line, the config loader and the memo
builders all read these lists.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMO_KINDS = ("overview", "weekly", "issue", "actor")
FORMATS = ("docx", "html", "pdf")
DEFAULT_TITLES = {"overview": "Overview", "weekly": "Weekly update", "issue": "Issue brief",
                  "actor": "Actor profile"}


@dataclass(frozen=True)
class Budget:
    """How much a memo may hold: a briefing is read in minutes, whatever the workbook's size.

    ``page_budget`` is the body's length in A4 pages as LibreOffice lays out the .docx
    (before any annex); the ``max_*`` caps choose what the body shows (the rules are in
    ``reports.memo.selection``) and the memo says what it left out; every annex lists at most
    ``annex_rows`` rows. ``reports.toml`` states these per kind (``[budgets.<kind>]``)
    and per memo; the values here are the defaults when it does not.
    """

    page_budget: int = 4
    max_events: int = 12
    max_actors: int = 8
    max_issues: int = 8
    max_shifts: int = 8
    max_outlook: int = 6
    max_assessments: int = 3
    annex_rows: int = 200


DEFAULT_BUDGETS = {
    "overview": Budget(max_events=8, max_actors=8, max_issues=5, max_shifts=5, max_outlook=3),
    "weekly": Budget(max_events=5, max_actors=8, max_issues=5, max_shifts=5, max_outlook=4),
    "issue": Budget(max_events=5, max_actors=5, max_shifts=5, max_outlook=4,
                    max_assessments=2),
    "actor": Budget(page_budget=3, max_events=4, max_issues=4, max_shifts=3, max_outlook=4),
}
