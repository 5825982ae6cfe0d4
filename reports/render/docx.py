"""Word memos: the memo context rendered into the staff-editable template ``memo.docx``.

``render_docx(context, template)`` returns the bytes of a .docx; the caller writes them.
The template (made by ``scripts/make_templates.py``, restyled by staff in Word) holds the
letterhead, the memo block, header and footer, and the styles. Its Jinja tags get the
``memo`` block (autoescaped) and ``body``, a sub-document this module builds from the
context's sections: headings in the template's Heading styles, tables in its "Memo
Table" style, charts as pictures with alt text, sources with live links.

Workbook text only ever enters the document as run text built with lxml (escaped by
construction) or through autoescaped tags, and the body is inserted after Jinja has
rendered the template, so ``{{ x }}`` or ``<script>`` in a workbook shows literally.

Tables are built as XML row by row (never ``table.cell(r, c)``, which is quadratic), with
a repeating header row (``w:tblHeader``) and rows that do not split across pages.

The same context and template give the same bytes: document properties are fixed from
the memo (created = the as-of date), ``docProps/app.xml`` is rewritten and the zip is
normalised. A broken template raises :class:`TemplateError` naming the file and the tag.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
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
# docxtpl turns "{_{" "}_}" "{_%" "%_}" in the rendered XML back into "{{" ...; keep
# workbook text literal by splitting such a sequence over two w:t elements.
DOCXTPL_MARKER_RE = re.compile(r"(?<=[{}%]_)(?=[{}%])")
TWIPS_PER_CM = 567
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
    writer = BodyWriter(tpl, template)
    body = writer.build(context)
    try:
        tpl.render({"memo": memo, "body": body}, jinja_env=env, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(_undefined_message(tpl, template, exc)) from exc
    except JinjaTemplateError as exc:
        raise TemplateError(
            f"{template}: the template could not be filled in: {exc}; open {template} in "
            "Word and fix its {{ }} and {% %} tags") from exc
    _set_properties(tpl, memo)
    buffer = BytesIO()
    tpl.save(buffer)
    return normalise_zip(buffer.getvalue())


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
    for where, source in _template_parts(tpl):
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
    body_source = _template_parts(tpl)[0][1]
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
    match = (re.search(r"has no attribute '([^']+)'", text)
             or re.search(r"'([^']+)' is undefined", text)
             or re.search(r"no element '([^']+)'", text))
    name = match.group(1) if match else ""
    tag = ""
    if name:
        for _, source in _template_parts(tpl):
            for candidate in TAG_RE.findall(_text(source)):
                if re.search(rf"\b{re.escape(name)}\b", candidate):
                    tag = candidate
                    break
            if tag:
                break
    known = ", ".join(f"memo.{k}" for k in MEMO_KEYS) + ", body"
    what = f'the tag "{tag}"' if tag else "a tag"
    return (f'{template}: {what} uses "{name or text}", which a memo does not have ({text}); '
            f"open {template} in Word and fix the tag or remove it. Tags may use: {known}")


# --------------------------------------------------------------------------- properties


def _set_properties(tpl: DocxTemplate, memo: dict) -> None:
    """Document properties from the memo, fixed so the same memo gives the same bytes."""
    props = tpl.docx.core_properties
    as_of = date.fromisoformat(memo["as_of"])
    stamp = datetime(as_of.year, as_of.month, as_of.day)
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
    props.last_printed = stamp
    for rel in tpl.docx.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML


def _prop(text: str, sep: str | None = None, limit: int = 255) -> str:
    """A document property fits Word's 255 characters: cut at a separator, else with ...."""
    text = str(text or "")
    if len(text) <= limit:
        return text
    if sep and sep in text[:limit]:
        return text[:limit].rsplit(sep, 1)[0]
    return text[:limit - 1] + "\u2026"


# --------------------------------------------------------------------------- body


class BodyXml:
    """The memo body for the template's ``{{p body }}``: its paragraphs and tables as XML.

    What docxtpl's ``new_subdoc()`` gives, without its docxcompose dependency: Jinja
    inserts ``__html__()`` as it is (already XML, so autoescape leaves it alone), after
    the template itself has been rendered, so text in it is never evaluated.
    """

    def __init__(self, body):
        self.body = body

    def __html__(self) -> str:
        xml = etree.tostring(self.body, encoding="unicode")
        return re.sub(r"^<w:body[^>]*>|</w:body>$", "", xml)

    __str__ = __html__


