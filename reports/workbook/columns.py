"""Whole-column work on a sheet's cells: blank rows, hyperlinks, and each column kind's
coercion of its cells into typed Arrow values, with the cells that do not fit.

A column's cells are an Arrow array of one type (the usual case) or a list of Python
values (a column of mixed types, :mod:`reports.workbook.grid`). Text columns are
stripped, matched and measured whole (Arrow compute kernels); columns of few distinct
values (choices, markings, grades, countries) coerce each distinct value once with the
per-cell rules of :mod:`reports.workbook.cells`; only the cells that fail go through
those rules one by one, for their message. Blank text ('' or only spaces, as Python's
``str.isspace`` means it) is a blank cell everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reports.workbook import contract as schema
from reports.workbook.cells import COERCE, Invalid, text_of
from reports.workbook.grid import Cells, python_values

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from reports.workbook.rules import Rules

# Every character Python's str.strip() removes (str.isspace), so that Arrow strips alike.
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
          "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
LIST_SPLIT = "[;,\n\r]+"  # contract.LIST_SPLIT_RE, in RE2
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# An address reports.text.is_http_url surely takes: http(s), a host of plain characters,
# then a path, query or fragment of printable ASCII without spaces.
PLAIN_URL = r"^(?i:https?)://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#][!-~]*)?$"
PATTERN = {schema.SLUG: schema.SLUG_RE.pattern, schema.ID: schema.ID_RE.pattern}
STRIPPED_KINDS = (schema.TEXT, schema.LINE, schema.REF, schema.SLUG, schema.ID)


def arrow_type(col: schema.Column) -> pa.DataType:
    """The Arrow type of a column's typed values."""
    if col.kind == schema.REFS:
        return pa.list_(pa.string())
    if col.kind == schema.DATE:
        return pa.date32()
    if col.kind in (schema.INT, schema.MARKING):
        return pa.int64()
    if col.kind == schema.BOOL:
        return pa.bool_()
    return pa.string()


# -- rows -------------------------------------------------------------------------------------

def blank_rows(columns: Sequence[Cells], height: int) -> list[int] | None:
    """Indexes of the rows that are not blank (every cell blank); None: all of them."""
    if not columns or not height:
        return None
    blank = np.ones(height, dtype=bool)
    for cells in columns:
        if isinstance(cells, list):
            blank &= np.fromiter((v is None for v in cells), dtype=bool, count=height)
        elif cells.null_count == 0:
            return None  # a column with no blank cell: no blank row (the usual case)
        else:
            blank &= _nulls(cells)
        if not blank.any():
            return None
    kept: list[int] = np.flatnonzero(~blank).tolist()
    return kept


def take_rows(cells: Cells | None, keep: list[int] | None, height: int) -> Cells:
    """The cells of the kept rows (a missing column: all blank)."""
    if cells is None:
        return pa.nulls(height if keep is None else len(keep))
    if keep is None:
        return cells
    if isinstance(cells, list):
        return [cells[i] for i in keep]
    return cells.take(pa.array(keep, type=pa.int64()))


def with_links(cells: Cells, letter: str, rows: list[int], links: dict[str, str]) -> Cells:
    """A URL column's cells, each hyperlinked cell read by its address, not its text."""
    values = list(python_values(cells))
    for i, row in enumerate(rows):
        address = links.get(f"{letter}{row}")
        if address is not None:
            values[i] = address
    return values


def _nulls(cells: pa.Array) -> NDArray[np.bool_]:
    mask: NDArray[np.bool_] = pc.is_null(cells).to_numpy(zero_copy_only=False)
    return mask


# -- one column -------------------------------------------------------------------------------

@dataclass
class Coerced:
    """A column's typed values (blank cells hold the column's default, cells that do not
    fit are null) and what is wrong, by record position."""

    values: pa.Array
    blanks: NDArray[np.int64]  # positions of blank cells
    invalid: list[tuple[int, Invalid]]  # (position, why), in row order


def blank_value(col: schema.Column, rules: Rules) -> object:
    if col.kind == schema.REFS:
        return ()
    if col.kind == schema.MARKING:
        return rules.markings.default_rank
    return col.default


