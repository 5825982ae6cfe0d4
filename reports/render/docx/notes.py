"""Citations as real Word footnotes (python-docx writes none: this module writes the part).

Each citation number of a memo row becomes a footnote reference in the text
(``w:footnoteReference`` in the template's "footnote reference" style) and a footnote in
``word/footnotes.xml`` (its paragraph in the "footnote text" style), as Word writes them:

- the part starts with the separator (id -1) and continuation separator (id 0) notes,
  which ``settings.xml`` names in ``w:footnotePr``; a template that already has a
  footnotes part (any document saved by Word has one) keeps it, its separators included;
- the part is related from the document part and listed in ``[Content_Types].xml``
  (python-docx writes both from the part's relationship and content type);
- a footnote's links are relationships of the footnotes part.

The first citation of a source makes its note, the source reference (:func:`reference`:
outlet, the full title quoted and as a live link, date, grade when the source has one,
with the grade's meaning where that grade first appears). A later citation of the same
source is its short form: the number of that note, set as a note mark (a ``NOTEREF``
field with ``\f`` to a bookmark on the first note's reference, so Word renumbers it with
the notes), and no second note: the foot of the page lists each source once, which keeps
a memo within its page budget. Notes are numbered in document order, and the body is
written in that order. The numbered Sources list at the end of the memo stays the
bibliography.
"""

from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from reports.render.docx.wordml import OoxmlWriter, _q
from reports.text import ends_sentence, is_http_url

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_PARTNAME = "/word/footnotes.xml"
TEXT_STYLE, REFERENCE_STYLE = "footnote text", "footnote reference"
SEPARATORS = (("separator", "-1", "w:separator"),
              ("continuationSeparator", "0", "w:continuationSeparator"))
# w:settings children that come after w:footnotePr, in the schema's order.
SETTINGS_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator")
Q_OPEN, Q_CLOSE = "\u201c", "\u201d"


# --------------------------------------------------------------------------- note text


def _title(source: dict) -> str:
    """A source's title, whole (it wraps; it is never cut)."""
    return (source.get("title") or source.get("url") or f"Source {source['n']}").strip()


def _pieces(head: list[tuple[str, str | None]], tail: list[str]) -> list[tuple[str, str | None]]:
    """``head`` segments (text, url) then ``tail`` items, comma-separated; one full stop.

    No comma follows a quoted title ending in "?", "!" or "." and no full stop ends the
    note when its last item already ends a sentence.
    """
    out = list(head)
    for item in tail:
        text = "".join(t for t, _ in out)
        out.append((" " if ends_sentence(text) else ", ", None))
        out.append((item, None))
    if not ends_sentence("".join(t for t, _ in out)):
        out.append((".", None))
    return [(t, u) for t, u in out if t]


def grade_words(source: dict, explained: set[str]) -> str:
    """"grade B2 (usually reliable, probably true)" where the grade first appears (it joins
    ``explained``), "grade B2" after; '' for a source without a grade."""
    code = source.get("grade") or ""
    if not code:
        return ""
    meaning = (source.get("grade_text") or "").split(": ", 1)[-1]
    if code in explained or not meaning:
        return f"grade {code}"
    explained.add(code)
    return f"grade {code} ({meaning})"


def reference(source: dict, explained: set[str]) -> list[tuple[str, str | None]]:
    """A source as every reference of the memo gives it: [(text, url or None), ...], e.g.
    Daily News, “Ministers reverse decision to end the pact” (linked), 22 Nov 2019, grade
    B2 (usually reliable, probably true)."""
    url = source.get("url") or ""
    head: list[tuple[str, str | None]] = []
    if source.get("outlet"):
        head.append((f"{source['outlet']}, ", None))
    head += [(Q_OPEN, None), (_title(source), url if is_http_url(url) else None),
             (Q_CLOSE, None)]
    tail = [x for x in (source.get("published_display"), grade_words(source, explained)) if x]
    return _pieces(head, tail)


def full_reference(source: dict) -> list[tuple[str, str | None]]:
    """The first note of a source (its grade explained): see :func:`reference`."""
    return reference(source, set())


def note_bookmark(source_number: int) -> str:
    """The hidden bookmark on the reference of a source's full note."""
    return f"_RefNote{source_number}"


# --------------------------------------------------------------------------- the part


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _separator_note(kind: str, note_id: str, mark: str):
    note = etree.Element(_w("footnote"))
    note.set(_w("type"), kind)
    note.set(_w("id"), note_id)
    p = etree.SubElement(note, _w("p"))
    spacing = etree.SubElement(etree.SubElement(p, _w("pPr")), _w("spacing"))
    for attr, value in (("after", "0"), ("line", "240"), ("lineRule", "auto")):
        spacing.set(_w(attr), value)
    etree.SubElement(etree.SubElement(p, _w("r")), _q(mark))
    return note


