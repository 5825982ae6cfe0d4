"""The same memo, the same PDF bytes: what LibreOffice writes that changes between runs.

LibreOffice stamps a PDF with the time it was made (the document information, the XMP
metadata, the colour profile of the PDF/A output intent) and derives its file identifier
and checksum from them. A LibreOffice that has converted other files before (one kept
running for a whole batch, ``reports.render.office``) also writes the embedded fonts in
an order that depends on what it loaded earlier (they are kept in a table ordered by
memory address), and numbers its Type 1 fonts (``/UniqueID``, in the font program's
clear and encrypted parts) with a counter that runs for the life of the process.

:func:`stable_pdf` undoes all of that: the time stamps become the memo's as-of day
(midnight UTC); the font objects are put in the order of their names and the link
annotations in reading order (renumbered, every reference to them rewritten: LibreOffice
writes the links of a page, such as the contents' entries, in no fixed order either); the
Type 1 fonts are numbered in file order (as a fresh LibreOffice numbers them); the
identifier and checksum are derived from the content; and the cross-reference table is
rebuilt. The pages, text and fonts are untouched.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)

_STAMPS = (re.compile(rb"(<xmp:(?:Create|Modify|Metadata)Date>)[^<]{20}(</xmp:)"),
           re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}(Z'?\))"))
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{32})")
_XREF = re.compile(rb"\nxref\n0 (\d+)\n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\s*$")
_HEADER = re.compile(rb"(\d+) 0 obj\s*")
_REF = re.compile(rb"\b(\d+) 0 R\b")
_LENGTH = re.compile(rb"/Length (\d+)( 0 R)?")
_FONT = re.compile(rb"/Type\s*/Font\s*/Subtype\s*/\w+\s*/BaseFont\s*/([^\s/<>\[\]()]+)")
_RECT = re.compile(rb"/Rect\s*\[([-\d.\s]+)\]")
_ANNOTS = re.compile(rb"/Annots\s*\[([\d\sR]*)\]")
_UNIQUE_ID = re.compile(rb"/UniqueID \d+ def")
_FIRST_UNIQUE_ID = 4100001  # a fresh LibreOffice's first
_EEXEC_KEY, _C1, _C2 = 55665, 52845, 22719


def stable_pdf(pdf: bytes, as_of: str) -> bytes:
    """``pdf`` as the same bytes whenever and by whichever LibreOffice process it was made.

    A file whose structure is not the single cross-reference table LibreOffice writes
    keeps its objects as they are (a warning says so); its time stamps and identifier
    are still set.
    """
    try:
        pdf = _restructured(pdf, as_of)
    except ValueError as exc:
        log.warning("the PDF's fonts and colour profile keep the marks of the run that made "
                    "it (%s): building it again may not give the same bytes", exc)
    day = as_of.replace("-", "")
    pdf = _STAMPS[0].sub(lambda m: m.group(1) + f"{as_of}T00:00:00Z".encode() + m.group(2),
                         pdf)
    pdf = _STAMPS[1].sub(lambda m: m.group(1) + f"{day}000000".encode() + m.group(2), pdf)
    blanked = _CHECKSUM.sub(rb"\1", _ID.sub(b"/ID[]", pdf))
    digest = hashlib.md5(blanked, usedforsecurity=False).hexdigest().upper().encode()
    pdf = _CHECKSUM.sub(lambda m: m.group(1) + digest, pdf)
    return _ID.sub(lambda m: m.group(0).replace(m.group(1), digest)
                   .replace(m.group(2), digest), pdf)


# --------------------------------------------------------------------------- the file


@dataclass
class _File:
    """A PDF with one classic cross-reference table, cut into its objects."""

    head: bytes  # the header, before the first object
    order: list[int]  # object numbers in file order
    objects: dict[int, bytes]  # number -> "N 0 obj ... endobj" and the blank after it
    entries: list[bytes]  # the cross-reference entries, 20 bytes each
    tail: bytes  # from "trailer" to the end

    @classmethod
    def parse(cls, pdf: bytes) -> _File:
        found = list(_XREF.finditer(pdf))
        if len(found) != 1 or not _STARTXREF.search(pdf):
            raise ValueError("not one cross-reference table")
        xref = found[0]
        count = int(xref.group(1))
        table_end = xref.end() + 20 * count
        entries = [pdf[xref.end() + 20 * i: xref.end() + 20 * i + 20] for i in range(count)]
        if not pdf[table_end:].startswith(b"trailer"):
            raise ValueError("an unexpected cross-reference table")
        used = sorted((int(e[:10]), n) for n, e in enumerate(entries) if e[17:18] == b"n")
        if not used:
            raise ValueError("no objects")
        ends = [offset for offset, _ in used[1:]] + [xref.start() + 1]
        objects = {n: pdf[offset:end] for (offset, n), end in zip(used, ends, strict=True)}
        for number, chunk in objects.items():
            header = _HEADER.match(chunk)
            if header is None or int(header.group(1)) != number:
                raise ValueError(f"object {number} is not where the table says")
        return cls(pdf[: used[0][0]], [n for _, n in used], objects, entries,
                   pdf[table_end:])

    def dump(self) -> bytes:
        body, offsets = bytearray(self.head), {}
        for number in self.order:
            offsets[number] = len(body)
            body += self.objects[number]
        xref_at = len(body)
        entries = [b"%010d %s n \n" % (offsets[n], e[11:16]) if n in offsets else e
                   for n, e in enumerate(self.entries)]
        tail = _STARTXREF.sub(lambda m: b"startxref\n%d\n%%%%EOF\n" % xref_at, self.tail)
        return (bytes(body) + b"xref\n0 %d\n" % len(entries) + b"".join(entries) + tail)


def _dictionary(chunk: bytes) -> bytes:
    """The part of an object outside its stream data (where references can be)."""
    at = chunk.find(b">>\nstream\n")
    return chunk if at < 0 else chunk[: at + 2]


def _restructured(pdf: bytes, as_of: str) -> bytes:
    file = _File.parse(pdf)
    _fonts_in_name_order(file)
    _links_in_reading_order(file)
    numbers = iter(range(_FIRST_UNIQUE_ID, _FIRST_UNIQUE_ID + len(file.order)))
    for number in list(file.order):
        head = _dictionary(file.objects[number])[:400]
        if b"/Length1" in head and b"/Length2" in head:
            _edit_stream(file, number, lambda h, data: _renumber_type1(h, data, numbers))
        elif re.search(rb"/N [134]\b", head):
            _edit_stream(file, number, lambda h, data: _icc_dated(data, as_of))
    return file.dump()


# --------------------------------------------------------------------------- order


def _fonts_in_name_order(file: _File) -> None:
    """Number the fonts' objects in the order of the fonts' names."""
    refs = {n: [int(r) for r in _REF.findall(_dictionary(c))] for n, c in file.objects.items()}
    fonts = {}
    for number, chunk in file.objects.items():
        match = _FONT.search(_dictionary(chunk)[:300])
        if match:
            fonts[number] = match.group(1)
    groups = {}
    for font in fonts:
        seen, todo = set(), [font]
        while todo:
            number = todo.pop()
            if number not in seen and number in file.objects:
                seen.add(number)
                todo += refs[number]
        groups[font] = sorted(seen)
    for font in [f for f in fonts if any(f in g for o, g in groups.items() if o != f)]:
        del fonts[font], groups[font]  # a descendant font: part of its parent's group
    if len(set(fonts.values())) != len(fonts):
        raise ValueError("two fonts of the same name")
    _renumber(file, [(fonts[f], groups[f]) for f in fonts])


def _links_in_reading_order(file: _File) -> None:
    """Number the link annotations top to bottom, left to right (each page's ``/Annots``
    lists them in that order)."""
    links = []
    for number, chunk in file.objects.items():
        head = _dictionary(chunk)
        rect = _RECT.search(head)
        if b"/Type/Annot" in head[:40] and rect is not None:
            x0, y0, x1, y1 = (float(v) for v in rect.group(1).split())
            key = (-max(y0, y1), min(x0, x1), _HEADER.sub(b"", head, count=1))
            links.append((key, [number]))
    if len({key for key, _ in links}) != len(links):
        raise ValueError("two identical annotations")
    _renumber(file, links)
    for number, chunk in file.objects.items():
        if b"/Annots" in chunk[:600]:
            file.objects[number] = _ANNOTS.sub(
                lambda m: b"/Annots[\n" + b" ".join(b"%d 0 R" % n for n in sorted(
                    int(r) for r in _REF.findall(m.group(1)))) + b" ]", chunk, count=1)


def _renumber(file: _File, groups: list[tuple[object, list[int]]]) -> None:
    """Give the groups' objects the numbers they hold now, in the order of the groups'
    keys (each group's own objects in their present order); rewrite every reference."""
    slots = sorted(n for _, members in groups for n in members)
    if len(set(slots)) != len(slots):
        raise ValueError("objects in two groups")
    wanted = [n for _, members in sorted(groups, key=lambda g: g[0]) for n in sorted(members)]
    new = dict(zip(wanted, slots, strict=True))
    if all(old == to for old, to in new.items()):
        return

    def renumber(match: re.Match[bytes]) -> bytes:
        return b"%d 0 R" % new.get(int(match.group(1)), int(match.group(1)))

    moved = {}
    for number, chunk in file.objects.items():
        refs_part = _dictionary(chunk)
        rest = chunk[len(refs_part):]
        refs_part = _REF.sub(renumber, refs_part)
        if number in new:
            refs_part = _HEADER.sub(b"%d 0 obj\n" % new[number], refs_part, count=1)
        moved[new.get(number, number)] = refs_part + rest
    places = [i for i, n in enumerate(file.order) if n in new]
    for place, number in zip(places, sorted(new.values()), strict=True):
        file.order[place] = number
    file.objects = moved


# --------------------------------------------------------------------------- streams


def _edit_stream(file: _File, number: int, edit: Callable[[bytes, bytes], bytes | None]) -> None:
    """Replace a Flate stream's data by ``edit(dictionary, decoded data)``, re-encoded
    (even when unchanged: the bytes never depend on whether it changed)."""
    chunk = file.objects[number]
    head = _dictionary(chunk)
    length = _LENGTH.search(head)
    if length is None or b"/FlateDecode" not in head or not chunk[len(head):].startswith(
            b"\nstream\n"):
        return
    if length.group(2):
        target = int(length.group(1))
        size = re.match(rb"\d+ 0 obj\s*(\d+)", file.objects.get(target, b""))
        if size is None:
            raise ValueError(f"the length of stream {number} is not a number")
        size_value = int(size.group(1))
    else:
        size_value = int(length.group(1))
    start = len(head) + len(b"\nstream\n")
    try:
        decoded = zlib.decompress(chunk[start: start + size_value])
    except zlib.error:
        return
    edited = edit(head, decoded)
    if edited is None:
        return
    packed = zlib.compress(edited, 9)
    if length.group(2):
        file.objects[target] = re.sub(rb"(\d+ 0 obj\s*)\d+", lambda m: m.group(1) + b"%d" %
                                      len(packed), file.objects[target], count=1)
    else:
        head = head[: length.start()] + b"/Length %d" % len(packed) + head[length.end():]
    file.objects[number] = head + b"\nstream\n" + packed + chunk[start + size_value:]


def _icc_dated(profile: bytes, as_of: str) -> bytes | None:
    """An ICC profile whose creation time (header bytes 24-35) is the as-of day."""
    if len(profile) < 128 or profile[36:40] != b"acsp":
        return None
    year, month, day = (int(part) for part in as_of.split("-"))
    stamp = b"".join(n.to_bytes(2, "big") for n in (year, month, day, 0, 0, 0))
    return profile[:24] + stamp + profile[36:]


def _renumber_type1(head: bytes, program: bytes, numbers: Iterator[int]) -> bytes | None:
    """A Type 1 font program with its ``/UniqueID`` (clear and encrypted parts) renumbered.

    ``head`` is the stream's dictionary, whose ``/Length1`` and ``/Length2`` give the
    lengths of the clear part and of the encrypted one (binary ``eexec``)."""
    lengths = [re.search(rb"/Length%d (\d+)" % n, head) for n in (1, 2)]
    if lengths[0] is None or lengths[1] is None:
        return None
    clear_end = int(lengths[0].group(1))
    secret_end = clear_end + int(lengths[1].group(1))
    clear, secret = program[:clear_end], program[clear_end:secret_end]
    if not _UNIQUE_ID.search(clear) or len(secret) != secret_end - clear_end:
        return None
    new = b"/UniqueID %d def" % next(numbers)
    plain = _eexec(secret, decrypt=True)
    new_clear, new_plain = _UNIQUE_ID.sub(new, clear), _UNIQUE_ID.sub(new, plain)
    if len(new_clear) != len(clear) or len(new_plain) != len(plain):
        raise ValueError("a font number of another length")
    return new_clear + _eexec(new_plain, decrypt=False) + program[secret_end:]


def _eexec(data: bytes, decrypt: bool) -> bytes:
    """Type 1 ``eexec`` (de)cipher: the same key and the same four leading bytes give the
    same ciphertext, so an unchanged prefix stays as it was."""
    r, out = _EEXEC_KEY, bytearray(len(data))
    for i, byte in enumerate(data):
        result = byte ^ (r >> 8)
        r = ((byte if decrypt else result) + r) * _C1 + _C2 & 0xFFFF
        out[i] = result
    return bytes(out)
