"""Word memos: the memo context rendered into the staff-editable template ``memo.docx``.

``render_docx(context, template)`` returns the bytes of a .docx; the caller writes them.

The template (made by ``scripts/make_templates.py``, restyled by staff in Word) holds the
letterhead, the memo block, header and footer, and the styles. docxtpl fills its Jinja
tags from the ``memo`` block, autoescaped, with ``StrictUndefined``; its ``{{p body }}``
paragraph becomes the memo body, built here from the context's sections: headings in the
template's Heading styles, tables in its "Memo Table" style with a header row repeated on
each page (``w:tblHeader``) and rows that never split (``w:cantSplit``), stance cells
shaded and named, charts as pictures with alt text, sources with live links.

Workbook text enters the document only as run text set through lxml (escaped by
construction) or through autoescaped tags. The body is written into the document after
docxtpl has rendered the template and done its own clean-up of the rendered XML, so
``{{ x }}``, ``{% if %}`` or ``<script>`` in a workbook shows literally and is never
evaluated. Tables are built as XML row by row (never ``table.cell(r, c)``, which is
quadratic): 2,000 event rows take well under a second.

The same context and template give the same bytes: document properties come from the
memo (created = modified = the as-of date), ``docProps/app.xml`` is rewritten and the zip
is normalised. A broken template raises :class:`TemplateError` naming the file and the tag.
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Emu
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from reports.errors import TemplateError
from reports.output import normalise_zip
from reports.render.style import (
    BLANK_FILL,
    FONT_EAST_ASIAN,
    MUTED_TEXT,
    SHIFT_MARK,
    SHIFT_NOTE,
    STANCE_COLOURS,
    STANCE_LABELS,
    UNKNOWN_FILL,
    country_label,
)

__all__ = ["render_docx", "REQUIRED_STYLES", "MEMO_KEYS"]

# Styles the body uses, by the name staff see in Word. All are made by make_templates.py.
PARAGRAPH_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "Quote",
                    "Memo Note", "Memo Period", "Memo Table Text", "Memo Table Heading",
                    "Memo Source")
CHARACTER_STYLES = ("Memo Citation", "Hyperlink")
TABLE_STYLES = ("Memo Table",)
REQUIRED_STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES
MEMO_KEYS = ("id", "kind", "title", "subject", "as_of", "date", "window", "office", "author",
             "marking", "to", "from", "lang", "keywords")

LAST_MODIFIED_BY = "gsomia-reports"
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>gsomia-reports</Application>'
    b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

CJK_RE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
                    "\ufe30-\ufe4f\uff00-\uffef]")
_q = lru_cache(maxsize=None)(qn)  # qn() splits the name on every call; the body calls it a lot
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
BODY_MARKER = "\u2063gsomia-reports:memo-body\u2063"
NATIVE_RE = re.compile(r"^(.*\S) (\([^()]*[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7ff][^()]*\))$")
CELL_MARGINS = 2 * 85 + 40  # the Memo Table style's cell margins and a little slack
MUTED = MUTED_TEXT.lstrip("#")
SHIFT_BORDER = "222222"
GROUP_FILL = "F2F4F7"
MATRIX_COLUMNS = 5  # issues per matrix table; more are split over several tables


# --------------------------------------------------------------------------- entry point


def render_docx(context: dict, template: Path) -> bytes:
    """The memo as .docx bytes, built from ``context`` and the Word ``template``."""
    template = Path(template)
    tpl = _open_template(template)
    env = Environment(undefined=StrictUndefined, autoescape=True)
    _check_template(tpl, template, env)
    memo = context["memo"]
    _check_memo(memo)
    writer = BodyWriter(tpl, template)
    try:
        tpl.render({"memo": memo, "body": BodyPlaceholder()}, jinja_env=env,
                   autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(_undefined_message(tpl, template, exc)) from exc
    except JinjaTemplateError as exc:
        raise TemplateError(
            f"{template}: the template could not be filled in: {exc}; open {template} in "
            "Word and fix its {{ }} and {% %} tags") from exc
    marker = _find_marker(tpl, template)
    writer.build(context, marker)
    _number_pictures(tpl)
    _set_properties(tpl, memo)
    buffer = BytesIO()
    tpl.save(buffer)
    return normalise_zip(buffer.getvalue())


def _check_memo(memo: dict) -> None:
    """Memo-block text goes through Jinja and docxtpl's forgiving XML parser, which would
    drop characters XML cannot hold; refuse them instead (the context builder replaces
    them, so this only fires on a context built some other way)."""
    for key, value in memo.items():
        if isinstance(value, str) and XML_ILLEGAL_RE.search(value):
            raise ValueError(f"memo.{key} holds a control character Word cannot store: "
                             f"{value!r}; replace it before rendering")


def _open_template(template: Path) -> DocxTemplate:
    if not template.is_file():
        raise TemplateError(f"the Word template {template} does not exist; run "
                            "`python scripts/make_templates.py` to make the default one or "
                            "point paths.templates in reports.toml at the folder holding it")
    tpl = DocxTemplate(template)
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        raise TemplateError(f"{template} is not a Word .docx file that can be read ({exc}); "
                            "save it from Word as a Word Document (.docx)") from exc
    return tpl


# --------------------------------------------------------------------------- template checks


def _template_parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(where, Jinja source as docxtpl renders it) for the body, headers and footers."""
    parts = [("the document body", tpl.get_xml())]
    for where, uri in (("a page header", tpl.HEADER_URI), ("a page footer", tpl.FOOTER_URI)):
        for _, part in tpl.get_headers_footers(uri):
            parts.append((where, tpl.get_part_xml(part)))
    # render_xml_part puts each paragraph on its own line: line numbers name paragraphs.
    return [(where, re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml)))
            for where, xml in parts]


