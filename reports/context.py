"""One memo context, built once per memo and handed to every renderer.

A context is plain JSON-able data::

    {"memo": {...}, "sections": [...], "sources": [...], "native_langs": {...}}

- ``memo``: the memo block (who, when, what; see ``reports.memos``).
- ``sections``: in reading order, the body first, then the annexes (``annex: true``);
  each ``{"id", "heading", "level", "blocks", "annex", "collapsed"}``.
- blocks, by ``type``: ``paragraphs``, ``subheading``, ``note``, ``facts``, ``events``
  (``compact`` for one-line rows), ``stances``, ``shifts``, ``matrix``, ``outlook``,
  ``changes``, ``chart``, ``sources``, ``selection`` (what the body left out, with an
  optional ``ref`` to the annex holding the rest) and ``legend``.
- cited rows carry ``cites`` (source numbers) and ``cite_text``; ``sources`` lists the
  cited sources, numbered in order of first citation.
- ``native_langs``: each native name the memo may print -> its language
  (``reports.language``), so both renderers tag Kanji names as Japanese or Korean alike.

The Word and HTML renderers draw the same blocks, so both formats hold the same facts;
golden tests compare this structure. :class:`Builder` makes the blocks; ``reports.memos``
decides what each memo kind holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from reports.kinds import DEFAULT_BUDGETS, Budget
from reports.language import lang_of
from reports.model import Event, Model, Position, Shift
from reports.selection import Chosen, choose
from reports.text import long_date, short_date

ANNEX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class MemoSpec:
    """What to build: one memo of a kind, with its parameters and the desk's block."""

    memo_id: str
    kind: str
    title: str
    as_of: date
    issue: str | None = None
    actor: str | None = None
    window_days: int = 7
    outlook_days: int = 30
    significance_floor: int = 1
    office: str = ""
    author: str = ""
    marking: str = ""
    to: str = ""
    sender: str = ""
    lang: str = "en"
    since_last_edition: dict | None = None  # what changed since the previous edition
    budget: Budget | None = None  # None: the kind's default budget
    east_asian_lang: str = "ko"  # Han-only text of no known country

    def __post_init__(self) -> None:
        if self.budget is None and self.kind in DEFAULT_BUDGETS:
            self.budget = DEFAULT_BUDGETS[self.kind]


class Citations:
    """Numbers sources in order of first citation; only sources known on the as-of date."""

    def __init__(self, model: Model, as_of: date):
        self.model, self.as_of = model, as_of
        self.numbers: dict[str, int] = {}

    def cite(self, source_ids: tuple[str, ...]) -> list[int]:
        numbers = []
        for sid in self.model.known_sources(source_ids, self.as_of):
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            numbers.append(self.numbers[sid])
        return sorted(set(numbers))

    def listing(self) -> list[dict]:
        out = []
        for sid, number in self.numbers.items():
            src = self.model.sources[sid]
            out.append({"n": number, "id": sid, "outlet": src.outlet, "title": src.title,
                        "published": src.published.isoformat() if src.published else None,
                        "published_display": short_date(src.published), "url": src.url,
                        "kind": src.kind})
        return out


@dataclass
class Annex:
    key: str
    title: str
    make: Callable[[], list[dict]]
    label: str


