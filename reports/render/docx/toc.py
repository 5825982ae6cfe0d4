"""Navigation in the Word memo: section bookmarks, and a table of contents for long memos.

Bookmarks
    Each section's heading carries the bookmark :func:`bookmark_name` makes from the
    section's ``id`` ("annex-chronology" -> ``sec_annex_chronology``: Word allows letters,
    digits and "_", 40 characters, starting with a letter). Subheadings that a table of
    contents lists get Word's hidden ``_Toc`` bookmarks. Cross-references ("Full list:
    Annex A") are internal links (``w:hyperlink w:anchor``) to these bookmarks.

Table of contents
    A memo estimated to run to more than :data:`TOC_PAGES` pages (:func:`needs_toc`;
    the cover block, then each section's heading, paragraphs at ~92 characters a line,
    table rows by their longest cell and their names, charts at a fixed height, over 54
    lines a page) gets a real TOC field
    (``TOC \\o "1-1" \\h \\z \\u``: the sections, entries as links) whose result holds the
    entries, each a link to its heading's bookmark, so Word shows and updates it and
    LibreOffice shows it. :func:`estimated_pages` decides "longer than two pages" from
    the context alone (text lengths, table rows, charts against an A4 page of the
    default template), so a memo's .docx is the same whether or not a PDF is built and
    the build never waits for a layout engine.

    Page numbers: a .docx built alone lists the entries without page numbers (Word fills
    them in when the table is updated: F9). When ``--format pdf`` is asked, the memo is
    laid out by LibreOffice once, the page of every bookmark is read from that PDF's
    named destinations, and the .docx and PDF are made again with those numbers in the
    entries (``PAGEREF`` fields, so Word keeps them current). See ``reports/render/pdf.py``.
"""

from __future__ import annotations

import math
import re

from lxml import etree

from reports.render.docx.wordml import _q

TOC_PAGES = 2
TOC_LEVELS = 1  # sections and annexes: a briefing's contents fit a few lines
TOC_INSTRUCTION = ' TOC \\o "1-1" \\h \\z \\u '
TOC_TITLE = "Contents"
BOOKMARK_MAX = 40

# The estimate, in lines of 10 pt body text on an A4 page with 2.5 cm margins.
LINES_PER_PAGE = 54
CHARS_PER_LINE = 92
MEMO_BLOCK_LINES = 15  # letterhead, title and the TO/FROM/DATE/SUBJECT block
TABLE_CHARS_PER_LINE = 40  # the widest column of a table row, 8.5 pt
CHART_LINES = 22
TOC_LINE = 1.3


def bookmark_name(section_id: str, taken: set[str]) -> str:
    """A Word bookmark name for a section id, unique among ``taken`` (which it joins)."""
    base = "sec_" + re.sub(r"[^A-Za-z0-9]+", "_", str(section_id)).strip("_")
    base = base[:BOOKMARK_MAX]
    name, n = base, 1
    while name in taken:
        n += 1
        suffix = f"_{n}"
        name = base[:BOOKMARK_MAX - len(suffix)] + suffix
    taken.add(name)
    return name


def section_level(section: dict) -> int:
    return max(1, min(int(section.get("level", 1)), 3))


def headings(context: dict) -> tuple[list[tuple[int, str, str]], dict[str, str], list[str]]:
    """Every heading the body writes, in order, as (level, text, bookmark); the bookmark
    of each section id; the bookmarks of the subheadings, in order."""
    taken: set[str] = set()
    entries: list[tuple[int, str, str]] = []
    anchors: dict[str, str] = {}
    subs: list[str] = []
    for section in context["sections"]:
        level = section_level(section)
        anchors[section["id"]] = bookmark_name(section["id"], taken)
        entries.append((level, section["heading"], anchors[section["id"]]))
        for block in section["blocks"]:
            if block.get("type") == "subheading":
                subs.append(f"_Toc{len(entries):05d}")
                entries.append((min(level + 1, 3), block["text"], subs[-1]))
    return entries, anchors, subs


def toc_anchors(context: dict) -> list[str]:
    """The bookmarks a table of contents of this memo links to."""
    return [anchor for level, _, anchor in headings(context)[0] if level <= TOC_LEVELS]


def _lines(text: str, per_line: int = CHARS_PER_LINE) -> float:
    return max(1, math.ceil(len(text or "") / per_line))


