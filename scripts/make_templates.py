"""Make the Word template ``templates/memo.docx`` (run ``python scripts/make_templates.py``).

The template is an ordinary Word document that staff may restyle in Word itself: page
size and margins, the letterhead, the memo block, header and footer, and every style the
memo body uses (Title, Heading 1-3, Normal, Caption, Quote, the "Memo ..." styles and the
"Memo Table" table style, the footnote and table-of-contents styles).

Fonts are those a Windows Word user has (``reports/render/style.py``): the document
defaults name Calibri for Latin text (LibreOffice renders it with Carlito) and Malgun
Gothic as the East Asian font; the character styles "Memo Japanese", "Memo Korean" and
"Memo Chinese" give each East Asian language its font (Yu Gothic, Malgun Gothic,
Microsoft YaHei) and language tag, and the memo's Japanese, Korean and Chinese runs are
set in them. Restyle any of them in Word (Styles pane) to change the fonts. Styles name
no font of their own, so a font set on Normal or in the defaults reaches every style.

The template has a footnotes part with the separator notes Word expects (named in
settings.xml), and the styles "footnote text" and "footnote reference" that the memo's
citations use.

The Jinja tags, each in one run so Word keeps it whole:

- ``{{ memo.office }}`` letterhead
- ``{{ memo.to }}``, ``{{ memo.from }}``, ``{{ memo.date }}``, ``{{ memo.subject }}`` memo block
- ``{{ memo.marking }}`` page header and footer (footer also has Page X of Y fields)
- ``{{p body }}`` the paragraph the memo body replaces

The output is deterministic (fixed document properties, normalised zip), so rerunning the
script gives the same bytes. The HTML templates (``templates/*.html``) are made elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reports.output.files import atomic_write, normalise_zip  # noqa: E402
from reports.render.docx.document import APP_XML  # noqa: E402  (one definition of the producer)
from reports.render.docx.notes import (  # noqa: E402
    ensure_footnote_settings,
    new_footnotes,
    serialise,
)
from reports.render.docx.wordml import current_compatibility  # noqa: E402
from reports.render.style import (  # noqa: E402
    MUTED_TEXT,
    WORD_EAST_ASIAN_FONTS,
    WORD_FONT_LATIN,
    WORD_LANGUAGE_STYLES,
)

TEMPLATE = ROOT / "templates" / "memo.docx"

# Colours of the house style (hex without '#', as Word wants them).
NAVY = "1F3864"
RULE = "8496B0"
GRID = "BFC7D3"
HEAD_FILL = "DCE3EC"
MUTED = MUTED_TEXT.lstrip("#")
LINK = "0563C1"
MARKING = "7F1D1D"
FIXED_TIME = datetime(2019, 1, 1, 0, 0, 0)



def rpr(size: int | None = None, *, bold: bool = False, italic: bool = False,
        caps: bool = False, color: str | None = None, tracking: int | None = None,
        underline: bool = False, superscript: bool = False, fonts: str = "",
        lang: str = "") -> str:
    """Run properties in OOXML order. Fonts come from the document defaults unless
    ``fonts`` (a w:rFonts element) is given."""
    out = [fonts] if fonts else []
    if bold:
        out.append("<w:b/><w:bCs/>")
    if italic:
        out.append("<w:i/><w:iCs/>")
    if caps:
        out.append("<w:caps/>")
    if color:
        out.append(f'<w:color w:val="{color}"/>')
    if tracking:
        out.append(f'<w:spacing w:val="{tracking}"/>')
    if size:
        out.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if underline:
        out.append('<w:u w:val="single"/>')
    if superscript:
        out.append('<w:vertAlign w:val="superscript"/>')
    if lang:
        out.append(lang)
    return "".join(out)


def latin_fonts() -> str:
    latin = WORD_FONT_LATIN
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
            f'w:eastAsia="{WORD_EAST_ASIAN_FONTS["ko"]}" w:cs="{latin}"/>')


def east_asian(lang: str, tag: str) -> tuple[str, str]:
    """(w:rFonts, w:lang) of the character style of one East Asian language."""
    return (f'<w:rFonts w:eastAsia="{WORD_EAST_ASIAN_FONTS[lang]}" w:hint="eastAsia"/>',
            f'<w:lang w:eastAsia="{tag}"/>')


def spacing(before: int = 0, after: int = 0, line: int | None = None,
            rule: str = "auto") -> str:
    line_xml = f' w:line="{line}" w:lineRule="{rule}"' if line else ""
    return f'<w:spacing w:before="{before}" w:after="{after}"{line_xml}/>'


def border(side: str, size: int, color: str, space: int = 1) -> str:
    return (f'<w:pBdr><w:{side} w:val="single" w:sz="{size}" w:space="{space}" '
            f'w:color="{color}"/></w:pBdr>')


KEEP = "<w:keepNext/><w:keepLines/>"
# name -> (based on, pPr inner xml, rPr inner xml, next style); sizes in half points.
# Order inside pPr/rPr follows the OOXML schema sequence.
PARAGRAPH_STYLES: dict[str, tuple[str | None, str, str, str | None]] = {
    "Normal": (None, spacing(0, 120, 264), rpr(20), None),
    "Title": ("Normal", spacing(120, 200, 240),
              rpr(28, bold=True, caps=True, color=NAVY, tracking=40), "Normal"),
    "Heading 1": ("Normal", KEEP + border("bottom", 6, RULE, 2) + spacing(320, 120, 240)
                  + '<w:outlineLvl w:val="0"/>', rpr(26, bold=True, color=NAVY), "Normal"),
    "Heading 2": ("Normal", KEEP + spacing(220, 80, 240) + '<w:outlineLvl w:val="1"/>',
                  rpr(22, bold=True, color=NAVY), "Normal"),
    "Heading 3": ("Normal", KEEP + spacing(160, 60, 240) + '<w:outlineLvl w:val="2"/>',
                  rpr(20, bold=True, italic=True, color=NAVY), "Normal"),
    "Caption": ("Normal", spacing(40, 240, 240), rpr(16, italic=True, color=MUTED), "Normal"),
    "Quote": ("Normal", spacing(40, 40, 240) + '<w:ind w:left="113"/>',
              rpr(17, italic=True, color=MUTED), None),
    "Header": ("Normal", spacing(0, 0, 240) + '<w:jc w:val="center"/>', rpr(16), None),
    "Footer": ("Normal", spacing(0, 0, 240) + '<w:jc w:val="center"/>',
               rpr(16, color=MUTED), None),
    "Memo Letterhead": ("Normal", border("bottom", 18, NAVY, 4) + spacing(0, 80, 240),
                        rpr(32, bold=True, color=NAVY), "Normal"),
    "Memo Block Label": ("Normal", spacing(30, 30, 240),
                         rpr(17, bold=True, color=MUTED, tracking=10), None),
    "Memo Block Text": ("Normal", spacing(30, 30, 240), rpr(20), None),
    "Memo Rule": ("Normal", border("bottom", 6, RULE, 1) + spacing(0, 200, 120, "exact"),
                  rpr(8), "Normal"),
    "Memo Marking": ("Header", spacing(0, 0, 240) + '<w:jc w:val="center"/>',
                     rpr(16, bold=True, caps=True, color=MARKING, tracking=10), None),
    "Memo Period": ("Normal", spacing(0, 160), rpr(19, color=MUTED), "Normal"),
    "Memo Note": ("Normal", spacing(40, 120), rpr(19, italic=True, color=MUTED), "Normal"),
    "Memo Table Text": ("Normal", spacing(0, 20, 240), rpr(17), None),
    "Memo Table Heading": ("Memo Table Text", "<w:keepNext/>" + spacing(0, 0, 240),
                           rpr(17, bold=True, color=NAVY), None),
    "Memo Source": ("Normal", spacing(0, 60, 240) + '<w:ind w:left="567" w:hanging="567"/>',
                    rpr(18), None),
    "Memo Legend": ("Normal", spacing(20, 120, 240), rpr(15, color=MUTED), "Normal"),
    "footnote text": ("Normal", spacing(0, 0, 240), rpr(16), None),
    "TOC Heading": ("Heading 1", '<w:outlineLvl w:val="9"/>', rpr(26, bold=True, color=NAVY),
                    "Normal"),
    "toc 1": ("Normal", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9060"/></w:tabs>'
              + spacing(40, 40, 240), rpr(20), "Normal"),
    "toc 2": ("Normal", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9060"/></w:tabs>'
              + spacing(0, 20, 240) + '<w:ind w:left="284"/>', rpr(19), "Normal"),
}
# Word's own ids for its built-in styles (python-docx would make "footnotetext").
STYLE_IDS = {"footnote text": "FootnoteText", "footnote reference": "FootnoteReference",
             "TOC Heading": "TOCHeading", "toc 1": "TOC1", "toc 2": "TOC2"}
LANGUAGE_TAGS = {"ja": "ja-JP", "ko": "ko-KR", "zh": "zh-CN"}

CHARACTER_STYLES: dict[str, str] = {
    "Memo Citation": rpr(15, color=MUTED),
    "Hyperlink": rpr(color=LINK, underline=True),
    "Strong": rpr(bold=True),
    "footnote reference": rpr(superscript=True),
    **{WORD_LANGUAGE_STYLES[lang]: rpr(fonts=east_asian(lang, tag)[0],
                                       lang=east_asian(lang, tag)[1])
       for lang, tag in LANGUAGE_TAGS.items()},
}


def _clear_theme_fonts(styles_el) -> None:
    """Drop theme font references (with them, Word ignores explicit font names) and the
    fonts of python-docx's own styles: every style takes the document defaults' fonts."""
    for rfonts in list(styles_el.iter(qn("w:rFonts"))):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)


def _set_doc_defaults(doc) -> None:
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        styles_el.remove(defaults)
    styles_el.insert(0, parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{rpr(20, fonts=latin_fonts())}"
        '<w:lang w:val="en-GB" w:eastAsia="ko-KR" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"))


def _style(doc, name: str, kind):
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, kind)
    if name in STYLE_IDS:  # Word's built-in styles are not custom ones
        style.style_id = STYLE_IDS[name]
        style.element.attrib.pop(qn("w:customStyle"), None)
    return style


def _replace(parent, tag: str, inner: str) -> None:
    """Replace child ``tag`` (w:pPr or w:rPr) of a style with new content, in schema order."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    if not inner:
        return
    new = parse_xml(f"<{tag} {nsdecls('w')}>{inner}</{tag}>")
    # A style's children run: name, aliases, basedOn, next, link, ..., qFormat, ..., rsid,
    # pPr, rPr, tblPr, trPr, tcPr, tblStylePr. Insert before whatever must follow.
    follow = {"w:pPr": ("w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"),
              "w:rPr": ("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")}[tag]
    for child in parent:
        if child.tag in {qn(t) for t in follow}:
            child.addprevious(new)
            return
    parent.append(new)


