"""What each memo kind holds, in order, within its budget: one context per memo.

Every kind keeps a fixed shape whatever the workbook's size: its body shows what the
budget allows (``reports.memo.kinds.Budget``), chosen by the rules of ``reports.memo.selection``,
says in a line what it left out, and points to the annex that lists the rest (itself
capped at ``annex_rows``). Sources come last, after the annexes.

- overview: bottom line, where each active issue stands (a sentence or two each), what
  changed recently, then the background chronology, the positions matrix and the
  outlook; annexes: the full chronology and every issue in detail.
- weekly: bottom line, what happened in the window, position shifts, new assessments,
  the positions matrix with shifted cells marked, the outlook; annex: every event of
  the window.
- issue: the question, assessments, where every actor stands and how that changed,
  events, outlook; annexes: every event, every stance with its history.
- actor: who, stance on each issue and how it changed, events; annex: every event.
"""

from __future__ import annotations

import re
from datetime import timedelta

from reports.errors import ConfigError
from reports.memo.context import Builder, MemoSpec, note, section
from reports.memo.edition import since_last_edition, summary
from reports.memo.kinds import MEMO_KINDS
from reports.memo.selection import (
    choose,
    most_recent,
    most_significant,
    phrase,
    recent_shifts,
    stance_order,
)
from reports.model.model import Model
from reports.text import clip, long_date, printable, short_date
from reports.tradecraft import below_grade, grade_parts


def build_context(model: Model, spec: MemoSpec) -> dict:
    """The one context a memo's renderers share: memo block, sections, cited sources.

    The memo sees only what it may hold: rows marked above its ceiling, and (with a
    minimum grade) sources graded below it with the entries resting only on them, are
    cut from the model first, so no block, chart, note or name can reach them.
    """
    if spec.kind not in MEMO_KINDS:
        raise ConfigError(f'unknown memo kind "{spec.kind}"; use one of: '
                          f'{", ".join(MEMO_KINDS)}')
    graded, left_out = visible_model(model, spec)
    b = Builder(graded, spec)
    sections = {"overview": overview, "weekly": weekly, "issue": issue_brief,
                "actor": actor_profile}[spec.kind](b)
    if spec.since_last_edition is not None:
        sections.insert(1, since_last_edition(b, spec.since_last_edition))
    sections += b.annex_sections()
    for sec in sections:  # the yardstick's legend wherever likelihoods appear
        sec["blocks"] += b.legend(sec["blocks"])
    sources = b.cites.listing()
    sections.append(section("sources", "Sources", {"type": "sources", "rows": sources}
                            if sources else note("This memo cites no sources."),
                            [note(line) for line in (left_out, model.empty_note) if line]))
    memo = memo_block(b, sections)
    context = {"memo": memo, "sections": sections, "sources": sources,
               "native_langs": dict(b.native_langs)}
    return printable(context)


def visible_model(whole: Model, spec: MemoSpec) -> tuple[Model, str]:
    """The workbook as the memo may show it, and the line saying what its minimum grade
    left out ('' if nothing): rows above its ceiling cut (``Model.within``), then sources
    graded below its minimum with the entries resting only on them. A memo's context and
    everything its edition carries to the next (``reports.changes.snapshot``) are made
    from this model alone."""
    model = whole.within(spec.ceiling_rank)
    low_r, low_c = grade_parts(spec.min_grade)
    if not (low_r or low_c):
        return model, ""
    kept = model.within(spec.ceiling_rank, lambda s: not below_grade(
        s.reliability, s.credibility, low_r, low_c), key=spec.min_grade)
    dropped = len(model.sources) - len(kept.sources)
    entries = sum(len(getattr(model, name)) - len(getattr(kept, name)) for name in (
        "events", "positions", "assessment_items", "outlook_items"))
    line = (f"Sources graded below {spec.min_grade} are left out of this memo ({dropped:,} "
            f"source(s), and {entries:,} entr{'y' if entries == 1 else 'ies'} resting only "
            "on them); sources not graded are kept." if dropped else "")
    return kept, line


