"""Check a read workbook against the contract and turn its cells into typed values.

Every problem is collected (never only the first), each naming the sheet, the cell as
Excel shows it, the column, a stable code and a message saying what was expected.
The result also holds the clean records as columns (:class:`reports.workbook.table.Table`),
typed and with defaults applied, which the model is built from.

Whole columns are checked at once: each distinct value of a column is coerced once
(:mod:`reports.workbook.cells` says what a cell may hold), keys and references are checked as
sets, and row-level messages are written only for the cells that fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from reports import tradecraft
from reports.problems import ERROR, WARNING, Problem, sort_key
from reports.workbook import contract as schema
from reports.workbook.cells import COERCE, Invalid, did_you_mean, shown, split_list, text_of
from reports.workbook.table import Table, bulk

if TYPE_CHECKING:
    from reports.workbook.read import SheetData, Workbook

DEFAULT_MARKING = "UNCLASSIFIED"
NO_VALUE_HELP = ("open the file in Excel or LibreOffice and save it: that computes every "
                 "formula and stores its value")


@dataclass(frozen=True)
class Rules:
    """The desk's own rules a workbook is checked against (from ``reports.toml``)."""

    markings: tradecraft.Markings = tradecraft.Markings.single(DEFAULT_MARKING)
    yardstick: tradecraft.Yardstick = tradecraft.YARDSTICKS[tradecraft.DEFAULT_YARDSTICK]


@dataclass
class Validated:
    problems: list[Problem]
    records: dict[str, Table] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(book: Workbook, rules: Rules | None = None) -> Validated:
    """Every problem of ``book`` against the contract and the desk's ``rules``, and its
    records as typed columns."""
    with bulk():
        return _validate(book, rules or Rules())


def _validate(book: Workbook, rules: Rules) -> Validated:
    problems = list(book.problems)
    records: dict[str, Table] = {}
    for spec in schema.ALL_SHEETS:
        data = book.sheets.get(spec.name)
        records[spec.name] = (_coerce_sheet(spec, data, rules, problems) if data is not None
                              else Table([], {c.name: [] for c in spec.columns}))
    keys = _check_keys(book, records, problems)
    named = _named_ids(records)
    _check_refs(book, records, keys, named, problems)
    _check_usage(book, records, named, problems)
    problems.sort(key=sort_key)
    return Validated(problems, records)


# -- columns -----------------------------------------------------------------------------

def _blank_value(col: schema.Column, rules: Rules) -> object:
    if col.kind == schema.REFS:
        return ()
    if col.kind == schema.MARKING:
        return rules.markings.default_rank
    return col.default


def _attempt(coerce, value: object, col: schema.Column, rules: Rules) -> object:
    try:
        return coerce(value, col, rules)
    except Invalid as bad:
        return bad


PATTERN = {schema.SLUG: schema.SLUG_RE, schema.ID: schema.ID_RE}
STRIPPED_KINDS = (schema.TEXT, schema.LINE, schema.REF, *PATTERN)


def _stripped(col: schema.Column, cells: list, blank: object, tidy: bool) -> list | None:
    """A column of text cells, stripped, when every cell fits as it is (else None);
    ``tidy``: no cell has spaces to strip."""
    if tidy:
        out = cells if blank is None or None not in cells else [
            blank if v is None else v for v in cells]
    else:
        out = [blank if v is None else v.strip() for v in cells]
    texts = [v for v in out if v is not None] if None in out else out
    if col.kind == schema.LINE and col.max_len and max(map(len, texts), default=0) > col.max_len:
        return None
    if col.kind in PATTERN and not all(map(PATTERN[col.kind].match, texts)):
        return None
    return out


def _lists(cells: list, blank: object) -> list:
    """A list column of text cells: each distinct cell split once."""
    distinct = set(cells)
    distinct.discard(None)
    lists = {v: split_list(v) for v in distinct}
    lists[None] = blank
    return list(map(lists.__getitem__, cells))


