"""One memo context, built once per memo and handed to every renderer.

A context is plain JSON-able data (its shapes, for a type checker, are in
``reports.memo.shapes``)::

    {"memo": {...}, "sections": [...], "sources": [...], "native_langs": {...}}

- ``memo``: the memo block (who, when, what, its banner and its short form, and the
  summary its mail carries; see ``reports.memo.contents``).
- ``sections``: in reading order, the body first (its first section is always the
  bottom line), then the annexes (``annex: true``); each ``{"id", "heading", "level",
  "blocks", "annex", "collapsed"}``.
- blocks, by ``type``: ``judgments`` (the desk's, numbered, each with its likelihood and
  confidence; or outside commentary, each labelled with its author), ``paragraphs``,
  ``subheading``, ``note``, ``facts``, ``events`` (``compact`` for one-line rows),
  ``stances``, ``shifts``, ``matrix``, ``outlook``, ``changes``, ``chart``, ``sources``,
  ``selection`` (what the body left out, with an optional ``ref`` to the annex holding
  the rest) and ``legend``.
- cited rows carry ``cites`` (source numbers) and ``cite_text``; ``sources`` lists the
  cited sources, numbered in order of first citation.
- ``native_langs``: each native name the memo may print -> its language
  (``reports.text``), so both renderers tag Kanji names as Japanese or Korean alike.

The Word and HTML renderers draw the same blocks, so both formats hold the same facts;
golden tests compare this structure. :class:`Builder` makes the blocks; ``reports.memo.contents``
decides what each memo kind holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from reports.memo.blocks import BlockMaker
from reports.memo.kinds import Budget
from reports.memo.selection import Chosen
from reports.memo.shapes import AnnexRef, Block, Cited, Section, SourceRow, note, section
from reports.memo.spec import MemoSpec
from reports.model.model import Model
from reports.model.records import Record
from reports.text import lang_of, short_date
from reports.tradecraft import Markings, grade, grade_meaning

ANNEX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Citations:
    """Numbers sources in order of first citation; only sources known on the as-of date."""

    def __init__(self, model: Model, as_of: date, markings: Markings | None = None):
        self.model, self.as_of, self.markings = model, as_of, markings
        self.numbers: dict[str, int] = {}

    @property
    def ranks(self) -> set[int]:
        """The marking ranks of the sources cited so far."""
        return {int(self.model.sources[sid].marking_rank) for sid in self.numbers}

    def cite(self, source_ids: tuple[str, ...]) -> list[int]:
        numbers = []
        for sid in self.model.known_sources(source_ids, self.as_of):
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            numbers.append(self.numbers[sid])
        return sorted(set(numbers))

    def listing(self) -> list[SourceRow]:
        out: list[SourceRow] = []
        for sid, number in self.numbers.items():
            src = self.model.sources[sid]
            row: SourceRow = {
                "n": number, "id": sid, "outlet": src.outlet, "title": src.title,
                "published": src.published.isoformat() if src.published else None,
                "published_display": short_date(src.published), "url": src.url,
                "kind": src.kind, "grade": grade(src.reliability, src.credibility),
                "grade_text": grade_meaning(src.reliability, src.credibility)}
            mark = self.markings.portion(src.marking_rank) if self.markings else ""
            if mark:
                row["portion"] = mark
            out.append(row)
        return out


@dataclass
class Annex:
    key: str
    title: str
    make: Callable[[], list[Block]]
    label: str


@dataclass
class Builder(BlockMaker):
    """Makes a memo's blocks from ``model`` (already cut to what the memo may hold), and
    keeps what the memo shows: the sources it cites, the annexes it points to, and the
    marking ranks of every record it prints (its banner is the highest of them)."""

    model: Model
    spec: MemoSpec
    cites: Citations = field(init=False)
    annexes: list[Annex] = field(init=False, default_factory=list)
    ranks: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.cites = Citations(self.model, self.spec.as_of, self.spec.markings)

    @property
    def budget(self) -> Budget:
        return self.spec.budget or Budget()

    # -- what the memo shows -------------------------------------------------------------

    def shown(self, *records: Record | None) -> Cited:
        """Note that ``records`` are printed; their row's portion mark when configured."""
        return self.marked(max((int(r.marking_rank) for r in records if r is not None),
                               default=0))

    def marked(self, rank: int) -> Cited:
        """Note that a row marked ``rank`` is printed; its portion mark when configured."""
        self.ranks.add(rank)
        mark = self.spec.levels.portion(rank)
        return {"portion": mark} if mark else {}

    def top_rank(self) -> int:
        """The highest marking rank the memo holds so far."""
        return max(self.ranks | self.cites.ranks, default=0)

    def banner(self) -> str:
        """The highest level among what the memo holds, never below the desk's default."""
        return self.spec.levels.banner(self.ranks | self.cites.ranks)

    # -- names --------------------------------------------------------------------------

    def actor_name(self, actor_id: str, printed: bool = True) -> str:
        """The actor's name (and native name); ``printed``: the memo prints it, so its
        marking counts for the banner (not when it only orders rows)."""
        actor = self.model.actors.get(actor_id)
        if actor is None:
            return actor_id
        if printed:
            self.ranks.add(int(actor.marking_rank))
        name: str = actor.name
        return f"{name} ({actor.native_name})" if actor.native_name else name

    def issue_name(self, issue_id: str | None, printed: bool = True) -> str:
        """The issue's name ("Overall" for none); ``printed`` as for :meth:`actor_name`."""
        issue = self.model.issues.get(issue_id) if issue_id else None
        if issue is not None and printed:
            self.ranks.add(int(issue.marking_rank))
        return str(issue.name) if issue else (issue_id or "Overall")

    @cached_property
    def native_langs(self) -> dict[str, str]:
        """Every actor's native name -> its language (script, else the actor's country)."""
        found = {}
        for actor in self.model.actors.values():
            if actor.native_name:
                lang = lang_of(actor.native_name, actor.country, self.spec.east_asian_lang)
                if lang:
                    found[str(actor.native_name)] = lang
        return dict(sorted(found.items()))

    def cite_fields(self, source_ids: tuple[str, ...]) -> Cited:
        numbers = self.cites.cite(source_ids)
        return {"cites": numbers, "cite_text": "".join(f"[{n}]" for n in numbers)}

    # -- annexes and selection lines ---------------------------------------------------

    def annex(self, key: str, title: str, make: Callable[[], list[Block]]) -> AnnexRef:
        """Register an annex (built after the body, so sources number in reading order)."""
        label = f"Annex {ANNEX_LETTERS[len(self.annexes)]}"
        self.annexes.append(Annex(f"annex-{key}", title, make, label))
        return {"section": f"annex-{key}", "label": label}

    def annex_sections(self) -> list[Section]:
        return [section(a.key, f"{a.label}: {a.title}", a.make(), annex=True, collapsed=True)
                for a in self.annexes]

    def selection(self, text: str, ref: AnnexRef | None = None) -> list[Block]:
        """A line saying what the body left out, pointing to the annex that lists the rest
        when there is one; [] when nothing was left out."""
        if not text:
            return []
        return [{"type": "selection", "text": text, "ref": ref}]

    def annex_note(self, chosen: Chosen[Any] | None = None, noun: str = "",
                   how: str = "") -> list[Block]:
        """What an annex holds: its cap, stated; entries without their sources."""
        held = (f"This annex lists the {len(chosen.rows):,} {how} of {chosen.total:,} {noun}. "
                if chosen and chosen.left_out else "")
        return [note(f"{held}Entries are listed without their sources.")]


__all__ = ["Builder", "Citations", "MemoSpec", "note", "section"]
