"""The text of a Word template as its editor sees it: one unit per paragraph, named.

Word splits a tag over several runs (spell-check marks, formatting, revision ids), so
each paragraph's runs are joined and a split tag is seen whole, as docxtpl joins it.
Every place docxtpl fills in is read: the body, its tables and text boxes (also those
inside ``mc:AlternateContent``), every header and footer (first-page, even-page, each
section's), footnotes, and the document properties; endnotes are read too, because
docxtpl does not fill them in and a tag there would print as typed. Each unit is named
the way a Word user finds it: "body paragraph 12", "table 1, row 2, column 3", "text box
in body paragraph 4", "first-page header", "footnote 2".
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from reports.template_check.tags import DELIMITERS, Unit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
KINDS = {RT + "header": "header", RT + "footer": "footer", RT + "footnotes": "footnote",
         RT + "endnotes": "endnote"}
PAGE_KIND = {"default": "page {}", "first": "first-page {}", "even": "even-page {}"}
# The document properties docxtpl fills in (DocxTemplate.render_properties).
PROPERTIES = ("title", "subject", "author", "comments", "identifier", "language")
UNFILLED = ("endnote",)  # placements docxtpl leaves as typed


class NotWord(Exception):
    """The file is not a Word document that can be read."""


def open_word(path: Path) -> Any:
    """The Word document at ``path`` (python-docx); :class:`NotWord` if it cannot be read."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
        document.styles  # noqa: B018  (read now: a damaged styles part fails here)
        return document
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        raise NotWord(str(exc)) from exc


def word_units(document: Any) -> list[Unit]:
    """Every paragraph (and document property) of the Word ``document``, in order."""
    try:
        return _units(document)
    except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise NotWord(str(exc)) from exc


STYLE_KINDS = {1: "paragraph", 2: "character", 3: "table", 4: "numbering"}


def word_styles(document: Any) -> dict[str, str]:
    """The styles of the Word ``document``: name (as python-docx names it) -> kind."""
    return {style.name: STYLE_KINDS.get(int(style.type), "other")
            for style in document.styles if style.name}


def _units(document: Any) -> list[Unit]:
    main = document.part
    units: list[Unit] = []
    _container(main.element.body, "body", "body", "body", units)
    names = _part_names(main.element.body)
    for rid, rel in sorted(main.rels.items(), key=lambda item: _rid_order(item[0])):
        kind = KINDS.get(rel.reltype)
        if kind is None or rel.is_external:
            continue
        root = etree.fromstring(rel.target_part.blob)
        if kind in ("header", "footer"):
            _container(root, names.get(rid, f"{kind} (not used by any page)"), kind, rid, units)
        else:
            _notes(root, kind, units)
    props = document.core_properties
    for name in PROPERTIES:
        text = getattr(props, name) or ""
        if "{" in text or "}" in text:
            units.append(Unit(f"document property {name.capitalize()} (File > Info)", text,
                              f"property {name}", "property"))
    return units


def _rid_order(rid: str) -> tuple[int, str]:
    digits = "".join(c for c in rid if c.isdigit())
    return int(digits or 0), rid


def _part_names(body: etree._Element) -> dict[str, str]:
    """Header/footer relationship id -> "page header", "first-page footer of section 2"."""
    sections = list(body.iter(W + "sectPr"))
    names: dict[str, str] = {}
    for number, sect in enumerate(sections, 1):
        for ref in sect:
            kind = {W + "headerReference": "header", W + "footerReference": "footer"}.get(ref.tag)
            if kind is None or ref.get(R_ID) in names:
                continue
            name = PAGE_KIND.get(ref.get(W + "type", "default"), "page {}").format(kind)
            names[ref.get(R_ID)] = name + (f" of section {number}" if len(sections) > 1 else "")
    return names


def _notes(root: etree._Element, kind: str, units: list[Unit]) -> None:
    number = 0
    for note in root.findall(f"{W}{kind}"):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        number += 1
        _container(note, f"{kind} {number}", kind, kind + "s", units)


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a container, looking through content controls."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent"):
            yield from _blocks(child)


def _container(element: etree._Element, place: str, placement: str, part: str,
               units: list[Unit]) -> None:
    """Units of the paragraphs in ``element`` (body, header, cell, text box ...)."""
    blocks = list(_blocks(element))
    paragraphs = sum(1 for b in blocks if b.tag == W + "p")
    n_p = n_t = 0
    for block in blocks:
        if block.tag == W + "p":
            n_p += 1
            if place == "body":
                where = f"body paragraph {n_p}"
            else:
                where = place if paragraphs == 1 else f"{place}, paragraph {n_p}"
            units.append(Unit(where, _text(block), part, placement))
            for value in _attribute_tags(block):
                units.append(Unit(f"alt text of a picture or shape in {where}", value, part,
                                  "alt text"))
            boxes = _text_boxes(block)
            for k, box in enumerate(boxes, 1):
                name = "text box" if len(boxes) == 1 else f"text box {k}"
                _container(box, f"{name} in {where}", "text box", part, units)
        else:
            n_t += 1
            prefix = "" if place == "body" else f"{place}, "
            inner = "table" if placement in ("body", "table") else placement
            for r, row in enumerate(_rows(block), 1):
                for c, cell in enumerate(_cells(row), 1):
                    _container(cell, f"{prefix}table {n_t}, row {r}, column {c}", inner, part,
                               units)


def _rows(table: etree._Element) -> list[etree._Element]:
    return [e for e in table.iter(W + "tr") if _nearest(e, W + "tbl") is table]


def _cells(row: etree._Element) -> list[etree._Element]:
    return [e for e in row.iter(W + "tc") if _nearest(e, W + "tr") is row]


def _nearest(element: etree._Element, tag: str) -> etree._Element | None:
    return next(element.iterancestors(tag), None)


def _text(paragraph: etree._Element) -> str:
    """The paragraph's own text, its runs joined (not the text of text boxes inside it).

    Only ``w:t`` counts, as for docxtpl, which joins a tag's runs by dropping the XML
    between them: deleted text (``w:delText``), tabs and breaks are not part of a tag.
    """
    return "".join(t.text or "" for t in paragraph.iter(W + "t")
                   if _nearest(t, W + "p") is paragraph)


def _attribute_tags(paragraph: etree._Element) -> list[str]:
    """Attribute values in the paragraph that hold tag delimiters (a picture's alt text,
    a shape's title): docxtpl fills those in too."""
    return [value for element in paragraph.iter() if _nearest(element, W + "p") is paragraph
            for value in element.attrib.values() if DELIMITERS.search(value)]


def _text_boxes(paragraph: etree._Element) -> list[etree._Element]:
    """The text boxes anchored in the paragraph; Word writes each drawn text box twice
    (``mc:Choice`` and the VML ``mc:Fallback``): the fallback copy is read only when it
    is the only one."""
    boxes = [b for b in paragraph.iter(W + "txbxContent") if _nearest(b, W + "p") is paragraph]
    main = [b for b in boxes if _nearest(b, MC_FALLBACK) is None]
    return main or boxes


__all__ = ["open_word", "word_units", "word_styles", "NotWord", "UNFILLED"]
