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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from operator import attrgetter

from reports.model.records import (
    Actor,
    Assessment,
    Event,
    Issue,
    OutlookItem,
    Position,
    Source,
    build,
)
from reports.workbook.table import Record

__all__ = ["Actor", "Assessment", "Event", "Issue", "Model", "OutlookItem", "Position", "Shift",
           "Source"]


@dataclass(frozen=True)
class Shift:
    """A change of stance: ``before`` -> ``after`` on ``after.as_of``."""

    before: Position
    after: Position

    @property
    def date(self) -> date:
        return self.after.as_of


def _by_date(events: list[Event]) -> list[Event]:
    return sorted(events, key=attrgetter("date", "event_id"))


def _by_pair(positions: list[Position]) -> list[Position]:
    return sorted(positions, key=attrgetter("actor_id", "issue_id", "as_of"))


class Model:
    """All records of one workbook, with the queries memos need.

    ``events`` (sorted by date, then id) and ``positions`` (by actor, issue, date) are
    the long lists: a model made by :meth:`from_records` builds their records from the
    validated columns the first time they are used.
    """

    def __init__(self, actors: list[Actor], issues: list[Issue], events: list[Event],
                 positions: list[Position], sources: list[Source],
                 outlook: list[OutlookItem], assessments: list[Assessment]):
        self._tables: dict[str, Sequence[Record]] = {}
        self.actors = {a.actor_id: a for a in actors}
        self.issues = {i.issue_id: i for i in issues}
        self.sources = {s.source_id: s for s in sources}
        self.events = _by_date(events)
        self.positions = _by_pair(positions)
        self.outlook_items = outlook
        self.assessment_items = assessments  # workbook order; queries sort stably by date
        self._known_from: dict[tuple[str, ...], date] = {}
        self._cuts: dict[tuple[int, str | None], Model] = {}  # within(), made once each

    @classmethod
    def from_records(cls, records: Mapping[str, Sequence[Record]]) -> Model:
        """Build from :attr:`reports.workbook.validate.Validated.records` (a workbook without
        errors)."""
        model = cls([], [], [], [], [], [], [])
        model.actors = {a.actor_id: a for a in build(Actor, records.get("Actors", []))}
        model.issues = {i.issue_id: i for i in build(Issue, records.get("Issues", []))}
        model.sources = {s.source_id: s for s in build(Source, records.get("Sources", []))}
        model.outlook_items = build(OutlookItem, records.get("Outlook", []))
        model.assessment_items = build(Assessment, records.get("Assessments", []))
        del model.events, model.positions  # built from these on first use:
        model._tables = {name: records.get(name, []) for name in ("Events", "Positions")}
        return model

    @cached_property
    def events(self) -> list[Event]:
        return _by_date(build(Event, self._tables.pop("Events")))

    @cached_property
    def positions(self) -> list[Position]:
        return _by_pair(build(Position, self._tables.pop("Positions")))

    # -- indexes, built on first use, so that a query scans only what it can return ------

    @cached_property
    def _history(self) -> dict[tuple[str, str], list[Position]]:
        history: dict[tuple[str, str], list[Position]] = defaultdict(list)
        for pos in self.positions:
            history[(pos.actor_id, pos.issue_id)].append(pos)
        return history

    @cached_property
    def _event_dates(self) -> list[date]:
        return [e.date for e in self.events]

    @cached_property
    def _events_by(self) -> dict[str, list[int]]:
        """``"i:<issue_id>"`` / ``"a:<actor_id>"`` -> where its events are in ``events``."""
        found: dict[str, list[int]] = defaultdict(list)
        for n, e in enumerate(self.events):
            for i in dict.fromkeys(e.issues):
                found["i:" + i].append(n)
            for a in dict.fromkeys(e.actors):
                found["a:" + a].append(n)
        return found

    @cached_property
    def _event_known(self) -> list[date]:
        """The first day each event of ``events`` is known (see :meth:`known_from`)."""
        return list(map(self.known_from, (e.sources for e in self.events)))

    @cached_property
    def _seen(self) -> dict[tuple[str, str], list[tuple[date, Position]]]:
        """(actor, issue) -> [(first day the position is known, position)], oldest first."""
        return {pair: [(max(p.as_of, self.known_from(p.sources)), p) for p in rows]
                for pair, rows in self._history.items()}

    # -- handling markings ----------------------------------------------------------------

    @cached_property
    def top_rank(self) -> int:
        """The highest marking rank of any record (0 for an unmarked workbook)."""
        groups = (self.actors.values(), self.issues.values(), self.sources.values(),
                  self.events, self.positions, self.outlook_items, self.assessment_items)
        return max((r.marking_rank for group in groups for r in group), default=0)

    def within(self, ceiling: int, cite: Callable[[Source], bool] | None = None,
               key: str | None = None) -> Model:
        """A model holding only the records ranked at or below ``ceiling`` (and, with
        ``cite``, citing only the sources it accepts, e.g. those graded well enough; such
        a cut is made once per ``key`` when one is given).

        References to a dropped record go too: an event or outlook item loses the actors,
        issues and sources above the ceiling from its lists; a position on a dropped actor
        or issue, an assessment on a dropped issue, and a record whose every source was
        dropped (it rests only on what the memo may not cite) are left out.
        """
        if self.top_rank <= ceiling and cite is None:
            return self
        if cite is None or key is not None:  # memos of one marking share their cut
            found = self._cuts.get((ceiling, key))
            if found is None:
                found = self._cuts[(ceiling, key)] = self._cut(ceiling, cite)
            return found
        return self._cut(ceiling, cite)

    def _cut(self, ceiling: int, cite: Callable[[Source], bool] | None) -> Model:
        actors = {k: a for k, a in self.actors.items() if a.marking_rank <= ceiling}
        issues = {k: i for k, i in self.issues.items() if i.marking_rank <= ceiling}
        sources = {k: s for k, s in self.sources.items() if s.marking_rank <= ceiling
                   and (cite is None or cite(s))}
        keep = _Keeper(ceiling, self, actors, issues, sources)
        positions = [p for p in map(keep.record, self.positions) if p is not None
                     and p.actor_id in actors and p.issue_id in issues]
        assessments = [a for a in map(keep.record, self.assessment_items) if a is not None
                       and (a.issue_id is None or a.issue_id in issues)]
        outlook = [o for o in map(keep.outlook, self.outlook_items) if o is not None]
        return Model(list(actors.values()), list(issues.values()),
                     [e for e in map(keep.record, self.events) if e is not None], positions,
                     list(sources.values()), outlook, assessments)

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
            pool = range(lo, bisect_right(self._event_dates, as_of))
        events, known = self.events, self._event_known
        return [
            e for e, day in ((events[n], known[n]) for n in pool)
            if day <= as_of and e.date <= as_of and (start is None or e.date > start)
            and e.significance >= min_significance
            and (issue is None or issue in e.issues)
            and (actor is None or actor in e.actors)
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


class _Keeper:
    """For :meth:`Model.within`: a record as a memo at ``ceiling`` may hold it, or None."""

    def __init__(self, ceiling: int, model: Model, actors: dict, issues: dict, sources: dict):
        self.ceiling = ceiling
        self.dropped = {name: set(everything) - set(kept) for name, everything, kept in (
            ("actors", model.actors, actors), ("issues", model.issues, issues),
            ("sources", model.sources, sources))}

    def record(self, rec):
        if rec.marking_rank > self.ceiling:
            return None
        changes = {}
        for name, dropped in self.dropped.items():
            ids = getattr(rec, name, ())
            if ids and dropped and not dropped.isdisjoint(ids):
                changes[name] = tuple(i for i in ids if i not in dropped)
        if changes.get("sources") == ():
            return None  # it rests only on sources the memo may not cite
        return replace(rec, **changes) if changes else rec

    def outlook(self, item: OutlookItem) -> OutlookItem | None:
        """An outlook item naming a dropped actor or issue is about it: left out."""
        for name in ("actors", "issues"):
            if not self.dropped[name].isdisjoint(getattr(item, name)):
                return None
        return self.record(item)

