"""The parts of an .xlsx package that a cell reader does not tell, read with an XML parser.

- which zip part holds which sheet (``xl/workbook.xml`` and its relationships);
- per sheet: cells holding a formula error, formulas with no saved value (what openpyxl
  and many exporters write: ``<c><f>..</f></c>`` without ``<v>``), ``HYPERLINK``
  formulas, hyperlinks (``<hyperlinks>`` and the sheet's relationships), merged cells,
  and the row of the first cell holding a value.

A sheet's XML can be 150 MB, so it is never parsed whole: byte searches find the few
places that matter (a formula, an error, the hyperlinks) and only those pieces go through
the XML parser, wrapped in the sheet's own namespace declarations. Hostile XML: a part
with a document type declaration (where entity expansion lives) is refused, and the
standard library's parser never fetches anything.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

NS_REL_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK_FORMULA_RE = re.compile(r'^\s*=?\s*HYPERLINK\s*\(\s*"((?:[^"]|"")*)"', re.IGNORECASE)
CELL_REF_RE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_ROOT_TAG_RE = re.compile(rb"<(?![?!])[^>]*>")
_XMLNS_RE = re.compile(rb'\sxmlns(?::[\w.-]+)?\s*=\s*("[^"]*"|\'[^\']*\')')
_CELL_START_RE = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")
_FORMULA_RE = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_ERROR_TYPE_RE = re.compile(rb"""\st\s*=\s*["']e["']""")
_VALUE_RE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)[\s>]")
_AFTER_NAME = (b" ", b">", b"/", b"\t", b"\n", b"\r")
_EMPTY_VALUE_RE = re.compile(rb"<(?:[\w.-]+:)?v\s*(?:/>|>\s*</(?:[\w.-]+:)?v>)")
_DIMENSION_RE = re.compile(
    rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["'][A-Z]*[0-9]*:?[A-Z]*([0-9]+)["']""")
_ROW_NUMBER_RE = re.compile(rb"""[^>]*?\sr\s*=\s*["']([0-9]+)["']""")
_CELL_REF_ATTR_RE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']""")


class HostileXml(ValueError):
    """A part the reader refuses to parse (a DTD, or XML that is not well formed)."""


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def parse(xml: bytes) -> ElementTree.Element:
    """Parse a (small) XML part; refuse a document type declaration."""
    if b"<!DOCTYPE" in xml[:_root_start(xml)]:
        raise HostileXml("the XML declares a document type (entities are not allowed)")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise HostileXml(f"malformed XML ({exc})") from None


def _root_start(xml: bytes) -> int:
    match = _ROOT_TAG_RE.search(xml)
    return match.start() if match else 0


# -- the workbook: sheet title -> part ------------------------------------------------------

def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its XML part in the zip (from workbook.xml and its relationships).

    Raises :class:`HostileXml` for a part with a document type declaration.
    """
    try:
        book = parse(archive.read("xl/workbook.xml"))
        rels = parse(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = relationships(rels, "xl/workbook.xml")
    found: dict[str, str] = {}
    for node in _elements(book, "sheet"):
        name, rid = node.get("name"), _rel_id(node)
        if name is not None and rid is not None and rid in targets:
            found[name] = targets[rid][0]
    return found


def _elements(root: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    """Every element called ``name`` (in any namespace) under ``root``."""
    return (node for node in root.iter() if _local(node.tag) == name)


def _rel_id(node: ElementTree.Element) -> str | None:
    """The element's ``r:id`` (whatever the relationships namespace's prefix)."""
    return next((v for k, v in node.attrib.items() if k.startswith("{") and _local(k) == "id"),
                None)


def relationships(root: ElementTree.Element, source: str) -> dict[str, tuple[str, bool]]:
    """Relationship id -> (target, external) of a parsed ``.rels`` part of ``source``."""
    found = {}
    base = posixpath.dirname(source)
    for rel in _elements(root, "Relationship"):
        rid, target = rel.get("Id"), rel.get("Target")
        if not rid or target is None:
            continue
        external = (rel.get("TargetMode") or "").lower() == "external"
        if not external:
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(base, target)))
        found[rid] = (target, external)
    return found


# -- one sheet --------------------------------------------------------------------------------

@dataclass
class SheetNotes:
    """What a sheet's XML says about its cells beyond their values (refs like ``"D7"``)."""

    errors: dict[str, str] = field(default_factory=dict)  # cached formula error: "#REF!"
    no_value: dict[str, str] = field(default_factory=dict)  # formula with no saved value
    links: dict[str, str] = field(default_factory=dict)  # hyperlink or HYPERLINK() address
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0 c0 r1 c1
    first_value: str | None = None  # the first cell holding a value ("A1")
    last_row: int = 0  # the lowest row the sheet's XML has (cells, or its used range)


def scan_sheet(archive: zipfile.ZipFile, part: str | None) -> SheetNotes:
    """The notes of one sheet part (an empty note when the part cannot be found)."""
    notes = SheetNotes()
    if not part:
        return notes
    try:
        xml = archive.read(part)
    except KeyError:
        return notes
    if b"<!DOCTYPE" in xml[:_root_start(xml)]:
        raise HostileXml(f"{part} declares a document type (entities are not allowed)")
    wrap = _namespaces(xml)
    _scan_cells(xml, wrap, notes)
    tail = xml[max(xml.rfind(b"sheetData>"), 0):]  # hyperlinks and merges come after the cells
    _scan_links(archive, part, tail, wrap, notes)
    _scan_merged(tail, wrap, notes)
    notes.first_value = _first_value_cell(xml)
    notes.last_row = _last_row(xml)
    return notes


def _namespaces(xml: bytes) -> tuple[bytes, bytes]:
    """Start and end tags of a wrapper declaring the root element's namespaces, so that a
    piece cut from the part parses on its own."""
    root = _ROOT_TAG_RE.search(xml)
    declared = b"".join(m.group(0) for m in _XMLNS_RE.finditer(root.group(0))) if root else b""
    return b"<piece" + declared + b">", b"</piece>"


def _parse_piece(pieces: list[bytes], wrap: tuple[bytes, bytes]) -> ElementTree.Element | None:
    try:
        return parse(wrap[0] + b"".join(pieces) + wrap[1])
    except HostileXml:
        return None


def _enclosing_cell(xml: bytes, at: int) -> tuple[int, int] | None:
    """Start and end of the ``<c>`` element around position ``at``."""
    start = max(xml.rfind(b"<c ", 0, at), xml.rfind(b"<c>", 0, at), xml.rfind(b":c ", 0, at))
    if start < 0:
        return None
    if xml[start:start + 1] == b":":
        start = xml.rfind(b"<", 0, start)
    close = xml.find(b">", start)
    if close < 0:
        return None
    if xml[close - 1:close] == b"/":
        return start, close + 1
    end = xml.find(b"c>", close)
    while end >= 0 and xml[end - 1:end] not in (b"/", b":"):
        end = xml.find(b"c>", end + 2)
    return (start, end + 2) if end >= 0 else None


def _has_formula(xml: bytes) -> bool:
    """Whether the part holds a formula element (``<f>``, ``<x:f ...>``). The letter f is
    rare in sheet markup (text is in the shared strings), so each one is looked at."""
    at, seen = xml.find(b"f"), 0
    while at >= 0:
        if xml[at - 1:at] in (b"<", b":") and xml[at + 1:at + 2] in _AFTER_NAME:
            return True
        seen += 1
        if seen > 1000:  # text inside the part (inline strings): search for the markup
            return b"<f" in xml or b":f" in xml
        at = xml.find(b"f", at + 1)
    return False


def _scan_cells(xml: bytes, wrap: tuple[bytes, bytes], notes: SheetNotes) -> None:
    spans: dict[int, int] = {}
    formulas = _has_formula(xml)
    # a cached error value starts with # (#REF!, #N/A ...): no # in the part, no error
    errors = b"#" in xml and (b't="e' in xml or b"t='e" in xml)
    for pattern in [p for p, found in ((_FORMULA_RE, formulas), (_ERROR_TYPE_RE, errors))
                    if found]:
        for match in pattern.finditer(xml):
            span = _enclosing_cell(xml, match.start())
            if span and _CELL_START_RE.match(xml, span[0]):
                spans[span[0]] = span[1]
    if not spans:
        return
    root = _parse_piece([xml[s:e] for s, e in sorted(spans.items())], wrap)
    if root is None:
        return
    for cell in root:
        ref = (cell.get("r") or "").upper()
        if not CELL_REF_RE.match(ref):
            continue
        children = {_local(child.tag): child for child in cell}
        formula, value = children.get("f"), children.get("v")
        if cell.get("t") == "e" and value is not None:
            notes.errors[ref] = (value.text or "").strip()
            continue
        text = (formula.text or "").strip() if formula is not None else ""
        link = HYPERLINK_FORMULA_RE.match(text)
        if link:
            notes.links[ref] = link.group(1).replace('""', '"')
        saved = (value is not None and bool((value.text or "").strip())
                 or cell.get("t") == "str" and value is not None or "is" in children)
        if formula is not None and not saved:  # openpyxl writes <v></v>, others no <v>
            notes.no_value[ref] = text


def _scan_links(archive: zipfile.ZipFile, part: str, xml: bytes, wrap: tuple[bytes, bytes],
                notes: SheetNotes) -> None:
    start = xml.rfind(b"hyperlinks>")
    if start < 0:
        return
    open_at = xml.rfind(b"<", 0, xml.rfind(b"hyperlinks", 0, start))
    piece = xml[open_at:start + len(b"hyperlinks>")]
    root = _parse_piece([piece], wrap)
    if root is None:
        return
    folder, name = posixpath.split(part)
    try:
        rels = relationships(parse(archive.read(f"{folder}/_rels/{name}.rels")), part)
    except (KeyError, HostileXml):
        rels = {}
    for link in _elements(root, "hyperlink"):
        rid = _rel_id(link)
        target = rels.get(rid) if rid else None
        if target is None or not target[1]:
            continue  # a link inside the workbook (location="Sheet!A1") has no address
        for ref in _cells_of(link.get("ref") or ""):
            notes.links.setdefault(ref, target[0])


def _cells_of(ref: str, limit: int = 10_000) -> list[str]:
    """``"D2"`` -> ["D2"]; ``"D2:D4"`` -> ["D2", "D3", "D4"]."""
    first, _, last = ref.upper().partition(":")
    a, b = CELL_REF_RE.match(first), CELL_REF_RE.match(last or first)
    if not a or not b:
        return []
    if a.group(1) != b.group(1):
        return [first]  # a link over several columns: its top-left cell
    rows = range(int(a.group(2)), min(int(b.group(2)), int(a.group(2)) + limit) + 1)
    return [f"{a.group(1)}{r}" for r in rows]


def _scan_merged(xml: bytes, wrap: tuple[bytes, bytes], notes: SheetNotes) -> None:
    end = xml.rfind(b"mergeCells>")
    if end < 0:
        return
    open_at = xml.rfind(b"<", 0, xml.rfind(b"mergeCells", 0, end))
    root = _parse_piece([xml[open_at:end + len(b"mergeCells>")]], wrap)
    if root is None:
        return
    for node in _elements(root, "mergeCell"):
        corners = [m for r in (node.get("ref") or "").upper().split(":")
                   if (m := CELL_REF_RE.match(r))]
        if len(corners) == 2:
            (c0, r0), (c1, r1) = ((_column_index(m.group(1)), int(m.group(2)) - 1)
                                  for m in corners)
            notes.merged.append((r0, c0, r1, c1))


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _first_value_cell(xml: bytes) -> str | None:
    """The reference of the first cell holding a value (None if it says none); a value
    element with nothing in it (``<v></v>``, a formula without its value) holds none."""
    for value in _VALUE_RE.finditer(xml):
        if _EMPTY_VALUE_RE.match(xml, value.start()):
            continue
        span = _enclosing_cell(xml, value.start())
        if span is None:
            return None
        tag = xml[span[0]:xml.find(b">", span[0]) + 1]
        ref = _CELL_REF_ATTR_RE.search(tag)
        return ref.group(1).decode("ascii").upper() if ref else None
    return None


def _last_row(xml: bytes) -> int:
    """The lowest row the part has: its last row element, or its used range (dimension),
    whichever is lower; rows whose cells were cleared stay in both."""
    last = 0
    dimension = _DIMENSION_RE.search(xml, 0, 4096)
    if dimension:
        last = int(dimension.group(1))
    row = xml.rfind(b"<row ")
    if row < 0:
        row = xml.rfind(b":row ")
    found = _ROW_NUMBER_RE.match(xml, xml.find(b" ", row)) if row >= 0 else None
    return max(last, int(found.group(1)) if found else 0)
