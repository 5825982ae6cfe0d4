"""What one edition of a memo carries to the next, and what the next one says changed.

Each edition ``run`` issues keeps a *snapshot* in the run record: what that edition could
show, made from the memo's own cut of the workbook (its ceiling and minimum grade: the
model the memo itself is built from), as known on its as-of date:

- every event (date, a fingerprint of its title, issues, actors, significance);
- every position (stance), keyed by ``actor|issue|as_of``;
- the desk's judgments in force on each issue ('' for the overall ones): those of the
  latest day, with their text (outside commentary, ``whose = source``, is no judgment of
  the desk's: it never counts as one changing).

Nothing above the memo's ceiling is ever in it, so nothing above it can come back in a
later edition. The next edition of the same memo compares its own cut with that snapshot
(:func:`since_last_edition`) only when both were cut alike (:func:`comparable`): events
and positions dated on or before the previous edition that it did not show (entered late,
known late, or re-marked down to the memo's level: those dated later are the news the
memo's body tells anyway),
corrected since (the title or date of an event, the stance of a position), and entries
that left the memo (deleted from the workbook, or re-marked above its level: the two look
alike from the memo's side), which are counted but never quoted. The judgments the
previous edition showed go to :func:`judgment_changes`.

Snapshots older than version 3 were taken from the whole workbook: they are never
compared with (the run record drops them when it is opened: reports/schedule/record/).
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from reports.memo.shapes import ChangeRow, SinceLast
from reports.model.model import Model
from reports.model.records import Assessment
from reports.text import short_date

SNAPSHOT_VERSION = 3
Snapshot = dict[str, Any]


class Scoped(Protocol):
    """What decides a memo's scope (``reports.config.load.MemoConfig``)."""

    @property
    def kind(self) -> str: ...
    @property
    def issue(self) -> str | None: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def significance_floor(self) -> int: ...


def position_key(actor_id: str, issue_id: str, as_of: date | str) -> str:
    return f"{actor_id}|{issue_id}|{as_of if isinstance(as_of, str) else as_of.isoformat()}"


