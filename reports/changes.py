"""'New since the last issue': what the workbook gained or corrected between two issues.

Each build records a *snapshot* of what the workbook held (every event's date and title,
every position's stance, keyed by ``actor|issue|as_of``). The next issue of the same memo
compares the workbook with the previous issue's snapshot, so it can tell readers what is
new to *them*: events and positions added since, even if back-dated, and entries whose
title, date or stance was corrected. Records dated after the memo's as-of date, not yet
known on it, or outside the memo's scope (its issue, actor or significance floor) are
left out, as in the rest of the memo. Deleted records are not listed.

The result is the ``since_last_issue`` dict :class:`reports.context.MemoSpec` takes.
"""

from __future__ import annotations

from datetime import date

from reports.text import short_date

SNAPSHOT_VERSION = 1



def position_key(actor_id: str, issue_id: str, as_of: date | str) -> str:
    return f"{actor_id}|{issue_id}|{as_of if isinstance(as_of, str) else as_of.isoformat()}"


def snapshot(model) -> dict:
    """What ``model`` (a :class:`reports.model.Model`) holds, as JSON-able data."""
    return {
        "version": SNAPSHOT_VERSION,
        "events": {e.event_id: [e.date.isoformat(), e.title] for e in model.events},
        "positions": {position_key(p.actor_id, p.issue_id, p.as_of): p.stance
                      for p in model.positions},
    }


def since_last_issue(previous: dict, previous_as_of: str, model, memo, as_of: date) -> dict:
    """Rows for the section, comparing ``model`` with the ``previous`` issue's snapshot.

    ``memo`` is a :class:`reports.config.MemoConfig` (its kind, issue, actor and
    significance floor decide what is in scope).
    """
    rows = _event_rows(previous.get("events", {}), model, memo, as_of)
    rows += _position_rows(previous.get("positions", {}), model, memo, as_of)
    return {"previous_as_of": previous_as_of, "rows": rows}


def _event_rows(before: dict, model, memo, as_of: date) -> list[dict]:
    rows = []
    for event in model.events:  # sorted by date, then id
        if event.date > as_of or not model.known(event.sources, as_of):
            continue
        if memo.kind == "issue" and memo.issue not in event.issues:
            continue
        if memo.kind == "actor" and memo.actor not in event.actors:
            continue
        if memo.kind == "overview" and event.significance < memo.significance_floor:
            continue
        label = f'"{event.title}" ({short_date(event.date)})'
        old = before.get(event.event_id)
        if old is None:
            rows.append({"change": "added", "what": "event", "detail": f"Event added: {label}"})
            continue
        old_date, old_title = old[0], old[1]
        fixes = []
        if old_title != event.title:
            fixes.append(f'title was "{old_title}"')
        if old_date != event.date.isoformat():
            fixes.append(f"date was {short_date(old_date)}")
        if fixes:
            rows.append({"change": "corrected", "what": "event",
                         "detail": f"Event corrected: {label}: {'; '.join(fixes)}"})
    return rows


def _position_rows(before: dict, model, memo, as_of: date) -> list[dict]:
    rows = []
    positions = sorted(model.positions, key=lambda p: (p.as_of, p.actor_id, p.issue_id))
    for pos in positions:
        if pos.as_of > as_of or not model.known(pos.sources, as_of):
            continue
        if memo.kind == "issue" and pos.issue_id != memo.issue:
            continue
        if memo.kind == "actor" and pos.actor_id != memo.actor:
            continue
        actor = model.actors[pos.actor_id].name if pos.actor_id in model.actors \
            else pos.actor_id
        issue = model.issues[pos.issue_id].name if pos.issue_id in model.issues \
            else pos.issue_id
        old = before.get(position_key(pos.actor_id, pos.issue_id, pos.as_of))
        if old is None:
            rows.append({"change": "added", "what": "position",
                         "detail": f"Position added: {actor} on {issue}: {pos.stance} "
                                   f"({short_date(pos.as_of)})"})
        elif old != pos.stance:
            rows.append({"change": "corrected", "what": "position",
                         "detail": f"Position corrected: {actor} on {issue} "
                                   f"({short_date(pos.as_of)}): {old} -> {pos.stance}"})
    return rows
