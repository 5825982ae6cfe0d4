"""Changes in the desk's judgments, each case on its own, as readers of the second edition
see them: in the bottom line (Word tracked changes, HTML del/ins), under "New since the
last edition", and first in the mail's "What changed".

Two editions are issued by `run` (22 and 29 Nov 2019) from a small workbook whose overall
judgment is edited between them; the memo is a weekly, whose bottom line holds the
desk's overall judgments.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import wbfactory
from clitools import call
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLD, NEW = "The pact holds for now.", "The pact is safe until the summit."
HEAD = ["as_of", "issue_id", "judgment", "author", "sources", "whose", "likelihood"]


def _book(path: Path, judgments: list[list]) -> Path:
    d = wbfactory.sheets()
    d["Assessments"] = [HEAD, *judgments]
    return wbfactory.write(path, d)


def _two_editions(tmp_path: Path, before: list[list], after: list[list],
                  second_by_run: bool = True) -> tuple[str, str, etree._Element, str]:
    """(HTML page, Word text, Word document, outbox mail text) of the second edition
    (the commands run in this process)."""
    book = _book(tmp_path / "book.xlsx", before)
    config = tmp_path / "reports.toml"
    config.write_text(
        f'[paths]\nworkbook = "{book}"\noutput = "{tmp_path / "out"}"\n'
        f'templates = "{ROOT / "templates"}"\n\n[desk]\noffice = "Desk"\ntimezone = "UTC"\n'
        '\n[smtp]\nhost = "127.0.0.1"\nport = 9\ntimeout = 2\n'  # nobody listens: kept
        '\n[[memos]]\nid = "memo"\nkind = "weekly"\nformats = ["docx", "html"]\n'
        'schedule = { cron = "0 7 * * *" }\n'
        'recipients = [{ name = "Director", email = "director@example.org" }]\n',
        encoding="utf-8")
    first = call("run", "--config", str(config), "--now", "2019-11-22T08:00+00:00")
    assert first.returncode in (0, 3), first.stderr  # no mail server: undelivered is fine
    _book(book, after)
    if second_by_run:
        done = call("run", "--config", str(config), "--now", "2019-11-29T08:00+00:00")
        assert done.returncode in (0, 3), done.stderr
    else:
        done = call("build", "--config", str(config), "--as-of", "2019-11-29")
        assert done.returncode == 0, done.stderr
    mail = call("send", "memo", "--as-of", "2019-11-29", "--dry-run", "--config", str(config))
    assert mail.returncode == 0, mail.stderr
    eml = sorted((tmp_path / "outbox").rglob("*.eml"))[-1].read_bytes().decode("utf-8", "replace")
    base = tmp_path / "out" / "memo" / "2019-11-29" / "memo_2019-11-29"
    page = base.with_suffix(".html").read_text(encoding="utf-8")
    with zipfile.ZipFile(base.with_suffix(".docx")) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
    text = "\n".join("".join(t.text or "" for t in p.iter(W + "t", W + "delText"))
                     for p in document.iter(W + "p"))
    return page, text, document, eml


def _changes(document: etree._Element) -> tuple[list[str], list[str]]:
    dels = ["".join(t.text or "" for t in d.iter(W + "delText")) for d in document.iter(W + "del")]
    ins = ["".join(t.text or "" for t in i.iter(W + "t")) for i in document.iter(W + "ins")]
    return dels, ins


def _bottom(page: str) -> str:
    start = page.index('id="sec-bottom-line"')
    return page[start:page.index("</section>", start)]


def _what_changed(eml: str) -> list[str]:
    import email
    from email import policy

    msg = email.message_from_string(eml, policy=policy.default)
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    part = text.split("What changed since 22 Nov 2019\n", 1)[1].split("\n\n", 1)[0]
    return [line[4:] for line in part.splitlines()]


JUDGED = [date(2019, 11, 20), "", OLD, "Desk", "s1", "desk", "likely"]


def test_a_judgment_still_in_force_is_unchanged(tmp_path):
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [JUDGED])
    assert _changes(document) == ([], [])
    assert "<del" not in page and "<ins" not in page
    assert "1." + OLD in text and "Replaces" not in text and "Revised" not in text
    assert not [ln for ln in _what_changed(eml) if ln.startswith("Judgment ")]


def test_a_replaced_judgment_shows_the_old_words_deleted_and_the_new_inserted(tmp_path):
    newer = [date(2019, 11, 27), "", NEW, "Desk", "s1", "desk", "likely"]
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [JUDGED, newer])
    assert _changes(document) == ([OLD + " "], [NEW])
    bottom = _bottom(page)
    assert "Replaces the judgment of 20 Nov 2019 in the edition of 22 Nov 2019" in bottom
    assert re.search(rf"<del [^>]*>.*{re.escape(OLD)}</del> <ins [^>]*>.*{re.escape(NEW)}"
                     r"</ins>", bottom)
    assert "Likelihood: likely (55-80%). Confidence: medium." in bottom
    lines = _what_changed(eml)
    assert lines[0] == (f"Judgment replaced: Overall: {NEW} (likelihood: likely (55-80%); "
                        "confidence: medium) (replaces the judgment of 20 Nov 2019)")


def test_a_judgment_edited_in_place_is_revised_without_its_old_words(tmp_path):
    edited = [date(2019, 11, 20), "", NEW, "Desk", "s1", "desk", "likely"]
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [edited])
    dels, ins = _changes(document)
    assert dels == [] and ins == [NEW]
    assert "Revised since the edition of 22 Nov 2019" in _bottom(page)
    for shown in (page, text, eml):
        assert OLD not in shown  # the old wording is gone from the workbook: never quoted
    assert _what_changed(eml)[0].startswith(f"Judgment revised: Overall: {NEW}")


def test_a_judgment_no_longer_held_is_withdrawn_by_its_day_alone(tmp_path):
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [])
    assert _changes(document) == ([], [])
    bottom = " ".join(re.sub(r"<[^>]+>", "", _bottom(page)).split())
    assert "The desk has recorded no overall judgment as of 29 November 2019." not in bottom
    assert "The judgment of 20 Nov 2019 shown in the edition of 22 Nov 2019 is withdrawn." \
        in bottom
    for shown in (page, text, eml):
        assert OLD not in shown
    assert _what_changed(eml)[0] == "Judgment withdrawn: Overall: the judgment of 20 Nov " \
                                    "2019 is withdrawn"


def test_a_judgment_on_a_question_with_none_before_is_new(tmp_path):
    on_issue = [date(2019, 11, 26), "gsomia", NEW, "Desk", "s1", "desk", ""]
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [JUDGED, on_issue])
    assert _changes(document) == ([], [NEW])
    assert "New since the edition of 22 Nov 2019" in page
    assert _what_changed(eml)[0] == f"Judgment new: GSOMIA renewal: {NEW} (confidence: medium)"


def test_commentary_that_changes_is_no_change_in_judgment(tmp_path):
    said = [date(2019, 11, 20), "", "A paper says the pact holds.", "The Paper", "s1",
            "source", ""]
    later = [date(2019, 11, 27), "", "A paper now says the pact is doomed.", "The Paper",
             "s1", "source", ""]
    page, text, document, eml = _two_editions(tmp_path, [JUDGED, said], [JUDGED, later])
    assert _changes(document) == ([], [])
    assert "<del" not in page and "<ins" not in page
    assert "A paper now says the pact is doomed." in page  # shown, as commentary
    assert not [ln for ln in _what_changed(eml) if ln.startswith("Judgment ")]


def test_a_hand_build_after_an_issued_edition_marks_what_changed_since_it(tmp_path):
    newer = [date(2019, 11, 27), "", NEW, "Desk", "s1", "desk", "likely"]
    page, text, document, eml = _two_editions(tmp_path, [JUDGED], [JUDGED, newer],
                                              second_by_run=False)
    assert _changes(document) == ([OLD + " "], [NEW])
