"""The Word memo as a Word user and LibreOffice see it: footnotes, fonts and languages,
navigation, tracked changes, portion marks, the tagged PDF/A.

One memo context built here by hand (every new block and field of the context contract)
is rendered once; LibreOffice makes its PDF once (``render_pdf``: two passes, for the
contents' page numbers) and its .odt once, in a session fixture.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
import realtools
from lxml import etree

from reports.errors import PdfConversionError
from reports.render.docx.document import render_docx
from reports.render.docx.toc import estimated_pages
from reports.render.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "memo.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
W = f"{{{W_NS}}}"
OFFICE = "Northeast Asia Desk"
OLD = "Seoul will let GSOMIA lapse at midnight on 22 November."
NEW = "Seoul has suspended the lapse of GSOMIA; it can still end the pact at any time."
EDITION = "Issue brief: GSOMIA renewal, 25 November 2019"
SOURCES = [
    {"n": 1, "id": "kyodo", "outlet": "Kyodo News",
     "title": "South Korea reverses decision to end intel-sharing pact with Japan",
     "published": "2019-11-22", "published_display": "22 Nov 2019",
     "url": "https://example.org/kyodo?a=1&b=2", "kind": "news", "grade": "B2",
     "grade_text": "B2: usually reliable, probably true"},
    {"n": 2, "id": "nhk", "outlet": "NHK World", "title": "Will Seoul end GSOMIA?",
     "published": None, "published_display": "", "url": None, "kind": "news", "grade": "",
     "grade_text": ""},
    {"n": 3, "id": "pacnet", "outlet": "Pacific Forum", "title": "Resetting ties.",
     "published": "2019-11-25", "published_display": "25 Nov 2019",
     "url": "https://example.org/pacnet", "kind": "analysis", "grade": "", "grade_text": ""},
]


def event(i: int, cites: list[int]) -> dict:
    return {"id": f"e{i}", "date": "2019-11-22", "date_display": "22 Nov 2019",
            "title": f"Event {i}: Seoul suspends its notice to end GSOMIA",
            "summary": "Six hours before expiry, the notice is suspended on condition. " * 2,
            "category": "decision", "significance": 5, "location": "Seoul",
            "actors": ["Shinzo Abe (安倍晋三)", "Moon Jae-in (문재인)"],
            "issues": ["GSOMIA renewal"], "cites": cites,
            "cite_text": "".join(f"[{n}]" for n in cites), "portion": "(U)"}


def word_context() -> dict:
    memo = {"id": "gsomia-brief", "kind": "issue", "title": "Issue brief",
            "subject": "Issue brief: GSOMIA renewal", "as_of": "2019-11-25",
            "date": "25 November 2019", "window": "", "office": OFFICE,
            "author": "Desk analyst", "marking": "UNCLASSIFIED", "to": "Director",
            "from": OFFICE, "lang": "en", "keywords": "issue, GSOMIA",
            "east_asian_lang": "ko", "edition_label": EDITION,
            "summary": {"bottom_line": [NEW], "changes": []}}
    bottom = {"type": "judgments", "whose": "desk", "numbered": True, "rows": [
        {"number": 1, "text": NEW, "label": "GSOMIA renewal", "cites": [1],
         "cite_text": "[1]", "portion": "(U)", "likelihood": "likely",
         "change": {"kind": "replaced", "caption": "Replaces the judgment of 22 Nov 2019 in "
                    "the edition of 22 Nov 2019", "previous": OLD,
                    "previous_as_of": "2019-11-22"},
         "attribution": "Likelihood: likely (55-80%). Confidence: medium."},
        {"number": 2, "text": "Tokyo welcomed the decision; 安倍晋三 called it strategic.",
         "cites": [1, 2], "cite_text": "[1][2]", "portion": "(U)"},
        {"number": 3, "text": "Nothing changed in this judgment.", "cites": [3],
         "cite_text": "[3]"}]}
    sections = [
        {"id": "bottom-line", "heading": "Bottom line", "level": 1, "annex": False,
         "collapsed": False, "blocks": [
             bottom,
             {"type": "legend", "text": "Likelihood terms (US ICD 203): almost no chance "
                                        "1-5%; likely 55-80%; almost certain 95-99%."}]},
        {"id": "events", "heading": "Key events", "level": 1, "annex": False,
         "collapsed": False, "blocks": [
             {"type": "selection", "text": "3 most significant of 40 events since 1 Jan 2019.",
              "ref": {"section": "annex-chronology", "label": "Annex A"}},
             {"type": "events", "rows": [event(i, [1 + i % 3]) for i in range(3)]},
             {"type": "subheading", "text": "What the actors said"},
             {"type": "note", "text": "문재인 and 安倍晋三 spoke by telephone."}]},
        {"id": "annex-chronology", "heading": "Annex A: Full chronology", "level": 1,
         "annex": True, "collapsed": True, "blocks": [
             {"type": "selection", "text": "All 40 events; full list: the workbook.",
              "ref": None},
             {"type": "events", "rows": [event(i, [1 + i % 3]) for i in range(40)]}]},
        {"id": "sources", "heading": "Sources", "level": 1, "annex": False,
         "collapsed": False, "blocks": [{"type": "sources", "rows": SOURCES}]},
    ]
    return {"memo": memo, "sections": sections, "sources": SOURCES,
            "native_langs": {"安倍晋三": "ja", "문재인": "ko"}}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """The memo's .docx alone, and the .docx, PDF and .odt LibreOffice made of it."""
    realtools.require("libreoffice", "pdftotext")
    folder = tmp_path_factory.mktemp("word")
    ctx = word_context()
    plain = folder / "plain.docx"
    plain.write_bytes(render_docx(ctx, TEMPLATE))
    pdf = folder / "memo.pdf"
    paged = folder / "memo.docx"
    docx, data = render_pdf(ctx, TEMPLATE)
    paged.write_bytes(docx)
    pdf.write_bytes(data)
    odt = realtools.libreoffice_convert(paged, "odt", folder / "odt")[0]
    return {"ctx": ctx, "plain": plain, "docx": paged, "pdf": pdf, "odt": odt,
            "pages": realtools.pdf_pages_text(pdf)}


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def flat(text: str) -> str:
    return " ".join(text.split())


