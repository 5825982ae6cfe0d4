"""What each memo kind holds, in order (``../shared/spec/memos.md``), as one context."""

from __future__ import annotations

from datetime import timedelta

from reports.context import Builder, MemoSpec, note, section
from reports.errors import ConfigError
from reports.kinds import MEMO_KINDS
from reports.model import Model
from reports.text import long_date, printable, short_date


def build_context(model: Model, spec: MemoSpec) -> dict:
    """The one context a memo's renderers share: memo block, sections, cited sources."""
    if spec.kind not in MEMO_KINDS:
        raise ConfigError(f'unknown memo kind "{spec.kind}"; use one of: '
                          f'{", ".join(MEMO_KINDS)}')
    b = Builder(model, spec)
    sections = {"overview": overview, "weekly": weekly, "issue": issue_brief,
                "actor": actor_profile}[spec.kind](b)
    if spec.since_last_issue is not None:
        sections.insert(1, since_last_issue(b, spec.since_last_issue))
    sources = b.cites.listing()
    sections.append(section("sources", "Sources", {"type": "sources", "rows": sources}
                            if sources else note("This memo cites no sources.")))
    context = {"memo": _memo_block(model, spec), "sections": sections, "sources": sources}
    return printable(context)


def _memo_block(model: Model, spec: MemoSpec) -> dict:
    subject = spec.title
    if spec.kind == "issue" and spec.issue in model.issues:
        subject = f"{spec.title}: {model.issues[spec.issue].name}"
    if spec.kind == "actor" and spec.actor in model.actors:
        subject = f"{spec.title}: {model.actors[spec.actor].name}"
    window = ""
    if spec.kind == "weekly":
        start = spec.as_of - timedelta(days=spec.window_days - 1)
        window = f"{short_date(start)} to {short_date(spec.as_of)}"
    keywords = [spec.kind] + [i.name for i in model.active_issues()][:5]
    return {
        "id": spec.memo_id, "kind": spec.kind, "title": spec.title, "subject": subject,
        "as_of": spec.as_of.isoformat(), "date": long_date(spec.as_of), "window": window,
        "office": spec.office, "author": spec.author, "marking": spec.marking,
        "to": spec.to, "from": spec.sender or spec.office, "lang": spec.lang,
        "keywords": ", ".join(keywords),
    }


def _check(b: Builder, kind: str, key: str | None, known: dict, what: str) -> None:
    if not key:
        raise ConfigError(f"a {kind} memo needs --{what} (an {what}_id of the workbook)")
    if key not in known:
        raise ConfigError(f'{what} "{key}" is not an {what}_id in the workbook')


def overview(b: Builder) -> list[dict]:
    as_of, floor = b.spec.as_of, b.spec.significance_floor
    sections = [
        section("bottom-line", "Bottom line", b.assessments_block(b.model.bottom_line(as_of))),
        section("chronology", "Background chronology",
                b.events_block(b.model.events_between(as_of, min_significance=floor),
                               "No events recorded up to this date.")),
    ]
    for issue in b.model.active_issues():
        current = b.model.current_stances(as_of, issue=issue.issue_id)
        sections.append(section(
            f"issue-{issue.issue_id}", issue.name,
            {"type": "paragraphs", "rows": [{"text": issue.question, "label": "Question",
                                             "cites": [], "cite_text": ""}]},
            {"type": "subheading", "text": "Where each actor stands"},
            b.stances_block(current, "actor", "No positions recorded on this issue."),
            {"type": "subheading", "text": "Key events"},
            # The chronology's timeline already shows every issue: tables only here.
            [blk for blk in b.events_block(
                b.model.events_between(as_of, min_significance=floor, issue=issue.issue_id),
                "No key events on this issue.") if blk["type"] != "chart"]))
    sections += [
        section("matrix", "Positions matrix", b.matrix_blocks(None)),
        section("outlook", "Outlook", b.outlook_block(None, "Nothing scheduled or expected.")),
    ]
    return sections


