"""The broken-workbook corpus, end to end through the command line.

``tests/data/broken/`` (made by ``scripts/make_broken_corpus.py``) holds one workbook per
defect and ``manifest.json``: file -> {defect, expected_exit, expected, message}. For each
file two commands run from the repo root (with a config of the toolkit's own defaults):

    python run_reports.py validate --workbook F --json
    python run_reports.py build --kind weekly --as-of 2019-11-26 --workbook F --out OUT

and the tests check the exit codes, the problems (sheet, cell, code) and the message,
that a broken workbook builds nothing and changes no memo already in OUT, that a good
one builds whole files, and that F's bytes and mtime are unchanged. All the commands run
once, one after the other, in a module-scoped fixture; the tests only look at what they did.

A few files (``REAL_PROCESS``: a good workbook, one with macros, an unreadable one and
the zip bomb) run as ``python run_reports.py ...`` in a process of their own, exactly as
cron would (``clitools.cli``); the others run the same ``reports.cli.main(argv)`` in this
process, its stdout and stderr captured (``clitools.call``), which spares an interpreter
start for each of ~200 commands. Set ``CORPUS_REAL_PROCESSES=1`` to run every file
through ``python run_reports.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from clitools import call, cli

from reports.errors import WorkbookUnreadable
from reports.workbook import read as reader
from reports.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "broken"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
AS_OF = "2019-11-26"  # the weekly window holds e2 and the shift of 22 Nov
MEMO = Path("weekly") / AS_OF / f"weekly_{AS_OF}"
SENTINEL = b"<!doctype html><title>last week's memo</title><p>keep me</p>\n"

XFAIL_VALIDATE: dict[str, str] = {}  # name -> reason, for a known bug being fixed
XFAIL_BUILD: dict[str, str] = {}

# Every problem code of the v1 contract (reports/workbook/read.py and
# reports/workbook/validate.py, less the Distribution sheet's bad-email and bad-flag): the
# corpus must show each one.
CONTRACT_CODES = {
    "missing-sheet", "duplicate-sheet", "missing-column", "duplicate-column", "merged-header",
    "missing-value", "formula-error", "bad-date", "bad-number", "out-of-range", "bad-enum",
    "bad-country", "bad-id", "too-long", "bad-url", "duplicate-id", "unknown-ref",
    "unused-actor", "unused-issue", "unused-source", "event-without-source",
    "formula-no-value", "misnamed-column", "bad-grade", "bad-likelihood", "bad-marking",
    "estimative-language",
}


def _unreadable(entry: dict) -> bool:
    """Files the reader refuses outright: exit 1 and no problems to list."""
    return entry["expected_exit"] == 1 and not entry["expected"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Run:
    validate: subprocess.CompletedProcess
    build: subprocess.CompletedProcess
    validate_seconds: float
    out: Path
    out_before: dict[str, bytes]
    sha_before: str
    sha_after: str
    mtime_before: int
    mtime_after: int


# one of each path through a real process: a good workbook, macros (read, not run), a
# file the reader refuses, and the zip bomb (refused fast, even with an interpreter start)
REAL_PROCESS = {"ok_base.xlsx", "ok_macros.xlsm", "empty.xlsx", "zip_bomb.xlsx"}


def _cli(args: list[str], real: bool) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``run_reports.py ARGS`` from the repo root; its output, exit code and duration.

    A few files go through a real ``python run_reports.py`` process; the rest call the
    same ``reports.cli.main`` in this process (stdout and stderr captured), which spares
    an interpreter start each. ``CORPUS_REAL_PROCESSES=1`` makes every run a real process.
    """
    start = time.monotonic()
    proc = cli(*args) if real else call(*args)
    return proc, time.monotonic() - start


