"""The Word memo: reports/render/docx/ with templates/memo.docx, checked in real LibreOffice.

Every memo kind is built from the bundled workbook (or, without it, a small workbook made
here), rendered, converted to PDF by LibreOffice and read back with pdftotext: the
section headings and sampled facts must be there. The .docx XML is checked for what Word
needs (repeating table headers, live links, alt text, header/footer fields, properties).
"""

from __future__ import annotations

import copy
import importlib.util
import io
import re
import shutil
import subprocess
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
import realtools
from lxml import etree

from reports.errors import TemplateError
from reports.memo.contents import build_context
from reports.memo.context import MemoSpec
from reports.model.model import Model
from reports.render.docx.document import render_docx
from reports.render.pdf import docx_to_pdf
from reports.render.style import STANCE_COLOURS
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "memo.docx"
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"
AS_OF = date(2019, 11, 29)
MARKING = "UNCLASSIFIED // FOR OFFICIAL USE ONLY"
KINDS = ("overview", "weekly", "issue", "actor")

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
W = f"{{{NS['w']}}}"
HANGUL_RE = re.compile("[\uac00-\ud7af]+")
KANJI_RE = re.compile("[\u4e00-\u9fff]{2,}")
DOC_PR = f"{{{NS['wp']}}}docPr"
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


# --------------------------------------------------------------------------- workbook


def _small_workbook(path: Path) -> Path:
    """A small contract workbook, used only when the bundled one is missing."""
    import openpyxl

    d = datetime
    sheets = {
        "Actors": (["actor_id", "name", "native_name", "country", "kind", "title"], [
            ["moon-jae-in", "Moon Jae-in", "문재인", "KOR", "person", "President"],
            ["shinzo-abe", "Shinzo Abe", "安倍晋三", "JPN", "person", "Prime Minister"],
            ["mark-esper", "Mark Esper", None, "USA", "person", "Secretary of Defense"],
        ]),
        "Issues": (["issue_id", "name", "question", "description", "status"], [
            ["gsomia", "GSOMIA renewal", "Should the Japan-ROK GSOMIA stay in force?",
             "Intelligence-sharing pact signed 23 Nov 2016.", "active"],
            ["export-controls", "Export controls", "Should Japan keep its export controls?",
             None, "active"],
        ]),
        "Sources": (["source_id", "outlet", "title", "url", "published", "kind"], [
            ["kyodo", "Kyodo News", "South Korea reverses decision to end pact",
             "https://example.org/kyodo", d(2019, 11, 22), "news"],
            ["nhk", "NHK World", "What comes after the reversal?", None, d(2019, 11, 25),
             "news"],
        ]),
        "Events": (["event_id", "date", "title", "summary", "category", "actors", "issues",
                    "location", "significance", "sources"], [
            ["e1", d(2019, 8, 22), "Seoul decides to end GSOMIA", "Notice given.", "decision",
             "moon-jae-in", "gsomia", "Seoul", 5, "kyodo"],
            ["e2", d(2019, 11, 22), "Seoul suspends its notice to end GSOMIA",
             "Hours before expiry.", "decision", "moon-jae-in; shinzo-abe", "gsomia",
             "Seoul", 5, "kyodo; nhk"],
            ["e3", d(2019, 11, 25), "Export-control talks announced", None, "statement",
             "shinzo-abe", "export-controls", "Tokyo", 3, "nhk"],
        ]),
        "Positions": (["actor_id", "issue_id", "as_of", "stance", "summary", "quote",
                       "sources", "confidence"], [
            ["moon-jae-in", "gsomia", d(2019, 8, 22), "opposes", "Ends the pact.", None,
             "kyodo", "high"],
            ["moon-jae-in", "gsomia", d(2019, 11, 22), "conditional", "Suspends the notice.",
             "We can end it at any time.", "kyodo", "high"],
            ["shinzo-abe", "gsomia", d(2019, 11, 22), "supports", "Welcomes the decision.",
             "A strategic decision.", "nhk", "medium"],
            ["mark-esper", "gsomia", d(2019, 11, 15), "supports", "Calls for renewal.", None,
             "kyodo", "medium"],
            ["shinzo-abe", "export-controls", d(2019, 11, 25), "supports", "Keeps them.",
             None, "nhk", "medium"],
        ]),
        "Outlook": (["date", "item", "issues", "actors", "status", "sources"], [
            [d(2019, 12, 24), "Trilateral summit in Chengdu", "gsomia", "shinzo-abe",
             "scheduled", "nhk"],
        ]),
        "Assessments": (["as_of", "issue_id", "judgment", "confidence", "author", "sources"], [
            [d(2019, 11, 25), None, "The suspension buys time but settles nothing.", "medium",
             "Desk analyst", "nhk"],
        ]),
    }
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Model:
    path = BUNDLED if BUNDLED.is_file() else _small_workbook(
        tmp_path_factory.mktemp("wb") / "small.xlsx")
    return Model.from_records(validate(read_workbook(path)).records)


