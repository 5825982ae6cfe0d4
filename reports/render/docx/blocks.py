"""The memo body: sections with bookmarked headings, and one writer per block type.

:class:`BodyWriter` turns the context's sections into headings, paragraphs and tables
in the template's styles: the bottom line first, in a shaded panel (the desk's key
judgments numbered, each with its likelihood and confidence; a changed one as a tracked
change), then a table of contents for a long memo whose page numbers are known
(``docx.toc``), section headings with bookmarks (the first annex on a new page),
paragraphs, outside commentary labelled, notes, the selection line with its internal
link, the legend, sources (the bibliography; citations are footnotes, ``docx.notes``)
and charts; the tables are written by ``docx.tables``. A block type without a
``block_<type>`` method is refused by name.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from reports.render.docx.notes import Footnotes, reference
from reports.render.docx.tables import TableBlocks, portion
from reports.render.docx.toc import TocWriter, headings, needs_toc, section_level
from reports.render.docx.wordml import _q
from reports.text import KOREAN, is_http_url

LEGEND_SIZE = 15  # half points, when the template has no "Memo Legend" style
NUMBER_INDENT = 360  # twips: a key judgment's number hangs in this much room
# Charts as SVG (text kept as text) with the PNG as fallback: Word 2016+ draws the SVG,
# older Word the PNG; LibreOffice's PDF draws the SVG, so a chart's labels are PDF text.
CHART_SVG = True


class BodyWriter(TableBlocks):
    """Writes the memo body as WordprocessingML, block by block, in the template's styles."""

    def __init__(self, tpl: DocxTemplate, template: Path,
                 page_numbers: dict[str, int] | None = None):
        super().__init__(tpl, template)
        self.figures = 0
        self.page_numbers = page_numbers
        self.anchors: dict[str, str] = {}  # section id -> bookmark name
        self._sub_anchors: deque[str] = deque()
        self.author = self.change_date = ""

    # -- the sub-document ------------------------------------------------------------

    def build(self, context: dict, marker) -> None:
        """Write the body's paragraphs and tables in place of the ``marker`` paragraph.

        Built in place, in time linear in the body: the few elements after the marker
        (the section properties, any template text after the body) are set aside, the
        body is appended where the marker was, and they are put back after it. (Moving
        each new element before the marker one by one degraded quadratically.)
        """
        memo = context["memo"]
        self.native_langs = context.get("native_langs") or {}
        self.default_lang = memo.get("east_asian_lang") or KOREAN
        self.author = memo.get("office") or memo.get("author") or "briefing-reports"
        self.change_date = f"{memo['as_of']}T00:00:00Z"
        ids = [int(x) for x in self.doc.element.body.xpath(".//w:bookmarkStart/@w:id")
               if str(x).lstrip("-").isdigit()]
        self._bookmarks = max([0, *ids])
        self.notes = Footnotes(self, context.get("sources") or [])
        parent = marker.getparent()
        tail = list(marker.itersiblings())
        for element in tail:
            parent.remove(element)
        parent.remove(marker)
        self.body = parent
        try:
            self._build(context)
        finally:
            parent.extend(tail)
        self.notes.finish()

    def _build(self, context: dict) -> None:
        memo = context["memo"]
        entries, self.anchors, subs = headings(context)
        self._sub_anchors = deque(subs)
        if memo.get("window"):
            p = self.paragraph("Memo Period")
            self.run(p, "Period covered: ", bold=True)
            self.run(p, memo["window"])
        # Contents only where they help and can be right: a long memo whose page numbers
        # LibreOffice gave (``--format pdf``), after the bottom line, never before it.
        toc = self.page_numbers is not None and needs_toc(context)
        annexes = 0
        for n, section in enumerate(context["sections"]):
            level = section_level(section)
            annexes += bool(section.get("annex"))
            p = self.paragraph(f"Heading {level}",
                               page_break=bool(section.get("annex")) and annexes == 1)
            self.run(p, section["heading"])
            self.bookmark(p, self.anchors[section["id"]])
            bottom = section["id"] == "bottom-line"
            for block in section["blocks"]:
                self.panel = bottom and block.get("type") != "legend"
                self.block(block, level)
            self.panel = False
            if toc and n == 0:
                TocWriter(self, entries, self.page_numbers).write()

    def block(self, block: dict, level: int) -> None:
        kind = block.get("type")
        handler = getattr(self, f"block_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            raise ValueError(f"the Word renderer has no drawing for block type {kind!r}; "
                             "add one to reports/render/docx/blocks.py")
        if kind == "subheading":
            handler(block, level)
        else:
            handler(block)

    def next_id(self) -> str:
        """A fresh annotation id (bookmarks and tracked changes share one counter)."""
        self._bookmarks += 1
        return str(self._bookmarks)

    # -- text blocks -------------------------------------------------------------------

    def block_note(self, block: dict) -> None:
        self.run(self.paragraph("Memo Note"), block["text"])

    def block_subheading(self, block: dict, level: int) -> None:
        p = self.paragraph(f"Heading {min(level + 1, 3)}")
        self.run(p, block["text"])
        if self._sub_anchors:
            self.bookmark(p, self._sub_anchors.popleft())

    def block_legend(self, block: dict) -> None:
        if "Memo Legend" in self.styles:
            self.run(self.paragraph("Memo Legend"), block["text"])
        else:
            self.run(self.paragraph("Memo Note"), block["text"], muted=True, size=LEGEND_SIZE)

    def block_selection(self, block: dict) -> None:
        """What the memo leaves out; with ``ref``, "Full list: <link to the section>."."""
        p = self.paragraph("Memo Note")
        self.run(p, block["text"])
        ref = block.get("ref")
        if ref:
            anchor = self.anchors.get(ref.get("section"))
            if anchor is None:
                raise ValueError(f"the selection note refers to section "
                                 f"{ref.get('section')!r}, which this memo does not have")
            self.run(p, " Full list: ")
            self.anchor_link(p, ref.get("label") or ref["section"], anchor)
            self.run(p, ".")

    def block_paragraphs(self, block: dict) -> None:
        for row in block["rows"]:
            self._judgment(self.paragraph("Normal"), row)

    def block_judgments(self, block: dict) -> None:
        """The desk's key judgments, numbered (the number hanging before the text), each
        with its likelihood and confidence; or outside commentary, each labelled."""
        for row in block["rows"]:
            number = row.get("number") if block.get("numbered") else None
            p = self.paragraph("Normal", hanging=NUMBER_INDENT if number else 0)
            if number:
                self.run(p, f"{number}.", bold=True)
                self.tab(p)
            self._judgment(p, row)

    def _judgment(self, p, row: dict) -> None:
        """A paragraph's row: portion mark, label, text (a changed judgment as a tracked
        change), citations, and its attribution in small grey type."""
        if portion(row):
            self.run(p, portion(row))
        if row.get("label"):
            self.run(p, f"{row['label']}: ", bold=True)
        change = row.get("change")
        if change:
            self.run(p, f"{change['caption']}: ", italic=True, muted=True)
            self.tracked_change(p, change.get("previous") or "", row.get("text", ""))
        else:
            self.run(p, row.get("text", ""), italic=bool(row.get("withdrawn")))
        self.cite(p, row)
        if row.get("attribution"):
            self.run(p, f" {row['attribution']}", muted=True, size=17,
                     italic=row.get("whose") == "source")

    def tracked_change(self, p, old: str, new: str) -> None:
        """``old`` deleted (if any) and ``new`` inserted, as tracked changes by the desk on
        the as-of date, a space apart: Word's Review pane lists them and "Accept all"
        leaves ``new``."""
        for tag, text in (("w:del", f"{old} " if old else ""), ("w:ins", new)):
            if not text:
                continue
            change = etree.SubElement(p, _q(tag))
            change.set(_q("w:id"), self.next_id())
            change.set(_q("w:author"), self.author)
            change.set(_q("w:date"), self.change_date)
            self.run(change, text, deleted=tag == "w:del")

    def block_sources(self, block: dict) -> None:
        """The bibliography, in the footnotes' one style: [n] Outlet, “Title” (linked),
        date, grade B2 (its meaning where a grade first appears in the memo). URL"""
        for row in block["rows"]:
            p = self.paragraph("Memo Source")
            self.run(p, f"{portion(row)}[{row['n']}]")
            self.tab(p)
            url = row.get("url") or ""
            for text, link in reference(row, self.notes.explained if self.notes else set()):
                if link:
                    self.hyperlink(p, text, link)
                else:
                    self.run(p, text)
            if is_http_url(url) and (row.get("title") or url) != url:
                self.run(p, " ")
                self.hyperlink(p, url, url)

    def block_chart(self, block: dict) -> None:
        """The chart as a picture (SVG with a PNG fallback) with alt text, and its caption,
        in a borderless frame.

        The frame (a one-cell table whose row may not split) keeps a heading with the
        picture: LibreOffice ignores "keep with next" before a picture that does not fit.
        """
        from reports.render.charts.draw import render_chart

        png = render_chart(block, "png")
        svg = render_chart(block, "svg") if CHART_SVG else None
        alt = block.get("alt", "")
        caption = block.get("caption") or alt
        self.figures += 1
        width, height = self.picture_size(png)
        tc = self.frame()
        p = self.paragraph("Normal", tc, keep_next=True, align="center")
        self.picture(p, png, width, height, f"Figure {self.figures}", alt, svg=svg)
        self.run(self.paragraph("Caption", tc), f"Figure {self.figures}. {caption}")
        self.spacer(after=0)

