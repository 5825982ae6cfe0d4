"""The periodic memos: the overview (where the relationship stands) and the weekly update
(what happened in the window). Each opens with the desk's overall key judgments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from reports.memo.context import Builder
from reports.memo.parts import (
    by_day,
    chronology,
    commentary,
    desk_key_judgments,
    newest,
    outlook,
    sources_say,
    stance_counts,
)
from reports.memo.selection import choose, most_significant, phrase, recent_shifts
from reports.memo.shapes import Block, ParagraphRow, Section, add, note, section
from reports.model.records import Event, Shift
from reports.text import clip, long_date, plural, short_date

STATE_CHARS = 260  # "where things stand": one or two sentences of an issue's judgment
RECENT_EVENTS = 3  # the overview's "what changed": the most significant events of the period
def issue_state(b: Builder, issue_id: str) -> ParagraphRow:
    """One or two sentences on where an issue stands: the desk's judgment on it (with its
    likelihood and confidence), else the stances on its question and the latest shift."""
    as_of = b.spec.as_of
    judged = b.judgments_in_force.get(issue_id)
    if judged:
        a = judged[0]
        row: ParagraphRow = {"label": b.issue_name(issue_id),
                             "text": clip(_sentences(a.judgment, 2), STATE_CHARS),
                             "attribution": b.said(a)}
        change = b.judgment_change(a).get("change")
        if change:
            if change["previous"]:
                change["previous"] = clip(_sentences(change["previous"], 2), STATE_CHARS)
            row["change"] = change
        add(row, b.shown(a))
        add(row, b.cite_fields(a.sources))
        return row
    current = b.model.current_stances(as_of, issue=issue_id)
    if not current:
        return {"label": b.issue_name(issue_id), "text": "No positions recorded yet.",
                "cites": [], "cite_text": ""}
    issue = b.model.issues[issue_id]
    text = (f"On \u201c{issue.question}\u201d, "
            f"{stance_counts([p.stance for p in current.values()])}.")
    row = {"label": b.issue_name(issue_id), "text": text, "cites": [], "cite_text": ""}
    add(row, b.shown(issue, *current.values()))
    shifts = b.model.shifts(as_of, issue=issue_id)
    if shifts:
        s = shifts[-1]
        row["text"] += (f" Latest shift: {b.actor_name(s.after.actor_id)}, from "
                        f"{s.before.stance} to {s.after.stance} ({short_date(s.date)}).")
        add(row, b.cite_fields(s.after.sources))
        add(row, b.shown(issue, *current.values(), s.before, s.after))
    return row


def _sentences(text: str, count: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:count])


def overview(b: Builder) -> list[Section]:
    as_of, budget, floor = b.spec.as_of, b.budget, b.spec.significance_floor
    active = [i.issue_id for i in b.model.active_issues()]
    latest = b.model.events_picked(as_of).latest_day_of_each("issues")  # no record made
    last_activity: dict[str, Any] = {i: latest.get(i) for i in active}
    issues = choose(active, budget.max_issues, lambda i: (
        last_activity[i] is None, -(last_activity[i] or as_of).toordinal(),
        b.issue_name(i, printed=False).lower(), i))
    days = b.spec.window_days
    shifts = recent_shifts(b.model.shifts(as_of, days), budget.max_shifts)
    recent_events = most_significant(b.model.events_between(as_of, days), RECENT_EVENTS)
    bottom = section("bottom-line", "Bottom line", desk_key_judgments(
        b, "", f"The desk has recorded no overall judgment as of {long_date(as_of)}."))
    state = section("state", "Where things stand",
                    {"type": "paragraphs", "rows": [issue_state(b, i) for i in issues.rows]},
                    b.selection(phrase(issues, "active issues", "most recently active")))
    recent = section(
        "recent", f"What changed in the last {days} days",
        _shift_lines(b, shifts.rows) if shifts.rows else note(
            "No actor changed stance in this period."),
        b.selection(phrase(shifts, "stance changes", "latest")),
        {"type": "paragraphs", "rows": [_event_line(b, e) for e in recent_events.sorted(
            by_day)]} if recent_events.rows else note("No events recorded in this period."),
        b.selection(phrase(recent_events, "events of the period", "most significant")))
    said = section("commentary", "Outside commentary", commentary(
        b, sources_say(b, overall=True), "No outside commentary on the relationship as a "
                                          "whole is recorded."))
    background = section("chronology", "Background chronology", chronology(
        b, b.model.events_picked(as_of, min_significance=floor),
        f"up to {short_date(as_of)}" + (f" (significance {floor} and above)"
                                        if floor > 1 else ""),
        ("chronology", "Full chronology"), compact=True))
    matrix, left = b.matrix(None, chart=True)
    table = b.annex("matrix", "Positions matrix as a table", lambda: matrix[1:])
    every = b.annex("issues", "Issues in detail", lambda: _issues_annex(b, active))
    if issues.left_out:  # every active issue is in the annex: point there
        state["blocks"][-1] = {"type": "selection", "text": phrase(
            issues, "active issues", "most recently active"), "ref": every}
    return [bottom, state, recent, said, background,
            section("matrix", "Positions matrix", matrix[:1], b.selection(
                f"{left} The matrix as a table, with every issue in detail after it, is in "
                f"{table['label']}.".strip(), table)),
            section("outlook", "Outlook", outlook(b, None))]


def _event_line(b: Builder, e: Event) -> ParagraphRow:
    row: ParagraphRow = {"label": short_date(e.date), "text": e.title}
    add(row, b.shown(e))
    add(row, b.cite_fields(e.sources))
    return row


def _shift_lines(b: Builder, shifts: Sequence[Shift]) -> Block:
    """Shifts as lines ("<actor> on <issue>: from opposes to conditional (19 Nov 2019)"),
    newest first: the overview says what changed; the issue brief says why."""
    rows: list[ParagraphRow] = []
    for s in shifts:
        row: ParagraphRow = {
            "label": f"{b.actor_name(s.after.actor_id)} on {b.issue_name(s.after.issue_id)}",
            "text": f"from {s.before.stance} to {s.after.stance} ({short_date(s.date)})"}
        add(row, b.shown(s.before, s.after))
        add(row, b.cite_fields(s.after.sources))
        rows.append(row)
    return {"type": "paragraphs", "rows": rows}


def _issues_annex(b: Builder, issue_ids: list[str]) -> list[Block]:
    """Every active issue: its question and every current stance with the earlier ones
    (``annex_rows`` stances at most, over all issues)."""
    blocks: list[Block] = b.annex_note()
    room = b.budget.annex_rows
    for issue_id in issue_ids:
        issue = b.model.issues[issue_id]
        current = b.model.current_stances(b.spec.as_of, issue=issue_id)
        shown = dict(list(current.items())[:max(room, 0)])
        room -= len(shown)
        question: ParagraphRow = {"text": issue.question, "label": "Question", "cites": [],
                                  "cite_text": ""}
        add(question, b.shown(issue))
        blocks += [{"type": "subheading", "text": b.issue_name(issue_id)},
                   {"type": "paragraphs", "rows": [question]},
                   b.stance_index(shown, "actor", "No positions recorded on this issue.")]
        if len(shown) < len(current):
            blocks.append(note(f"{plural(len(current) - len(shown), 'more stance')} on this "
                               f"issue {'is' if len(current) - len(shown) == 1 else 'are'} "
                               f"not listed (this annex lists at most "
                               f"{b.budget.annex_rows:,})."))
    return blocks


# --------------------------------------------------------------------------- weekly


def weekly(b: Builder) -> list[Section]:
    as_of, days, budget = b.spec.as_of, b.spec.window_days, b.budget
    start = as_of - timedelta(days=days)
    window = [(start + timedelta(days=1)).isoformat(), as_of.isoformat()]
    busy: dict[str, int] = {}  # events of the window per issue
    for e in b.model.events_between(as_of, days):
        for i in e.issues:
            busy[i] = busy.get(i, 0) + 1
    new = [a for key, items in sorted(b.judgments_in_force.items()) if key
           for a in items if a.as_of > start]
    order = newest(new)
    new_chosen = choose(new, budget.max_assessments, lambda a: (
        order(a)[0], -busy.get(a.issue_id or "", 0), order(a)[1]))
    said = [a for a in sources_say(b, days=days)]
    shifts = recent_shifts(b.model.shifts(as_of, days), budget.max_shifts)
    matrix, left = b.matrix(start, chart=False)
    return [
        section("bottom-line", "Bottom line", desk_key_judgments(
            b, "", f"The desk has recorded no overall judgment as of {long_date(as_of)}.")),
        section("events", "What happened", chronology(
            b, b.model.events_between(as_of, days), f"in the {days} days to {short_date(as_of)}",
            ("week", "Every event of the period"),
            window=window, order=lambda e: (-e.significance, e.date, e.event_id))),
        section("shifts", "Position shifts",
                b.shifts_block(shifts.sorted(lambda s: (s.date, s.after.actor_id)),
                               "No actor changed stance in this period."),
                b.selection(phrase(shifts, "stance changes", "latest"))),
        section("judgments", "New judgments on the issues",
                b.judgments_block(new_chosen.rows, (), "The desk made no new judgment on an "
                                                     "issue in this period.", labelled=True),
                b.selection(phrase(new_chosen, "new judgments", "").replace(
                    ".", ": those on the issues with the most events of the period."))),
        section("commentary", "Outside commentary this week", commentary(
            b, said, "No outside commentary recorded in this period.")),
        section("matrix", "Positions matrix", matrix, b.selection(left)),
        section("outlook", f"Outlook: the next {b.spec.outlook_days} days",
                outlook(b, b.spec.outlook_days)),
    ]
