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
from reports.workbook.cells import did_you_mean, shown, text_of
from reports.workbook.table import Table, bulk

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from reports.workbook.read import SheetData, Workbook

DEFAULT_MARKING = "UNCLASSIFIED"
NO_VALUE_HELP = ("open the file in Excel or LibreOffice and save it: that computes every "
                 "formula and stores its value")
# Dates of what has happened (an event, a position, a source's publication, a judgment):
# none can be after today. Outlook dates look ahead.
PAST_DATES = {("Events", "date"), ("Positions", "as_of"), ("Sources", "published"),
              ("Assessments", "as_of")}
FAR_YEARS = 10  # a date this many years beyond the workbook's other dates is far outside
CORE_YEARS = 25  # the workbook's span: its dates within this many years of their median


@dataclass(frozen=True)
class Rules:
    """The desk's own rules a workbook is checked against (from ``reports.toml``)."""

    markings: tradecraft.Markings = tradecraft.Markings.single(DEFAULT_MARKING)
    yardstick: tradecraft.Yardstick = tradecraft.YARDSTICKS[tradecraft.DEFAULT_YARDSTICK]


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
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    empty_sheets: list[str] = field(default_factory=list)  # a header row and no record

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
        return {name: Table(frame, schema.sheet(name), self.extra_columns.get(name, []),
                            present=name not in self.missing, empty=name in self.empty_sheets)
                for name, frame in self.frames.items()}

    missing: set[str] = field(default_factory=set)  # contract sheets the workbook lacks


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
        from reports.workbook.columns import frame_of

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
            result.frames[spec.name] = frame_of(self._frame_columns(spec, data), rows)
        result.empty_sheets = self._emptied()
        keys = self._check_keys()
        named = self._named_ids()
        self._check_refs(keys, named)
        self._check_usage(named)
        self._check_dates()
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
        """Warnings for estimative language outside the desk's yardstick (ICD 203 rules)."""
        for row, text in zip(data.rows, values.to_pylist(), strict=True):
            if text.__class__ is str:
                for finding in tradecraft.language_problems(text, self.rules.yardstick):
                    self.problems.append(Problem(
                        WARNING, data.title, f"{letter}{row}", col.name,
                        "estimative-language", f"the {col.name} {finding}"))

    # -- keys and references -----------------------------------------------------------------

    def _check_keys(self) -> dict[str, pa.Array]:
        """Each keyed sheet's unique keys (duplicates and blanks named)."""
        import pyarrow as pa

        keys: dict[str, pa.Array] = {}
        for spec in schema.ALL_SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                keys[spec.name] = pa.array([], pa.string())
                continue
            if spec.key:
                keys[spec.name] = self._unique(data, (spec.key,))
            if spec.unique_together:
                self._unique(data, spec.unique_together)
        return keys

    def _unique(self, data: SheetData, cols: tuple[str, ...]) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        letter = data.letters.get(cols[0])
        typed = self.typed[data.name]
        if letter is None:
            return pa.array([], pa.string())
        parts = [typed[c] for c in cols]
        if not any(p.null_count for p in parts):
            table = pa.table({c: p for c, p in zip(cols, parts, strict=True)})
            if table.group_by(list(cols)).aggregate([]).num_rows == table.num_rows:
                return pc.unique(parts[0])  # the usual case: all there, all unique
        first: dict[tuple[object, ...], int] = {}
        rows = [p.to_pylist() for p in parts]
        for whole, row in zip(zip(*rows, strict=True), data.rows, strict=True):
            if any(k is None for k in whole):
                continue
            if whole in first:
                what = cols[0] if len(cols) == 1 else "/".join(cols)
                self.problems.append(Problem(
                    ERROR, data.title, f"{letter}{row}", cols[0], "duplicate-id",
                    f'{what} "{", ".join(text_of(k) for k in whole)}" appears twice (first in '
                    f"row {first[whole]}); each must be unique: change or delete one of the "
                    "rows"))
            else:
                first[whole] = row
        return pa.array([k[0] for k in first], pa.string()) if len(cols) == 1 else pa.array(
            [], pa.string())

    def _ids(self, sheet: str, col: schema.Column) -> pa.Array:
        """Every id a REF or REFS column names, as one flat array (lists flattened)."""
        import pyarrow.compute as pc

        values = self.typed[sheet][col.name]
        return pc.list_flatten(values) if col.kind == schema.REFS else values

    def _named_ids(self) -> dict[tuple[str, str], pa.Array]:
        """(sheet, column) -> every distinct id a REF or REFS column names."""
        import pyarrow.compute as pc

        return {(spec.name, col.name): pc.drop_null(pc.unique(self._ids(spec.name, col)))
                for spec in schema.SHEETS for col in spec.columns
                if col.kind in (schema.REF, schema.REFS)}

    def _check_refs(self, keys: dict[str, pa.Array],
                    named: dict[tuple[str, str], pa.Array]) -> None:
        import pyarrow.compute as pc

        for spec in schema.SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                continue
            for col in spec.columns:
                if col.kind not in (schema.REF, schema.REFS) or col.name not in data.letters:
                    continue
                target = schema.sheet(col.ref or "")
                target_data = self.book.sheets.get(target.name)
                if target_data is None or target.key not in target_data.letters:
                    continue  # the missing sheet or key column is reported already
                known = keys.get(target.name)
                ids = named[(spec.name, col.name)]
                unknown = ids.filter(pc.invert(pc.is_in(ids, value_set=known)))
                if len(unknown):
                    self._unknown_refs(data, col, target, set(unknown.to_pylist()),
                                       known.to_pylist())

    def _unknown_refs(self, data: SheetData, col: schema.Column, target: schema.Sheet,
                      unknown: set[str], known: list[str]) -> None:
        key = target.key or ""
        article = "an" if key[:1] in tuple("aeiou") else "a"
        values = self.typed[data.name][col.name].to_pylist()
        for row, value in zip(data.rows, values, strict=True):
            for ref in (value or () if col.kind == schema.REFS else (value,)):
                if ref in unknown:
                    self.problems.append(Problem(
                        ERROR, data.title, f"{data.letters[col.name]}{row}", col.name,
                        "unknown-ref", f'"{shown(ref)}" is not {article} {key} in '
                        f"{target.name}{did_you_mean(ref, known)}"))

    def _check_usage(self, named: dict[tuple[str, str], pa.Array]) -> None:
        """Warnings: unused actors, issues and sources; events without sources; sources
        cited without a publication day."""
        import pyarrow as pa
        import pyarrow.compute as pc

        used: dict[str, list[pa.Array]] = {"Actors": [], "Issues": [], "Sources": []}
        for spec in schema.SHEETS:
            for col in spec.columns:
                if col.ref in used:
                    used[col.ref].append(named[(spec.name, col.name)])
        for name, arrays in used.items():
            spec = schema.sheet(name)
            data = self.book.sheets.get(name)
            if data is None or spec.key not in data.letters:
                continue
            cited = pa.concat_arrays([a.cast(pa.string()) for a in arrays])
            keys = self.typed[name][spec.key or ""]
            unused = pc.and_(pc.is_valid(keys), pc.invert(pc.is_in(keys, value_set=cited)))
            for at in _positions(unused):
                key = keys[at].as_py()
                self.problems.append(Problem(
                    WARNING, data.title, f"{data.letters[spec.key or '']}{data.rows[at]}",
                    spec.key, f"unused-{name.lower()[:-1]}",
                    f'"{key}" is never referred to by any other sheet; cite it or delete '
                    "the row"))
            if name == "Sources" and "published" in data.letters:
                undated = pc.and_(pc.is_in(keys, value_set=cited),
                                  pc.is_null(self.typed[name]["published"]))
                for at in _positions(undated):
                    self.problems.append(Problem(
                        WARNING, data.title, f"{data.letters['published']}{data.rows[at]}",
                        "published", "undated-source",
                        f'source "{keys[at].as_py()}" has no publication day, so every memo '
                        "counts it as known from the start: what it reports can appear in a "
                        "memo dated before it was published; type the day it was published"))
        events = self.book.sheets.get("Events")
        if events is not None and "sources" in events.letters:
            typed = self.typed["Events"]
            lonely = pc.and_(pc.equal(pc.list_value_length(typed["sources"]), 0),
                             pc.is_valid(typed["event_id"]))
            for at in _positions(lonely):
                event_id = typed["event_id"][at].as_py()
                if not event_id:
                    continue
                self.problems.append(Problem(
                    WARNING, events.title, f"{events.letters['sources']}{events.rows[at]}",
                    "sources", "event-without-source",
                    f'event "{event_id}" cites no source; add the source_id it comes from'))

    # -- dates ---------------------------------------------------------------------------------

    def _check_dates(self) -> None:
        """Warnings for a date after today (of something that happened) and for a date far
        outside the workbook's other dates that a slip of one digit explains (2091 typed
        for 2019): such a row quietly leaves every memo."""
        from reports.workbook.dates import Span, likely_meant

        found: list[tuple[SheetData, schema.Column, int, date]] = []
        for spec in schema.SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                continue
            for col in spec.columns:
                if col.kind == schema.DATE and col.name in data.letters:
                    values = self.typed[spec.name][col.name]
                    if values.null_count < len(values):
                        for at, day in enumerate(values.to_pylist()):
                            if day is not None:
                                found.append((data, col, at, day))
        if not found:
            return
        span = Span.of([day for *_, day in found], FAR_YEARS, CORE_YEARS)
        for data, col, at, day in found:
            future = (data.name, col.name) in PAST_DATES and day > self.today
            far = span.far(day)
            if not (future or far):
                continue
            meant = likely_meant(day, span, self.today if future else None)
            if not future and meant is None:
                continue  # far, but no slip explains it: history, perhaps
            cell = f"{data.letters[col.name]}{data.rows[at]}"
            hint = f'; did you mean {meant.isoformat()}?' if meant else "; check the year"
            if future:
                message = (f"{day.isoformat()} is after today ({self.today.isoformat()}): "
                           "nothing dated after a memo's day reaches it, so this row is left "
                           f"out of every memo until then{hint}")
                code = "future-date"
            else:
                message = (f"{day.isoformat()} is far outside the workbook's other dates "
                           f"({span.low.isoformat()} to {span.high.isoformat()}), so this "
                           f"row sits apart from every memo's period{hint}")
                code = "outlier-date"
            self.problems.append(Problem(WARNING, data.title, cell, col.name, code, message))


def _positions(mask: pa.Array) -> list[int]:
    import numpy as np
    import pyarrow.compute as pc

    flags = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    found: list[int] = np.flatnonzero(flags).tolist()
    return found