def _actor(model: Model) -> str:
    """A Korean (else Japanese) actor with a native name and positions."""
    for country in ("KOR", "JPN"):
        for actor in model.actors.values():
            if actor.country == country and actor.native_name and model.current_stances(
                    AS_OF, actor=actor.actor_id):
                return actor.actor_id
    pytest.fail("the workbook has no Korean or Japanese actor with a native name")


def _spec(model: Model, kind: str) -> MemoSpec:
    extra = {"issue": "gsomia"} if kind == "issue" else {}
    if kind == "actor":
        extra = {"actor": _actor(model)}
    return MemoSpec(kind, kind, f"{kind.title()} memo", AS_OF, window_days=7,
                    office="Northeast Asia Desk", author="Desk analyst", marking=MARKING,
                    to="Director, Asia Policy", sender="Northeast Asia Desk", **extra)


@pytest.fixture(scope="module")
def contexts(model) -> dict[str, dict]:
    return {kind: build_context(model, _spec(model, kind)) for kind in KINDS}


@pytest.fixture(scope="module")
def rendered(contexts, tmp_path_factory) -> dict[str, tuple[Path, float]]:
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for kind, ctx in contexts.items():
        start = time.perf_counter()
        data = render_docx(ctx, TEMPLATE)
        elapsed = time.perf_counter() - start
        print(f"render_docx {kind}: {elapsed:.3f}s, {len(data):,} bytes")
        path = folder / f"{kind}.docx"
        path.write_bytes(data)
        out[kind] = (path, elapsed)
    return out


@pytest.fixture(scope="module")
def pdf_pages(rendered) -> dict[str, list[str]]:
    """Each memo converted to PDF by LibreOffice (as ``--format pdf`` converts it, beside
    its .docx), and the text of each of its pages in reading order (as
    ``realtools.pdf_pages_text`` gives it: one pdftotext run per memo)."""
    pages = {}
    for kind, (path, _) in rendered.items():
        pdf = _pdf(path)
        text = realtools.pdf_text(pdf, layout=False).split("\f")
        pages[kind] = text[:-1] if text and not text[-1].strip() else text
    return pages


@pytest.fixture(scope="module")
def pdf_texts(pdf_pages) -> dict[str, str]:
    """pdftotext (reading order, whitespace flattened) of each memo LibreOffice made."""
    return {kind: flat("\f".join(pages)) for kind, pages in pdf_pages.items()}


def flat(text: str) -> str:
    """Whitespace collapsed and hyphens dropped: pdftotext joins "last-" at a line end
    with "minute" on the next line into "lastminute", so compare without hyphens."""
    return " ".join(re.sub(r"-\s*", "", text).split())


def blocks(ctx: dict, kind: str) -> list[dict]:
    return [b for s in ctx["sections"] for b in s["blocks"] if b["type"] == kind]


