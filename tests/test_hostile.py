"""Hostile content and a hostile world: workbook text is data, and crashes lose nothing.

Hostile content: one workbook holds every hostile string (markup, script URLs, template
syntax for Jinja and docxtpl, Word XML, control characters, right-to-left text, emoji,
leading = + - @) and is built once into a weekly memo; both formats must show each
string as text, open in LibreOffice (one PDF per format) and in Chromium, and pass vnu.
A cell of 10,000 lines gets its own memo (LibreOffice lays it out on ~150 pages, so it
is opened there as text, not as PDF). The annotated copy of ``validate --annotate`` must
hold no formula the workbook did not.

Crashes and concurrency: a workbook saved while it is read, Excel's lock file, an
output folder that cannot be made, a full disk, two builds at once, and SIGKILL at
several points of ``build``.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import clitools
import docx
import openpyxl
import pytest
import realtools
import wbfactory
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from reports import cli
from reports.errors import WorkbookUnreadable
from reports.output import files as output
from reports.workbook import read as reader

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-29"

# name -> the text a staff member (or an attacker) typed into a cell.
HOSTILE = {
    "script": "<script>window.__pwned=1</script>",
    "img": '<img src=x onerror="window.__pwned=2">',
    "js-url": "javascript:window.__pwned=3",
    "data-url": "data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==",
    "jinja": "{{ 7*7 }} {{ memo.title }} {{ self.__init__ }}",
    "jinja-tags": "{% for x in range(3) %}LOOP{% endfor %} {# hidden #}",
    "docxtpl": "{%p if True %} {{r 'run' }} {%tr for r in rows %}",
    "word-xml": '</w:t></w:r><w:r><w:t xml:space="preserve">INJECTED',
    "xml": "&amp; &lt; <![CDATA[x]]> <!-- c --> \"quoted\" 'single'",
    "arabic": "مرحبا بالعالم",
    "hebrew": "שלום עולם",
    "emoji": "🇰🇷🤝🇯🇵 😀",
    "formula-eq": "=1+2",
    "formula-plus": "+1+2",
    "formula-minus": "-1+2",
    "formula-at": "@SUM(1,2)",
}
# Control characters reach a workbook as Excel's _xHHHH_ escapes; memos show U+FFFD.
CONTROL_CELL = "bell_x0007_ esc_x001B_ vt_x000B_ nul_x0000_ end"
CONTROL_SHOWN = "bell\ufffd esc\ufffd vt\ufffd nul\ufffd end"
RLO = "abc\u202edef"  # a right-to-left override inside Latin text
EVIL_URL = 'https://example.org/a?q="><script>window.__pwned=5</script>&x=<b>'
OTHER = {  # hostile text in the other blocks of a weekly memo
    "actor": '<b>Kim</b> & "Co" {{ 1+1 }}',
    "shift": "P-why <script>window.__pwned=6</script> {{ 7*7 }}",
    "judgment": "A-judgment {% if 1 %}X{% endif %} </w:t><w:t>",
    "outlook": "O-item <iframe src=javascript:alert(7)></iframe> {{ 7*7 }}",
    "outlet": "<i>Outlet</i> {{ 7*7 }}",
    "source-title": "Src-title </w:t></w:r></w:p><w:p><w:r><w:t>X",
}
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
BIDI_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]")




def hostile_data() -> dict[str, list[list]]:
    d = wbfactory.sheets()
    for i, (name, text) in enumerate({**HOSTILE, "control": CONTROL_CELL, "rlo": RLO}.items()):
        d["Events"].append([f"h{i}", date(2019, 11, 25), f"T-{name} {text}",
                            f"S-{name} {text}", "statement", "moon-jae-in", "gsomia", 3, "s1"])
    d["Actors"].append(["hostile", OTHER["actor"], "", "PRK", "person", "=1+2"])
    d["Events"].append(["h-actor", date(2019, 11, 26), "T-actor-ref", "", "other", "hostile",
                        "gsomia", 2, "s2"])
    d["Positions"] += [["hostile", "gsomia", date(2019, 11, 20), "opposes", "Before.", "", "s1"],
                       ["hostile", "gsomia", date(2019, 11, 26), "supports", OTHER["shift"],
                        "", "s1"]]
    d["Assessments"].append([date(2019, 11, 27), "", OTHER["judgment"], "=Desk", "s1"])
    d["Outlook"].append([date(2019, 12, 2), OTHER["outlook"], "gsomia", "expected", "s1"])
    d["Sources"].append(["s2", OTHER["outlet"], OTHER["source-title"], EVIL_URL,
                         date(2019, 11, 22), "news"])
    return d


def expected_texts() -> dict[str, str]:
    """What each memo must show, literally."""
    shown = {f"T-{k}": f"T-{k} {v}" for k, v in HOSTILE.items()}
    shown |= {f"S-{k}": f"S-{k} {v}" for k, v in HOSTILE.items()}
    shown |= {"T-control": f"T-control {CONTROL_SHOWN}", "S-control": f"S-control {CONTROL_SHOWN}"}
    return shown | OTHER


def _cli(*args: str) -> subprocess.CompletedProcess:
    """``run_reports.py ARGS`` run in this process (``clitools.call``): what a command
    makes of hostile text, or says, is the test, not its process; the tests of two builds
    at once and of SIGKILL start real processes."""
    return clitools.call(*args)


def _build(workbook: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """The weekly memo, with room in its body for every hostile row (the test is about
    what each row's text becomes, not about budgets)."""
    config = Path(workbook).parent / f"{Path(out).name}-weekly.toml"
    config.write_text(f'[paths]\ntemplates = "{ROOT / "templates"}"\n\n[budgets.weekly]\n'
                      "max_events = 60\nmax_actors = 20\nmax_issues = 20\n", encoding="utf-8")
    return _cli("build", "--kind", "weekly", "--as-of", AS_OF, "--workbook", str(workbook),
                "--out", str(out), "--config", str(config), *extra)


def _memo(out: Path, ext: str) -> Path:
    return out / "weekly" / AS_OF / f"weekly_{AS_OF}.{ext}"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def docx_text(path: Path) -> str:
    """Every paragraph of the body (also in tables), one per line, breaks as newlines."""
    document = docx.Document(str(path))
    return "\n".join(Paragraph(p, document._body).text
                     for p in document.element.body.iter(qn("w:p")))


def _squash(text: str) -> str:
    """PDF text wraps lines and marks bidi runs: compare without whitespace and bidi marks
    (and with runs of hyphens as one: pdftotext drops a hyphen kerned into the next)."""
    return re.sub("-+", "-", BIDI_RE.sub("", text))


def in_pieces(needle: str, hay: str, gap: int = 400) -> bool:
    """``needle`` is in ``hay`` whole, or in order in pieces of 3+ characters, each starting
    at most ``gap`` characters after the last: PDF text of a table cell is cut where the
    line or the page breaks and interleaved with the cells beside it (or a repeated
    header row)."""
    i, pos = 0, None
    while i < len(needle):
        for k in range(len(needle) - i, 0, -1):
            end = None if pos is None else pos + gap + k
            at = hay.find(needle[i:i + k], pos or 0, end)
            if at >= 0:
                break
        else:
            return False
        if k < 3 and i + k < len(needle):
            return False
        i, pos = i + k, at + k
    return True


def missing_from_pdf(text: str) -> list[str]:
    """Names of hostile strings the PDF text lacks. Each event shows its string twice, in
    the title and in the summary; PDF text order may split a table cell's wrapped line or
    move a citation across right-to-left text, so one intact copy is enough."""
    text = _squash(text)
    missing = [name for name, value in {**HOSTILE, "control": CONTROL_SHOWN}.items()
               if not any(in_pieces(_squash(f"{kind}-{name} {value}"), text) for kind in "TS")]
    return missing + [name for name, value in OTHER.items()
                      if not in_pieces(_squash(value), text)]


# -- hostile content -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory, long_cell) -> dict:
    # long_cell's memo is built first: a build ends by stopping this process's LibreOffice
    # (it lives for one batch), so both are built before a test here converts a file
    tmp = tmp_path_factory.mktemp("hostile")
    book = wbfactory.write(tmp / "hostile.xlsx", hostile_data())
    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    checked = _cli("validate", "--workbook", str(book), "--json")
    built = _build(book, tmp / "out")
    assert built.returncode == 0, built.stderr
    return {"book": book, "sha": sha, "validate": checked, "out": tmp / "out", "tmp": tmp}


def test_hostile_workbook_is_valid_and_untouched(hostile):
    assert hostile["validate"].returncode == 0, hostile["validate"].stdout
    problems = json.loads(hostile["validate"].stdout)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert hashlib.sha256(hostile["book"].read_bytes()).hexdigest() == hostile["sha"]


def test_html_shows_hostile_text_as_text(hostile):
    raw = _memo(hostile["out"], "html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(raw)
    text = "".join(page.text)
    for name, shown in expected_texts().items():
        assert shown in text, name
    assert "abc\u202edef" in text
    assert not CONTROL_RE.search(raw)
    for tag, attrs in page.tags:
        assert tag not in ("script", "iframe", "object", "embed", "base", "form", "meta") or (
            tag == "meta" and not attrs.get("http-equiv")), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            # in-page, web, or this edition's own links: the index, its .docx, the page
            # of the previous edition (made from memo ids and dates, never workbook text)
            assert href.startswith(("#", "https://", "http://")) or re.fullmatch(
                r"\.\./\.\./index\.html|[a-z0-9-]+_\d{4}-\d\d-\d\d\.docx"
                r"|\.\./\d{4}-\d\d-\d\d/[a-z0-9-]+_\d{4}-\d\d-\d\d\.html", href), href
            assert not re.search(r'[\s"<>]', href), href  # percent-encoded
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
    assert html.escape("<script>") in raw and "<script>" not in raw


def test_docx_shows_hostile_text_as_text(hostile):
    path = _memo(hostile["out"], "docx")
    text = docx_text(path)
    for name, shown in expected_texts().items():
        assert shown in text, name
    assert "abc\u202edef" in text
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                data = archive.read(name).decode("utf-8")
                ElementTree.fromstring(data)  # well-formed
                assert not CONTROL_RE.search(data), name
        rels = ElementTree.fromstring(archive.read("word/_rels/document.xml.rels"))
    targets = [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    assert EVIL_URL in targets
    assert all(t.startswith(("http://", "https://")) for t in targets), targets


@pytest.mark.needs_tool("libreoffice", "pdftotext")
def test_docx_opens_in_libreoffice_with_the_literal_text(hostile):
    pdf = hostile["tmp"] / "docx.pdf"
    assert "T-script" in realtools.libreoffice_pdf_text(_memo(hostile["out"], "docx"), pdf)
    assert missing_from_pdf(realtools.pdf_text(pdf, layout=False)) == []


@pytest.mark.needs_tool("libreoffice", "pdftotext")
def test_html_opens_in_libreoffice_with_the_literal_text(hostile):
    [pdf] = realtools.libreoffice_convert(_memo(hostile["out"], "html"), "pdf",
                                          hostile["tmp"] / "html")
    assert missing_from_pdf(realtools.pdf_text(pdf, layout=False)) == []


@pytest.fixture(scope="module")
def nu_checked(hostile, long_cell) -> dict[Path, list[str]]:
    """The Nu checker's errors on the hostile memo and on the memo of a 10,000-line cell,
    from one run of the checker (one Java start for both pages)."""
    return realtools.vnu_errors_many([_memo(hostile["out"], "html"), _memo(long_cell, "html")])


@pytest.mark.needs_tool("vnu")
def test_hostile_html_passes_vnu(hostile, nu_checked):
    assert nu_checked[_memo(hostile["out"], "html")] == []


@pytest.mark.needs_tool("chromium", "playwright")
def test_chromium_shows_the_text_and_runs_none_of_it(hostile):
    dialogs = []
    with realtools.chromium_page() as page:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(_memo(hostile["out"], "html").resolve().as_uri(), wait_until="load")
        text = page.evaluate("() => document.body.innerText")
        pwned = page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
        scripts = page.evaluate("() => document.querySelectorAll('script, iframe').length")
    assert pwned is None and dialogs == [] and scripts == 0
    for name, shown in expected_texts().items():
        assert " ".join(shown.split()) in " ".join(text.split()), name


# -- a 10,000-line cell ------------------------------------------------------------------------

LINES = [f"line {i}" if i == 1 or i % 1000 == 0 else "." for i in range(1, 10_001)]


@pytest.fixture(scope="module")
def long_cell(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("long-cell")
    d = wbfactory.sheets()
    # a judgment (memos never cut one) of ~20,000 characters: fits Excel
    d["Assessments"].append([date(2019, 11, 26), "", "\n".join(LINES), "Desk", "s1"])
    book = wbfactory.write(tmp / "long.xlsx", d)
    built = _build(book, tmp / "out")
    assert built.returncode == 0, built.stderr
    return tmp / "out"


def test_ten_thousand_lines_are_all_in_both_formats(long_cell):
    page = _Page()
    page.feed(_memo(long_cell, "html").read_text(encoding="utf-8"))
    assert "\n".join(LINES) in "".join(page.text)
    assert "\n".join(LINES) in docx_text(_memo(long_cell, "docx"))


@pytest.mark.needs_tool("libreoffice")
def test_ten_thousand_lines_open_in_libreoffice(long_cell):
    [txt] = realtools.libreoffice_convert(_memo(long_cell, "docx"), "txt:Text (encoded):UTF8",
                                long_cell / "txt")
    lines = txt.read_text(encoding="utf-8-sig").splitlines()
    # the judgment's first line follows its key-judgment number; its last line carries
    # its note mark and attribution
    assert any(ln == "line 1" or ln.endswith("\tline 1") for ln in lines)
    assert [ln for ln in lines if ln.startswith("line 10000")]
    assert lines.count(".") == LINES.count(".")


@pytest.mark.needs_tool("vnu")
def test_ten_thousand_lines_pass_vnu(long_cell, nu_checked):
    assert nu_checked[_memo(long_cell, "html")] == []


# -- no formula injection in the annotated copy ---------------------------------------------

INJECTIONS = ["=1+2", "+1+2", "-1+2", "@SUM(1,2)", '=HYPERLINK("http://evil.example","x")',
              "=cmd|' /C calc'!A0", "=1+2\n=3+4"]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("annotate")
    d = wbfactory.sheets()
    d["Events"][1][3], d["Events"][2][3] = INJECTIONS[0], INJECTIONS[1]  # summaries: fine
    d["Actors"][1][5], d["Actors"][2][5] = INJECTIONS[2], INJECTIONS[3]  # titles: fine
    d["Events"][1][0] = INJECTIONS[4]  # event_id: bad-id on this very cell
    d["Positions"][1][4] = INJECTIONS[5]  # summary: fine
    d["Positions"][2][5] = INJECTIONS[6]  # quote: fine
    for row, value in zip(d["Issues"], ["=1+1", "=1+1 again"], strict=True):
        row += [value, value]  # two extra columns both named "=1+1": duplicate-column
    book = wbfactory.write(tmp / "book.xlsx", d)
    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    copy = tmp / "annotated.xlsx"
    proc = _cli("validate", "--workbook", str(book), "--annotate", str(copy), "--json")
    return {"book": book, "sha": sha, "copy": copy, "proc": proc}


def test_annotated_copy_holds_text_not_formulas(annotated):
    proc = annotated["proc"]
    assert proc.returncode == 1, proc.stderr
    codes = {(p["sheet"], p["cell"], p["code"]) for p in json.loads(proc.stdout)}
    assert ("Events", "A2", "bad-id") in codes
    assert ("Issues", "F1", "duplicate-column") in codes
    assert hashlib.sha256(annotated["book"].read_bytes()).hexdigest() == annotated["sha"]
    wb = openpyxl.load_workbook(annotated["copy"])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value}"
    where = {("Events", "D2"): 0, ("Events", "D3"): 1, ("Actors", "F2"): 2, ("Actors", "F3"): 3,
             ("Events", "A2"): 4, ("Positions", "E2"): 5, ("Positions", "F3"): 6}
    for (sheet, ref), i in where.items():
        cell = wb[sheet][ref]
        assert (cell.value, cell.data_type) == (INJECTIONS[i], "s"), (sheet, ref)
    assert wb["Events"]["A2"].comment is not None  # the problem cell was marked
    problems = [[c.value for c in row] for row in wb["Problems"].iter_rows(min_row=2)]
    assert any(r[3] == "=1+1" and r[4] == "duplicate-column" for r in problems), problems


@pytest.mark.needs_tool("libreoffice")
def test_libreoffice_reads_the_annotated_copy_as_literal_text(annotated):
    sheets = realtools.libreoffice_read_xlsx(annotated["copy"])
    assert sheets["Events"][1][3] == "=1+2" and sheets["Events"][2][3] == "+1+2"
    assert sheets["Events"][1][0] == INJECTIONS[4]
    assert sheets["Actors"][1][5] == "-1+2" and sheets["Actors"][2][5] == "@SUM(1,2)"
    assert sheets["Positions"][1][4] == INJECTIONS[5]
    assert any(row[3:5] == ["=1+1", "duplicate-column"] for row in sheets["Problems"])


# -- a workbook saved while it is read -------------------------------------------------------

def _two_versions(tmp: Path) -> tuple[bytes, bytes]:
    a = wbfactory.write(tmp / "a.xlsx").read_bytes()
    d = wbfactory.sheets()
    d["Events"][1][2] = "A title saved a moment later"
    return a, wbfactory.write(tmp / "b.xlsx", d).read_bytes()


def test_a_workbook_being_saved_is_never_read_half(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "RETRY_DELAY", 0.02)
    a, b = _two_versions(tmp_path)
    whole = {hashlib.sha256(x).hexdigest() for x in (a, b)}
    path = tmp_path / "book.xlsx"
    path.write_bytes(a)
    stop = threading.Event()

    def save_again_and_again() -> None:  # as a program that rewrites the file in place
        i = 0
        while not stop.is_set():
            data = (a, b)[i % 2]
            i += 1
            with open(path, "wb") as fh:
                fh.write(data[: len(data) // 2])
                fh.flush()
                time.sleep(0.003)
                fh.write(data[len(data) // 2:])
            time.sleep(0.001)

    saver = threading.Thread(target=save_again_and_again, daemon=True)
    saver.start()
    outcomes = []
    try:
        for _ in range(25):
            try:
                outcomes.append(reader.read_workbook(path).sha256)
            except WorkbookUnreadable as exc:
                outcomes.append(str(exc))
    finally:
        stop.set()
        saver.join()
    for outcome in outcomes:
        assert outcome in whole or "incomplete or corrupt" in outcome or "is empty" in outcome
    assert reader.read_workbook(path).sha256 in whole  # once saved, it reads


def test_a_workbook_empty_for_a_moment_is_read_after_a_retry(tmp_path):
    good = wbfactory.write(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"")  # the saving program has truncated it ...
    timer = threading.Timer(0.1, path.write_bytes, [good])  # ... and writes it 0.1 s later
    timer.start()
    try:
        book = reader.read_workbook(path)
    finally:
        timer.join()
    assert book.sha256 == hashlib.sha256(good).hexdigest()


def test_a_truncated_zip_fails_clearly_after_retries(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(reader, "RETRY_DELAY", 0.01)
    good = wbfactory.write(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with caplog.at_level(logging.WARNING), pytest.raises(WorkbookUnreadable) as info:
        reader.read_workbook(path)
    assert "incomplete or corrupt" in str(info.value)
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == reader.READ_ATTEMPTS


# -- lock files ------------------------------------------------------------------------------

def test_excel_lock_file_is_noted_and_the_workbook_read(tmp_path):
    book = wbfactory.write(tmp_path / "desk.xlsx")
    lock = tmp_path / "~$desk.xlsx"
    lock.write_bytes(b"\x0bJane Doe" + b"\x00" * 150)  # Excel's owner file
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    proc = _cli("validate", "--workbook", str(book))
    assert proc.returncode == 0, proc.stderr
    assert "lock file ~$desk.xlsx" in proc.stderr and "read-only" in proc.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_libreoffice_lock_file_is_noted(tmp_path):
    book = wbfactory.write(tmp_path / "desk.xlsx")
    (tmp_path / ".~lock.desk.xlsx#").write_text("Jane Doe,host,jane,29.11.2019 09:00,\n")
    notes = reader.read_workbook(book).notes
    assert any("lock" in n for n in notes), notes


# -- output that cannot be written -----------------------------------------------------------

def test_out_folder_under_a_regular_file_is_a_clear_error(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    proc = _build(book, blocker / "sub")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "could not write" in proc.stderr and str(blocker / "sub") in proc.stderr
    assert blocker.read_text() == "a file where a folder should be\n"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_disk_full_is_a_clear_error_and_leaves_nothing_half_written(
        tmp_path, monkeypatch, capsys, restore_logging):
    book = wbfactory.write(tmp_path / "book.xlsx")
    out = tmp_path / "out"
    argv = ["build", "--kind", "weekly", "--as-of", AS_OF, "--workbook", str(book),
            "--out", str(out), "--config", str(ROOT / "reports.toml")]
    assert cli.main(argv) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "fsync", full)
    d = wbfactory.sheets()
    d["Events"][2][2] = "A new title that never reaches the disk"
    wbfactory.write(book, d)
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert "disk is full" in err and "Traceback" not in err
    assert not list(out.rglob("*.part"))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_two_builds_at_once_both_finish_whole(tmp_path):
    book = wbfactory.write(tmp_path / "book.xlsx")
    out = tmp_path / "out"
    cmd = [sys.executable, "run_reports.py", "build", "--kind", "weekly", "--as-of", AS_OF,
           "--workbook", str(book), "--out", str(out)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    _assert_whole(out)


# -- SIGKILL during build --------------------------------------------------------------------

def _assert_whole(out: Path) -> None:
    """Every visible file is complete; only hidden ``.*.part`` temporaries may be left."""
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        if path.name.startswith(".") and path.name.endswith(".part"):
            continue
        assert not path.name.endswith(".part"), path
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None
            docx.Document(str(path))
        elif path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), path
        elif path.name == ".memo.json":
            json.loads(path.read_text(encoding="utf-8"))
        else:
            raise AssertionError(f"unexpected file {path}")


def _parts(out: Path) -> list[Path]:
    return list(out.rglob(".*.part")) if out.exists() else []


def test_sigkill_at_any_point_of_build_leaves_whole_files_or_none(tmp_path):
    """Kill ``build`` at fractions of its run time, and just after it opened a temporary
    file (mid-write); each time every memo file is whole or absent, and a last build works."""
    book = wbfactory.write(tmp_path / "book.xlsx")
    out = tmp_path / "out"
    cmd = [sys.executable, "run_reports.py", "build", "--kind", "weekly", "--as-of", AS_OF,
           "--workbook", str(book), "--out", str(out)]
    start = time.monotonic()
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=300)
    took = time.monotonic() - start
    assert first.returncode == 0, first.stderr
    shutil.rmtree(out)
    points = [("after", 0.3), ("after", 0.6)] + [
        ("mid-write", delay) for delay in (0.0, 0.002, 0.008, 0.03)]
    mid_write = 0
    for how, value in points:
        for stale in _parts(out):  # left by an earlier kill; a new one marks a write
            stale.unlink()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if how == "after":
            time.sleep(took * value)
        else:
            while proc.poll() is None and not _parts(out):
                time.sleep(0.0005)
            time.sleep(value)
        if proc.poll() is None:
            mid_write += how == "mid-write"
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        _assert_whole(out)
    assert mid_write >= 2, "too few kills landed while a file was being written"
    final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    _assert_whole(out)
    assert _memo(out, "docx").exists() and _memo(out, "html").exists()