def _set_based_on_and_next(style, based_on: str | None, next_name: str | None, doc) -> None:
    if based_on:
        style.base_style = doc.styles[based_on]
    if next_name:
        style.next_paragraph_style = doc.styles[next_name]
    style.quick_style = True
    style.hidden = False
    style.unhide_when_used = False
    if style.element.find(qn("w:semiHidden")) is not None:
        style.element.remove(style.element.find(qn("w:semiHidden")))


def define_styles(doc) -> None:
    _clear_theme_fonts(doc.styles.element)
    _set_doc_defaults(doc)
    for name, (based_on, ppr, rpr, next_name) in PARAGRAPH_STYLES.items():
        style = _style(doc, name, WD_STYLE_TYPE.PARAGRAPH)
        _set_based_on_and_next(style, based_on, next_name, doc)
        _replace(style.element, "w:pPr", ppr)
        _replace(style.element, "w:rPr", rpr)
    for name, rpr in CHARACTER_STYLES.items():
        style = _style(doc, name, WD_STYLE_TYPE.CHARACTER)
        _set_based_on_and_next(style, None, None, doc)
        _replace(style.element, "w:rPr", rpr)
    define_table_style(doc)


def define_table_style(doc) -> None:
    """"Memo Table": rules above and below, hairlines between rows, shaded header row."""
    style = _style(doc, "Memo Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    style.quick_style = True
    el = style.element
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        for old in el.findall(qn(tag)):
            el.remove(old)
    el.append(parse_xml(
        f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr>'))
    el.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>'))
    el.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblStyleRowBandSize w:val="1"/>'
        '<w:tblStyleColBandSize w:val="1"/><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
        f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
        '<w:left w:val="nil"/>'
        f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
        '<w:right w:val="nil"/>'
        f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="{GRID}"/>'
        f'<w:insideV w:val="single" w:sz="4" w:space="0" w:color="{GRID}"/>'
        '</w:tblBorders><w:tblCellMar><w:top w:w="45" w:type="dxa"/>'
        '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="45" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'))
    el.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:bCs/>'
        f'<w:color w:val="{NAVY}"/></w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" '
        f'w:color="{NAVY}"/></w:tcBorders><w:shd w:val="clear" w:color="auto" '
        f'w:fill="{HEAD_FILL}"/></w:tcPr></w:tblStylePr>'))


