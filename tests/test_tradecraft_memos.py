"""Analytic tradecraft in the memos a reader gets: graded sources, likelihoods with their
yardstick's legend, and judgments that changed since the previous edition.

Built through the command line from small workbooks; checked in the HTML page and in the
Word document's XML (the text a reader sees, and the tracked changes Word lists).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import wbfactory
from clitools import call
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return call(*args)


def _config(folder: Path, book: Path, desk: str = "", memo: str = "",
            kind: str = "weekly", schedule: bool = False) -> Path:
    path = folder / "reports.toml"
    path.write_text(
        f'[paths]\nworkbook = "{book}"\noutput = "{folder / "out"}"\n'
        f'templates = "{ROOT / "templates"}"\n\n[desk]\noffice = "Desk"\ntimezone = "UTC"\n'
        f"{desk}\n\n[[memos]]\nid = \"memo\"\nkind = \"{kind}\"\nformats = [\"docx\", "
        f"\"html\"]\n{memo}\n"
        + ('schedule = { cron = "0 7 * * *" }\n' if schedule else ""), encoding="utf-8")
    return path


def _outputs(folder: Path, as_of: str) -> tuple[str, str, etree._Element]:
    """(HTML page, Word text, Word document XML) of the memo as of ``as_of``."""
    base = folder / "out" / "memo" / as_of / f"memo_{as_of}"
    page = base.with_suffix(".html").read_text(encoding="utf-8")
    with zipfile.ZipFile(base.with_suffix(".docx")) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n.startswith("word/")}
    document = etree.fromstring(parts["word/document.xml"])
    text = " ".join("".join(etree.fromstring(data).itertext()) for name, data in parts.items()
                    if name.endswith(".xml") and ("document" in name or "footnotes" in name))
    return page, text, document


def _graded_rows() -> dict[str, list[list]]:
    d = wbfactory.sheets()
    d["Sources"][0] += ["reliability", "credibility"]
    d["Sources"][1] += ["B", 2]
    d["Sources"].append(["s-weak", "Rumour Weekly", "Unnamed officials say", "",
                         date(2019, 11, 20), "news", "E", "5"])
    d["Sources"].append(["s-ungraded", "Wire", "Unjudged wire copy", "", date(2019, 11, 21),
                         "news", "F", "6"])
    d["Events"] += [
        ["w1", date(2019, 11, 24), "Rumour of a deal", "", "statement", "moon-jae-in",
         "gsomia", 5, "s-weak"],
        ["w2", date(2019, 11, 25), "Wire report of talks", "", "statement", "moon-jae-in",
         "gsomia", 4, "s-ungraded"],
        ["w3", date(2019, 11, 26), "Talks confirmed", "", "meeting", "moon-jae-in", "gsomia",
         4, "s1; s-weak"]]
    return d


def test_sources_below_the_minimum_grade_are_left_out_and_the_memo_says_so(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx", _graded_rows())
    config = _config(tmp_path, book, memo='min_grade = "C3"')
    done = _cli("build", "--config", str(config), "--as-of", "2019-11-29")
    assert done.returncode == 0, done.stderr
    page, text, _ = _outputs(tmp_path, "2019-11-29")
    for shown in (page, text):
        assert "Rumour of a deal" not in shown  # rests only on an E5 source
        assert "Rumour Weekly" not in shown  # the source itself, in no note or list
        assert "Talks confirmed" in shown  # kept: a B2 source backs it too
        assert "Wire report of talks" in shown  # F6: not judged, so never "below"
        assert re.search(r"Sources graded below C3 are left out of this memo \(1 source, "
                         r"and 1 entry resting only on them\)", " ".join(shown.split()))
    # the grade is explained where it first appears: the Sources list of the page, the
    # first footnote of the Word memo (its Sources list then gives the grade alone)
    flat = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "grade B2 (usually reliable, probably true)." in flat
    assert "grade B2 (usually reliable, probably true)" in text
    assert text.count("(usually reliable, probably true)") == 1


def test_without_a_minimum_every_source_is_cited_with_its_grade(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx", _graded_rows())
    done = _cli("build", "--config", str(_config(tmp_path, book)), "--as-of", "2019-11-29")
    assert done.returncode == 0, done.stderr
    page, text, _ = _outputs(tmp_path, "2019-11-29")
    assert "Rumour of a deal" in page and "Rumour Weekly" in text
    assert "grade E5" in page and "left out of this memo" not in page


def _likely_rows(term: str) -> dict[str, list[list]]:
    d = wbfactory.sheets()
    d["Assessments"][0].append("likelihood")
    d["Assessments"][1].append(term)
    d["Outlook"][0].append("likelihood")
    d["Outlook"][1].append(term)
    return d


def test_likelihoods_are_printed_with_the_yardsticks_legend(tmp_path):
    cases = [("", "likely", "likely (55-80%)", "US ICD 203"),
             ('yardstick = "uk"', "realistic possibility", "realistic possibility (40-50%)",
              "UK probability yardstick"),
             ("", "probable", "likely (55-80%)", "US ICD 203")]  # a synonym, printed as its term
    for number, (desk, term, printed, legend) in enumerate(cases):
        folder = tmp_path / str(number)
        folder.mkdir()
        book = wbfactory.write(folder / "book.xlsx", _likely_rows(term))
        done = _cli("build", "--config", str(_config(folder, book, desk=desk, kind="overview")),
                    "--as-of", "2019-11-29")
        assert done.returncode == 0, done.stderr
        page, text, _ = _outputs(folder, "2019-11-29")
        for shown in (page, text):
            flat = " ".join(shown.split())
            assert f"Likelihood: {printed}." in flat, (term, flat[:400])
            assert f"Likelihood ({legend}):" in flat


def test_a_likelihood_outside_the_yardstick_is_refused_naming_the_cell(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx", _likely_rows("realistic possibility"))
    done = _cli("validate", "--config", str(_config(tmp_path, book)), "--json")
    assert done.returncode == 1
    assert '"cell": "F2"' in done.stdout and '"code": "bad-likelihood"' in done.stdout


def _judged(judgment: str, day: date) -> dict[str, list[list]]:
    d = wbfactory.sheets()
    d["Assessments"] = [d["Assessments"][0], [date(2019, 11, 20), "", "The pact holds for now.",
                                              "Desk", "s1"]]
    d["Assessments"].append([day, "", judgment, "Desk", "s1"])
    d["Assessments"].append([date(2019, 11, 20), "gsomia", "Seoul keeps its options open.",
                             "Desk", "s1"])
    return d


def _changes(document: etree._Element) -> tuple[list[str], list[str]]:
    dels = ["".join(t.text or "" for t in d.iter(W + "delText")) for d in document.iter(W + "del")]
    ins = ["".join(t.text or "" for t in i.iter(W + "t")) for i in document.iter(W + "ins")]
    return dels, ins


def test_a_judgment_that_changed_since_the_previous_edition_is_a_tracked_change(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx", _judged("The pact holds for now.",
                                                           date(2019, 11, 20)))
    config = _config(tmp_path, book, schedule=True)
    first = _cli("run", "--config", str(config), "--now", "2019-11-22T08:00+00:00")
    assert first.returncode == 0, first.stderr
    _, _, document = _outputs(tmp_path, "2019-11-22")
    assert _changes(document) == ([], [])  # the first edition: nothing to compare with
    wbfactory.write(book, _judged("The pact is safe until the summit.", date(2019, 11, 27)))
    second = _cli("run", "--config", str(config), "--now", "2019-11-29T08:00+00:00")
    assert second.returncode == 0, second.stderr
    page, _, document = _outputs(tmp_path, "2019-11-29")
    dels, ins = _changes(document)
    assert dels == ["The pact holds for now. "] and ins == ["The pact is safe until the summit."]
    change = next(document.iter(W + "ins"))
    assert change.get(W + "author") == "Desk" and change.get(W + "date").startswith(
        "2019-11-29")
    assert "Replaces the judgment of 20 Nov 2019 in the edition of 22 Nov 2019" in page
    assert re.search(r"<del [^>]*>.*The pact holds for now\.</del> <ins [^>]*>.*The pact is "
                     r"safe until the summit\.</ins>", page)
    # the judgment did not change: no markup for it
    assert page.count("<del ") == 1


def test_by_hand_without_an_issued_edition_nothing_is_marked_as_changed(tmp_path):
    """A memo built by hand compares only with an edition issued to its readers (the run
    record's): with none, it carries no tracked changes, whatever the window held."""
    book = wbfactory.write(tmp_path / "book.xlsx", _judged("The pact is safe until the summit.",
                                                           date(2019, 11, 27)))
    config = _config(tmp_path, book)
    for day in ("2019-11-29", "2019-12-20"):
        done = _cli("build", "--config", str(config), "--as-of", day)
        assert done.returncode == 0, done.stderr
        page, _, document = _outputs(tmp_path, day)
        assert _changes(document) == ([], [])
        assert "<del" not in page and "<ins" not in page and "New since" not in page


def test_by_hand_after_an_issued_edition_the_changes_since_it_are_marked(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx", _judged("The pact holds for now.",
                                                           date(2019, 11, 20)))
    config = _config(tmp_path, book, schedule=True)
    first = _cli("run", "--config", str(config), "--now", "2019-11-22T08:00+00:00")
    assert first.returncode == 0, first.stderr
    wbfactory.write(book, _judged("The pact is safe until the summit.", date(2019, 11, 27)))
    done = _cli("build", "--config", str(config), "--as-of", "2019-11-28")
    assert done.returncode == 0, done.stderr
    page, _, document = _outputs(tmp_path, "2019-11-28")
    assert _changes(document) == (["The pact holds for now. "],
                                  ["The pact is safe until the summit."])
    assert "Replaces the judgment of 20 Nov 2019 in the edition of 22 Nov 2019" in page
