"""Every memo kind reads as an analytic brief: the bottom line first, then the detail.

The bundled memos are built once through the command line (Word, HTML and the Word
memo's PDF as ``--format pdf`` makes it) and read as a director reads them: page 1 of the
PDF LibreOffice lays out, and the HTML page in Chromium at desktop and phone width.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import realtools
from clitools import call

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-25"
MEMOS = {"overview": "overview", "weekly": "weekly", "issue": "issue-gsomia",
         "actor": "actor-moon-jae-in"}
SUBJECTS = {"overview": "Japan-South Korea relations after the GSOMIA extension",
            "weekly": "Japan-South Korea weekly update", "issue": "Issue brief: GSOMIA renewal",
            "actor": "Actor profile: Moon Jae-in"}
MEMO_BLOCK = ("Northeast Asia Desk", "MEMORANDUM", "TO:", "Director, Asia Policy", "FROM:",
              "DATE:", "25 November 2019", "SUBJECT:")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    realtools.require("libreoffice", "pdftotext")
    out = tmp_path_factory.mktemp("briefs")
    done = call("-q", "build", *MEMOS.values(), "--as-of", AS_OF, "--format", "docx", "html",
                "pdf", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def memo_file(out: Path, kind: str, ext: str) -> Path:
    memo = MEMOS[kind]
    return out / memo / AS_OF / f"{memo}_{AS_OF}.{ext}"


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def first_page(out: Path, kind: str) -> list[str]:
    return lines(realtools.pdf_pages_text(memo_file(out, kind, "pdf"))[0])


# --------------------------------------------------------------------------- page 1 in Word


@pytest.mark.parametrize("kind", sorted(MEMOS))
def test_page_one_opens_with_the_bottom_line_after_the_memo_block_alone(built, kind):
    page = first_page(built, kind)
    heading = page.index("Bottom line")
    before = " ".join(page[:heading])
    assert "Contents" not in before
    for word in MEMO_BLOCK:
        assert word in before, (kind, word)
    # nothing but the banner, the memo block and (weekly) its period precedes it
    allowed = set(MEMO_BLOCK) | {"UNCLASSIFIED // FOR OFFICIAL USE ONLY", "Northeast Asia Desk",
                                 "Period covered: 19 Nov 2019 to 25 Nov 2019", SUBJECTS[kind]}
    for line in page[:heading]:
        assert any(line.startswith(a) or a.startswith(line) for a in allowed) or \
            line.split(":")[0] in ("TO", "FROM", "DATE", "SUBJECT"), (kind, line)
    # the first key judgment, numbered, with its likelihood and confidence (an actor's
    # profile first says who the actor is, in a paragraph)
    after = " ".join(page[heading + 1:])
    if kind == "actor":
        after = after[after.index("The desk's judgments on these issues ") + 37:]
    assert re.match(r"1\. \S", after), (kind, after[:80])
    first = after[:after.index("Confidence:") + 40]
    assert "Likelihood: likely (55-80%)." in first and "Confidence: medium." in first


@pytest.mark.parametrize("kind", sorted(MEMOS))
def test_a_long_memos_contents_come_after_the_bottom_line_with_page_numbers(built, kind):
    pages = realtools.pdf_pages_text(memo_file(built, kind, "pdf"))
    text = " ".join(lines(pages[0]) + lines(pages[1] if len(pages) > 1 else ""))
    if "Contents" not in text:
        assert len(pages) <= 3, kind  # a short memo has none
        return
    assert text.index("Bottom line") < text.index("Contents")
    assert re.search(r"Sources\.{3,}\s*\d+", text), kind  # each entry with its page


def test_the_issue_brief_opens_with_its_judgment_and_the_question(built):
    page = " ".join(first_page(built, "issue"))
    bottom = page[page.index("Bottom line"):]
    judgment = bottom.index("1. GSOMIA is likely to survive for now")
    question = bottom.index("The question: Should the Japan-ROK GSOMIA stay in force?")
    assert judgment < question
    assert "10 actors support and 4 are conditional" in bottom  # says what is supported
    for field in ("Status", "Question Should"):
        assert field not in page


def test_the_actor_profile_opens_with_a_paragraph_not_a_card(built):
    page = " ".join(first_page(built, "actor"))
    bottom = page[page.index("Bottom line") + len("Bottom line"):].strip()
    assert bottom.startswith("Moon Jae-in (문재인) is President of South Korea")
    for said in ("Stances: conditional on GSOMIA renewal (since 19 Nov 2019)",
                 "Latest change: on GSOMIA renewal, from opposes to conditional"):
        assert said in bottom
    assert "Country" not in page and "Kind person" not in page and "KOR" not in page
    # then the desk's judgments on the issues it stands on, numbered
    assert re.search(r"The desk's judgments on these issues 1\. GSOMIA renewal: GSOMIA is "
                     r"likely", bottom)


# --------------------------------------------------------------------------- the HTML page


@pytest.mark.needs_tool("chromium", "playwright")
@pytest.mark.parametrize("width", [1000, 380])
@pytest.mark.parametrize("kind", sorted(MEMOS))
def test_the_page_opens_with_the_bottom_line_and_no_contents(built, kind, width):
    with realtools.chromium_page(width=width, height=900) as page:
        page.goto(memo_file(built, kind, "html").resolve().as_uri())
        found = page.evaluate("""() => {
            const h2 = document.querySelector('main h2');
            const panel = document.querySelector('.bottom-panel');
            const legend = document.querySelector('.section-bottom-line .legend');
            const first = panel.querySelector('ol.judgments li, .para');
            return {h2: h2.textContent, contents: !!document.querySelector('nav.contents'),
                    before: [...document.querySelectorAll('header *')].some(
                        e => /contents/i.test(e.textContent)),
                    number: panel.querySelector('ol.judgments li') ?
                        panel.querySelector('ol.judgments li').value : null,
                    panelBottom: panel.getBoundingClientRect().bottom,
                    legendTop: legend ? legend.getBoundingClientRect().top : null,
                    firstTop: first.getBoundingClientRect().top};
        }""")
    assert found["h2"] == "Bottom line" and not found["contents"] and not found["before"]
    assert found["number"] == 1
    if found["legendTop"] is not None:  # the legend sits under the panel, never over it
        assert found["legendTop"] >= found["panelBottom"]
    if width == 1000 and kind != "actor":  # the first judgment is in the first screen
        assert found["firstTop"] < 900


# --------------------------------------------------------------------------- what readers see


@pytest.mark.parametrize("kind", sorted(MEMOS))
def test_no_sentence_points_at_what_the_reader_does_not_have(built, kind):
    page = re.sub(r"<[^>]+>", " ", memo_file(built, kind, "html").read_text(encoding="utf-8"))
    word = realtools.pdf_text(memo_file(built, kind, "pdf"), layout=False)
    for text in (page, word):
        flat = " ".join(text.split())
        assert "in the workbook" not in flat and "the workbook holds" not in flat
        assert not re.search(r"\w\((?:s|ies|es)\)", flat), re.search(r".{30}\w\((?:s|ies)\)",
                                                                     flat)
        assert not re.search(r"\b1 events\b|\bof 1 [a-z]+s\b", flat)


def test_where_things_stand_says_what_the_stances_support(tmp_path):
    """An issue without a judgment of the desk is summed up by its stances on its
    question, never "5 supports, 2 opposes"."""
    import wbfactory

    d = wbfactory.sheets()
    d["Assessments"] = d["Assessments"][:1]
    d["Positions"].append(["shinzo-abe", "gsomia", wbfactory.date(2019, 11, 20), "supports",
                           "Keep it.", "", "s1"])
    book = wbfactory.write(tmp_path / "book.xlsx", d)
    config = tmp_path / "reports.toml"
    config.write_text(f'[paths]\nworkbook = "{book}"\noutput = "{tmp_path / "out"}"\n'
                      f'templates = "{ROOT / "templates"}"\n\n[[memos]]\nid = "o"\n'
                      'kind = "overview"\nformats = ["html"]\n', encoding="utf-8")
    done = call("build", "--config", str(config), "--as-of", "2019-11-29")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "o" / "2019-11-29" / "o_2019-11-29.html").read_text()
    flat = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "On “Should the GSOMIA stay in force?”, 1 actor is conditional and 1 supports." \
        in flat
    assert "The desk has recorded no overall judgment as of 29 November 2019." in flat
    assert not re.search(r"\d+ supports, \d+ opposes", flat)


def test_the_docx_declares_current_word_compatibility(built):
    for kind in MEMOS:
        with zipfile.ZipFile(memo_file(built, kind, "docx")) as zf:
            settings = zf.read("word/settings.xml").decode()
        assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings), kind
    with zipfile.ZipFile(ROOT / "templates" / "memo.docx") as zf:
        assert 'w:val="15"' in zf.read("word/settings.xml").decode()
