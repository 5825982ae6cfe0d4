"""The model's frames: one per record type, and the numbers its queries work on.

:class:`Rows` holds one record type's rows as a pandas DataFrame of Arrow-backed columns
(one per record field, then the extra columns as text) and makes the records of the rows
a query returns, each once, on demand. The as-of queries (:mod:`reports.model.model`)
compute which rows they return from numpy columns of the frames: days as integers (days
since 1970-01-01), the first day a row is known (from its sources' publication days),
the rows of each actor and issue, and each (actor, issue) pair's stretch of positions.
The cut of a model to a marking is :mod:`reports.model.cut`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reports.model.records import (
    COLUMN_OF,
    RECORD_OF_SHEET,
    Record,
    field_names,
    make,
)
from reports.workbook import contract as schema
from reports.workbook.columns import arrow_type
from reports.workbook.table import bulk
from reports.workbook.typed import arrow, days, frame_of, to_python

if TYPE_CHECKING:
    from numpy.typing import NDArray

R = TypeVar("R", bound=Record)

NEVER = np.iinfo(np.int64).max  # a day later than any: known never
ALWAYS = np.iinfo(np.int64).min  # a day earlier than any: known from the start
SORTED_BY = {"Events": ("date", "event_id"), "Positions": ("actor_id", "issue_id", "as_of")}


def field_type(sheet: str, name: str) -> pa.DataType:
    """The Arrow type of a record field."""
    if name == "marking_rank":
        return pa.int64()
    return arrow_type(schema.sheet(sheet).column(COLUMN_OF.get(name, name)))


class Rows(Generic[R]):
    """One record type's rows: their frame and the records made from it so far.

    The frame stays in the order it came in (a validated sheet: workbook order); when
    the rows are sorted (events by date and id, positions by actor, issue and date),
    ``order`` maps each sorted position to its frame row, so that sorting copies only
    the columns the queries read, never the text.
    """

    def __init__(self, sheet: str, frame: pd.DataFrame, extras: Sequence[str],
                 records: list[R] | None = None, order: NDArray[np.int64] | None = None):
        self.sheet = sheet
        self.cls: type[R] = RECORD_OF_SHEET[sheet]  # type: ignore[assignment]
        self._frame = frame
        self.order = order
        self.extras = list(extras)
        self._made: list[R | None] = list(records) if records is not None else [None] * len(
            frame)
        self._raw: dict[str, pa.Array] = {}
        self._columns: dict[str, pa.Array] = {}

    def __len__(self) -> int:
        return len(self._made)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, in their sorted order."""
        return self._frame if self.order is None else self._frame.take(self.order)

    def _column(self, name: str) -> pa.Array:
        """A column in the frame's own order."""
        found = self._raw.get(name)
        if found is None:
            found = self._raw[name] = arrow(self._frame[name])
        return found

    def column(self, name: str) -> pa.Array:
        """A column in the rows' sorted order."""
        found = self._columns.get(name)
        if found is None:
            found = self._column(name)
            if self.order is not None:
                found = found.take(pa.array(self.order))
            self._columns[name] = found
        return found

    def _rows(self, at: list[int]) -> list[int]:
        """Frame rows of sorted positions."""
        return at if self.order is None else self.order[at].tolist()

    def take(self, at: Iterable[int] | NDArray[np.int64]) -> list[R]:
        """The records of the rows ``at`` (made now if not made yet)."""
        wanted = at.tolist() if isinstance(at, np.ndarray) else list(at)
        made = self._made
        missing = [i for i in dict.fromkeys(wanted) if made[i] is None]
        if not missing:
            return cast("list[R]", [made[i] for i in wanted])
        with bulk():  # many small objects, all kept: no GC walks meanwhile (and no freeze:
            # a query runs among memos' short-lived objects, which must stay collectable)
            if 2 * len(missing) >= len(made):  # most of them: all at once, then kept
                columns = [self._sorted_python(name) for name in field_names(self.cls)]
                every = make(self.cls, columns, self._extras(None))
                for i in range(len(made)):
                    if made[i] is None:
                        made[i] = every[i]
            else:  # the rows wanted, every column at once
                taken = self._table.take(pa.array(self._rows(missing), type=pa.int64()))
                columns = [to_python(taken.column(name)) for name in field_names(self.cls)]
                extras = self._extras(taken)
                for i, record in zip(missing, make(self.cls, columns, extras), strict=True):
                    made[i] = record
        return cast("list[R]", [made[i] for i in wanted])

    def all(self) -> list[R]:
        return self.take(range(len(self)))

    def _sorted_python(self, name: str) -> list[Any]:
        values = to_python(self._column(name))
        return values if self.order is None else [values[i] for i in self.order.tolist()]

    @cached_property
    def _table(self) -> pa.Table:
        """The record fields and extra columns as one Arrow table, in the frame's order
        (a take takes them all)."""
        return pa.table({name: self._column(name)
                         for name in (*field_names(self.cls), *self.extras)})

    def _extras(self, taken: pa.Table | None) -> list[dict[str, str]]:
        """Each row's extra columns that are not blank (``taken``: those rows; None: all,
        in sorted order)."""
        found: list[dict[str, str]] = [{} for _ in range(len(self) if taken is None
                                                           else taken.num_rows)]
        for name in self.extras:
            values = (self._sorted_python(name) if taken is None
                      else taken.column(name).to_pylist())
            for extra, value in zip(found, values, strict=True):
                if value is not None:
                    extra[name] = value
        return found

    def days(self, name: str, blank: int = ALWAYS) -> NDArray[np.int64]:
        return days(self.column(name), blank)

    def ints(self, name: str) -> NDArray[np.int64]:
        values: NDArray[np.int64] = pc.fill_null(self.column(name), 0).to_numpy(
            zero_copy_only=False).astype(np.int64)
        return values

    def select(self, keep: NDArray[np.bool_],
               lists: dict[str, pa.Array] | None = None) -> Rows[R]:
        """The rows at ``keep`` (sorted positions), in order, with some list columns
        replaced (``lists``, already cut to those rows)."""
        where = np.flatnonzero(keep)
        frame = self._frame.take(self._rows(where.tolist()))
        for name, values in (lists or {}).items():
            frame[name] = pd.arrays.ArrowExtensionArray(values)
        rows: Rows[R] = Rows(self.sheet, frame, self.extras)
        if not lists:
            rows._made = [self._made[i] for i in where.tolist()]
        return rows


