"""Typed records and the as-of queries memos are built from.

Every query takes an ``as_of`` date and returns only what was known on that day:
records dated after it never appear, and neither does a record whose every source was
published after it (the desk could not have known it yet). Outlook items are the one
exception to "dated after": they look forward from the as-of date.

A *shift* is a Positions row whose stance differs from the previous known row for the
same actor and issue; the first row of a pair is a new position, and a row repeating
the previous stance is a restatement.

The model holds each record type's rows as a pandas DataFrame (:mod:`reports.model.tables`);
the queries pick their rows with whole-column (numpy) operations on those frames, and
only the records they return are made, each once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from reports.model.records import (
    Actor,
    Assessment,
    Event,
    Issue,
    OutlookItem,
    Position,
    Record,
    Shift,
    Source,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from reports.model.picked import Picked
    from reports.model.tables import Rows

__all__ = ["Actor", "Assessment", "Event", "Issue", "Model", "OutlookItem", "Position", "Shift",
           "Source"]

SHEETS = ("Actors", "Issues", "Events", "Positions", "Sources", "Outlook", "Assessments")


def _day(day: date) -> int:
    from reports.workbook.typed import day_number
    return day_number(day)


class Model:
    """All records of one workbook, with the queries memos need. ``events`` (by date,
    then id) and ``positions`` (by actor, issue, date): their records are made when first
    used (a query makes only those it returns). ``empty_sheets``: the workbook's sheets
    with a header and no rows."""

    def __init__(self, actors: Sequence[Actor], issues: Sequence[Issue],
                 events: Sequence[Event], positions: Sequence[Position],
                 sources: Sequence[Source], outlook: Sequence[OutlookItem],
                 assessments: Sequence[Assessment], *, empty_sheets: Sequence[str] = ()):
        from reports.model import tables

        given: dict[str, Sequence[Record]] = {
            "Actors": actors, "Issues": issues, "Events": events, "Positions": positions,
            "Sources": sources, "Outlook": outlook, "Assessments": assessments}
        self._setup({name: tables.of_records(name, records) for name, records in given.items()},
                    empty_sheets)

    def _setup(self, rows: dict[str, Rows[Any]], empty_sheets: Sequence[str]) -> None:
        self._rows = rows
        self.empty_sheets = tuple(empty_sheets)
        self._known_from: dict[tuple[str, ...], date] = {}
        self._cuts: dict[tuple[int, str | None], Model] = {}  # within(), made once each

    @classmethod
    def _of(cls, rows: dict[str, Rows[Any]], empty_sheets: Sequence[str] = ()) -> Model:
        model = cls.__new__(cls)
        model._setup(rows, empty_sheets)
        return model

    @classmethod
    def from_records(cls, records: Mapping[str, Sequence[Mapping[str, Any]]]) -> Model:
        """Build from :attr:`reports.workbook.validate.Validated.records` (a workbook without
        errors), or from records given as dicts keyed by column."""
        from reports.model import tables
        from reports.workbook.table import Table

        rows: dict[str, Rows[Any]] = {}
        empty = []
        for name in SHEETS:
            table = records.get(name, [])
            if isinstance(table, Table):
                rows[name] = tables.of_columns(name, table.typed, table.rows,
                                               table.extra_columns)
                if table.empty:
                    empty.append(name)
            else:
                rows[name] = tables.of_dicts(name, [dict(r) for r in table])
        return cls._of(rows, empty)

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame],
                    extra_columns: Mapping[str, Sequence[str]] | None = None,
                    empty_sheets: Sequence[str] = ()) -> Model:
        """Build from validated frames (:attr:`reports.workbook.validate.Validated.frames`)."""
        from reports.model import tables

        extras = extra_columns or {}
        return cls._of({name: tables.of_frame(name, frames[name], extras.get(name, ()))
                        for name in SHEETS}, empty_sheets)

    # -- the records ------------------------------------------------------------------------

    @cached_property
    def actors(self) -> dict[str, Actor]:
        return {a.actor_id: a for a in self._rows["Actors"].all()}

    @cached_property
    def issues(self) -> dict[str, Issue]:
        return {i.issue_id: i for i in self._rows["Issues"].all()}

    @cached_property
    def sources(self) -> dict[str, Source]:
        return {s.source_id: s for s in self._rows["Sources"].all()}

    @cached_property
    def events(self) -> list[Event]:
        return self._rows["Events"].all()

    @cached_property
    def positions(self) -> list[Position]:
        return self._rows["Positions"].all()

    @cached_property
    def outlook_items(self) -> list[OutlookItem]:
        return self._rows["Outlook"].all()

    @cached_property
    def assessment_items(self) -> list[Assessment]:
        """Workbook order; queries sort stably by date."""
        return self._rows["Assessments"].all()

    def frame(self, sheet: str) -> pd.DataFrame:
        """One record type's rows as a DataFrame (a column per record field, then the
        extra columns; events by date, positions by actor, issue and date)."""
        return self._rows[sheet].frame

    # -- what the queries work on, made on first use ----------------------------------------

    @cached_property
    def _published(self) -> tuple[Any, NDArray[np.int64]]:
        from reports.model.tables import ALWAYS

        sources = self._rows["Sources"]
        return sources.column("source_id"), sources.days("published", ALWAYS)

    def _known_days(self, sheet: str) -> NDArray[np.int64]:
        from reports.model.tables import known_days

        ids, published = self._published
        return known_days(self._rows[sheet].column("sources"), ids, published)

    @cached_property
    def _events(self) -> dict[str, NDArray[np.int64]]:
        import numpy as np

        rows = self._rows["Events"]
        on, known = rows.days("date"), self._known_days("Events")
        return {"date": on, "seen": np.maximum(on, known),  # dated and known by then
                "significance": rows.ints("significance")}

    @cached_property
    def _positions(self) -> dict[str, Any]:
        import numpy as np
        import pyarrow.compute as pc

        from reports.model.tables import pairs

        rows = self._rows["Positions"]
        pair, spans = pairs(rows.column("actor_id").to_pylist(),
                            rows.column("issue_id").to_pylist())
        as_of = rows.days("as_of")
        return {"pair": pair, "spans": spans, "as_of": as_of,
                "seen": np.maximum(as_of, self._known_days("Positions")),
                "stance": pc.fill_null(rows.column("stance").dictionary_encode().indices, -1
                                       ).to_numpy(zero_copy_only=False)}

    def _member(self, sheet: str, lists: str, key: str) -> NDArray[np.int64]:
        cache: dict[tuple[str, str, str], NDArray[np.int64]] = self.__dict__.setdefault(
            "_members", {})
        found = cache.get((sheet, lists, key))
        if found is None:
            from reports.model.tables import members

            found = cache[(sheet, lists, key)] = members(self._rows[sheet].column(lists), key)
        return found

    # -- handling markings ----------------------------------------------------------------

    @cached_property
    def top_rank(self) -> int:
        """The highest marking rank of any record (0 for an unmarked workbook)."""
        return max((int(rows.ints("marking_rank").max(initial=0))
                    for rows in self._rows.values()), default=0)

    def within(self, ceiling: int, cite: Callable[[Source], bool] | None = None,
               key: str | None = None) -> Model:
        """A model holding only the records ranked at or below ``ceiling`` (and, with
        ``cite``, citing only the sources it accepts, e.g. those graded well enough; such
        a cut is made once per ``key`` when one is given). References to a dropped record
        go too (:mod:`reports.model.cut` says how)."""
        if self.top_rank <= ceiling and cite is None:
            return self
        if cite is None or key is not None:  # memos of one marking share their cut
            found = self._cuts.get((ceiling, key))
            if found is None:
                found = self._cuts[(ceiling, key)] = self._cut(ceiling, cite)
            return found
        return self._cut(ceiling, cite)

    def _cut(self, ceiling: int, cite: Callable[[Source], bool] | None) -> Model:
        from reports.model.cut import cut_model

        rows = cut_model(self._rows, ceiling, cite)
        return Model._of(rows, self.empty_sheets if any(map(len, rows.values())) else ())

    # -- what was known on a day --------------------------------------------------------

    def known_sources(self, source_ids: tuple[str, ...], as_of: date) -> tuple[str, ...]:
        """Those of ``source_ids`` in the workbook and published by ``as_of`` (or undated)."""
        return tuple(s.source_id for s in map(self.sources.get, source_ids)
                     if s is not None and (s.published is None or s.published <= as_of))

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

    def columns(self, sheet: str, names: Sequence[str],
                known_on: date | None = None) -> list[list[Any]]:
        """Columns ``names`` (Python values) of every row, in record order as :meth:`take`
        numbers it; ``known_on``: of the Events or Positions of that day or before known then."""
        import numpy as np
        import pyarrow as pa

        if known_on is not None and sheet not in ("Events", "Positions"):
            raise ValueError(f"only Events and Positions are dated and known, not {sheet}")
        columns = [self._rows[sheet].column(name) for name in names]
        if known_on is not None:
            seen = self._positions["seen"] if sheet == "Positions" else self._events["seen"]
            at = pa.array(np.flatnonzero(seen <= _day(known_on)), type=pa.int64())
            columns = [column.take(at) for column in columns]
        return [column.to_pylist() for column in columns]

    def take(self, sheet: str, rows: Sequence[int]) -> list[Any]:
        """The records numbered ``rows`` (as :meth:`columns` numbers them), made now."""
        return self._rows[sheet].take(rows)

    # -- queries ------------------------------------------------------------------------

    def events_between(self, as_of: date, days: int | None = None,
                       **where: Any) -> list[Event]:
        """The records of :meth:`events_picked` (every one made)."""
        return self.events_picked(as_of, days, **where).records()

    def events_picked(self, as_of: date, days: int | None = None, *,
                      min_significance: int = 1, issue: str | None = None,
                      actor: str | None = None) -> Picked[Event]:
        """Events with ``as_of - days < date <= as_of`` (all up to as_of when days is None),
        in day order; their records made when read."""
        import numpy as np

        from reports.model.picked import Picked

        ev = self._events
        end = _day(as_of)
        start = end - days if days is not None else None
        if issue is not None or actor is not None:
            pool = (self._member("Events", "issues", issue) if issue is not None
                    else self._member("Events", "actors", actor or ""))
        else:  # the date window of the sorted events, found by bisection
            lo = 0 if start is None else int(np.searchsorted(ev["date"], start, side="right"))
            pool = np.arange(lo, int(np.searchsorted(ev["date"], end, side="right")))
        on = ev["date"][pool]
        keep = (ev["seen"][pool] <= end) & (ev["significance"][pool] >= min_significance)
        if start is not None:
            keep &= on > start
        if issue is not None and actor is not None:
            keep &= np.isin(pool, self._member("Events", "actors", actor))
        at = pool[keep]
        rows: Rows[Event] = self._rows["Events"]
        return Picked(rows, at, ev["date"][at], ev["significance"][at])

    def history(self, actor_id: str, issue_id: str, as_of: date) -> list[Position]:
        """The known positions of one actor on one issue up to ``as_of``, oldest first."""
        import numpy as np

        span = self._positions["spans"].get((actor_id, issue_id))
        if span is None:
            return []
        at = np.arange(*span)
        rows: Rows[Position] = self._rows["Positions"]
        return rows.take(at[self._positions["seen"][at] <= _day(as_of)])

    def _known_positions(self, as_of: date, issue: str | None,
                         actor: str | None) -> NDArray[np.int64]:
        """The positions known on ``as_of`` (of the issue and actor, when given)."""
        import numpy as np
        import pyarrow.compute as pc

        keep = self._positions["seen"] <= _day(as_of)
        rows = self._rows["Positions"]
        for name, value in (("issue_id", issue), ("actor_id", actor)):
            if value:
                keep &= pc.fill_null(pc.equal(rows.column(name), value), False).to_numpy(
                    zero_copy_only=False)
        found: NDArray[np.int64] = np.flatnonzero(keep)
        return found

    def current_stances(self, as_of: date, *, issue: str | None = None,
                        actor: str | None = None) -> dict[tuple[str, str], Position]:
        """(actor_id, issue_id) -> the latest known position on or before ``as_of``."""
        import numpy as np

        at = self._known_positions(as_of, issue, actor)
        if not len(at):
            return {}
        pair = self._positions["pair"][at]
        last = at[np.append(pair[1:] != pair[:-1], True)]  # each pair's latest known row
        rows: Rows[Position] = self._rows["Positions"]
        return {(p.actor_id, p.issue_id): p for p in rows.take(last)}

    def shifts(self, as_of: date, days: int | None = None, *, issue: str | None = None,
               actor: str | None = None) -> list[Shift]:
        """Stance changes dated in the window ``(as_of - days, as_of]``, oldest first."""
        import numpy as np

        at = self._known_positions(as_of, issue, actor)
        if len(at) < 2:
            return []
        pos = self._positions
        before, after = at[:-1], at[1:]
        found = (pos["pair"][before] == pos["pair"][after]) & (
            pos["stance"][before] != pos["stance"][after])
        if days is not None:
            found &= pos["as_of"][after] > _day(as_of) - days
        before, after = before[found], after[found]
        order = np.argsort(pos["as_of"][after], kind="stable")  # pairs sorted already
        rows: Rows[Position] = self._rows["Positions"]
        return [Shift(b, a) for b, a in zip(rows.take(before[order]), rows.take(after[order]),
                                            strict=True)]

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