def memo_block(b: Builder, sections: list[dict]) -> dict:
    model, spec = b.model, b.spec
    subject = spec.title
    if spec.kind == "issue" and spec.issue in model.issues:
        subject = f"{spec.title}: {b.issue_name(spec.issue)}"
    if spec.kind == "actor" and spec.actor in model.actors:
        subject = f"{spec.title}: {model.actors[spec.actor].name}"
        b.shown(model.actors[spec.actor])
    window = ""
    if spec.kind == "weekly":
        start = spec.as_of - timedelta(days=spec.window_days - 1)
        window = f"{short_date(start)} to {short_date(spec.as_of)}"
    top = b.top_rank()  # keywords name no issue marked above what the memo holds
    keywords = [spec.kind] + [b.issue_name(i.issue_id, printed=False)
                              for i in model.active_issues() if i.marking_rank <= top][:5]
    return {
        "id": spec.memo_id, "kind": spec.kind, "title": spec.title, "subject": subject,
        "as_of": spec.as_of.isoformat(), "date": long_date(spec.as_of), "window": window,
        "edition_label": f"{subject}, {long_date(spec.as_of)}",
        "office": spec.office, "author": spec.author, "marking": b.banner(),
        "to": spec.to, "from": spec.sender or spec.office, "lang": spec.lang,
        "east_asian_lang": spec.east_asian_lang, "keywords": ", ".join(keywords),
        "summary": summary(sections),
    }


def _check(b: Builder, key: str | None, known: dict, what: str) -> None:
    if not key:
        raise ConfigError(f"a {what} memo needs --{what} (an {what}_id of the workbook)")
    if key not in known:
        raise ConfigError(f'{what} "{key}" is not an {what}_id in the workbook')


def _chronology(b: Builder, events, scope: str, annex: tuple[str, str], *,
                window: list[str] | None = None, compact: bool = False,
                order=lambda e: (e.date, e.event_id)) -> list[dict]:
    """The body's capped event list (``max_events``, most significant first), the line
    saying what it left out and, when it left something out, the annex ``(key, title)``
    listing the rest (the ``annex_rows`` most recent)."""
    chosen = most_significant(events, b.budget.max_events)
    ref = None
    if chosen.left_out:
        def rest() -> list[dict]:
            rows = most_recent(events, b.budget.annex_rows)
            return b.annex_note(rows, "events", "most recent") + b.events_block(
                rows.sorted(lambda e: (e.date, e.event_id)), "", chart=False, compact=True,
                cited=False)
        ref = b.annex(*annex, rest)
    return b.selection(phrase(chosen, "events", "most significant", scope), ref) + \
        b.events_block(chosen.sorted(order), f"No events recorded {scope}.", window,
                       compact=compact)


# --------------------------------------------------------------------------- overview


STATE_CHARS = 260  # "where things stand": one or two sentences of an issue's judgment
RECENT_EVENTS = 3  # the overview's "what changed": the most significant events of the period


