"""The blocks of a memo context, made from model records (see ``reports.memo.context``).

:class:`BlockMaker` is the half of the context builder that turns records into blocks:
events and their timeline, stances, shifts, the positions matrix and the outlook
(judgments are made by ``reports.memo.judgments``). Every row notes the records it prints
(``self.shown``), so the memo's banner is the highest marking among them and each row can
carry its portion mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reports.memo.judgments import JudgmentMaker
from reports.memo.selection import choose
from reports.memo.shapes import (
    Block,
    ChartBlock,
    EarlierStance,
    EventRow,
    EventsBlock,
    MatrixBlock,
    MatrixCell,
    MatrixGroup,
    MatrixIssue,
    MatrixRow,
    OutlookBlock,
    OutlookRow,
    ShiftRow,
    ShiftsBlock,
    StanceRow,
    StancesBlock,
    add,
    note,
)
from reports.model.records import Event, OutlookItem, Position, Shift
from reports.text import clip, long_date, plural, series, short_date

# A body row stays a few lines long: longer texts are cut at a word, ending "…" (the
# workbook holds them whole). Judgments are never cut.
SUMMARY_CHARS = 240
QUOTE_CHARS = 200
EARLIER_SHOWN = 4  # an annex's earlier stances of one actor on one issue: the latest few
TIMELINE_LABELS = 12  # events a timeline's alt text names in full, at most
LABEL_ALL_UP_TO = 8  # a timeline of this few events labels each (charts.timeline)
OTHER_LANE = "Other"

Pair = tuple[str, str]  # (actor_id, issue_id)


def stance_since(history: Sequence[Position]) -> Position:
    """The first row of the run of the current stance (``history`` oldest first): the day
    the stance began, not its latest restatement."""
    start = history[-1]
    for pos in reversed(history[:-1]):
        if pos.stance != start.stance:
            break
        start = pos
    return start


def stance_runs(history: Sequence[Position]) -> list[Position]:
    """Each stance of ``history`` once per run of restatements, from its first day."""
    return [p for i, p in enumerate(history) if i == 0 or p.stance != history[i - 1].stance]


class BlockMaker(JudgmentMaker):
    """Block-making methods of :class:`reports.memo.context.Builder` (events, stances,
    shifts, the positions matrix, the outlook); judgments are made by
    :class:`~reports.memo.judgments.JudgmentMaker`."""

    # -- events ------------------------------------------------------------------------

    def event_rows(self, events: Sequence[Event], compact: bool = False,
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
            add(row, self.shown(e))
            if cited:
                add(row, self.cite_fields(e.sources))
            rows.append(row)
        return rows

    def events_block(self, events: Sequence[Event], empty: str,
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

    def lane(self, event: Event) -> str:
        """The timeline row an event is drawn in: its first issue's name."""
        return self.issue_name(event.issues[0], printed=False) if event.issues else OTHER_LANE

    def timeline(self, events: Sequence[Event],
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

    def _since(self, history: Sequence[Position], pos: Position) -> StanceRow:
        start = stance_since(history) if history else pos
        row: StanceRow = {"since": short_date(start.as_of)}
        if start.as_of != pos.as_of:
            row["stated"] = short_date(pos.as_of)
        return row

    def stance_rows(self, current: dict[Pair, Position], by: str,
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
                    add(old, self.shown(p))
                    add(old, self.cite_fields(p.sources))
                    earlier.append(old)
            row: StanceRow = {
                "actor": self.actor_name(actor_id), "issue": self.issue_name(issue_id),
                "label": self.actor_name(actor_id) if by == "actor" else self.issue_name(
                    issue_id),
                "stance": pos.stance, "summary": clip(pos.summary, SUMMARY_CHARS),
                "quote": clip(pos.quote, QUOTE_CHARS) if quotes else "",
                "confidence": pos.confidence, "history": earlier, "extra": pos.extra}
            row.update(self._since(past, pos))
            add(row, self.shown(pos))
            add(row, self.cite_fields(pos.sources))
            rows.append(row)
        return rows

    def stance_index(self, current: dict[Pair, Position], by: str, empty: str) -> Block:
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
            add(row, self.shown(pos, *shown))
            rows.append(row)
        heading = "Actor" if by == "actor" else "Issue"
        block: StancesBlock = {"type": "stances", "compact": True, "label_heading": heading,
                               "rows": rows}
        return block

    def stances_block(self, current: dict[Pair, Position], by: str, empty: str,
                      history: bool = True) -> Block:
        rows = self.stance_rows(current, by, history=history)
        if not rows:
            return note(empty)
        heading = "Actor" if by == "actor" else "Issue"
        return {"type": "stances", "label_heading": heading, "rows": rows}

    def shifts_block(self, shifts: Sequence[Shift], empty: str,
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
            add(row, self.shown(s.before, s.after))
            add(row, self.cite_fields(s.before.sources + s.after.sources))
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
            cells: list[MatrixCell] = [
                {"stance": current[(actor_id, i)].stance if (actor_id, i) in current else "",
                 "shifted": (actor_id, i) in shifted} for i in issue_ids]
            row: MatrixRow = {"actor": self.actor_name(actor_id), "cells": cells}
            mark = self.shown(self.model.actors[actor_id], *(
                current[(actor_id, i)] for i in issue_ids if (actor_id, i) in current))
            if "portion" in mark:
                row["portion"] = mark["portion"]
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
        left = series([x for x in (
            f"{len(actor_ids)} of {actors.total} actors" if actors.left_out else "",
            f"{len(issue_ids)} of {len(all_issues)} issues"
            if len(issue_ids) < len(all_issues) else "") if x])
        blocks: list[Block] = [matrix]
        if chart:
            blocks.insert(0, {"type": "chart", "chart": "matrix", "caption": caption,
                              "alt": caption + " Each cell names the stance and is coloured "
                                               "by it.",
                              "data": {"issues": columns, "groups": groups,
                                       **self.chart_langs()}})
        return blocks, (f"The matrix shows {left}." if left else "")

    # -- outlook ---------------------------------------------------------------------------

    def outlook_block(self, items: Sequence[OutlookItem], empty: str) -> Block:
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
            add(row, self.shown(o))
            add(row, self.cite_fields(o.sources))
            rows.append(row)
        block: OutlookBlock = {"type": "outlook", "rows": rows}
        return block
