"""Check a read workbook against the contract and turn its cells into typed frames.

Every problem is collected (never only the first), each naming the sheet, the cell as
Excel shows it, the column, a stable code and a message saying what was expected.
The result also holds the clean records as pandas DataFrames (:attr:`Validated.frames`),
typed and with defaults applied, which the model is built from, and the same records as
rows of Python values (:attr:`Validated.records`).

Whole columns are checked at once (:mod:`reports.workbook.columns`): text is stripped,
measured and matched by Arrow kernels, each distinct value of a column of choices is
coerced once (:mod:`reports.workbook.cells` says what a cell may hold), keys and
references are checked as sets, and row-level messages are written only for the cells
that fail. The checks of the sheets' XML (formula errors and formulas without a saved
value, hyperlinks, merged cells) come from :mod:`reports.workbook.package`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from reports import tradecraft
from reports.problems import ERROR, WARNING, Problem, column_letter, sort_key
from reports.workbook import contract as schema
from reports.workbook.cells import shown
from reports.workbook.rules import DEFAULT_MARKING, Rules
from reports.workbook.table import Table, bulk

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from reports.workbook.read import SheetData, Workbook

NO_VALUE_HELP = ("open the file in Excel or LibreOffice and save it: that computes every "
                 "formula and stores its value")


@dataclass
class Validated:
    """What :func:`validate` found: every problem, and each sheet's records as a frame.

    ``frames[sheet]`` has one row per record, indexed by its Excel row ("row"): every
    contract column of the sheet in contract order (typed: text, ``date32`` dates,
    ``int64`` numbers, lists of ids; blank cells hold the column's default, a cell that
    does not fit is null), ``marking`` as the desk's level and ``marking_rank`` its rank
    where the sheet has markings, then the sheet's extra columns as text.
    """

    problems: list[Problem]
    columns: dict[str, dict[str, pa.Array]] = field(default_factory=dict)  # typed, per sheet
    rows: dict[str, list[int]] = field(default_factory=dict)  # each record's Excel row
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    empty_sheets: list[str] = field(default_factory=list)  # a header row and no record
    missing: set[str] = field(default_factory=set)  # contract sheets the workbook lacks

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Each sheet's records as a DataFrame (made on first use: ``validate`` alone
        never needs them)."""
        return {name: self.records[name].frame for name in self.columns}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @cached_property
    def records(self) -> dict[str, Table]:
        """Each sheet's records as rows of Python values (``table[i]`` is a dict)."""
        return {name: Table(columns, self.rows[name], schema.sheet(name),
                            self.extra_columns.get(name, []), present=name not in self.missing,
                            empty=name in self.empty_sheets)
                for name, columns in self.columns.items()}


def validate(book: Workbook, rules: Rules | None = None, *,
             today: date | None = None) -> Validated:
    """Every problem of ``book`` against the contract and the desk's ``rules``, and its
    records as typed frames. ``today``: the day dates of what happened may not pass
    (default: the machine's)."""
    with bulk():
        return _Check(book, rules or Rules(), today or date.today()).run()


