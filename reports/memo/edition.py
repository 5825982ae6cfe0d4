"""What an edition of a memo carries beyond its sections: what is new since the previous
edition, and the summary its mail is written from.

"New since the last edition" lists the changes ``reports.memo.changes`` found between the
previous edition's snapshot and the workbook, within the memo's budget: the desk's
judgments that changed first, then the records added late or corrected. The summary is
what a reader needs from the message alone: the memo's key judgments (each with its
likelihood and confidence) and what changed, as news: changed judgments, then the most
significant new events, then shifts in stance; workbook housekeeping last, in one line;
"Nothing new since <day>." when that is so.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from reports.memo.context import Builder
from reports.memo.selection import choose, most_significant, phrase
from reports.memo.shapes import (
    Block,
    ChangeRow,
    JudgmentRow,
    Section,
    SinceLast,
    Summary,
    note,
    section,
)
from reports.model.picked import Picked
from reports.model.records import Event, Shift
from reports.text import plural, short_date

SUMMARY_LINES = 5  # the key judgments and the changed judgments a mail carries, at most
SUMMARY_EVENTS = 3  # the most significant new events it names
SUMMARY_SHIFTS = 3  # the latest shifts in stance it names


def judgment_line(row: JudgmentRow) -> str:
    """A judgment as one plain line: '1. <text> (likely (55-80%); confidence: medium)'."""
    if row.get("withdrawn"):
        return row.get("text", "")
    said = "; ".join(x for x in (row.get("likelihood_text", ""),
                                 f"confidence: {row['confidence']}" if row.get("confidence")
                                 else "") if x)
    head = f"{row['number']}. " if row.get("number") else ""
    label = f"{row['label']}: " if row.get("label") else ""
    text = f"{head}{label}{row.get('text', '')}"
    return f"{text} ({said})" if said else text


def summary(b: Builder, sections: list[Section]) -> Summary:
    """The key judgments and what changed, as plain lines (the mail body carries them).

    The key judgments are the rows of the memo's "Bottom line" (its first section). What
    changed counts from the previous issued edition, else from the start of the memo's
    window (``window_days`` before the as-of day): the desk's judgments that changed, the
    most significant events dated since then and the shifts in stance since then (newest
    first), within the memo's scope; then one line of housekeeping (entries added late,
    corrected or removed), if any. Every record named is one the memo's own cut holds,
    and counts for its banner.
    """
    bottom: list[str] = []
    for block in sections[0]["blocks"] if sections else []:
        if block["type"] == "judgments":
            bottom += [judgment_line(r) for r in block["rows"]]
        elif block["type"] == "paragraphs":
            bottom += [f"{r['label']}: {r.get('text', '')}" if r.get("label")
                       else r.get("text", "") for r in block["rows"]]
    spec, as_of = b.spec, b.spec.as_of
    since = spec.since_last_edition
    day = (date.fromisoformat(since["previous_as_of"])
           if since and re.fullmatch(r"\d{4}-\d\d-\d\d", since.get("previous_as_of", ""))
           else as_of - timedelta(days=spec.window_days))
    news = [_changed_line(r) for r in judgment_rows(b)][:SUMMARY_LINES]
    events = _events_in_scope(b, day)
    for e in most_significant(events, SUMMARY_EVENTS).sorted(
            lambda e: (-e.significance, e.date, e.event_id)):
        b.shown(e)
        news.append(f"{short_date(e.date)}: {e.title}")
    shifts = _shifts_in_scope(b, day)[-SUMMARY_SHIFTS:]
    for s in reversed(shifts):
        b.shown(s.before, s.after)
        news.append(f"{b.actor_name(s.after.actor_id)} on {b.issue_name(s.after.issue_id)}: "
                    f"from {s.before.stance} to {s.after.stance} ({short_date(s.date)})")
    if not news:
        news.append(f"Nothing new since {short_date(day)}.")
    chores = _housekeeping(since) if since else ""
    if chores:
        news.append(chores)
    return {"bottom_line": bottom[:SUMMARY_LINES], "changes": news, "since": short_date(day)}


def _changed_line(row: ChangeRow) -> str:
    return f"Judgment {row.get('change', '')}: {row.get('detail', '')}"


def _events_in_scope(b: Builder, after: date) -> Picked[Event]:
    """The memo's events dated after ``after`` (to its as-of day), records made when read."""
    spec = b.spec
    days = (spec.as_of - after).days  # the window (after, as_of]
    if spec.kind == "issue":
        return b.model.events_picked(spec.as_of, days, issue=spec.issue)
    if spec.kind == "actor":
        return b.model.events_picked(spec.as_of, days, actor=spec.actor)
    floor = spec.significance_floor if spec.kind == "overview" else 1
    return b.model.events_picked(spec.as_of, days, min_significance=floor)


