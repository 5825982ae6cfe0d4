"""The model's record types, made from the workbook contract, and their building.

Each data sheet of :mod:`reports.workbook.contract` gives one frozen dataclass (``Actors`` ->
:class:`Actor` ...): its required columns first, then the optional ones, each optional
field defaulting to the column's default (``()`` for a list of ids, else None), then
``marking_rank`` (the row's handling level, 0 = the lowest) and ``extra`` (the columns
beyond the contract). A column added to the contract is a field here with no edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING, field, fields, make_dataclass
from datetime import date
from functools import cache

from reports import tradecraft
from reports.workbook import contract as schema
from reports.workbook.table import Record, Table, bulk

TYPES = {schema.DATE: date, schema.INT: int, schema.BOOL: bool, schema.REFS: tuple[str, ...]}
COLUMN_OF = {"marking_rank": "marking"}  # record field -> the contract column it comes from


def _field(col: schema.Column) -> tuple:
    if col.kind == schema.MARKING:
        return ("marking_rank", int, field(default=0))
    kind = TYPES.get(col.kind, str)
    if col.required:
        return (col.name, kind)
    default = () if col.kind == schema.REFS else col.default
    return (col.name, kind if default is not None else kind | None, field(default=default))


def _record(name: str, sheet: str, **namespace) -> type:
    spec = schema.sheet(sheet)
    columns = sorted(spec.columns, key=lambda c: not c.required)  # stable: contract order
    extra = ("extra", dict, field(default_factory=dict, compare=False, hash=False))
    cls = make_dataclass(name, [*map(_field, columns), extra], frozen=True,
                         namespace={"__doc__": f"One row of {sheet}: {spec.help}",
                                    **namespace})
    cls.__module__ = __name__  # where they are made (make_dataclass would say "types")
    return cls


def _grade(self) -> str:
    """``B2``, ``B``, ``2`` or '' (what is given)."""
    return tradecraft.grade(self.reliability, self.credibility)


Actor = _record("Actor", "Actors")
Issue = _record("Issue", "Issues")
Event = _record("Event", "Events")
Position = _record("Position", "Positions")
Source = _record("Source", "Sources", grade=property(_grade))
OutlookItem = _record("OutlookItem", "Outlook")
Assessment = _record("Assessment", "Assessments")


@cache
def _defaults(cls) -> tuple[tuple[str, object], ...]:
    """(field name, the field's default or None), the ``extra`` field left out."""
    return tuple((f.name, None if f.default is MISSING else f.default)
                 for f in fields(cls) if f.name != "extra")


def build(cls, table: Sequence[Record]) -> list:
    """The records of one sheet: blank cells take the field's default, lists are tuples.

    The records are made without calling ``__init__`` (each field set once, straight
    from the columns), with the cyclic GC paused: they are many and all stay alive.
    """
    if not isinstance(table, Table):
        table = _as_table(table)
    count = len(table.rows)
    names, columns = [], []
    for name, default in _defaults(cls):
        values = table.columns.get(COLUMN_OF.get(name, name))
        if values is None:
            values = [default] * count
        elif default is not None and None in values:
            values = [default if v is None else v for v in values]
        if values and values[0].__class__ is list:
            values = [tuple(v) for v in values]
        names.append(name)
        columns.append(values)
    new, out = object.__new__, []
    append = out.append
    with bulk(lasting=True):  # a model's records live as long as the process
        for extra, row in zip(table.extras, zip(*columns, strict=True), strict=True):
            record = new(cls)
            state = record.__dict__
            state.update(zip(names, row, strict=False))
            state["extra"] = extra
            append(record)
    return out


def _as_table(records: Sequence[Record]) -> Table:
    names = list(dict.fromkeys(k for r in records for k in r if k not in ("_row", "extra")))
    columns = {n: [r.get(n) for r in records] for n in names}
    return Table([r.get("_row", 0) for r in records], columns,
                 [dict(r.get("extra") or {}) for r in records])
