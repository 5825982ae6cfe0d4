"""reports/render/docx/notes.py on its own: the footnote texts, the part, the settings.

The memo-level checks (notes at the page foot in LibreOffice, links, python-docx and the
Open XML validator reopening the file) are in test_docx_word.py.
"""

from __future__ import annotations

import pytest
from lxml import etree

from reports.render.docx.notes import (
    ensure_footnote_settings,
    full_reference,
    new_footnotes,
)
from reports.text import ends_sentence, full_stop

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KYODO = {"n": 3, "outlet": "Kyodo News", "title": "Seoul reverses course on intelligence pact",
         "published_display": "22 Nov 2019", "url": "https://example.org/kyodo",
         "grade": "B2"}


def text(pieces) -> str:
    return "".join(t for t, _ in pieces)


def test_full_reference_names_outlet_title_date_grade_and_links_the_title():
    pieces = full_reference(KYODO)
    assert text(pieces) == ("Kyodo News, \u201cSeoul reverses course on intelligence pact\u201d, "
                            "22 Nov 2019, grade B2.")
    assert [u for _, u in pieces if u] == ["https://example.org/kyodo"]
    assert dict((u, t) for t, u in pieces if u)["https://example.org/kyodo"] == KYODO["title"]


@pytest.mark.parametrize("source, expected", [
    ({"n": 1, "outlet": "NHK", "title": "Will Seoul end GSOMIA?", "published_display": ""},
     "NHK, \u201cWill Seoul end GSOMIA?\u201d"),
    ({"n": 1, "outlet": "NHK", "title": "Seoul ends the pact.", "published_display": ""},
     "NHK, \u201cSeoul ends the pact.\u201d"),
    ({"n": 1, "outlet": "", "title": "What next?", "published_display": "1 Dec 2019"},
     "\u201cWhat next?\u201d 1 Dec 2019."),
    ({"n": 1, "outlet": "Yonhap", "title": "Talks resume", "published_display": "",
      "url": "javascript:alert(1)"}, "Yonhap, \u201cTalks resume\u201d."),
    ({"n": 7, "outlet": "Yonhap", "title": "", "url": None}, "Yonhap, \u201cSource 7\u201d."),
])
def test_no_second_full_stop_and_no_dead_links(source, expected):
    pieces = full_reference(source)
    assert text(pieces) == expected
    assert "?." not in text(pieces) and ".." not in text(pieces).replace("\u2026", "")
    assert not [u for _, u in pieces if u]  # no http(s) address: no link


@pytest.mark.parametrize("given, expected", [
    ("Will Seoul end GSOMIA?", "Will Seoul end GSOMIA?"), ("Done.", "Done."),
    ("Wait!", "Wait!"), ("\u201cWhat next?\u201d", "\u201cWhat next?\u201d"),
    ("Plain", "Plain."), ("Trailing space ", "Trailing space."), ("", ""),
    ("And so\u2026", "And so\u2026"), ("(see note 3)", "(see note 3)."),
])
def test_full_stop(given, expected):
    assert full_stop(given) == expected
    assert ends_sentence(full_stop(given)) or not given


def test_new_part_holds_the_separators_word_expects():
    root = new_footnotes()
    notes = root.findall(W + "footnote")
    assert [(n.get(W + "type"), n.get(W + "id")) for n in notes] == [
        ("separator", "-1"), ("continuationSeparator", "0")]
    assert notes[0].find(f"{W}p/{W}r/{W}separator") is not None
    assert notes[1].find(f"{W}p/{W}r/{W}continuationSeparator") is not None


def test_settings_name_the_separators_in_schema_order():
    settings = etree.fromstring(
        '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat/><w:rsids/><w:themeFontLang w:val="en-GB"/></w:settings>')
    ensure_footnote_settings(settings)
    ensure_footnote_settings(settings)  # idempotent
    tags = [c.tag.replace(W, "") for c in settings]
    assert tags == ["defaultTabStop", "characterSpacingControl", "footnotePr", "compat",
                    "rsids", "themeFontLang"]
    assert [f.get(W + "id") for f in settings.find(W + "footnotePr")] == ["-1", "0"]