# -- frames ----------------------------------------------------------------------------------

def of_frame(sheet: str, frame: pd.DataFrame, extras: Sequence[str]) -> Rows[Any]:
    """A validated sheet's rows (:attr:`reports.workbook.validate.Validated.frames`)."""
    return of_columns(sheet, {name: arrow(frame[name]) for name in frame.columns},
                      frame.index.tolist(), extras)


def of_columns(sheet: str, typed: dict[str, pa.Array], rows: Sequence[int],
               extras: Sequence[str]) -> Rows[Any]:
    """A validated sheet's rows from its typed columns (each record's Excel row ``rows``)."""
    cls = RECORD_OF_SHEET[sheet]
    columns = {name: typed[name] if name in typed else _blank(sheet, name, len(rows))
               for name in field_names(cls)}
    for name in extras:
        columns[name] = typed[name]
    return _sorted(Rows(sheet, frame_of(columns, rows), extras))


def of_records(sheet: str, records: Sequence[Record]) -> Rows[Any]:
    """Rows of records made elsewhere (kept as they are: each is its row's record)."""
    cls = RECORD_OF_SHEET[sheet]
    columns = {}
    for name in field_names(cls):
        kind = field_type(sheet, name)
        values = [getattr(r, name) for r in records]
        if pa.types.is_list(kind):
            values = [list(v) if v is not None else [] for v in values]
        columns[name] = pa.array(values, type=kind)
    extras = list(dict.fromkeys(k for r in records for k in r.extra))
    for name in extras:
        columns[name] = pa.array([r.extra.get(name) for r in records], type=pa.string())
    rows: Rows[Any] = Rows(sheet, frame_of(columns, range(len(records))), extras,
                           list(records))
    return _sorted(rows)