def _text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


TAG_RE = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
BLOCK_OPEN = ("for", "if", "macro", "call", "filter", "with", "block", "raw",
              "autoescape")


def _unclosed(source: str) -> str | None:
    """The first block tag ({% for %}, {% if %} ...) that is never closed, if any."""
    stack: list[str] = []
    for tag in TAG_RE.findall(_text(source)):
        match = re.match(r"{%-?\s*(\w+)", tag)
        if not match:
            continue
        word = match.group(1)
        if word in BLOCK_OPEN:
            stack.append(tag)
        elif word.startswith("end") and stack:
            stack.pop()
    return stack[0] if stack else None


def _check_template(tpl: DocxTemplate, template: Path, env: Environment) -> None:
    """Compile every part first, so a broken tag is reported by name before anything else."""
    fix = f"open {template} in Word and fix the tag"
    parts = _template_parts(tpl)
    for where, source in parts:
        try:
            env.from_string(source)
        except TemplateSyntaxError as exc:
            lines = source.splitlines()
            line = _text(lines[exc.lineno - 1]).strip() if 0 < exc.lineno <= len(lines) else ""
            open_tag = _unclosed(source)
            if open_tag and ("end of template" in exc.message or "endfor" in exc.message
                             or "endif" in exc.message):
                raise TemplateError(
                    f'{template}: {where} has the tag "{open_tag}" but never closes it '
                    f"({exc.message}); {fix}: add the matching {{% end... %}} tag or "
                    "remove it") from exc
            tags = TAG_RE.findall(line)
            shown = tags[0] if tags else line[:120]
            raise TemplateError(
                f'{template}: {where} has a broken tag "{shown}": {exc.message}; {fix} '
                "(tags look like {{ memo.date }})") from exc
    body_source = parts[0][1]
    found = [m.start() for m in re.finditer(r"{{-?\s*body\s*-?}}", body_source)]
    if not found:
        raise TemplateError(
            f"{template}: the template has no {{{{p body }}}} paragraph, so the memo body "
            f"would be lost; open {template} in Word and put {{{{p body }}}} alone in a "
            "paragraph where the memo text belongs")
    for pos in found:
        before = body_source[:pos]
        if len(re.findall(r"<w:p[ >]", before)) != len(re.findall(r"</w:p>", before)):
            raise TemplateError(
                f"{template}: the body tag must be written {{{{p body }}}} (with the p) "
                f"alone in its own paragraph; open {template} in Word and fix the tag")