def _row_lines(row: dict) -> float:
    text = len(row.get("title") or "") + len(row.get("summary") or "") + len(
        row.get("quote") or "") + len(row.get("why") or "") + len(row.get("item") or "")
    text = max([text, *(len(v) for v in row.values() if isinstance(v, str))])
    # a name with its native name in brackets takes two lines of a narrow column
    names = sum(1 + ("(" in a) for a in row.get("actors") or [])
    history = sum(1 + _lines(h.get("summary", ""), 60) for h in row.get("history") or [])
    return 0.85 * (max(_lines("x" * text, TABLE_CHARS_PER_LINE) + 1, names) + history) + 0.6


def block_lines(block: dict) -> float:
    kind = block.get("type")
    if kind == "chart":
        return CHART_LINES
    if kind == "matrix":
        groups = block.get("groups") or []
        parts = max(1, math.ceil(len(block.get("issues") or []) / 5))
        return parts * (2 + sum(1.2 + 1.3 * len(g.get("rows") or []) for g in groups))
    if kind in ("note", "selection", "legend", "subheading"):
        return _lines(block.get("text", "")) + 0.8
    rows = block.get("rows") or []
    if kind in ("paragraphs", "judgments"):
        return sum(_lines(r.get("text", "") + r.get("label", "") + r.get("attribution", ""))
                   + 0.5 for r in rows)
    if kind == "sources":
        return sum(_lines(" ".join(str(r.get(k) or "") for k in ("outlet", "title", "url")),
                          80) + 0.3 for r in rows)
    return 2 + sum(_row_lines(r) for r in rows)


def estimated_pages(context: dict) -> float:
    """How many A4 pages the memo fills, estimated from its context (see the module)."""
    lines = MEMO_BLOCK_LINES + (1.5 if context["memo"].get("window") else 0)
    annexes = 0
    for section in context["sections"]:
        annexes += bool(section.get("annex"))
        if section.get("annex") and annexes == 1:  # the first annex starts a new page
            lines = math.ceil(lines / LINES_PER_PAGE) * LINES_PER_PAGE
        lines += 3 + sum(block_lines(b) for b in section["blocks"])
    return lines / LINES_PER_PAGE


def needs_toc(context: dict) -> bool:
    """More than :data:`TOC_PAGES` pages, by an estimate that runs a little low (see
    tests/test_docx.py: it agrees with LibreOffice's page count on the bundled memos),
    with 5% to spare so a memo of exactly two pages never gets one."""
    return estimated_pages(context) > TOC_PAGES * 1.05


class TocWriter:
    """Writes the TOC field; the body writer gives it the headings it will write."""

    def __init__(self, writer, entries: list[tuple[int, str, str]],
                 page_numbers: dict[str, int] | None):
        self.writer = writer
        self.entries = [e for e in entries if e[0] <= TOC_LEVELS]
        self.page_numbers = page_numbers

    def write(self) -> None:
        w = self.writer
        if "TOC Heading" in w.styles:
            w.run(w.paragraph("TOC Heading"), TOC_TITLE)
        sdt = etree.SubElement(w.body, _q("w:sdt"))
        obj = etree.SubElement(etree.SubElement(sdt, _q("w:sdtPr")), _q("w:docPartObj"))
        etree.SubElement(obj, _q("w:docPartGallery")).set(_q("w:val"), "Table of Contents")
        etree.SubElement(obj, _q("w:docPartUnique"))
        content = etree.SubElement(sdt, _q("w:sdtContent"))
        for i, (level, text, anchor) in enumerate(self.entries):
            p = w.paragraph(self._style(level), content)
            if i == 0:
                w.field_start(p, TOC_INSTRUCTION)
            link = etree.SubElement(p, _q("w:hyperlink"))
            link.set(_q("w:anchor"), anchor)
            link.set(_q("w:history"), "1")
            w.run(link, text)
            if self.page_numbers is not None:
                w.tab(link)
                w.field_start(link, f" PAGEREF {anchor} \\h ")
                w.run(link, str(self.page_numbers.get(anchor, 0)))
                w.field_end(link)
        w.field_end(w.paragraph(self._style(1), content))

    def _style(self, level: int) -> str:
        name = f"toc {level}"
        return name if name in self.writer.styles else "Normal"