def note_texts(path: Path) -> dict[str, str]:
    notes = part(path, "word/footnotes.xml")
    return {n.get(W + "id"): "".join(t.text or "" for t in n.iter(W + "t")).strip()
            for n in notes.findall("w:footnote", NS) if n.get(W + "type") is None}


# --------------------------------------------------------------------------- footnotes


def test_each_source_is_one_footnote_and_later_citations_refer_to_it(made):
    body = part(made["docx"], "word/document.xml")
    refs = [r.get(W + "id") for r in body.iter(W + "footnoteReference")]
    notes = note_texts(made["docx"])
    assert refs and set(refs) == set(notes) and len(set(refs)) == len(refs)
    ordered = [notes[r] for r in refs]
    assert ordered == [
        "Kyodo News, \u201cSouth Korea reverses decision to end intel-sharing pact with "
        "Japan\u201d, 22 Nov 2019, grade B2 (usually reliable, probably true).",  # explained
        "NHK World, \u201cWill Seoul end GSOMIA?\u201d",
        "Pacific Forum, \u201cResetting ties.\u201d 25 Nov 2019."]  # one note per source
    # a later citation of Kyodo is a note mark: a NOTEREF field (\f: formatted as a note
    # reference) to the bookmark around the first note's reference, showing its number
    fields = [t.text for t in body.iter(W + "instrText")]
    assert " NOTEREF _RefNote1 \\f \\h " in fields
    start = next(b for b in body.iter(W + "bookmarkStart") if b.get(W + "name") == "_RefNote1")
    assert start.getnext().find("w:footnoteReference", NS).get(W + "id") == refs[0]
    for text in ordered:
        assert "?." not in text and ".." not in text
    citing = [r.getparent().getparent() for r in body.iter(W + "footnoteReference")]
    assert not [p for p in citing if "[" in "".join(p.itertext())]  # no bracket numbers


