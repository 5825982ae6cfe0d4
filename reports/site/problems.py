"""The workbook's problems as one user may read them: the rows of the Workbook page.

Each row is a problem ``validate`` reports (severity, sheet, cell, column, code,
message) with the cell's value as it was read and the "did you mean" apart; problems in
rows above the user's level are left out and only counted, with none of their words.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from reports.config.load import Config
from reports.problems import ERROR, Problem, cell_parts
from reports.site.access import User
from reports.site.saved import SUGGESTION_RE, SavedWorkbook
from reports.workbook.cells import shown


@dataclass(frozen=True)
class Row:
    severity: str
    sheet: str
    cell: str
    column: str
    value: str
    message: str
    suggestion: str
    code: str


@dataclass(frozen=True)
class Listing:
    workbook: str
    checked_at: object
    rows: list[Row]
    errors: int
    warnings: int
    withheld: int
    withheld_errors: int
    whole_copy: bool  # the annotated copy holds every row (else it is cut to the level)
    readable: bool
    banner: str  # the highest level of the rows whose problems are shown


def listing(saved: SavedWorkbook, user: User, config: Config) -> Listing:
    shown_problems, withheld = saved.visible(user.rank)
    ranks = [r for r in saved.ranks if r <= user.rank]
    markings = config.markings
    return Listing(
        workbook=saved.path.name, checked_at=saved.checked_at,
        rows=[_row(saved, p) for p in shown_problems],
        errors=sum(p.severity == ERROR for p in shown_problems),
        warnings=sum(p.severity != ERROR for p in shown_problems),
        withheld=len(withheld), withheld_errors=sum(p.severity == ERROR for p in withheld),
        whole_copy=user.rank >= saved.top_rank, readable=saved.data is not None,
        banner=markings.banner(ranks))


def _row(saved: SavedWorkbook, problem: Problem) -> Row:
    suggestion = ""
    message = problem.message
    found = SUGGESTION_RE.search(message)
    if found:
        suggestion = found.group(1)
        message = (message[:found.start()].rstrip(" (") + message[found.end():].lstrip(")")
                   ).strip()
    return Row(problem.severity, problem.sheet or "", problem.cell or "",
               problem.column or "", _value(saved, problem), message, suggestion,
               problem.code)


def _value(saved: SavedWorkbook, problem: Problem) -> str:
    """The problem cell's value as read ('' for a header, a sheet or the file)."""
    book = saved.book
    letters, row = cell_parts(problem.cell)
    if book is None or row <= 1 or not problem.sheet:
        return ""
    data = next((d for d in book.sheets.values() if d.title == problem.sheet), None)
    if data is None:
        return ""
    name = next((n for n, letter in data.letters.items() if letter == letters), None)
    at = bisect_left(data.rows, row)
    if name is None or name not in data.columns or at == len(data.rows) or \
            data.rows[at] != row:
        return ""
    value = data.columns[name][at]
    return "" if value is None else shown(value)
