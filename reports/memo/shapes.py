"""The memo context's shapes, for a type checker: the memo block, sections, blocks, rows.

A context (``reports.memo.contents.build_context``) is plain JSON-able data: the
renderers, the golden files and the mail read it as dicts. These TypedDicts say what each
holds; :data:`Block` is the union of every block, told apart by its ``type``;
:func:`note` and :func:`section` make the two most common. The records the memo reads are
the model's (``reports.model.records``).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, TypeVar

# -- rows ----------------------------------------------------------------------------------------


class Cited(TypedDict, total=False):
    """What a printed row may carry: its sources' numbers and its portion mark."""

    cites: list[int]
    cite_text: str
    portion: str


class ChangeMark(TypedDict):
    """How a judgment differs from the one the previous issued edition showed."""

    kind: str  # "replaced", "revised" or "new"
    caption: str  # "Replaces the judgment of 20 Nov 2019 in the edition of 22 Nov 2019"
    previous: str  # the replaced judgment's words; '' unless "replaced"
    previous_as_of: str


class JudgmentRow(Cited, total=False):
    """A judgment: the desk's (a key judgment, numbered) or a source's (commentary)."""

    number: int  # 1, 2 ... in a numbered block; absent on a withdrawn line
    text: str
    issue: str  # the issue's name, "Overall" for an overall judgment
    whose: str  # "desk" or "source"
    label: str  # "Commentary (PacNet #68, 25 Nov 2019)" on commentary; else absent
    likelihood: str  # the term, "likely"
    likelihood_text: str  # with its band, "likely (55-80%)"
    confidence: str
    day: str  # "25 Nov 2019", the judgment's day
    attribution: str  # "Likelihood: likely (55-80%). Confidence: medium."
    change: ChangeMark
    withdrawn: bool  # a line saying an earlier judgment is withdrawn (no number)
    extra: dict[str, Any]


class ParagraphRow(Cited, total=False):
    label: str
    text: str
    issue: str
    attribution: str
    change: ChangeMark


class FactRow(TypedDict, total=False):
    label: str
    value: str
    portion: str


class EventRow(Cited, total=False):
    id: str
    date: str
    date_display: str
    title: str
    summary: str
    category: str
    significance: int
    location: str
    actors: list[str]
    issues: list[str]
    extra: dict[str, Any]


class EarlierStance(Cited, total=False):
    stance: str
    date_display: str
    summary: str


class StanceRow(Cited, total=False):
    actor: str
    issue: str
    label: str
    stance: str
    since: str  # the first day of the run of the current stance
    stated: str  # the latest restatement, when later than ``since``
    summary: str
    quote: str
    confidence: str
    history: list[EarlierStance]
    earlier: list[EarlierStance]  # the annex's index: stance and day only
    earlier_more: int
    extra: dict[str, Any]


ShiftRow = TypedDict("ShiftRow", {
    "actor": str, "issue": str,
    "label": str,  # the actor's name (the issue's in an actor's profile)
    "from": str, "to": str,  # the stances
    "date": str, "date_display": str, "why": str,
    "cites": list[int], "cite_text": str, "portion": str,
}, total=False)


class MatrixCell(TypedDict):
    stance: str
    shifted: bool


class MatrixRow(TypedDict, total=False):
    actor: str
    cells: list[MatrixCell]
    portion: str


class MatrixGroup(TypedDict):
    country: str
    rows: list[MatrixRow]


class MatrixIssue(TypedDict):
    id: str
    name: str


class OutlookRow(Cited, total=False):
    date: str | None
    date_display: str
    item: str
    status: str
    issues: list[str]
    likelihood: str
    extra: dict[str, Any]


class ChangeRow(TypedDict, total=False):
    change: str  # replaced, revised, new, withdrawn; added, corrected
    what: str  # judgment, event, position
    detail: str
    portion: str
    rank: int  # the row's marking rank (dropped once the row is printed)


class SourceRow(TypedDict, total=False):
    n: int
    id: str
    outlet: str
    title: str
    published: str | None
    published_display: str
    url: str | None
    kind: str | None
    grade: str
    grade_text: str  # "B2: usually reliable, probably true"
    portion: str


class AnnexRef(TypedDict):
    section: str
    label: str


# -- blocks --------------------------------------------------------------------------------------


class ParagraphsBlock(TypedDict):
    type: Literal["paragraphs"]
    rows: list[ParagraphRow]


