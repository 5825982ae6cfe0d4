"""Handling markings: nothing above a memo's ceiling reaches it, in any byte of any output.

A workbook holds rows at every level of a three-level scheme (UNCLASSIFIED, CONFIDENTIAL,
SECRET) on every sheet, each carrying a unique canary word, and rows of a lower level that
refer to higher ones (an event naming a secret actor, citing a confidential source ...).
Every memo kind is built at each ceiling, in Word, HTML and PDF, mailed (``send
--dry-run``: the .eml files), listed in the index, and run twice on a schedule so that
"new since the last edition" has something to say. Then every output byte is searched:
each part of every .docx (also inside the mail's attachments), the HTML, the PDF's text,
every .eml part, the manifests and index. No canary above the ceiling may be found; the
canaries at or below it are found (so the search can fail), and the banner is the highest
level the memo holds.
"""

from __future__ import annotations

import email
import html
import io
import re
import zipfile
from datetime import date
from email import policy
from pathlib import Path

import pytest
import realtools
import wbfactory
from clitools import call

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-29"
LEVELS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET")
CEILINGS = {"u": "UNCLASSIFIED", "c": "CONFIDENTIAL"}
CANARY = re.compile(r"QQ(CONF|SECR)[A-Z]+")
KINDS = {"overview": "", "weekly": "", "issue": 'issue = "gsomia"',
         "actor": 'actor = "moon-jae-in"'}


def marked(rows: list[list], marks: list[str]) -> list[list]:
    """``rows`` with a marking column (the header's first, then each row's)."""
    return [row + [mark] for row, mark in zip(rows, ["marking", *marks], strict=True)]


def workbook_rows() -> dict[str, list[list]]:
    d = wbfactory.sheets()
    d["Actors"].append(["agent-x", "QQSECRACTOR Agent", "QQSECRNATIVE", "PRK", "person",
                        "QQSECRTITLE"])
    d["Issues"].append(["hidden-issue", "QQCONFISSUE talks", "QQCONFQUESTION?", "active"])
    d["Sources"] += [
        ["s-conf", "QQCONFOUTLET", "QQCONFSOURCE report", "https://example.org/QQCONFURL",
         date(2019, 11, 20), "news"],
        ["s-secret", "QQSECROUTLET", "QQSECRSOURCE cable", "", date(2019, 11, 21),
         "official"]]
    d["Events"] += [
        # above the ceiling, whole rows
        ["c1", date(2019, 11, 26), "QQCONFEVENT meeting", "QQCONFSUMMARY", "meeting",
         "moon-jae-in", "gsomia", 5, "s1"],
        ["x1", date(2019, 11, 27), "QQSECREVENT visit", "QQSECRSUMMARY", "meeting",
         "shinzo-abe", "gsomia", 5, "s1"],
        # unclassified rows that refer to higher ones
        ["u1", date(2019, 11, 28), "Talks in Seoul", "", "meeting",
         "moon-jae-in; agent-x", "gsomia; hidden-issue", 4, "s1; s-conf"],
        ["u2", date(2019, 11, 27), "A report only a secret cable backs", "", "statement",
         "moon-jae-in", "gsomia", 3, "s-secret"],
    ]
    d["Positions"] += [
        ["moon-jae-in", "gsomia", date(2019, 11, 27), "supports", "QQSECRPOSITION view",
         "QQSECRQUOTE", "s1"],
        ["agent-x", "gsomia", date(2019, 11, 26), "opposes", "Agent view.", "", "s1"],
        ["moon-jae-in", "hidden-issue", date(2019, 11, 26), "neutral", "Hidden view.", "",
         "s1"],
    ]
    d["Outlook"] += [[date(2019, 12, 5), "QQCONFOUTLOOK visit", "gsomia", "expected", "s1"],
                     [date(2019, 12, 6), "Talks on the hidden issue", "hidden-issue",
                      "expected", "s1"]]
    d["Assessments"] += [[date(2019, 11, 28), "", "QQSECRJUDGMENT overall", "Desk", "s1"],
                         [date(2019, 11, 28), "gsomia", "QQCONFJUDGMENT on the pact",
                          "Desk", "s1"]]
    blank = ""
    d["Actors"] = marked(d["Actors"], [blank, "U", "SECRET"])
    d["Issues"] = marked(d["Issues"], [blank, "confidential"])
    d["Sources"] = marked(d["Sources"], ["U", "C", "S"])
    d["Events"] = marked(d["Events"], [blank, "U", "C", "S", "U", "U"])
    d["Positions"] = marked(d["Positions"], [blank, blank, "U", "(S)", "U", "U"])
    d["Outlook"] = marked(d["Outlook"], [blank, "C", "U"])
    d["Assessments"] = marked(d["Assessments"], ["U", "S", "C"])
    return d


