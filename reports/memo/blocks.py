"""The blocks of a memo context, made from model records (see ``reports.memo.context``).

:class:`BlockMaker` is the half of the context builder that turns records into blocks:
assessments (with changes in judgment), events and their timeline, stances, shifts, the
positions matrix and the outlook. Every row notes the records it prints
(``self.shown``), so the memo's banner is the highest marking among them and each row
can carry its portion mark.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from reports.memo.changes import JudgmentChanges, in_force, judgment_changes
from reports.memo.selection import choose
from reports.model.model import Event, Position, Shift
from reports.text import clip, long_date, short_date

# A body row stays a few lines long: longer texts are cut at a word, ending "…" (the
# workbook holds them whole). Judgments are never cut.
SUMMARY_CHARS = 240
QUOTE_CHARS = 200
EARLIER_SHOWN = 4  # an annex's earlier stances of one actor on one issue: the latest few


def note(text: str) -> dict:
    return {"type": "note", "text": text}


def section(key: str, heading: str, *blocks: dict | list, level: int = 1,
            annex: bool = False, collapsed: bool = False) -> dict:
    flat: list[dict] = []
    for block in blocks:
        flat.extend(block if isinstance(block, list) else [block])
    return {"id": key, "heading": heading, "level": level, "blocks": flat, "annex": annex,
            "collapsed": collapsed}


class BlockMaker:
    """Block-making methods of :class:`reports.memo.context.Builder` (which provides
    ``model``, ``spec``, ``budget``, ``actor_name``, ``issue_name``, ``cite_fields``,
    ``shown`` and ``native_langs``)."""

    # -- changes in judgment -----------------------------------------------------------

    @cached_property
    def judgment_changes(self) -> dict[str, JudgmentChanges]:
        """How the judgments in force differ from those the previous issued edition showed
        (none without one: a first edition, or a memo built with no edition before it)."""
        since = self.spec.since_last_edition
        if since is None:
            return {}
        return judgment_changes(since, self.model, self.spec.as_of)

    @cached_property
    def judgments_in_force(self) -> dict[str, list]:
        return in_force(self.model, self.spec.as_of)

    def _edition(self) -> str:
        since = self.spec.since_last_edition or {}
        return short_date(since.get("previous_as_of", ""))

    def judgment_change(self, a) -> dict:
        """``{"change": ...}`` for an assessment in force that differs from what the previous
        edition showed: its ``kind`` (replaced, revised, new), a ``caption`` saying so and,
        for a replaced one, the ``previous`` text and day; {} when unchanged."""
        key = a.issue_id or ""
        found = self.judgment_changes.get(key)
        if found is None:
            return {}
        in_force = self.judgments_in_force.get(key, ())
        index = next((n for n, b in enumerate(in_force) if b is a), None)
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

    def withdrawn_rows(self, keys) -> list[dict]:
        """A line for each judgment on ``keys`` that the previous edition showed and the
        desk no longer holds, by its day alone (its words are not repeated)."""
        rows = []
        for key in keys:
            found = self.judgment_changes.get(key or "")
            for day in found.withdrawn if found else ():
                on = f" on {self.issue_name(key)}" if key else ""
                rows.append({"withdrawn": True, "issue": self.issue_name(key or None),
                             "text": f"The judgment of {short_date(day)}{on} shown in the "
                                     f"edition of {self._edition()} is withdrawn.",
                             "cites": [], "cite_text": ""})
        return rows

    def assessments_block(self, items, keys=None) -> dict:
        """Judgments, newest first, each with its change since the previous edition; then
        the judgments on ``keys`` (default: those of ``items``) that were withdrawn."""
        rows = []
        for a in items:
            who = ", ".join(x for x in (a.author, short_date(a.as_of)) if x)
            likely = self.likelihood(a)
            rows.append({"text": a.judgment, "issue": self.issue_name(a.issue_id),
                         "attribution": f"{who}. " + (f"Likelihood: {likely}. " if likely
                                                       else "") + f"Confidence: {a.confidence}.",
                         **({"likelihood": a.likelihood} if a.likelihood else {}),
                         "extra": a.extra, **self.judgment_change(a), **self.shown(a),
                         **self.cite_fields(a.sources)})
        keys = list(dict.fromkeys(a.issue_id or "" for a in items)) if keys is None else keys
        rows += self.withdrawn_rows(keys)
        if not rows:
            return note("No assessment recorded as of " + long_date(self.spec.as_of) + ".")
        return {"type": "paragraphs", "rows": rows}

    def likelihood(self, record) -> str:
        """'likely (55-80%)' for a record with a likelihood, else ''."""
        term = getattr(record, "likelihood", None)
        if not term or self.spec.yardstick is None:
            return term or ""
        found = self.spec.yardstick.find(term)
        return f"{found.term} ({found.band})" if found else term

    def legend(self, blocks: list[dict]) -> list[dict]:
        """The yardstick's one-line legend, when any row of ``blocks`` has a likelihood."""
        if self.spec.yardstick is None or not any(
                r.get("likelihood") for b in blocks for r in b.get("rows", ())):
            return []
        return [{"type": "legend", "text": self.spec.yardstick.legend()}]

    def event_rows(self, events: list[Event], compact: bool = False,
                   cited: bool = True) -> list[dict]:
        if compact:
            return [{"id": e.event_id, "date": e.date.isoformat(),
                     "date_display": short_date(e.date), "title": e.title,
                     "category": e.category, "significance": e.significance,
                     "issues": [self.issue_name(i) for i in e.issues], "extra": e.extra,
                     **self.shown(e), **(self.cite_fields(e.sources) if cited else {})}
                    for e in events]
        return [{
            "id": e.event_id, "date": e.date.isoformat(), "date_display": short_date(e.date),
            "title": e.title, "summary": clip(e.summary, SUMMARY_CHARS),
            "category": e.category,
            "significance": e.significance, "location": e.location or "",
            "actors": [self.actor_name(a) for a in e.actors],
            "issues": [self.issue_name(i) for i in e.issues], "extra": e.extra,
            **self.shown(e), **self.cite_fields(e.sources)} for e in events]

    def events_block(self, events: list[Event], empty: str, window: list[str] | None = None,
                     *, chart: bool = True, compact: bool = False,
                     cited: bool = True) -> list[dict]:
        """A timeline of ``events`` (unless ``chart`` is False) and their table."""
        if not events:
            return [note(empty)]
        table = {"type": "events", "rows": self.event_rows(events, compact, cited)}
        if compact:
            table["compact"] = True
        return [self.timeline(events, window), table] if chart else [table]

    def timeline(self, events: list[Event], window: list[str] | None = None) -> dict:
        points = [{"date": e.date.isoformat(), "title": e.title, "significance": e.significance,
                   "issue": self.issue_name(e.issues[0]) if e.issues else "Other"}
                  for e in sorted(events, key=lambda e: (e.date, e.event_id))]
        first, last = short_date(points[0]["date"]), short_date(points[-1]["date"])
        issues = sorted({p["issue"] for p in points})
        alt = (f"Timeline of {len(events)} events from {first} to {last}, coloured by issue "
               f"({', '.join(issues)}) and sized by significance (1-5).")
        data = {"points": points, "issues": self.issue_order(), **self.chart_langs()}
        if window:
            data["window"] = window
        return {"type": "chart", "chart": "timeline", "alt": alt, "data": data}

    def chart_langs(self) -> dict:
        """What a chart needs to draw native names in their language's glyphs."""
        return {"native_langs": dict(self.native_langs),
                "east_asian_lang": self.spec.east_asian_lang}

    def issue_order(self) -> list[str]:
        """Every issue's display name in one memo-wide order: each keeps its colour."""
        return sorted({self.issue_name(i, printed=False) for i in self.model.issues},
                      key=lambda name: (name.lower(), name))

    def stance_rows(self, current: dict[tuple[str, str], Position], by: str,
                    history: bool = True, quotes: bool = True) -> list[dict]:
        rows = []
        for (actor_id, issue_id), pos in current.items():
            earlier = []
            if history:
                past = self.model.history(actor_id, issue_id, self.spec.as_of)
                if any(a.stance != b.stance for a, b in zip(past, past[1:], strict=False)):
                    earlier = [{"stance": p.stance, "date_display": short_date(p.as_of),
                                "summary": clip(p.summary, SUMMARY_CHARS), **self.shown(p),
                                **self.cite_fields(p.sources)} for p in past[:-1]]
            rows.append({
                "actor": self.actor_name(actor_id), "issue": self.issue_name(issue_id),
                "label": self.actor_name(actor_id) if by == "actor" else self.issue_name(
                    issue_id),
                "stance": pos.stance, "since": short_date(pos.as_of),
                "summary": clip(pos.summary, SUMMARY_CHARS),
                "quote": clip(pos.quote, QUOTE_CHARS) if quotes else "",
                "confidence": pos.confidence,
                "history": earlier, "extra": pos.extra, **self.shown(pos),
                **self.cite_fields(pos.sources)})
        return rows

    def stance_index(self, current: dict[tuple[str, str], Position], by: str,
                     empty: str) -> dict:
        """Annex rows: one line per current stance, earlier stances listed after it."""
        if not current:
            return note(empty)
        rows = []
        for (actor_id, issue_id), pos in current.items():
            past = self.model.history(actor_id, issue_id, self.spec.as_of)[:-1]
            # each stance once per run of restatements (from its first day), latest last
            runs = [p for i, p in enumerate(past) if i == 0 or p.stance != past[i - 1].stance]
            shown = runs[-EARLIER_SHOWN:]
            rows.append({"label": self.actor_name(actor_id) if by == "actor"
                         else self.issue_name(issue_id), "stance": pos.stance,
                         "since": short_date(pos.as_of), **self.shown(pos, *shown),
                         "earlier": [{"stance": p.stance, "date_display": short_date(p.as_of)}
                                     for p in shown],
                         "earlier_more": len(runs) - len(shown)})
        heading = "Actor" if by == "actor" else "Issue"
        return {"type": "stances", "compact": True, "label_heading": heading, "rows": rows}

    def stances_block(self, current: dict, by: str, empty: str, **options) -> dict:
        rows = self.stance_rows(current, by, **options)
        if not rows:
            return note(empty)
        heading = "Actor" if by == "actor" else "Issue"
        return {"type": "stances", "label_heading": heading, "rows": rows}

    def shifts_block(self, shifts: list[Shift], empty: str) -> dict:
        if not shifts:
            return note(empty)
        rows = [{"actor": self.actor_name(s.after.actor_id),
                 "issue": self.issue_name(s.after.issue_id), "from": s.before.stance,
                 "to": s.after.stance, "date_display": short_date(s.date),
                 "date": s.date.isoformat(), "why": clip(s.after.summary, SUMMARY_CHARS),
                 **self.shown(s.before, s.after),
                 **self.cite_fields(s.before.sources + s.after.sources)} for s in shifts]
        return {"type": "shifts", "rows": rows}

    def matrix(self, shifted_since: date | None, chart: bool) -> tuple[list[dict], str]:
        """The positions matrix (actors by issues), capped; and what it left out.

        Issues: those with the most current stances first (``max_issues``); actors: those
        whose stance shifted since ``shifted_since`` first, then those holding the most
        stances (``max_actors``); rows are grouped by country, as readers scan them.
        """
        current = self.model.current_stances(self.spec.as_of)
        if not current:
            return [note("No positions recorded as of " + long_date(self.spec.as_of) + ".")], ""
        shifted = set()
        if shifted_since is not None:
            shifted = {(s.after.actor_id, s.after.issue_id)
                       for s in self.model.shifts(self.spec.as_of) if s.date > shifted_since}
        per_issue: dict[str, int] = {}
        per_actor: dict[str, int] = {}
        for actor_id, issue_id in current:
            per_issue[issue_id] = per_issue.get(issue_id, 0) + 1
            per_actor[actor_id] = per_actor.get(actor_id, 0) + 1
        moved = {a for a, _ in shifted}
        issues = choose(per_issue, self.budget.max_issues,
                        lambda i: (-per_issue[i], self.issue_name(i, False).lower(), i))
        actors = choose(per_actor, self.budget.max_actors,
                        lambda a: (a not in moved, -per_actor[a],
                                   self.actor_name(a, False).lower(), a))
        # Ids break ties between equal names: the order never depends on set order.
        issue_ids = sorted(issues.rows, key=lambda i: (self.issue_name(i, False).lower(), i))
        actor_ids = sorted(actors.rows, key=lambda a: (self.model.actors[a].country,
                                                        self.model.actors[a].name.lower(), a))
        groups: list[dict] = []
        for actor_id in actor_ids:
            country = self.model.actors[actor_id].country
            if not groups or groups[-1]["country"] != country:
                groups.append({"country": country, "rows": []})
            cells = [{"stance": current[(actor_id, i)].stance if (actor_id, i) in current
                      else "", "shifted": (actor_id, i) in shifted} for i in issue_ids]
            shown = self.shown(self.model.actors[actor_id], *(
                current[(actor_id, i)] for i in issue_ids if (actor_id, i) in current))
            groups[-1]["rows"].append({"actor": self.actor_name(actor_id), "cells": cells,
                                       **shown})
        columns = [{"id": i, "name": self.issue_name(i)} for i in issue_ids]
        matrix = {"type": "matrix", "issues": columns, "groups": groups,
                  "marks_shifts": shifted_since is not None}
        left = " and ".join(x for x in (
            f"{len(actors.rows)} of {actors.total} actors" if actors.left_out else "",
            f"{len(issues.rows)} of {issues.total} issues" if issues.left_out else "") if x)
        blocks: list[dict] = [matrix]
        if chart:
            alt = (f"Positions matrix: current stance of {len(actor_ids)} actors (rows, grouped "
                   f"by country) on {len(issue_ids)} issues (columns) as of "
                   f"{long_date(self.spec.as_of)}; each cell names the stance and is coloured "
                   "by it.")
            blocks.insert(0, {"type": "chart", "chart": "matrix", "alt": alt,
                              "data": {"issues": columns, "groups": groups,
                                       **self.chart_langs()}})
        return blocks, (f"The matrix shows {left}: those that shifted first, then those "
                        "with the most recorded stances." if left else "")

    def outlook_block(self, items, empty: str) -> dict:
        if not items:
            return note(empty)
        rows = [{"date": o.date.isoformat() if o.date else None,
                 "date_display": short_date(o.date) if o.date else "Not yet scheduled",
                 "item": clip(o.item, SUMMARY_CHARS), "status": o.status,
                 "issues": [self.issue_name(i) for i in o.issues], "extra": o.extra,
                 **({"likelihood": self.likelihood(o)} if o.likelihood else {}),
                 **self.shown(o), **self.cite_fields(o.sources)} for o in items]
        return {"type": "outlook", "rows": rows}


