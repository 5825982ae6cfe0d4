"""One memo context, built once per memo and handed to every renderer.

A context is plain JSON-able data: the memo block (who, when, what), an ordered list of
sections, each holding typed blocks (``paragraphs``, ``events``, ``stances``, ``shifts``,
``matrix``, ``outlook``, ``facts``, ``chart``, ``note``), and the numbered sources the
memo cites. The Word and HTML renderers draw the same blocks, so both formats hold the
same facts; golden tests compare this structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reports.model import Event, Model, Position
from reports.text import long_date, short_date


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
    since_last_issue: dict | None = None  # filled by the scheduler (issue history)


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
class Builder:
    model: Model
    spec: MemoSpec
    cites: Citations = field(init=False)

    def __post_init__(self) -> None:
        self.cites = Citations(self.model, self.spec.as_of)

    # -- names --------------------------------------------------------------------------

    def actor_name(self, actor_id: str) -> str:
        actor = self.model.actors.get(actor_id)
        if actor is None:
            return actor_id
        return f"{actor.name} ({actor.native_name})" if actor.native_name else actor.name

    def issue_name(self, issue_id: str | None) -> str:
        issue = self.model.issues.get(issue_id) if issue_id else None
        return issue.name if issue else (issue_id or "Overall")

    def _cite(self, source_ids: tuple[str, ...]) -> dict:
        numbers = self.cites.cite(source_ids)
        return {"cites": numbers, "cite_text": "".join(f"[{n}]" for n in numbers)}

    # -- blocks -------------------------------------------------------------------------

    def assessments_block(self, items) -> dict:
        rows = []
        for a in items:
            who = ", ".join(x for x in (a.author, short_date(a.as_of)) if x)
            rows.append({"text": a.judgment, "issue": self.issue_name(a.issue_id),
                         "attribution": f"{who}; confidence {a.confidence}",
                         "extra": a.extra, **self._cite(a.sources)})
        if not rows:
            return note("No assessment recorded as of " + long_date(self.spec.as_of) + ".")
        return {"type": "paragraphs", "rows": rows}

    def events_block(self, events: list[Event], empty: str,
                     window: list[str] | None = None) -> list[dict]:
        if not events:
            return [note(empty)]
        rows = [{
            "id": e.event_id, "date": e.date.isoformat(), "date_display": short_date(e.date),
            "title": e.title, "summary": e.summary or "", "category": e.category,
            "significance": e.significance, "location": e.location or "",
            "actors": [self.actor_name(a) for a in e.actors],
            "issues": [self.issue_name(i) for i in e.issues], "extra": e.extra,
            **self._cite(e.sources)} for e in events]
        return [self.timeline(events, window), {"type": "events", "rows": rows}]

    def timeline(self, events: list[Event], window: list[str] | None = None) -> dict:
        points = [{"date": e.date.isoformat(), "title": e.title, "significance": e.significance,
                   "issue": self.issue_name(e.issues[0]) if e.issues else "Other"}
                  for e in events]
        dates = sorted(e.date for e in events)
        first, last = short_date(dates[0]), short_date(dates[-1])
        issues = sorted({p["issue"] for p in points})
        alt = (f"Timeline of {len(events)} events from {first} to {last}, coloured by issue "
               f"({', '.join(issues)}) and sized by significance (1-5).")
        data = {"points": points, "issues": self.issue_order()}
        if window:
            data["window"] = window
        return {"type": "chart", "chart": "timeline", "alt": alt, "data": data}

    def issue_order(self) -> list[str]:
        """Every issue's display name in one memo-wide order: each keeps its colour."""
        return sorted({self.issue_name(i) for i in self.model.issues},
                      key=lambda name: (name.lower(), name))

    def stance_rows(self, current: dict[tuple[str, str], Position], by: str) -> list[dict]:
        rows = []
        for (actor_id, issue_id), pos in current.items():
            history = self.model.history(actor_id, issue_id, self.spec.as_of)
            earlier = [{"stance": p.stance, "date_display": short_date(p.as_of),
                        "summary": p.summary, **self._cite(p.sources)} for p in history[:-1]]
            shifted = any(a.stance != b.stance for a, b in zip(history, history[1:],
                                                               strict=False))
            rows.append({
                "actor": self.actor_name(actor_id), "issue": self.issue_name(issue_id),
                "label": self.actor_name(actor_id) if by == "actor" else self.issue_name(
                    issue_id),
                "stance": pos.stance, "since": short_date(pos.as_of), "summary": pos.summary,
                "quote": pos.quote or "", "confidence": pos.confidence,
                "history": earlier if shifted else [], "extra": pos.extra,
                **self._cite(pos.sources)})
        return rows

    def stances_block(self, current: dict, by: str, empty: str) -> dict:
        rows = self.stance_rows(current, by)
        if not rows:
            return note(empty)
        heading = "Actor" if by == "actor" else "Issue"
        return {"type": "stances", "label_heading": heading, "rows": rows}

    def shifts_block(self, days: int | None, empty: str, **where) -> dict:
        shifts = self.model.shifts(self.spec.as_of, days, **where)
        if not shifts:
            return note(empty)
        rows = [{"actor": self.actor_name(s.after.actor_id),
                 "issue": self.issue_name(s.after.issue_id), "from": s.before.stance,
                 "to": s.after.stance, "date_display": short_date(s.date),
                 "date": s.date.isoformat(), "why": s.after.summary,
                 **self._cite(s.before.sources + s.after.sources)} for s in shifts]
        return {"type": "shifts", "rows": rows}

    def matrix_blocks(self, shifted_since: date | None) -> list[dict]:
        current = self.model.current_stances(self.spec.as_of)
        if not current:
            return [note("No positions recorded as of " + long_date(self.spec.as_of) + ".")]
        # Ids break ties between equal names: the order never depends on set order.
        issue_ids = sorted({i for _, i in current},
                           key=lambda i: (self.issue_name(i).lower(), i))
        actor_ids = sorted({a for a, _ in current},
                           key=lambda a: (self.model.actors[a].country,
                                          self.model.actors[a].name.lower(), a))
        shifted = set()
        if shifted_since is not None:
            shifted = {(s.after.actor_id, s.after.issue_id)
                       for s in self.model.shifts(self.spec.as_of) if s.date > shifted_since}
        groups: list[dict] = []
        for actor_id in actor_ids:
            country = self.model.actors[actor_id].country
            if not groups or groups[-1]["country"] != country:
                groups.append({"country": country, "rows": []})
            cells = []
            for issue_id in issue_ids:
                pos = current.get((actor_id, issue_id))
                cells.append({"stance": pos.stance if pos else "",
                              "shifted": (actor_id, issue_id) in shifted})
            groups[-1]["rows"].append({"actor": self.actor_name(actor_id), "cells": cells})
        issues = [{"id": i, "name": self.issue_name(i)} for i in issue_ids]
        matrix = {"type": "matrix", "issues": issues, "groups": groups,
                  "marks_shifts": shifted_since is not None}
        alt = (f"Positions matrix: current stance of {len(actor_ids)} actors (rows, grouped by "
               f"country) on {len(issue_ids)} issues (columns) as of "
               f"{long_date(self.spec.as_of)}; each cell names the stance and is coloured by it.")
        chart = {"type": "chart", "chart": "matrix", "alt": alt,
                 "data": {"issues": issues, "groups": groups}}
        return [chart, matrix]

    def outlook_block(self, days: int | None, empty: str, **where) -> dict:
        items = self.model.outlook(self.spec.as_of, days, **where)
        if not items:
            return note(empty)
        rows = [{"date": o.date.isoformat() if o.date else None,
                 "date_display": short_date(o.date) if o.date else "Not yet scheduled",
                 "item": o.item, "status": o.status,
                 "issues": [self.issue_name(i) for i in o.issues], "extra": o.extra,
                 **self._cite(o.sources)} for o in items]
        return {"type": "outlook", "rows": rows}


def note(text: str) -> dict:
    return {"type": "note", "text": text}


def section(key: str, heading: str, *blocks: dict | list, level: int = 1) -> dict:
    flat: list[dict] = []
    for block in blocks:
        flat.extend(block if isinstance(block, list) else [block])
    return {"id": key, "heading": heading, "level": level, "blocks": flat}