def coerce(col: schema.Column, cells: Cells, rules: Rules) -> Coerced:
    """Each cell's typed value (blank: the column's default); which cells do not fit."""
    if isinstance(cells, list):
        return _coerce_python(col, cells, rules)
    kind = cells.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        cells = cells.cast(pa.string())
        trimmed = pc.utf8_trim(cells, characters=SPACES)
        stripped = pc.any(pc.not_equal(pc.binary_length(trimmed), pc.binary_length(cells)))
        empty = pc.equal(trimmed, "")
        if pc.any(empty).as_py():  # text that is blank for Python ('', or '\x1c')
            cells = pc.if_else(empty, pa.scalar(None, pa.string()), cells)
            trimmed = pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)
        if not stripped.as_py():
            trimmed = cells  # nothing to strip: the cells themselves, not a copy
        blanks = _nulls(cells)
        if col.kind in STRIPPED_KINDS:
            values, invalid = _text(col, cells, trimmed, rules)
        elif col.kind == schema.REFS:
            values, invalid = _lists(trimmed), []
        elif col.kind == schema.DATE:
            values, invalid = _text_dates(col, cells, trimmed, rules)
        elif col.kind == schema.URL:
            values, invalid = _urls(col, cells, rules)
        else:
            values, invalid = _by_distinct(col, cells, rules)
    else:
        blanks = _nulls(cells)
        if pa.types.is_null(kind):
            values, invalid = pa.nulls(len(cells), arrow_type(col)), []
        elif col.kind == schema.DATE and pa.types.is_timestamp(kind):
            values, invalid = _dates(col, cells, rules)
        elif col.kind == schema.INT and pa.types.is_floating(kind):
            values, invalid = _whole_numbers(col, cells, rules)
        else:
            values, invalid = _by_distinct(col, cells, rules)
    return Coerced(_fill_blanks(col, values, blanks, rules), np.flatnonzero(blanks), invalid)


def _fill_blanks(col: schema.Column, values: pa.Array, blanks: NDArray[np.bool_],
                 rules: Rules) -> pa.Array:
    blank = blank_value(col, rules)
    if blank is None or not blanks.any():
        return values
    fill = pa.scalar(list(blank) if isinstance(blank, tuple) else blank, arrow_type(col))
    return pc.if_else(pa.array(blanks), fill, values)


def _fix(col: schema.Column, cells: pa.Array, values: pa.Array, bad: NDArray[np.bool_],
         rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """The cells at ``bad`` through the per-cell rules: each one's value, or why it does
    not fit (then its value is null)."""
    if not bad.any():
        return values, []
    coerce_one = COERCE[col.kind]
    invalid: list[tuple[int, Invalid]] = []
    fixed: dict[int, object] = {}
    positions = np.flatnonzero(bad).tolist()
    for at, value in zip(positions, python_values(cells.take(pa.array(positions))),
                         strict=True):
        try:
            fixed[at] = _arrow_value(coerce_one(value, col, rules))
        except Invalid as why:
            invalid.append((at, why))
            fixed[at] = None
    out = values.to_pylist()
    for at, value in fixed.items():
        out[at] = value
    return pa.array(out, type=arrow_type(col)), invalid


def _text(col: schema.Column, cells: pa.Array, trimmed: pa.Array,
          rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Text, stripped; a line no longer than its limit; an id matching its pattern."""
    bad: Any = None
    if col.kind == schema.LINE and col.max_len:
        bad = pc.greater(pc.utf8_length(trimmed), col.max_len)
    elif col.kind in PATTERN:
        bad = pc.invert(pc.match_substring_regex(trimmed, PATTERN[col.kind]))
    if bad is None:
        return trimmed, []
    return _fix(col, cells, trimmed, pc.fill_null(bad, False).to_numpy(zero_copy_only=False),
                rules)


def _lists(trimmed: pa.Array) -> pa.Array:
    """A list column's text split at ; , or line breaks, each id stripped, empties gone."""
    parts = pc.split_pattern_regex(trimmed, LIST_SPLIT)
    flat = pc.utf8_trim(pc.list_flatten(parts), characters=SPACES)
    parents = pc.list_parent_indices(parts).to_numpy(zero_copy_only=False)
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    counts = np.bincount(parents[keep], minlength=len(trimmed))
    offsets = np.zeros(len(trimmed) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep)),
                                    mask=pc.is_null(trimmed))


def _urls(col: schema.Column, cells: pa.Array,
          rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Web addresses: a plain one (printable ASCII, http or https, a host) at once; any
    other by the per-cell rule (which may refuse it)."""
    plain = pc.fill_null(pc.match_substring_regex(cells, PLAIN_URL), False)
    return _fix(col, cells, pc.if_else(plain, cells, pa.scalar(None, pa.string())),
                pc.and_(pc.is_valid(cells), pc.invert(plain)).to_numpy(zero_copy_only=False),
                rules)


def _text_dates(col: schema.Column, cells: pa.Array, trimmed: pa.Array,
                rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Dates typed as text: YYYY-MM-DD (a real day) only."""
    iso = pc.fill_null(pc.match_substring_regex(trimmed, ISO_DATE), False)
    text = pc.if_else(iso, trimmed, pa.scalar(None, pa.string()))
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text)  # not 30 Feb -> 2 March
    parsed = pc.if_else(pc.fill_null(real, False), parsed, pa.scalar(None, parsed.type))
    days = pc.cast(parsed, pa.date32())
    bad = pc.and_(pc.is_valid(cells), pc.is_null(days)).to_numpy(zero_copy_only=False)
    return _fix(col, cells, days, bad, rules)