def samples(ctx: dict) -> dict[str, str]:
    """Facts a reader must find in the memo: one of each kind the context holds."""
    found: dict[str, str] = {}
    for block in blocks(ctx, "events"):
        found.setdefault("event title", block["rows"][0]["title"])
    for block in blocks(ctx, "shifts"):
        row = block["rows"][0]
        found.setdefault("shift", f"{row['from']} \u2192 {row['to']}")
    for block in blocks(ctx, "stances"):
        for row in block["rows"]:
            if row.get("quote"):
                found.setdefault("quote", row["quote"])
    if ctx["sources"]:
        found["source title"] = ctx["sources"][0]["title"]
    names = " ".join([r["label"] for b in blocks(ctx, "stances") for r in b["rows"]]
                     + [a for b in blocks(ctx, "events") for r in b["rows"]
                        for a in r.get("actors", [])]
                     + [r["value"] for b in blocks(ctx, "facts") for r in b["rows"]])
    if HANGUL_RE.search(names):
        found["hangul name"] = HANGUL_RE.search(names).group(0)
    if KANJI_RE.search(names):
        found["kanji name"] = KANJI_RE.search(names).group(0)
    return found


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def with_url(ctx: dict, n: int, url: str) -> dict:
    """The context with source ``n`` given a URL (in the source list and the Sources block)."""
    ctx = copy.deepcopy(ctx)
    for row in ctx["sources"] + [r for b in blocks(ctx, "sources") for r in b["rows"]]:
        if row["n"] == n:
            row["url"] = url
    return ctx


# --------------------------------------------------------------------------- the template


