"""What an edition of a memo carries beyond its sections: what is new since the previous
edition, and the summary its mail is written from.

"New since the last edition" lists the changes ``reports.memo.changes`` found between the
previous edition's snapshot and the workbook, within the memo's budget; the summary is
the memo's bottom line and what changed, as plain lines, for the message body.
"""

from __future__ import annotations

import re

from reports.memo.context import Builder, note, section
from reports.memo.selection import choose, phrase
from reports.text import short_date

SUMMARY_LINES = 5  # lines of each part of the summary a memo's mail carries


def summary(sections: list[dict]) -> dict:
    """The bottom line and what changed, as plain lines (the mail body carries them).

    The bottom line is the memo's "Bottom line" section, else the lead of its
    "Assessments"; what changed is its stance shifts (newest first), its recent events
    and what is new since the last edition, at most ``SUMMARY_LINES`` of each.
    """
    lead: dict[str, list[str]] = {"bottom-line": [], "assessments": []}
    changes: list[str] = []
    for sec in sections:
        if sec.get("annex"):
            continue
        for block in sec["blocks"]:
            rows = block.get("rows", [])
            if block["type"] == "paragraphs" and sec["id"] in lead:
                lead[sec["id"]] += [r["text"] for r in rows]
            elif block["type"] == "shifts":
                changes += [f"{r['actor']} on {r['issue']}: {r['from']} -> {r['to']} "
                            f"({r['date_display']})" for r in reversed(rows)]
            elif block["type"] == "paragraphs" and sec["id"] == "recent":
                changes += [f"{r['label']}: {r['text']}" for r in rows]
            elif block["type"] == "changes":
                changes += [r["detail"] for r in rows]
    bottom = lead["bottom-line"] or lead["assessments"]
    return {"bottom_line": bottom[:SUMMARY_LINES], "changes": changes[:SUMMARY_LINES]}


def since_last_edition(b: Builder, changes: dict) -> dict:
    """'New since the last edition': judgments changed first, then the records added or
    corrected, and a count of the entries the memo no longer holds (never their words)."""
    rows = changes.get("rows", [])
    previous = changes.get("previous_as_of", "")
    shown = short_date(previous) if re.fullmatch(r"\d{4}-\d\d-\d\d", previous) else previous
    heading = "New since the last edition"
    judged = judgment_rows(b)
    left = changes.get("left", 0)
    gone = [note(f"{left:,} entr{'y' if left == 1 else 'ies'} shown in the edition of {shown} "
                 f"{'is' if left == 1 else 'are'} no longer in this memo (removed from the "
                 "workbook, or withdrawn).")] if left else []
    if not rows and not judged:
        return section("since-last", heading, gone or note(
            f"Nothing new since the edition of {shown}."))
    chosen = choose(rows, b.budget.max_events, lambda r: 0)
    printed = judged + [{**{k: v for k, v in r.items() if k != "rank"},
                         **b.marked(r.get("rank", 0))}
                        for r in chosen.rows]  # only the rows printed count for the banner
    return section("since-last", heading,
                   {"type": "changes", "previous": previous, "previous_display": shown,
                    "rows": printed},
                   b.selection(phrase(chosen, "changes", "first")), gone)


def judgment_rows(b: Builder) -> list[dict]:
    """A row for each judgment that changed since the previous edition: replaced, revised
    or new (with its words, its likelihood and confidence), or withdrawn (by its day)."""
    rows = []
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
            rows.append({"change": change.kind, "what": "judgment",
                         "detail": f"{name}: {a.judgment} ({said}){was}", **b.shown(a)})
        for day in found.withdrawn:
            rows.append({"change": "withdrawn", "what": "judgment",
                         "detail": f"{name}: the judgment of {short_date(day)} is withdrawn",
                         **b.marked(0)})
    return rows
