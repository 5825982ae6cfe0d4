"""The HTML memo and index (``reports/render/html.py``), checked as a reader's tools see them.

Every memo kind is built from the bundled workbook and rendered to a file, then checked
with the Nu HTML Checker (errors), axe-core in Chromium (violations), and Chromium's
rendered text (what a reader sees). Hostile text and URLs use hand-built contexts.
"""

from __future__ import annotations

import copy
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import realtools

from reports.errors import TemplateError
from reports.memo.context import MemoSpec
from reports.render.html import render_html, render_index, safe_url

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
WORKBOOK = ROOT / "workbook" / "gsomia_relations.xlsx"
AS_OF = date(2019, 11, 25)  # the week holds Moon Jae-in's shift on GSOMIA (19 Nov)
DESK = {"office": "Northeast Asia Desk", "author": "Desk analyst",
        "marking": "UNCLASSIFIED // FOR OFFICIAL USE ONLY", "to": "Director, Asia Policy",
        "sender": "Northeast Asia Desk"}
SPECS = {
    "overview": MemoSpec("overview", "overview", "Japan-South Korea relations", AS_OF, **DESK),
    "weekly": MemoSpec("weekly", "weekly", "Weekly update", AS_OF, window_days=7, **DESK),
    "issue": MemoSpec("issue-gsomia", "issue", "Issue brief", AS_OF, issue="gsomia", **DESK),
    "actor": MemoSpec("actor-moon", "actor", "Actor profile", AS_OF, actor="moon-jae-in",
                      **DESK),
}
KINDS = sorted(SPECS)


# --------------------------------------------------------------------------- helpers