def test_footnotes_part_is_wired_as_word_writes_it(made):
    path = made["docx"]
    types = part(path, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/word/footnotes.xml"].endswith("wordprocessingml.footnotes+xml")
    rels = part(path, "word/_rels/document.xml.rels")
    assert [r.get("Target") for r in rels if r.get("Type").endswith("/footnotes")] == [
        "footnotes.xml"]
    notes = part(path, "word/footnotes.xml").findall("w:footnote", NS)
    assert [(n.get(W + "type"), n.get(W + "id")) for n in notes[:2]] == [
        ("separator", "-1"), ("continuationSeparator", "0")]
    settings = part(path, "word/settings.xml")
    assert [f.get(W + "id") for f in settings.findall("w:footnotePr/w:footnote", NS)] == [
        "-1", "0"]
    styles = {p.get(W + "val") for p in part(path, "word/footnotes.xml").iter(W + "pStyle")}
    assert styles == {"FootnoteText"}
    body = part(path, "word/document.xml")
    assert {r.getparent().find("w:rPr/w:rStyle", NS).get(W + "val")
            for r in body.iter(W + "footnoteReference")} == {"FootnoteReference"}


def test_footnote_links_are_relationships_of_the_footnotes_part(made):
    rels = part(made["docx"], "word/_rels/footnotes.xml.rels")
    links = {r.get("Id"): r.get("Target") for r in rels if r.get("Type").endswith("/hyperlink")}
    assert set(links.values()) == {"https://example.org/kyodo?a=1&b=2",
                                   "https://example.org/pacnet"}
    notes = part(made["docx"], "word/footnotes.xml")
    used = {h.get(f"{{{NS['r']}}}id") for h in notes.iter(W + "hyperlink")}
    assert used == set(links)


def test_notes_sit_at_the_foot_of_the_page_that_cites_them(made):
    ctx, pages = made["ctx"], made["pages"]
    first = flat(pages[0])
    note = ("Kyodo News, \u201cSouth Korea reverses decision to end intel-sharing pact with "
            "Japan\u201d, 22 Nov 2019, grade B2 (usually reliable, probably true).")
    assert flat(note) in first
    # below the text that cites it, above the page footer
    assert first.index(flat(NEW)) < first.index(flat(note)) < first.rindex("Page 1 of")
    assert "see note" not in first  # later citations are note marks, not more notes
    assert first.count("South Korea reverses decision") == 1
    assert ctx["sources"][0]["title"] in flat(pages[-1])  # the bibliography stays


def test_sources_list_never_doubles_a_full_stop(made):
    """The Sources list gives each reference as the footnotes do (one punctuation style:
    Outlet, “Title”, date, grade), its grade without the meaning the first note gave."""
    text = flat("".join(part(made["docx"], "word/document.xml").itertext()))
    assert "NHK World, \u201cWill Seoul end GSOMIA?\u201d" in text
    assert "GSOMIA?." not in text and "ties.." not in text and "?\u201d," not in text
    assert "Pacific Forum, \u201cResetting ties.\u201d 25 Nov 2019." in text
    assert "Japan\u201d, 22 Nov 2019, grade B2." in text
    assert "usually reliable" not in text  # explained in the first footnote already


# --------------------------------------------------------------------------- the package


def test_python_docx_and_the_open_xml_validator_accept_it(made):
    for path in (made["plain"], made["docx"]):
        document = docx.Document(str(path))
        assert any("Bottom line" == p.text for p in document.paragraphs)
        assert realtools.docx_structure_errors(path) == []


def test_same_context_same_bytes(made):
    ctx = made["ctx"]
    assert render_docx(ctx, TEMPLATE) == made["plain"].read_bytes()
    pages = {"sec_bottom_line": 2, "sec_events": 3}
    assert render_docx(ctx, TEMPLATE, pages) == render_docx(ctx, TEMPLATE, pages)


# --------------------------------------------------------------------------- languages


def run_lang(run, styles) -> tuple[str | None, str | None]:
    rpr = run.find("w:rPr", NS)
    lang = rpr.find("w:lang", NS).get(W + "eastAsia") if rpr.find("w:lang", NS) is not None \
        else None
    font = rpr.find("w:rFonts", NS).get(W + "eastAsia")
    style = rpr.find("w:rStyle", NS)
    if font is None and style is not None:
        font = styles.xpath(f'w:style[@w:styleId="{style.get(W + "val")}"]/w:rPr/w:rFonts/'
                            "@w:eastAsia", namespaces=NS)[0]
    return lang, font


def test_japanese_and_korean_names_are_tagged_with_their_language_and_font(made):
    body = part(made["docx"], "word/document.xml")
    styles = part(made["docx"], "word/styles.xml")
    found = {}
    for run in body.iter(W + "r"):
        text = "".join(t.text or "" for t in run.findall("w:t", NS))
        if text in ("安倍晋三", "문재인"):
            found.setdefault(text, set()).add(run_lang(run, styles))
        elif text:
            assert not re.search("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", text), text
    assert found == {"安倍晋三": {("ja-JP", "Yu Gothic")}, "문재인": {("ko-KR", "Malgun Gothic")}}
    latin = [r for r in body.iter(W + "r") if "Seoul suspends" in "".join(r.itertext())]
    assert latin and all(r.find("w:rPr/w:lang", NS) is None for r in latin)


def test_pdf_holds_names_in_both_scripts_and_embeds_every_font(made):
    text = "".join(made["pages"])
    assert "安倍晋三" in text and "문재인" in text
    fonts = realtools.pdf_fonts(made["pdf"])
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert any("Carlito" in f["name"] for f in fonts)  # Calibri, metric-compatible


# --------------------------------------------------------------------------- navigation


def test_sections_are_bookmarked_and_the_selection_links_to_the_annex(made):
    body = part(made["docx"], "word/document.xml")
    marks = {b.get(W + "name") for b in body.iter(W + "bookmarkStart")}
    assert {"sec_bottom_line", "sec_events", "sec_annex_chronology", "sec_sources"} <= marks
    links = [a for a in body.iter(W + "hyperlink") if a.get(W + "anchor")]
    assert {a.get(W + "anchor") for a in links} <= marks
    annex = [a for a in links if "".join(a.itertext()) == "Annex A"]
    assert [a.get(W + "anchor") for a in annex] == ["sec_annex_chronology"]
    para = flat("".join(annex[0].getparent().itertext()))
    assert para == "3 most significant of 40 events since 1 Jan 2019. Full list: Annex A."
    ids = [b.get(W + "id") for b in body.iter(W + "bookmarkStart")]
    assert len(ids) == len(set(ids))


def test_first_annex_starts_a_new_page(made):
    body = part(made["docx"], "word/document.xml")
    breaks = [flat("".join(p.itertext())) for p in body.iter(W + "p")
              if p.find("w:pPr/w:pageBreakBefore", NS) is not None]
    assert breaks == ["Annex A: Full chronology"]
    page = next(i for i, t in enumerate(made["pages"]) if "Annex A: Full chronology" in
                t and "Contents" not in t)
    assert flat(made["pages"][page]).split("UNCLASSIFIED")[1].strip().startswith("Annex A")


def test_contents_are_a_toc_field_with_links_and_libreoffice_page_numbers(made):
    assert estimated_pages(made["ctx"]) > 2
    body = part(made["docx"], "word/document.xml")
    instr = [t.text for t in body.iter(W + "instrText")]
    assert ' TOC \\o "1-1" \\h \\z \\u ' in instr
    chars = [c.get(W + "fldCharType") for c in body.iter(W + "fldChar")]
    assert chars.count("begin") == chars.count("separate") == chars.count("end")
    sdt = body.find(".//w:sdt", NS)
    assert sdt.find(".//w:docPartGallery", NS).get(W + "val") == "Table of Contents"
    entries = {flat("".join(r.text or "" for r in a.iter(W + "t"))): a.get(W + "anchor")
               for a in sdt.iter(W + "hyperlink")}
    assert entries["Bottom line1"] == "sec_bottom_line"  # the text, then its page number
    pages = made["pages"]
    toc = flat(pages[0] if "Contents" in pages[0] else pages[1])
    for heading in ("Key events", "Annex A: Full chronology", "Sources"):
        number = int(re.search(re.escape(heading) + r"[ .]*?(\d+)", toc).group(1))
        on = [i + 1 for i, t in enumerate(pages)
              if re.search(r"^" + re.escape(heading) + r"$", t, re.M)]
        assert on and number == on[0], (heading, number, on)
    # the contents come after the bottom line, never before it
    headings = [flat("".join(p.itertext())) for p in body.iter(W + "p")
                if (p.find("w:pPr/w:pStyle", NS) is not None and
                    p.find("w:pPr/w:pStyle", NS).get(W + "val") == "Heading1")]
    order = [el for el in body.iter(W + "p", W + "sdt")]
    first_heading = next(i for i, el in enumerate(order) if el.tag == W + "p" and
                         flat("".join(el.itertext())) == headings[0])
    assert headings[0] == "Bottom line" and first_heading < order.index(sdt)
    plain = part(made["plain"], "word/document.xml")  # no PDF asked: no page numbers, so
    assert not [t for t in plain.iter(W + "instrText") if "TOC" in t.text]  # no contents


@pytest.mark.needs_tool("libreoffice")
def test_a_heading_libreoffice_gives_no_page_leaves_the_contents_without_numbers(
        monkeypatch, caplog):
    """Never a wrong page number in the contents: when the PDF lacks the page of one of
    its headings (here an anchor no heading has), the memo has no contents at all (never
    a list without page numbers), and the log says why."""
    from reports.render.docx import toc as docx_toc

    real = docx_toc.toc_anchors
    monkeypatch.setattr(docx_toc, "toc_anchors", lambda ctx: [*real(ctx), "sec_nowhere"])
    docx, data = render_pdf(word_context(), TEMPLATE)
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    instr = [t.text for t in body.iter(W + "instrText")]
    assert not [t for t in instr if "TOC" in t or "PAGEREF" in t]
    assert data.startswith(b"%PDF")
    assert "no page for 1 heading of the contents (sec_nowhere)" in caplog.text


def test_short_memos_have_no_contents():
    ctx = word_context()
    ctx["sections"] = ctx["sections"][:1]
    assert estimated_pages(ctx) < 2
    data = render_docx(ctx, TEMPLATE)
    assert b"TOC \\o" not in data and b"docPartGallery" not in data


# --------------------------------------------------------------------------- tracked changes


def accept_all(p):
    p = copy.deepcopy(p)
    for d in p.findall(".//w:del", NS):
        d.getparent().remove(d)
    for ins in p.findall(".//w:ins", NS):
        parent, index = ins.getparent(), ins.getparent().index(ins)
        parent[index:index + 1] = list(ins)
    return p


def test_changed_judgment_is_a_tracked_change_that_accepts_to_the_new_text(made):
    body = part(made["docx"], "word/document.xml")
    changed = [p for p in body.iter(W + "p") if p.find("w:del", NS) is not None]
    assert len(changed) == 1  # the unchanged judgment has no markup
    p = changed[0]
    deleted, inserted = p.find("w:del", NS), p.find("w:ins", NS)
    assert "".join(t.text for t in deleted.iter(W + "delText")) == OLD + " "
    assert not list(deleted.iter(W + "t"))
    assert "".join(inserted.itertext()) == NEW
    for change in (deleted, inserted):
        assert change.get(W + "author") == OFFICE
        assert change.get(W + "date") == "2019-11-25T00:00:00Z"
    ids = [e.get(W + "id") for e in body.iter(W + "ins", W + "del", W + "bookmarkStart")]
    assert len(ids) == len(set(ids))
    accepted = accept_all(p)
    text = "".join(t.text or "" for t in accepted.iter(W + "t"))
    assert text == (f"1.(U) GSOMIA renewal: Replaces the judgment of 22 Nov 2019 in the "
                    f"edition of 22 Nov 2019: {NEW} Likelihood: likely (55-80%). "
                    "Confidence: medium.")
    assert OLD not in "".join(accepted.itertext())


def test_libreoffice_keeps_the_changes_as_tracked_changes(made):
    with zipfile.ZipFile(made["odt"]) as zf:
        content = zf.read("content.xml").decode()
    assert content.count("<text:deletion>") == 1 and content.count("<text:insertion>") == 1
    assert OLD in content and OFFICE in content
    assert "<dc:date>2019-11-25" in content


def test_portion_marks_and_legend(made):
    body = part(made["docx"], "word/document.xml")
    paragraphs = [flat("".join(p.itertext())) for p in body.iter(W + "p")]
    assert any(t.startswith("2.(U) Tokyo welcomed the decision") for t in paragraphs)
    first_cells = [flat("".join(tr.find("w:tc", NS).itertext()))
                   for tr in body.iter(W + "tr") if tr.find("w:trPr/w:tblHeader", NS) is None]
    assert any(t.startswith("(U) 22 Nov 2019") for t in first_cells)
    legend = [p for p in body.iter(W + "p") if p.find("w:pPr/w:pStyle", NS) is not None
              and p.find("w:pPr/w:pStyle", NS).get(W + "val") == "MemoLegend"]
    assert [flat("".join(p.itertext()))[:26] for p in legend] == ["Likelihood terms (US ICD 2"]


def test_selection_to_a_missing_section_is_refused():
    ctx = word_context()
    ctx["sections"][1]["blocks"][0]["ref"]["section"] = "annex-nowhere"
    with pytest.raises(ValueError, match="annex-nowhere"):
        render_docx(ctx, TEMPLATE)


# --------------------------------------------------------------------------- the PDF


def test_pdf_is_tagged_pdfa_2b_with_title_and_language(made):
    from pypdf import PdfReader

    reader = PdfReader(str(made["pdf"]))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata.title == EDITION
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(
        r"pdfaid:conformance(>|=\")B", xmp)
    types = realtools.pdf_structure_types(made["pdf"])
    assert "/H1" in types and "/Table" in types and "/TOC" in types
    assert "/Footnote" in types or "/Note" in types


def test_a_memo_that_cannot_be_converted_says_why_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice on PATH
    with pytest.raises(PdfConversionError, match="LibreOffice was not found") as caught:
        render_pdf(word_context(), TEMPLATE)
    assert "libreoffice-writer-nogui" in str(caught.value)


# --------------------------------------------------------------------------- SVG pictures


def test_svg_picture_with_png_fallback_as_word_2016_writes_it(tmp_path):
    """``picture(..., svg=)`` puts an SVG in ``asvg:svgBlip`` with the PNG as the blip;
    LibreOffice 7.4 reads no svgBlip, so its PDF is made from a copy showing the SVG."""
    from io import BytesIO

    from docxtpl import DocxTemplate

    from reports.render.charts.draw import render_chart
    from reports.render.docx.pictures import SVG_EXT_URI, PictureWriter, svg_first

    block = {"type": "chart", "chart": "timeline", "alt": "Three events", "data": {
        "points": [{"date": f"2019-11-{d:02d}", "title": f"Event {d}", "significance": 5,
                    "issue": "GSOMIA renewal"} for d in (5, 12, 22)]}}
    png, svg = render_chart(block, "png"), render_chart(block, "svg")
    tpl = DocxTemplate(TEMPLATE)
    tpl.init_docx()
    writer = PictureWriter(tpl, TEMPLATE)
    writer.body = tpl.docx.element.body
    width, height = writer.picture_size(png)
    p = writer.paragraph("Normal")
    p.getparent().remove(p)
    writer.body.insert(0, p)
    writer.picture(p, png, width, height, "Figure 1", block["alt"], svg=svg)
    buffer = BytesIO()
    tpl.docx.save(buffer)  # (DocxTemplate.save reloads a template it has not rendered)
    path = tmp_path / "svg.docx"
    path.write_bytes(buffer.getvalue())
    body = part(path, "word/document.xml")
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    blip = next(body.iter(a + "blip"))
    ext = blip.find(f"{a}extLst/{a}ext")
    assert ext.get("uri") == SVG_EXT_URI
    svg_blip = ext[0]
    assert svg_blip.tag == "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
    rels = {r.get("Id"): r.get("Target") for r in part(path, "word/_rels/document.xml.rels")}
    r_embed = f"{{{NS['r']}}}embed"
    assert rels[blip.get(r_embed)].endswith(".png")
    assert rels[svg_blip.get(r_embed)].endswith(".svg")
    types = {o.get("PartName"): o.get("ContentType") for o in part(path, "[Content_Types].xml")}
    svg_name = "/word/" + rels[svg_blip.get(r_embed)]
    assert types.get(svg_name) == "image/svg+xml" or any(
        d.get("Extension") == "svg" for d in part(path, "[Content_Types].xml"))
    with zipfile.ZipFile(path) as zf:
        assert zf.read(svg_name.lstrip("/")) == svg
    assert realtools.docx_structure_errors(path) == []
    assert docx.Document(str(path))
    assert svg_first(path.read_bytes()) != path.read_bytes()
    pdf = tmp_path / "svg.pdf"
    text = flat(realtools.libreoffice_pdf_text(path, pdf))  # LibreOffice draws the SVG:
    for label in ("Event 5", "Event 12", "Event 22", "GSOMIA renewal", "Significance"):
        assert label in text  # its text is PDF text
    assert realtools.pdf_image_boxes(pdf) == []  # a drawing, not the PNG


def test_the_same_memo_gives_the_same_pdf_bytes(made):
    """LibreOffice stamps the time of conversion: the PDF carries the as-of day instead,
    and an identifier drawn from its content, and stays a readable PDF/A."""
    from pypdf import PdfReader

    from reports.render.pdf import fix_stamps

    data = made["pdf"].read_bytes()
    as_of = made["ctx"]["memo"]["as_of"]
    assert fix_stamps(data, as_of) == data  # render_pdf already fixed them
    later = re.sub(rb"(<xmp:CreateDate>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                   rb"\g<1>2031-05-06T07:08:09Z", data)
    later = re.sub(rb"(/CreationDate\s*\(D:)\d{14}", rb"\g<1>20310506070809", later)
    later = re.sub(rb"(/ID\s*\[\s*<)[0-9A-F]{32}", rb"\g<1>" + b"A" * 32, later)
    assert later != data and fix_stamps(later, as_of) == data
    reader = PdfReader(str(made["pdf"]))
    assert str(reader.metadata["/CreationDate"]).startswith("D:" + as_of.replace("-", ""))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert f"{as_of}T00:00:00Z" in xmp
    assert len(reader.pages) == len(made["pages"])
