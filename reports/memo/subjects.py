"""The memos about one subject: the issue brief and the actor profile. Each opens with
its bottom line: the desk's judgment on the issue and the question, or who the actor is,
where they stand and what changed, with the desk's judgments on those issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reports.memo.blocks import stance_since
from reports.memo.context import Builder
from reports.memo.parts import (
    check,
    chronology,
    commentary,
    desk_key_judgments,
    newest,
    outlook,
    sources_say,
    stance_counts,
)
from reports.memo.selection import choose, phrase, recent_shifts, stance_order
from reports.memo.shapes import Block, ParagraphRow, Section, add, section
from reports.model.records import Position, Shift
from reports.text import clip, long_date, plural, short_date


def _stances(b: Builder, current: dict[tuple[str, str], Position], by: str,
             empty: str, limit: int, annex_title: str, annex_key: str) -> list[Block]:
    """Current stances first (latest shift, then latest statement), history in an annex."""
    last_shift: dict[tuple[str, str], Any] = {}
    for s in b.model.shifts(b.spec.as_of, issue=b.spec.issue if by == "actor" else None,
                            actor=b.spec.actor if by == "issue" else None):
        last_shift[(s.after.actor_id, s.after.issue_id)] = s.date
    chosen = choose(list(current), limit, stance_order(current, last_shift))
    shown = {pair: current[pair] for pair in sorted(chosen.rows)}

    def annex() -> list[Block]:
        rows = choose(list(current), b.budget.annex_rows, stance_order(current, last_shift))
        return b.annex_note(rows, "current stances", "most recently changed") + [
            b.stance_index({p: current[p] for p in sorted(rows.rows)}, by, empty)]

    if not current:
        return [b.stances_block(shown, by, empty)]
    ref = b.annex(annex_key, annex_title, annex)
    noun = "actors with a position" if by == "actor" else "issues with a position"
    line = phrase(chosen, noun, "most recently changed")
    return [b.stances_block(shown, by, empty, history=False)] + b.selection(
        f"{line} Earlier stances are in the annex.".strip(), ref)


def _stance_section(b: Builder, heading: str, current: dict[tuple[str, str], Position],
                    by: str, limit: int, shifts: Sequence[Shift], whose: str) -> Section:
    """Where each stands now (the ``limit`` that changed most recently) and how stances
    changed (the latest shifts); the full history in an annex."""
    chosen = recent_shifts(shifts, b.budget.max_shifts)
    return section("stances", heading,
                   _stances(b, current, by, f"No positions recorded {whose}.", limit,
                            "Every stance and its history", "stances"),
                   {"type": "subheading", "text": "How stances changed"},
                   b.shifts_block(chosen.sorted(lambda s: (s.date, s.after.actor_id,
                                                           s.after.issue_id)),
                                  f"No stance {whose} has changed.", columns=[by]),
                   b.selection(phrase(chosen, "stance changes", "latest")))


def issue_brief(b: Builder) -> list[Section]:
    issue_id = check(b.spec.issue, b.model.issues, "issue")
    issue, as_of, budget = b.model.issues[issue_id], b.spec.as_of, b.budget
    current = b.model.current_stances(as_of, issue=issue_id)
    question: ParagraphRow = {"label": "The question", "text": issue.question, "cites": [],
                              "cite_text": ""}
    if current:
        question["text"] += f" {stance_counts([p.stance for p in current.values()])}."
    if issue.status != "active":
        question["text"] += f" The issue is {issue.status}."
    add(question, b.shown(issue, *current.values()))
    sections = [
        section("bottom-line", "Bottom line", desk_key_judgments(
            b, issue_id, f"The desk has recorded no judgment on this issue as of "
                         f"{long_date(as_of)}."),
                {"type": "paragraphs", "rows": [question]}),
    ]
    if issue.description:
        background: ParagraphRow = {"text": issue.description, "cites": [], "cite_text": ""}
        add(background, b.shown(issue))
        sections.append(section("background", "Background",
                                {"type": "paragraphs", "rows": [background]}))
    sections += [
        _stance_section(b, "Where every actor stands", current, "actor", budget.max_actors,
                        b.model.shifts(as_of, issue=issue_id), "on this issue"),
        section("commentary", "Outside commentary", commentary(
            b, sources_say(b, issue=issue_id), "No outside commentary on this issue is "
                                                "recorded.")),
        section("events", "Events", chronology(
            b, b.model.events_picked(as_of, issue=issue_id), "on this issue",
            ("events", "Every event on the issue"))),
        section("outlook", "Outlook", outlook(b, None, issue=issue_id)),
    ]
    return sections


ACTOR_KINDS = {"government": "a government", "ministry": "a ministry", "agency": "an agency",
               "legislature": "a legislature", "party": "a political party",
               "international-org": "an international organisation", "company": "a company",
               "expert": "an expert", "media": "a media outlet", "public": "the public",
               "person": "a person"}


def actor_lead(b: Builder, actor_id: str,
               current: dict[tuple[str, str], Position]) -> ParagraphRow:
    """Who the actor is, where they stand on what, and what changed, in a few sentences."""
    from reports.render.style import COUNTRY_NAMES

    actor, as_of = b.model.actors[actor_id], b.spec.as_of
    name = b.actor_name(actor_id)
    country = COUNTRY_NAMES.get(actor.country, actor.country)
    if actor.title:
        who = f"{name} is {actor.title}"
    else:
        who = f"{name} is {ACTOR_KINDS.get(actor.kind, actor.kind)} of {country}"
    if actor.affiliation and actor.affiliation not in who:
        who += f", {actor.affiliation}"
    text = who + "."
    last_shift: dict[tuple[str, str], Any] = {}
    for s in b.model.shifts(as_of, actor=actor_id):
        last_shift[(s.after.actor_id, s.after.issue_id)] = s.date
    ranked = choose(list(current), b.budget.max_issues, stance_order(current, last_shift))
    stands = []
    for pair in ranked.rows:
        pos = current[pair]
        began = stance_since(b.model.history(pair[0], pair[1], as_of))
        stands.append(f"{pos.stance} on {b.issue_name(pair[1])} (since "
                      f"{short_date(began.as_of)})")
    if stands:
        more = f", and a stance on {plural(ranked.left_out, 'other issue')}" \
            if ranked.left_out else ""
        text += " Stances: " + "; ".join(stands) + more + "."
    else:
        text += " No position of the actor is recorded."
    shifts = b.model.shifts(as_of, actor=actor_id)
    cites: tuple[str, ...] = ()
    if shifts:
        s = shifts[-1]
        text += (f" Latest change: on {b.issue_name(s.after.issue_id)}, from {s.before.stance} "
                 f"to {s.after.stance}, {short_date(s.date)}.")
        cites = s.after.sources
    elif current:
        text += " No change of stance is recorded."
    if actor.notes:
        text += " " + clip(str(actor.notes), 200)
    row: ParagraphRow = {"text": text}
    add(row, b.shown(actor, *current.values(), *(x for s in shifts[-1:]
                                                     for x in (s.before, s.after))))
    add(row, b.cite_fields(cites))
    return row


def actor_profile(b: Builder) -> list[Section]:
    actor_id = check(b.spec.actor, b.model.actors, "actor")
    as_of, budget = b.spec.as_of, b.budget
    current = b.model.current_stances(as_of, actor=actor_id)
    issues = list(dict.fromkeys(issue_id for _, issue_id in current))
    judged = [a for key in issues for a in b.judgments_in_force.get(key, [])]
    chosen = choose(judged, budget.max_assessments, newest(judged))
    lead: list[Block] = [{"type": "paragraphs", "rows": [actor_lead(b, actor_id, current)]}]
    if chosen.rows or any(b.judgment_changes.get(k) for k in issues):
        lead.append({"type": "subheading", "text": "The desk's judgments on these issues"})
        lead += b.judgments_block(chosen.rows, issues, labelled=True)
        lead += b.selection(phrase(chosen, "judgments in force", "newest"))
    return [
        section("bottom-line", "Bottom line", lead),
        _stance_section(b, "Stance on each issue", current, "issue", budget.max_issues,
                        b.model.shifts(as_of, actor=actor_id), "of this actor"),
        section("events", "Events", chronology(
            b, b.model.events_picked(as_of, actor=actor_id), "involving this actor",
            ("events", "Every event involving the actor"))),
    ]
