"""Low-level WordprocessingML for the memo body: paragraphs, runs, tables, links, pictures.

:class:`OoxmlWriter` writes into ``self.body`` in the template's styles (by the names
staff see in Word); the block writers of ``reports.render.docx_blocks`` build on it.
Text is set as run text through lxml, so it is escaped by construction; East Asian
runs name the template's East Asian font. Tables have fixed column widths, a header row
repeated on each page (``w:tblHeader``) and rows that never split (``w:cantSplit``);
cells and runs may be shaded. Pictures are inline, with a name and alt text on their
``wp:docPr``, and numbered in document order by :func:`number_pictures`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Emu
from docxtpl import DocxTemplate
from lxml import etree

from reports.errors import TemplateError
from reports.render.style import FONT_EAST_ASIAN, MUTED_TEXT

# Styles the body uses, by the name staff see in Word. All are made by make_templates.py.
PARAGRAPH_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "Quote",
                    "Memo Note", "Memo Period", "Memo Table Text", "Memo Table Heading",
                    "Memo Source")
CHARACTER_STYLES = ("Memo Citation", "Hyperlink")
TABLE_STYLES = ("Memo Table",)
REQUIRED_STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES

CJK_RE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
                    "\ufe30-\ufe4f\uff00-\uffef]")
_q = lru_cache(maxsize=None)(qn)  # qn() splits the name on every call; the body calls it a lot
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MUTED = MUTED_TEXT.lstrip("#")
SHIFT_BORDER = "222222"


class OoxmlWriter:
    """WordprocessingML primitives, written into ``self.body`` in the template's styles."""

    def __init__(self, tpl: DocxTemplate, template: Path):
        self.tpl = tpl
        self.template = template
        self.doc = tpl.get_docx()
        self.part = self.doc.part
        self.styles = self._style_ids()
        self.east_asian = self._east_asian_font()
        section = self.doc.sections[-1]
        self.text_width = int(section.page_width - section.left_margin - section.right_margin)
        self.text_height = int(section.page_height - section.top_margin
                               - section.bottom_margin)
        self.body = None  # the element written into; set by the caller before writing
        self._link_ids: dict[str, str] = {}  # url -> rId: relate_to() is O(rels) per call
        self._free_rid = 1

    def _style_ids(self) -> dict[str, str]:
        ids = {style.name: style.style_id for style in self.doc.styles}
        missing = [name for name in REQUIRED_STYLES if name not in ids]
        if missing:
            raise TemplateError(
                f"{self.template}: the template lacks the style(s) "
                f"{', '.join(repr(m) for m in missing)} the memo body uses; open it in Word "
                "and add them (Styles pane), or run `python scripts/make_templates.py` for "
                "a fresh template to copy them from")
        return ids

    def _east_asian_font(self) -> str:
        """The template's East Asian font (Normal style, else document defaults)."""
        styles = self.doc.styles.element
        for path in ('w:style[@w:styleId="Normal"]/w:rPr/w:rFonts',
                     "w:docDefaults/w:rPrDefault/w:rPr/w:rFonts"):
            found = styles.xpath(path)
            if found and found[0].get(_q("w:eastAsia")):
                return found[0].get(_q("w:eastAsia"))
        return FONT_EAST_ASIAN

    # -- paragraphs and runs -----------------------------------------------------------

    def paragraph(self, style: str, parent=None, keep_next: bool = False,
                  align: str | None = None):
        p = etree.SubElement(self.body if parent is None else parent, _q("w:p"))
        ppr = etree.SubElement(p, _q("w:pPr"))
        etree.SubElement(ppr, _q("w:pStyle")).set(_q("w:val"), self.styles[style])
        if keep_next:
            etree.SubElement(ppr, _q("w:keepNext"))
        if align:
            etree.SubElement(ppr, _q("w:jc")).set(_q("w:val"), align)
        return p

    def run(self, parent, text: str, *, style: str | None = None, bold: bool = False,
            italic: bool = False, muted: bool = False, size: int | None = None,
            fill: str | None = None):
        """A run of literal text (escaped by lxml); line breaks become w:br."""
        r = etree.SubElement(parent, _q("w:r"))
        rpr = etree.SubElement(r, _q("w:rPr"))
        if style:
            etree.SubElement(rpr, _q("w:rStyle")).set(_q("w:val"), self.styles[style])
        fonts = etree.SubElement(rpr, _q("w:rFonts"))
        fonts.set(_q("w:eastAsia"), self.east_asian)
        if CJK_RE.search(text):
            fonts.set(_q("w:hint"), "eastAsia")
        if bold:
            etree.SubElement(rpr, _q("w:b"))
            etree.SubElement(rpr, _q("w:bCs"))
        if italic:
            etree.SubElement(rpr, _q("w:i"))
            etree.SubElement(rpr, _q("w:iCs"))
        if muted:
            etree.SubElement(rpr, _q("w:color")).set(_q("w:val"), MUTED)
        if size:
            etree.SubElement(rpr, _q("w:sz")).set(_q("w:val"), str(size))
            etree.SubElement(rpr, _q("w:szCs")).set(_q("w:val"), str(size))
        if fill:
            shd = etree.SubElement(rpr, _q("w:shd"))
            shd.set(_q("w:val"), "clear")
            shd.set(_q("w:color"), "auto")
            shd.set(_q("w:fill"), fill)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, line in enumerate(lines):
            if i:
                etree.SubElement(r, _q("w:br"))
            if line or len(lines) == 1:
                t = etree.SubElement(r, _q("w:t"))
                t.set(XML_SPACE, "preserve")
                try:
                    t.text = line
                except ValueError as exc:
                    raise ValueError(f"the text {line[:80]!r} holds a character Word cannot "
                                     "store (a control character); replace it in the "
                                     "workbook") from exc
        return r

    def tab(self, parent) -> None:
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:tab"))

    def hyperlink(self, parent, text: str, url: str) -> None:
        rid = self._link_ids.get(url)
        if rid is None:
            # the smallest free rId, as relate_to() picks it, without relate_to()'s scan of
            # every relationship for a match (quadratic in the number of links)
            rels = self.part.rels
            while f"rId{self._free_rid}" in rels:
                self._free_rid += 1
            rid = f"rId{self._free_rid}"
            rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
            self._link_ids[url] = rid
        link = etree.SubElement(parent, _q("w:hyperlink"))
        link.set(_q("r:id"), rid)
        link.set(_q("w:history"), "1")
        self.run(link, text, style="Hyperlink")

    # -- tables ------------------------------------------------------------------------

    def table(self, columns: list[tuple[str, float]], header: bool = True):
        """A "Memo Table" with fixed column widths (cm, scaled to the text column)."""
        total_cm = sum(width for _, width in columns)
        widths = [int(self.text_width / 635 * width / total_cm) for _, width in columns]
        tbl = etree.SubElement(self.body, _q("w:tbl"))
        tblpr = etree.SubElement(tbl, _q("w:tblPr"))
        etree.SubElement(tblpr, _q("w:tblStyle")).set(_q("w:val"), self.styles["Memo Table"])
        tblw = etree.SubElement(tblpr, _q("w:tblW"))
        tblw.set(_q("w:w"), str(sum(widths)))
        tblw.set(_q("w:type"), "dxa")
        etree.SubElement(tblpr, _q("w:tblLayout")).set(_q("w:type"), "fixed")
        look = etree.SubElement(tblpr, _q("w:tblLook"))
        for attr, value in (("w:val", "04A0" if header else "0000"),
                            ("w:firstRow", "1" if header else "0"), ("w:lastRow", "0"),
                            ("w:firstColumn", "0"), ("w:lastColumn", "0"),
                            ("w:noHBand", "1"), ("w:noVBand", "1")):
            look.set(_q(attr), value)
        grid = etree.SubElement(tbl, _q("w:tblGrid"))
        for width in widths:
            etree.SubElement(grid, _q("w:gridCol")).set(_q("w:w"), str(width))
        if header:
            tr = self.row(tbl, header=True)
            for (title, _), width in zip(columns, widths, strict=True):
                tc = self.cell(tr, width)
                self.run(self.paragraph("Memo Table Heading", tc), title)
        return tbl, widths

    def row(self, tbl, header: bool = False):
        tr = etree.SubElement(tbl, _q("w:tr"))
        trpr = etree.SubElement(tr, _q("w:trPr"))
        etree.SubElement(trpr, _q("w:cantSplit"))
        if header:
            etree.SubElement(trpr, _q("w:tblHeader"))
        return tr

    def cell(self, tr, width: int, fill: str | None = None, span: int = 1,
             outline: bool = False):
        tc = etree.SubElement(tr, _q("w:tc"))
        tcpr = etree.SubElement(tc, _q("w:tcPr"))
        tcw = etree.SubElement(tcpr, _q("w:tcW"))
        tcw.set(_q("w:w"), str(width))
        tcw.set(_q("w:type"), "dxa")
        if span > 1:
            etree.SubElement(tcpr, _q("w:gridSpan")).set(_q("w:val"), str(span))
        if outline:
            borders = etree.SubElement(tcpr, _q("w:tcBorders"))
            for side in ("top", "left", "bottom", "right"):
                edge = etree.SubElement(borders, _q(f"w:{side}"))
                edge.set(_q("w:val"), "single")
                edge.set(_q("w:sz"), "12")
                edge.set(_q("w:space"), "0")
                edge.set(_q("w:color"), SHIFT_BORDER)
        if fill:
            shd = etree.SubElement(tcpr, _q("w:shd"))
            shd.set(_q("w:val"), "clear")
            shd.set(_q("w:color"), "auto")
            shd.set(_q("w:fill"), fill)
        return tc

    def spacer(self, after: int = 120) -> None:
        """A gap after a table; it also keeps Word from joining two tables into one."""
        p = self.paragraph("Memo Table Text")
        spacing = etree.SubElement(p.find(_q("w:pPr")), _q("w:spacing"))
        spacing.set(_q("w:after"), str(after))

    # -- pictures ----------------------------------------------------------------------

    def frame(self):
        """A borderless one-cell table as wide as the text column; returns its cell."""
        tbl = etree.SubElement(self.body, _q("w:tbl"))
        tblpr = etree.SubElement(tbl, _q("w:tblPr"))
        tblw = etree.SubElement(tblpr, _q("w:tblW"))
        tblw.set(_q("w:w"), str(self.text_width // 635))
        tblw.set(_q("w:type"), "dxa")
        etree.SubElement(tblpr, _q("w:tblLayout")).set(_q("w:type"), "fixed")
        margins = etree.SubElement(tblpr, _q("w:tblCellMar"))
        for side in ("left", "right"):
            edge = etree.SubElement(margins, _q(f"w:{side}"))
            edge.set(_q("w:w"), "0")
            edge.set(_q("w:type"), "dxa")
        etree.SubElement(tblpr, _q("w:tblLook")).set(_q("w:val"), "0000")
        grid = etree.SubElement(tbl, _q("w:tblGrid"))
        etree.SubElement(grid, _q("w:gridCol")).set(_q("w:w"), str(self.text_width // 635))
        return self.cell(self.row(tbl), self.text_width // 635)

    def picture(self, p, png: bytes, width: int, height: int, name: str, alt: str) -> None:
        """The PNG as an inline picture in paragraph ``p``, ``name`` and ``alt`` text on
        its ``wp:docPr`` (the id is set later, by :func:`number_pictures`)."""
        drawing = etree.SubElement(etree.SubElement(p, _q("w:r")), _q("w:drawing"))
        inline = self.part.new_pic_inline(BytesIO(png), Emu(width), Emu(height))
        doc_pr = inline.find(_q("wp:docPr"))
        doc_pr.set("name", name)
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt)
        drawing.append(inline)

    def picture_size(self, png: bytes) -> tuple[int, int]:
        """EMU size fitting the text column, at most 72% of the text height."""
        from docx.image.image import Image

        image = Image.from_blob(png)
        px_w, px_h = max(image.px_width, 1), max(image.px_height, 1)
        width = self.text_width
        height = width * px_h // px_w
        limit = int(self.text_height * 0.72)
        if height > limit:
            width, height = width * limit // height, limit
        return width, height


def number_pictures(tpl: DocxTemplate) -> None:
    """Unique drawing ids (wp:docPr/@id), numbered in document order."""
    for number, doc_pr in enumerate(tpl.docx.element.body.iter(qn("wp:docPr")), start=1):
        doc_pr.set("id", str(number))
