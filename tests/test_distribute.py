"""Distribution through a real SMTP server on loopback: who, what, exactly once, retries."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fixtures_mail import (
    DOCX_MIME,
    RECIPIENTS,
    MailServer,
    add_distribution,
    copy_workbook,
    parts,
    run_due,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.cli.listing import history
from reports.config.load import MemoConfig, load_config
from reports.config.tables import Recipient
from reports.delivery.messages import message_id
from reports.delivery.recipients import recipients_for
from reports.delivery.send import send_memo
from reports.errors import EXIT_OK, EXIT_UNDELIVERED, ConfigError
from reports.schedule.record import RunRecord

MONDAY = datetime.fromisoformat("2019-11-25T07:05+09:00")  # fires 0 7 * * MON Asia/Seoul
NOV25 = date(2019, 11, 25)
ADDRESSES = sorted(e for _, e in RECIPIENTS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def undated(eml: bytes) -> bytes:
    return re.sub(rb"\r\nDate: [^\r]*\r\n", b"\r\n", eml)


def docx_path(cfg, as_of="2019-11-25", memo="weekly") -> Path:
    return cfg.output / memo / as_of / f"{memo}_{as_of}.docx"


def deliveries(cfg) -> list[dict]:
    with RunRecord.open(cfg.run_record_path) as ledger:
        return [asdict(d) | {"as_of": d.as_of.isoformat()} for d in ledger.deliveries()]


def test_run_sends_each_recipient_the_built_docx(tmp_path, smtp_server):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    before = datetime.now(UTC).replace(microsecond=0)
    assert run_due(cfg, MONDAY) == EXIT_OK
    after = datetime.now(UTC)
    got = smtp_server.received
    assert sorted(r for m in got for r in m.rcpt_tos) == ADDRESSES
    built = docx_path(cfg).read_bytes()
    for message in got:
        assert message.mail_from == "desk@example.org"
        msg = message.message
        assert msg["Subject"] == "[U] Japan-South Korea weekly update, 25 November 2019"
        (rcpt,) = message.rcpt_tos
        assert rcpt in msg["To"] and "," not in msg["To"].addresses[0].addr_spec
        assert msg["Message-ID"] == message_id("weekly", NOV25, 1, rcpt)
        assert before <= msg["Date"].datetime <= after  # the time of sending
        files = message.attachments()
        name = "Japan-South Korea weekly update, 25 November 2019.docx"  # title and date
        assert list(files) == [name]
        mime, data = files[name]
        assert mime == DOCX_MIME and data == built
        body = msg.get_body(("plain",)).get_content()
        assert "25 November 2019" in body and name in body
        assert msg.get_body(("html",)).get_content().startswith("<!DOCTYPE html>")
    assert {d["outcome"] for d in deliveries(cfg)} == {"sent"}
    # Later runs the same day send nothing again.
    assert run_due(cfg, at("2019-11-25T09:00+09:00")) == EXIT_OK
    assert run_due(cfg, at("2019-11-28T09:00+09:00")) == EXIT_OK
    assert len(smtp_server.received) == 2


def test_flaky_server_ends_with_each_recipient_served_once(tmp_path, smtp_server, caplog):
    caplog.set_level(logging.INFO)
    smtp_server.handler.fail_next("drop", "451")  # first connection dies mid-DATA, then 451
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, backoff_minutes=5))
    assert run_due(cfg, MONDAY) == EXIT_UNDELIVERED
    assert smtp_server.received == []
    rows = deliveries(cfg)
    assert [(d["outcome"], d["attempts"]) for d in rows] == [("failed", 1), ("failed", 1)]
    assert all(d["next_attempt"] == "2019-11-24T22:10:00Z" for d in rows)  # now + 5 min
    assert "closed the connection" in rows[0]["error"] and "451" in rows[1]["error"]
    assert "the next run after 2019-11-24T22:10:00Z tries again" in caplog.text

    # Too early for the retry: nothing is tried, still undelivered.
    assert run_due(cfg, at("2019-11-25T07:08+09:00")) == EXIT_UNDELIVERED
    assert smtp_server.handler.attempts == 2

    # The server goes down completely: refused connections, backoff doubles.
    smtp_server.stop()
    assert run_due(cfg, at("2019-11-25T07:10+09:00")) == EXIT_UNDELIVERED
    rows = deliveries(cfg)
    assert [(d["outcome"], d["attempts"]) for d in rows] == [("failed", 2), ("failed", 2)]
    assert all(d["next_attempt"] == "2019-11-24T22:20:00Z" for d in rows)  # now + 10 min
    assert "cannot reach the SMTP server" in rows[0]["error"]

    # It recovers; the next due run delivers each message exactly once.
    smtp_server.start()
    assert run_due(cfg, at("2019-11-25T07:20+09:00")) == EXIT_OK
    assert smtp_server.count_by_recipient() == {a: 1 for a in ADDRESSES}
    assert [(d["outcome"], d["attempts"]) for d in deliveries(cfg)] == [("sent", 3)] * 2
    assert run_due(cfg, at("2019-11-25T08:00+09:00")) == EXIT_OK
    assert len(smtp_server.received) == 2
    # Retries of one revision keep the Message-ID.
    assert set(smtp_server.message_ids()) == {message_id("weekly", NOV25, 1, a)
                                              for a in ADDRESSES}


def test_one_recipient_failing_does_not_stop_the_others(tmp_path, smtp_server):
    smtp_server.handler.reject_rcpt.add("japan.desk@example.org")
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    assert run_due(cfg, MONDAY) == EXIT_UNDELIVERED  # 550: given up at once, reported
    assert smtp_server.count_by_recipient() == {"director.asia@example.org": 1}
    rows = {d["recipient"]: d for d in deliveries(cfg)}
    assert rows["director.asia@example.org"]["outcome"] == "sent"
    refused = rows["japan.desk@example.org"]
    assert refused["outcome"] == "gave-up" and refused["attempts"] == 1
    assert "550" in refused["error"] and "permanent" in refused["error"]
    # A permanent refusal is not retried by later runs, and not forgotten either ...
    assert run_due(cfg, at("2019-11-25T09:00+09:00")) == EXIT_UNDELIVERED
    assert len(smtp_server.received) == 1
    # ... but `send` tries again once the address is fixed on the server side.
    smtp_server.handler.reject_rcpt.clear()
    assert send_memo(cfg, "weekly", date(2019, 11, 25)) == EXIT_OK
    assert smtp_server.count_by_recipient() == {a: 1 for a in ADDRESSES}


def test_gives_up_after_max_attempts_and_reports(tmp_path, smtp_server, caplog):
    smtp_server.stop()
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, max_attempts=3,
                                   backoff_minutes=1, recipients=RECIPIENTS[:1]))
    times = ["11-25T07:05", "11-25T07:06", "11-25T07:08", "11-25T07:12", "11-25T07:30",
             "12-01T12:00"]
    codes = [run_due(cfg, at(f"2019-{t}+09:00")) for t in times]
    # Given up after the third attempt: not success; every later run says so (exit 3).
    assert codes == [EXIT_UNDELIVERED] * len(times)
    (row,) = deliveries(cfg)
    assert row["outcome"] == "gave-up" and row["attempts"] == 3
    assert "gave up delivering weekly as of 2019-11-25 (revision 1)" in caplog.text
    assert "send weekly --as-of 2019-11-25" in caplog.text
    assert "ack weekly --as-of 2019-11-25" in caplog.text
    assert caplog.text.count("was never delivered to director.asia@example.org") == 4
    smtp_server.start()
    assert send_memo(cfg, "weekly", date(2019, 11, 25)) == EXIT_OK
    assert smtp_server.count_by_recipient() == {"director.asia@example.org": 1}
    assert send_memo(cfg, "weekly", date(2019, 11, 25)) == EXIT_OK  # already sent: nothing
    assert len(smtp_server.received) == 1
    assert run_due(cfg, at("2019-12-01T13:00+09:00")) == EXIT_OK  # settled


def test_send_of_a_memo_built_by_the_build_command(tmp_path, smtp_server):
    from reports.pipeline import build

    cfg = load_config(write_config(tmp_path, port=smtp_server.port, cron=""))
    with pytest.raises(ConfigError, match="has not been built as of 2019-11-29"):
        send_memo(cfg, "weekly", date(2019, 11, 29))
    build(cfg, [cfg.memo("weekly")], date(2019, 11, 29))
    assert send_memo(cfg, "weekly", date(2019, 11, 29)) == EXIT_OK
    assert smtp_server.count_by_recipient() == {a: 1 for a in ADDRESSES}
    assert send_memo(cfg, "weekly", date(2019, 11, 29)) == EXIT_OK
    assert len(smtp_server.received) == 2
    # Sent: the edition is issued, and kept in the archive as sent. A build by hand of the
    # same day with other content never changes it: refused, or with force a draft.
    built = docx_path(cfg, "2019-11-29")
    issued_bytes = built.read_bytes()
    from reports.schedule.record import RunRecord

    with RunRecord.open(cfg.run_record_path) as record:
        kept = Path(record.issued_revision("weekly", date(2019, 11, 29)).files["docx"])
    assert kept.is_relative_to(cfg.archive) and kept.read_bytes() == issued_bytes
    from reports.tradecraft import Markings

    cfg.desk.marking, cfg.markings = "SECRET", Markings.single("SECRET")
    cfg.memo("weekly").marking = "SECRET"
    report = build(cfg, [cfg.memo("weekly")], date(2019, 11, 29))
    (refused,) = report.outcomes
    assert refused.status == "refused" and str(kept) in str(refused.error)
    assert built.read_bytes() == issued_bytes and kept.read_bytes() == issued_bytes
    report = build(cfg, [cfg.memo("weekly")], date(2019, 11, 29), force=True)
    (draft,) = report.outcomes
    assert draft.status == "draft" and draft.files["docx"].parent.name == "draft"
    assert draft.files["docx"].read_bytes() != issued_bytes
    assert built.read_bytes() == issued_bytes and kept.read_bytes() == issued_bytes
    assert send_memo(cfg, "weekly", date(2019, 11, 29)) == EXIT_OK
    assert len(smtp_server.received) == 2  # the draft is not sent


def test_dry_run_writes_deterministic_eml_files_and_sends_nothing(tmp_path, smtp_server):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port))
    assert run_due(cfg, MONDAY) == EXIT_OK
    before = [dict(d) for d in deliveries(cfg)]
    assert send_memo(cfg, "weekly", date(2019, 11, 25), dry_run=True) == EXIT_OK
    emls = sorted(cfg.outbox_path.rglob("*.eml"))
    assert len(emls) == 2
    first = [undated(p.read_bytes()) for p in emls]
    assert send_memo(cfg, "weekly", date(2019, 11, 25), dry_run=True) == EXIT_OK
    # The same bytes but for the Date: header (the time of writing them).
    assert [undated(p.read_bytes()) for p in sorted(cfg.outbox_path.rglob("*.eml"))] == first
    assert len(smtp_server.received) == 2  # only the run's
    assert [dict(d) for d in deliveries(cfg)] == before
    # The .eml is the very message the server got (same Message-ID, same attachment).
    import email
    from email.policy import default

    sent = {m.rcpt_tos[0]: m for m in smtp_server.received}
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=default)
        rcpt = msg["To"].addresses[0].addr_spec
        assert msg["Message-ID"] == sent[rcpt].message["Message-ID"]
        (part,) = list(msg.iter_attachments())
        assert part.get_content() == docx_path(cfg).read_bytes()
    assert parts(cfg.outbox_path) == []


def test_dry_run_without_any_run_record(tmp_path, smtp_server):
    from reports.pipeline import build

    cfg = load_config(write_config(tmp_path, port=smtp_server.port, cron=""))
    build(cfg, [cfg.memo("weekly")], date(2019, 11, 29))
    assert send_memo(cfg, "weekly", date(2019, 11, 29), dry_run=True) == EXIT_OK
    assert len(list(cfg.outbox_path.rglob("*.eml"))) == 2
    assert not cfg.run_record_path.exists()
    assert smtp_server.received == []


def test_distribution_sheet_wins_when_it_names_the_memo():
    memo = MemoConfig(id="weekly", kind="weekly",
                      recipients=[Recipient(name="Config", email="config@example.org")])
    sheet = [{"memo_id": "weekly", "name": "A", "email": "a@example.org", "active": True},
             {"memo_id": "weekly", "name": "B", "email": "b@example.org", "active": False},
             {"memo_id": "weekly", "name": "A again", "email": "A@example.org",
              "active": True},
             {"memo_id": "overview", "name": "C", "email": "c@example.org", "active": True}]
    assert [r.email for r in recipients_for(memo, sheet)] == ["a@example.org"]
    other = MemoConfig(id="issue-x", kind="issue", issue="x",
                       recipients=[Recipient(name="Config", email="config@example.org")])
    assert [r.email for r in recipients_for(other, sheet)] == ["config@example.org"]
    assert [r.email for r in recipients_for(memo, [])] == ["config@example.org"]
    only_inactive = [dict(sheet[1])]
    assert recipients_for(memo, only_inactive) == []  # paused by the sheet


def test_distribution_sheet_in_the_workbook(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    add_distribution(workbook, [("weekly", "Sheet Reader", "sheet.reader@example.org", "yes"),
                                ("weekly", "Former", "former@example.org", "no")])
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, workbook=workbook))
    assert run_due(cfg, MONDAY) == EXIT_OK
    assert smtp_server.count_by_recipient() == {"sheet.reader@example.org": 1}


def test_drop_folder_channel(tmp_path, smtp_server):
    drop = tmp_path / "share"
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, drop_folder=drop,
                                   recipients=RECIPIENTS[:1]))
    drop.mkdir()
    drop.chmod(0o500)  # the share is read-only for now
    try:
        code = run_due(cfg, MONDAY)
    finally:
        drop.chmod(0o700)
    rows = {d["channel"]: d for d in deliveries(cfg)}
    assert rows["email"]["outcome"] == "sent"
    import os

    if os.geteuid() != 0:  # root writes anyway
        assert code == EXIT_UNDELIVERED and rows["drop"]["outcome"] == "failed"
        assert "drop folder" in rows["drop"]["error"]
        assert run_due(cfg, at("2019-11-25T07:20+09:00")) == EXIT_OK
    rows = {d["channel"]: d for d in deliveries(cfg)}
    assert rows["drop"]["outcome"] == "sent" and rows["drop"]["recipient"] == str(drop)
    copied = sorted(p.name for p in (drop / "weekly").iterdir())
    assert copied == ["weekly_2019-11-25.docx", "weekly_2019-11-25.html"]
    assert (drop / "weekly" / "weekly_2019-11-25.docx").read_bytes() == \
        docx_path(cfg).read_bytes()
    assert parts(drop) == []


def test_login_from_environment_and_never_logged(tmp_path, monkeypatch):
    server = MailServer(auth=("desk-user", "s3cret-Pa55")).start()
    try:
        monkeypatch.setenv("REPORTS_SMTP_USER", "desk-user")
        monkeypatch.setenv("REPORTS_SMTP_PASSWORD", "s3cret-Pa55")
        cfg = load_config(write_config(tmp_path, port=server.port, recipients=RECIPIENTS[:1]))
        log_file = tmp_path / "run.log"
        handler = logging.FileHandler(log_file)
        logging.getLogger().addHandler(handler)
        old = logging.getLogger().level
        logging.getLogger().setLevel(logging.DEBUG)
        try:
            assert run_due(cfg, MONDAY) == EXIT_OK
            monkeypatch.setenv("REPORTS_SMTP_PASSWORD", "wrong-Pa55")
            cfg.memos[0].recipients.append(Recipient(name="Late", email="late@example.org"))
            assert send_memo(cfg, "weekly", date(2019, 11, 25)) == EXIT_UNDELIVERED
        finally:
            logging.getLogger().removeHandler(handler)
            logging.getLogger().setLevel(old)
            handler.close()
        assert server.handler.auth[0] == ("desk-user", "s3cret-Pa55")
        assert len(server.received) == 1
        text = log_file.read_text()
        assert "refused the login" in text and "REPORTS_SMTP_PASSWORD" in text
        assert "s3cret" not in text and "wrong-Pa55" not in text
        with RunRecord.open(cfg.run_record_path) as ledger:
            assert "s3cret" not in history(ledger) and "wrong-Pa55" not in history(ledger)
    finally:
        server.stop()


def test_mail_names_the_edition_and_briefs_the_reader_without_the_attachment(tmp_path,
                                                                             smtp_server):
    """An issue brief made by `build` and mailed by `send`: the subject is the edition's
    label after the banner, the body (text and HTML) carries the bottom line and what
    changed, read from the manifest `build` wrote."""
    import html as html_module
    import json

    from reports.pipeline import build

    config = write_config(tmp_path, port=smtp_server.port, cron="", memo_id="issue-gsomia",
                          kind="issue", extra='issue = "gsomia"', title="Issue brief",
                          recipients=RECIPIENTS[:1])
    cfg = load_config(config)
    build(cfg, [cfg.memo("issue-gsomia")], date(2019, 11, 29), jobs=1)
    folder = cfg.output / "issue-gsomia" / "2019-11-29"
    manifest = json.loads((folder / ".memo.json").read_text(encoding="utf-8"))
    summary = manifest["summary"]
    assert summary["bottom_line"] and summary["changes"]
    index = (cfg.output / "index.html").read_text(encoding="utf-8")
    assert "Issue brief: GSOMIA renewal, 29 November 2019" in index  # the index's title

    sent_from = datetime.now(UTC).replace(microsecond=0)
    assert send_memo(cfg, "issue-gsomia", date(2019, 11, 29)) == EXIT_OK
    (mail,) = smtp_server.received
    msg = mail.message
    assert msg["Subject"] == "[U] Issue brief: GSOMIA renewal, 29 November 2019"
    assert sent_from <= msg["Date"].datetime <= datetime.now(UTC)
    assert msg.get_content_type() == "multipart/mixed"
    body = next(msg.iter_parts())
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    page = msg.get_body(("html",)).get_content()
    assert text.startswith("UNCLASSIFIED\n\nIssue brief: GSOMIA renewal, 29 November 2019\n")
    assert "Bottom line" in text and "What changed" in text
    for line in summary["bottom_line"] + summary["changes"]:
        assert f"  - {line}\n" in text
        assert f"<li>{html_module.escape(line)}</li>" in page
    assert list(mail.attachments()) == ["Issue brief - GSOMIA renewal, 29 November 2019.docx"]