def _undefined_message(tpl: DocxTemplate, template: Path, exc: UndefinedError) -> str:
    text = str(exc.message or exc)
    attribute = (re.search(r"has no attribute '([^']+)'", text)
                 or re.search(r"no element '([^']+)'", text))
    variable = re.search(r"'([^']+)' is undefined", text)
    name, pattern = "", None
    if attribute:
        name = attribute.group(1)
        pattern = rf"\.\s*{re.escape(name)}\b|\[\s*['\"]{re.escape(name)}['\"]"
    elif variable:
        name = variable.group(1)
        pattern = rf"(?<![.\w]){re.escape(name)}\b"
    tag = ""
    if pattern:
        tags = [t for _, source in _template_parts(tpl) for t in TAG_RE.findall(_text(source))]
        tag = next((t for t in tags if re.search(pattern, t)), "")
    known = ", ".join(f"memo.{k}" for k in MEMO_KEYS) + ", body"
    what = f'the tag "{tag}"' if tag else "a tag"
    return (f'{template}: {what} uses "{name or text}", which a memo does not provide '
            f"({text}); open {template} in Word and fix the tag or remove it. Tags may use: "
            f"{known}")


# --------------------------------------------------------------------------- properties


def _set_properties(tpl: DocxTemplate, memo: dict) -> None:
    """Document properties from the memo, fixed so the same memo gives the same bytes."""
    props = tpl.docx.core_properties
    as_of = date.fromisoformat(memo["as_of"])
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    props.title = _prop(memo.get("subject", ""))
    props.subject = _prop(memo.get("title", ""))
    props.author = _prop(memo.get("author") or memo.get("office") or "")
    props.keywords = _prop(memo.get("keywords", ""), sep=", ")
    props.category = "Briefing memo"
    props.comments = ""
    props.identifier = _prop(memo.get("id", ""))
    props.language = _prop(memo.get("lang", ""))
    props.last_modified_by = LAST_MODIFIED_BY
    props.revision = 1
    props.created = props.modified = stamp
    for rel in tpl.docx.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML


def _prop(text: str, sep: str | None = None, limit: int = 255) -> str:
    """A document property fits Word's 255 characters: cut at a separator or an ellipsis."""
    text = str(text or "")
    if len(text) <= limit:
        return text
    if sep and sep in text[:limit]:
        return text[:limit].rsplit(sep, 1)[0]
    return text[:limit - 1] + "\u2026"


# --------------------------------------------------------------------------- body


class BodyPlaceholder:
    """What ``{{p body }}`` renders to: one marker paragraph, replaced by the memo body.

    The body is spliced into the document tree after docxtpl has rendered the template
    and finished its own clean-up of the rendered XML (which rewrites ``{_{`` to ``{{``,
    tabs and line breaks): workbook text never passes through Jinja or those rewrites.
    """

    def __html__(self) -> str:
        return f"<w:p><w:r><w:t>{BODY_MARKER}</w:t></w:r></w:p>"

    __str__ = __html__


def _find_marker(tpl: DocxTemplate, template: Path):
    """The paragraph ``{{p body }}`` rendered to, in the rendered document."""
    found = [t for t in tpl.docx.element.body.iter(qn("w:t")) if t.text == BODY_MARKER]
    if len(found) != 1:
        raise TemplateError(
            f"{template}: {{{{p body }}}} must appear exactly once in the document body "
            f"(found {len(found)}); open {template} in Word and keep one {{{{p body }}}} "
            "paragraph, outside any loop")
    return found[0].getparent().getparent()


def _number_pictures(tpl: DocxTemplate) -> None:
    """Unique drawing ids (wp:docPr/@id), numbered in document order."""
    for number, doc_pr in enumerate(tpl.docx.element.body.iter(qn("wp:docPr")), start=1):
        doc_pr.set("id", str(number))