# --------------------------------------------------------------------------- page parts


def tag_paragraph(container, style: str, text: str):
    """A paragraph holding ``text`` (a Jinja tag) in ONE run, so Word keeps the tag whole."""
    paragraph = container.add_paragraph(style=style)
    paragraph.add_run(text)
    return paragraph


def field_run(paragraph, instruction: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES): begin, instruction, separate, cached value, end."""
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{cached}</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    for xml in runs:
        paragraph._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(22), Mm(22)
    section.header_distance = section.footer_distance = Mm(10)

    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.style = doc.styles["Memo Marking"]
    first.add_run("{{ memo.marking }}")

    footer = section.footer
    footer.is_linked_to_previous = False
    marking = footer.paragraphs[0]
    marking.style = doc.styles["Memo Marking"]
    marking.add_run("{{ memo.marking }}")
    pages = footer.add_paragraph(style="Footer")
    pages.add_run("Page ")
    field_run(pages, "PAGE", "1")
    pages.add_run(" of ")
    field_run(pages, "NUMPAGES", "1")


def memo_block(doc) -> None:
    """TO / FROM / DATE / SUBJECT as a borderless two-column table."""
    rows = (("TO:", "{{ memo.to }}"), ("FROM:", "{{ memo.from }}"),
            ("DATE:", "{{ memo.date }}"), ("SUBJECT:", "{{ memo.subject }}"))
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Normal Table"]
    table.autofit = False
    widths = (Mm(26), Mm(134))
    for label, tag in rows:
        cells = table.add_row().cells
        for cell, width, text, style in ((cells[0], widths[0], label, "Memo Block Label"),
                                         (cells[1], widths[1], tag, "Memo Block Text")):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[style]
            paragraph.add_run(text)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    tbl = table._tbl
    tbl.remove(tbl.tblPr)
    tbl.insert(0, parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblStyle w:val="TableNormal"/>'
        f'<w:tblW w:w="{sum(w.twips for w in widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'))


def set_properties(doc) -> None:
    props = doc.core_properties
    props.title = "Briefing memo"
    props.subject = "Template for briefing memos"
    props.author = "briefing-reports"
    props.keywords = ""
    props.comments = ("Memo template. Restyle with Word styles; keep the tags "
                      "memo.office, memo.to, memo.from, memo.date, memo.subject, "
                      "memo.marking and the body paragraph.")
    props.category = "Template"
    props.last_modified_by = "briefing-reports"
    props.revision = 1
    props.created = props.modified = FIXED_TIME
    props.language = "en-GB"


def strip_extras(doc) -> None:
    """Drop the thumbnail and the Word 2010 stylesWithEffects part of python-docx's base."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rid)
    for rel in pkg.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML
    settings = doc.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    for old in settings.findall(qn("w14:docId")):
        settings.remove(old)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "en-GB")
        theme_lang.set(qn("w:eastAsia"), "ko-KR")
    current_compatibility(settings)  # Word 2013+ layout: no "[Compatibility Mode]"


def add_footnotes(doc) -> None:
    """An empty footnotes part (the separator notes only), as Word saves one."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, serialise(new_footnotes()),
                doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    ensure_footnote_settings(doc.settings.element)


def build() -> bytes:
    doc = Document()
    strip_extras(doc)
    define_styles(doc)
    add_footnotes(doc)
    page_setup(doc)
    body = doc.element.body
    for paragraph in list(doc.paragraphs):
        body.remove(paragraph._p)
    tag_paragraph(doc, "Memo Letterhead", "{{ memo.office }}")
    title = doc.add_paragraph(style="Title")
    title.add_run("Memorandum")
    memo_block(doc)
    doc.add_paragraph(style="Memo Rule")
    tag_paragraph(doc, "Normal", "{{p body }}")
    set_properties(doc)
    buffer = BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TEMPLATE, help="where to write memo.docx")
    args = parser.parse_args(argv)
    path = atomic_write(args.out, build())
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

