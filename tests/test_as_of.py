"""Memos as of a past date say what they would have said that day, in every format.

Nothing dated after the as-of date may appear, except in the Outlook, which looks ahead.
Checked on what the reader gets: the HTML page's text and the Word memo's PDF text.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import realtools
from clitools import call

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-19"  # mid-crisis: the 22 Nov reversal must not be known yet
KINDS = {
    "weekly": ["--kind", "weekly", "--window-days", "30"],
    "overview": ["--kind", "overview"],
    "issue-gsomia": ["--kind", "issue", "--issue", "gsomia"],
    "actor-moon-jae-in": ["--kind", "actor", "--actor", "moon-jae-in"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from reports.render.office import office_session

    out = tmp_path_factory.mktemp("as-of")
    with office_session():  # one LibreOffice for the four builds, as `serve` keeps one
        for args in KINDS.values():
            result = call("build", *args, "--as-of", AS_OF, "--out", str(out), "--format",
                          "html", "docx", "pdf")
            assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def later() -> list[str]:
    """Texts of the bundled workbook's records dated after the as-of date."""
    from reports.model.load import load

    model = load(ROOT / "workbook" / "gsomia_relations.xlsx").model
    cut = date.fromisoformat(AS_OF)
    texts = [e.title for e in model.events if e.date > cut]
    texts += [p.summary for p in model.positions if p.as_of > cut]
    texts += [a.judgment for a in model.assessment_items if a.as_of > cut]
    assert len(texts) > 20
    return texts


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def without_outlook_html(html: str) -> str:
    sections = re.split(r"(?=<section id=\"sec-)", html)
    return "".join(s for s in sections if not s.startswith('<section id="sec-outlook"'))


@pytest.mark.parametrize("memo_id", sorted(KINDS))
def test_html_shows_nothing_dated_after_as_of(built, later, memo_id):
    import html as markup

    page = (built / memo_id / AS_OF / f"{memo_id}_{AS_OF}.html").read_text(encoding="utf-8")
    body = without_outlook_html(page)
    dates = [date.fromisoformat(d) for d in re.findall(r'<time datetime="([\d-]{10})"', body)]
    assert dates, "the memo shows no dates at all"
    assert max(dates) <= date.fromisoformat(AS_OF), sorted(set(dates))[-3:]
    text = squash(markup.unescape(re.sub(r"<[^>]+>", " ", body)))
    leaks = [t for t in later if squash(t) in text]
    assert leaks == []


@pytest.mark.parametrize("memo_id", sorted(KINDS))
def test_pdf_from_word_shows_nothing_dated_after_as_of(built, later, memo_id):
    pdf = built / memo_id / AS_OF / f"{memo_id}_{AS_OF}.pdf"
    text = squash(realtools.pdf_text(pdf, layout=False))
    assert "Sources" in text
    # Titles and summaries wrap in table cells: compare their first words.
    leaks = [t for t in later if squash(" ".join(t.split()[:5])) in text]
    assert leaks == []


def test_pdf_format_writes_a_pdf_from_the_word_memo(built):
    pdf = built / "weekly" / AS_OF / f"weekly_{AS_OF}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Bottom line" in realtools.pdf_text(pdf)