def config_text(folder: Path, workbook: Path, scheduled: bool = False) -> str:
    lines = [f'[paths]\nworkbook = "{workbook}"\noutput = "{folder / "out"}"\n'
             f'templates = "{ROOT / "templates"}"\n',
             '[desk]\noffice = "Desk"\nmarking = "UNCLASSIFIED"\ntimezone = "UTC"\n',
             f"[markings]\nlevels = {list(LEVELS)!r}\nportions = ['U', 'C', 'S']\n"
             "portion_marks = true\n".replace("'", '"'),
             f'[delivery]\ndrop_folder = "{folder / "drop"}"\n']
    for kind, extra in KINDS.items():
        for tag, level in CEILINGS.items():
            formats = '["docx", "html", "pdf"]' if kind in ("overview", "weekly") and \
                tag == "u" else '["docx", "html"]'
            schedule = 'schedule = { cron = "0 7 * * *" }\n' if scheduled and kind == \
                "weekly" else ""
            lines.append(f'[[memos]]\nid = "{kind}-{tag}"\nkind = "{kind}"\n{extra}\n'
                         f'marking = "{level}"\nformats = {formats}\n{schedule}'
                         'recipients = [{ name = "Reader", email = "reader@example.org" }]\n')
    return "\n".join(lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    realtools.require("libreoffice", "pdftotext")
    folder = tmp_path_factory.mktemp("markings")
    book = wbfactory.write(folder / "book.xlsx", workbook_rows())
    config = folder / "reports.toml"
    config.write_text(config_text(folder, book), encoding="utf-8")
    done = call("build", "--config", str(config), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    for kind in KINDS:
        for tag in CEILINGS:
            sent = call("send", f"{kind}-{tag}", "--config", str(config), "--as-of", AS_OF,
                        "--dry-run")
            assert sent.returncode == 0, sent.stderr
    return folder


def memo_dir(folder: Path, memo_id: str) -> Path:
    """Where a memo's editions are published: the folder of its level (``x-u``:
    unclassified, ``x-c``: confidential; ``abe`` and ``m`` are confidential and unclassified)."""
    level = {"u": "unclassified", "c": "confidential"}.get(memo_id.rsplit("-", 1)[-1])
    level = level or {"abe": "confidential"}.get(memo_id, "unclassified")
    return folder / "out" / level / memo_id


def texts_of(path: Path, data: bytes | None = None) -> list[str]:
    """Every text an output file holds, as a reader's tools would find it."""
    data = path.read_bytes() if data is None else data
    name = path.name
    if name.endswith((".docx", ".xlsx")):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [html.unescape(zf.read(n).decode("utf-8", "replace")) for n in zf.namelist()]
    if name.endswith(".pdf"):
        tmp = path.with_suffix(".search.pdf")
        tmp.write_bytes(data)
        return [realtools.pdf_text(tmp, layout=False), data.decode("latin-1")]
    if name.endswith(".eml"):
        message = email.message_from_bytes(data, policy=policy.default)
        found = [str(message["Subject"])]
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename() or ""
            if filename:
                found += texts_of(path.with_name(filename), payload)
            else:
                found.append(html.unescape(payload.decode("utf-8", "replace")))
        return found
    return [html.unescape(data.decode("utf-8", "replace"))]


def outputs(folder: Path, memo_id: str) -> list[Path]:
    files = [p for p in memo_dir(folder, memo_id).rglob("*") if p.is_file()]
    files += [p for p in (folder / "outbox" / memo_id).rglob("*.eml")]
    return [p for p in files if not p.name.endswith(".search.pdf")]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("tag", list(CEILINGS))
def test_no_byte_of_any_output_holds_a_row_above_the_memo_ceiling(built, kind, tag):
    memo_id = f"{kind}-{tag}"
    files = outputs(built, memo_id)
    assert {p.suffix for p in files} >= {".docx", ".html", ".eml", ".json"}
    allowed = {"u": set(), "c": {"CONF"}}[tag]
    found: dict[str, set[str]] = {}
    for path in files:
        for text in texts_of(path):
            for match in CANARY.finditer(text):
                found.setdefault(match.group(1), set()).add(f"{path.name}: {match.group(0)}")
    leaks = {level: where for level, where in found.items() if level not in allowed}
    assert leaks == {}, f"{memo_id} leaks rows above its marking: {leaks}"
    if tag == "c" and kind in ("overview", "weekly", "issue"):
        assert "CONF" in found, f"{memo_id} shows none of its confidential rows"


def test_the_index_names_nothing_above_any_memo(built):
    for level, allowed in (("unclassified", ""), ("confidential", "CONF")):
        text = html.unescape((built / "out" / level / "index.html").read_text(encoding="utf-8"))
        assert {m.group(1) for m in CANARY.finditer(text)} <= {allowed}
        assert ("-c_" in text) == (level == "confidential")  # each level's own memos only
    assert not (built / "out" / "index.html").exists()  # no index naming every level


@pytest.mark.parametrize(("memo_id", "banner", "short"), [
    ("overview-u", "UNCLASSIFIED", "U"), ("weekly-u", "UNCLASSIFIED", "U"),
    ("overview-c", "CONFIDENTIAL", "C"), ("issue-c", "CONFIDENTIAL", "C")])
def test_the_banner_is_the_highest_level_the_memo_holds(built, memo_id, banner, short):
    page = (memo_dir(built, memo_id) / AS_OF / f"{memo_id}_{AS_OF}.html").read_text(
        encoding="utf-8")
    top = re.search(r'<p class="marking marking-top">([^<]*)</p>', page).group(1)
    assert top == banner
    with zipfile.ZipFile(memo_dir(built, memo_id) / AS_OF / f"{memo_id}_{AS_OF}.docx") as zf:
        header = "".join(zf.read(n).decode() for n in zf.namelist()
                         if re.match(r"word/header\d*\.xml", n))
    assert banner in header
    eml = next((built / "outbox" / memo_id).rglob("*.eml"))
    subject = str(email.message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"])
    assert subject.startswith(f"[{short}] ")  # the banner's portion mark


def test_portion_marks_start_every_row(built):
    page = (memo_dir(built, "weekly-c") / AS_OF / f"weekly-c_{AS_OF}.html").read_text(
        encoding="utf-8")
    marks = re.findall(r'<span class="portion">\(([UCS])\)</span>', page)
    assert set(marks) == {"U", "C"}
    assert re.search(r'\(C\)</span>.{0,400}QQCONF', page, re.S)


def test_new_since_the_last_edition_names_nothing_above_the_ceiling(tmp_path):
    book = tmp_path / "book.xlsx"
    data = wbfactory.sheets()
    wbfactory.write(book, data)
    config = tmp_path / "reports.toml"
    config.write_text(config_text(tmp_path, book, scheduled=True), encoding="utf-8")
    first = call("run", "--config", str(config), "--now", "2019-11-28T08:00+00:00")
    assert first.returncode in (0, 3), first.stderr
    rows = workbook_rows()  # secret and confidential rows added, and removed ones
    rows["Events"] = [r for r in rows["Events"] if r[0] != "e1"]
    wbfactory.write(book, rows)
    second = call("run", "--config", str(config), "--now", "2019-11-29T08:00+00:00")
    assert second.returncode in (0, 3), second.stderr
    page = (memo_dir(tmp_path, "weekly-u") / AS_OF / f"weekly-u_{AS_OF}.html").read_text(
        encoding="utf-8")
    assert "New since the last edition" in page
    assert "Talks in Seoul" in page  # an unclassified event added since
    assert not CANARY.search(html.unescape(page))
    upper = (memo_dir(tmp_path, "weekly-c") / AS_OF / f"weekly-c_{AS_OF}.html").read_text(
        encoding="utf-8")
    assert "QQCONFEVENT" in upper and "QQSECR" not in upper


def test_an_entry_cut_by_the_marking_is_not_called_removed(tmp_path):
    """An unclassified event that rests only on a secret source is cut from the
    unclassified memo; it is still in the workbook, so no edition says it was removed."""
    book = wbfactory.write(tmp_path / "book.xlsx", workbook_rows())
    config = tmp_path / "reports.toml"
    config.write_text(config_text(tmp_path, book, scheduled=True), encoding="utf-8")
    for now in ("2019-11-28T08:00+00:00", "2019-11-29T08:00+00:00"):
        done = call("run", "--config", str(config), "--now", now)
        assert done.returncode in (0, 3), done.stderr
    for tag in CEILINGS:
        page = html.unescape((memo_dir(tmp_path, f"weekly-{tag}") / AS_OF /
                              f"weekly-{tag}_{AS_OF}.html").read_text(encoding="utf-8"))
        assert "New since the last edition" in page
        assert "Nothing new since the edition of 28 Nov 2019" \
            in page  # the same workbook both days
        assert "A report only a secret cable backs" not in page


def test_names_used_only_to_order_rows_do_not_raise_the_banner(tmp_path):
    """An actor memo that prints nothing confidential is not marked CONFIDENTIAL because
    the workbook holds a confidential issue: names that only sort rows, set chart colours
    or would fill the document's keywords do not count, and the keywords leave it out.
    (The confidential judgment on GSOMIA is left out of this workbook: the profile would
    print it, rightly marked, among the desk's judgments on the actor's issues.)"""
    rows = workbook_rows()
    rows["Assessments"] = [r for r in rows["Assessments"] if "QQCONFJUDGMENT" not in str(r)]
    book = wbfactory.write(tmp_path / "book.xlsx", rows)
    config = tmp_path / "reports.toml"
    text = config_text(tmp_path, book).split("[[memos]]")[0]
    config.write_text(text + '[[memos]]\nid = "abe"\nkind = "actor"\nactor = "shinzo-abe"\n'
                      'marking = "CONFIDENTIAL"\nformats = ["docx", "html"]\n',
                      encoding="utf-8")
    done = call("build", "--config", str(config), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    folder = memo_dir(tmp_path, "abe") / AS_OF
    page = html.unescape((folder / f"abe_{AS_OF}.html").read_text(encoding="utf-8"))
    assert re.search(r'<p class="marking marking-top">([^<]*)</p>', page).group(1) \
        == "UNCLASSIFIED"
    assert not CANARY.search(page)
    with zipfile.ZipFile(folder / f"abe_{AS_OF}.docx") as zf:
        core = zf.read("docProps/core.xml").decode()
    assert "QQCONF" not in core and "actor" in core


@pytest.mark.parametrize(("kind", "extra", "what"), [
    ("issue", 'issue = "hidden-issue"', 'issue "hidden-issue" is marked CONFIDENTIAL'),
    ("actor", 'actor = "agent-x"', 'actor "agent-x" is marked SECRET')])
def test_a_memo_about_a_record_above_its_marking_is_refused_by_name(tmp_path, kind, extra,
                                                                   what):
    book = wbfactory.write(tmp_path / "book.xlsx", workbook_rows())
    config = tmp_path / "reports.toml"
    config.write_text(config_text(tmp_path, book).split("[[memos]]")[0] +
                      f'[[memos]]\nid = "m"\nkind = "{kind}"\n{extra}\n'
                      'marking = "UNCLASSIFIED"\n', encoding="utf-8")
    done = call("build", "--config", str(config), "--as-of", AS_OF)
    assert done.returncode == 2
    assert f"memo \"m\": {what}, above the memo's marking UNCLASSIFIED" in done.stderr
    assert not memo_dir(tmp_path, "m").exists()