def new_footnotes() -> etree._Element:
    """An empty footnotes part as Word writes it: the two separator notes."""
    root = etree.Element(_w("footnotes"), nsmap={"w": W_NS, "r": R_NS})
    for kind, note_id, mark in SEPARATORS:
        root.append(_separator_note(kind, note_id, mark))
    return root


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def ensure_footnote_settings(settings) -> None:
    """``w:footnotePr`` naming the separator notes, as Word writes it, if missing."""
    if settings.find(_q("w:footnotePr")) is not None:
        return
    pr = etree.Element(_q("w:footnotePr"))
    for _, note_id, _ in SEPARATORS:
        etree.SubElement(pr, _q("w:footnote")).set(_q("w:id"), note_id)
    after = set()
    for tag in SETTINGS_AFTER_FOOTNOTE_PR:
        prefix, _, name = tag.partition(":")
        after.add(f"{{{settings.nsmap.get(prefix, W_NS if prefix == 'w' else '')}}}{name}")
    for child in settings:
        if child.tag in after:
            child.addprevious(pr)
            return
    settings.append(pr)


class Footnotes:
    """The document's footnotes part, and the notes the memo's citations make."""

    def __init__(self, writer: OoxmlWriter, sources: list[dict]):
        self.writer = writer
        self.sources = {row["n"]: row for row in sources}
        self.part, self.root = self._open()
        ids = [int(n.get(_w("id"), "0")) for n in self.root.findall(_w("footnote"))]
        self.next_id = max([0, *ids]) + 1
        # notes the template's own text already holds come first in Word's numbering
        self.count = sum(1 for _ in writer.doc.element.body.iter(_q("w:footnoteReference")))
        self.first_note: dict[int, int] = {}  # source number -> its full note's number
        self.text_style = writer.styles.get(TEXT_STYLE)
        self.explained: set[str] = set()  # grades whose meaning a note has given
        self.reference_style = writer.styles.get(REFERENCE_STYLE)

    def _open(self) -> tuple[Part, etree._Element]:
        document = self.writer.part
        for rel in document.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                root = etree.fromstring(rel.target_part.blob)
                present = {n.get(_w("type")) for n in root.findall(_w("footnote"))}
                for position, (kind, note_id, mark) in enumerate(SEPARATORS):
                    if kind not in present:
                        root.insert(position, _separator_note(kind, note_id, mark))
                return rel.target_part, root
        part = Part(PackURI(FOOTNOTES_PARTNAME), CT.WML_FOOTNOTES, b"", document.package)
        document.relate_to(part, RT.FOOTNOTES)
        return part, new_footnotes()

    def cite(self, parent, numbers: list[int]) -> None:
        """A note mark in ``parent`` for each source number: a new footnote for a source's
        first citation, a cross-reference to that note for every later one."""
        for i, n in enumerate(numbers):
            if i:  # 3,4 rather than 34
                self._reference(parent, "w:t", None, ",")
            source = self.sources.get(n)
            if source is None:
                raise ValueError(f"a row cites source {n}, which is not in the memo's "
                                 "sources; the memo context is inconsistent")
            first = self.first_note.get(n)
            if first is not None:
                self.writer.field_start(parent, f" NOTEREF {note_bookmark(n)} \\f \\h ")
                self._reference(parent, "w:t", None, str(first))
                self.writer.field_end(parent)
                continue
            self.count += 1
            self.first_note[n] = self.count
            note_id = str(self.next_id)
            self.next_id += 1
            run = self._reference(parent, "w:footnoteReference", note_id)
            self.writer.bookmark(parent, note_bookmark(n), first=run)
            self._note(note_id, reference(source, self.explained))

    def _reference(self, parent, mark: str, note_id: str | None = None,
                   text: str | None = None):
        r = etree.SubElement(parent, _q("w:r"))
        rpr = etree.SubElement(r, _q("w:rPr"))
        if self.reference_style:
            etree.SubElement(rpr, _q("w:rStyle")).set(_q("w:val"), self.reference_style)
        else:
            etree.SubElement(rpr, _q("w:vertAlign")).set(_q("w:val"), "superscript")
        element = etree.SubElement(r, _q(mark))
        element.text = text
        if note_id is not None:
            element.set(_q("w:id"), note_id)
        return r

    def _note(self, note_id: str, pieces: list[tuple[str, str | None]]) -> None:
        note = etree.SubElement(self.root, _w("footnote"))
        note.set(_w("id"), note_id)
        p = etree.SubElement(note, _w("p"))
        ppr = etree.SubElement(p, _w("pPr"))
        etree.SubElement(ppr, _w("pStyle")).set(
            _w("val"), self.text_style or self.writer.styles["Normal"])
        self._reference(p, "w:footnoteRef")
        self.writer.run(p, " ")
        for text, url in pieces:
            if url:
                self.writer.hyperlink(p, text, url, part=self.part)
            else:
                self.writer.run(p, text)

    def finish(self) -> None:
        """Write the part, and the settings Word expects with it."""
        self.part._blob = serialise(self.root)
        ensure_footnote_settings(self.writer.doc.settings.element)
