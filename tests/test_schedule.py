"""``run``: due-ness from cron and the run record, catch-up, unchanged inputs, a week."""

from __future__ import annotations

import html
import logging
import re
import subprocess
import sys
from dataclasses import asdict
from datetime import date, datetime, timedelta

import pytest
from fixtures_mail import (
    RECIPIENTS,
    REPO,
    add_distribution,
    add_event,
    copy_workbook,
    run_due,
    set_stance,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.config.load import MemoConfig, load_config
from reports.config.tables import Schedule
from reports.errors import EXIT_OK, EXIT_USAGE, EXIT_WORKBOOK
from reports.schedule.record import RunRecord
from reports.schedule.record.store import run_lock
from reports.schedule.run import latest_fire_time

ADDRESSES = sorted(e for _, e in RECIPIENTS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def builds(cfg) -> list[dict]:
    with RunRecord.open(cfg.run_record_path) as ledger:
        rows = reversed(ledger.builds())
    return [asdict(b) | {"as_of": b.as_of.isoformat(), "snapshot": b.snapshot} for b in rows]


def build_count(cfg) -> int:
    """How many builds the run record holds (as ``len(builds(cfg))``, without making a
    dict of each build's snapshot: the simulated week counts after every run)."""
    with RunRecord.open(cfg.run_record_path) as ledger:
        return len(ledger.builds())


def deliveries(cfg) -> list[dict]:
    with RunRecord.open(cfg.run_record_path) as ledger:
        return [asdict(d) for d in ledger.deliveries()]


def memo_html(cfg, as_of: str) -> str:
    path = cfg.output / "weekly" / as_of / f"weekly_{as_of}.html"
    return html.unescape(path.read_text(encoding="utf-8"))


# -- fire times ----------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "fire"), [
    ("2019-11-25T07:00:00+09:00", "2019-11-25T07:00:00+09:00"),  # at the fire time: due
    ("2019-11-25T06:59:59.900+09:00", "2019-11-18T07:00:00+09:00"),
    ("2019-11-25T07:00:00.500+09:00", "2019-11-25T07:00:00+09:00"),
    ("2019-11-24T22:00:00+00:00", "2019-11-25T07:00:00+09:00"),  # same instant in UTC
    ("2019-11-24T21:59:00+00:00", "2019-11-18T07:00:00+09:00"),
    ("2019-12-01T23:00:00+09:00", "2019-11-25T07:00:00+09:00"),
])
def test_latest_fire_time_at_or_before_now(now, fire):
    memo = MemoConfig(id="weekly", kind="weekly",
                      schedule=Schedule("0 7 * * MON", "Asia/Seoul"))
    got = latest_fire_time(memo, at(now))
    assert got == at(fire)
    assert str(got.tzinfo) == "Asia/Seoul"


def test_as_of_is_the_fire_date_in_the_memo_zone(tmp_path, smtp_server):
    # Monday 07:00 in Seoul is still Sunday in UTC; the issue is as of Monday.
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    assert run_due(cfg, at("2019-11-24T22:30:00+00:00")) == EXIT_OK
    (build,) = builds(cfg)
    assert build["as_of"] == "2019-11-25" and build["fire_time"] == "2019-11-24T22:00:00Z"
    assert (cfg.output / "weekly" / "2019-11-25" / "weekly_2019-11-25.docx").exists()


# -- due-ness ------------------------------------------------------------------------------

def test_catch_up_once_after_downtime(tmp_path, smtp_server):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_OK
    # Down for three weeks: 2 Dec and 9 Dec were missed; only 16 Dec is built.
    assert run_due(cfg, at("2019-12-17T10:00+09:00")) == EXIT_OK
    assert run_due(cfg, at("2019-12-17T10:15+09:00")) == EXIT_OK
    assert [(b["as_of"], b["outcome"]) for b in builds(cfg)] == [
        ("2019-11-25", "done"), ("2019-12-16", "done")]
    assert smtp_server.count_by_recipient() == {a: 2 for a in ADDRESSES}


def test_memos_without_schedule_are_not_run(tmp_path, smtp_server):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, cron=""))
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_OK
    assert builds(cfg) == [] and smtp_server.received == []