class BodyWriter:
    """Builds the body sub-document as WordprocessingML, block by block."""

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
            if found and found[0].get(qn("w:eastAsia")):
                return found[0].get(qn("w:eastAsia"))
        return FONT_EAST_ASIAN

    # -- the sub-document ------------------------------------------------------------

    def build(self, context: dict) -> BodyXml:
        # The document's own namespace map, so the body's elements use its w:, r:, wp:
        # prefixes (docxtpl's clean-up after rendering matches "<w:p" and "<w:t").
        self.body = etree.Element(qn("w:body"), nsmap=self.doc.element.nsmap)
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
        return BodyXml(self.body)

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
        p = etree.SubElement(self.body if parent is None else parent, qn("w:p"))
        ppr = etree.SubElement(p, qn("w:pPr"))
        etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), self.styles[style])
        if keep_next:
            etree.SubElement(ppr, qn("w:keepNext"))
        if align:
            etree.SubElement(ppr, qn("w:jc")).set(qn("w:val"), align)
        return p

    def run(self, parent, text: str, *, style: str | None = None, bold: bool = False,
            italic: bool = False, muted: bool = False, size: int | None = None,
            fill: str | None = None):
        """A run of literal text (escaped by lxml); line breaks become w:br."""
        r = etree.SubElement(parent, qn("w:r"))
        rpr = etree.SubElement(r, qn("w:rPr"))
        if style:
            etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), self.styles[style])
        fonts = etree.SubElement(rpr, qn("w:rFonts"))
        fonts.set(qn("w:eastAsia"), self.east_asian)
        if CJK_RE.search(text):
            fonts.set(qn("w:hint"), "eastAsia")
        if bold:
            etree.SubElement(rpr, qn("w:b"))
            etree.SubElement(rpr, qn("w:bCs"))
        if italic:
            etree.SubElement(rpr, qn("w:i"))
            etree.SubElement(rpr, qn("w:iCs"))
        if muted:
            etree.SubElement(rpr, qn("w:color")).set(qn("w:val"), MUTED)
        if size:
            etree.SubElement(rpr, qn("w:sz")).set(qn("w:val"), str(size))
            etree.SubElement(rpr, qn("w:szCs")).set(qn("w:val"), str(size))
        if fill:
            shd = etree.SubElement(rpr, qn("w:shd"))
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), fill)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, line in enumerate(lines):
            if i:
                etree.SubElement(r, qn("w:br"))
            for piece in DOCXTPL_MARKER_RE.split(line):
                if piece or len(lines) == 1:
                    t = etree.SubElement(r, qn("w:t"))
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    t.text = piece
        return r

    def cite(self, parent, row: dict) -> None:
        if row.get("cite_text"):
            self.run(parent, " " + row["cite_text"], style="Memo Citation")

    def tab(self, parent) -> None:
        etree.SubElement(etree.SubElement(parent, qn("w:r")), qn("w:tab"))

    def hyperlink(self, parent, text: str, url: str) -> None:
        rid = self.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = etree.SubElement(parent, qn("w:hyperlink"))
        link.set(qn("r:id"), rid)
        link.set(qn("w:history"), "1")
        self.run(link, text, style="Hyperlink")

    # -- tables ------------------------------------------------------------------------

    def table(self, columns: list[tuple[str, float]], header: bool = True):
        """A "Memo Table" with fixed column widths (cm, scaled to the text column)."""
        total_cm = sum(width for _, width in columns)
        widths = [int(self.text_width / 635 * width / total_cm) for _, width in columns]
        tbl = etree.SubElement(self.body, qn("w:tbl"))
        tblpr = etree.SubElement(tbl, qn("w:tblPr"))
        etree.SubElement(tblpr, qn("w:tblStyle")).set(qn("w:val"), self.styles["Memo Table"])
        tblw = etree.SubElement(tblpr, qn("w:tblW"))
        tblw.set(qn("w:w"), str(sum(widths)))
        tblw.set(qn("w:type"), "dxa")
        etree.SubElement(tblpr, qn("w:tblLayout")).set(qn("w:type"), "fixed")
        look = etree.SubElement(tblpr, qn("w:tblLook"))
        for attr, value in (("w:val", "04A0" if header else "0000"),
                            ("w:firstRow", "1" if header else "0"), ("w:lastRow", "0"),
                            ("w:firstColumn", "0"), ("w:lastColumn", "0"),
                            ("w:noHBand", "1"), ("w:noVBand", "1")):
            look.set(qn(attr), value)
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        for width in widths:
            etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(width))
        if header:
            tr = self.row(tbl, header=True)
            for (title, _), width in zip(columns, widths, strict=True):
                tc = self.cell(tr, width)
                self.run(self.paragraph("Memo Table Heading", tc), title)
        return tbl, widths

    def row(self, tbl, header: bool = False):
        tr = etree.SubElement(tbl, qn("w:tr"))
        trpr = etree.SubElement(tr, qn("w:trPr"))
        etree.SubElement(trpr, qn("w:cantSplit"))
        if header:
            etree.SubElement(trpr, qn("w:tblHeader"))
        return tr

    def cell(self, tr, width: int, fill: str | None = None, span: int = 1,
             outline: bool = False):
        tc = etree.SubElement(tr, qn("w:tc"))
        tcpr = etree.SubElement(tc, qn("w:tcPr"))
        tcw = etree.SubElement(tcpr, qn("w:tcW"))
        tcw.set(qn("w:w"), str(width))
        tcw.set(qn("w:type"), "dxa")
        if span > 1:
            etree.SubElement(tcpr, qn("w:gridSpan")).set(qn("w:val"), str(span))
        if outline:
            borders = etree.SubElement(tcpr, qn("w:tcBorders"))
            for side in ("top", "left", "bottom", "right"):
                edge = etree.SubElement(borders, qn(f"w:{side}"))
                edge.set(qn("w:val"), "single")
                edge.set(qn("w:sz"), "12")
                edge.set(qn("w:space"), "0")
                edge.set(qn("w:color"), SHIFT_BORDER)
        if fill:
            shd = etree.SubElement(tcpr, qn("w:shd"))
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), fill)
        return tc

    def text_cell(self, tr, width: int, text: str, **run_args):
        tc = self.cell(tr, width)
        self.run(self.paragraph("Memo Table Text", tc), text, **run_args)
        return tc

    def stance_cell(self, tr, width: int, stance: str, shifted: bool = False,
                    size: int | None = None):
        fill = _stance_fill(stance)
        tc = self.cell(tr, width, fill=fill, outline=shifted)
        p = self.paragraph("Memo Table Text", tc)
        if stance:
            label = STANCE_LABELS.get(stance, stance)
            self.run(p, f"{label} {SHIFT_MARK}" if shifted else label, size=size)
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
            self.text_cell(tr, widths[2], "; ".join(row.get("actors") or []))
            self.text_cell(tr, widths[3], "; ".join(row.get("issues") or []))
            sig = row.get("significance")
            self.text_cell(tr, widths[4], "" if sig is None else str(sig))
        self.spacer()

    def block_stances(self, block: dict) -> None:
        tbl, widths = self.table([(block.get("label_heading", ""), 3.6), ("Stance", 2.2),
                                  ("Since", 2.2), ("Position", 8.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], row.get("label", ""), bold=True)
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
            self.text_cell(tr, widths[0], row.get("actor", ""), bold=True)
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
                self.text_cell(tr, widths[0], actor_row["actor"])
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
        tbl = etree.SubElement(self.body, qn("w:tbl"))
        tblpr = etree.SubElement(tbl, qn("w:tblPr"))
        tblw = etree.SubElement(tblpr, qn("w:tblW"))
        tblw.set(qn("w:w"), str(self.text_width // 635))
        tblw.set(qn("w:type"), "dxa")
        etree.SubElement(tblpr, qn("w:tblLayout")).set(qn("w:type"), "fixed")
        margins = etree.SubElement(tblpr, qn("w:tblCellMar"))
        for side in ("left", "right"):
            edge = etree.SubElement(margins, qn(f"w:{side}"))
            edge.set(qn("w:w"), "0")
            edge.set(qn("w:type"), "dxa")
        etree.SubElement(tblpr, qn("w:tblLook")).set(qn("w:val"), "0000")
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(self.text_width // 635))
        tc = self.cell(self.row(tbl), self.text_width // 635)
        p = self.paragraph("Normal", tc, keep_next=True, align="center")
        drawing = etree.SubElement(etree.SubElement(p, qn("w:r")), qn("w:drawing"))
        inline = self.part.new_pic_inline(BytesIO(png), Emu(width), Emu(height))
        doc_pr = inline.find(qn("wp:docPr"))
        doc_pr.set("name", f"Figure {self.figures}")
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt)
        drawing.append(inline)
        self.run(self.paragraph("Caption", tc), f"Figure {self.figures}. {alt}")
        self.spacer(after=0)

    def _picture_size(self, png: bytes) -> tuple[int, int]:
        """EMU size fitting the text column, at most 60% of the text height."""
        from docx.image.image import Image

        image = Image.from_blob(png)
        px_w, px_h = max(image.px_width, 1), max(image.px_height, 1)
        width = self.text_width
        height = width * px_h // px_w
        limit = int(self.text_height * 0.6)
        if height > limit:
            width, height = width * limit // height, limit
        return width, height

    def spacer(self, after: int = 120) -> None:
        """A gap after a table; it also keeps Word from joining two tables into one."""
        p = self.paragraph("Memo Table Text")
        spacing = etree.SubElement(p.find(qn("w:pPr")), qn("w:spacing"))
        spacing.set(qn("w:after"), str(after))


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

