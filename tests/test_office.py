"""One LibreOffice per process, started at the first conversion, reused, and never left behind.

Against the real LibreOffice and unoserver (``reports.render.office``): the conversions of
a process share one LibreOffice; a LibreOffice that hangs or dies fails the file being
converted, loudly, and the next file gets a fresh one; ``build`` stops it when it ends,
fails or is interrupted; a ``build`` interrupted or killed from outside leaves no
LibreOffice running. Hangs and crashes are made with signals (SIGSTOP, SIGKILL) sent to
LibreOffice itself; waits are for events (a process gone, a line logged), never timed.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
import pytest
import realtools
from clitools import call, cli

from reports.config.load import load_config
from reports.errors import PdfConversionError
from reports.render import office
from reports.render.pdf import docx_to_pdf

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-25"

pytestmark = pytest.mark.needs_tool("libreoffice")


def make_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return path


def processes(token: str) -> list[tuple[int, str]]:
    """(pid, command line) of every process whose command line holds ``token``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if token in text and state != "Z":  # a zombie is gone, waiting to be reaped
            found.append((int(cmdline.parent.name), text))
    return found


def soffice_of(converter: office.Office) -> int:
    """The pid of the LibreOffice (soffice.bin) that ``converter`` started."""
    found = [pid for pid, text in processes(str(converter.folder)) if "soffice.bin" in text]
    assert len(found) == 1, processes(str(converter.folder))
    return found[0]


def eventually(check: Callable[[], bool], limit: float = 120.0) -> bool:
    """Wait for ``check`` to hold (an event: a process ending, a line logged)."""
    end = time.monotonic() + limit
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def fresh_office():
    """No converter left over from other tests of this process, none left after."""
    office.shutdown()
    yield
    office.shutdown()


# --------------------------------------------------------------------------- one per process


def test_every_conversion_of_a_process_goes_to_one_libreoffice(tmp_path, fresh_office):
    first = docx_to_pdf(make_docx(tmp_path / "a.docx", "first"), tmp_path / "a.pdf")
    converter = office.running()
    assert converter is not None and converter.alive()
    lo = soffice_of(converter)
    docx_to_pdf(make_docx(tmp_path / "b.docx", "second"), tmp_path / "b.pdf")
    read = realtools.libreoffice_read_xlsx(ROOT / "workbook" / "gsomia_relations.xlsx")
    assert "Events" in read and len(read["Events"]) > 10  # a spreadsheet, the same way
    assert office.running() is converter and soffice_of(converter) == lo
    assert converter.conversions == 3
    assert "second" in realtools.pdf_text(tmp_path / "b.pdf") and first.stat().st_size
    office.shutdown()
    assert office.running() is None
    assert processes(str(converter.folder)) == []
    assert not converter.folder.exists()  # its profile and temporary files


def test_a_hung_libreoffice_fails_that_file_and_the_next_gets_a_new_one(tmp_path,
                                                                       fresh_office):
    memo = make_docx(tmp_path / "memo.docx", "hello")
    docx_to_pdf(memo, tmp_path / "warm.pdf")
    hung = office.running()
    os.kill(soffice_of(hung), signal.SIGSTOP)  # LibreOffice stops answering
    with pytest.raises(PdfConversionError, match=r"^LibreOffice timed out after 3 s converting "
                       r"memo\.docx to pdf and was killed; try again with a longer timeout"):
        docx_to_pdf(memo, tmp_path / "out" / "memo.pdf", timeout=3)
    assert processes(str(hung.folder)) == [] and not hung.folder.exists()
    assert list((tmp_path / "out").iterdir()) == []  # nothing half written
    docx_to_pdf(memo, tmp_path / "out" / "memo.pdf")
    assert office.running() is not hung and office.running().alive()
    assert "hello" in realtools.pdf_text(tmp_path / "out" / "memo.pdf")