def _shifts_in_scope(b: Builder, after: date) -> list[Shift]:
    """The memo's shifts dated after ``after`` (to its as-of day), oldest first."""
    spec = b.spec
    return list(b.model.shifts(spec.as_of, (spec.as_of - after).days,
                               issue=spec.issue if spec.kind == "issue" else None,
                               actor=spec.actor if spec.kind == "actor" else None))


def _housekeeping(since: SinceLast) -> str:
    """One short line on the workbook's housekeeping since the last edition."""
    rows = since.get("rows", [])
    added = sum(1 for r in rows if r.get("change") == "added")
    fixed = sum(1 for r in rows if r.get("change") == "corrected")
    left = since.get("left", 0)
    parts = [x for x in (f"{plural(added, 'earlier entry', 'earlier entries')} added"
                         if added else "",
                         f"{plural(fixed, 'entry', 'entries')} corrected" if fixed else "",
                         f"{plural(left, 'entry', 'entries')} removed" if left else "") if x]
    if not parts:
        return ""
    return f"Also: {', '.join(parts)} (see the memo)."


def since_last_edition(b: Builder, changes: SinceLast) -> Section:
    """'New since the last edition': judgments changed first, then the records added or
    corrected, and a count of the entries the memo no longer holds (never their words)."""
    rows = changes.get("rows", [])
    previous = changes.get("previous_as_of", "")
    shown = short_date(previous) if re.fullmatch(r"\d{4}-\d\d-\d\d", previous) else previous
    heading = "New since the last edition"
    judged = judgment_rows(b)
    left = changes.get("left", 0)
    gone: list[Block] = [note(f"{plural(left, 'entry', 'entries')} shown in the edition of {shown} "
                 f"{'is' if left == 1 else 'are'} no longer in this memo (removed from the "
                 "workbook, or withdrawn).")] if left else []
    if not rows and not judged:
        return section("since-last", heading, gone or [note(
            f"Nothing new since the edition of {shown}.")])
    chosen = choose(rows, b.budget.max_events, lambda r: 0)
    printed: list[ChangeRow] = list(judged)
    for r in chosen.rows:  # only the rows printed count for the banner
        row: ChangeRow = {"change": r.get("change", ""), "what": r.get("what", ""),
                          "detail": r.get("detail", "")}
        mark = b.marked(r.get("rank", 0)).get("portion")
        if mark:
            row["portion"] = mark
        printed.append(row)
    return section("since-last", heading,
                   {"type": "changes", "previous": previous, "previous_display": shown,
                    "rows": printed},
                   b.selection(phrase(chosen, "changes", "first")), gone)


def judgment_rows(b: Builder) -> list[ChangeRow]:
    """A row for each desk judgment that changed since the previous edition: replaced,
    revised or new (with its words, its likelihood and confidence), or withdrawn (by its
    day)."""
    rows: list[ChangeRow] = []
    for key, found in sorted(b.judgment_changes.items(), key=lambda kv: (kv[0] != "", kv[0])):
        name = b.issue_name(key) if key else "Overall"
        in_force = b.judgments_in_force.get(key, [])
        for index, change in sorted(found.changed.items()):
            a = in_force[index]
            likely = b.likelihood(a)
            said = "; ".join(x for x in ((f"likelihood: {likely}" if likely else ""),
                                        f"confidence: {a.confidence}") if x)
            was = (f" (replaces the judgment of {short_date(change.previous_as_of)})"
                   if change.kind == "replaced" else
                   f" (revises the judgment of {short_date(change.previous_as_of)})"
                   if change.kind == "revised" else "")
            row: ChangeRow = {"change": change.kind, "what": "judgment",
                              "detail": f"{name}: {a.judgment} ({said}){was}"}
            mark = b.shown(a).get("portion")
            if mark:
                row["portion"] = mark
            rows.append(row)
        for day in found.withdrawn:
            row = {"change": "withdrawn", "what": "judgment",
                   "detail": f"{name}: the judgment of {short_date(day)} is withdrawn"}
            mark = b.marked(0).get("portion")
            if mark:
                row["portion"] = mark
            rows.append(row)
    return rows