def _coerce_column(col: schema.Column, cells: list, rules: Rules, tidy: bool = False) -> list:
    """Each cell's typed value (blank -> the column's default); an :class:`Invalid` where
    the cell does not fit."""
    blank = _blank_value(col, rules)
    kinds = set(map(type, cells))
    if kinds <= {str, type(None)}:  # text only: the common cases, checked whole
        if col.kind in STRIPPED_KINDS:
            out = _stripped(col, cells, blank, tidy)
            if out is not None:
                return out
        elif col.kind == schema.REFS:
            return _lists(cells, blank)
    coerce = COERCE[col.kind]
    if bool in kinds or col.kind in (schema.TEXT, schema.LINE):
        # True == 1.0 as a dict key: cell by cell when yes/no values are among them
        return [blank if v is None else _attempt(coerce, v, col, rules) for v in cells]
    done = {v: _attempt(coerce, v, col, rules) for v in set(cells)}
    done[None] = blank
    return list(map(done.__getitem__, cells))


def _coerce_sheet(spec: schema.Sheet, data: SheetData, rules: Rules,
                  problems: list[Problem]) -> Table:
    columns: dict[str, list] = {}
    count = len(data.rows)
    for col in spec.columns:
        letter = data.letters.get(col.name)
        if letter is None:  # missing column: reported by the reader if required
            columns[col.name] = [_blank_value(col, rules)] * count
            continue
        cells = data.columns[col.name]
        values = _coerce_column(col, cells, rules, col.name in data.tidy)
        if Invalid in map(type, values):
            for i, value in enumerate(values):
                if value.__class__ is Invalid:
                    values[i] = None
                    problems.append(Problem(ERROR, data.title, f"{letter}{data.rows[i]}",
                                            col.name, value.code, value.message))
        if None in cells and (col.required or data.notes.errors or data.notes.no_value):
            for i, value in enumerate(cells):
                if value is None:
                    _blank_cell(data, col, f"{letter}{data.rows[i]}", problems)
        if col.estimative:
            _check_language(data, col, letter, values, rules, problems)
        columns[col.name] = values
    _formulas_without_value(spec, data, problems)
    extras: list[dict[str, str]] = [{} for _ in range(count)]
    for name in data.extra_columns:
        for extra, value in zip(extras, data.columns[name], strict=True):
            if value is not None:
                extra[name] = text_of(value)
    return Table(list(data.rows), columns, extras)


def _blank_cell(data: SheetData, col: schema.Column, cell: str,
                problems: list[Problem]) -> None:
    """A blank cell: a formula error there, or a required value missing."""
    error = data.notes.errors.get(cell)
    if error:
        problems.append(Problem(
            ERROR if col.required else WARNING, data.title, cell, col.name, "formula-error",
            f"the formula in this cell gives {error}; fix the formula or type the value"))
    elif col.required and cell not in data.notes.no_value:
        hint = col.help[:1].lower() + col.help[1:]
        problems.append(Problem(ERROR, data.title, cell, col.name, "missing-value",
                                f"{col.name} is required; {hint}"))


def _formulas_without_value(spec: schema.Sheet, data: SheetData,
                            problems: list[Problem]) -> None:
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
        problems.append(Problem(
            ERROR if required else WARNING, data.title, cell, name, "formula-no-value",
            f"{what} has no saved value (the program that wrote the file does not compute "
            f"formulas), so the cell reads as blank; {NO_VALUE_HELP}"))


def _check_language(data: SheetData, col: schema.Column, letter: str, values: list,
                    rules: Rules, problems: list[Problem]) -> None:
    """Warnings for estimative language outside the desk's yardstick (ICD 203 rules)."""
    for row, text in zip(data.rows, values, strict=True):
        if text.__class__ is str:
            for finding in tradecraft.language_problems(text, rules.yardstick):
                problems.append(Problem(WARNING, data.title, f"{letter}{row}", col.name,
                                        "estimative-language", f"the {col.name} {finding}"))


# -- keys and references -----------------------------------------------------------------