def test_libreoffice_dying_mid_conversion_fails_that_file_loudly(tmp_path, fresh_office):
    memo = make_docx(tmp_path / "memo.docx", "hello")
    docx_to_pdf(memo, tmp_path / "warm.pdf")
    converter = office.running()
    lo = soffice_of(converter)
    os.kill(lo, signal.SIGSTOP)  # so that it is surely mid-conversion when it dies
    errors: list[BaseException] = []

    def convert() -> None:
        try:
            docx_to_pdf(memo, tmp_path / "out" / "memo.pdf")
        except BaseException as exc:  # reported below
            errors.append(exc)

    asked = converter.said().count(" for input")
    worker = threading.Thread(target=convert)
    worker.start()
    assert eventually(lambda: converter.said().count(" for input") > asked)  # it has the file
    os.kill(lo, signal.SIGKILL)  # a crash
    worker.join(300)
    assert len(errors) == 1 and isinstance(errors[0], PdfConversionError), errors
    assert str(errors[0]).startswith("LibreOffice stopped while converting memo.docx to pdf "
                                     "(it crashed or was killed)")
    assert eventually(lambda: processes(str(converter.folder)) == [])
    docx_to_pdf(memo, tmp_path / "out" / "memo.pdf")  # the next file: a new LibreOffice
    assert office.running() is not converter


def test_a_libreoffice_that_died_between_files_is_started_again(tmp_path, fresh_office,
                                                               caplog):
    memo = make_docx(tmp_path / "memo.docx", "hello")
    docx_to_pdf(memo, tmp_path / "first.pdf")
    converter = office.running()
    os.kill(soffice_of(converter), signal.SIGKILL)
    assert eventually(lambda: not converter.alive())
    with caplog.at_level(logging.WARNING, logger="reports.render.office"):
        docx_to_pdf(memo, tmp_path / "second.pdf")
    assert "LibreOffice's converter had stopped" in caplog.text
    assert office.running() is not converter and (tmp_path / "second.pdf").stat().st_size


def test_without_the_converter_the_message_says_how_to_install_it(tmp_path, fresh_office,
                                                                  monkeypatch):
    memo = make_docx(tmp_path / "memo.docx", "hello")
    monkeypatch.setenv("REPORTS_OFFICE_PYTHON", str(tmp_path / "no-such-python"))
    with pytest.raises(PdfConversionError, match=r"^cannot convert memo\.docx to pdf: "
                       r"REPORTS_OFFICE_PYTHON names .*no-such-python, which is not a program; "
                       r"run `bash scripts/setup.sh`"):
        docx_to_pdf(memo, tmp_path / "memo.pdf")
    monkeypatch.setenv("REPORTS_OFFICE_PYTHON", sys.executable)  # no uno, no unoserver here
    for _ in range(2):  # the second time at once, with the same words
        with pytest.raises(PdfConversionError, match=r"^cannot convert memo\.docx to pdf: "
                           r"LibreOffice's converter cannot run with .*(No module named|"
                           r"Could not find the 'uno' library).*; run `bash scripts/setup.sh`"):
            docx_to_pdf(memo, tmp_path / "memo.pdf")
    assert not (tmp_path / "memo.pdf").exists() and office.running() is None


def test_a_failed_start_is_remembered_for_the_batch_and_tried_again_after_it(
        tmp_path, fresh_office, monkeypatch):
    """Within one batch (a ``build``, a ``run``) a converter that could not start is not
    started again for every memo; the next batch of the same process (a long-lived
    ``serve``) tries again, and gets a working one once the cause is gone."""
    memo = make_docx(tmp_path / "memo.docx", "hello again")
    starts = tmp_path / "starts"
    broken = tmp_path / "broken-python"
    broken.write_text(f'#!/bin/sh\necho start >> "{starts}"\n'
                      'echo "ImportError: libuno_sal.so.3 is damaged" >&2\nexit 1\n')
    broken.chmod(0o755)
    monkeypatch.setenv("REPORTS_OFFICE_PYTHON", str(broken))
    for _ in range(3):
        with pytest.raises(PdfConversionError, match="libuno_sal.so.3 is damaged"):
            docx_to_pdf(memo, tmp_path / "memo.pdf")
    assert starts.read_text().count("start") == 1  # the batch was told at once after that
    office.shutdown()  # the batch ends
    with pytest.raises(PdfConversionError, match="libuno_sal.so.3 is damaged"):
        docx_to_pdf(memo, tmp_path / "memo.pdf")
    assert starts.read_text().count("start") == 2
    office.shutdown()
    monkeypatch.delenv("REPORTS_OFFICE_PYTHON")  # repaired
    docx_to_pdf(memo, tmp_path / "memo.pdf")
    assert "hello again" in realtools.pdf_text(tmp_path / "memo.pdf")