def issue_state(b: Builder, issue_id: str) -> dict:
    """One or two sentences on where an issue stands: its latest assessment, else the
    count of current stances and the latest shift."""
    as_of = b.spec.as_of
    latest = b.model.assessments(as_of, issue=issue_id)
    if latest:
        change = b.judgment_change(latest[0])
        if change.get("change", {}).get("previous"):
            change["change"]["previous"] = clip(_sentences(change["change"]["previous"], 2),
                                                STATE_CHARS)
        return {"label": b.issue_name(issue_id),
                "text": clip(_sentences(latest[0].judgment, 2), STATE_CHARS),
                **change, **b.shown(latest[0]), **b.cite_fields(latest[0].sources)}
    current = b.model.current_stances(as_of, issue=issue_id)
    counts: dict[str, int] = {}
    for pos in current.values():
        counts[pos.stance] = counts.get(pos.stance, 0) + 1
    if not counts:
        return {"label": b.issue_name(issue_id), "text": "No positions recorded yet.",
                "cites": [], "cite_text": ""}
    shown = b.shown(*current.values())
    text = "Current stances: " + ", ".join(f"{n} {s}" for s, n in sorted(
        counts.items(), key=lambda kv: (-kv[1], kv[0]))) + "."
    shifts = b.model.shifts(as_of, issue=issue_id)
    cites: dict = {"cites": [], "cite_text": ""}
    if shifts:
        s = shifts[-1]
        text += (f" Latest shift: {b.actor_name(s.after.actor_id)}, {s.before.stance} to "
                 f"{s.after.stance} ({short_date(s.date)}).")
        cites = b.cite_fields(s.after.sources)
        shown = b.shown(*current.values(), s.before, s.after)
    return {"label": b.issue_name(issue_id), "text": text, **shown, **cites}


def _sentences(text: str, count: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:count])


def overview(b: Builder) -> list[dict]:
    as_of, budget, floor = b.spec.as_of, b.budget, b.spec.significance_floor
    bottom = choose(b.model.bottom_line(as_of), budget.max_assessments, lambda a: 0)
    active = [i.issue_id for i in b.model.active_issues()]
    last_activity: dict = dict.fromkeys(active)
    for event in reversed(b.model.events_between(as_of)):  # newest first: one pass
        for i in event.issues:
            if i in last_activity and last_activity[i] is None:
                last_activity[i] = event.date
    issues = choose(active, budget.max_issues, lambda i: (
        last_activity[i] is None, -(last_activity[i] or as_of).toordinal(),
        b.issue_name(i, printed=False).lower(), i))
    days = b.spec.window_days
    shifts = recent_shifts(b.model.shifts(as_of, days), budget.max_shifts)
    recent_events = most_significant(b.model.events_between(as_of, days), RECENT_EVENTS)
    sections = [
        section("bottom-line", "Bottom line", b.assessments_block(bottom.rows, keys=[""]),
                b.selection(phrase(bottom, "overall judgments of the day", "latest"))),
        section("state", "Where things stand",
                {"type": "paragraphs", "rows": [issue_state(b, i) for i in issues.rows]},
                b.selection(phrase(issues, "active issues", "most recently active"))),
        section("recent", f"What changed in the last {days} days",
                _shift_lines(b, shifts.rows) if shifts.rows else note(
                    "No actor changed stance in this period."),
                b.selection(phrase(shifts, "stance changes", "latest")),
                {"type": "paragraphs", "rows": [
                    {"label": short_date(e.date), "text": e.title, **b.shown(e),
                     **b.cite_fields(e.sources)}
                    for e in recent_events.sorted(lambda e: (e.date, e.event_id))]}
                if recent_events.rows else note("No events recorded in this period."),
                b.selection(phrase(recent_events, "events of the period",
                                   "most significant"))),
        section("chronology", "Background chronology", _chronology(
            b, b.model.events_between(as_of, min_significance=floor),
            f"up to {short_date(as_of)}" + (f" (significance {floor} and above)"
                                            if floor > 1 else ""),
            ("chronology", "Full chronology"), compact=True)),
    ]
    matrix, left = b.matrix(None, chart=True)
    table = b.annex("matrix", "Positions matrix as a table", lambda: matrix[1:])
    b.annex("issues", "Issues in detail", lambda: _issues_annex(b, active))
    sections += [
        section("matrix", "Positions matrix", matrix[:1], b.selection(
            f"{left} The matrix as a table, with every issue in detail after it, is in "
            f"{table['label']}.".strip(), table)),
        section("outlook", "Outlook", _outlook(b, None)),
    ]
    return sections


