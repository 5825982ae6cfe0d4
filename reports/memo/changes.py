"""'New since the last edition': what the workbook gained, corrected or lost between two
editions of a memo.

Each build records a *snapshot* of what the workbook held: every event (date, title,
issues, actors, significance, marking rank) and every position (stance, marking rank),
keyed by ``actor|issue|as_of``. The next edition of the same memo compares the workbook
with the previous edition's snapshot, so it can tell readers what is new to *them*:
events and positions added since (even if back-dated), entries whose title, date or
stance was corrected, and entries removed from the workbook. Records dated after the
memo's as-of date, not yet known on it, above the memo's marking, or outside its scope
(its issue, actor or significance floor) are left out, as in the rest of the memo.

The snapshot also keeps every assessment (issue, date, judgment), so the next edition can
show where a judgment changed since the one the previous edition printed
(:func:`judgments_then`).

Snapshots of version 1 (before removals were tracked) hold no scope for events and no
assessments, so no removals or changes of judgment are reported against them; the next
edition has a version 2 snapshot.
"""

from __future__ import annotations

from datetime import date

from reports.text import short_date

SNAPSHOT_VERSION = 2


def position_key(actor_id: str, issue_id: str, as_of: date | str) -> str:
    return f"{actor_id}|{issue_id}|{as_of if isinstance(as_of, str) else as_of.isoformat()}"


def _rank(record) -> int:
    return getattr(record, "marking_rank", 0) or 0


def snapshot(model) -> dict:
    """What ``model`` (a :class:`reports.model.model.Model`) holds, as JSON-able data."""
    return {
        "version": SNAPSHOT_VERSION,
        "events": {e.event_id: [e.date.isoformat(), e.title, list(e.issues), list(e.actors),
                                e.significance, _rank(e)] for e in model.events},
        "positions": {position_key(p.actor_id, p.issue_id, p.as_of): [p.stance, _rank(p)]
                      for p in model.positions},
        "assessments": [[a.issue_id or "", a.as_of.isoformat(), a.judgment, _rank(a)]
                        for a in model.assessment_items],
    }


def judgments_then(previous: dict, previous_as_of: str, ceiling: int | None = None) -> dict:
    """The latest judgment on each issue ('' for overall) the previous edition could show:
    ``{key: {"text", "as_of"}}`` (empty for snapshots that hold no assessments)."""
    latest: dict[str, dict] = {}
    for key, day, text, rank in previous.get("assessments", []):
        if day <= previous_as_of and (ceiling is None or rank <= ceiling):
            if key not in latest or day > latest[key]["as_of"]:
                latest[key] = {"text": text, "as_of": day}
    return latest


def since_last_edition(previous: dict, previous_as_of: str, model, memo, as_of: date,
                       ceiling: int | None = None, whole=None) -> dict:
    """Rows for the section, comparing ``model`` (what the memo may hold) with the
    ``previous`` edition's snapshot.

    ``memo`` is a :class:`reports.config.load.MemoConfig` (its kind, issue, actor and
    significance floor decide what is in scope); ``ceiling`` the highest marking rank the
    memo may show (None: all). ``whole``: the whole workbook's model when ``model`` is cut
    to the memo's marking: what was removed is looked for there, so that an entry the cut
    leaves out (one resting only on sources above the ceiling) is not called removed.
    """
    scope = _Scope(memo, as_of, ceiling)
    rows = _event_rows(previous.get("events", {}), model, scope)
    rows += _position_rows(previous.get("positions", {}), model, scope)
    result = {"previous_as_of": previous_as_of, "rows": rows}
    if previous.get("version", 1) >= 2:
        rows += _removed_rows(previous, whole if whole is not None else model, model, scope)
        result["judgments"] = judgments_then(previous, previous_as_of, ceiling)
    return result


class _Scope:
    def __init__(self, memo, as_of: date, ceiling: int | None):
        self.kind, self.issue, self.actor = memo.kind, memo.issue, memo.actor
        self.floor, self.as_of, self.ceiling = memo.significance_floor, as_of, ceiling

    def event(self, day: date, issues, actors, significance: int, rank: int) -> bool:
        return (day <= self.as_of and self.visible(rank)
                and (self.kind != "issue" or self.issue in issues)
                and (self.kind != "actor" or self.actor in actors)
                and (self.kind != "overview" or significance >= self.floor))

    def position(self, actor_id: str, issue_id: str, day: date, rank: int) -> bool:
        return (day <= self.as_of and self.visible(rank)
                and (self.kind != "issue" or issue_id == self.issue)
                and (self.kind != "actor" or actor_id == self.actor))

    def visible(self, rank: int) -> bool:
        return self.ceiling is None or rank <= self.ceiling


