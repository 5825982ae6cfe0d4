"""Low-level WordprocessingML for the memo body: paragraphs, runs, tables, links, pictures.

:class:`OoxmlWriter` writes into ``self.body`` in the template's styles (by the names
staff see in Word); the block writers of ``reports.render.docx.blocks`` build on it.
Text is set as run text through lxml, so it is escaped by construction. Each string is
split by :func:`reports.text.runs` (the one place that decides a run's language):
East Asian runs carry ``w:lang w:eastAsia`` ("ja-JP", "ko-KR") and take that language's
font from the template's character style ("Memo Japanese", "Memo Korean"; see
``reports.render.style``), as their run style when the run has no other, else as a
direct ``w:rFonts w:eastAsia``. Latin runs carry no font: they inherit the template's.
Tables have fixed column widths, a header row repeated on each page (``w:tblHeader``)
and rows that never split (``w:cantSplit``); cells and runs may be shaded. Links are
external (a relationship of the part they are in) or internal (``w:anchor``, to a
bookmark). Pictures are in ``docx.pictures``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from reports.errors import TemplateError
from reports.render.docx.styles import REQUIRED_STYLES  # every style used: styles.STYLES
from reports.render.style import MUTED_TEXT, WORD_EAST_ASIAN_FONTS, WORD_LANGUAGE_STYLES
from reports.text import KOREAN, runs, word_tag

_q = lru_cache(maxsize=None)(qn)  # qn() splits the name on every call; the body calls it a lot
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MUTED = MUTED_TEXT.lstrip("#")
SHIFT_BORDER = "222222"
PANEL_FILL = "F4F6F9"  # the bottom line's panel, as the HTML page draws it
PANEL_RULE = "1F3A5F"
PANEL_INDENT = 170  # twips between the panel's edges and its text


class OoxmlWriter:
    """WordprocessingML primitives, written into ``self.body`` in the template's styles."""

    def __init__(self, tpl: DocxTemplate, template: Path):
        self.tpl = tpl
        self.template = template
        self.doc = tpl.get_docx()
        self.part = self.doc.part
        self.styles = self._style_ids()
        self.lang_styles, self.lang_fonts = self._language_fonts()
        section = self.doc.sections[-1]
        self.text_width = int(section.page_width - section.left_margin - section.right_margin)
        self.text_height = int(section.page_height - section.top_margin
                               - section.bottom_margin)
        self.body = None  # the element written into; set by the caller before writing
        self.native_langs: dict[str, str] = {}  # native name -> language (the context's)
        self.default_lang = KOREAN  # Han-only text of no known name (memo.east_asian_lang)
        self._link_ids: dict[str, dict[str, str]] = {}  # part -> url -> rId
        self._free_rid: dict[str, int] = {}
        self._bookmarks = 0

    def _style_ids(self) -> dict[str, str]:
        ids = {style.name: style.style_id for style in self.doc.styles}
        missing = [name for name in REQUIRED_STYLES if name not in ids]
        if missing:
            raise TemplateError(
                f"{self.template}: the template lacks the "
                f"{'style' if len(missing) == 1 else 'styles'} "
                f"{', '.join(repr(m) for m in missing)} the memo body uses; open it in Word "
                "and add them (Styles pane), or copy them from a fresh default template "
                "(`python scripts/make_templates.py --out default-memo.docx` writes one "
                "beside it, leaving yours as it is)")
        return ids

    def _language_fonts(self) -> tuple[dict[str, str], dict[str, str]]:
        """Per East Asian language: the template's character style id (if it has one)
        and the East Asian font it names (else the default of ``style.py``)."""
        styles, fonts = {}, dict(WORD_EAST_ASIAN_FONTS)
        for lang, name in WORD_LANGUAGE_STYLES.items():
            style_id = self.styles.get(name)
            if style_id is None:
                continue
            styles[lang] = style_id
            found = self.doc.styles.element.xpath(
                f'w:style[@w:styleId="{style_id}"]/w:rPr/w:rFonts/@w:eastAsia')
            if found:
                fonts[lang] = str(found[0])
        return styles, fonts

    # -- paragraphs and runs -----------------------------------------------------------

    panel = False  # body paragraphs written now sit in the bottom line's panel

    def paragraph(self, style: str, parent=None, keep_next: bool = False,
                  align: str | None = None, page_break: bool = False, hanging: int = 0):
        """A paragraph in ``style``; ``hanging``: a hanging indent (twips) with a tab stop
        there, for a number before the text. Body paragraphs written while ``panel`` is
        set get the bottom line's panel: a shaded block with a rule at its left."""
        p = etree.SubElement(self.body if parent is None else parent, _q("w:p"))
        ppr = etree.SubElement(p, _q("w:pPr"))
        etree.SubElement(ppr, _q("w:pStyle")).set(_q("w:val"), self.styles[style])
        if keep_next:
            etree.SubElement(ppr, _q("w:keepNext"))
        if page_break:
            etree.SubElement(ppr, _q("w:pageBreakBefore"))
        if self.panel and parent is None:
            edge = etree.SubElement(etree.SubElement(ppr, _q("w:pBdr")), _q("w:left"))
            for attr, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"),
                                ("w:color", PANEL_RULE)):
                edge.set(_q(attr), value)
            shd = etree.SubElement(ppr, _q("w:shd"))
            for attr, value in (("w:val", "clear"), ("w:color", "auto"),
                                ("w:fill", PANEL_FILL)):
                shd.set(_q(attr), value)
        inset = PANEL_INDENT if self.panel and parent is None else 0
        if hanging:  # the text after the number starts where its next lines do
            stop = etree.SubElement(etree.SubElement(ppr, _q("w:tabs")), _q("w:tab"))
            stop.set(_q("w:val"), "left")
            stop.set(_q("w:pos"), str(hanging + inset))
        if hanging or inset:
            ind = etree.SubElement(ppr, _q("w:ind"))
            ind.set(_q("w:left"), str(hanging + inset))
            ind.set(_q("w:right"), str(inset))
            if hanging:
                ind.set(_q("w:hanging"), str(hanging))
        if align:
            etree.SubElement(ppr, _q("w:jc")).set(_q("w:val"), align)
        return p

    def run(self, parent, text: str, *, style: str | None = None, bold: bool = False,
            italic: bool = False, muted: bool = False, size: int | None = None,
            fill: str | None = None, deleted: bool = False):
        """Literal text (escaped by lxml) as one run per language; line breaks become
        w:br; ``deleted`` text (inside a ``w:del``) is ``w:delText``. Returns the last
        run."""
        r = None
        for piece, lang in runs(text, self.native_langs, self.default_lang) or [("", None)]:
            r = etree.SubElement(parent, _q("w:r"))
            self._rpr(r, lang, style, bold, italic, muted, size, fill)
            self._text(r, piece, "w:delText" if deleted else "w:t")
        return r

    def _rpr(self, r, lang, style, bold, italic, muted, size, fill) -> None:
        """Run properties, in the schema's order."""
        if not (lang or style or bold or italic or muted or size or fill):
            return
        rpr = etree.SubElement(r, _q("w:rPr"))
        style_id = self.styles[style] if style else self.lang_styles.get(lang or "")
        if style_id:
            etree.SubElement(rpr, _q("w:rStyle")).set(_q("w:val"), style_id)
        if lang:
            fonts = etree.SubElement(rpr, _q("w:rFonts"))
            if style or lang not in self.lang_styles:
                fonts.set(_q("w:eastAsia"), self.lang_fonts.get(lang, ""))
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
        if lang and word_tag(lang):
            etree.SubElement(rpr, _q("w:lang")).set(_q("w:eastAsia"), word_tag(lang))

    @staticmethod
    def _text(r, text: str, tag: str = "w:t") -> None:
        """Run text; line breaks become w:br. ``xml:space="preserve"`` only where spaces
        would otherwise be lost (at an end, or doubled), as Word writes it."""
        lines = (text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                 if "\n" in text or "\r" in text else (text,))
        for i, line in enumerate(lines):
            if i:
                etree.SubElement(r, _q("w:br"))
            if line or len(lines) == 1:
                t = etree.SubElement(r, _q(tag))
                if line[:1].isspace() or line[-1:].isspace() or "  " in line:
                    t.set(XML_SPACE, "preserve")
                try:
                    t.text = line
                except ValueError as exc:
                    raise ValueError(f"the text {line[:80]!r} holds a character Word cannot "
                                     "store (a control character); replace it in the "
                                     "workbook") from exc

    def tab(self, parent) -> None:
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:tab"))

    @staticmethod
    def field_start(parent, instruction: str) -> None:
        """A complex field's begin, instruction and separate; its cached result and
        :meth:`field_end` follow."""
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:fldChar")).set(
            _q("w:fldCharType"), "begin")
        text = etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:instrText"))
        text.set(XML_SPACE, "preserve")
        text.text = instruction
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:fldChar")).set(
            _q("w:fldCharType"), "separate")

    @staticmethod
    def field_end(parent) -> None:
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:fldChar")).set(
            _q("w:fldCharType"), "end")

    # -- links and bookmarks -------------------------------------------------------------

    def link_id(self, url: str, part=None) -> str:
        """The relationship id of an external link from ``part`` (the document's by
        default; a footnote's links belong to the footnotes part)."""
        part = part if part is not None else self.part
        ids = self._link_ids.setdefault(part.partname, {})
        rid = ids.get(url)
        if rid is None:
            # the smallest free rId, as relate_to() picks it, without relate_to()'s scan of
            # every relationship for a match (quadratic in the number of links)
            rels, free = part.rels, self._free_rid.get(part.partname, 1)
            while f"rId{free}" in rels:
                free += 1
            rid = f"rId{free}"
            rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
            ids[url], self._free_rid[part.partname] = rid, free
        return rid

    def hyperlink(self, parent, text: str, url: str, part=None) -> None:
        link = etree.SubElement(parent, _q("w:hyperlink"))
        link.set(_q("r:id"), self.link_id(url, part))
        link.set(_q("w:history"), "1")
        self.run(link, text, style="Hyperlink")

    def anchor_link(self, parent, text: str, bookmark: str):
        """An internal link to a bookmark of this document."""
        link = etree.SubElement(parent, _q("w:hyperlink"))
        link.set(_q("w:anchor"), bookmark)
        link.set(_q("w:history"), "1")
        self.run(link, text, style="Hyperlink")
        return link

    def bookmark(self, p, name: str, first=None) -> None:
        """Bookmark ``name`` around the content of paragraph ``p`` (from its child
        ``first`` on, when given)."""
        self._bookmarks += 1
        start = etree.Element(_q("w:bookmarkStart"))
        start.set(_q("w:id"), str(self._bookmarks))
        start.set(_q("w:name"), name)
        ppr = p.find(_q("w:pPr"))
        if first is not None:
            first.addprevious(start)
        elif ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        etree.SubElement(p, _q("w:bookmarkEnd")).set(_q("w:id"), str(self._bookmarks))

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



WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"  # Word 2013 and later: no "[Compatibility Mode]" in the title bar
# w:settings children that come after w:compat, in the schema's order.
SETTINGS_AFTER_COMPAT = (
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator")


def current_compatibility(settings) -> None:
    """Declare current Word layout in ``settings.xml`` (``compatibilityMode`` 15), as Word
    2013 and later save a document, so Word opens the memo without "[Compatibility
    Mode]"; a template's other compatibility settings are kept."""
    compat = settings.find(_q("w:compat"))
    if compat is None:
        compat = etree.Element(_q("w:compat"))
        after = set()
        for tag in SETTINGS_AFTER_COMPAT:
            prefix, _, name = tag.partition(":")
            after.add(f"{{{settings.nsmap.get(prefix, '')}}}{name}" if prefix != "w"
                      else _q(tag))
        for child in settings:
            if child.tag in after:
                child.addprevious(compat)
                break
        else:
            settings.append(compat)
    for setting in compat.findall(_q("w:compatSetting")):
        if setting.get(_q("w:name")) == "compatibilityMode":
            setting.set(_q("w:val"), COMPATIBILITY_MODE)
            return
    setting = etree.SubElement(compat, _q("w:compatSetting"))
    for attr, value in (("w:name", "compatibilityMode"), ("w:uri", WORD_URI),
                        ("w:val", COMPATIBILITY_MODE)):
        setting.set(_q(attr), value)