def _shift_lines(b: Builder, shifts: list) -> dict:
    """Shifts as lines ("<actor> on <issue>: opposes → conditional (19 Nov 2019)"),
    newest first: the overview says what changed; the issue brief says why."""
    return {"type": "paragraphs", "rows": [
        {"label": f"{b.actor_name(s.after.actor_id)} on {b.issue_name(s.after.issue_id)}",
         "text": f"{s.before.stance} \u2192 {s.after.stance} ({short_date(s.date)})",
         **b.shown(s.before, s.after), **b.cite_fields(s.after.sources)} for s in shifts]}


def _issues_annex(b: Builder, issue_ids: list[str]) -> list[dict]:
    """Every active issue: its question and every current stance with the earlier ones
    (``annex_rows`` stances at most, over all issues)."""
    blocks: list[dict] = b.annex_note()
    room = b.budget.annex_rows
    for issue_id in issue_ids:
        issue = b.model.issues[issue_id]
        current = b.model.current_stances(b.spec.as_of, issue=issue_id)
        shown = dict(list(current.items())[:max(room, 0)])
        room -= len(shown)
        blocks += [{"type": "subheading", "text": b.issue_name(issue_id)},
                   {"type": "paragraphs", "rows": [{"text": issue.question, "label": "Question",
                                                    **b.shown(issue), "cites": [],
                                                    "cite_text": ""}]},
                   b.stance_index(shown, "actor", "No positions recorded on this issue.")]
        if len(shown) < len(current):
            blocks.append(note(f"{len(current) - len(shown):,} more stances on this issue are "
                               f"in the workbook (this annex lists at most "
                               f"{b.budget.annex_rows:,})."))
    return blocks


def _outlook(b: Builder, days: int | None, **where) -> list[dict]:
    items = b.model.outlook(b.spec.as_of, days, **where)
    chosen = choose(items, b.budget.max_outlook, lambda o: 0)  # already soonest first
    return [b.outlook_block(chosen.rows, "Nothing scheduled or expected.")] + b.selection(
        phrase(chosen, "items ahead", "soonest"))


# --------------------------------------------------------------------------- weekly


def weekly(b: Builder) -> list[dict]:
    as_of, days, budget = b.spec.as_of, b.spec.window_days, b.budget
    window = [(as_of - timedelta(days=days - 1)).isoformat(), as_of.isoformat()]
    bottom = b.model.bottom_line(as_of)
    shown = choose(bottom, budget.max_assessments, lambda a: 0)
    new = [a for a in b.model.assessments(as_of, days) if a not in shown.rows]
    new_chosen = choose(new, budget.max_assessments, lambda a: 0)
    shifts = recent_shifts(b.model.shifts(as_of, days), budget.max_shifts)
    matrix, left = b.matrix(as_of - timedelta(days=days), chart=False)
    return [
        section("bottom-line", "Bottom line", b.assessments_block(shown.rows, keys=[""])),
        section("events", "What happened", _chronology(
            b, b.model.events_between(as_of, days), f"in the {days} days to {short_date(as_of)}",
            ("week", "Every event of the period"),
            window=window, order=lambda e: (-e.significance, e.date, e.event_id))),
        section("shifts", "Position shifts",
                b.shifts_block(shifts.sorted(lambda s: (s.date, s.after.actor_id)),
                               "No actor changed stance in this period."),
                b.selection(phrase(shifts, "stance changes", "latest"))),
        section("assessments", "New assessments",
                b.assessments_block(new_chosen.rows, keys=[]) if new_chosen.rows else note(
                    "No other new assessments." if shown.rows else "No new assessments."),
                b.selection(phrase(new_chosen, "new assessments", "newest"))),
        section("matrix", "Positions matrix", matrix, b.selection(left)),
        section("outlook", f"Outlook: the next {b.spec.outlook_days} days",
                _outlook(b, b.spec.outlook_days)),
    ]


