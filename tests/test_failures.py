"""One failure never hides or stops the others, through the command line.

Each class of failure inside a memo (PDF conversion, the disk, an unexpected bug, a wrong
memo parameter) with several variants: the exit code, a message naming the memo, no
traceback without ``--debug``, nothing written for the failed memo, nothing already built
touched, and the other memos built (and, in ``run``, sent).

Most commands run in this process (``clitools.call``). Real processes (``cli``), as cron
starts them, where the process matters: ``build --jobs 2`` (it forks), the planted bugs
(``tests/hooked_cli.py``), a LibreOffice that fails to start, run after run (this process
would remember the failure), and one ``history``: so ``run``, ``build`` and ``history``
each keep a real-process test here.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from clitools import call, cli
from fixtures_mail import (
    REPO,
    parts,
    scheduled_memo,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.config.load import load_config
from reports.schedule.record import RunRecord

HOOKED = str(Path(__file__).resolve().parent / "hooked_cli.py")
MONDAY = "2019-11-25T07:05+09:00"
OVERVIEW = scheduled_memo("overview", "overview", formats=("html",))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def no_soffice(tmp_path: Path) -> dict:
    """A PATH where LibreOffice cannot be found (python is called by its full path)."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty)}


def memo_files(out: Path, memo_id: str, as_of: str = "2019-11-25") -> list[str]:
    folder = out / memo_id / as_of
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- PDF conversion ---------------------------------------------------------------------------

def test_run_with_a_failing_pdf_builds_and_sends_the_other_memos(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, formats=("docx", "pdf"),
                          extra=OVERVIEW, delivery='operator = "ops@example.org"')
    out = tmp_path / "output"
    result = call("run", "--config", str(config), "--now", MONDAY, env=no_soffice(tmp_path))
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert "could not build weekly as of 2019-11-25: LibreOffice was not found" in result.stderr
    assert memo_files(out, "weekly") == []  # nothing of the failed memo, not even its .docx
    assert memo_files(out, "overview") == [".memo.json", "overview_2019-11-25.html"]
    mail, notice = smtp_server.received
    assert mail.rcpt_tos == ["director.asia@example.org"]
    assert "Overview, 25 November 2019.html" in mail.attachments()  # named by what it is
    # The operator is told (staff never see cron's log), once for this failure.
    assert notice.rcpt_tos == ["ops@example.org"]
    assert notice.message["Subject"] == "[UNCLASSIFIED] Not built: weekly as of 25 November 2019"
    assert "LibreOffice was not found" in notice.message.get_body(("plain",)).get_content()
    again = call("run", "--config", str(config), "--now", "2019-11-25T07:20+09:00",
                 env=no_soffice(tmp_path))
    assert again.returncode == 4 and len(smtp_server.received) == 2
    with RunRecord.open(load_config(config).run_record_path) as ledger:
        outcomes = {b.memo_id: (b.outcome, b.error) for b in ledger.builds()}
    assert outcomes["overview"] == ("done", None)
    assert outcomes["weekly"][0] == "failed" and "LibreOffice" in outcomes["weekly"][1]
    # A real process: this file's real-process test of `history`.
    history = cli("history", "weekly", "--wide", "--config", str(config))
    assert "failed" in history.stdout and "LibreOffice was not found" in history.stdout


def failing_soffice(tmp_path: Path) -> dict:
    """A PATH whose ``soffice`` fails as a damaged LibreOffice does: it says why, naming
    the last thing it was given (the converter's connection, on a new port each run), and
    exits 127."""
    folder = tmp_path / "broken-bin"
    folder.mkdir(exist_ok=True)
    script = folder / "soffice"
    script.write_text('#!/bin/sh\nfor a; do last="$a"; done\n'
                      'echo "soffice.bin: error while loading shared libraries: libuno_sal.so.3:'
                      ' cannot open shared object file (given $last)" >&2\nexit 127\n')
    script.chmod(0o755)
    return {"PATH": str(folder)}


