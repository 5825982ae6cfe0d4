"""Failures reach people: the editors and the operator are mailed, through a real SMTP
server on loopback, once per workbook revision or given-up delivery, and every notice is
in the run record and ``history``."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
from clitools import call
from fixtures_mail import (
    RECIPIENTS,
    add_distribution,
    copy_workbook,
    run_due,
    set_cell,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.cli.listing import history
from reports.config.load import load_config
from reports.errors import EXIT_OK, EXIT_UNDELIVERED, EXIT_WORKBOOK
from reports.schedule.record import RunRecord

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITOR = "chief.editor@example.org"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def notices_to(server, address: str) -> list:
    return [m for m in server.received if address in m.rcpt_tos]


def every(start: int, end: int) -> list[datetime]:
    """Cron every five minutes from ``start`` to ``end`` minutes past 07:00 in Seoul."""
    return [at(f"2019-11-25T07:{m:02d}+09:00") for m in range(start, end, 5)]


def test_workbook_errors_reach_the_editors_once_per_revision(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    add_distribution(workbook, [("weekly", "Sheet Editor", "sheet.editor@example.org", "no",
                                 "yes"),
                                ("weekly", "Reader", "reader@example.org", "yes", "")],
                     columns=("memo_id", "name", "email", "active", "editor"))
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   desk=f'editors = ["{EDITOR}"]'))
    set_cell(workbook, "Events", "B3", "22/11/2019")
    # Cron every five minutes for half an hour: one message per editor, not six.
    assert [run_due(cfg, now) for now in every(5, 35)] == [EXIT_WORKBOOK] * 6
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == [
        EDITOR, "sheet.editor@example.org"]
    (mail,) = notices_to(smtp_server, EDITOR)
    msg = mail.message
    assert msg["Subject"] == ("[UNCLASSIFIED] The workbook workbook.xlsx has 1 error: the "
                              "memos due were not built")
    text = msg.get_body(("plain",)).get_content()
    assert 'Events!B3 (date): "22/11/2019" is not a date' in text
    assert "could not build weekly" in text and "validate" in text
    assert "22/11/2019" in msg.get_body(("html",)).get_content()
    (name, (mime, data)), = mail.attachments().items()
    assert (name, mime) == ("workbook-problems.xlsx", XLSX)
    copy = openpyxl.load_workbook(io.BytesIO(data))
    assert "is not a date" in copy["Events"]["B3"].comment.text
    assert "Problems" in copy.sheetnames

    # A new revision, still broken: told again, with what is wrong now.
    set_cell(workbook, "Events", "I4", "very")
    assert run_due(cfg, at("2019-11-25T07:40+09:00")) == EXIT_WORKBOOK
    assert run_due(cfg, at("2019-11-25T07:45+09:00")) == EXIT_WORKBOOK
    first, second = notices_to(smtp_server, EDITOR)
    assert "has 2 errors" in second.message["Subject"]
    assert "Events!I4 (significance)" in second.message.get_body(("plain",)).get_content()

    # Fixed: the memo is built and goes to its reader (the editor row is not active).
    set_cell(workbook, "Events", "B3", datetime(2016, 11, 1))
    set_cell(workbook, "Events", "I4", 3)
    assert run_due(cfg, at("2019-11-25T07:50+09:00")) == EXIT_OK
    assert [m.rcpt_tos for m in smtp_server.received[4:]] == [["reader@example.org"]]
    with RunRecord.open(cfg.run_record_path) as ledger:
        text = history(ledger)
        assert [(n.kind, n.outcome) for n in ledger.notices()] == \
            [("workbook-errors", "sent")] * 4
        assert all(n.attachment is None for n in ledger.notices())  # dropped once sent
    assert "Notices to editors and the operator" in text
    assert text.count("workbook-errors") == 4 and EDITOR in text


def test_a_workbook_that_cannot_be_read_is_told_once_without_a_copy(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   desk=f'editors = ["{EDITOR}", "second@example.org"]'))
    workbook.write_bytes(b"event_id,date\n1,2019-11-22\n")  # a CSV saved as .xlsx
    assert [run_due(cfg, now) for now in every(5, 20)] == [EXIT_WORKBOOK] * 3
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == [
        EDITOR, "second@example.org"]
    msg = notices_to(smtp_server, EDITOR)[0].message
    assert "cannot be read" in msg["Subject"]
    assert "is a text file" in msg.get_body(("plain",)).get_content()
    assert list(msg.iter_attachments()) == []
    # The file disappears altogether: another revision of the problem, told once.
    workbook.unlink()
    assert [run_due(cfg, now) for now in every(20, 35)] == [EXIT_WORKBOOK] * 3
    first, second = notices_to(smtp_server, EDITOR)
    assert "No such file or directory" in second.message.get_body(("plain",)).get_content()


def test_a_mail_server_refusing_notices_does_not_break_the_run(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   desk=f'editors = ["{EDITOR}"]', backoff_minutes=10))
    set_cell(workbook, "Positions", "A2", "moon-jaein")
    smtp_server.handler.fail_next("451", "drop")
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_WORKBOOK  # refused (451)
    assert run_due(cfg, at("2019-11-25T07:10+09:00")) == EXIT_WORKBOOK  # waits its backoff
    assert smtp_server.handler.attempts == 1
    assert run_due(cfg, at("2019-11-25T07:16+09:00")) == EXIT_WORKBOOK  # dropped mid-DATA
    smtp_server.stop()
    assert run_due(cfg, at("2019-11-25T07:40+09:00")) == EXIT_WORKBOOK  # server down
    smtp_server.start()
    assert run_due(cfg, at("2019-11-25T07:45+09:00")) == EXIT_WORKBOOK  # backoff: 40 min
    assert smtp_server.received == []
    assert run_due(cfg, at("2019-11-25T09:30+09:00")) == EXIT_WORKBOOK
    (mail,) = smtp_server.received  # delivered once, after three failures
    assert 'did you mean "moon-jae-in"' in mail.message.get_body(("plain",)).get_content()
    with RunRecord.open(cfg.run_record_path) as ledger:
        (notice,) = ledger.notices()
    assert (notice.outcome, notice.attempts) == ("sent", 4)


def test_no_editors_configured_is_said_once_per_revision(tmp_path, smtp_server, caplog):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook))
    set_cell(workbook, "Events", "B3", "22/11/2019")
    assert [run_due(cfg, now) for now in every(5, 20)] == [EXIT_WORKBOOK] * 3
    assert caplog.text.count("no editors or operator are configured: set [desk] editors "
                             "or [delivery] operator") == 1
    assert smtp_server.received == []
    with RunRecord.open(cfg.run_record_path) as ledger:
        assert [(n.kind, n.outcome, n.recipient) for n in ledger.notices()] == [
            ("workbook-errors", "nobody", "(nobody)")]


def test_with_no_editors_the_operator_is_told_of_workbook_errors(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   delivery='operator = "ops@example.org"'))
    set_cell(workbook, "Events", "B3", "22/11/2019")
    assert [run_due(cfg, now) for now in every(5, 20)] == [EXIT_WORKBOOK] * 3
    (notice,) = notices_to(smtp_server, "ops@example.org")  # once, to the operator
    body = notice.message.get_body(("plain",)).get_content()
    assert "Events!B3" in body and "You get this as the operator" in body


def test_a_given_up_delivery_is_reported_until_acknowledged(tmp_path, smtp_server):
    operator = "operator@example.org"
    config = write_config(tmp_path, port=smtp_server.port,
                          delivery=f'operator = "{operator}"')
    refused = RECIPIENTS[1][1]
    smtp_server.handler.reject_rcpt.add(refused)
    codes = [call("run", "--config", str(config), "--now", f"2019-11-25T07:{m:02d}+09:00")
             for m in (5, 10, 15)]
    assert [c.returncode for c in codes] == [EXIT_UNDELIVERED] * 3
    assert all(f"was never delivered to {refused}" in c.stderr for c in codes)
    (notice,) = notices_to(smtp_server, operator)  # the operator is told once
    msg = notice.message
    assert msg["Subject"] == (f"[UNCLASSIFIED] Delivery given up: Japan-South Korea weekly "
                              f"update, 25 November 2019 to {refused}")
    body = msg.get_body(("plain",)).get_content()
    assert "550" in body and "send weekly --as-of 2019-11-25" in body
    assert f"ack weekly --as-of 2019-11-25 --recipient {refused}" in body

    wrong = call("ack", "weekly", "--as-of", "2019-11-18", "--all", "--config", str(config))
    assert wrong.returncode == 2 and "no given-up delivery of weekly as of 2019-11-18" in \
        wrong.stderr
    ack = call("ack", "weekly", "--as-of", "2019-11-25", "--recipient", refused, "--by",
               "duty officer", "--note", "left the desk", "--config", str(config))
    assert ack.returncode == 0, ack.stderr
    assert f"acknowledged: weekly as of 2019-11-25 (revision 1) to {refused}" in ack.stdout
    after = call("run", "--config", str(config), "--now", "2019-11-25T07:20+09:00")
    assert after.returncode == EXIT_OK, after.stderr
    shown = call("history", "weekly", "--wide", "--config", str(config)).stdout
    assert "acknowledged by duty officer" in shown and "left the desk" in shown
    brief = call("history", "weekly", "--config", str(config)).stdout
    assert "acknowledged" in brief and max(map(len, brief.splitlines())) <= 100
    assert len(smtp_server.received) == 2  # the reader's memo and the operator's notice


def test_a_notice_a_killed_run_was_sending_is_sent_by_the_next_run(tmp_path, smtp_server):
    """A run killed while mailing the editors leaves the notice ``sending``: the next run
    sends it, even when no other notice is due, and only once."""
    workbook = copy_workbook(tmp_path)
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                                   desk=f'editors = ["{EDITOR}"]'))
    set_cell(workbook, "Events", "B3", "22/11/2019")
    smtp_server.stop()  # the first run records the notice but cannot send it
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_WORKBOOK
    smtp_server.start()
    with RunRecord.open(cfg.run_record_path) as ledger:
        (notice,) = ledger.notices()
        assert notice.outcome == "failed"
        assert ledger.claim_notice(notice.id) is not None  # as a run killed mid-send leaves it
        assert ledger.due_notices(at("2019-11-25T07:10+09:00")) == []
    assert run_due(cfg, at("2019-11-25T07:10+09:00")) == EXIT_WORKBOOK
    assert [m.rcpt_tos for m in smtp_server.received] == [[EDITOR]]
    assert run_due(cfg, at("2019-11-25T07:15+09:00")) == EXIT_WORKBOOK
    assert len(smtp_server.received) == 1
    with RunRecord.open(cfg.run_record_path) as ledger:
        assert [n.outcome for n in ledger.notices()] == ["sent"]
