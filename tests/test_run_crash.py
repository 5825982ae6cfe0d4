"""``run`` as cron starts it: killed midway (SIGKILL), or two at once.

Each test starts ``python run_reports.py run`` as a real process. To kill one at a known
place the test starts it through ``tests/hooked_cli.py pause`` instead, which wraps the
package's own functions: the run writes the marker file when it reaches that point and
sleeps there until it is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from fixtures_mail import (
    RECIPIENTS,
    REPO,
    parts,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.config.load import load_config
from reports.schedule.record import RunRecord

MONDAY = "2019-11-25T07:05+09:00"
LATER = "2019-11-25T07:20+09:00"
ADDRESSES = sorted(e for _, e in RECIPIENTS)


HOOKED = Path(__file__).resolve().parent / "hooked_cli.py"


def env() -> dict:
    return {k: v for k, v in os.environ.items()
            if k not in ("REPORTS_SMTP_USER", "REPORTS_SMTP_PASSWORD")}


def start(config: Path, now: str, pause: str | None = None, marker: Path | None = None,
          seconds: float = 120) -> subprocess.Popen:
    command = ["run", "--config", str(config), "--now", now]
    program = [str(HOOKED), "pause", pause, str(marker), str(seconds), "--"] if pause else \
        ["run_reports.py"]
    return subprocess.Popen([sys.executable, *program, *command], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(config: Path, now: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run_reports.py", "run", "--config", str(config),
                           "--now", now], cwd=REPO, env=env(), capture_output=True, text=True,
                          timeout=300)


def wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before reaching the pause point:\n{proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the run did not reach the pause point in time")
        time.sleep(0.05)


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def assert_no_partial_files(output: Path) -> None:
    assert parts(output) == []
    for docx in output.rglob("*.docx"):
        with zipfile.ZipFile(docx) as archive:  # whole files only
            assert archive.testzip() is None


def ledger_state(config: Path) -> tuple[list[str], Counter]:
    cfg = load_config(config)
    with RunRecord.open(cfg.run_record_path) as ledger:
        builds = [b.outcome for b in reversed(ledger.builds())]
        sent = Counter(d.recipient for d in ledger.deliveries() if d.outcome == "sent")
    return builds, sent


@pytest.mark.parametrize(("point", "builds_after"), [
    ("before-render", ["interrupted", "done"]),
    ("after-render", ["interrupted", "done"]),  # files written but not recorded
    ("after-record", ["done"]),  # recorded; the deliveries are still to make
    ("before-send", ["done"]),  # the first message claimed but not sent
])
def test_killed_run_is_completed_by_the_next_exactly_once(tmp_path, smtp_server, point,
                                                          builds_after):
    config = write_config(tmp_path, port=smtp_server.port)
    output = tmp_path / "output"
    marker = tmp_path / "paused"
    proc = start(config, MONDAY, pause=point, marker=marker)
    wait_for(marker, proc)
    kill(proc)
    assert smtp_server.received == []
    assert_no_partial_files(output)

    result = run(config, LATER)
    assert result.returncode == 0, result.stderr
    assert_no_partial_files(output)
    assert smtp_server.count_by_recipient() == {a: 1 for a in ADDRESSES}
    builds, sent = ledger_state(config)
    assert builds == builds_after
    assert sent == {a: 1 for a in ADDRESSES}
    docx = (output / "weekly" / "2019-11-25" / "weekly_2019-11-25.docx").read_bytes()
    for message in smtp_server.received:
        [(name, (_, data))] = message.attachments().items()
        assert name.endswith(", 25 November 2019.docx") and data == docx
    # And nothing more afterwards.
    assert run(config, "2019-11-25T08:00+09:00").returncode == 0
    assert len(smtp_server.received) == 2


def test_killed_after_the_server_accepted_resends_with_the_same_message_id(tmp_path,
                                                                           smtp_server):
    """The one window SMTP cannot close: accepted, then killed before it was recorded.

    The next run cannot know whether the message went out, so it sends it again (never a
    silent miss) with the same Message-ID, by which mail systems recognise the copy.
    """
    config = write_config(tmp_path, port=smtp_server.port, recipients=RECIPIENTS[:1])
    marker = tmp_path / "paused"
    proc = start(config, MONDAY, pause="after-send", marker=marker)
    wait_for(marker, proc)
    kill(proc)
    assert len(smtp_server.received) == 1
    result = run(config, LATER)
    assert result.returncode == 0, result.stderr
    assert "stopped midway" in result.stderr
    ids = smtp_server.message_ids()
    assert list(ids.values()) == [2]  # one Message-ID, twice
    assert run(config, "2019-11-25T08:00+09:00").returncode == 0
    assert len(smtp_server.received) == 2


def test_killed_at_random_moments_leaves_whole_files_and_completes(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port)
    output = tmp_path / "output"
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.4):
        proc = start(config, MONDAY)
        time.sleep(delay)
        if proc.poll() is None:
            kill(proc)
        else:
            proc.communicate()
        for docx in output.rglob("*.docx"):  # a final file is always whole
            with zipfile.ZipFile(docx) as archive:
                assert archive.testzip() is None
    result = run(config, LATER)
    assert result.returncode == 0, result.stderr
    assert_no_partial_files(output)
    builds, sent = ledger_state(config)
    assert "running" not in builds and builds.count("done") == 1
    assert sent == {a: 1 for a in ADDRESSES}
    # Each reader has the one message (a kill in the instant between the server's "250"
    # and the record could add a copy with the same Message-ID; never a second issue).
    per_reader = {a: {m.message["Message-ID"] for m in smtp_server.received
                      if a in m.rcpt_tos} for a in ADDRESSES}
    assert all(len(ids) == 1 for ids in per_reader.values()), per_reader


def test_stale_part_files_are_cleaned(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port)
    output = tmp_path / "output"
    memo_dir = output / "weekly" / "2019-11-25"
    memo_dir.mkdir(parents=True)
    (memo_dir / ".weekly_2019-11-25.docx.x1y2z3.part").write_bytes(b"PK\x03\x04half")
    old = output / "overview" / "2019-11-20" / ".overview_2019-11-20.html.abc.part"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"<html")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh = output / "overview" / "2019-11-20" / ".overview_2019-11-20.docx.def.part"
    fresh.write_bytes(b"a build command may be writing this right now")
    result = run(config, MONDAY)
    assert result.returncode == 0, result.stderr
    assert parts(output) == [fresh]


def test_two_runs_at_once_send_each_message_once(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port)
    # Overlap for certain: the first holds the lock while paused after rendering.
    marker = tmp_path / "paused"
    first = start(config, MONDAY, pause="after-render", marker=marker, seconds=3)
    wait_for(marker, first)
    second = run(config, MONDAY)
    assert second.returncode == 0, second.stderr
    assert "another run is in progress" in second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert smtp_server.count_by_recipient() == {a: 1 for a in ADDRESSES}

    # And started in the same instant, as cron would on overlap.
    procs = [start(config, "2019-12-02T07:05+09:00") for _ in range(3)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1] for r in results]
    assert smtp_server.count_by_recipient() == {a: 2 for a in ADDRESSES}
    assert set(smtp_server.message_ids().values()) == {1}
    builds, _ = ledger_state(config)
    assert builds == ["done", "done"]