def test_the_same_pdf_failure_run_after_run_is_told_to_the_operator_once(tmp_path,
                                                                         smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, formats=("docx", "pdf"),
                          delivery='operator = "ops@example.org"')
    # Real processes, as cron starts them: each tries LibreOffice afresh (and is told
    # another port). In one process reports.render.office._FAILED would give the first
    # failure again without starting it. Also this file's real-process test of `run`.
    for now in (MONDAY, "2019-11-25T07:20+09:00", "2019-11-25T07:25+09:00"):
        result = cli("run", "--config", str(config), "--now", now,
                     env=failing_soffice(tmp_path))
        assert result.returncode == 4, result.stderr
        assert "could not build weekly as of 2019-11-25: cannot convert weekly_2019-11-25.docx" \
            " to pdf: LibreOffice stopped as it started" in result.stderr
    (notice,) = smtp_server.received  # the same message each run: told once
    assert notice.rcpt_tos == ["ops@example.org"]
    text = notice.message.get_body(("plain",)).get_content()
    assert "error while loading shared libraries: libuno_sal.so.3" in text, text
    assert tempfile.gettempdir() not in text


@pytest.mark.needs_tool("libreoffice")
def test_a_failed_memo_is_built_by_the_next_run_once_the_cause_is_fixed(tmp_path,
                                                                      smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, formats=("docx", "pdf"),
                          recipients=[("Reader", "reader@example.org")])
    assert call("run", "--config", str(config), "--now", MONDAY,
                env=no_soffice(tmp_path)).returncode == 4
    assert smtp_server.received == []
    result = call("run", "--config", str(config), "--now", "2019-11-25T07:20+09:00")
    assert result.returncode == 0, result.stderr
    (mail,) = smtp_server.received
    assert sorted(mail.attachments()) == ["Japan-South Korea weekly update, 25 November 2019.docx",
                                          "Japan-South Korea weekly update, 25 November 2019.pdf"]


def test_build_with_a_failing_pdf_leaves_the_earlier_files_untouched(tmp_path):
    config = write_config(tmp_path, port=25, cron="")
    out = tmp_path / "output"
    first = call("build", "weekly", "--config", str(config), "--as-of", "2019-11-25",
                 "--format", "docx", "html")
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    result = call("build", "weekly", "--config", str(config), "--as-of", "2019-11-25",
                  "--format", "docx", "--format", "pdf", env=no_soffice(tmp_path))
    assert result.returncode == 4
    assert "error: could not build weekly as of 2019-11-25: LibreOffice was not found" in \
        result.stderr
    assert "1 of 1 memo could not be built (weekly)" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(out) == before and parts(out) == []


# -- the disk --------------------------------------------------------------------------------

@pytest.mark.parametrize("blocked", ["memo folder", "edition folder"])
def test_one_memo_that_cannot_be_written_does_not_stop_the_others(tmp_path, blocked):
    config = write_config(tmp_path, port=25, cron="", extra=OVERVIEW)
    out = tmp_path / "output"
    # A file where the memo's folder should be: the memo cannot be written, whoever runs.
    target = out / "weekly" if blocked == "memo folder" else out / "weekly" / "2019-11-25"
    target.parent.mkdir(parents=True)
    target.write_text("a file where a folder should be\n")
    # A real process: --jobs 2 forks (never a pytest worker); this file's real `build`.
    result = cli("build", "--config", str(config), "--as-of", "2019-11-25", "--jobs", "2")
    assert result.returncode == 4, result.stderr
    assert "could not build weekly as of 2019-11-25: could not write" in result.stderr
    assert str(target) in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "a file where a folder should be\n"
    assert result.stdout.split() == [str(out / "overview" / "2019-11-25" /
                                          "overview_2019-11-25.html")]
    assert "overview_2019-11-25.html" in (out / "index.html").read_text()


# -- a bug in one memo --------------------------------------------------------------------------

def test_an_unexpected_error_in_one_memo_is_exit_5_and_the_others_are_built(tmp_path):
    config = write_config(tmp_path, port=25, cron="", extra=OVERVIEW)
    out = tmp_path / "output"
    args = ["build", "--config", str(config), "--as-of", "2019-11-25", "--jobs", "2"]
    result = cli(*args, runner=[HOOKED, "crash", "weekly", "--"])
    assert result.returncode == 5, result.stderr
    assert "weekly as of 2019-11-25: an unexpected error (ZeroDivisionError: a bug planted" \
        in result.stderr
    assert "--debug" in result.stderr and "Traceback" not in result.stderr
    assert memo_files(out, "weekly") == [] and memo_files(out, "overview")
    debug = cli("--debug", *args, runner=[HOOKED, "crash", "weekly", "--"])
    assert debug.returncode == 5
    assert "Traceback" in debug.stderr and "ZeroDivisionError" in debug.stderr


