"""Typed records and the as-of queries memos are built from.

Every query takes an ``as_of`` date and returns only what was known on that day:
records dated after it never appear, and neither does a record whose every source was
published after it (the desk could not have known it yet). Outlook items are the one
exception to "dated after": they look forward from the as-of date.

A *shift* is a Positions row whose stance differs from the previous known row for the
same actor and issue; the first row of a pair is a new position, and a row repeating
the previous stance is a restatement.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from reports.validate import Record


@dataclass(frozen=True)
class Source:
    source_id: str
    outlet: str
    title: str
    url: str | None = None
    published: date | None = None
    kind: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    country: str
    kind: str
    native_name: str | None = None
    title: str | None = None
    affiliation: str | None = None
    notes: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Issue:
    issue_id: str
    name: str
    question: str
    description: str | None = None
    status: str = "active"
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Event:
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
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Position:
    actor_id: str
    issue_id: str
    as_of: date
    stance: str
    summary: str
    quote: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str = "medium"
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class OutlookItem:
    item: str
    date: date | None = None
    issues: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    status: str = "expected"
    sources: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Assessment:
    as_of: date
    judgment: str
    issue_id: str | None = None
    confidence: str = "medium"
    author: str | None = None
    sources: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Shift:
    """A change of stance: ``before`` -> ``after`` on ``after.as_of``."""

    before: Position
    after: Position

    @property
    def date(self) -> date:
        return self.after.as_of


def _make(cls, rec: Record):
    """Build a record from a validated row: lists become tuples, extras are kept."""
    kwargs = {}
    for name, keep_default in _fields(cls):
        if name == "extra":
            kwargs[name] = dict(rec.get("extra") or {})
        elif name in rec:
            value = rec[name]
            if value is None:
                if keep_default:
                    continue  # blank cell -> the field's default
            elif type(value) is list:
                value = tuple(value)
            kwargs[name] = value
    return cls(**kwargs)


_FIELDS: dict[type, list[tuple[str, bool]]] = {}


def _fields(cls) -> list[tuple[str, bool]]:
    """(field name, whether a blank cell keeps the field's default), once per class."""
    if cls not in _FIELDS:
        _FIELDS[cls] = [(name, f.default is not None)
                        for name, f in cls.__dataclass_fields__.items()]
    return _FIELDS[cls]


class Model:
    """All records of one workbook, with the queries memos need."""

    def __init__(self, actors: list[Actor], issues: list[Issue], events: list[Event],
                 positions: list[Position], sources: list[Source],
                 outlook: list[OutlookItem], assessments: list[Assessment]):
        self.actors = {a.actor_id: a for a in actors}
        self.issues = {i.issue_id: i for i in issues}
        self.sources = {s.source_id: s for s in sources}
        self.events = sorted(events, key=lambda e: (e.date, e.event_id))
        self.positions = sorted(positions, key=lambda p: (p.actor_id, p.issue_id, p.as_of))
        self.outlook_items = outlook
        self.assessment_items = assessments  # workbook order; queries sort stably by date
        self._history: dict[tuple[str, str], list[Position]] = defaultdict(list)
        for pos in self.positions:
            self._history[(pos.actor_id, pos.issue_id)].append(pos)
        # Indexes, built once per load, so that a query scans only what it can return.
        self._known_from: dict[tuple[str, ...], date] = {}
        self._event_dates = [e.date for e in self.events]
        self._events_by: dict[str, list[Event]] = defaultdict(list)  # "i:<id>", "a:<id>"
        for e in self.events:
            for i in dict.fromkeys(e.issues):
                self._events_by["i:" + i].append(e)
            for a in dict.fromkeys(e.actors):
                self._events_by["a:" + a].append(e)
        # (actor, issue) -> [(first day the position is known, position)], oldest first
        self._seen: dict[tuple[str, str], list[tuple[date, Position]]] = {
            pair: [(max(p.as_of, self.known_from(p.sources)), p) for p in rows]
            for pair, rows in self._history.items()}

    @classmethod
    def from_records(cls, records: dict[str, list[Record]]) -> Model:
        """Build from :attr:`reports.validate.Validated.records` (a workbook without errors)."""
        return cls(
            actors=[_make(Actor, r) for r in records.get("Actors", [])],
            issues=[_make(Issue, r) for r in records.get("Issues", [])],
            events=[_make(Event, r) for r in records.get("Events", [])],
            positions=[_make(Position, r) for r in records.get("Positions", [])],
            sources=[_make(Source, r) for r in records.get("Sources", [])],
            outlook=[_make(OutlookItem, r) for r in records.get("Outlook", [])],
            assessments=[_make(Assessment, r) for r in records.get("Assessments", [])],
        )

    # -- what was known on a day --------------------------------------------------------

    def source_known(self, source_id: str, as_of: date) -> bool:
        source = self.sources.get(source_id)
        return source is not None and (source.published is None or source.published <= as_of)

    def known_sources(self, source_ids: tuple[str, ...], as_of: date) -> tuple[str, ...]:
        return tuple(s for s in source_ids if self.source_known(s, as_of))

    def known_from(self, source_ids: tuple[str, ...]) -> date:
        """The first day a record citing ``source_ids`` is known (``date.max``: never)."""
        day = self._known_from.get(source_ids)
        if day is None:
            days = [date.min if s.published is None else s.published
                    for s in map(self.sources.get, source_ids) if s is not None]
            day = date.min if not source_ids else min(days) if days else date.max
            self._known_from[source_ids] = day
        return day

    def known(self, source_ids: tuple[str, ...], as_of: date) -> bool:
        """A record is known on ``as_of`` if it cites no source or at least one published."""
        return self.known_from(source_ids) <= as_of

    # -- queries ------------------------------------------------------------------------

    def events_between(self, as_of: date, days: int | None = None, *,
                       min_significance: int = 1, issue: str | None = None,
                       actor: str | None = None) -> list[Event]:
        """Events with ``as_of - days < date <= as_of`` (all up to as_of when days is None)."""
        start = as_of - timedelta(days=days) if days is not None else None
        if issue is not None or actor is not None:
            pool = self._events_by.get("i:" + issue if issue is not None else "a:" + actor, [])
        else:  # the date window of the sorted events, found by bisection
            lo = 0 if start is None else bisect_right(self._event_dates, start)
            pool = self.events[lo:bisect_right(self._event_dates, as_of)]
        known_from = self.known_from
        return [
            e for e in pool
            if e.date <= as_of and (start is None or e.date > start)
            and e.significance >= min_significance
            and (issue is None or issue in e.issues)
            and (actor is None or actor in e.actors)
            and known_from(e.sources) <= as_of
        ]

    def history(self, actor_id: str, issue_id: str, as_of: date) -> list[Position]:
        """The known positions of one actor on one issue up to ``as_of``, oldest first."""
        return [p for seen, p in self._seen.get((actor_id, issue_id), ()) if seen <= as_of]

    def current_stances(self, as_of: date, *, issue: str | None = None,
                        actor: str | None = None) -> dict[tuple[str, str], Position]:
        """(actor_id, issue_id) -> the latest known position on or before ``as_of``."""
        current = {}
        for (actor_id, issue_id) in self._history:
            if (issue and issue_id != issue) or (actor and actor_id != actor):
                continue
            rows = self.history(actor_id, issue_id, as_of)
            if rows:
                current[(actor_id, issue_id)] = rows[-1]
        return dict(sorted(current.items()))

    def shifts(self, as_of: date, days: int | None = None, *, issue: str | None = None,
               actor: str | None = None) -> list[Shift]:
        """Stance changes dated in the window ``(as_of - days, as_of]``, oldest first."""
        start = as_of - timedelta(days=days) if days is not None else None
        found = []
        for (actor_id, issue_id) in self._history:
            if (issue and issue_id != issue) or (actor and actor_id != actor):
                continue
            rows = self.history(actor_id, issue_id, as_of)
            for before, after in zip(rows, rows[1:], strict=False):
                if after.stance != before.stance and (start is None or after.as_of > start):
                    found.append(Shift(before, after))
        return sorted(found, key=lambda s: (s.date, s.after.actor_id, s.after.issue_id))

    def outlook(self, as_of: date, days: int | None = None, *, issue: str | None = None,
                actor: str | None = None) -> list[OutlookItem]:
        """Items dated from ``as_of`` on (within ``days`` if given), then undated ones."""
        end = as_of + timedelta(days=days) if days is not None else None
        items = [
            o for o in self.outlook_items
            if (o.date is None or (o.date >= as_of and (end is None or o.date <= end)))
            and (issue is None or issue in o.issues)
            and (actor is None or actor in o.actors)
            and self.known(o.sources, as_of)
        ]
        return sorted(items, key=lambda o: (o.date is None, o.date or as_of, o.item))

    def assessments(self, as_of: date, days: int | None = None, *,
                    issue: str | None = None, overall: bool = False) -> list[Assessment]:
        """Assessments made on or before ``as_of`` (in the window if ``days``), newest first."""
        start = as_of - timedelta(days=days) if days is not None else None
        items = [
            a for a in self.assessment_items
            if a.as_of <= as_of and (start is None or a.as_of > start)
            and (not overall or a.issue_id is None)
            and (issue is None or a.issue_id == issue)
            and self.known(a.sources, as_of)
        ]
        return sorted(items, key=lambda a: a.as_of, reverse=True)

    def bottom_line(self, as_of: date) -> list[Assessment]:
        """The latest overall judgments: every overall assessment of the most recent day."""
        overall = self.assessments(as_of, overall=True)
        if not overall:
            return []
        latest = overall[0].as_of
        return [a for a in overall if a.as_of == latest]

    def active_issues(self) -> list[Issue]:
        return [i for i in self.issues.values() if i.status == "active"]