class BodyWriter:
    """Writes the memo body as WordprocessingML, block by block, in the template's styles."""

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
        self.figures = 0

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

    # -- the sub-document ------------------------------------------------------------

    def build(self, context: dict, marker) -> None:
        """Write the body's paragraphs and tables in place of the ``marker`` paragraph."""
        # Built in a holder inside the same document, then moved before the marker:
        # moving a large tree between lxml documents is slow (namespace fix-ups).
        self.body = etree.SubElement(self.doc.element, _q("w:body"))
        try:
            self._build(context)
            for child in list(self.body):
                marker.addprevious(child)
        finally:
            self.doc.element.remove(self.body)
        marker.getparent().remove(marker)

    def _build(self, context: dict) -> None:
        memo = context["memo"]
        if memo.get("window"):
            p = self.paragraph("Memo Period")
            self.run(p, "Period covered: ", bold=True)
            self.run(p, memo["window"])
        for section in context["sections"]:
            level = max(1, min(int(section.get("level", 1)), 3))
            self.run(self.paragraph(f"Heading {level}"), section["heading"])
            for block in section["blocks"]:
                self.block(block, level)

    def block(self, block: dict, level: int) -> None:
        kind = block.get("type")
        handler = getattr(self, f"block_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            raise ValueError(f"the Word renderer has no drawing for block type {kind!r}; "
                             "add one to reports/render/docx.py")
        if kind == "subheading":
            handler(block, level)
        else:
            handler(block)

    # -- XML primitives ----------------------------------------------------------------

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

    def cite(self, parent, row: dict) -> None:
        if row.get("cite_text"):
            self.run(parent, " " + row["cite_text"], style="Memo Citation")

    def tab(self, parent) -> None:
        etree.SubElement(etree.SubElement(parent, _q("w:r")), _q("w:tab"))

    def hyperlink(self, parent, text: str, url: str) -> None:
        rid = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
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

    def text_cell(self, tr, width: int, text: str, **run_args):
        tc = self.cell(tr, width)
        self.run(self.paragraph("Memo Table Text", tc), text, **run_args)
        return tc

    def stance_cell(self, tr, width: int, stance: str, shifted: bool = False):
        fill = _stance_fill(stance)
        tc = self.cell(tr, width, fill=fill, outline=shifted)
        p = self.paragraph("Memo Table Text", tc)
        if stance:
            label = STANCE_LABELS.get(stance, stance)
            self.run(p, f"{label} {SHIFT_MARK}" if shifted else label)
        return tc

    # -- blocks ------------------------------------------------------------------------

    def block_note(self, block: dict) -> None:
        self.run(self.paragraph("Memo Note"), block["text"])

    def block_subheading(self, block: dict, level: int) -> None:
        self.run(self.paragraph(f"Heading {min(level + 1, 3)}"), block["text"])

    def block_paragraphs(self, block: dict) -> None:
        for row in block["rows"]:
            p = self.paragraph("Normal")
            label = row.get("label") or (row.get("issue") if row.get("issue") not in
                                         (None, "", "Overall") else "")
            if label:
                self.run(p, f"{label}: ", bold=True)
            self.run(p, row.get("text", ""))
            self.cite(p, row)
            if row.get("attribution"):
                self.run(p, f" ({row['attribution']})", muted=True, size=17)

    def block_facts(self, block: dict) -> None:
        tbl, widths = self.table([("", 3.6), ("", 12.4)], header=False)
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], row["label"], bold=True)
            self.text_cell(tr, widths[1], str(row["value"]))
        self.spacer()

    def block_events(self, block: dict) -> None:
        tbl, widths = self.table([("Date", 2.1), ("Event", 6.6), ("Actors", 3.3),
                                  ("Issues", 2.7), ("Sig.", 1.3)])
        for row in block["rows"]:
            tr = self.row(tbl)
            tc = self.text_cell(tr, widths[0], row.get("date_display", ""))
            details = [x for x in (row.get("category"), row.get("location")) if x]
            if details:
                self.run(self.paragraph("Memo Table Text", tc), ", ".join(details),
                         muted=True, italic=True)
            tc = self.cell(tr, widths[1])
            p = self.paragraph("Memo Table Text", tc)
            self.run(p, row.get("title", ""), bold=True)
            self.cite(p, row)
            if row.get("summary"):
                self.run(self.paragraph("Memo Table Text", tc), row["summary"])
            # One name a line, each but the last ending in ";" so the names stay apart.
            self.text_cell(tr, widths[2], ";\n".join(_fit_name(a, widths[2])
                                                      for a in row.get("actors") or []))
            self.text_cell(tr, widths[3], ";\n".join(row.get("issues") or []))
            sig = row.get("significance")
            self.text_cell(tr, widths[4], "" if sig is None else str(sig))
        self.spacer()

    def block_stances(self, block: dict) -> None:
        tbl, widths = self.table([(block.get("label_heading", ""), 3.6), ("Stance", 2.2),
                                  ("Since", 2.2), ("Position", 8.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], _fit_name(row.get("label", ""), widths[0], True),
                           bold=True)
            self.stance_cell(tr, widths[1], row.get("stance", ""))
            self.text_cell(tr, widths[2], row.get("since", ""))
            tc = self.cell(tr, widths[3])
            p = self.paragraph("Memo Table Text", tc)
            self.run(p, row.get("summary", ""))
            self.cite(p, row)
            if row.get("quote"):
                self.run(self.paragraph("Quote", tc), f"\u201c{row['quote']}\u201d")
            history = row.get("history") or []
            if history:
                self.run(self.paragraph("Memo Table Text", tc), "Earlier:", muted=True,
                         italic=True)
                for old in history:
                    p = self.paragraph("Memo Table Text", tc)
                    self.run(p, STANCE_LABELS.get(old["stance"], old["stance"]),
                             fill=_stance_fill(old["stance"]))
                    self.run(p, f" {old.get('date_display', '')}: {old.get('summary', '')}",
                             muted=True)
                    self.cite(p, old)
        self.spacer()

    def block_shifts(self, block: dict) -> None:
        tbl, widths = self.table([("Actor", 3.4), ("Issue", 2.4), ("Shift", 3.6),
                                  ("Date", 2.1), ("Why", 4.5)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], _fit_name(row.get("actor", ""), widths[0], True),
                           bold=True)
            self.text_cell(tr, widths[1], row.get("issue", ""))
            p = self.paragraph("Memo Table Text", self.cell(tr, widths[2]))
            before, after = row.get("from", ""), row.get("to", "")
            self.run(p, STANCE_LABELS.get(before, before), fill=_stance_fill(before))
            self.run(p, " \u2192 ")
            self.run(p, STANCE_LABELS.get(after, after), fill=_stance_fill(after))
            self.text_cell(tr, widths[3], row.get("date_display", ""))
            p = self.paragraph("Memo Table Text", self.cell(tr, widths[4]))
            self.run(p, row.get("why", ""))
            self.cite(p, row)
        self.spacer()

    def block_matrix(self, block: dict) -> None:
        """Actors by issues; more than MATRIX_COLUMNS issues are split over several tables."""
        issues = block["issues"]
        parts = max(1, -(-len(issues) // MATRIX_COLUMNS))
        size, rest = divmod(len(issues), parts)
        start, any_shift = 0, False
        for part in range(parts):
            stop = start + size + (1 if part < rest else 0)
            if parts > 1:
                self.run(self.paragraph("Memo Note", keep_next=True),
                         f"Issues {start + 1}\u2013{stop} of {len(issues)}")
            any_shift |= self._matrix_table(block, start, stop)
            start = stop
        if any_shift:
            self.run(self.paragraph("Memo Note"), SHIFT_NOTE)

    def _matrix_table(self, block: dict, start: int, stop: int) -> bool:
        issues = block["issues"][start:stop]
        actor_cm = 3.8
        each = (16.0 - actor_cm) / max(len(issues), 1)
        tbl, widths = self.table([("Actor", actor_cm)] + [(i["name"], each) for i in issues])
        any_shift = False
        for group in block["groups"]:
            tr = self.row(tbl)
            tc = self.cell(tr, sum(widths), fill=GROUP_FILL, span=len(widths))
            self.run(self.paragraph("Memo Table Text", tc, keep_next=True),
                     country_label(group["country"]), bold=True)
            for actor_row in group["rows"]:
                tr = self.row(tbl)
                self.text_cell(tr, widths[0], _fit_name(actor_row["actor"], widths[0]))
                for cell, width in zip(actor_row["cells"][start:stop], widths[1:], strict=True):
                    stance = cell.get("stance", "")
                    shifted = bool(cell.get("shifted") and block.get("marks_shifts") and stance)
                    any_shift |= shifted
                    self.stance_cell(tr, width, stance, shifted)
        if not any_shift:
            self.spacer()
        return any_shift

    def block_outlook(self, block: dict) -> None:
        tbl, widths = self.table([("Date", 2.6), ("Expected", 10.8), ("Status", 2.6)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], row.get("date_display", ""))
            p = self.paragraph("Memo Table Text", self.cell(tr, widths[1]))
            self.run(p, row.get("item", ""))
            self.cite(p, row)
            if row.get("issues"):
                self.run(p, f" ({'; '.join(row['issues'])})", muted=True)
            self.text_cell(tr, widths[2], row.get("status", ""))
        self.spacer()

    def block_changes(self, block: dict) -> None:
        if block.get("previous"):
            self.run(self.paragraph("Normal"),
                     f"Added or corrected since the issue of {block['previous']}:")
        tbl, widths = self.table([("Change", 2.4), ("What", 5.6), ("Detail", 8.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], row.get("change", ""), bold=True)
            self.text_cell(tr, widths[1], row.get("what", ""))
            self.text_cell(tr, widths[2], row.get("detail", ""))
        self.spacer()

    def block_sources(self, block: dict) -> None:
        for row in block["rows"]:
            p = self.paragraph("Memo Source")
            self.run(p, f"[{row['n']}]")
            self.tab(p)
            if row.get("outlet"):
                self.run(p, f"{row['outlet']}, ")
            url = row.get("url") or ""
            title = row.get("title") or url
            if _safe_url(url):
                self.hyperlink(p, title, url)
            else:
                self.run(p, title)
            if row.get("published_display"):
                self.run(p, f", {row['published_display']}")
            self.run(p, ".")
            if _safe_url(url) and title != url:
                self.run(p, " ")
                self.hyperlink(p, url, url)

    def block_chart(self, block: dict) -> None:
        """The chart as a picture with alt text, and its caption, in a borderless frame.

        The frame (a one-cell table whose row may not split) keeps a heading with the
        picture: LibreOffice ignores "keep with next" before a picture that does not fit.
        """
        from reports.render.charts import render_chart

        png = render_chart(block, "png")
        alt = block.get("alt", "")
        self.figures += 1
        width, height = self._picture_size(png)
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
        tc = self.cell(self.row(tbl), self.text_width // 635)
        p = self.paragraph("Normal", tc, keep_next=True, align="center")
        drawing = etree.SubElement(etree.SubElement(p, _q("w:r")), _q("w:drawing"))
        inline = self.part.new_pic_inline(BytesIO(png), Emu(width), Emu(height))
        doc_pr = inline.find(_q("wp:docPr"))
        doc_pr.set("name", f"Figure {self.figures}")
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt)
        drawing.append(inline)
        self.run(self.paragraph("Caption", tc), f"Figure {self.figures}. {alt}")
        self.spacer(after=0)

    def _picture_size(self, png: bytes) -> tuple[int, int]:
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

    def spacer(self, after: int = 120) -> None:
        """A gap after a table; it also keeps Word from joining two tables into one."""
        p = self.paragraph("Memo Table Text")
        spacing = etree.SubElement(p.find(_q("w:pPr")), _q("w:spacing"))
        spacing.set(_q("w:after"), str(after))


def _fit_name(name: str, width: int, bold: bool = False, size: float = 8.5) -> str:
    """Break "Name (native name)" before the parenthesis unless it surely fits the line.

    LibreOffice may break a line where Latin text meets Hangul or Kanji, which would
    leave "Moon Jae-in (" on one line and "문재인)" on the next. A rough greedy wrap of
    the Latin part, with narrow and with wide letters, finds where the native name would
    start; unless both say it fits there, it starts a line of its own.
    """
    match = NATIVE_RE.match(name)
    if not match:
        return name
    full = size * 20  # twips: CJK characters are one em wide, Latin ones about 0.55 em
    room = width - CELL_MARGINS
    for em in ((0.56, 0.68) if bold else (0.5, 0.62)):
        def length(text: str, latin: float = em * full) -> float:
            return sum(full if CJK_RE.match(ch) else latin for ch in text)

        line = 0.0
        for word in match.group(1).split(" "):
            step = length((" " if line else "") + word)
            line = line + step if line + step <= room or not line else length(word)
        if line + length(" " + match.group(2)) > room:
            return f"{match.group(1)}\n{match.group(2)}"
    return name


def _stance_fill(stance: str) -> str | None:
    if not stance:
        return None if BLANK_FILL.upper() in ("#FFFFFF", "#FFF") else BLANK_FILL.lstrip("#")
    return STANCE_COLOURS.get(stance, UNKNOWN_FILL).lstrip("#")


def _safe_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)

