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
    """'New since the last edition': records added, corrected or removed since then."""
    rows = changes.get("rows", [])
    previous = changes.get("previous_as_of", "")
    shown = short_date(previous) if re.fullmatch(r"\d{4}-\d\d-\d\d", previous) else previous
    heading = "New since the last edition"
    if not rows:
        return section("since-last", heading, note(
            f"Nothing was added, corrected or removed since the edition of {shown}."))
    chosen = choose(rows, b.budget.max_events, lambda r: 0)
    printed = [{**{k: v for k, v in r.items() if k != "rank"}, **b.marked(r.get("rank", 0))}
               for r in chosen.rows]  # only the rows printed count for the banner
    return section("since-last", heading,
                   {"type": "changes", "previous": previous, "previous_display": shown,
                    "rows": printed},
                   b.selection(phrase(chosen, "changes", "first")))
