"""The HTML memo on screen, on a phone and on paper; its links; the index.

Two weekly editions and one edition of each other kind are built from the bundled
workbook through the command line; Chromium (through Playwright) shows and prints them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import realtools
from clitools import call

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"overview": "overview", "weekly": "weekly", "issue": "issue-gsomia",
         "actor": "actor-moon-jae-in"}
HEADER_ROWS = re.compile(r"^(DATE EVENT|ACTOR STANCE|ISSUE STANCE|ACTOR ISSUE CHANGE|"
                         r"ACTOR CHANGE|ISSUE CHANGE|DATE WHAT STATUS|CHANGE WHAT DETAIL)")


def _build(out: Path, as_of: str, *memos: str) -> None:
    done = call("-q", "build", *memos, "--as-of", as_of, "--format", "docx", "html", "pdf",
                "--out", str(out))
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    realtools.require("libreoffice", "pdftotext", "chromium", "playwright")
    folder = tmp_path_factory.mktemp("pages")
    _build(folder, "2019-11-18", "weekly")
    _build(folder, "2019-11-25", *KINDS.values())
    return folder


def html_of(out: Path, kind: str, as_of: str = "2019-11-25") -> Path:
    memo = KINDS[kind]
    return out / memo / as_of / f"{memo}_{as_of}.html"


@pytest.fixture(scope="module")
def printed(out, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("printed")
    return {kind: realtools.chromium_pdf(html_of(out, kind), folder / f"{kind}.pdf")
            for kind in KINDS}


# --------------------------------------------------------------------------- on paper


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_printing_the_page_gives_about_the_word_page_count(out, printed, kind):
    from pypdf import PdfReader

    html_pages = len(PdfReader(str(printed[kind])).pages)
    word_pages = len(PdfReader(str(html_of(out, kind).with_suffix(".pdf"))).pages)
    assert abs(html_pages - word_pages) <= max(1, round(word_pages * 0.25)), (
        kind, html_pages, word_pages)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_printout_has_no_screen_furniture_and_no_orphaned_table_header(printed, kind):
    pages = realtools.pdf_pages_text(printed[kind])
    text = "\n".join(pages)
    for mark in ("↩", "▸", "▾", "All memos", "Word version", "Scroll sideways"):
        assert mark not in text, (kind, mark)
    for number, page in enumerate(pages, 1):
        body = [" ".join(ln.split()) for ln in page.splitlines() if ln.strip()]
        body = [ln for ln in body if not re.fullmatch(
            r"UNCLASSIFIED // FOR OFFICIAL USE ONLY|Page \d+ of \d+", ln)]
        assert body, (kind, number)
        assert not HEADER_ROWS.match(body[-1].upper()), (kind, number, body[-3:])


# --------------------------------------------------------------------------- links and index


def test_each_page_links_to_the_index_its_word_file_and_the_previous_edition(out):
    with realtools.chromium_page() as page:
        page.goto(html_of(out, "weekly").resolve().as_uri())
        links = page.evaluate("""() => Object.fromEntries(
            [...document.querySelectorAll('nav.edition-links a')].map(
                a => [a.textContent, a.href]))""")
    assert set(links) == {"All memos", "Word version (.docx)", "Previous edition (18 Nov 2019)"}
    for href in links.values():
        assert href.startswith("file://") and Path(href[len("file://"):]).is_file(), href
    assert links["Previous edition (18 Nov 2019)"].endswith("/weekly/2019-11-18/"
                                                            "weekly_2019-11-18.html")
    first = html_of(out, "weekly", "2019-11-18").read_text(encoding="utf-8")
    assert "Previous edition" not in first and "All memos" in first  # the first edition
    for kind in ("overview", "issue", "actor"):
        assert "Previous edition" not in html_of(out, kind).read_text(encoding="utf-8")


def test_the_index_is_grouped_by_memo_the_latest_edition_first(out):
    with realtools.chromium_page() as page:
        page.goto((out / "index.html").resolve().as_uri())
        groups = page.evaluate("""() => [...document.querySelectorAll('section.memo-group')]
            .map(s => ({title: s.querySelector('h2').textContent,
                        dates: [...s.querySelectorAll('tbody time')].map(
                            t => t.getAttribute('datetime'))}))""")
    assert len(groups) == len(KINDS)
    weekly = next(g for g in groups if "weekly" in g["title"])
    assert weekly["dates"] == ["2019-11-25", "2019-11-18"]
    for group in groups:
        assert group["dates"] == sorted(group["dates"], reverse=True)
    assert realtools.vnu_errors(out / "index.html") == []
    assert realtools.axe_violations(out / "index.html") == []


# --------------------------------------------------------------------------- on screen


@pytest.mark.parametrize("kind", ["overview", "issue"])
def test_a_collapsed_annex_heading_is_never_struck_through(out, kind):
    with realtools.chromium_page() as page:
        page.goto(html_of(out, kind).resolve().as_uri())
        found = page.evaluate("""() => [...document.querySelectorAll(
            'details.annex > summary')].map(s => {
                const h = s.querySelector('h2, h3');
                const hs = getComputedStyle(h), ss = getComputedStyle(s);
                return {border: hs.borderTopStyle, decoration: hs.textDecorationLine,
                        ruleAbove: s.getBoundingClientRect().top <= h.getBoundingClientRect().top,
                        summaryBorder: ss.borderTopStyle};
            })""")
    assert found
    for heading in found:
        assert heading["border"] == "none" and heading["decoration"] == "none", heading
        assert heading["ruleAbove"], heading  # the rule sits above the heading, not across


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_on_a_phone_cards_keep_their_labels_and_charts_stay_legible(out, kind):
    with realtools.chromium_page(width=380, height=800) as page:
        page.goto(html_of(out, kind).resolve().as_uri())
        found = page.evaluate("""() => ({
            labels: [...document.querySelectorAll('table.reflow td[data-label]')].slice(0, 40)
                .map(td => [td.dataset.label, getComputedStyle(td, '::before').content]),
            charts: [...document.querySelectorAll('.chart-scroll')].map(c => ({
                scroll: c.scrollWidth, view: c.clientWidth,
                svg: c.querySelector('svg').getBoundingClientRect().width})),
            overflow: document.documentElement.scrollWidth})""")
    assert found["labels"]
    for label, content in found["labels"]:
        assert content == f'"{label}: "', (label, content)
    for chart in found["charts"]:  # full size, scrolling sideways inside its own box
        assert chart["svg"] >= 600 and chart["scroll"] > chart["view"], chart
    assert found["overflow"] <= 380  # the page itself never scrolls sideways


def _tall_table_context(filler_lines: int) -> dict:
    """A memo whose one table, after ``filler_lines`` lines of text, has a tall first row:
    wherever the text ends, a printout must not leave the table's header alone."""
    memo = {"id": "m", "kind": "issue", "title": "T", "subject": "T", "as_of": "2019-11-25",
            "date": "25 November 2019", "window": "", "office": "Desk", "author": "",
            "marking": "", "to": "", "from": "Desk", "lang": "en", "keywords": "",
            "edition_label": "T, 25 November 2019", "east_asian_lang": "ko",
            "short_marking": "", "summary": {"bottom_line": [], "changes": [], "since": ""}}
    text = {"type": "paragraphs", "rows": [{"text": f"Line {n} of text that fills the page."}
                                           for n in range(filler_lines)]}
    row = {"label": "Kim", "stance": "supports", "since": "1 Nov 2019",
           "summary": " ".join(["A long position that takes many lines."] * 12),
           "quote": "", "history": []}
    table = {"type": "stances", "label_heading": "Actor", "rows": [row, row]}
    return {"memo": memo, "native_langs": {}, "sources": [], "sections": [
        {"id": "bottom-line", "heading": "Bottom line", "level": 1, "annex": False,
         "collapsed": False, "blocks": [{"type": "note", "text": "Nothing judged."}]},
        {"id": "background", "heading": "Background", "level": 1, "annex": False,
         "collapsed": False, "blocks": [text]},
        {"id": "stances", "heading": "Stances", "level": 1, "annex": False,
         "collapsed": False, "blocks": [table]}]}


def test_a_table_header_is_never_left_alone_at_a_page_foot(tmp_path):
    from reports.render.html import render_html

    for lines in range(54, 70, 2):  # the table starts lower on page 2 each time
        path = tmp_path / f"m{lines}.html"
        path.write_text(render_html(_tall_table_context(lines), ROOT / "templates"),
                        encoding="utf-8")
        pages = realtools.pdf_pages_text(realtools.chromium_pdf(path, path.with_suffix(".pdf")))
        for number, page in enumerate(pages, 1):
            body = [" ".join(ln.split()) for ln in page.splitlines() if ln.strip()]
            body = [ln for ln in body if not re.fullmatch(r"Page \d+ of \d+", ln)]
            assert not body[-1].upper().startswith(("ACTOR", "STANCE", "POSITION")), (
                lines, number, body[-2:])