def test_an_unexpected_error_in_run_still_sends_the_others(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, extra=OVERVIEW)
    result = cli("run", "--config", str(config), "--now", MONDAY,
                 runner=[HOOKED, "crash", "weekly", "--"])
    assert result.returncode == 5, result.stderr
    assert "could not build weekly as of 2019-11-25: an unexpected error" in result.stderr
    assert [m.message["X-Reports-Memo"] for m in smtp_server.received] == [
        "overview 2019-11-25 r1"]
    # Fixed (the bug is gone): the next run builds and sends the weekly, and only it.
    again = call("run", "--config", str(config), "--now", "2019-11-25T07:20+09:00")
    assert again.returncode == 0, again.stderr
    assert sorted(m.message["X-Reports-Memo"] for m in smtp_server.received) == [
        "overview 2019-11-25 r1", "weekly 2019-11-25 r1", "weekly 2019-11-25 r1"]


def test_an_unexpected_error_for_one_recipient_does_not_stop_the_others(tmp_path,
                                                                         smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, backoff_minutes=5)
    broken = "japan.desk@example.org"
    result = cli("run", "--config", str(config), "--now", MONDAY,
                 runner=[HOOKED, "crash-mail", broken, "--"])
    assert result.returncode == 3, result.stderr
    assert f"could not deliver weekly as of 2019-11-25 (revision 1) to {broken} (attempt 1 " \
        "of 5): an unexpected error (ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.stderr
    assert [m.rcpt_tos for m in smtp_server.received] == [["director.asia@example.org"]]
    # The bug fixed, the next run after the backoff delivers it, once.
    again = call("run", "--config", str(config), "--now", "2019-11-25T07:20+09:00")
    assert again.returncode == 0, again.stderr
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == [
        "director.asia@example.org", broken]


# -- memo parameters checked before building ------------------------------------------------

@pytest.mark.parametrize(("params", "messages"), [
    ('issue = "gsomiaa"', ['memo "brief": issue "gsomiaa" is not an issue_id in the '
                           'workbook (did you mean "gsomia"?)']),
    ('issue = "no-such-topic"', ['memo "brief": issue "no-such-topic" is not an issue_id']),
])
def test_build_checks_every_memos_parameters_before_building_any(tmp_path, params, messages):
    actor = scheduled_memo("profile", "actor", params='actor = "moon-jaein"')
    brief = scheduled_memo("brief", "issue", params=params)
    config = write_config(tmp_path, port=25, cron="", extra=brief + actor)
    out = tmp_path / "output"
    result = call("build", "--config", str(config), "--as-of", "2019-11-25")
    assert result.returncode == 2
    for message in messages + ['memo "profile": actor "moon-jaein" is not an actor_id in the '
                               'workbook (did you mean "moon-jae-in"?)']:
        assert message in result.stderr
    assert "nothing was built" in result.stderr
    assert not out.exists() or snapshot(out) == {}


def test_run_with_a_wrong_memo_parameter_builds_the_others(tmp_path, smtp_server):
    brief = scheduled_memo("brief", "issue", params='issue = "gsomiaa"')
    config = write_config(tmp_path, port=smtp_server.port, extra=brief)
    result = call("run", "--config", str(config), "--now", MONDAY)
    assert result.returncode == 2  # a config error outranks the rest (README: exit codes)
    assert 'could not build brief as of 2019-11-25: memo "brief": issue "gsomiaa"' in \
        result.stderr
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == [
        "director.asia@example.org", "japan.desk@example.org"]  # the weekly went out


# -- the --format flag ---------------------------------------------------------------------------

@pytest.mark.parametrize("flags", [["--format", "docx", "html"],
                                   ["--format", "html", "--format", "docx", "html"]])
def test_format_flags_are_all_kept(tmp_path, flags):
    out = tmp_path / "out"
    result = call("build", "--kind", "weekly", "--as-of", "2019-11-25", "--out", str(out),
                  "--config", str(REPO / "reports.toml"), *flags)
    assert result.returncode == 0, result.stderr
    assert memo_files(out, "weekly") == [".memo.json", "weekly_2019-11-25.docx",
                                         "weekly_2019-11-25.html"]
