"""The model's record types: one frozen dataclass per data sheet of the contract.

Each holds the sheet's required columns first, then its optional ones (both in contract
order, each optional field defaulting to the column's default: ``()`` for a list of
ids, else the contract's default or None), then ``marking_rank`` (the row's handling
level, 0 = the lowest) and ``extra`` (the columns beyond the contract, as text).
``tests/test_records.py`` checks every class against :mod:`reports.workbook.contract`:
a column added there needs its field here.

Records are made in bulk from the model's frames (:func:`make`), without calling
``__init__``: each field set once, straight from the columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, TypeVar

from reports import tradecraft
from reports.workbook.table import bulk

COLUMN_OF = {"marking_rank": "marking"}  # record field -> the contract column it comes from


@dataclass(frozen=True)
class Actor:
    """One row of Actors: people, governments and bodies whose positions and actions the
    memos report."""

    actor_id: str
    name: str
    country: str
    kind: str
    native_name: str | None = None
    title: str | None = None
    affiliation: str | None = None
    notes: str | None = None
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Issue:
    """One row of Issues: the questions the memos follow."""

    issue_id: str
    name: str
    question: str
    description: str | None = None
    status: str = "active"
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Event:
    """One row of Events: a dated thing that happened."""

    event_id: str
    date: date
    title: str
    category: str
    summary: str | None = None
    actors: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    location: str | None = None
    significance: int = 3
    sources: tuple[str, ...] = ()
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Position:
    """One row of Positions: a stated position of an actor on an issue at a point in time."""

    actor_id: str
    issue_id: str
    as_of: date
    stance: str
    summary: str
    quote: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str = "medium"
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Source:
    """One row of Sources: a document the facts come from."""

    source_id: str
    outlet: str
    title: str
    url: str | None = None
    published: date | None = None
    kind: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def grade(self) -> str:
        """``B2``, ``B``, ``2`` or '' (what is given)."""
        return tradecraft.grade(self.reliability, self.credibility)


@dataclass(frozen=True)
class OutlookItem:
    """One row of Outlook: something ahead (a meeting, a deadline, a decision)."""

    item: str
    date: date | None = None
    issues: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    status: str = "expected"
    sources: tuple[str, ...] = ()
    likelihood: str | None = None
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Assessment:
    """One row of Assessments: a judgment, the desk's own (``whose`` "desk") or a
    source's outside commentary (``whose`` "source")."""

    as_of: date
    judgment: str
    issue_id: str | None = None
    confidence: str = "medium"
    author: str | None = None
    whose: str = "desk"
    sources: tuple[str, ...] = ()
    likelihood: str | None = None
    marking_rank: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Shift:
    """A change of stance: ``before`` -> ``after`` on ``after.as_of``."""

    before: Position
    after: Position

    @property
    def date(self) -> date:
        return self.after.as_of


Record = Actor | Issue | Event | Position | Source | OutlookItem | Assessment
T = TypeVar("T")

RECORD_OF_SHEET: dict[str, type[Record]] = {
    "Actors": Actor, "Issues": Issue, "Events": Event, "Positions": Position,
    "Sources": Source, "Outlook": OutlookItem, "Assessments": Assessment,
}


def field_names(cls: type[Any]) -> tuple[str, ...]:
    """The record's fields, ``extra`` left out, in order."""
    return tuple(f.name for f in fields(cls) if f.name != "extra")


def make(cls: type[T], columns: Sequence[Sequence[object]],
         extras: Iterable[dict[str, str]]) -> list[T]:
    """Records of ``cls`` from one list of Python values per field (in
    :func:`field_names` order) and one ``extra`` dict per record.

    The records are made without calling ``__init__`` (each field set once), with the
    cyclic GC paused: they are many and all stay alive.
    """
    names = field_names(cls)
    new = object.__new__
    out: list[T] = []
    append = out.append
    with bulk():  # many small objects, all kept: no GC walks meanwhile
        for extra, row in zip(extras, zip(*columns, strict=True), strict=True):
            record = new(cls)
            state = record.__dict__
            state.update(zip(names, row, strict=True))
            state["extra"] = extra
            append(record)
    return out
