"""Word memos: the memo context rendered into the staff-editable template ``memo.docx``.

``render_docx(context, template)`` returns the bytes of a .docx; the caller writes them.

The template (made by ``scripts/make_templates.py``, restyled by staff in Word) holds the
letterhead, the memo block, header and footer, and the styles. docxtpl fills its Jinja
tags from the ``memo`` block, autoescaped, with ``StrictUndefined``; its ``{{p body }}``
paragraph becomes the memo body, built here from the context's sections: headings in the
template's Heading styles, tables in its "Memo Table" style with a header row repeated on
each page (``w:tblHeader``) and rows that never split (``w:cantSplit``), stance cells
shaded and named, charts as pictures with alt text, citations as real footnotes
(``docx.notes``), a table of contents and section bookmarks (``docx.toc``), changed
judgments as tracked changes, East Asian names tagged with their language and font,
sources with live links.

Workbook text enters the document only as run text set through lxml (escaped by
construction) or through autoescaped tags. The body is written into the document after
docxtpl has rendered the template and done its own clean-up of the rendered XML, so
``{{ x }}``, ``{% if %}`` or ``<script>`` in a workbook shows literally and is never
evaluated. Tables are built as XML row by row (never ``table.cell(r, c)``, which is
quadratic): 2,000 event rows take well under a second.

The same context and template give the same bytes: document properties come from the
memo (created = modified = the as-of date), ``docProps/app.xml`` is rewritten and the zip
is normalised. The document declares current Word compatibility (``compatibilityMode``
15), so Word shows no "[Compatibility Mode]". A broken template raises
:class:`TemplateError` naming the file and the tag.

This module loads and checks the template, renders it and sets the properties (the
title is the memo's edition label: LibreOffice's PDF takes it as its title); the body
is written by ``docx.blocks`` and ``docx.tables`` (one writer per block type) with the
WordprocessingML primitives of ``docx.wordml`` and ``docx.pictures``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from reports.errors import TemplateError
from reports.output.files import normalise_zip
from reports.render.docx.blocks import BodyWriter
from reports.render.docx.pictures import number_pictures
from reports.render.docx.wordml import REQUIRED_STYLES, current_compatibility
from reports.template_check.check import MEMO_KEYS, check_word_template, word_environment
from reports.text import clip

__all__ = ["render_docx", "REQUIRED_STYLES", "MEMO_KEYS"]

LAST_MODIFIED_BY = "briefing-reports"
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>briefing-reports</Application>'
    b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
BODY_MARKER = "\u2063briefing-reports:memo-body\u2063"


# --------------------------------------------------------------------------- entry point


def render_docx(context: Mapping[str, Any], template: Path,
                page_numbers: dict[str, int] | None = None) -> bytes:
    """The memo as .docx bytes, built from ``context`` and the Word ``template``.

    ``page_numbers`` (bookmark name -> page, as LibreOffice laid the memo out; see
    ``reports.render.pdf.render_pdf``) fills the page numbers of the table of contents;
    without it a long memo's contents list its entries without numbers."""
    template = Path(template)
    tpl = _open_template(template)
    env = word_environment()
    check_word_template(template, env)  # every broken tag, before anything is filled in
    memo = context["memo"]
    _check_memo(memo)
    writer = BodyWriter(tpl, template, page_numbers)
    try:
        tpl.render({"memo": memo, "body": BodyPlaceholder()}, jinja_env=env,
                   autoescape=True)
    except JinjaTemplateError as exc:
        raise TemplateError(
            f"{template}: the template could not be filled in: {exc}; open {template} in "
            "Word and fix its {{ }} and {% %} tags") from exc
    marker = _find_marker(tpl, template)
    writer.build(context, marker)
    number_pictures(tpl)
    current_compatibility(tpl.docx.settings.element)
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
                            f"`python scripts/make_templates.py --out {template}` to make the "
                            "default one there, or point paths.templates in reports.toml at "
                            "the folder holding it")
    tpl = DocxTemplate(template)
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        raise TemplateError(f"{template} is not a Word .docx file that can be read ({exc}); "
                            "save it from Word as a Word Document (.docx)") from exc
    return tpl


# --------------------------------------------------------------------------- properties


def _set_properties(tpl: DocxTemplate, memo: dict) -> None:
    """Document properties from the memo, fixed so the same memo gives the same bytes."""
    props = tpl.docx.core_properties
    as_of = date.fromisoformat(memo["as_of"])
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    props.title = _prop(memo.get("edition_label") or memo.get("subject", ""))
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
    return clip(text, limit)


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