def fingerprint(text: str) -> str:
    """A short hash of a text: tells a change without keeping the words."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def snapshot(model: Model, marking: str, min_grade: str, as_of: date) -> Snapshot:
    """What an edition as of ``as_of`` could show, from ``model``: the memo's own cut of
    the workbook (:func:`reports.memo.contents.visible_model`), at ``marking`` and ``min_grade``."""
    from reports.workbook.table import bulk

    ids, days, titles, issues, actors, significance = model.columns(
        "Events", ("event_id", "date", "title", "issues", "actors", "significance"), as_of)
    who, what, when, stance = model.columns(
        "Positions", ("actor_id", "issue_id", "as_of", "stance"), as_of)
    with bulk():  # a few hundred thousand small objects, all kept: no GC walks meanwhile
        events = {i: [d.isoformat(), fingerprint(t), list(iss or ()), list(act or ()), s]
                  for i, d, t, iss, act, s in zip(ids, days, titles, issues, actors,
                                                  significance, strict=True)}
    return {
        "version": SNAPSHOT_VERSION, "marking": marking, "min_grade": min_grade,
        "as_of": as_of.isoformat(),
        "events": events,
        "positions": {position_key(a, i, d): s
                      for a, i, d, s in zip(who, what, when, stance, strict=True)},
        "judgments": {key: [[a.as_of.isoformat(), a.judgment] for a in items]
                      for key, items in in_force(model, as_of).items()},
    }


def comparable(previous: Snapshot | None, marking: str, min_grade: str) -> bool:
    """Whether an edition may be compared with ``previous`` (a snapshot): one made the
    same way, at the same ceiling and minimum grade. A memo whose marking was lowered
    since must never be compared with what a higher edition held."""
    return (previous is not None and previous.get("version") == SNAPSHOT_VERSION
            and previous.get("marking") == marking
            and previous.get("min_grade") == min_grade)


def is_desk(assessment: Assessment) -> bool:
    """Whether a judgment is the desk's own (``whose`` blank or "desk"), not a source's."""
    return assessment.whose != "source"


def in_force(model: Model, as_of: date) -> dict[str, list[Assessment]]:
    """The desk's judgments in force on ``as_of`` for each issue ('' overall): every one
    of its latest day, in workbook order. Outside commentary is never in force."""
    found: dict[str, list[Assessment]] = {}
    for a in model.assessments(as_of):  # newest first, then workbook order
        if not is_desk(a):
            continue
        key = a.issue_id or ""
        if key not in found or found[key][0].as_of == a.as_of:
            found.setdefault(key, []).append(a)
    return found


# -- what changed in the judgments -----------------------------------------------------------

@dataclass
class JudgmentChange:
    """How one judgment in force now differs from what the previous edition showed."""

    kind: str  # "replaced" (old text quotable), "revised" (the old wording is gone), "new"
    previous_as_of: str = ""  # the replaced or revised judgment's day
    previous_text: str = ""  # only for "replaced": the old row is still in the workbook


@dataclass
class JudgmentChanges:
    """What changed in the judgments on one key (an issue_id, '' overall)."""

    changed: dict[int, JudgmentChange] = field(default_factory=dict)  # index in force -> change
    withdrawn: list[str] = field(default_factory=list)  # days of judgments no longer held


def judgment_changes(previous: SinceLast | Snapshot | None, model: Model,
                     as_of: date) -> dict[str, JudgmentChanges]:
    """Per key, how the judgments in force now (``in_force(model, as_of)``) differ from those
    the previous edition showed (``previous["judgments"]``); {} without a previous edition.

    A judgment still in force is unchanged, whatever else happened. One the previous
    edition showed that is superseded by a newer one and still in the workbook is shown
    replaced (its words deleted, the new ones inserted); one that is gone from the memo's
    cut (deleted, or re-marked above the memo) is never quoted: the new judgment is
    "revised", or, with no new one, the old is listed as withdrawn by its date alone.
    """
    if previous is None:
        return {}
    before: dict[str, list[list[str]]] = previous.get("judgments", {})
    now = in_force(model, as_of)
    still = {(a.issue_id or "", a.as_of.isoformat(), a.judgment)
             for a in model.assessments(as_of) if is_desk(a)}
    result: dict[str, JudgmentChanges] = {}
    for key in sorted(set(before) | set(now)):
        shown = before.get(key, [])
        current = now.get(key, [])
        texts_now = {a.judgment for a in current}
        texts_then = {text for _, text in shown}
        gone = [(day, text) for day, text in shown if text not in texts_now]
        quotable = [(day, text) for day, text in gone if (key, day, text) in still]
        unquotable = [(day, text) for day, text in gone if (key, day, text) not in still]
        changes = JudgmentChanges()
        for index, a in enumerate(current):
            if a.judgment in texts_then:
                continue
            if quotable:
                day, text = quotable.pop(0)
                changes.changed[index] = JudgmentChange("replaced", day, text)
            elif unquotable:
                day, _ = unquotable.pop(0)
                changes.changed[index] = JudgmentChange("revised", day)
            else:
                changes.changed[index] = JudgmentChange("new")
        changes.withdrawn = [day for day, _ in quotable + unquotable]
        if changes.changed or changes.withdrawn:
            result[key] = changes
    return result


# -- what changed in events and positions --------------------------------------------------

def since_last_edition(previous: Snapshot, previous_as_of: str, model: Model, memo: Scoped,
                       as_of: date, current: Snapshot | None = None) -> SinceLast:
    """Rows for "New since the last edition", comparing ``model`` (the memo's own cut of
    the workbook) with the ``previous`` edition's snapshot (see :func:`comparable`).

    ``memo`` is a :class:`reports.config.load.MemoConfig`: its kind, issue, actor and
    significance floor decide what is in scope. ``current``: this edition's
    :func:`snapshot` of ``model``, if taken already. The two snapshots are compared; only
    the records of the rows reported are made. Returns ``{"previous_as_of", "rows",
    "left", "judgments"}``: ``left`` counts the entries the previous edition could show
    that this one no longer holds (their words are not repeated).
    """
    now = current if current is not None else snapshot(model, "", "", as_of)
    scope = _Scope(memo, as_of, date.fromisoformat(previous_as_of))
    events = _Numbered(model, "Events", ("event_id",))
    positions = _Numbered(model, "Positions", ("actor_id", "issue_id", "as_of"))
    rows = _event_rows(previous.get("events", {}), now["events"], events, scope)
    rows += _position_rows(previous.get("positions", {}), now["positions"], positions, model,
                           scope)
    return {"previous_as_of": previous_as_of, "rows": rows,
            "left": _left(previous, events, positions, scope),
            "judgments": previous.get("judgments", {})}


class _Numbered:
    """Every record of a sheet in the memo's cut by its key (the snapshot's), numbered:
    once per cut, which the memos of one marking share (kept while the cut lives)."""

    numbers: weakref.WeakKeyDictionary[Model, dict[tuple[str, tuple[str, ...]], dict[
        str, int]]] = weakref.WeakKeyDictionary()

    def __init__(self, model: Model, sheet: str, key: tuple[str, ...]):
        self.model, self.sheet = model, sheet
        numbered = self.numbers.setdefault(model, {})
        if (sheet, key) not in numbered:
            columns = model.columns(sheet, key)
            keys = columns[0] if len(key) == 1 else [
                position_key(*parts) for parts in zip(*columns, strict=True)]
            numbered[sheet, key] = {k: n for n, k in enumerate(keys)}
        self.number = numbered[sheet, key]  # shared: read, never changed

    def records(self, keys: list[str]) -> dict[str, Any]:
        """The records of ``keys`` (each in this cut), made now."""
        return dict(zip(keys, self.model.take(self.sheet, [self.number[k] for k in keys]),
                        strict=True))


class _Scope:
    def __init__(self, memo: Scoped, as_of: date, previous_as_of: date):
        self.kind, self.issue, self.actor = memo.kind, memo.issue, memo.actor
        self.floor, self.as_of, self.previous = memo.significance_floor, as_of, previous_as_of

    def event(self, day: date, issues: Any, actors: Any, significance: int) -> bool:
        return (day <= self.as_of
                and (self.kind != "issue" or self.issue in issues)
                and (self.kind != "actor" or self.actor in actors)
                and (self.kind != "overview" or significance >= self.floor))

    def position(self, actor_id: str, issue_id: str, day: date) -> bool:
        return (day <= self.as_of
                and (self.kind != "issue" or issue_id == self.issue)
                and (self.kind != "actor" or actor_id == self.actor))


def _rank(record: object) -> int:
    return getattr(record, "marking_rank", 0) or 0


def _event_rows(before: dict[str, list[Any]], now: dict[str, list[Any]], events: _Numbered,
                scope: _Scope) -> list[ChangeRow]:
    found: list[tuple[str, list[str] | None]] = []  # (event_id, what was corrected; None: added)
    for event_id, (day, title, issues, actors, significance) in now.items():  # by date, id
        on = date.fromisoformat(day)
        if not scope.event(on, issues, actors, significance):
            continue
        old = before.get(event_id)
        if old is None:
            if on <= scope.previous:  # else dated since the last edition: news the body tells
                found.append((event_id, None))
            continue
        fixes = []
        if old[1] != title:
            fixes.append("title corrected")
        if old[0] != day:
            fixes.append(f"date was {short_date(old[0])}")
        if fixes:
            found.append((event_id, fixes))
    records = events.records([event_id for event_id, _ in found])
    rows: list[ChangeRow] = []
    for event_id, corrected in found:
        event = records[event_id]
        label = f'"{event.title}" ({short_date(event.date)})'
        if corrected is None:
            rows.append({"change": "added", "what": "event", "detail": f"Event added: {label}",
                         "rank": _rank(event)})
        else:
            rows.append({"change": "corrected", "what": "event", "rank": _rank(event),
                         "detail": f"Event corrected: {label}: {'; '.join(corrected)}"})
    return rows


def _names(model: Model, actor_id: str, issue_id: str) -> tuple[str, str]:
    actor = model.actors[actor_id].name if actor_id in model.actors else actor_id
    issue = model.issues[issue_id].name if issue_id in model.issues else issue_id
    return actor, issue


def _position_rows(before: dict[str, str], now: dict[str, str], positions: _Numbered,
                   model: Model, scope: _Scope) -> list[ChangeRow]:
    found: list[tuple[str, str | None]] = []  # (key, the stance it had; None: added)
    parts = {key: key.split("|") for key in now}
    for key in sorted(now, key=lambda k: (parts[k][2], parts[k][0], parts[k][1])):
        actor_id, issue_id, day = parts[key]
        on = date.fromisoformat(day)
        if not scope.position(actor_id, issue_id, on):
            continue
        old = before.get(key)
        if old is None:
            if on <= scope.previous:  # else dated since the last edition: news the body tells
                found.append((key, None))
        elif old != now[key]:
            found.append((key, old))
    records = positions.records([key for key, _ in found])
    rows: list[ChangeRow] = []
    for key, old in found:
        pos = records[key]
        actor, issue = _names(model, pos.actor_id, pos.issue_id)
        if old is None:
            rows.append({"change": "added", "what": "position", "rank": _rank(pos),
                         "detail": f"Position added: {actor} on {issue}: {pos.stance} "
                                   f"({short_date(pos.as_of)})"})
        else:
            rows.append({"change": "corrected", "what": "position", "rank": _rank(pos),
                         "detail": f"Position corrected: {actor} on {issue} "
                                   f"({short_date(pos.as_of)}): {old} to {pos.stance}"})
    return rows


def _left(previous: Snapshot, events: _Numbered, positions: _Numbered,
          scope: _Scope) -> int:
    """How many entries in scope the previous edition could show that this memo's cut no
    longer holds: deleted from the workbook or re-marked above the memo (not told apart,
    and not named)."""
    left = sum(1 for event_id, (day, _, issues, actors, significance) in
               previous.get("events", {}).items()
               if event_id not in events.number and scope.event(date.fromisoformat(day),
                                                                issues, actors, significance))
    for key in previous.get("positions", {}):
        actor_id, issue_id, day = key.split("|")
        if key not in positions.number and scope.position(actor_id, issue_id,
                                                          date.fromisoformat(day)):
            left += 1
    return left