def _check_keys(book: Workbook, records: dict[str, Table],
                problems: list[Problem]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for spec in schema.ALL_SHEETS:
        data = book.sheets.get(spec.name)
        if data is None:
            keys[spec.name] = set()
            continue
        if spec.key:
            keys[spec.name] = _unique(data, records[spec.name], (spec.key,), problems)
        if spec.unique_together:
            _unique(data, records[spec.name], spec.unique_together, problems)
    return keys


def _unique(data: SheetData, table: Table, cols: tuple[str, ...],
            problems: list[Problem]) -> set[str]:
    letter = data.letters.get(cols[0])
    if letter is None:
        return set()
    parts = [table.columns[c] for c in cols]
    keys = parts[0] if len(cols) == 1 else list(zip(*parts, strict=True))
    blanks = sum(p.count(None) for p in parts)
    distinct = set(keys)
    if not blanks and len(distinct) == len(keys):  # the usual case: all there, all unique
        return distinct if len(cols) == 1 else set()
    first: dict[object, int] = {}
    for key, row in zip(keys, table.rows, strict=True):
        whole = (key,) if len(cols) == 1 else key
        if any(k is None for k in whole):
            continue
        if key in first:
            what = cols[0] if len(cols) == 1 else "/".join(cols)
            problems.append(Problem(
                ERROR, data.title, f"{letter}{row}", cols[0], "duplicate-id",
                f'{what} "{", ".join(text_of(k) for k in whole)}" appears twice (first in row '
                f"{first[key]}); each must be unique: change or delete one of the rows"))
        else:
            first[key] = row
    return set(first) if len(cols) == 1 else set()


def _named_ids(records: dict[str, Table]) -> dict[tuple[str, str], set]:
    """(sheet, column) -> every id a REF or REFS column names."""
    named = {}
    for spec in schema.SHEETS:
        for col in spec.columns:
            values = records[spec.name].columns[col.name]
            if col.kind == schema.REFS:
                named[(spec.name, col.name)] = set(chain.from_iterable(set(values)))
            elif col.kind == schema.REF:
                named[(spec.name, col.name)] = set(values)
    return named


def _check_refs(book: Workbook, records: dict[str, Table], keys: dict[str, set[str]],
                named: dict[tuple[str, str], set], problems: list[Problem]) -> None:
    for spec in schema.SHEETS:
        data = book.sheets.get(spec.name)
        if data is None:
            continue
        for col in spec.columns:
            if col.kind not in (schema.REF, schema.REFS) or col.name not in data.letters:
                continue
            target = schema.sheet(col.ref)
            target_data = book.sheets.get(col.ref)
            if target_data is None or target.key not in target_data.letters:
                continue  # the missing sheet or key column is reported already
            known = keys.get(col.ref, set())
            values = records[spec.name].columns[col.name]
            unknown = named[(spec.name, col.name)] - known - {None}
            if unknown:
                _unknown_refs(data, col, target, values, unknown, known, problems)


def _unknown_refs(data: SheetData, col: schema.Column, target: schema.Sheet, values: list,
                  unknown: set, known: set[str], problems: list[Problem]) -> None:
    article = "an" if target.key[0] in "aeiou" else "a"
    for row, value in zip(data.rows, values, strict=True):
        for ref in (value if col.kind == schema.REFS else (value,)):
            if ref in unknown:
                problems.append(Problem(
                    ERROR, data.title, f"{data.letters[col.name]}{row}", col.name,
                    "unknown-ref", f'"{shown(ref)}" is not {article} {target.key} in '
                    f"{target.name}{did_you_mean(ref, known)}"))


def _check_usage(book: Workbook, records: dict[str, Table],
                 named: dict[tuple[str, str], set], problems: list[Problem]) -> None:
    """Warnings: unused actors, issues and sources; events without sources."""
    used: dict[str, set[str]] = {"Actors": set(), "Issues": set(), "Sources": set()}
    for spec in schema.SHEETS:
        for col in spec.columns:
            if col.ref in used:
                used[col.ref] |= named[(spec.name, col.name)]
    for name, used_ids in used.items():
        spec = schema.sheet(name)
        data = book.sheets.get(name)
        if data is None or spec.key not in data.letters:
            continue
        keys = records[name].columns[spec.key]
        if not set(keys) - used_ids - {None}:
            continue
        for key, row in zip(keys, data.rows, strict=True):
            if key is not None and key not in used_ids:
                problems.append(Problem(
                    WARNING, data.title, f"{data.letters[spec.key]}{row}", spec.key,
                    f"unused-{name.lower()[:-1]}",
                    f'"{key}" is never referred to by any other sheet; cite it or delete '
                    "the row"))
    events = book.sheets.get("Events")
    if events is not None and "sources" in events.letters:
        table = records["Events"]
        for event_id, sources, row in zip(table.columns["event_id"], table.columns["sources"],
                                          events.rows, strict=True):
            if not sources and event_id:
                problems.append(Problem(
                    WARNING, events.title, f"{events.letters['sources']}{row}",
                    "sources", "event-without-source",
                    f'event "{event_id}" cites no source; add the source_id it comes from'))