@dataclass
class Builder:
    model: Model
    spec: MemoSpec
    cites: Citations = field(init=False)
    annexes: list[Annex] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.cites = Citations(self.model, self.spec.as_of)

    @property
    def budget(self) -> Budget:
        return self.spec.budget or Budget()

    # -- names --------------------------------------------------------------------------

    def actor_name(self, actor_id: str) -> str:
        actor = self.model.actors.get(actor_id)
        if actor is None:
            return actor_id
        return f"{actor.name} ({actor.native_name})" if actor.native_name else actor.name

    def issue_name(self, issue_id: str | None) -> str:
        issue = self.model.issues.get(issue_id) if issue_id else None
        return issue.name if issue else (issue_id or "Overall")

    @cached_property
    def native_langs(self) -> dict[str, str]:
        """Every actor's native name -> its language (script, else the actor's country)."""
        found = {}
        for actor in self.model.actors.values():
            if actor.native_name:
                lang = lang_of(actor.native_name, actor.country, self.spec.east_asian_lang)
                if lang:
                    found[actor.native_name] = lang
        return dict(sorted(found.items()))

    def cite_fields(self, source_ids: tuple[str, ...]) -> dict:
        numbers = self.cites.cite(source_ids)
        return {"cites": numbers, "cite_text": "".join(f"[{n}]" for n in numbers)}

    # -- annexes and selection lines ---------------------------------------------------

    def annex(self, key: str, title: str, make: Callable[[], list[dict]]) -> dict:
        """Register an annex (built after the body, so sources number in reading order)."""
        label = f"Annex {ANNEX_LETTERS[len(self.annexes)]}"
        self.annexes.append(Annex(f"annex-{key}", title, make, label))
        return {"section": f"annex-{key}", "label": label}

    def annex_sections(self) -> list[dict]:
        return [section(a.key, f"{a.label}: {a.title}", *a.make(), annex=True, collapsed=True)
                for a in self.annexes]

    def selection(self, text: str, ref: dict | None = None) -> list[dict]:
        """A line saying what the body left out; [] when nothing was."""
        if not text:
            return []
        if ref is None:
            text = text[:-1] + "; the full list is in the workbook."
        return [{"type": "selection", "text": text, "ref": ref}]

    def annex_note(self, chosen: Chosen | None = None, noun: str = "",
                   how: str = "") -> list[dict]:
        """What an annex holds: its cap, stated, and where each entry's sources are."""
        held = (f"This annex lists the {len(chosen.rows):,} {how} of {chosen.total:,} {noun}; "
                "the rest are in the workbook. " if chosen and chosen.left_out else "")
        return [note(f"{held}Entries are listed without their sources, which the workbook "
                     "holds for each.")]

    # -- blocks -------------------------------------------------------------------------

    # -- changes in judgment -----------------------------------------------------------

    @cached_property
    def judgments_before(self) -> dict[str, dict]:
        """The latest judgment on each issue ('' overall) the previous edition showed: from
        the run record's snapshot when there is one, else those in force at the end of the
        previous window (``as_of - window_days``)."""
        since = self.spec.since_last_edition or {}
        if "judgments" in since:
            day = since.get("previous_as_of", "")
            return {k: {**v, "edition": day} for k, v in since["judgments"].items()}
        then = self.spec.as_of - timedelta(days=self.spec.window_days)
        found: dict[str, dict] = {}
        for a in self.model.assessments(then):  # newest first
            found.setdefault(a.issue_id or "", {"text": a.judgment, "as_of": a.as_of.isoformat(),
                                                "edition": then.isoformat()})
        return found

    def judgment_change(self, key: str, text: str) -> dict:
        """``{"previous": ...}`` when the latest judgment on ``key`` differs from the one
        the previous edition showed; {} when it is unchanged or new."""
        before = self.judgments_before.get(key)
        if not before or before["text"] == text:
            return {}
        return {"previous": {"text": before["text"], "as_of": before["as_of"],
                             "date_display": short_date(before["as_of"]),
                             "edition": short_date(before["edition"])}}

    def assessments_block(self, items) -> dict:
        rows = []
        latest: set[str] = set()
        for a in items:  # newest first: the first of each issue is its latest judgment
            key = a.issue_id or ""
            change = {} if key in latest else self.judgment_change(key, a.judgment)
            latest.add(key)
            who = ", ".join(x for x in (a.author, short_date(a.as_of)) if x)
            rows.append({"text": a.judgment, "issue": self.issue_name(a.issue_id),
                         "attribution": f"{who}; confidence {a.confidence}",
                         "extra": a.extra, **change, **self.cite_fields(a.sources)})
        if not rows:
            return note("No assessment recorded as of " + long_date(self.spec.as_of) + ".")
        return {"type": "paragraphs", "rows": rows}

    def event_rows(self, events: list[Event], compact: bool = False,
                   cited: bool = True) -> list[dict]:
        if compact:
            return [{"id": e.event_id, "date": e.date.isoformat(),
                     "date_display": short_date(e.date), "title": e.title,
                     "category": e.category, "significance": e.significance,
                     "issues": [self.issue_name(i) for i in e.issues], "extra": e.extra,
                     **(self.cite_fields(e.sources) if cited else {})} for e in events]
        return [{
            "id": e.event_id, "date": e.date.isoformat(), "date_display": short_date(e.date),
            "title": e.title, "summary": e.summary or "", "category": e.category,
            "significance": e.significance, "location": e.location or "",
            "actors": [self.actor_name(a) for a in e.actors],
            "issues": [self.issue_name(i) for i in e.issues], "extra": e.extra,
            **self.cite_fields(e.sources)} for e in events]

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
        return sorted({self.issue_name(i) for i in self.model.issues},
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
                                "summary": p.summary, **self.cite_fields(p.sources)}
                               for p in past[:-1]]
            rows.append({
                "actor": self.actor_name(actor_id), "issue": self.issue_name(issue_id),
                "label": self.actor_name(actor_id) if by == "actor" else self.issue_name(
                    issue_id),
                "stance": pos.stance, "since": short_date(pos.as_of), "summary": pos.summary,
                "quote": (pos.quote or "") if quotes else "", "confidence": pos.confidence,
                "history": earlier, "extra": pos.extra, **self.cite_fields(pos.sources)})
        return rows

    def stance_index(self, current: dict[tuple[str, str], Position], by: str,
                     empty: str) -> dict:
        """Annex rows: one line per current stance, earlier stances listed after it."""
        if not current:
            return note(empty)
        rows = []
        for (actor_id, issue_id), pos in current.items():
            past = self.model.history(actor_id, issue_id, self.spec.as_of)[:-1]
            rows.append({"label": self.actor_name(actor_id) if by == "actor"
                         else self.issue_name(issue_id), "stance": pos.stance,
                         "since": short_date(pos.as_of),
                         "earlier": [{"stance": p.stance, "date_display": short_date(p.as_of)}
                                     for p in past]})
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
                 "date": s.date.isoformat(), "why": s.after.summary,
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
                        lambda i: (-per_issue[i], self.issue_name(i).lower(), i))
        actors = choose(per_actor, self.budget.max_actors,
                        lambda a: (a not in moved, -per_actor[a], self.actor_name(a).lower(), a))
        # Ids break ties between equal names: the order never depends on set order.
        issue_ids = sorted(issues.rows, key=lambda i: (self.issue_name(i).lower(), i))
        actor_ids = sorted(actors.rows, key=lambda a: (self.model.actors[a].country,
                                                        self.model.actors[a].name.lower(), a))
        groups: list[dict] = []
        for actor_id in actor_ids:
            country = self.model.actors[actor_id].country
            if not groups or groups[-1]["country"] != country:
                groups.append({"country": country, "rows": []})
            cells = [{"stance": current[(actor_id, i)].stance if (actor_id, i) in current
                      else "", "shifted": (actor_id, i) in shifted} for i in issue_ids]
            groups[-1]["rows"].append({"actor": self.actor_name(actor_id), "cells": cells})
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
                 "item": o.item, "status": o.status,
                 "issues": [self.issue_name(i) for i in o.issues], "extra": o.extra,
                 **self.cite_fields(o.sources)} for o in items]
        return {"type": "outlook", "rows": rows}


def note(text: str) -> dict:
    return {"type": "note", "text": text}


def section(key: str, heading: str, *blocks: dict | list, level: int = 1,
            annex: bool = False, collapsed: bool = False) -> dict:
    flat: list[dict] = []
    for block in blocks:
        flat.extend(block if isinstance(block, list) else [block])
    return {"id": key, "heading": heading, "level": level, "blocks": flat, "annex": annex,
            "collapsed": collapsed}