def test_a_run_finding_the_lock_held_does_nothing(tmp_path, smtp_server, caplog):
    caplog.set_level(logging.INFO)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    with run_lock(cfg.run_record_path) as held:
        assert held
        assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_OK
    assert "another run is in progress" in caplog.text
    assert smtp_server.received == []
    assert not (cfg.output / "weekly").exists()


def test_unchanged_inputs_are_not_rebuilt_or_resent(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   cron="0 7,12,19,21 * * MON"))
    docx = cfg.output / "weekly" / "2019-11-25" / "weekly_2019-11-25.docx"
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_OK
    first = docx.stat().st_mtime_ns
    # 12:00, nothing changed: recorded as done without rendering or sending.
    assert run_due(cfg, at("2019-11-25T12:05+09:00")) == EXIT_OK
    assert docx.stat().st_mtime_ns == first
    assert [b["outcome"] for b in builds(cfg)] == ["done", "skipped"]
    assert len(smtp_server.received) == 2
    # 19:00, a Distribution sheet now names the readers: same files, so only the new
    # reader gets revision 1; those who had it do not get it again.
    add_distribution(workbook, [("weekly", "New Reader", "new.reader@example.org", "yes")])
    assert run_due(cfg, at("2019-11-25T19:05+09:00")) == EXIT_OK
    assert [b["outcome"] for b in builds(cfg)][-1] == "same"
    assert smtp_server.count_by_recipient() == {**{a: 1 for a in ADDRESSES},
                                                "new.reader@example.org": 1}
    # 21:00, a stance is corrected: a new revision, sent to the current readers.
    set_stance(workbook, "rok-government", "gsomia", date(2019, 11, 22), "supports")
    assert run_due(cfg, at("2019-11-25T21:05+09:00")) == EXIT_OK
    last = builds(cfg)[-1]
    assert (last["outcome"], last["revision"]) == ("done", 2)
    newest = smtp_server.received[-1]
    assert newest.rcpt_tos == ["new.reader@example.org"]
    assert newest.message["Message-ID"].startswith("<weekly.2019-11-25.r2.")
    assert "revision 2" in newest.message["Subject"]
    assert len(smtp_server.received) == 4


def test_workbook_errors_exit_1_and_the_next_run_builds(tmp_path, smtp_server, caplog):
    workbook = copy_workbook(tmp_path)
    good = workbook.read_bytes()
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook))
    workbook.write_bytes(b"this is not a workbook")
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_WORKBOOK
    (failed,) = builds(cfg)
    assert failed["outcome"] == "failed" and failed["error"]
    assert "nothing was built" in caplog.text
    assert smtp_server.received == []
    workbook.write_bytes(good)
    assert run_due(cfg, at("2019-11-25T07:20+09:00")) == EXIT_OK
    assert [b["outcome"] for b in builds(cfg)] == ["failed", "done"]
    assert len(smtp_server.received) == 2