def _event_rows(before: dict, model, scope: _Scope) -> list[dict]:
    rows = []
    for event in model.events:  # sorted by date, then id
        if not scope.event(event.date, event.issues, event.actors, event.significance,
                           _rank(event)) or not model.known(event.sources, scope.as_of):
            continue
        label = f'"{event.title}" ({short_date(event.date)})'
        old = before.get(event.event_id)
        if old is None:
            rows.append({"change": "added", "what": "event", "detail": f"Event added: {label}",
                         "rank": _rank(event)})
            continue
        old_date, old_title = old[0], old[1]
        fixes = []
        if old_title != event.title:
            fixes.append(f'title was "{old_title}"')
        if old_date != event.date.isoformat():
            fixes.append(f"date was {short_date(old_date)}")
        if fixes:
            rows.append({"change": "corrected", "what": "event", "rank": _rank(event),
                         "detail": f"Event corrected: {label}: {'; '.join(fixes)}"})
    return rows


def _names(model, actor_id: str, issue_id: str) -> tuple[str, str]:
    actor = model.actors[actor_id].name if actor_id in model.actors else actor_id
    issue = model.issues[issue_id].name if issue_id in model.issues else issue_id
    return actor, issue


def _position_rows(before: dict, model, scope: _Scope) -> list[dict]:
    rows = []
    positions = sorted(model.positions, key=lambda p: (p.as_of, p.actor_id, p.issue_id))
    for pos in positions:
        if not scope.position(pos.actor_id, pos.issue_id, pos.as_of, _rank(pos)) or \
                not model.known(pos.sources, scope.as_of):
            continue
        actor, issue = _names(model, pos.actor_id, pos.issue_id)
        old = before.get(position_key(pos.actor_id, pos.issue_id, pos.as_of))
        old_stance = old[0] if isinstance(old, list) else old
        if old is None:
            rows.append({"change": "added", "what": "position", "rank": _rank(pos),
                         "detail": f"Position added: {actor} on {issue}: {pos.stance} "
                                   f"({short_date(pos.as_of)})"})
        elif old_stance != pos.stance:
            rows.append({"change": "corrected", "what": "position", "rank": _rank(pos),
                         "detail": f"Position corrected: {actor} on {issue} "
                                   f"({short_date(pos.as_of)}): {old_stance} -> {pos.stance}"})
    return rows


def _removed_rows(previous: dict, whole, model, scope: _Scope) -> list[dict]:
    """Entries of the previous edition's workbook that the workbook (``whole``) no longer
    holds.

    Only entries the memo could have shown then (in scope, at or below its marking) are
    listed, by the title they had; a position whose actor or issue the memo no longer
    shows (not in ``model``) is not listed, so nothing above the memo's marking is named.
    """
    rows = []
    ids = {e.event_id for e in whole.events}
    for event_id, (day, title, issues, actors, significance, rank) in sorted(
            previous.get("events", {}).items(), key=lambda kv: (kv[1][0], kv[0])):
        if event_id not in ids and scope.event(date.fromisoformat(day), issues, actors,
                                                significance, rank):
            rows.append({"change": "removed", "what": "event", "rank": rank,
                         "detail": f'Event removed: "{title}" ({short_date(day)})'})
    keys = {position_key(p.actor_id, p.issue_id, p.as_of) for p in whole.positions}
    for key, (stance, rank) in sorted(previous.get("positions", {}).items()):
        actor_id, issue_id, day = key.split("|")
        if key in keys or actor_id not in model.actors or issue_id not in model.issues:
            continue  # a position of an actor or issue the memo no longer shows: not named
        if scope.position(actor_id, issue_id, date.fromisoformat(day), rank):
            actor, issue = _names(model, actor_id, issue_id)
            rows.append({"change": "removed", "what": "position", "rank": rank,
                         "detail": f"Position removed: {actor} on {issue}: {stance} "
                                   f"({short_date(day)})"})
    return rows