def of_dicts(sheet: str, records: Sequence[dict[str, Any]]) -> Rows[Any]:
    """Rows of records given as dicts keyed by column (and ``"extra"``)."""
    cls = RECORD_OF_SHEET[sheet]
    made = []
    defaults = {f.name: f.default for f in fields(cls)}
    for r in records:
        values: dict[str, Any] = {}
        for name in field_names(cls):
            value = r.get(COLUMN_OF.get(name, name))
            if value is None:
                value = defaults[name] if name != "marking_rank" else 0
            values[name] = tuple(value) if isinstance(value, list) else value
        record: Any = cls(**values, extra=dict(r.get("extra") or {}))
        made.append(record)
    return of_records(sheet, made)


def _blank(sheet: str, name: str, count: int) -> pa.Array:
    kind = field_type(sheet, name)
    if name == "marking_rank":
        return pa.array([0] * count, type=kind)
    return pa.nulls(count, kind)


def _sorted(rows: Rows[R]) -> Rows[R]:
    """The rows in their sorted order (SORTED_BY): a permutation, no copy."""
    keys = SORTED_BY.get(rows.sheet)
    if keys is None or len(rows) < 2:
        return rows
    table = pa.table({k: rows.column(k) for k in keys})
    order = pc.sort_indices(table, sort_keys=[(k, "ascending") for k in keys]).to_numpy()
    if (order == np.arange(len(order))).all():
        return rows
    out: Rows[R] = Rows(rows.sheet, rows._frame, rows.extras, order=order.astype(np.int64))
    if rows._made.count(None) != len(rows._made):  # records given: in their new places
        out._made = [rows._made[i] for i in order.tolist()]
    return out


# -- what the queries work on ----------------------------------------------------------------

def known_days(lists: pa.Array, source_ids: pa.Array,
               published: NDArray[np.int64]) -> NDArray[np.int64]:
    """Per row citing the sources ``lists``: the first day it is known. A row citing no
    source is known from the start; one citing sources is known from the earliest
    publication day among those the workbook has (an undated source: from the start);
    citing only sources it does not have, never."""
    count = len(lists)
    known = np.full(count, NEVER, dtype=np.int64)
    flat = pc.list_flatten(lists)
    if len(flat):
        parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        where = pc.index_in(flat, value_set=source_ids)
        found = pc.is_valid(where).to_numpy(zero_copy_only=False)
        at = pc.fill_null(where, 0).to_numpy(zero_copy_only=False)
        np.minimum.at(known, parents[found], published[at[found]])
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    known[lengths == 0] = ALWAYS
    return known


def members(lists: pa.Array, key: str) -> NDArray[np.int64]:
    """The rows whose list of ids holds ``key`` (each once, in order)."""
    flat = pc.list_flatten(lists)
    if not len(flat):
        return np.zeros(0, dtype=np.int64)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    hit = pc.equal(flat, key).to_numpy(zero_copy_only=False)
    return np.unique(parents[hit]).astype(np.int64)


def holds(lists: pa.Array, at: NDArray[np.int64], key: str) -> NDArray[np.bool_]:
    """Per row of ``at``: its list of ids holds ``key``."""
    return np.isin(at, members(lists, key))


def pairs(actor_ids: Sequence[str], issue_ids: Sequence[str]) -> tuple[
        NDArray[np.int64], dict[tuple[str, str], tuple[int, int]]]:
    """For rows sorted by (actor, issue): each row's pair number, and each pair's rows."""
    code = np.zeros(len(actor_ids), dtype=np.int64)
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    start, current = 0, None
    for i, pair in enumerate(zip(actor_ids, issue_ids, strict=True)):
        if pair != current:
            if current is not None:
                spans[current] = (start, i)
            current, start = pair, i
        code[i] = len(spans)
    if current is not None:
        spans[current] = (start, len(actor_ids))
    return code, spans
