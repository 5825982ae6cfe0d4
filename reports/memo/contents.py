"""What each memo kind holds, in order, within its budget: one context per memo.

Every kind opens with its **bottom line**: the desk's key judgments, numbered, each with
its likelihood and confidence (outside commentary never stands there). Then what is new
(since the last issued edition), then the detail. Every kind keeps a fixed shape whatever
the workbook's size: its body shows what the budget allows (``reports.memo.kinds.Budget``),
chosen by the rules of ``reports.memo.selection``, says in a line what it left out and
points to the annex that lists the rest (itself capped at ``annex_rows``). Sources come
last, after the annexes.

- overview: bottom line (the desk's overall judgments); where each active issue stands
  (the desk's judgment on it, else the stances on its question); what changed in the
  period; outside commentary; the background chronology; the positions matrix; the
  outlook. Annexes: the full chronology, the matrix as a table, every issue in detail.
- weekly: bottom line; what happened in the window; position shifts; the desk's other
  new judgments; outside commentary of the window; the positions matrix with shifted
  cells marked; the outlook. Annex: every event of the window.
- issue: bottom line (the desk's judgment on the issue, then its question and where the
  actors stand on it, in a line); background; where every actor stands and how that
  changed; outside commentary on the issue; events; outlook. Annexes: every stance with
  its history, every event.
- actor: bottom line (who the actor is, where they stand on what, what changed, in a
  short paragraph; then the desk's judgments on those issues); stance on each issue and
  how it changed; events. Annexes: every stance with its history, every event.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, cast

from reports.errors import ConfigError
from reports.memo.blocks import stance_since
from reports.memo.context import Builder, MemoSpec, note, section
from reports.memo.edition import since_last_edition, summary
from reports.memo.kinds import MEMO_KINDS
from reports.memo.selection import (
    choose,
    most_recent,
    most_significant,
    phrase,
    plural,
    recent_shifts,
    stance_order,
)
from reports.memo.shapes import (
    AssessmentRecord,
    Block,
    Context,
    EventRecord,
    MemoInfo,
    ParagraphRow,
    PositionRecord,
    Section,
    ShiftRecord,
)
from reports.model.model import Model
from reports.text import clip, long_date, printable, short_date
from reports.tradecraft import below_grade, grade_parts, short_marking


def build_context(model: Model, spec: MemoSpec) -> Context:
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
    makers: dict[str, Callable[[Builder], list[Section]]] = {
        "overview": overview, "weekly": weekly, "issue": issue_brief, "actor": actor_profile}
    sections = makers[spec.kind](b)
    if spec.since_last_edition is not None:
        sections.insert(1, since_last_edition(b, spec.since_last_edition))
    sections += b.annex_sections()
    for sec in sections:  # the yardstick's legend wherever likelihoods appear
        sec["blocks"] += b.legend(sec["blocks"])
    mail = summary(b, sections)  # before the banner: what the mail names counts for it
    sources = b.cites.listing()
    sections.append(section("sources", "Sources", {"type": "sources", "rows": sources}
                            if sources else note("This memo cites no sources."),
                            [note(left_out)] if left_out else []))
    memo = memo_block(b, mail)
    context: Context = {"memo": memo, "sections": sections, "sources": sources,
                        "native_langs": dict(b.native_langs)}
    return cast(Context, printable(context))


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
    line = (f"Sources graded below {spec.min_grade} are left out of this memo "
            f"({plural(dropped, 'source')}, and {plural(entries, 'entry', 'entries')} resting "
            "only on them); sources not graded are kept." if dropped else "")
    return kept, line


def memo_block(b: Builder, mail: Any) -> MemoInfo:
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
    banner = b.banner()
    return {
        "id": spec.memo_id, "kind": spec.kind, "title": spec.title, "subject": subject,
        "as_of": spec.as_of.isoformat(), "date": long_date(spec.as_of), "window": window,
        "edition_label": f"{subject}, {long_date(spec.as_of)}",
        "office": spec.office, "author": spec.author, "marking": banner,
        "short_marking": short_marking(spec.levels, banner),
        "to": spec.to, "from": spec.sender or spec.office, "lang": spec.lang,
        "east_asian_lang": spec.east_asian_lang, "keywords": ", ".join(keywords),
        "summary": mail,
    }


def _check(key: str | None, known: dict[str, Any], what: str) -> str:
    if not key:
        raise ConfigError(f"a {what} memo needs --{what} (an {what}_id of the workbook)")
    if key not in known:
        raise ConfigError(f'{what} "{key}" is not an {what}_id in the workbook')
    return key


def _by_day(e: EventRecord) -> tuple[Any, str]:
    return (e.date, e.event_id)


def _chronology(b: Builder, events: Sequence[EventRecord], scope: str,
                annex: tuple[str, str], *, window: list[str] | None = None,
                compact: bool = False,
                order: Callable[[EventRecord], Any] = _by_day) -> list[Block]:
    """The body's capped event list (``max_events``, most significant first), the line
    saying what it left out and, when it left something out, the annex ``(key, title)``
    listing the rest (the ``annex_rows`` most recent)."""
    chosen = most_significant(events, b.budget.max_events)
    ref = None
    if chosen.left_out:
        def rest() -> list[Block]:
            rows = most_recent(events, b.budget.annex_rows)
            return b.annex_note(rows, "events", "most recent") + b.events_block(
                rows.sorted(_by_day), "", chart=False, compact=True, cited=False)
        ref = b.annex(*annex, rest)
    return b.selection(phrase(chosen, "events", "most significant", scope), ref) + \
        b.events_block(chosen.sorted(order), f"No events recorded {scope}.", window,
                       compact=compact)


def _newest(items: Sequence[AssessmentRecord]) -> Any:
    """Judgments newest first, then in workbook order."""
    index = {id(a): n for n, a in enumerate(items)}
    return lambda a: (-a.as_of.toordinal(), index[id(a)])


def _desk_key_judgments(b: Builder, key: str, empty: str,
                        labelled: bool = False) -> list[Block]:
    """The desk's judgments in force on ``key`` ('' overall), numbered, capped at
    ``max_assessments``; the line saying what the cap left out; the withdrawn ones."""
    items = b.judgments_in_force.get(key, [])
    chosen = choose(items, b.budget.max_assessments, _newest(items))
    return b.judgments_block(chosen.rows, [key], empty, labelled) + b.selection(
        phrase(chosen, "judgments in force", "first"))


def _commentary(b: Builder, items: list[AssessmentRecord], empty: str) -> list[Block]:
    chosen = choose(items, b.budget.max_assessments, _newest(items))
    return [b.commentary_block(chosen.rows, empty)] + b.selection(
        phrase(chosen, "commentaries", "newest"))


def _sources_say(b: Builder, **where: Any) -> list[AssessmentRecord]:
    """Outside commentary known on the as-of day (``whose = source``), newest first."""
    from reports.memo.changes import is_desk

    return [a for a in b.model.assessments(b.spec.as_of, **where) if not is_desk(a)]


# --------------------------------------------------------------------------- overview


STATE_CHARS = 260  # "where things stand": one or two sentences of an issue's judgment
RECENT_EVENTS = 3  # the overview's "what changed": the most significant events of the period
STANCE_VERBS = {"supports": ("supports", "support"), "opposes": ("opposes", "oppose"),
                "conditional": ("is conditional", "are conditional"),
                "neutral": ("is neutral", "are neutral"), "unclear": ("is unclear",
                                                                      "are unclear")}


def stance_counts(stances: Sequence[str]) -> str:
    """'5 actors support, 2 oppose and 1 is conditional' (most first)."""
    counts: dict[str, int] = {}
    for stance in stances:
        counts[stance] = counts.get(stance, 0) + 1
    parts = []
    for n, (stance, count) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
        one, many = STANCE_VERBS.get(stance, (f"says {stance}", f"say {stance}"))
        verb = one if count == 1 else many
        who = f"{count} actor{'' if count == 1 else 's'} " if n == 0 else f"{count} "
        parts.append(who + verb)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
        row.update(b.shown(a))
        row.update(b.cite_fields(a.sources))
        return row
    current = b.model.current_stances(as_of, issue=issue_id)
    if not current:
        return {"label": b.issue_name(issue_id), "text": "No positions recorded yet.",
                "cites": [], "cite_text": ""}
    issue = b.model.issues[issue_id]
    text = (f"On \u201c{issue.question}\u201d, "
            f"{stance_counts([p.stance for p in current.values()])}.")
    row = {"label": b.issue_name(issue_id), "text": text, "cites": [], "cite_text": ""}
    row.update(b.shown(issue, *current.values()))
    shifts = b.model.shifts(as_of, issue=issue_id)
    if shifts:
        s = shifts[-1]
        row["text"] += (f" Latest shift: {b.actor_name(s.after.actor_id)}, from "
                        f"{s.before.stance} to {s.after.stance} ({short_date(s.date)}).")
        row.update(b.cite_fields(s.after.sources))
        row.update(b.shown(issue, *current.values(), s.before, s.after))
    return row


def _sentences(text: str, count: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:count])


def overview(b: Builder) -> list[Section]:
    as_of, budget, floor = b.spec.as_of, b.budget, b.spec.significance_floor
    active = [i.issue_id for i in b.model.active_issues()]
    last_activity: dict[str, Any] = dict.fromkeys(active)
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
    bottom = section("bottom-line", "Bottom line", _desk_key_judgments(
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
            _by_day)]} if recent_events.rows else note("No events recorded in this period."),
        b.selection(phrase(recent_events, "events of the period", "most significant")))
    commentary = section("commentary", "Outside commentary", _commentary(
        b, _sources_say(b, overall=True), "No outside commentary on the relationship as a "
                                          "whole is recorded."))
    chronology = section("chronology", "Background chronology", _chronology(
        b, b.model.events_between(as_of, min_significance=floor),
        f"up to {short_date(as_of)}" + (f" (significance {floor} and above)"
                                        if floor > 1 else ""),
        ("chronology", "Full chronology"), compact=True))
    matrix, left = b.matrix(None, chart=True)
    table = b.annex("matrix", "Positions matrix as a table", lambda: matrix[1:])
    every = b.annex("issues", "Issues in detail", lambda: _issues_annex(b, active))
    if issues.left_out:  # every active issue is in the annex: point there
        state["blocks"][-1] = {"type": "selection", "text": phrase(
            issues, "active issues", "most recently active"), "ref": every}
    return [bottom, state, recent, commentary, chronology,
            section("matrix", "Positions matrix", matrix[:1], b.selection(
                f"{left} The matrix as a table, with every issue in detail after it, is in "
                f"{table['label']}.".strip(), table)),
            section("outlook", "Outlook", _outlook(b, None))]


def _event_line(b: Builder, e: EventRecord) -> ParagraphRow:
    row: ParagraphRow = {"label": short_date(e.date), "text": e.title}
    row.update(b.shown(e))
    row.update(b.cite_fields(e.sources))
    return row


def _shift_lines(b: Builder, shifts: Sequence[ShiftRecord]) -> Block:
    """Shifts as lines ("<actor> on <issue>: from opposes to conditional (19 Nov 2019)"),
    newest first: the overview says what changed; the issue brief says why."""
    rows: list[ParagraphRow] = []
    for s in shifts:
        row: ParagraphRow = {
            "label": f"{b.actor_name(s.after.actor_id)} on {b.issue_name(s.after.issue_id)}",
            "text": f"from {s.before.stance} to {s.after.stance} ({short_date(s.date)})"}
        row.update(b.shown(s.before, s.after))
        row.update(b.cite_fields(s.after.sources))
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
        question.update(b.shown(issue))
        blocks += [{"type": "subheading", "text": b.issue_name(issue_id)},
                   {"type": "paragraphs", "rows": [question]},
                   b.stance_index(shown, "actor", "No positions recorded on this issue.")]
        if len(shown) < len(current):
            blocks.append(note(f"{plural(len(current) - len(shown), 'more stance')} on this "
                               f"issue {'is' if len(current) - len(shown) == 1 else 'are'} "
                               f"not listed (this annex lists at most "
                               f"{b.budget.annex_rows:,})."))
    return blocks


def _outlook(b: Builder, days: int | None, **where: Any) -> list[Block]:
    items = b.model.outlook(b.spec.as_of, days, **where)
    chosen = choose(items, b.budget.max_outlook, lambda o: 0)  # already soonest first
    return [b.outlook_block(chosen.rows, "Nothing scheduled or expected.")] + b.selection(
        phrase(chosen, "items ahead", "soonest"))


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
    order = _newest(new)
    new_chosen = choose(new, budget.max_assessments, lambda a: (
        order(a)[0], -busy.get(a.issue_id or "", 0), order(a)[1]))
    said = [a for a in _sources_say(b, days=days)]
    shifts = recent_shifts(b.model.shifts(as_of, days), budget.max_shifts)
    matrix, left = b.matrix(start, chart=False)
    return [
        section("bottom-line", "Bottom line", _desk_key_judgments(
            b, "", f"The desk has recorded no overall judgment as of {long_date(as_of)}.")),
        section("events", "What happened", _chronology(
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
                b.selection(phrase(new_chosen, "new judgments",
                                   "newest, on the issues with the most events,"))),
        section("commentary", "Outside commentary this week", _commentary(
            b, said, "No outside commentary recorded in this period.")),
        section("matrix", "Positions matrix", matrix, b.selection(left)),
        section("outlook", f"Outlook: the next {b.spec.outlook_days} days",
                _outlook(b, b.spec.outlook_days)),
    ]


# --------------------------------------------------------------------------- issue, actor


def _stances(b: Builder, current: dict[tuple[str, str], PositionRecord], by: str,
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


def _stance_section(b: Builder, heading: str, current: dict[tuple[str, str], PositionRecord],
                    by: str, limit: int, shifts: Sequence[ShiftRecord], whose: str) -> Section:
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
    issue_id = _check(b.spec.issue, b.model.issues, "issue")
    issue, as_of, budget = b.model.issues[issue_id], b.spec.as_of, b.budget
    current = b.model.current_stances(as_of, issue=issue_id)
    question: ParagraphRow = {"label": "The question", "text": issue.question, "cites": [],
                              "cite_text": ""}
    if current:
        question["text"] += f" {stance_counts([p.stance for p in current.values()])}."
    if issue.status != "active":
        question["text"] += f" The issue is {issue.status}."
    question.update(b.shown(issue, *current.values()))
    sections = [
        section("bottom-line", "Bottom line", _desk_key_judgments(
            b, issue_id, f"The desk has recorded no judgment on this issue as of "
                         f"{long_date(as_of)}."),
                {"type": "paragraphs", "rows": [question]}),
    ]
    if issue.description:
        background: ParagraphRow = {"text": issue.description, "cites": [], "cite_text": ""}
        background.update(b.shown(issue))
        sections.append(section("background", "Background",
                                {"type": "paragraphs", "rows": [background]}))
    sections += [
        _stance_section(b, "Where every actor stands", current, "actor", budget.max_actors,
                        b.model.shifts(as_of, issue=issue_id), "on this issue"),
        section("commentary", "Outside commentary", _commentary(
            b, _sources_say(b, issue=issue_id), "No outside commentary on this issue is "
                                                "recorded.")),
        section("events", "Events", _chronology(
            b, b.model.events_between(as_of, issue=issue_id), "on this issue",
            ("events", "Every event on the issue"))),
        section("outlook", "Outlook", _outlook(b, None, issue=issue_id)),
    ]
    return sections


ACTOR_KINDS = {"government": "a government", "ministry": "a ministry", "agency": "an agency",
               "legislature": "a legislature", "party": "a political party",
               "international-org": "an international organisation", "company": "a company",
               "expert": "an expert", "media": "a media outlet", "public": "the public",
               "person": "a person"}


def actor_lead(b: Builder, actor_id: str,
               current: dict[tuple[str, str], PositionRecord]) -> ParagraphRow:
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
    row.update(b.shown(actor, *current.values(), *(x for s in shifts[-1:]
                                                     for x in (s.before, s.after))))
    row.update(b.cite_fields(cites))
    return row


def actor_profile(b: Builder) -> list[Section]:
    actor_id = _check(b.spec.actor, b.model.actors, "actor")
    as_of, budget = b.spec.as_of, b.budget
    current = b.model.current_stances(as_of, actor=actor_id)
    issues = list(dict.fromkeys(issue_id for _, issue_id in current))
    judged = [a for key in issues for a in b.judgments_in_force.get(key, [])]
    chosen = choose(judged, budget.max_assessments, _newest(judged))
    lead: list[Block] = [{"type": "paragraphs", "rows": [actor_lead(b, actor_id, current)]}]
    if chosen.rows or any(b.judgment_changes.get(k) for k in issues):
        lead.append({"type": "subheading", "text": "The desk's judgments on these issues"})
        lead += b.judgments_block(chosen.rows, issues, labelled=True)
        lead += b.selection(phrase(chosen, "judgments in force", "newest"))
    return [
        section("bottom-line", "Bottom line", lead),
        _stance_section(b, "Stance on each issue", current, "issue", budget.max_issues,
                        b.model.shifts(as_of, actor=actor_id), "of this actor"),
        section("events", "Events", _chronology(
            b, b.model.events_between(as_of, actor=actor_id), "involving this actor",
            ("events", "Every event involving the actor"))),
    ]