class _Tags(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def blocks_of(context: dict, kind: str) -> list[dict]:
    return [b for s in context["sections"] for b in s["blocks"] if b["type"] == kind]


def write(tmp: Path, name: str, html: str) -> Path:
    path = tmp / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def page_eval(html_path: Path, script: str):
    with realtools.chromium_page() as page:
        page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
        return page.evaluate(script)


def hand_context(**memo) -> dict:
    """A small context by hand that holds every block type."""
    src = [
        {"n": 1, "id": "a", "outlet": "Kyodo News", "title": "Pact survives",
         "published": "2019-11-22", "published_display": "22 Nov 2019",
         "url": "https://example.org/kyodo?id=1&x=2", "kind": "news"},
        {"n": 2, "id": "b", "outlet": "Evil", "title": "Script link",
         "published": None, "published_display": "", "url": "javascript:alert(1)",
         "kind": None},
        {"n": 3, "id": "c", "outlet": "Evil", "title": "Data link", "published": None,
         "published_display": "", "url": "data:text/html,<script>alert(1)</script>",
         "kind": None},
        {"n": 4, "id": "d", "outlet": "Evil", "title": "Spaced scheme", "published": None,
         "published_display": "", "url": " JavaScript:alert(1)", "kind": None},
        {"n": 5, "id": "e", "outlet": "Odd", "title": "Spaces in path", "published": None,
         "published_display": "", "url": "https://example.org/a|b^c", "kind": None},
    ]
    cite = {"cites": [1, 2], "cite_text": "[1][2]"}
    memo_block = {
        "id": "hand", "kind": "weekly", "title": "Hand memo", "subject": "Hand memo",
        "as_of": "2019-11-25", "date": "25 November 2019",
        "window": "19 Nov 2019 to 25 Nov 2019", "office": "Desk", "author": "Analyst",
        "marking": "UNCLASSIFIED", "to": "Director", "from": "Desk", "lang": "en",
        "keywords": "weekly"}
    memo_block.update(memo)
    groups = [{"country": "KOR", "rows": [{"actor": "Moon Jae-in (문재인)", "cells": [
        {"stance": "conditional", "shifted": True}, {"stance": "", "shifted": False}]}]},
        {"country": "JPN", "rows": [{"actor": "Shinzo Abe (安倍晋三)", "cells": [
            {"stance": "supports", "shifted": False},
            {"stance": "made-up", "shifted": False}]}]}]
    issues = [{"id": "gsomia", "name": "GSOMIA"}, {"id": "trade", "name": "Trade"}]
    blocks = [
        {"type": "paragraphs", "rows": [{"text": "Line one\nline two", "label": "Question",
                                         "attribution": "Desk; confidence high", **cite}]},
        {"type": "subheading", "text": "A subheading"},
        {"type": "facts", "rows": [{"label": "Status", "value": "active"}]},
        {"type": "chart", "chart": "timeline", "alt": "Timeline of 1 event",
         "data": {"points": [{"date": "2019-11-22", "title": "Reversal", "significance": 5,
                              "issue": "GSOMIA"}]}},
        {"type": "events", "rows": [{
            "id": "e1", "date": "2019-11-22", "date_display": "22 Nov 2019",
            "title": "Seoul suspends its notice", "summary": "Hours before expiry.",
            "category": "decision", "significance": 5, "location": "Seoul",
            "actors": ["Moon Jae-in (문재인)"], "issues": ["GSOMIA"], "extra": {}, **cite}]},
        {"type": "stances", "label_heading": "Actor", "rows": [{
            "actor": "Moon Jae-in (문재인)", "issue": "GSOMIA", "label": "Moon Jae-in (문재인)",
            "stance": "conditional", "since": "19 Nov 2019", "summary": "Will wait.",
            "quote": "We will decide at the last moment.", "confidence": "medium",
            "history": [{"stance": "opposes", "date_display": "22 Aug 2019",
                         "summary": "Ends the pact.", "cites": [1], "cite_text": "[1]"}],
            "extra": {}, **cite}]},
        {"type": "shifts", "rows": [{
            "actor": "Moon Jae-in (문재인)", "issue": "GSOMIA", "from": "opposes",
            "to": "conditional", "date_display": "19 Nov 2019", "date": "2019-11-19",
            "why": "Talks.", **cite}]},
        {"type": "matrix", "issues": issues, "groups": groups, "marks_shifts": True},
        {"type": "outlook", "rows": [
            {"date": "2019-12-24", "date_display": "24 Dec 2019", "item": "Chengdu summit",
             "status": "scheduled", "issues": ["GSOMIA"], "extra": {}, **cite},
            {"date": None, "date_display": "Not yet scheduled", "item": "Talks",
             "status": "possible", "issues": [], "extra": {}, "cites": [],
             "cite_text": ""}]},
        {"type": "changes", "previous": "2019-11-18", "previous_display": "18 Nov 2019",
         "rows": [{"change": "added", "what": "Event e1", "detail": "new"},
                  {"change": "corrected", "what": "Source a", "detail": "title"},
                  {"change": "removed", "what": "event", "detail": "Event removed: x"}]},
        {"type": "note", "text": "Nothing else."},
        {"type": "selection", "text": "1 most significant of 3 events.",
         "ref": {"section": "annex-events", "label": "Annex A"}},
        {"type": "selection", "text": "2 of 5 items; the full list is in the workbook.",
         "ref": None},
        {"type": "legend", "text": "Likelihood terms (US ICD 203): likely 55-80%."},
        {"type": "paragraphs", "rows": [{
            "text": "New judgment.", "issue": "GSOMIA", "attribution": "Desk",
            "change": {"kind": "replaced", "previous": "Old judgment.",
                       "previous_as_of": "2019-11-11",
                       "caption": "Replaces the judgment of 11 Nov 2019 in the edition of "
                                  "18 Nov 2019"}, **cite}]},
    ]
    annex = [
        {"type": "events", "compact": True, "rows": [{
            "id": "e2", "date": "2019-11-21", "date_display": "21 Nov 2019",
            "title": "Talks (安倍晋三)", "category": "meeting", "significance": 3,
            "issues": ["GSOMIA"], "extra": {}}]},
        {"type": "stances", "compact": True, "label_heading": "Actor", "rows": [{
            "label": "Shinzo Abe (安倍晋三)", "stance": "supports", "since": "22 Nov 2019",
            "earlier": [{"stance": "opposes", "date_display": "1 Aug 2019"}]}]},
    ]
    return {"memo": memo_block,
            "sections": [{"id": "body", "heading": "Body", "level": 1, "blocks": blocks},
                         {"id": "annex-events", "heading": "Annex A: Every event", "level": 1,
                          "blocks": annex, "annex": True, "collapsed": True},
                         {"id": "sources", "heading": "Sources", "level": 1,
                          "blocks": [{"type": "sources", "rows": src}]}],
            "sources": src, "native_langs": {"安倍晋三": "ja"}}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def contexts() -> dict[str, dict]:
    if not WORKBOOK.is_file():
        pytest.skip(f"the bundled workbook {WORKBOOK} is not there yet (it is committed with "
                    "the project; run scripts/make_bundled_workbook.py to make it)")
    from reports.memo.contents import build_context
    from reports.model.model import Model
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    model = Model.from_records(validate(read_workbook(WORKBOOK)).records)
    return {kind: build_context(model, spec) for kind, spec in SPECS.items()}


@pytest.fixture(scope="module")
def rendered(contexts, tmp_path_factory) -> dict[str, tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("html")
    out = {}
    for kind, context in contexts.items():
        html = render_html(context, TEMPLATES)
        out[kind] = (html, write(tmp, kind, html))
    return out


@pytest.fixture(scope="module")
def seen(rendered) -> dict[str, str]:
    """What a reader sees of each memo (Chromium's rendered text), computed once."""
    return {kind: realtools.chromium_text(path) for kind, (_, path) in rendered.items()}


# --------------------------------------------------------------------------- memos


@pytest.fixture(scope="module")
def hand_page(tmp_path_factory) -> Path:
    """The hand-built context that holds every block type, rendered to a file."""
    return write(tmp_path_factory.mktemp("hand"), "hand", render_html(hand_context(), TEMPLATES))


@pytest.fixture(scope="module")
def index_page(tmp_path_factory) -> Path:
    """The index of ``ENTRIES`` (given oldest first), rendered to a file."""
    return write(tmp_path_factory.mktemp("index"), "index",
                 render_index(list(reversed(ENTRIES)), TEMPLATES))


@pytest.fixture(scope="module")
def nu_checked(rendered, hand_page, index_page) -> dict[Path, list[str]]:
    """The Nu checker's errors on every memo page, the page of every block type and the
    index, from one run of the checker (one Java start for all)."""
    return realtools.vnu_errors_many([path for _, path in rendered.values()]
                                     + [hand_page, index_page])


@pytest.mark.parametrize("kind", KINDS)
def test_memo_passes_the_nu_checker(rendered, nu_checked, kind):
    assert nu_checked[rendered[kind][1]] == []


@pytest.mark.parametrize("kind", KINDS)
def test_memo_has_no_axe_violations(rendered, kind):
    assert realtools.axe_violations(rendered[kind][1]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_reader_sees_every_section_and_sampled_facts(contexts, seen, kind):
    context = contexts[kind]
    text = seen[kind]
    for sec in context["sections"]:
        assert sec["heading"] in text, sec["heading"]
    memo = context["memo"]
    for value in (memo["subject"], memo["date"], memo["to"], memo["from"]):
        assert value in text
    assert text.count(memo["marking"]) >= 2  # top and bottom
    assert "문재인" in text
    for block in blocks_of(context, "events")[:1]:
        assert block["rows"][0]["title"] in text
        assert block["rows"][-1]["title"] in text
    for block in blocks_of(context, "stances"):
        quotes = [r["quote"] for r in block["rows"] if r.get("quote")]
        for quote in quotes[:2]:
            assert quote.strip('"“”') in text
    for block in blocks_of(context, "shifts"):
        for row in block["rows"]:
            assert re.search(rf"{re.escape(row['label'])}\t(?:.*\t)?{row['from']} → "
                             rf"{row['to']}\t{row['date_display']}\t", text), row
    for src in context["sources"]:
        assert src["title"] in text
        assert f"[{src['n']}]" in text


def test_weekly_shows_the_shift_and_marks_the_shifted_cell(contexts, rendered):
    shifts = blocks_of(contexts["weekly"], "shifts")
    assert shifts, "the bundled week to 25 Nov 2019 should hold a shift"
    assert {(r["from"], r["to"]) for r in shifts[0]["rows"]} >= {("opposes", "conditional")}
    html = rendered["weekly"][0]
    assert re.search(r'<td class="cell stance-conditional shifted">conditional<span '
                     r'class="shift-mark"', html)
    assert "stance changed in this period" in html


def test_issue_and_actor_memos_hold_their_facts(seen):
    assert "Should the Japan-ROK GSOMIA stay in force?" in seen["issue"]
    assert re.search(r"opposes → conditional\t19 Nov 2019", seen["issue"])
    assert "Moon Jae-in" in seen["actor"] and "문재인" in seen["actor"]
    assert "President" in seen["actor"]


@pytest.mark.parametrize("kind", KINDS)
def test_memo_is_self_contained(contexts, rendered, kind):
    html = rendered[kind][0]
    source_urls = {safe_url(s["url"]) for s in contexts[kind]["sources"] if s["url"]}
    for tag, attrs in tags(html):
        assert not (tag == "link" and "stylesheet" in attrs.get("rel", "")), attrs
        assert tag not in ("script", "iframe", "object", "embed"), tag
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/png;base64,"), attrs["src"][:80]
        if "href" in attrs:
            assert attrs["href"].startswith("#") or attrs["href"] in source_urls, attrs
    style = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert "@import" not in style and "url(" not in style
    assert "@font-face" not in style
    assert "<style" in html and 'lang="en"' in html


@pytest.mark.parametrize("kind", KINDS)
def test_headings_are_in_order(rendered, kind):
    levels = [int(tag[1]) for tag, _ in tags(rendered[kind][0]) if re.fullmatch(r"h[1-6]", tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


@pytest.mark.parametrize("kind", KINDS)
def test_memo_is_deterministic(contexts, rendered, kind):
    again = render_html(copy.deepcopy(contexts[kind]), TEMPLATES)
    assert again == rendered[kind][0]


def test_every_cited_number_links_to_its_source(contexts, rendered):
    html = rendered["overview"][0]
    ids = {attrs["id"] for _, attrs in tags(html) if "id" in attrs}
    hrefs = {attrs["href"] for tag, attrs in tags(html) if tag == "a" and "href" in attrs}
    for src in contexts["overview"]["sources"]:
        assert f"src-{src['n']}" in ids
    for href in hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, href


# --------------------------------------------------------------------------- hostile text


def test_workbook_text_is_escaped_never_run(tmp_path):
    evil = "<script>alert(1)</script> {{ 7*7 }} {% if true %}x{% endif %}"
    context = hand_context(title=evil, subject=evil)
    context["sections"][0]["blocks"][4]["rows"][0]["title"] = evil
    context["sections"][0]["blocks"][5]["rows"][0]["quote"] = "</blockquote><b>{{ 7*7 }}</b>"
    html = render_html(context, TEMPLATES)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    path = write(tmp_path, "evil", html)
    # what a reader sees (realtools.chromium_text) and what the page holds, in one load
    text, scripts, bold = page_eval(path, "() => [document.body.innerText, "
                                          "document.querySelectorAll('script').length, "
                                          "document.querySelectorAll('b').length]")
    assert "<script>alert(1)</script>" in text
    assert "{{ 7*7 }}" in text and "{% if true %}x{% endif %}" in text
    assert "<b>{{ 7*7 }}</b>" in text
    assert "49" not in text
    assert scripts == 0
    assert bold == 0


def test_only_http_links_become_hrefs(tmp_path):
    html = render_html(hand_context(), TEMPLATES)
    hrefs = [attrs["href"] for tag, attrs in tags(html) if "href" in attrs]
    external = [h for h in hrefs if not h.startswith("#")]
    assert external == ["https://example.org/kyodo?id=1&x=2", "https://example.org/a%7Cb%5Ec"]
    assert not any(re.match(r"\s*(javascript|data|vbscript):", h, re.I) for h in hrefs)
    text = realtools.chromium_text(write(tmp_path, "links", html))
    for title in ("Script link", "Data link", "Spaced scheme", "Pact survives"):
        assert title in text


@pytest.mark.parametrize("url,expected", [
    ("https://example.org/x", "https://example.org/x"),
    ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
    ("javascript:alert(1)", None), ("data:text/html,x", None), ("ftp://x.org/", None),
    ("//example.org/x", None), ("/relative", None), ("", None), (None, None),
    ("https://", None), ("java\nscript:alert(1)", None), ("https://a.org/\x00", None),
    ("https://a.org/a b", None),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_every_block_type_renders_valid_html(hand_page, nu_checked):
    path = hand_page
    assert nu_checked[path] == []
    assert realtools.axe_violations(path) == []
    text = realtools.chromium_text(path)
    for fact in ("Line one", "A subheading", "Seoul suspends its notice", "Chengdu summit",
                 "Added, corrected or removed since the edition of 18 Nov 2019",
                 "Nothing else.", "We will decide at the last moment.", "安倍晋三", "made-up",
                 "1 most significant of 3 events. Full list: Annex A.",
                 "2 of 5 items; the full list is in the workbook.", "likely 55-80%",
                 "Replaces the judgment of 11 Nov 2019 in the edition of 18 Nov 2019",
                 "Old judgment.",
                 "New judgment.", "Annex A: Every event"):
        assert fact in text, fact
    html = path.read_text(encoding="utf-8")
    # the selection line links to the annex, which opens as a details section
    assert '<a href="#sec-annex-events">Annex A</a>' in html
    assert re.search(r'<details id="sec-annex-events"[^>]*>\s*<summary><h2', html)
    # a changed judgment is a deletion and an insertion; an unchanged one is plain
    assert re.search(r"<del [^>]*>.*Old judgment\.</del> <ins [^>]*>.*New judgment\.</ins>",
                     html)
    assert html.count("<del ") == 1
    # native names carry their language: Kanji of a Japanese actor are Japanese
    assert '<span lang="ja">安倍晋三</span>' in html
    assert '<span lang="ko">문재인</span>' in html
    # citations link to their note and the note back to each citation
    cite_ids = re.findall(r'<a class="cite" id="(cite-1-\d+)" href="#src-1">', html)
    assert len(cite_ids) >= 3
    for anchor in cite_ids:
        assert f'href="#{anchor}"' in html


def test_unknown_block_type_fails_loudly():
    context = hand_context()
    context["sections"][0]["blocks"].append({"type": "hologram", "rows": []})
    with pytest.raises(TemplateError, match=r'block type "hologram".*body'):
        render_html(context, TEMPLATES)


# --------------------------------------------------------------------------- index


ENTRIES = [
    {"memo_id": "weekly", "kind": "weekly", "title": "Weekly update", "as_of": "2019-11-22",
     "files": {"docx": "weekly/2019-11-22/weekly_2019-11-22.docx",
               "html": "weekly/2019-11-22/weekly_2019-11-22.html"}},
    {"memo_id": "weekly", "kind": "weekly", "title": "Weekly update", "as_of": "2019-11-29",
     "files": {"docx": "weekly/2019-11-29/weekly_2019-11-29.docx",
               "html": "weekly/2019-11-29/weekly_2019-11-29.html",
               "pdf": "weekly/2019-11-29/weekly_2019-11-29.pdf"}},
    {"memo_id": "issue-gsomia", "kind": "issue", "title": "GSOMIA <brief>",
     "as_of": "2019-11-29", "files": {"docx": "issue-gsomia/2019-11-29/x.docx",
                                      "html": "javascript:alert(1)"}},
    {"memo_id": "overview", "kind": "overview", "title": "Overview", "as_of": "2019-10-01",
     "files": {"html": "overview/2019-10-01/overview_2019-10-01.html",
               "docx": "overview/2019-10-01/overview_2019-10-01.docx"}},
]


def test_index_lists_memos_newest_first_with_both_formats(index_page, nu_checked):
    html = render_index(list(reversed(ENTRIES)), TEMPLATES)
    assert index_page.read_text(encoding="utf-8") == html  # the page checked below
    assert html == render_index(ENTRIES, TEMPLATES)  # order of entries given does not matter
    hrefs = [attrs["href"] for tag, attrs in tags(html) if tag == "a" and "href" in attrs]
    assert hrefs == [
        "issue-gsomia/2019-11-29/x.docx",
        "weekly/2019-11-29/weekly_2019-11-29.html", "weekly/2019-11-29/weekly_2019-11-29.docx",
        "weekly/2019-11-29/weekly_2019-11-29.pdf",
        "weekly/2019-11-22/weekly_2019-11-22.html", "weekly/2019-11-22/weekly_2019-11-22.docx",
        "overview/2019-10-01/overview_2019-10-01.html",
        "overview/2019-10-01/overview_2019-10-01.docx",
    ]
    path = index_page
    assert nu_checked[path] == []
    assert realtools.axe_violations(path) == []
    text = realtools.chromium_text(path)
    assert "GSOMIA <brief>" in text
    assert text.index("29 Nov 2019") < text.index("22 Nov 2019") < text.index("1 Oct 2019")


# --------------------------------------------------------------------------- templates


@pytest.fixture()
def templates_copy(tmp_path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder, ignore=shutil.ignore_patterns("*.docx"))
    return folder


def test_template_syntax_error_names_template_and_line(templates_copy):
    memo = templates_copy / "memo.html"
    lines = memo.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(5, "{% if memo.title %}unclosed\n")
    memo.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"memo\.html, line \d+: syntax error") as err:
        render_html(hand_context(), templates_copy)
    assert "endif" in str(err.value) or "end of template" in str(err.value)


def test_unknown_variable_names_template_line_and_variable(templates_copy):
    blocks = templates_copy / "blocks.html"
    text = blocks.read_text(encoding="utf-8")
    blocks.write_text(text.replace('<p class="note">{{ block.text | text }}',
                                   '<p class="note">{{ block.text }}{{ no_such_thing }}'),
                      encoding="utf-8")
    line = next(i for i, ln in enumerate(blocks.read_text().splitlines(), 1)
                if "no_such_thing" in ln)
    with pytest.raises(TemplateError, match=rf"blocks\.html, line {line}: .*no_such_thing"):
        render_html(hand_context(), templates_copy)


def test_missing_template_is_named(templates_copy):
    (templates_copy / "memo.css").unlink()
    with pytest.raises(TemplateError, match=r"base\.html, line \d+: .*memo\.css"):
        render_index([], templates_copy)
    (templates_copy / "base.html").unlink()
    with pytest.raises(TemplateError, match=r"memo\.html, line \d+: .*base\.html"):
        render_html(hand_context(), templates_copy)
    (templates_copy / "blocks.html").unlink()
    with pytest.raises(TemplateError, match=r"blocks\.html.*does not exist"):
        render_html(hand_context(), templates_copy)