def _load_make_templates():
    spec = importlib.util.spec_from_file_location("make_templates",
                                                  ROOT / "scripts" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_template_is_what_the_script_makes():
    made = _load_make_templates().build()
    assert made == _load_make_templates().build(), "make_templates.py is not deterministic"
    assert TEMPLATE.read_bytes() == made, (
        "templates/memo.docx differs from what scripts/make_templates.py makes; rerun it")


def test_template_tags_each_in_one_run_and_fonts_word_users_have():
    texts = [t.text for t in part_xml(TEMPLATE, "word/document.xml").iter(W + "t")]
    for tag in ("{{ memo.office }}", "{{ memo.to }}", "{{ memo.from }}", "{{ memo.date }}",
                "{{ memo.subject }}", "{{p body }}"):
        assert tag in texts, f"{tag} is not whole in one run"
    styles = part_xml(TEMPLATE, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert (defaults.get(W + "ascii"), defaults.get(W + "hAnsi")) == ("Calibri", "Calibri")
    assert defaults.get(W + "eastAsia") == "Malgun Gothic"
    names = {s.find("w:name", NS).get(W + "val"): s for s in styles.findall("w:style", NS)}
    for name in ("Normal", "Title", "heading 1", "heading 2", "caption", "Memo Note",
                 "Memo Table Text", "footnote text"):
        # no style names a font of its own: one change to Normal or the defaults restyles all
        assert names[name].find("w:rPr/w:rFonts", NS) is None, f"{name} names a font"
    for name, font, lang in (("Memo Japanese", "Yu Gothic", "ja-JP"),
                             ("Memo Korean", "Malgun Gothic", "ko-KR")):
        rpr = names[name].find("w:rPr", NS)
        assert rpr.find("w:rFonts", NS).get(W + "eastAsia") == font
        assert rpr.find("w:lang", NS).get(W + "eastAsia") == lang
    assert names["footnote text"].get(W + "styleId") == "FootnoteText"
    assert names["footnote reference"].get(W + "styleId") == "FootnoteReference"
    assert names["footnote reference"].find("w:rPr/w:vertAlign", NS).get(W + "val") == (
        "superscript")
    assert "Memo Table" in names and "toc 1" in names and "TOC Heading" in names
    page = part_xml(TEMPLATE, "word/document.xml").find(".//w:sectPr/w:pgSz", NS)
    assert (page.get(W + "w"), page.get(W + "h")) == ("11906", "16838")  # A4


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_holds_headings_and_facts(kind, contexts, pdf_texts):
    ctx, text = contexts[kind], pdf_texts[kind]
    for section in ctx["sections"]:
        assert flat(section["heading"]) in text, f"heading {section['heading']!r} missing"
    for what, fact in samples(ctx).items():
        assert flat(fact) in text, f"{kind}: {what} {fact!r} is not in the PDF"
    assert flat(ctx["memo"]["subject"]) in text
    assert flat(MARKING) in text
    assert re.search(r"Page 1 of \d+", text)


def test_samples_cover_every_kind_of_fact(contexts):
    found = set()
    for ctx in contexts.values():
        found |= set(samples(ctx))
    assert {"event title", "shift", "quote", "source title", "hangul name"} <= found


def test_pdf_embeds_an_east_asian_font(rendered, pdf_texts):
    realtools.require("pdftotext")
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not on PATH")
    pdf = rendered["actor"][0].with_suffix(".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts, fonts


def test_first_pages_render_to_pictures(rendered, pdf_texts, tmp_path):
    pdf = rendered["weekly"][0].with_suffix(".pdf")
    pages = realtools.pdf_to_png(pdf, tmp_path, 1, 1, dpi=60)
    assert pages and pages[0].stat().st_size > 10_000


# --------------------------------------------------------------------------- the .docx XML


def test_tables_repeat_headers_and_rows_do_not_split(rendered):
    body = part_xml(rendered["overview"][0], "word/document.xml")
    tables = [t for t in body.iter(W + "tbl")
              if t.find("w:tblPr/w:tblStyle", NS) is not None
              and t.find("w:tblPr/w:tblStyle", NS).get(W + "val") == "MemoTable"]
    assert tables
    for table in tables:
        rows = table.findall("w:tr", NS)
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    headed = [t for t in tables if t.find("w:tr/w:trPr/w:tblHeader", NS) is not None]
    assert headed, "no table has a repeating header row"


def test_headings_use_word_heading_styles(rendered, contexts):
    body = part_xml(rendered["weekly"][0], "word/document.xml")
    h1 = ["".join(p.itertext()) for p in body.iter(W + "p")
          if p.find("w:pPr/w:pStyle[@w:val='Heading1']", NS) is not None]
    assert h1 == [s["heading"] for s in contexts["weekly"]["sections"]]


def test_stance_cells_are_shaded_and_named(rendered):
    body = part_xml(rendered["issue"][0], "word/document.xml")
    shaded = {}
    for tc in body.iter(W + "tc"):
        shd = tc.find("w:tcPr/w:shd", NS)
        if shd is not None:
            shaded["".join(tc.itertext()).strip()] = shd.get(W + "fill")
    for stance, colour in STANCE_COLOURS.items():
        if stance in shaded:
            assert shaded[stance] == colour.lstrip("#")
    assert set(shaded) & set(STANCE_COLOURS), shaded


def test_sources_link_live_only_to_http(contexts, tmp_path):
    ctx = with_url(contexts["weekly"], 1, "https://example.org/a?b=1&c=2")
    if len(ctx["sources"]) > 1:
        ctx = with_url(ctx, 2, "javascript:alert(1)")
    path = tmp_path / "links.docx"
    path.write_bytes(render_docx(ctx, TEMPLATE))
    rels = part_xml(path, "word/_rels/document.xml.rels")
    links = {r.get("Id"): r for r in rels if r.get("Type") == HYPERLINK_TYPE}
    assert [r.get("Target") for r in links.values()] == ["https://example.org/a?b=1&c=2"]
    assert all(r.get("TargetMode") == "External" for r in links.values())
    body = part_xml(path, "word/document.xml")
    anchors = [a for a in body.findall(".//w:hyperlink", NS) if a.get(W + "anchor") is None]
    assert anchors and {a.get(f"{{{NS['r']}}}id") for a in anchors} <= set(links)
    assert ctx["sources"][0]["title"] in ["".join(a.itertext()) for a in anchors]
    assert "javascript" not in etree.tostring(body, encoding="unicode")


def test_charts_are_pictures_with_alt_text(rendered, contexts):
    for kind in ("overview", "weekly"):
        body = part_xml(rendered[kind][0], "word/document.xml")
        described = [d.get("descr") for d in body.iter(DOC_PR)]
        alts = [b["alt"] for b in blocks(contexts[kind], "chart")]
        assert described == alts
        ids = [d.get("id") for d in body.iter(DOC_PR)]
        assert len(set(ids)) == len(ids)


def test_header_and_footer_hold_marking_and_page_fields(rendered):
    path = rendered["weekly"][0]
    with zipfile.ZipFile(path) as zf:
        headers = [n for n in zf.namelist() if re.match(r"word/header\d*\.xml", n)]
        footers = [n for n in zf.namelist() if re.match(r"word/footer\d*\.xml", n)]
    assert headers and footers
    header = "".join("".join(part_xml(path, n).itertext()) for n in headers)
    assert MARKING in header
    footer = part_xml(path, footers[0])
    assert MARKING in "".join(footer.itertext())
    fields = [flat(t.text) for t in footer.iter(W + "instrText")]
    fields += [flat(f.get(W + "instr")) for f in footer.iter(W + "fldSimple")]
    assert "PAGE" in fields and "NUMPAGES" in fields


def test_document_properties_come_from_the_memo(rendered, contexts):
    memo = contexts["weekly"]["memo"]
    props = docx.Document(rendered["weekly"][0]).core_properties
    assert props.title == memo["edition_label"]
    assert props.subject == memo["title"]
    assert props.author == memo["author"]
    assert props.keywords and props.keywords in memo["keywords"]
    assert props.created == props.modified == datetime(2019, 11, 29, tzinfo=UTC)
    assert props.revision == 1
    core = part_xml(rendered["weekly"][0], "docProps/core.xml")
    assert core.find("dcterms:created", NS).text == "2019-11-29T00:00:00Z"
    with zipfile.ZipFile(rendered["weekly"][0]) as zf:
        app = zf.read("docProps/app.xml").decode()
        assert "TotalTime" not in app
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())


def run_language(run, styles) -> tuple[str | None, str | None]:
    """(w:lang eastAsia, East Asian font) of a run: direct, else from its run style."""
    lang = run.find("w:rPr/w:lang", NS)
    fonts = run.find("w:rPr/w:rFonts", NS)
    font = fonts.get(W + "eastAsia") if fonts is not None else None
    style = run.find("w:rPr/w:rStyle", NS)
    if font is None and style is not None:
        found = styles.xpath(f'w:style[@w:styleId="{style.get(W + "val")}"]/w:rPr/w:rFonts',
                             namespaces=NS)
        font = found[0].get(W + "eastAsia") if found else None
    return (lang.get(W + "eastAsia") if lang is not None else None), font


def test_korean_and_japanese_runs_carry_their_language_and_font(rendered):
    path = rendered["overview"][0]
    body, styles = part_xml(path, "word/document.xml"), part_xml(path, "word/styles.xml")
    seen = {}
    for run in body.iter(W + "r"):
        text = "".join(t.text or "" for t in run.findall("w:t", NS))
        if HANGUL_RE.search(text):
            seen.setdefault("ko", run_language(run, styles))
            assert run_language(run, styles) == ("ko-KR", "Malgun Gothic"), text
        elif re.search("[\u3040-\u30ff]", text):
            assert run_language(run, styles) == ("ja-JP", "Yu Gothic"), text
            seen.setdefault("ja", True)
    assert "ko" in seen


def test_changes_since_last_edition_are_listed(model, tmp_path):
    spec = _spec(model, "weekly")
    spec.since_last_edition = {"previous_as_of": "2019-11-22", "rows": [
        {"change": "added", "what": "Event e9", "detail": "New event <b>"},
        {"change": "corrected", "what": "Position x / y", "detail": "stance was opposes"}]}
    ctx = build_context(model, spec)
    path = tmp_path / "changes.docx"
    path.write_bytes(render_docx(ctx, TEMPLATE))
    text = "".join(part_xml(path, "word/document.xml").itertext())
    for fact in ("New since the last edition", "22 Nov 2019", "Event e9", "New event <b>",
                 "corrected", "stance was opposes"):
        assert fact in text


def test_same_context_gives_same_bytes(contexts):
    assert render_docx(contexts["overview"], TEMPLATE) == render_docx(contexts["overview"],
                                                                      TEMPLATE)


# --------------------------------------------------------------------------- escaping

EVIL_TITLE = "<script>alert(1)</script> & {{ 7*7 }} {% if true %}yes{% endif %} {_{ x }_}"


def evil_context(ctx: dict) -> dict:
    """One short memo whose workbook text holds markup and template syntax."""
    memo = dict(ctx["memo"], subject="Subject <b>bold</b> & {{ 7*7 }}",
                office="Desk {% if true %}X{% endif %}")
    row = {"date_display": "22 Nov 2019", "title": EVIL_TITLE, "summary": "{{ memo.title }}",
           "actors": ["Moon Jae-in (문재인)"], "issues": ["GSOMIA"], "category": "decision",
           "significance": 5, "location": "Seoul", "cite_text": "[1]"}
    sections = [
        {"id": "events", "heading": "What happened", "level": 1,
         "blocks": [{"type": "events", "rows": [row]},
                    {"type": "note", "text": "{# comment #} {%- raw %}"}]},
        {"id": "sources", "heading": "Sources", "level": 1, "blocks": [
            {"type": "sources", "rows": [{"n": 1, "outlet": "Outlet & Co", "title": "<i>T</i>",
                                          "published_display": "22 Nov 2019", "url": None}]}]},
    ]
    return {"memo": memo, "sections": sections, "sources": sections[1]["blocks"][0]["rows"]}


def test_workbook_text_is_never_evaluated(contexts, tmp_path):
    path = tmp_path / "evil.docx"
    path.write_bytes(render_docx(evil_context(contexts["weekly"]), TEMPLATE))
    text = flat(realtools.pdf_text(_pdf(path), layout=False))
    for literal in (EVIL_TITLE, "{{ memo.title }}", "{# comment #} {%- raw %}",
                    "Subject <b>bold</b> & {{ 7*7 }}", "Desk {% if true %}X{% endif %}",
                    "Outlet & Co, “<i>T</i>”, 22 Nov 2019."):
        assert flat(literal) in text, f"{literal!r} was not shown literally"
    assert "49" not in text


def _pdf(path: Path) -> Path:
    """The .docx converted to PDF by LibreOffice beside it (realtools.libreoffice_pdf_text
    converts the same way; its text is read where it is needed)."""
    realtools.require("libreoffice", "pdftotext")
    return docx_to_pdf(path, path.with_suffix(".pdf"))


def test_control_characters_are_refused_not_dropped(contexts):
    ctx = evil_context(contexts["weekly"])
    ctx["sections"][0]["blocks"][0]["rows"][0]["title"] = "bad \x01 title"
    with pytest.raises(ValueError, match="control character"):
        render_docx(ctx, TEMPLATE)


def test_unknown_block_type_is_an_error(contexts):
    ctx = evil_context(contexts["weekly"])
    ctx["sections"][0]["blocks"].append({"type": "poll", "rows": []})
    with pytest.raises(ValueError, match="poll"):
        render_docx(ctx, TEMPLATE)


# --------------------------------------------------------------------------- broken templates


def _template_with(tmp_path: Path, name: str, *runs: str, footer: bool = False,
                   drop_body: bool = False) -> Path:
    """A copy of the template with one paragraph of the given runs added."""
    doc = docx.Document(TEMPLATE)
    body_p = next(p for p in doc.paragraphs if p.text == "{{p body }}")
    if drop_body:
        body_p._p.getparent().remove(body_p._p)
    if runs:
        paragraph = (doc.sections[0].footer.add_paragraph() if footer
                     else body_p.insert_paragraph_before() if not drop_body
                     else doc.add_paragraph())
        for text in runs:
            paragraph.add_run(text)
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_a_tag_split_over_runs_still_works(contexts, tmp_path):
    path = _template_with(tmp_path, "split", "Dated {{ memo.", "date }} here")
    out = tmp_path / "out.docx"
    out.write_bytes(render_docx(contexts["actor"], path))
    assert "Dated 29 November 2019 here" in "".join(
        part_xml(out, "word/document.xml").itertext())


@pytest.mark.parametrize("name, runs, footer, expect", [
    ("unknown", ("{{ memo.nonexistent }}",), False, "{{ memo.nonexistent }}"),
    ("unknown-footer", ("{{ memo.classification }}",), True, "{{ memo.classification }}"),
    ("top-level", ("{{ office }}",), False, "{{ office }}"),
    ("unclosed", ("{% for x in memo.keywords %}", "{{ x }}"), False,
     "{% for x in memo.keywords %}"),
    ("syntax", ("{{ memo.date ) }}",), False, "{{ memo.date ) }}"),
    ("filter", ("{{ memo.date | shout }}",), False, "shout"),
])
def test_broken_template_names_file_and_tag(contexts, tmp_path, name, runs, footer, expect):
    path = _template_with(tmp_path, name, *runs, footer=footer)
    with pytest.raises(TemplateError) as caught:
        render_docx(contexts["actor"], path)
    message = str(caught.value)
    print(message)
    assert str(path) in message and expect in message
    assert "open" in message and "Word" in message


def test_template_without_body_paragraph_is_refused(contexts, tmp_path):
    path = _template_with(tmp_path, "nobody", drop_body=True)
    with pytest.raises(TemplateError, match=r"\{\{p body \}\}"):
        render_docx(contexts["actor"], path)
    inline = _template_with(tmp_path, "inline", "see {{ body }} here", drop_body=True)
    with pytest.raises(TemplateError, match="alone in its own paragraph"):
        render_docx(contexts["actor"], inline)


def test_template_missing_a_style_is_refused(contexts, tmp_path):
    doc = docx.Document(TEMPLATE)
    style = doc.styles["Memo Note"].element
    style.getparent().remove(style)
    path = tmp_path / "nostyle.docx"
    doc.save(path)
    with pytest.raises(TemplateError, match="Memo Note") as caught:
        render_docx(contexts["actor"], path)
    assert str(path) in str(caught.value)


def test_missing_or_unreadable_template(contexts, tmp_path):
    with pytest.raises(TemplateError, match="does not exist"):
        render_docx(contexts["actor"], tmp_path / "nope.docx")
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    with pytest.raises(TemplateError, match="not a Word .docx"):
        render_docx(contexts["actor"], bad)


# --------------------------------------------------------------------------- size


def test_two_thousand_event_rows(contexts):
    ctx = copy.deepcopy(contexts["weekly"])
    events = blocks(ctx, "events") or blocks(contexts["overview"], "events")
    base = events[0]["rows"]
    rows = [dict(base[i % len(base)], title=f"Event {i}: {base[i % len(base)]['title']}")
            for i in range(2000)]
    section = next(s for s in ctx["sections"] if s["id"] == "events")
    section["blocks"] = [b for b in section["blocks"] if b["type"] != "events"]
    section["blocks"].append({"type": "events", "rows": rows})
    start = time.perf_counter()
    data = render_docx(ctx, TEMPLATE)
    print(f"2,000-row weekly memo: {time.perf_counter() - start:.3f}s, {len(data):,} bytes")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "Event 1999: " in xml
    assert xml.count("<w:tr>") >= 2001


# --------------------------------------------------------------------------- pictures


def test_every_picture_lies_inside_the_text_area_unscaled(rendered, pdf_texts, contexts):
    """LibreOffice clips a picture as wide as the text at its right edge: each picture is
    drawn inside the page's text area, at the size the .docx gives it (where the tagged
    PDF's structure tree places each figure: SVG charts are vector drawings)."""
    template = docx.Document(TEMPLATE).sections[0]
    emu = 12700  # per point
    left = template.left_margin / emu
    right = (template.page_width - template.right_margin) / emu
    bottom, top = template.bottom_margin / emu, (template.page_height
                                                 - template.top_margin) / emu
    checked = 0
    for kind in ("overview", "weekly"):
        path = rendered[kind][0]
        body = part_xml(path, "word/document.xml")
        sizes = {d.get("descr"): (int(e.get("cx")) / emu, int(e.get("cy")) / emu)
                 for d, e in zip(body.iter(DOC_PR), body.iter(f"{{{NS['wp']}}}extent"),
                                 strict=True)}
        boxes = realtools.pdf_figure_boxes(path.with_suffix(".pdf"))
        assert sorted(alt for alt, _ in boxes) == sorted(sizes) and boxes
        for alt, (x0, y0, x1, y1) in boxes:
            assert left - 0.5 <= x0 and x1 <= right + 0.5, (kind, alt, x0, x1, left, right)
            assert bottom - 0.5 <= y0 and y1 <= top + 0.5, (kind, alt, y0, y1)
            width, height = sizes[alt]
            assert abs((x1 - x0) - width) < 1 and abs((y1 - y0) - height) < 1
            checked += 1
    assert checked >= 2


def test_chart_labels_are_text_in_the_pdf(pdf_pages, contexts):
    """Charts are SVG pictures: LibreOffice keeps their labels as text."""
    for kind in ("overview", "weekly"):
        pages = pdf_pages[kind]
        for n, block in enumerate(blocks(contexts[kind], "chart"), start=1):
            page = next(p for p in pages if f"Figure {n}." in p)
            chart = flat(page[:page.index(f"Figure {n}.")])
            if block["chart"] == "timeline":
                labels = {p["issue"] for p in block["data"]["points"]} | {"Significance"}
            else:
                labels = {c for i in block["data"]["issues"] for c in [i["name"]]}
            missing = [x for x in labels if flat(x) not in chart]
            assert not missing, (kind, block["chart"], missing)


def test_every_font_of_the_pdf_is_embedded(rendered, pdf_texts):
    for kind in KINDS:
        fonts = realtools.pdf_fonts(rendered[kind][0].with_suffix(".pdf"))
        assert fonts and all(f["emb"] == "yes" for f in fonts), fonts


def test_contents_only_where_libreoffice_lays_out_more_than_two_pages(rendered, pdf_texts,
                                                                      contexts):
    from pypdf import PdfReader

    from reports.render.docx.toc import estimated_pages, needs_toc

    for kind in KINDS:
        pages = len(PdfReader(str(rendered[kind][0].with_suffix(".pdf"))).pages)
        # a .docx made alone cannot know its page numbers: it has no contents at all
        has_toc = b"TOC \\o" in zipfile.ZipFile(rendered[kind][0]).read("word/document.xml")
        assert not has_toc, kind
        # with the page numbers LibreOffice gives (--format pdf), a long memo has them
        paged = render_docx(contexts[kind], TEMPLATE, {})
        with_numbers = b"TOC \\o" in zipfile.ZipFile(io.BytesIO(paged)).read(
            "word/document.xml")
        assert with_numbers == needs_toc(contexts[kind]) == (pages > 2), (
            kind, pages, estimated_pages(contexts[kind]))


def test_pdf_structure_tree_holds_headings_tables_and_figures_with_alt_text(
        rendered, pdf_texts, contexts):
    types = realtools.pdf_structure_types(rendered["overview"][0].with_suffix(".pdf"))
    assert "/H1" in types and "/Table" in types and "/TR" in types
    alts = [str(f.get("/Alt", "")) for f in types.get("/Figure", [])]
    assert sorted(alts) == sorted(b["alt"] for b in blocks(contexts["overview"], "chart"))


def test_open_xml_validation_finds_nothing_and_python_docx_reopens(rendered):
    for kind in KINDS:
        path = rendered[kind][0]
        assert realtools.docx_structure_errors(path) == [], kind
        assert docx.Document(str(path)).paragraphs
