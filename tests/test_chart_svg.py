"""The charts' SVG, as the HTML page and Word/LibreOffice use it.

- Plain SVG (no CSS, ids, clip paths or embedded pictures), text kept as text, East
  Asian runs tagged with their language, fonts named as Word and LibreOffice resolve them.
- Chromium lays every chart's text out inside the picture without overlaps (boxes from
  ``getBBox``), as the HTML page shows it.
- LibreOffice draws the SVG with its text (the PDF's text holds the labels) and resolves
  the named fonts (Calibri -> Carlito).
- ``svg_inline``: several charts on one page, each named for assistive technology.
"""

from __future__ import annotations

import base64
import re
from xml.etree import ElementTree

import pytest
import realtools
from chartblocks import CASES, JAPANESE, KOREAN, bundled_blocks, matrix_block, timeline_block

from reports.render.charts import fonts as chart_fonts
from reports.render.charts.draw import render_chart, svg_inline

SVG = "{http://www.w3.org/2000/svg}"
PLAIN = {"svg", "g", "rect", "line", "polyline", "circle", "text", "tspan"}


def test_svg_is_plain_and_keeps_text_as_text():
    block = matrix_block()
    svg = render_chart(block, "svg")
    root = ElementTree.fromstring(svg)
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= PLAIN
    for el in root.iter():
        assert not {"style", "class", "id", "clip-path", "transform"} & set(el.attrib), el.attrib
    assert b"url(" not in svg and b"xlink" not in svg
    family = root.find(f"{SVG}g").get("font-family")
    if chart_fonts.latin() == "Carlito":
        assert family.startswith("Calibri, Carlito, ")
    assert family.endswith("sans-serif")
    texts = {"".join(t.itertext()): t for t in root.iter(f"{SVG}text")}
    assert KOREAN in texts and JAPANESE in texts
    assert texts[KOREAN].get("lang") == "ko" and texts[JAPANESE].get("lang") == "ja"
    assert "lang" not in texts["Mike Pompeo"].attrib


def test_japanese_text_names_japanese_fonts():
    block = timeline_block(2, title=lambda i: "安倍晋三首相が発表", sig=lambda i: 5)
    root = ElementTree.fromstring(render_chart(block, "svg"))
    [text] = [t for t in root.iter(f"{SVG}text") if "首相" in "".join(t.itertext())][:1]
    assert "Yu Gothic" in text.get("font-family")
    assert text.get("lang") == "ja"


def chart_page(tmp_path, blocks: dict[str, dict]):
    figures = "\n".join(f'<figure id="f{i}" data-name="{name}">'
                        f'{svg_inline(render_chart(b, "svg"), f"c{i}-", name)}</figure>'
                        for i, (name, b) in enumerate(blocks.items()))
    path = tmp_path / "charts.html"
    path.write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
                    f'Charts</title></head><body>{figures}</body></html>', encoding="utf-8")
    return path


# Every text element's box in the SVG's own units: across, as Chromium lays the text out
# (getBBox); up and down, the em box on its baseline (getBBox gives the fonts' whole line
# height, taller than the ink for CJK fonts; the PNG test checks the ink). Then those
# that leave the viewBox, and pairs that overlap by more than 0.3 pt each way.
LAYOUT_JS = """() => [...document.querySelectorAll('figure')].map(f => {
  const svg = f.querySelector('svg'), vb = svg.viewBox.baseVal;
  const boxes = [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox(), y = t.y.baseVal[0].value;
    const size = parseFloat(getComputedStyle(t).fontSize);
    return [t.textContent, b.x, y - 0.8 * size, b.x + b.width, y + 0.2 * size];
  });
  const out = boxes.filter(b => b[1] < 0 || b[2] < 0 || b[3] > vb.width || b[4] > vb.height)
                   .map(b => b[0]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0.3 &&
        Math.min(a[4], b[4]) - Math.max(a[2], b[2]) > 0.3) overlaps.push([a[0], b[0]]);
  }
  return {name: f.dataset.name, texts: boxes.length, out, overlaps};
})"""