# --------------------------------------------------------------------------- issue, actor


def _stances(b: Builder, current: dict, by: str, empty: str, limit: int,
             annex_title: str, annex_key: str) -> list[dict]:
    """Current stances first (latest shift, then latest statement), history in an annex."""
    last_shift: dict = {}
    for s in b.model.shifts(b.spec.as_of, issue=b.spec.issue if by == "actor" else None,
                            actor=b.spec.actor if by == "issue" else None):
        last_shift[(s.after.actor_id, s.after.issue_id)] = s.date
    chosen = choose(list(current), limit, stance_order(current, last_shift))
    shown = {pair: current[pair] for pair in sorted(chosen.rows)}

    def annex() -> list[dict]:
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


def _stance_section(b: Builder, heading: str, current: dict, by: str, limit: int,
                    shifts: list, whose: str) -> dict:
    """Where each stands now (the ``limit`` that changed most recently) and how stances
    changed (the latest shifts); the full history in an annex."""
    chosen = recent_shifts(shifts, b.budget.max_shifts)
    return section("stances", heading,
                   _stances(b, current, by, f"No positions recorded {whose}.", limit,
                            "Every stance and its history", "stances"),
                   {"type": "subheading", "text": "How stances changed"},
                   b.shifts_block(chosen.sorted(lambda s: (s.date, s.after.actor_id,
                                                           s.after.issue_id)),
                                  f"No stance {whose} has changed."),
                   b.selection(phrase(chosen, "stance changes", "latest")))


def issue_brief(b: Builder) -> list[dict]:
    _check(b, b.spec.issue, b.model.issues, "issue")
    issue, as_of, budget = b.model.issues[b.spec.issue], b.spec.as_of, b.budget
    facts = [{"label": "Question", "value": issue.question, **b.shown(issue)},
             {"label": "Status", "value": issue.status, **b.shown(issue)}]
    if issue.description:
        facts.append({"label": "Background", "value": issue.description, **b.shown(issue)})
    assessments = choose(b.model.assessments(as_of, issue=issue.issue_id),
                         budget.max_assessments, lambda a: 0)
    current = b.model.current_stances(as_of, issue=issue.issue_id)
    return [
        section("question", "The question", {"type": "facts", "rows": facts}),
        section("assessments", "Assessments",
                b.assessments_block(assessments.rows, keys=[issue.issue_id]),
                b.selection(phrase(assessments, "assessments", "newest"))),
        _stance_section(b, "Where every actor stands", current, "actor", budget.max_actors,
                        b.model.shifts(as_of, issue=issue.issue_id), "on this issue"),
        section("events", "Events", _chronology(
            b, b.model.events_between(as_of, issue=issue.issue_id), "on this issue",
            ("events", "Every event on the issue"))),
        section("outlook", "Outlook", _outlook(b, None, issue=issue.issue_id)),
    ]


def actor_profile(b: Builder) -> list[dict]:
    _check(b, b.spec.actor, b.model.actors, "actor")
    actor, as_of, budget = b.model.actors[b.spec.actor], b.spec.as_of, b.budget
    facts = [{"label": label, "value": value, **b.shown(actor)} for label, value in (
        ("Name", actor.name), ("Native name", actor.native_name), ("Title", actor.title),
        ("Country", actor.country), ("Kind", actor.kind), ("Affiliation", actor.affiliation),
        ("Notes", actor.notes)) if value]
    current = b.model.current_stances(as_of, actor=actor.actor_id)
    return [
        section("who", "Who", {"type": "facts", "rows": facts}),
        _stance_section(b, "Stance on each issue", current, "issue", budget.max_issues,
                        b.model.shifts(as_of, actor=actor.actor_id), "of this actor"),
        section("events", "Events", _chronology(
            b, b.model.events_between(as_of, actor=actor.actor_id), "involving this actor",
            ("events", "Every event involving the actor"))),
    ]