@pytest.fixture
def restore_logging():
    """``cli.main`` sets up the root logger (stderr, log file); put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_history_command(tmp_path, smtp_server, capsys, restore_logging):
    from reports.cli import main

    config = write_config(tmp_path, port=smtp_server.port)
    assert main(["history", "--config", str(config)]) == EXIT_OK
    assert "no builds or deliveries recorded yet" in capsys.readouterr().out
    assert not load_config(config).run_record_path.exists()
    assert main(["run", "--config", str(config), "--now", "2019-11-25T07:05+09:00"]) == EXIT_OK
    capsys.readouterr()
    assert main(["history", "weekly", "--config", str(config)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "weekly 2019-11-25 r1" in out and "weekly_2019-11-25.docx" in out
    assert out.count(" sent ") == 2 and "director.asia@example.org" in out
    assert main(["history", "weekly", "--wide", "--config", str(config)]) == EXIT_OK
    assert "2019-11-24 22:00 UTC" in capsys.readouterr().out  # the fire time, the desk's zone
    assert main(["history", "overview", "--config", str(config)]) == EXIT_USAGE
    assert 'no memo "overview"' in capsys.readouterr().err


# -- what the idle path loads ------------------------------------------------------------

def test_nothing_due_imports_nothing_heavy(tmp_path, smtp_server):
    """What keeps ``run`` with nothing due fast (its time is measured in bench/)."""
    config = write_config(tmp_path, port=smtp_server.port)
    cfg = load_config(config)
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_OK
    probe = ("import sys; from reports.cli import main; "
             f"code = main(['-q', 'run', '--config', {str(config)!r}, "
             "'--now', '2019-11-25T09:00+09:00']); "
             "heavy = [m for m in ('pandas', 'matplotlib', 'docx', 'docxtpl', 'openpyxl', "
             "'jinja2', 'email.mime', 'smtplib', 'filelock', 'asyncio', 'reports.pipeline', "
             "'reports.memo.make', 'reports.model.model') "
             "if m in sys.modules]; print(code, heavy)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "0 []"


# -- a week with cron every 15 minutes -------------------------------------------------------

def test_a_simulated_week_sends_the_weekly_once_with_new_since_last_edition(tmp_path,
                                                                          smtp_server):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook))
    step = timedelta(minutes=15)

    def week(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """Run every 15 minutes; (now, builds so far) whenever the count changed."""
        seen, changes, now = build_count(cfg), [], start
        while now <= end:
            assert run_due(cfg, now) == EXIT_OK
            count = build_count(cfg)
            if count != seen:
                changes.append((now, count))
                seen = count
            now += step
        return changes

    # Deployed on Sunday: the latest slot (Mon 18 Nov) is caught up: the first issue.
    assert run_due(cfg, at("2019-11-24T12:00+09:00")) == EXIT_OK
    assert [b["as_of"] for b in builds(cfg)] == ["2019-11-18"]
    assert "New since the last edition" not in memo_html(cfg, "2019-11-18")
    assert len(smtp_server.received) == 2

    # One week of cron: exactly one build and one email per recipient, at Mon 07:00.
    changes = week(at("2019-11-24T12:15+09:00"), at("2019-12-01T12:00+09:00"))
    assert changes == [(at("2019-11-25T07:00+09:00"), 2)]
    assert [(b["as_of"], b["outcome"], b["revision"]) for b in builds(cfg)] == [
        ("2019-11-18", "done", 1), ("2019-11-25", "done", 1)]
    week_mail = smtp_server.received[2:]
    assert sorted(r for m in week_mail for r in m.rcpt_tos) == ADDRESSES
    assert all("25 November 2019" in m.message["Subject"] for m in week_mail)
    text = memo_html(cfg, "2019-11-25")
    assert "New since the last edition" in text
    since = text[text.index('id="sec-since-last"'):text.index('id="sec-events"')]
    # the judgments of the week are new to readers of the 18 November edition; the
    # week's events are not repeated there (the memo's body tells them)
    assert since.count('status-new">new</span>') >= 2
    added = re.findall(r'Event added: "[^"]*" \((\d+ \w+ \d{4})\)', html.unescape(since))
    assert all(datetime.strptime(day, "%d %b %Y") <= datetime(2019, 11, 18) for day in added)

    # Staff edit the workbook: a back-dated event and a corrected stance.
    add_event(workbook, event_id="2019-11-20-backdated-call", date=datetime(2019, 11, 20),
              title="Seoul and Tokyo hold an unannounced working-level call",
              category="meeting", issues="gsomia", significance=2)
    set_stance(workbook, "rok-government", "gsomia", date(2019, 11, 10), "opposes")
    changes = week(at("2019-12-01T12:15+09:00"), at("2019-12-02T09:00+09:00"))
    assert changes == [(at("2019-12-02T07:00+09:00"), 3)]
    third = builds(cfg)[-1]
    assert (third["as_of"], third["outcome"]) == ("2019-12-02", "done")
    assert len(smtp_server.received) == 6
    text = memo_html(cfg, "2019-12-02")
    assert "New since the last edition" in text
    assert 'Event added: "Seoul and Tokyo hold an unannounced working-level call" ' \
           "(20 Nov 2019)" in text
    assert "Position corrected: Government of South Korea on GSOMIA renewal (10 Nov 2019): " \
           "conditional to opposes" in text
    # The record keeps what the issue held, for the next one.
    assert third["snapshot"]["positions"]["rok-government|gsomia|2019-11-10"] == "opposes"
    assert "2019-11-20-backdated-call" in third["snapshot"]["events"]
    # Every message went out once.
    assert set(smtp_server.message_ids().values()) == {1}
    assert {d["outcome"] for d in deliveries(cfg)} == {"sent"}
