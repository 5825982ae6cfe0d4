"""Pictures in the memo body: charts as inline pictures that fit the page, with alt text.

:class:`PictureWriter` adds to the WordprocessingML primitives of ``docx.wordml``:

- :meth:`~PictureWriter.frame`, a borderless one-cell table that keeps a picture with
  its caption (LibreOffice ignores "keep with next" before a picture that does not fit);
- :meth:`~PictureWriter.picture`, an inline picture with a name and alt text on its
  ``wp:docPr``. Given an SVG as well as the PNG, the picture is written as Word 2016 and
  later write one: the PNG in ``a:blip`` (what older readers show) and the SVG in the
  ``asvg:svgBlip`` extension of that blip (what Word 2016+ and LibreOffice show, so the
  chart's text stays text in a PDF);
- :meth:`~PictureWriter.picture_size`: the picture fits inside the text width less a
  margin on each side (a picture exactly as wide as the text is clipped at its right
  edge in LibreOffice's layout) and inside 72% of the text height.

:func:`number_pictures` numbers every ``wp:docPr`` id in document order; :func:`svg_first`
makes the copy of a .docx that LibreOffice converts to PDF draw each picture's SVG.
"""

from __future__ import annotations

from io import BytesIO

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.shared import Emu
from docxtpl import DocxTemplate
from lxml import etree

from reports.render.docx.wordml import OoxmlWriter, _q

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
SVG_CONTENT_TYPE = "image/svg+xml"
FIT_MARGIN = 0.04   # of the text width, left and right together: 3.2 mm on A4 with 2.5 cm margins
HEIGHT_SHARE = 0.72  # of the text height


class PictureWriter(OoxmlWriter):
    """Inline pictures (PNG, or SVG with a PNG fallback) in a frame, with alt text."""

    def frame(self):
        """A borderless one-cell table as wide as the text column; returns its cell."""
        width = self.text_width // 635
        tbl = etree.SubElement(self.body, _q("w:tbl"))
        tblpr = etree.SubElement(tbl, _q("w:tblPr"))
        tblw = etree.SubElement(tblpr, _q("w:tblW"))
        tblw.set(_q("w:w"), str(width))
        tblw.set(_q("w:type"), "dxa")
        etree.SubElement(tblpr, _q("w:tblLayout")).set(_q("w:type"), "fixed")
        margins = etree.SubElement(tblpr, _q("w:tblCellMar"))
        for side in ("left", "right"):
            edge = etree.SubElement(margins, _q(f"w:{side}"))
            edge.set(_q("w:w"), "0")
            edge.set(_q("w:type"), "dxa")
        etree.SubElement(tblpr, _q("w:tblLook")).set(_q("w:val"), "0000")
        grid = etree.SubElement(tbl, _q("w:tblGrid"))
        etree.SubElement(grid, _q("w:gridCol")).set(_q("w:w"), str(width))
        return self.cell(self.row(tbl), width)

    def picture(self, p, png: bytes, width: int, height: int, name: str, alt: str,
                svg: bytes | None = None) -> None:
        """The picture inline in paragraph ``p``: ``name`` and ``alt`` text on its
        ``wp:docPr`` (the id is set later, by :func:`number_pictures`); with ``svg``, the
        SVG is the picture and the PNG its fallback."""
        drawing = etree.SubElement(etree.SubElement(p, _q("w:r")), _q("w:drawing"))
        inline = self.part.new_pic_inline(BytesIO(png), Emu(width), Emu(height))
        doc_pr = inline.find(_q("wp:docPr"))
        doc_pr.set("name", name)
        doc_pr.set("descr", alt)  # Word's alt text (a title too would make LibreOffice's
        # PDF alt text read "title - description": the same words twice)
        if svg is not None:
            self._add_svg(inline, svg)
        drawing.append(inline)

    def _add_svg(self, inline, svg: bytes) -> None:
        partname = self.part.package.next_partname("/word/media/image%d.svg")
        part = Part(PackURI(partname), SVG_CONTENT_TYPE, svg, self.part.package)
        rid = self.part.relate_to(part, RT.IMAGE)
        blip = inline.find(f".//{{{A_NS}}}blip")
        ext_list = etree.SubElement(blip, f"{{{A_NS}}}extLst")
        ext = etree.SubElement(ext_list, f"{{{A_NS}}}ext")
        ext.set("uri", SVG_EXT_URI)
        svg_blip = etree.SubElement(ext, f"{{{ASVG_NS}}}svgBlip", nsmap={"asvg": ASVG_NS})
        svg_blip.set(qn("r:embed"), rid)

    def picture_size(self, png: bytes) -> tuple[int, int]:
        """EMU size inside the text width less :data:`FIT_MARGIN`, at most
        :data:`HEIGHT_SHARE` of the text height, keeping the picture's proportions."""
        from docx.image.image import Image

        image = Image.from_blob(png)
        px_w, px_h = max(image.px_width, 1), max(image.px_height, 1)
        width = int(self.text_width * (1 - FIT_MARGIN))
        height = width * px_h // px_w
        limit = int(self.text_height * HEIGHT_SHARE)
        if height > limit:
            width, height = width * limit // height, limit
        return width, height


def svg_first(docx: bytes) -> bytes:
    """The .docx with each picture that has an SVG showing the SVG in its ``a:blip``
    (and no fallback): LibreOffice 7.4 reads no ``asvg:svgBlip`` but draws an SVG blip,
    text as text. For the PDF only; the .docx itself keeps Word's form."""
    import zipfile

    from reports.output.files import normalise_zip

    with zipfile.ZipFile(BytesIO(docx)) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    if b"svgBlip" not in parts.get("word/document.xml", b""):
        return docx
    root = etree.fromstring(parts["word/document.xml"])
    for svg_blip in root.iter(f"{{{ASVG_NS}}}svgBlip"):
        blip = svg_blip.getparent().getparent().getparent()
        blip.set(qn("r:embed"), svg_blip.get(qn("r:embed")))
        blip.remove(svg_blip.getparent().getparent())
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return normalise_zip(out.getvalue())


def number_pictures(tpl: DocxTemplate) -> None:
    """Unique drawing ids (wp:docPr/@id), numbered in document order."""
    for number, doc_pr in enumerate(tpl.docx.element.body.iter(qn("wp:docPr")), start=1):
        doc_pr.set("id", str(number))
