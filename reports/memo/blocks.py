"""The blocks of a memo context, made from model records (see ``reports.memo.context``).

:class:`BlockMaker` is the half of the context builder that turns records into blocks:
judgments (the desk's, numbered, with their changes since the last edition; outside
commentary, labelled), events and their timeline, stances, shifts, the positions matrix
and the outlook. Every row notes the records it prints (``self.shown``), so the memo's
banner is the highest marking among them and each row can carry its portion mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import cached_property

from reports.memo.changes import JudgmentChanges, in_force, is_desk, judgment_changes
from reports.memo.kinds import Budget
from reports.memo.selection import choose, plural
from reports.memo.shapes import (
    AnnexRef,
    AssessmentRecord,
    Block,
    ChartBlock,
    Cited,
    EarlierStance,
    EventRecord,
    EventRow,
    EventsBlock,
    JudgmentRow,
    JudgmentsBlock,
    LegendBlock,
    Marked,
    MatrixBlock,
    MatrixGroup,
    MatrixIssue,
    MatrixRow,
    NoteBlock,
    OutlookBlock,
    OutlookRecord,
    OutlookRow,
    PositionRecord,
    Section,
    ShiftRecord,
    ShiftRow,
    ShiftsBlock,
    StanceRow,
    StancesBlock,
)
from reports.memo.spec import MemoSpec
from reports.model.model import Model
from reports.text import clip, long_date, short_date

# A body row stays a few lines long: longer texts are cut at a word, ending "…" (the
# workbook holds them whole). Judgments are never cut.
SUMMARY_CHARS = 240
QUOTE_CHARS = 200
EARLIER_SHOWN = 4  # an annex's earlier stances of one actor on one issue: the latest few
TIMELINE_LABELS = 12  # events a timeline's alt text names in full, at most
LABEL_ALL_UP_TO = 8  # a timeline of this few events labels each (charts.timeline)
OTHER_LANE = "Other"
COMMENTARY = "Outside commentary, not the desk's judgment."

Pair = tuple[str, str]  # (actor_id, issue_id)


def note(text: str) -> NoteBlock:
    return {"type": "note", "text": text}


def section(key: str, heading: str, *blocks: Block | list[Block], level: int = 1,
            annex: bool = False, collapsed: bool = False) -> Section:
    flat: list[Block] = []
    for block in blocks:
        if isinstance(block, list):
            flat.extend(block)
        else:
            flat.append(block)
    return {"id": key, "heading": heading, "level": level, "blocks": flat, "annex": annex,
            "collapsed": collapsed}


def stance_since(history: Sequence[PositionRecord]) -> PositionRecord:
    """The first row of the run of the current stance (``history`` oldest first): the day
    the stance began, not its latest restatement."""
    start = history[-1]
    for pos in reversed(history[:-1]):
        if pos.stance != start.stance:
            break
        start = pos
    return start


def stance_runs(history: Sequence[PositionRecord]) -> list[PositionRecord]:
    """Each stance of ``history`` once per run of restatements, from its first day."""
    return [p for i, p in enumerate(history) if i == 0 or p.stance != history[i - 1].stance]


class BlockMaker:
    """Block-making methods of :class:`reports.memo.context.Builder`, which provides the
    model, the spec, names, citations and what the memo shows (stubs here)."""

    model: Model
    spec: MemoSpec

    # -- provided by the builder -------------------------------------------------------

    @property
    def budget(self) -> Budget:
        raise NotImplementedError

    @property
    def native_langs(self) -> dict[str, str]:
        raise NotImplementedError

    def shown(self, *records: Marked | None) -> Cited:
        raise NotImplementedError

    def marked(self, rank: int) -> Cited:
        raise NotImplementedError

    def actor_name(self, actor_id: str, printed: bool = True) -> str:
        raise NotImplementedError

    def issue_name(self, issue_id: str | None, printed: bool = True) -> str:
        raise NotImplementedError

    def cite_fields(self, source_ids: tuple[str, ...]) -> Cited:
        raise NotImplementedError

    # -- judgments and their changes ---------------------------------------------------

    @cached_property
    def judgment_changes(self) -> dict[str, JudgmentChanges]:
        """How the desk's judgments in force differ from those the previous issued edition
        showed (none without one: a first edition, or a memo built with no edition before
        it)."""
        since = self.spec.since_last_edition
        if since is None:
            return {}
        return judgment_changes(since, self.model, self.spec.as_of)

    @cached_property
    def judgments_in_force(self) -> dict[str, list[AssessmentRecord]]:
        """The desk's judgments in force per issue ('' overall): those of its latest day."""
        return in_force(self.model, self.spec.as_of)

    def _edition(self) -> str:
        since = self.spec.since_last_edition or {}
        return short_date(since.get("previous_as_of", ""))

    def judgment_change(self, a: AssessmentRecord) -> JudgmentRow:
        """``{"change": ...}`` for a desk judgment in force that differs from what the
        previous edition showed: its ``kind`` (replaced, revised, new), a ``caption`` saying
        so and, for a replaced one, the ``previous`` text and day; {} when unchanged."""
        key = a.issue_id or ""
        found = self.judgment_changes.get(key)
        if found is None:
            return {}
        index = next((n for n, b in enumerate(self.judgments_in_force.get(key, ()))
                      if b is a), None)
        change = found.changed.get(index) if index is not None else None
        if change is None:
            return {}
        edition = self._edition()
        if change.kind == "replaced":
            caption = (f"Replaces the judgment of {short_date(change.previous_as_of)} in the "
                       f"edition of {edition}")
        elif change.kind == "revised":
            caption = f"Revised since the edition of {edition}"
        else:
            caption = f"New since the edition of {edition}"
        return {"change": {"kind": change.kind, "caption": caption,
                           "previous": change.previous_text,
                           "previous_as_of": change.previous_as_of}}

    def withdrawn_rows(self, keys: Iterable[str]) -> list[JudgmentRow]:
        """A line for each desk judgment on ``keys`` that the previous edition showed and
        the desk no longer holds, by its day alone (its words are not repeated)."""
        rows: list[JudgmentRow] = []
        for key in keys:
            found = self.judgment_changes.get(key or "")
            for day in found.withdrawn if found else ():
                on = f" on {self.issue_name(key)}" if key else ""
                rows.append({"withdrawn": True, "issue": self.issue_name(key or None),
                             "whose": "desk",
                             "text": f"The judgment of {short_date(day)}{on} shown in the "
                                     f"edition of {self._edition()} is withdrawn.",
                             "cites": [], "cite_text": ""})
        return rows

    def said(self, a: AssessmentRecord) -> str:
        """'Likelihood: likely (55-80%). Confidence: medium.' for a desk judgment (and the
        day it was made, when not the memo's)."""
        likely = self.likelihood(a)
        text = (f"Likelihood: {likely}. " if likely else "") + f"Confidence: {a.confidence}."
        if a.as_of != self.spec.as_of:
            text += f" Judged on {short_date(a.as_of)}."
        return text

    def judgment_row(self, a: AssessmentRecord, number: int | None = None,
                     label: str = "") -> JudgmentRow:
        """One judgment: the desk's with its likelihood, confidence and change since the last
        edition; a source's labelled as outside commentary, by its author and day."""
        row: JudgmentRow = {"text": a.judgment, "issue": self.issue_name(a.issue_id),
                            "confidence": a.confidence, "day": short_date(a.as_of),
                            "extra": a.extra}
        if number is not None:
            row["number"] = number
        if a.likelihood:
            row["likelihood"] = a.likelihood
            row["likelihood_text"] = self.likelihood(a)
        if is_desk(a):
            row.update({"whose": "desk", "attribution": self.said(a)})
            if label:
                row["label"] = label
            row.update(self.judgment_change(a))
        else:
            likely = self.likelihood(a)
            row.update({"whose": "source",
                         "label": f"{a.author or 'A source'}, {short_date(a.as_of)}",
                         "attribution": COMMENTARY + (f" Likelihood (the source's): "
                                                      f"{likely}." if likely else "")})
        row.update(self.shown(a))
        row.update(self.cite_fields(a.sources))
        return row

    def judgments_block(self, items: Sequence[AssessmentRecord], keys: Sequence[str] = (),
                        empty: str = "", labelled: bool = False) -> list[Block]:
        """The desk's judgments numbered 1, 2 ... (each labelled with its issue when
        ``labelled``), then the withdrawn ones on ``keys``; or ``empty`` as a note."""
        rows = [self.judgment_row(a, n, self.issue_name(a.issue_id) if labelled else "")
                for n, a in enumerate(items, start=1)]
        rows += self.withdrawn_rows(keys)
        if not rows:
            return [note(empty)] if empty else []
        block: JudgmentsBlock = {"type": "judgments", "whose": "desk", "numbered": True,
                                 "rows": rows}
        return [block]

    def commentary_block(self, items: Sequence[AssessmentRecord], empty: str) -> Block:
        """Outside commentary, each row labelled with its author and day, never numbered."""
        if not items:
            return note(empty)
        return {"type": "judgments", "whose": "source", "numbered": False,
                "rows": [self.judgment_row(a) for a in items]}

    def likelihood(self, record: AssessmentRecord | OutlookRecord) -> str:
        """'likely (55-80%)' for a record with a likelihood, else ''."""
        term = record.likelihood
        if not term or self.spec.yardstick is None:
            return term or ""
        found = self.spec.yardstick.find(term)
        return f"{found.term} ({found.band})" if found else term

    def legend(self, blocks: list[Block]) -> list[LegendBlock]:
        """The yardstick's one-line legend, when any row of ``blocks`` has a likelihood."""
        if self.spec.yardstick is None:
            return []
        for block in blocks:
            if (block["type"] == "judgments" and any(r.get("likelihood") for r in
                                                     block["rows"])) or (
                    block["type"] == "outlook" and any(r.get("likelihood") for r in
                                                       block["rows"])):
                return [{"type": "legend", "text": self.spec.yardstick.legend()}]
        return []

    # -- events ------------------------------------------------------------------------

    def event_rows(self, events: Sequence[EventRecord], compact: bool = False,
                   cited: bool = True) -> list[EventRow]:
        rows: list[EventRow] = []
        for e in events:
            row: EventRow = {"id": e.event_id, "date": e.date.isoformat(),
                             "date_display": short_date(e.date), "title": e.title,
                             "category": e.category, "significance": e.significance,
                             "issues": [self.issue_name(i) for i in e.issues],
                             "extra": e.extra}
            if not compact:
                row.update({"summary": clip(e.summary, SUMMARY_CHARS),
                            "location": e.location or "",
                            "actors": [self.actor_name(a) for a in e.actors]})
            row.update(self.shown(e))
            if cited:
                row.update(self.cite_fields(e.sources))
            rows.append(row)
        return rows

    def events_block(self, events: Sequence[EventRecord], empty: str,
                     window: list[str] | None = None, *, chart: bool = True,
                     compact: bool = False, cited: bool = True) -> list[Block]:
        """A timeline of ``events`` (unless ``chart`` is False, or every event sits in one
        row of it: then it adds nothing to the table) and their table."""
        if not events:
            return [note(empty)]
        table: EventsBlock = {"type": "events", "rows": self.event_rows(events, compact, cited)}
        if compact:
            table["compact"] = True
        if chart and len({self.lane(e) for e in events}) > 1:
            return [self.timeline(events, window), table]
        return [table]

    def lane(self, event: EventRecord) -> str:
        """The timeline row an event is drawn in: its first issue's name."""
        return self.issue_name(event.issues[0], printed=False) if event.issues else OTHER_LANE

    def timeline(self, events: Sequence[EventRecord],
                 window: list[str] | None = None) -> ChartBlock:
        ordered = sorted(events, key=lambda e: (e.date, e.event_id))
        points = [{"date": e.date.isoformat(), "title": e.title, "significance": e.significance,
                   "issue": self.lane(e)} for e in ordered]
        first, last = short_date(ordered[0].date), short_date(ordered[-1].date)
        lanes = sorted({str(p["issue"]) for p in points})
        span = f"on {first}" if first == last else f"from {first} to {last}"
        caption = (f"Timeline of {plural(len(ordered), 'event')} {span}: one row per issue "
                   f"({', '.join(lanes)}), marker size by significance (1-5); every event is "
                   "in the table below.")
        labelled = ordered if len(ordered) <= LABEL_ALL_UP_TO else [
            e for e in ordered if e.significance == 5]
        named = "; ".join(f"{short_date(e.date)}, {e.title}"
                          for e in labelled[-TIMELINE_LABELS:])
        alt = caption + (f" Events labelled: {named}." if named else "")
        data = {"points": points, "issues": self.issue_order(), **self.chart_langs()}
        if window:
            data["window"] = window
        return {"type": "chart", "chart": "timeline", "caption": caption, "alt": alt,
                "data": data}

    def chart_langs(self) -> dict[str, object]:
        """What a chart needs to draw native names in their language's glyphs."""
        return {"native_langs": dict(self.native_langs),
                "east_asian_lang": self.spec.east_asian_lang}

    def issue_order(self) -> list[str]:
        """Every issue's display name in one memo-wide order: each keeps its colour."""
        return sorted({self.issue_name(i, printed=False) for i in self.model.issues},
                      key=lambda name: (name.lower(), name))

    # -- stances and shifts --------------------------------------------------------------

    def _since(self, history: Sequence[PositionRecord], pos: PositionRecord) -> StanceRow:
        start = stance_since(history) if history else pos
        row: StanceRow = {"since": short_date(start.as_of)}
        if start.as_of != pos.as_of:
            row["stated"] = short_date(pos.as_of)
        return row

    def stance_rows(self, current: dict[Pair, PositionRecord], by: str,
                    history: bool = True, quotes: bool = True) -> list[StanceRow]:
        """One row per current stance: since the day it began, the latest statement's
        summary (and quotation), and the earlier stances (each run once) when asked."""
        rows: list[StanceRow] = []
        for (actor_id, issue_id), pos in current.items():
            past = self.model.history(actor_id, issue_id, self.spec.as_of)
            runs = stance_runs(past)
            earlier: list[EarlierStance] = []
            if history and len(runs) > 1:
                for p in runs[:-1]:
                    old: EarlierStance = {"stance": p.stance, "date_display": short_date(p.as_of),
                                          "summary": clip(p.summary, SUMMARY_CHARS)}
                    old.update(self.shown(p))
                    old.update(self.cite_fields(p.sources))
                    earlier.append(old)
            row: StanceRow = {
                "actor": self.actor_name(actor_id), "issue": self.issue_name(issue_id),
                "label": self.actor_name(actor_id) if by == "actor" else self.issue_name(
                    issue_id),
                "stance": pos.stance, "summary": clip(pos.summary, SUMMARY_CHARS),
                "quote": clip(pos.quote, QUOTE_CHARS) if quotes else "",
                "confidence": pos.confidence, "history": earlier, "extra": pos.extra}
            row.update(self._since(past, pos))
            row.update(self.shown(pos))
            row.update(self.cite_fields(pos.sources))
            rows.append(row)
        return rows

    def stance_index(self, current: dict[Pair, PositionRecord], by: str, empty: str) -> Block:
        """Annex rows: one line per current stance, earlier stances listed after it."""
        if not current:
            return note(empty)
        rows: list[StanceRow] = []
        for (actor_id, issue_id), pos in current.items():
            past = self.model.history(actor_id, issue_id, self.spec.as_of)
            runs = stance_runs(past)[:-1]  # each stance once per run, from its first day
            shown = runs[-EARLIER_SHOWN:]
            row: StanceRow = {"label": self.actor_name(actor_id) if by == "actor"
                              else self.issue_name(issue_id), "stance": pos.stance,
                              "earlier": [{"stance": p.stance,
                                           "date_display": short_date(p.as_of)} for p in shown],
                              "earlier_more": len(runs) - len(shown)}
            row.update(self._since(past, pos))
            row.update(self.shown(pos, *shown))
            rows.append(row)
        heading = "Actor" if by == "actor" else "Issue"
        block: StancesBlock = {"type": "stances", "compact": True, "label_heading": heading,
                               "rows": rows}
        return block

    def stances_block(self, current: dict[Pair, PositionRecord], by: str, empty: str,
                      history: bool = True) -> Block:
        rows = self.stance_rows(current, by, history=history)
        if not rows:
            return note(empty)
        heading = "Actor" if by == "actor" else "Issue"
        return {"type": "stances", "label_heading": heading, "rows": rows}

    def shifts_block(self, shifts: Sequence[ShiftRecord], empty: str,
                     columns: Sequence[str] = ("actor", "issue")) -> Block:
        """Changes of stance; ``columns`` leaves out what the memo is about (an actor's
        profile does not repeat the actor's name in every row)."""
        if not shifts:
            return note(empty)
        rows: list[ShiftRow] = []
        for s in shifts:
            row: ShiftRow = {"actor": self.actor_name(s.after.actor_id),
                             "issue": self.issue_name(s.after.issue_id),
                             "label": self.actor_name(s.after.actor_id) if "actor" in columns
                             else self.issue_name(s.after.issue_id),
                             "from": s.before.stance, "to": s.after.stance,
                             "date_display": short_date(s.date), "date": s.date.isoformat(),
                             "why": clip(s.after.summary, SUMMARY_CHARS)}
            row.update(self.shown(s.before, s.after))
            row.update(self.cite_fields(s.before.sources + s.after.sources))
            rows.append(row)
        block: ShiftsBlock = {"type": "shifts", "columns": list(columns), "rows": rows}
        return block

    # -- the positions matrix ------------------------------------------------------------

    def matrix(self, shifted_since: date | None, chart: bool) -> tuple[list[Block], str]:
        """The positions matrix (actors by issues), capped; and a line saying what it left
        out ('' if nothing).

        Rows: the actors whose stance shifted since ``shifted_since`` first, then those
        holding the most positions (``max_actors``), grouped by country as readers scan
        them; columns: the issues on which those actors hold the most positions
        (``max_issues``), so no column is empty. The caption states the rule.
        """
        as_of = self.spec.as_of
        current = self.model.current_stances(as_of)
        if not current:
            return [note("No positions recorded as of " + long_date(as_of) + ".")], ""
        shifted: set[Pair] = set()
        if shifted_since is not None:
            shifted = {(s.after.actor_id, s.after.issue_id)
                       for s in self.model.shifts(as_of) if s.date > shifted_since}
        per_actor: dict[str, int] = {}
        all_issues: set[str] = set()
        for actor_id, issue_id in current:
            per_actor[actor_id] = per_actor.get(actor_id, 0) + 1
            all_issues.add(issue_id)
        moved = {a for a, _ in shifted}
        actors = choose(per_actor, self.budget.max_actors,
                        lambda a: (a not in moved, -per_actor[a],
                                   self.actor_name(a, False).lower(), a))
        chosen = set(actors.rows)
        per_issue: dict[str, int] = {}
        for actor_id, issue_id in current:
            if actor_id in chosen:
                per_issue[issue_id] = per_issue.get(issue_id, 0) + 1
        issues = choose(per_issue, self.budget.max_issues,
                        lambda i: (-per_issue[i], self.issue_name(i, False).lower(), i))
        # Ids break ties between equal names: the order never depends on set order.
        issue_ids = sorted(issues.rows, key=lambda i: (self.issue_name(i, False).lower(), i))
        actor_ids = sorted(actors.rows, key=lambda a: (self.model.actors[a].country,
                                                        self.model.actors[a].name.lower(), a))
        groups: list[MatrixGroup] = []
        for actor_id in actor_ids:
            country = self.model.actors[actor_id].country
            if not groups or groups[-1]["country"] != country:
                groups.append({"country": country, "rows": []})
            cells = [{"stance": current[(actor_id, i)].stance if (actor_id, i) in current
                      else "", "shifted": (actor_id, i) in shifted} for i in issue_ids]
            row: MatrixRow = {"actor": self.actor_name(actor_id), "cells": cells}
            row.update(self.shown(self.model.actors[actor_id], *(
                current[(actor_id, i)] for i in issue_ids if (actor_id, i) in current)))
            groups[-1]["rows"].append(row)
        columns: list[MatrixIssue] = [{"id": i, "name": self.issue_name(i)} for i in issue_ids]
        moved_shown = bool(moved & chosen)
        if actors.left_out:
            who = (f"the {len(actor_ids)} actors " + ("whose stance changed in the period, "
                                                      "then those " if moved_shown else "")
                   + f"holding the most positions (of {len(per_actor)})")
        else:
            who = f"every actor with a position ({len(actor_ids)})"
        if len(issue_ids) < len(all_issues):
            what = (f"the {plural(len(issue_ids), 'issue')} on which they hold the most "
                    f"positions (of {len(all_issues)})")
        else:
            what = f"every issue with a position ({len(issue_ids)})"
        caption = (f"Current stances as of {long_date(as_of)} of {who}, by country, on {what}; "
                   "blank: no position recorded.")
        matrix: MatrixBlock = {"type": "matrix", "issues": columns, "groups": groups,
                               "marks_shifts": shifted_since is not None, "caption": caption}
        left = " and ".join(x for x in (
            f"{len(actor_ids)} of {actors.total} actors" if actors.left_out else "",
            f"{len(issue_ids)} of {len(all_issues)} issues"
            if len(issue_ids) < len(all_issues) else "") if x)
        blocks: list[Block] = [matrix]
        if chart:
            blocks.insert(0, {"type": "chart", "chart": "matrix", "caption": caption,
                              "alt": caption + " Each cell names the stance and is coloured "
                                               "by it.",
                              "data": {"issues": columns, "groups": groups,
                                       **self.chart_langs()}})
        return blocks, (f"The matrix shows {left}." if left else "")

    # -- outlook ---------------------------------------------------------------------------

    def outlook_block(self, items: Sequence[OutlookRecord], empty: str) -> Block:
        if not items:
            return note(empty)
        rows: list[OutlookRow] = []
        for o in items:
            row: OutlookRow = {"date": o.date.isoformat() if o.date else None,
                               "date_display": short_date(o.date) if o.date
                               else "Not yet scheduled",
                               "item": clip(o.item, SUMMARY_CHARS), "status": o.status,
                               "issues": [self.issue_name(i) for i in o.issues],
                               "extra": o.extra}
            if o.likelihood:
                row["likelihood"] = self.likelihood(o)
            row.update(self.shown(o))
            row.update(self.cite_fields(o.sources))
            rows.append(row)
        block: OutlookBlock = {"type": "outlook", "rows": rows}
        return block


def window_start(as_of: date, days: int) -> date:
    """The last day before a window of ``days`` days ending on ``as_of``."""
    return as_of - timedelta(days=days)


__all__ = ["AnnexRef", "BlockMaker", "Callable", "note", "section", "stance_since",
           "window_start"]