def _run_one(name: str, out: Path, real: bool) -> Run:
    workbook = CORPUS / name
    sentinel = out / MEMO.with_suffix(".html")
    sentinel.parent.mkdir(parents=True)
    sentinel.write_bytes(SENTINEL)
    before = _tree(out)
    sha, mtime = _sha(workbook), workbook.stat().st_mtime_ns
    # the toolkit's own defaults (one marking level, ICD 203), not the desk's reports.toml
    config = out.parent / f"{out.name}.toml"
    config.write_text(f'[paths]\ntemplates = "{ROOT / "templates"}"\n', encoding="utf-8")
    validate, seconds = _cli(["validate", "--workbook", str(workbook), "--json", "--config",
                              str(config)], real)
    build, _ = _cli(["build", "--kind", "weekly", "--as-of", AS_OF, "--workbook",
                     str(workbook), "--out", str(out), "--config", str(config)], real)
    return Run(validate, build, seconds, out, before, sha, _sha(workbook), mtime,
               workbook.stat().st_mtime_ns)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    base = tmp_path_factory.mktemp("corpus-out")
    all_real = os.environ.get("CORPUS_REAL_PROCESSES") == "1"
    # A file that looks half saved (truncated.xlsx) is read again after 0.25 s and 0.5 s;
    # in this process the retries wait a hundredth of that (the same attempts, the same
    # message: the waits themselves are tested in test_hostile.py).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "RETRY_DELAY", reader.RETRY_DELAY / 100)
        return {n: _run_one(n, base / n.replace(".", "_"), all_real or n in REAL_PROCESS)
                for n in sorted(MANIFEST)}


def _problems(run: Run) -> list[dict]:
    assert run.validate.stdout.strip(), f"validate --json printed nothing: {run.validate.stderr}"
    problems = json.loads(run.validate.stdout)
    assert isinstance(problems, list)
    for p in problems:
        assert set(p) >= {"severity", "sheet", "cell", "column", "code", "message"}, p
        assert p["severity"] in ("error", "warning"), p
    return problems


def _param(name: str, xfails: dict[str, str] | None = None):
    reason = (xfails or {}).get(name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, marks=marks, id=name)


# -- the corpus itself ---------------------------------------------------------------------

def test_manifest_lists_every_file_and_only_those():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file()} - {"manifest.json"}
    assert on_disk == set(MANIFEST)
    assert len(MANIFEST) >= 40
    for name, entry in MANIFEST.items():
        assert set(entry) == {"defect", "expected_exit", "expected", "message"}, name
        assert entry["expected_exit"] in (0, 1), name
        assert entry["defect"], name
        assert _unreadable(entry) <= bool(entry["message"]), f"{name}: say what to expect"


def test_corpus_covers_every_rule_of_the_contract():
    codes = {code for e in MANIFEST.values() for _sheet, _cell, code in e["expected"]}
    assert CONTRACT_CODES <= codes, CONTRACT_CODES - codes
    sheets = {sheet.strip().title() for e in MANIFEST.values() for sheet, _c, _code in
              e["expected"]}
    assert {"Actors", "Issues", "Events", "Positions", "Sources", "Outlook",
            "Assessments"} <= sheets
    unreadable = {e["message"] for e in MANIFEST.values() if _unreadable(e)}
    for needed in ("is empty", "is a text file", "legacy Excel", "password-protected",
                   "incomplete or corrupt", "zip bomb"):
        assert any(needed in m for m in unreadable), needed


def test_corpus_is_small_on_disk():
    for path in CORPUS.iterdir():
        size = path.stat().st_size
        if path.name == "zip_bomb.xlsx":
            assert 100 * 1024 <= size <= 2 * 1024**2
        else:
            assert size <= 64 * 1024, path.name


def test_real_legacy_and_encrypted_files():
    """Not just magic bytes: a real BIFF8 workbook and a real ECMA-376 encrypted package."""
    xls = (CORPUS / "legacy.xls").read_bytes()
    assert xls.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert "Workbook".encode("utf-16-le") in xls  # the BIFF stream of an .xls
    enc = (CORPUS / "encrypted.xlsx").read_bytes()
    assert "EncryptedPackage".encode("utf-16-le") in enc
    assert b"http://schemas.microsoft.com/office/2006/encryption" in enc  # agile XML


