"""What a memo's body shows when the workbook holds more than a briefing can: the rules.

A briefing is read in minutes, so every list in a memo's body is capped by its budget
(``reports.memo.kinds.Budget``) and chosen by rule, never cut silently:

- events: the most significant first, then the most recent, then by id;
- shifts (changes of stance): the most recent first;
- current stances: those that shifted most recently first, then the most recently
  stated; a shift outranks a restatement;
- actors in the positions matrix: those whose stance shifted in the period first, then
  those holding the most positions, then by name;
- outlook: the soonest first, undated last;
- assessments: the newest first.

A :class:`Chosen` keeps the rows shown and how many there were, and says in one line
what was left out ("12 most significant of 4,812 events up to 25 Nov 2019").
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from heapq import nsmallest
from typing import Any, Generic, TypeVar

from reports.model.picked import Picked
from reports.model.records import Event, Position, Shift

T = TypeVar("T")


@dataclass(frozen=True)
class Chosen(Generic[T]):
    """The rows a memo shows (in the order the rule chose them) out of ``total``."""

    rows: list[T]
    total: int

    @property
    def left_out(self) -> int:
        return self.total - len(self.rows)

    def sorted(self, key: Callable[[T], Any]) -> list[T]:
        return sorted(self.rows, key=key)


def choose(items: Iterable[T], limit: int, key: Callable[[T], Any]) -> Chosen[T]:
    """The ``limit`` smallest items by ``key`` (in key order); linear in the item count."""
    pool: Sequence[T] = items if isinstance(items, Sequence) else list(items)
    if limit <= 0:
        return Chosen([], len(pool))
    if len(pool) <= limit:
        return Chosen(sorted(pool, key=key), len(pool))
    return Chosen(nsmallest(limit, pool, key=key), len(pool))


def significance_key(event: Event) -> tuple[int, int, str]:
    """Most significant first, then most recent, then by id."""
    return (-event.significance, -event.date.toordinal(), event.event_id)


def recent_key(event: Event) -> tuple[int, str]:
    return (-event.date.toordinal(), event.event_id)


def most_significant(events: Sequence[Event], limit: int) -> Chosen[Event]:
    """The ``limit`` most significant events (then the most recent). Only the events of
    the significance levels that can make the cut are ranked: one cheap count first (for
    events a query picked, :class:`~reports.model.picked.Picked`, only those whose
    significance and day can make the cut are made at all)."""
    if isinstance(events, Picked):
        return Chosen(choose(events.top(limit), limit, significance_key).rows, len(events))
    counts = Counter(e.significance for e in events)
    floor, taken = 0, 0
    for level in sorted(counts, reverse=True):
        floor, taken = level, taken + counts[level]
        if taken >= limit:
            break
    pool = [e for e in events if e.significance >= floor] if taken > limit else events
    chosen = choose(pool, limit, significance_key)
    return Chosen(chosen.rows, len(events))


def most_recent(events: Sequence[Event], limit: int) -> Chosen[Event]:
    """The ``limit`` most recent events; ``events`` in date order (as the model gives
    them), so only the tail from the cut-off day on is ranked (and, for events a query
    picked, made)."""
    if isinstance(events, Picked):
        return Chosen(choose(events.latest(limit), limit, recent_key).rows, len(events))
    if len(events) > limit > 0:
        cutoff = events[len(events) - limit].date
        start = bisect_left([e.date for e in events], cutoff)
        chosen = choose(events[start:], limit, recent_key)
        return Chosen(chosen.rows, len(events))
    return choose(events, limit, recent_key)


def recent_shifts(shifts: Sequence[Shift], limit: int) -> Chosen[Shift]:
    return choose(shifts, limit, lambda s: (-s.date.toordinal(), s.after.actor_id,
                                            s.after.issue_id))


def stance_order(current: dict[tuple[str, str], Position],
                 last_shift: dict[tuple[str, str], date]
                 ) -> Callable[[tuple[str, str]], tuple[bool, int, int, tuple[str, str]]]:
    """Key over ``current``'s keys: latest shift first, then latest statement, then ids."""
    def key(pair: tuple[str, str]) -> tuple[bool, int, int, tuple[str, str]]:
        shifted = last_shift.get(pair)
        return (shifted is None, -(shifted or date.min).toordinal(),
                -current[pair].as_of.toordinal(), pair)
    return key


def phrase(chosen: Chosen[Any], noun: str, how: str, scope: str = "") -> str:
    """``12 most significant of 4,812 events up to 25 Nov 2019.`` ('' when nothing left out)."""
    if not chosen.left_out:
        return ""
    count = len(chosen.rows)
    what = f"{count:,} {how} of {chosen.total:,} {noun}" if how else \
        f"{count:,} of {chosen.total:,} {noun}"
    return f"{what}{' ' + scope if scope else ''}."
