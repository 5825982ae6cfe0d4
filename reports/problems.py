"""Problems as data, whatever they are found in: the workbook, a template or the config.

A :class:`Problem` is one record (frictionless-style): how bad (``severity``), a stable
code, the message for the person who fixes it, and where it is. Where depends on what was
checked: a workbook problem has its sheet, cell (as Excel shows it) and column; a template
problem its file, place ("body paragraph 12", "line 14") and the tag as typed; a config
problem its file and key (``memos[2].window_days``). Problems are collected into a
:class:`Report`, which keeps each once, in the order found.

Every code each checker may report is registered here (:data:`CODES` for the workbook,
:data:`TEMPLATE_CODES`, :data:`CONFIG_CODES`); docs/workbook.md, docs/templates.md and
docs/operations.md say, for staff, what each means and what to do (a test keeps the code
and the documents the same). Light: nothing but the standard library is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

ERROR: Final = "error"
WARNING: Final = "warning"
SEVERITIES: Final = (ERROR, WARNING)

# What a problem was found in.
WORKBOOK: Final = "workbook"
TEMPLATE: Final = "template"
CONFIG: Final = "config"

CODES: tuple[str, ...] = (  # the workbook's (docs/workbook.md)
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

TEMPLATE_CODES: tuple[str, ...] = (  # the templates' (docs/templates.md)
    # delimiters
    "unclosed-tag", "single-brace", "extra-brace", "stray-closer", "mismatched-delimiters",
    "unclosed-comment", "smart-quote",
    # Jinja
    "syntax", "unclosed-block", "stray-end", "end-mismatch", "misplaced-tag", "unknown-name",
    "maybe-undefined", "unknown-attribute", "unknown-filter", "unknown-test",
    "unknown-macro", "macro-arguments", "missing-macro",
    # files
    "missing-template", "unreadable",
    # the Word template
    "missing-style", "wrong-style-type", "paragraph-tag", "body-missing", "body-repeated",
    "body-tag", "body-not-alone", "body-placement", "body-in-block", "tag-not-filled",
)

CONFIG_CODES: tuple[str, ...] = (  # reports.toml's (docs/operations.md)
    "missing-file", "not-toml", "unknown-key", "removed-key", "misplaced-key", "missing-key",
    "wrong-type", "bad-choice", "out-of-range", "bad-address", "bad-value", "duplicate-id",
    "conflict", "published-place", "moved-record",
)

CODES_OF: Final[dict[str, tuple[str, ...]]] = {
    WORKBOOK: CODES, TEMPLATE: TEMPLATE_CODES, CONFIG: CONFIG_CODES}

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@dataclass(frozen=True)
class Problem:
    """One problem: severity, where, code, message.

    Built positionally for the workbook (``Problem(ERROR, "Events", "B14", "date",
    "bad-date", "...")``), with :meth:`in_template` and :meth:`in_config` for the others.
    """

    severity: str  # "error" or "warning"
    sheet: str | None  # the workbook: its sheet
    cell: str | None  # "B14", or None for a whole sheet / the whole file
    column: str | None
    code: str  # stable, kebab-case: "bad-date", "unknown-ref" ...
    message: str
    source: str = WORKBOOK  # what it was found in: workbook, template or config
    file: str | None = None  # a template or config problem: the file
    place: str | None = None  # a template: "body paragraph 12", "line 14"; config: the key
    tag: str | None = None  # a template: the tag as the editor sees it

    def __post_init__(self) -> None:
        codes = CODES_OF.get(self.source)
        if codes is None:
            raise ValueError(f"problem source {self.source!r} is not one of {list(CODES_OF)}")
        if self.code not in codes:
            name = "CODES" if self.source == WORKBOOK else f"{self.source.upper()}_CODES"
            raise ValueError(f"problem code {self.code!r} is not in reports.problems.{name}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"problem severity {self.severity!r} is not error or warning")

    @classmethod
    def in_template(cls, template: str, place: str, tag: str, code: str, message: str,
                    severity: str = ERROR) -> Problem:
        return cls(severity, None, None, None, code, message, TEMPLATE, template, place, tag)

    @classmethod
    def in_config(cls, file: str | None, key: str, code: str, message: str,
                  severity: str = ERROR) -> Problem:
        return cls(severity, None, None, None, code, message, CONFIG, file, key)

    @property
    def template(self) -> str | None:
        """A template problem's file."""
        return self.file if self.source == TEMPLATE else None

    @property
    def key(self) -> str | None:
        """A config problem's key (``memos[2].window_days``)."""
        return self.place if self.source == CONFIG else None

    @property
    def where(self) -> str:
        """Where, as the person fixing it looks for it: ``Events!B14 (date)``, ``body
        paragraph 12``, ``memos[2].window_days``."""
        if self.source != WORKBOOK:
            return self.place or "the file"
        if self.sheet and self.cell:
            where = f"{self.sheet}!{self.cell}"
        else:
            where = self.sheet or "workbook"
        return f"{where} ({self.column})" if self.column else where

    def as_dict(self) -> dict[str, str | None]:
        """The problem as ``validate --json`` gives it: the fields of where it was found."""
        if self.source == TEMPLATE:
            return {"severity": self.severity, "template": self.file, "where": self.place,
                    "tag": self.tag, "code": self.code, "message": self.message}
        if self.source == CONFIG:
            return {"severity": self.severity, "file": self.file, "key": self.place,
                    "code": self.code, "message": self.message}
        return {"severity": self.severity, "sheet": self.sheet, "cell": self.cell,
                "column": self.column, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        if self.source == TEMPLATE:
            return f"{self.file}, {self.place}: {self.message}"
        return f"{self.where}: {self.message}"


class Report:
    """Problems collected in the order found, each once (the same code at the same place
    for the same tag is one problem)."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = []
        self._seen: set[tuple[str | None, ...]] = set()
        for problem in problems:
            self.add(problem)

    def add(self, problem: Problem) -> Problem:
        key = (problem.source, problem.file, problem.sheet, problem.cell, problem.place,
               problem.tag, problem.code, problem.message if problem.source == CONFIG else "")
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)
        return problem

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)


# -- Excel's column letters ------------------------------------------------------------------

def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB), as openpyxl's
    ``get_column_letter(index + 1)`` (a test holds the two the same over every column).

    Not openpyxl itself: importing it costs every ``validate`` and ``build`` about 0.17 s,
    and the workbook is read without it."""
    if not 0 <= index < 18278:
        raise ValueError(f"column index {index} is outside Excel's columns A to ZZZ")
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_parts(cell: str | None) -> tuple[str, int]:
    """``"AB14"`` -> ``("AB", 14)``; ``("", 0)`` for None or text that is not a cell."""
    match = _CELL_RE.match(cell or "")
    return (match.group(1).upper(), int(match.group(2))) if match else ("", 0)


def sort_key(problem: Problem) -> tuple[bool, str, str, int, int, str, str]:
    """Errors first, then by file, sheet, row and column as a reader scans them."""
    letters, row = cell_parts(problem.cell)
    return (problem.severity != ERROR, problem.file or "", problem.sheet or "", row,
            len(letters), letters or problem.place or "", problem.code)