def test_a_batch_that_ends_leaves_the_converter_to_one_still_under_way(tmp_path,
                                                                       fresh_office):
    """Batches of one process overlap (``serve`` builds a preview while another request's
    build converts): one that ends first leaves the converter to the others, which go on
    with the same LibreOffice; the last one to end stops it."""
    entered, release = threading.Event(), threading.Event()

    def held_open() -> None:  # a batch in another thread, under way until released
        with office.office_session():
            entered.set()
            release.wait(120)

    other = threading.Thread(target=held_open)
    with office.office_session():
        docx_to_pdf(make_docx(tmp_path / "a.docx", "first"), tmp_path / "a.pdf")
        converter = office.running()
        assert converter is not None
        with office.office_session():  # a docx-only build: begins and ends, converts nothing
            pass
        assert office.running() is converter and converter.alive()
        other.start()
        assert entered.wait(120)
        docx_to_pdf(make_docx(tmp_path / "b.docx", "second"), tmp_path / "b.pdf")
        assert office.running() is converter and converter.conversions == 2
    assert office.running() is converter and converter.alive()  # the other is under way
    release.set()
    other.join(120)
    assert office.running() is None and processes(str(converter.folder)) == []
    assert "second" in realtools.pdf_text(tmp_path / "b.pdf")


# --------------------------------------------------------------------------- a build's


def _build_weekly(out: Path):
    from reports.pipeline import build

    config = load_config(ROOT / "reports.toml", required=True)
    return build(config, [config.memo("weekly")], date.fromisoformat(AS_OF), formats=["pdf"],
                 out_dir=out, jobs=1)


@pytest.mark.parametrize("ending", ["done", "failed", "interrupted"])
def test_build_stops_its_libreoffice_however_it_ends(tmp_path, fresh_office, monkeypatch,
                                                     caplog, ending):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(private))  # the converter's folder lands here
    out = tmp_path / "out"
    if ending == "failed":
        out.write_text("a file where the output folder should be")
    if ending == "interrupted":
        def interrupt(files: dict) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("reports.output.editions.write_all", interrupt)
    with caplog.at_level(logging.INFO, logger="reports.render.office"):
        if ending == "interrupted":
            with pytest.raises(KeyboardInterrupt):
                _build_weekly(out)
        else:
            report = _build_weekly(out)
            assert [o.status for o in report.outcomes] == [
                "written" if ending == "done" else "failed"]
    assert "LibreOffice's converter started" in caplog.text  # a PDF was made, then:
    assert office.running() is None
    assert processes(str(private)) == []
    assert [p.name for p in private.iterdir()] == []


def test_a_build_starts_libreoffice_once_and_only_for_pdfs(tmp_path, fresh_office):
    """Counted in processes of their own (one converter per process), but for the build
    that makes no PDF, which must not start one even in this process."""
    memos = ["weekly", "overview", "issue-gsomia"]
    base = ["-v", "build", *memos, "--as-of", AS_OF, "--out", str(tmp_path / "out")]
    plain = call(*base, "--format", "docx", "html", "--jobs", "1")
    assert plain.returncode == 0, plain.stderr
    assert "DEBUG making weekly as of" in plain.stderr  # -v: what it would say is there
    assert "LibreOffice" not in plain.stderr and office.running() is None
    pdfs = cli(*base, "--format", "pdf", "--jobs", "1")
    assert pdfs.returncode == 0, pdfs.stderr
    assert pdfs.stderr.count("LibreOffice's converter started") == 1
    assert pdfs.stderr.count("LibreOffice converted") >= len(memos)
    both = cli(*base, "--format", "pdf", "--jobs", "2")  # each worker its own, at most
    assert both.returncode == 0, both.stderr
    assert 1 <= both.stderr.count("LibreOffice's converter started") <= 2


@pytest.mark.parametrize("jobs, how", [("2", "interrupted"), ("1", "killed")])
def test_a_build_stopped_from_outside_leaves_no_libreoffice_running(tmp_path, jobs, how):
    private = tmp_path / "tmp"
    private.mkdir()
    cmd = [sys.executable, str(ROOT / "run_reports.py"), "build", "weekly", "overview",
           "--as-of", AS_OF, "--format", "pdf", "--out", str(tmp_path / "out"), "--jobs", jobs]
    run = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "TMPDIR": str(private)},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        assert eventually(lambda: any("soffice.bin" in text
                                      for _, text in processes(str(private))))
        if how == "interrupted":  # Ctrl-C: the build and its workers
            os.killpg(run.pid, signal.SIGINT)
        else:  # kill -9 of the build alone: nothing of it runs to clean up
            os.kill(run.pid, signal.SIGKILL)
        run.wait(300)
        assert eventually(lambda: processes(str(private)) == []), processes(str(private))
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