def weekly(b: Builder) -> list[dict]:
    as_of, days = b.spec.as_of, b.spec.window_days
    events = sorted(b.model.events_between(as_of, days),
                    key=lambda e: (-e.significance, e.date, e.event_id))
    window = [(as_of - timedelta(days=days - 1)).isoformat(), as_of.isoformat()]
    what = b.events_block(events, f"No events recorded in the {days} days to "
                                  f"{long_date(as_of)}.", window)
    return [
        section("bottom-line", "Bottom line", b.assessments_block(b.model.bottom_line(as_of))),
        section("events", "What happened", what),
        section("shifts", "Position shifts",
                b.shifts_block(days, "No actor changed stance in this period.")),
        section("assessments", "New assessments",
                b.assessments_block(b.model.assessments(as_of, days))
                if b.model.assessments(as_of, days) else note("No new assessments.")),
        section("matrix", "Positions matrix",  # the table only: the picture is overview's
                [blk for blk in b.matrix_blocks(as_of - timedelta(days=days))
                 if blk["type"] != "chart"]),
        section("outlook", f"Outlook: the next {b.spec.outlook_days} days",
                b.outlook_block(b.spec.outlook_days, "Nothing scheduled or expected.")),
    ]


def issue_brief(b: Builder) -> list[dict]:
    _check(b, "issue", b.spec.issue, b.model.issues, "issue")
    issue, as_of = b.model.issues[b.spec.issue], b.spec.as_of
    facts = [{"label": "Question", "value": issue.question},
             {"label": "Status", "value": issue.status}]
    if issue.description:
        facts.append({"label": "Background", "value": issue.description})
    current = b.model.current_stances(as_of, issue=issue.issue_id)
    return [
        section("question", "The question", {"type": "facts", "rows": facts}),
        section("assessments", "Assessments",
                b.assessments_block(b.model.assessments(as_of, issue=issue.issue_id))),
        section("stances", "Where every actor stands",
                b.stances_block(current, "actor", "No positions recorded on this issue."),
                {"type": "subheading", "text": "How stances changed"},
                b.shifts_block(None, "No stance on this issue has changed.",
                               issue=issue.issue_id)),
        section("events", "Events", b.events_block(
            b.model.events_between(as_of, issue=issue.issue_id),
            "No events recorded on this issue.")),
        section("outlook", "Outlook", b.outlook_block(None, "Nothing scheduled or expected.",
                                                       issue=issue.issue_id)),
    ]


def actor_profile(b: Builder) -> list[dict]:
    _check(b, "actor", b.spec.actor, b.model.actors, "actor")
    actor, as_of = b.model.actors[b.spec.actor], b.spec.as_of
    facts = [{"label": label, "value": value} for label, value in (
        ("Name", actor.name), ("Native name", actor.native_name), ("Title", actor.title),
        ("Country", actor.country), ("Kind", actor.kind), ("Affiliation", actor.affiliation),
        ("Notes", actor.notes)) if value]
    current = b.model.current_stances(as_of, actor=actor.actor_id)
    return [
        section("who", "Who", {"type": "facts", "rows": facts}),
        section("stances", "Stance on each issue",
                b.stances_block(current, "issue", "No positions recorded for this actor."),
                {"type": "subheading", "text": "How stances changed"},
                b.shifts_block(None, "No stance of this actor has changed.",
                               actor=actor.actor_id)),
        section("events", "Events", b.events_block(
            b.model.events_between(as_of, actor=actor.actor_id),
            "No events recorded for this actor.")),
    ]


def since_last_issue(b: Builder, changes: dict) -> dict:
    """'New since the last issue': records added or corrected since the previous issue."""
    rows = changes.get("rows", [])
    previous = changes.get("previous_as_of", "")
    if not rows:
        return section("since-last", "New since the last issue",
                       note(f"Nothing was added or corrected since the issue of {previous}."))
    return section("since-last", "New since the last issue",
                   {"type": "changes", "previous": previous, "rows": rows})