class JudgmentsBlock(TypedDict):
    """Judgments, newest first: the desk's numbered (key judgments) or commentary."""

    type: Literal["judgments"]
    whose: str  # "desk" or "source"
    numbered: bool
    rows: list[JudgmentRow]


class NoteBlock(TypedDict):
    type: Literal["note"]
    text: str


class SubheadingBlock(TypedDict):
    type: Literal["subheading"]
    text: str


class SelectionBlock(TypedDict):
    """What the body left out, with the annex that lists the rest (None: no annex)."""

    type: Literal["selection"]
    text: str
    ref: AnnexRef | None


class LegendBlock(TypedDict):
    type: Literal["legend"]
    text: str


class FactsBlock(TypedDict):
    type: Literal["facts"]
    rows: list[FactRow]


class EventsBlock(TypedDict):
    type: Literal["events"]
    rows: list[EventRow]
    compact: NotRequired[bool]


class StancesBlock(TypedDict):
    type: Literal["stances"]
    label_heading: str
    rows: list[StanceRow]
    compact: NotRequired[bool]


class ShiftsBlock(TypedDict):
    """Changes of stance; ``columns`` names the columns shown ("actor", "issue"): an
    actor's profile leaves out the actor, an issue brief the issue."""

    type: Literal["shifts"]
    columns: list[str]
    rows: list[ShiftRow]


class MatrixBlock(TypedDict):
    type: Literal["matrix"]
    issues: list[MatrixIssue]
    groups: list[MatrixGroup]
    marks_shifts: bool
    caption: str  # what the rows and columns are, and the rule that chose them


class OutlookBlock(TypedDict):
    type: Literal["outlook"]
    rows: list[OutlookRow]


class ChangesBlock(TypedDict):
    type: Literal["changes"]
    previous: str
    previous_display: str
    rows: list[ChangeRow]


class ChartBlock(TypedDict):
    type: Literal["chart"]
    chart: Literal["timeline", "matrix"]
    caption: str  # the figure's caption
    alt: str  # the caption and, for a timeline, every labelled event in full
    data: dict[str, Any]


class SourcesBlock(TypedDict):
    type: Literal["sources"]
    rows: list[SourceRow]


Block = (ParagraphsBlock | JudgmentsBlock | NoteBlock | SubheadingBlock | SelectionBlock
         | LegendBlock | FactsBlock | EventsBlock | StancesBlock | ShiftsBlock | MatrixBlock
         | OutlookBlock | ChangesBlock | ChartBlock | SourcesBlock)


class Section(TypedDict):
    id: str
    heading: str
    level: int
    blocks: list[Block]
    annex: bool
    collapsed: bool


# -- the memo block and the context --------------------------------------------------------------


class Summary(TypedDict):
    """What the mail carries: the key judgments and what changed, as plain lines."""

    bottom_line: list[str]
    changes: list[str]
    since: str  # "22 Nov 2019": the day "what changed" counts from


MemoInfo = TypedDict("MemoInfo", {
    "id": str, "kind": str, "title": str, "subject": str, "as_of": str, "date": str,
    "window": str, "edition_label": str, "office": str, "author": str,
    "marking": str,  # the banner: the highest level the memo holds
    "short_marking": str,  # its short form for a mail subject ("U//FOUO")
    "to": str, "from": str, "lang": str, "east_asian_lang": str, "keywords": str,
    "summary": Summary,
})


class SinceLast(TypedDict, total=False):
    """What changed since the previous issued edition (``reports.memo.changes``)."""

    previous_as_of: str
    rows: list[ChangeRow]  # events and positions added late or corrected (with "rank")
    left: int  # entries the previous edition showed that this one no longer holds
    judgments: dict[str, list[list[str]]]  # key -> [[day, text], ...] it showed


class Context(TypedDict):
    memo: MemoInfo
    sections: list[Section]
    sources: list[SourceRow]
    native_langs: dict[str, str]


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


CitedRow = TypeVar("CitedRow", bound=Cited)


def add(row: CitedRow, *parts: Cited) -> CitedRow:
    """``row`` with the portion mark and citations of ``parts`` (``Builder.shown``,
    ``Builder.cite_fields``) set on it; returns ``row``."""
    for part in parts:
        if "portion" in part:
            row["portion"] = part["portion"]
        if "cites" in part:
            row["cites"] = part["cites"]
        if "cite_text" in part:
            row["cite_text"] = part["cite_text"]
    return row