class _Check:
    def __init__(self, book: Workbook, rules: Rules, today: date):
        self.book, self.rules, self.today = book, rules, today
        self.problems: list[Problem] = list(book.problems)
        self.typed: dict[str, dict[str, pa.Array]] = {}  # sheet -> column -> typed values

    def run(self) -> Validated:
        result = Validated(self.problems)
        for spec in schema.ALL_SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                result.missing.add(spec.name)
                self.typed[spec.name] = self._blank_sheet(spec)
                rows: list[int] = []
            else:
                self.typed[spec.name] = self._sheet(spec, data)
                rows = data.rows
            result.extra_columns[spec.name] = list(data.extra_columns) if data else []
            result.columns[spec.name] = self._frame_columns(spec, data)
            result.rows[spec.name] = list(rows)
        result.empty_sheets = self._emptied()
        self._cross_checks()
        self.problems.sort(key=sort_key)
        return result

    # -- columns ---------------------------------------------------------------------------

    def _blank_sheet(self, spec: schema.Sheet) -> dict[str, pa.Array]:
        import pyarrow as pa

        from reports.workbook.columns import arrow_type

        return {col.name: pa.nulls(0, arrow_type(col)) for col in spec.columns}

    def _sheet(self, spec: schema.Sheet, data: SheetData) -> dict[str, pa.Array]:
        import pyarrow as pa

        from reports.workbook.columns import arrow_type, blank_value, coerce

        typed: dict[str, pa.Array] = {}
        count = len(data.rows)
        for col in spec.columns:
            letter = data.letters.get(col.name)
            if letter is None:  # missing column: reported by the reader if required
                blank = blank_value(col, self.rules)
                value = list(blank) if isinstance(blank, tuple) else blank
                typed[col.name] = pa.array([value] * count, type=arrow_type(col))
                continue
            coerced = coerce(col, data.cells[col.name], self.rules)
            for at, why in coerced.invalid:
                self.problems.append(Problem(ERROR, data.title, f"{letter}{data.rows[at]}",
                                             col.name, why.code, why.message))
            if len(coerced.blanks) and (col.required or data.notes.errors
                                        or data.notes.no_value):
                for at in coerced.blanks.tolist():
                    self._blank_cell(data, col, f"{letter}{data.rows[at]}")
            if col.estimative:
                self._check_language(data, col, letter, coerced.values)
            typed[col.name] = coerced.values
        self._formulas_without_value(spec, data)
        self._merged_cells(spec, data)
        return typed

    def _frame_columns(self, spec: schema.Sheet, data: SheetData | None) -> dict[str, pa.Array]:
        import pyarrow as pa

        from reports.workbook.columns import as_text

        typed = self.typed[spec.name]
        columns = dict(typed)
        if "marking" in typed:
            levels = pa.array(self.rules.markings.levels, type=pa.string())
            columns["marking"] = levels.take(typed["marking"])
            columns["marking_rank"] = typed["marking"]
        if data is not None:
            for name in data.extra_columns:
                columns[name] = as_text(data.cells[name])
        return columns

    def _blank_cell(self, data: SheetData, col: schema.Column, cell: str) -> None:
        """A blank cell: a formula error there, or a required value missing."""
        error = data.notes.errors.get(cell)
        if error:
            self.problems.append(Problem(
                ERROR if col.required else WARNING, data.title, cell, col.name,
                "formula-error",
                f"the formula in this cell gives {error}; fix the formula or type the value"))
        elif col.required and cell not in data.notes.no_value:
            hint = col.help[:1].lower() + col.help[1:]
            self.problems.append(Problem(ERROR, data.title, cell, col.name, "missing-value",
                                         f"{col.name} is required; {hint}"))

    def _formulas_without_value(self, spec: schema.Sheet, data: SheetData) -> None:
        """Cells whose formula has no saved value read as blank: never silently."""
        if not data.notes.no_value:
            return
        by_letter = {letter: name for name, letter in data.letters.items()}
        for cell, formula in data.notes.no_value.items():
            name = by_letter.get(cell.rstrip("0123456789"))
            if name is None or cell in data.notes.errors:
                continue
            col = spec.column(name) if name in spec.column_names else None
            if col is not None and col.kind == schema.URL and cell in data.notes.links:
                continue  # a HYPERLINK formula: its address is read instead
            required = col is not None and col.required
            what = f"the formula ={shown(formula)}" if formula else "the formula"
            self.problems.append(Problem(
                ERROR if required else WARNING, data.title, cell, name, "formula-no-value",
                f"{what} has no saved value (the program that wrote the file does not "
                f"compute formulas), so the cell reads as blank; {NO_VALUE_HELP}"))

    def _merged_cells(self, spec: schema.Sheet, data: SheetData) -> None:
        """Cells merged over records: Excel keeps the value in the first cell only, so
        every other row of the range reads as blank there."""
        by_letter = {letter: name for name, letter in data.letters.items()}
        for r0, c0, r1, c1 in data.notes.merged:
            if r1 < 1:
                continue  # within the header row: merged-header
            names = [by_letter[column_letter(c)] for c in range(c0, c1 + 1)
                     if column_letter(c) in by_letter]
            if not names:
                continue  # beside the table, under no header
            first, last = f"{column_letter(c0)}{r0 + 1}", f"{column_letter(c1)}{r1 + 1}"
            rows = (f"row {r1 + 1}" if r0 == r1 - 1 else f"rows {max(r0, 1) + 1} to {r1 + 1}"
                    if r1 > r0 else f"row {r0 + 1}")
            lost = (f"the other cells of {rows} read as blank" if r1 > r0 else
                    "its other cells read as blank")
            self.problems.append(Problem(
                ERROR, data.title, first, names[0], "merged-cells",
                f"cells {first}:{last} are merged: Excel keeps the value in {first} only, so "
                f"{lost} ({', '.join(names)}); unmerge them (Home > Merge & Center) and type "
                "the value in every cell"))

    def _emptied(self) -> list[str]:
        """Data sheets left with their header and no rows, in a workbook in use: those
        whose rows were there (cleared cells or formatted rows are left below the
        header), named by a warning. A new workbook (no rows anywhere) has none."""
        sheets = [self.book.sheets[s.name] for s in schema.SHEETS if s.name in self.book.sheets]
        if not any(data.rows for data in sheets):
            return []
        found = [data for data in sheets if data.header_only and data.notes.last_row > 1]
        for data in found:
            self._empty(data)
        return [data.name for data in found]

    def _empty(self, data: SheetData) -> None:
        self.problems.append(Problem(
            WARNING, data.title, None, None, "empty-sheet",
            f"the {data.title} sheet has its header row and no rows below it: every memo is "
            f"built without anything from {data.title}, and says so; if its rows were lost "
            "(a bad paste, a deleted range), restore them from a saved copy"))

    def _check_language(self, data: SheetData, col: schema.Column, letter: str,
                        values: pa.Array) -> None:
        """Warnings for estimative language outside the desk's yardstick (ICD 203 rules):
        each text holding a probability word (any case, anywhere) is read."""
        import numpy as np
        import pyarrow.compute as pc

        words = tradecraft.ICD203.words() + tradecraft.UK_PHIA.words() + list(
            tradecraft.VAGUE_WORDS)
        pattern = "|".join(w.replace("-", "\\-") for w in sorted(set(words)))
        maybe = pc.fill_null(pc.match_substring_regex(values, pattern, ignore_case=True),
                             False).to_numpy(zero_copy_only=False)
        for at in np.flatnonzero(maybe).tolist():
            text = values[at].as_py()
            for finding in tradecraft.language_problems(text, self.rules.yardstick):
                self.problems.append(Problem(
                    WARNING, data.title, f"{letter}{data.rows[at]}", col.name,
                    "estimative-language", f"the {col.name} {finding}"))

    def _cross_checks(self) -> None:
        from reports.workbook.dates import check_dates
        from reports.workbook.refs import check_references

        check_references(self.book, self.typed, self.problems)
        check_dates(self.book, self.typed, self.today, self.problems)


__all__ = ["DEFAULT_MARKING", "Rules", "Validated", "validate"]
