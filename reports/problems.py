"""Validation problems as data: severity, sheet, cell, column, code, message.

Every code a workbook check may report is in :data:`CODES`; docs/workbook.md says, for
staff, what each means and what to do (a test keeps the two the same).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"

CODES = (
    # the file and its sheets
    "unreadable", "missing-sheet", "duplicate-sheet", "missing-column", "misnamed-column",
    "duplicate-column", "merged-header", "merged-cells", "empty-sheet",
    # cells
    "missing-value", "bad-date", "bad-number", "out-of-range", "bad-enum", "bad-country",
    "bad-id", "too-long", "bad-url", "bad-email", "bad-flag", "bad-grade", "bad-likelihood",
    "bad-marking", "formula-error", "formula-no-value", "estimative-language", "future-date",
    "outlier-date",
    # keys and references
    "duplicate-id", "unknown-ref", "unused-actor", "unused-issue", "unused-source",
    "event-without-source", "undated-source",
    # the Distribution sheet against the configuration
    "unknown-memo", "duplicate-recipient", "no-recipients",
)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    sheet: str | None
    cell: str | None  # "B14", or None for a whole sheet / the whole file
    column: str | None
    code: str  # stable, kebab-case: "bad-date", "unknown-ref" ...
    message: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not in reports.problems.CODES")

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            where = f"{self.sheet}!{self.cell}"
        else:
            where = self.sheet or "workbook"
        return f"{where} ({self.column})" if self.column else where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def sort_key(problem: Problem) -> tuple[bool, str, int, str, str]:
    """Errors first, then by sheet, row and column as a reader scans them."""
    row, col = 0, ""
    if problem.cell:
        letters = "".join(ch for ch in problem.cell if ch.isalpha())
        digits = "".join(ch for ch in problem.cell if ch.isdigit())
        row, col = int(digits or 0), letters.rjust(3)
    return (problem.severity != ERROR, problem.sheet or "", row, col, problem.code)
