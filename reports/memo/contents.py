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

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from reports.errors import ConfigError
from reports.memo import periodic, subjects
from reports.memo.context import Builder, MemoSpec
from reports.memo.edition import since_last_edition, summary
from reports.memo.kinds import MEMO_KINDS
from reports.memo.parts import emptied_sheets_note
from reports.memo.shapes import Block, Context, MemoInfo, Section, note, section
from reports.model.model import Model
from reports.text import long_date, plural, printable, short_date
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
        "overview": periodic.overview, "weekly": periodic.weekly,
        "issue": subjects.issue_brief, "actor": subjects.actor_profile}
    sections = makers[spec.kind](b)
    if spec.since_last_edition is not None:
        sections.insert(1, since_last_edition(b, spec.since_last_edition))
    sections += b.annex_sections()
    for sec in sections:  # the yardstick's legend wherever likelihoods appear
        sec["blocks"] += b.legend(sec["blocks"])
    mail = summary(b, sections)  # before the banner: what the mail names counts for it
    sources = b.cites.listing()
    notes: list[Block] = [note(line) for line in (left_out, emptied_sheets_note(graded)) if line]
    sections.append(section("sources", "Sources", {"type": "sources", "rows": sources}
                            if sources else note("This memo cites no sources."), notes))
    memo = memo_block(b, mail)
    context: Context = {"memo": memo, "sections": sections, "sources": sources,
                        "native_langs": dict(b.native_langs)}
    return printable(context)


def visible_model(whole: Model, spec: MemoSpec) -> tuple[Model, str]:
    """The workbook as the memo may show it, and the line saying what its minimum grade
    left out ('' if nothing): rows above its ceiling cut (``Model.within``), then sources
    graded below its minimum with the entries resting only on them. A memo's context and
    everything its edition carries to the next (``reports.memo.changes.snapshot``) are made
    from this model alone."""
    model = whole.within(spec.ceiling_rank)
    low_r, low_c = grade_parts(spec.min_grade)
    if not (low_r or low_c):
        return model, ""
    kept = model.within(spec.ceiling_rank, lambda s: not below_grade(
        s.reliability, s.credibility, low_r, low_c), key=spec.min_grade)
    dropped = len(model.sources) - len(kept.sources)
    entries = sum(len(model.frame(sheet)) - len(kept.frame(sheet)) for sheet in (
        "Events", "Positions", "Assessments", "Outlook"))  # rows: no record made
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