def test_generator_is_deterministic():
    """Regenerating the corpus gives the committed files byte for byte."""
    pytest.importorskip("msoffcrypto", reason="the generator needs msoffcrypto-tool")
    pytest.importorskip("xlwt", reason="the generator needs xlwt")
    spec = importlib.util.spec_from_file_location(
        "make_broken_corpus", ROOT / "scripts" / "make_broken_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    assert module.check(CORPUS) == []


# -- each file, through the CLI ----------------------------------------------------------------

@pytest.mark.parametrize("name", [_param(n, XFAIL_VALIDATE) for n in sorted(MANIFEST)])
def test_validate_reports_the_defect(runs, name):
    entry, run = MANIFEST[name], runs[name]
    proc = run.validate
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == entry["expected_exit"], proc.stderr
    if _unreadable(entry):
        assert entry["message"] in proc.stderr
        assert proc.stderr.startswith("error: ") or "\nerror: " in proc.stderr
        return
    problems = _problems(run)
    text = "\n".join(p["message"] for p in problems) + proc.stderr
    if entry["message"]:
        assert entry["message"] in text
    found = {(p["sheet"], p["cell"], p["code"]) for p in problems}
    errors = {(p["sheet"], p["cell"], p["code"]) for p in problems if p["severity"] == "error"}
    expected = {tuple(e) for e in entry["expected"]}
    assert expected <= found, f"not reported: {expected - found}"
    assert errors <= expected, f"errors not expected: {errors - expected}"


@pytest.mark.parametrize("name", [_param(n, XFAIL_BUILD) for n in sorted(MANIFEST)])
def test_build_writes_whole_memos_or_nothing(runs, name):
    entry, run = MANIFEST[name], runs[name]
    proc = run.build
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == entry["expected_exit"], proc.stderr
    after = _tree(run.out)
    if entry["expected_exit"] == 0:
        html = run.out / MEMO.with_suffix(".html")
        docx = run.out / MEMO.with_suffix(".docx")
        assert html.read_bytes() != SENTINEL and b"</html>" in html.read_bytes()
        with zipfile.ZipFile(docx) as archive:
            assert archive.testzip() is None
            assert "word/document.xml" in archive.namelist()
        assert not [n for n in after if n.endswith(".part")]
        return
    assert after == run.out_before, "a broken workbook wrote or changed files in --out"
    if _unreadable(entry):
        assert entry["message"] in proc.stderr
        return
    # The problems are printed, each naming its sheet and cell.
    for sheet, cell, _code in entry["expected"]:
        where = f"{sheet}!{cell}" if cell else sheet
        assert where in proc.stdout, f"{where} not named in:\n{proc.stdout}"
    assert "nothing was built" in proc.stderr


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_workbook_bytes_unchanged(runs, name):
    run = runs[name]
    assert run.sha_after == run.sha_before
    assert run.mtime_after == run.mtime_before
    assert not (CORPUS / f"~${name}").exists()


# -- particular files ---------------------------------------------------------------------------

def test_zip_bomb_is_refused_fast(runs):
    start = time.monotonic()
    with pytest.raises(WorkbookUnreadable, match="zip bomb"):
        read_workbook(CORPUS / "zip_bomb.xlsx")
    assert time.monotonic() - start < 2.0
    assert runs["zip_bomb.xlsx"].validate_seconds < 30  # a whole interpreter, on a busy CI


def test_a_100k_character_cell_is_read_whole_and_shown_cut_to_a_few_lines(runs):
    """The reader takes the whole cell (more than Excel's 32,767 characters); a memo's
    body shows the start of a summary, cut at a word with an ellipsis (docs/memos.md)."""
    from reports.memo.blocks import SUMMARY_CHARS
    from reports.text import clip

    text = ("GSOMIA-" * 14286)[:99_999] + "!"  # as scripts/make_broken_corpus.py writes it
    shown = clip(text, SUMMARY_CHARS)
    assert shown.endswith("\u2026") and len(shown) <= SUMMARY_CHARS
    out = runs["ok_100k_summary.xlsx"].out
    page = (out / MEMO.with_suffix(".html")).read_text(encoding="utf-8")
    with zipfile.ZipFile(out / MEMO.with_suffix(".docx")) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    for written in (page, document):
        assert shown in written and text[:SUMMARY_CHARS + 10] not in written


def test_macro_workbook_is_read_and_says_so(runs):
    run = runs["ok_macros.xlsm"]
    assert "macros" in run.validate.stderr and "not run" in run.validate.stderr
    assert run.build.returncode == 0


def test_near_miss_names_the_close_id(runs):
    problems = _problems(runs["near_miss_actor.xlsx"])
    [message] = [p["message"] for p in problems if p["code"] == "unknown-ref"]
    assert message.startswith('"moon-jaein" is not a')
    assert message.endswith('in Actors (did you mean "moon-jae-in"?)')


@pytest.mark.parametrize("name", ["empty.xlsx", "encrypted.xlsx"])
def test_validate_json_reports_an_unreadable_file_as_json(runs, name):
    problems = _problems(runs[name])
    assert len(problems) == 1 and problems[0]["severity"] == "error"
    assert problems[0]["cell"] is None
    assert MANIFEST[name]["message"] in problems[0]["message"]


def test_missing_value_message_keeps_the_help_text_as_written(runs):
    problems = _problems(runs["stray_value_row.xlsx"])
    [date_hint] = [p["message"] for p in problems if p["cell"] == "B4"]
    assert "YYYY-MM-DD" in date_hint
