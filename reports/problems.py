"""Validation problems as data: severity, sheet, cell, column, code, message."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


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


def sort_key(problem: Problem) -> tuple:
    """Errors first, then by sheet, row and column as a reader scans them."""
    row, col = 0, ""
    if problem.cell:
        letters = "".join(ch for ch in problem.cell if ch.isalpha())
        digits = "".join(ch for ch in problem.cell if ch.isdigit())
        row, col = int(digits or 0), letters.rjust(3)
    return (problem.severity != ERROR, problem.sheet or "", row, col, problem.code)