@pytest.mark.needs_tool("chromium", "playwright")
def test_chromium_lays_every_chart_out_without_overlaps(tmp_path):
    blocks = {**CASES, **bundled_blocks()}
    del blocks["5,000 events"]                   # large; the same layout as 200 events
    page = chart_page(tmp_path, blocks)
    with realtools.chromium_page() as browser:
        browser.goto(page.resolve().as_uri(), wait_until="load")
        found = browser.evaluate(LAYOUT_JS)
    assert len(found) == len(blocks)
    for chart in found:
        assert chart["texts"] > 3, chart["name"]
        assert not chart["out"], f"{chart['name']}: leave the picture: {chart['out']}"
        assert not chart["overlaps"], f"{chart['name']}: overlap: {chart['overlaps'][:4]}"


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>{frames}</office:text></office:body></office:document>"""
FRAME = """<text:p><draw:frame svg:width="16cm" svg:height="{h}cm" text:anchor-type="as-char">
<draw:image draw:mime-type="image/svg+xml"><office:binary-data>{data}</office:binary-data>
</draw:image></draw:frame></text:p>"""


@pytest.mark.needs_tool("libreoffice", "pdftotext")
def test_libreoffice_draws_the_svg_with_its_text_and_fonts(tmp_path):
    """LibreOffice's own SVG import (as for Word's svgBlip): text stays text, and the
    fonts named resolve (Calibri to Carlito, the CJK fonts by name)."""
    import subprocess

    blocks = [matrix_block(), CASES["Hangul and Kanji titles"], CASES["one event in a week"]]
    frames = []
    for block in blocks:
        svg = render_chart(block, "svg")
        height = float(re.search(rb'height="([\d.]+)pt"', svg).group(1)) / 72 * 2.54
        frames.append(FRAME.format(h=f"{height * 16 / 16.002:.2f}",
                                   data=base64.b64encode(svg).decode("ascii")))
    doc = tmp_path / "charts.fodt"
    doc.write_text(FODT.format(frames="".join(frames)), encoding="utf-8")
    [pdf] = realtools.libreoffice_convert(doc, "pdf", tmp_path / "out")
    text = realtools.pdf_text(pdf, layout=False)
    for label in ("Moon Jae-in (문재인)", "Shinzo Abe (安倍晋三)", "supports", "Key:",
                  "29 Nov", "Seoul suspends the expiry of GSOMIA", "강경화 외교부 장관 기자회견",
                  "Significance (marker size):"):
        assert label in text, label
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    if chart_fonts.latin() == "Carlito":
        assert "Carlito" in fonts
    assert "NotoSansCJK" in fonts


def test_svg_inline_for_several_charts_on_one_page():
    a = svg_inline(render_chart(timeline_block(), "svg"), "c1-", alt='Timeline "A" & <b>')
    b = svg_inline(render_chart(matrix_block(), "svg"), "c2-", alt="Japan's matrix")
    for markup in (a, b):
        assert markup.startswith("<svg") and "<?xml" not in markup
        ElementTree.fromstring(markup)
    assert 'role="img" aria-label="Timeline &quot;A&quot; &amp; &lt;b&gt;"' in a
    assert "<title>Timeline &quot;A&quot; &amp; &lt;b&gt;</title>" in a
    assert "<title>Japan's matrix</title>" in b


def test_svg_inline_prefixes_ids_and_their_references():
    svg = (b'<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="http://www.w3.org/2000/'
           b'svg"><defs><clipPath id="p1"><rect/></clipPath><path id="m" d=""/></defs>'
           b'<g clip-path="url(#p1)"><use href="#m"/></g></svg>')
    one, two = svg_inline(svg, "c1-"), svg_inline(svg, "c2-")
    assert "made by hand" not in one
    assert set(re.findall(r'\bid="([^"]+)"', one)) == {"c1-p1", "c1-m"}
    assert 'url(#c1-p1)' in one and 'href="#c1-m"' in one
    assert not set(re.findall(r'\bid="([^"]+)"', one)) & set(re.findall(r'\bid="([^"]+)"', two))