def _dates(col: schema.Column, cells: pa.Array,
           rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Real dates (a time of day is dropped); a time alone is no date."""
    days = pc.cast(pc.floor_temporal(cells, unit="day"), pa.date32(), safe=False)
    early = pc.less(days, pa.scalar(date(1900, 1, 1), pa.date32()))
    return _fix(col, cells, days, pc.fill_null(early, False).to_numpy(zero_copy_only=False),
                rules)


def _whole_numbers(col: schema.Column, cells: pa.Array,
                   rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Numbers that are whole and within the column's range."""
    good = pc.equal(pc.floor(cells), cells)
    if col.min_value is not None:
        good = pc.and_(good, pc.greater_equal(cells, col.min_value))
    if col.max_value is not None:
        good = pc.and_(good, pc.less_equal(cells, col.max_value))
    bad = pc.fill_null(pc.invert(good), False).to_numpy(zero_copy_only=False)
    kept = pc.if_else(pa.array(bad), pa.scalar(None, cells.type), cells)
    return _fix(col, cells, pc.cast(kept, pa.int64()), bad, rules)


def _by_distinct(col: schema.Column, cells: pa.Array,
                 rules: Rules) -> tuple[pa.Array, list[tuple[int, Invalid]]]:
    """Each distinct cell coerced once by the per-cell rules, then spread back."""
    encoded = cells.dictionary_encode()
    coerce_one = COERCE[col.kind]
    results: list[object] = []
    for value in python_values(encoded.dictionary):
        try:
            results.append(coerce_one(value, col, rules))
        except Invalid as why:
            results.append(why)
    kind = arrow_type(col)
    typed = pa.array([_arrow_value(r) for r in results], type=kind)
    indices = encoded.indices
    values = typed.take(indices)
    bad_codes = [i for i, r in enumerate(results) if isinstance(r, Invalid)]
    if not bad_codes:
        return values, []
    codes = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(np.isin(codes, bad_codes))
    invalid = [(int(at), result) for at in positions
               if isinstance(result := results[codes[at]], Invalid)]
    return values, invalid


def _arrow_value(result: object) -> object:
    if isinstance(result, Invalid):
        return None
    if isinstance(result, tuple):
        return list(result)
    return result


def _coerce_python(col: schema.Column, cells: list[object], rules: Rules) -> Coerced:
    """A column of mixed types, cell by cell (each distinct value once)."""
    coerce_one = COERCE[col.kind]
    blank = blank_value(col, rules)
    out: list[object] = []
    blanks: list[int] = []
    invalid: list[tuple[int, Invalid]] = []
    done: dict[tuple[type, object], object] = {}
    for i, value in enumerate(cells):
        if value is None or (isinstance(value, str) and (not value or value.isspace())):
            blanks.append(i)
            out.append(blank)
            continue
        key = (value.__class__, value)  # True == 1.0 as a key: the type tells them apart
        result = done.get(key, done)
        if result is done:
            try:
                result = coerce_one(value, col, rules)
            except Invalid as why:
                result = why
            done[key] = result
        if isinstance(result, Invalid):
            invalid.append((i, result))
            out.append(None)
        else:
            out.append(result)
    values = pa.array([_arrow_value(v) for v in out], type=arrow_type(col))
    return Coerced(values, np.array(blanks, dtype=np.int64), invalid)


def as_text(cells: Cells) -> pa.Array:
    """An extra column's cells as text, as Excel shows them (blank: null)."""
    if isinstance(cells, list):
        return pa.array([None if v is None else text_of(v) for v in cells], type=pa.string())
    if pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type):
        return cells.cast(pa.string())
    if pa.types.is_null(cells.type):
        return pa.nulls(len(cells), pa.string())
    encoded = cells.dictionary_encode()
    texts = pa.array([text_of(v) for v in python_values(encoded.dictionary)], type=pa.string())
    return texts.take(encoded.indices)


__all__ = ["Coerced", "arrow_type", "as_text", "blank_rows", "blank_value", "coerce", "take_rows",
           "with_links"]
