"""Clearance on the command line, against a real SMTP server on loopback.

A scheduled edition of a memo with clearers is built as a draft: archived and recorded,
not published or sent, its clearers (users of the site with that address, the role and
the level) mailed a link once. ``approve`` issues it: published, one message per reader,
exactly once however often it is approved. ``return`` mails the editors the comment and
sends nothing; the edition waits (one line a run, nothing recorded) until the workbook
changes, then a new revision is a new draft. A newer revision supersedes a draft; the
deadline is reported to the operator once; ``send`` and ``build`` never go around it;
approving or returning nothing is exit 2 with a sentence saying why.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from clitools import call
from fixtures_mail import (
    RECIPIENTS,
    copy_workbook,
    run_due,
    set_stance,
    smtp_server_fixture,  # noqa: F401 (the fixture)
    write_config,
)

from reports.config.load import load_config
from reports.errors import EXIT_OK, EXIT_USAGE, ConfigError
from reports.schedule.record import RunRecord
from reports.site.users import Users

MONDAY = "2019-11-25T07:05+09:00"
DAY = date(2019, 11, 25)
HEAD, EDITOR, OPERATOR = "head@example.org", "editor@example.org", "ops@example.org"
READERS = sorted(e for _, e in RECIPIENTS)
PASSWORD = "correct horse battery staple"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def cleared_config(folder: Path, port: int, *, clearers: tuple[str, ...] = (HEAD,),
                   cron: str = "0 7 * * MON", hours: float = 24, memo: str = "") -> Path:
    """One weekly memo cleared by ``clearers``, with editors, an operator and the site."""
    workbook = copy_workbook(folder)
    names = ", ".join(f'"{a}"' for a in clearers)
    return write_config(folder, port=port, workbook=workbook, cron=cron,
                        desk=f'editors = ["{EDITOR}"]\ntimezone = "Asia/Seoul"',
                        delivery=f'operator = "{OPERATOR}"',
                        extra=f"clearers = [{names}]\nclearance_hours = {hours}\n{memo}\n"
                              '[site]\nurl = "https://briefings.example.org/"\n')


def add_user(config: Path, name: str, role: str, level: str = "UNCLASSIFIED",
             email: str | None = None) -> None:
    cfg = load_config(config)
    Users(cfg.run_record_path, cfg.markings).add(name, role, level, PASSWORD, email=email)


@pytest.fixture(name="desk")
def desk_fixture(tmp_path, smtp_server):
    """A desk whose weekly memo is cleared by the site user "head"; nothing built yet."""
    config = cleared_config(tmp_path, smtp_server.port)
    add_user(config, "head", "clearer", email=HEAD)
    return config, smtp_server


@pytest.fixture(name="waiting")
def waiting_fixture(desk):
    """The desk after the Monday run: the edition of 25 November waits as a draft."""
    config, server = desk
    assert run_due(load_config(config), at(MONDAY)) == EXIT_OK
    return config, server


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def builds(config: Path) -> list:
    with RunRecord.open(load_config(config).run_record_path, readonly=True) as record:
        return list(reversed(record.builds("weekly")))


def to(server, address: str) -> list:
    return [r for r in server.received if address in r.rcpt_tos]


def body(received) -> str:
    return received.message.get_body(("plain",)).get_content()


# -- the draft ---------------------------------------------------------------------------------

def test_a_scheduled_edition_of_a_cleared_memo_waits_as_a_draft(waiting):
    config, server = waiting
    cfg = load_config(config)
    assert tree(cfg.output) == {}  # nothing published, no index
    (draft,) = builds(config)
    assert (draft.outcome, draft.revision, draft.issued) == ("done", 1, None)
    assert draft.clear_by == "2019-11-25T22:05:00Z"  # 24 hours after the run
    assert all(Path(p).is_relative_to(cfg.archive / "weekly" / "2019-11-25" / "r1")
               for p in draft.files.values())
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        assert record.deliveries() == []
        assert [d.id for d in record.waiting()] == [draft.id]
    (mail,) = server.received  # the clearer alone, once, with the link to the draft
    assert mail.rcpt_tos == [HEAD]
    assert "For clearance: Japan-South Korea weekly update, 25 November 2019" in \
        mail.message["Subject"]
    assert "https://briefings.example.org/drafts/weekly/2019-11-25" in body(mail)
    assert "2019-11-26 07:05 KST" in body(mail)  # the deadline, in the desk's zone
    # Later ticks neither rebuild it nor mail the clearer again.
    for moment in ("2019-11-25T07:10+09:00", "2019-11-25T12:00+09:00"):
        assert run_due(cfg, at(moment)) == EXIT_OK
    assert len(builds(config)) == 1 and len(server.received) == 1


def test_send_never_sends_a_draft(waiting):
    config, server = waiting
    result = call("send", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert result.returncode == EXIT_USAGE
    assert "is a draft not cleared" in result.stderr and "approve weekly" in result.stderr
    assert len(server.received) == 1 and tree(load_config(config).output) == {}


def test_a_build_by_hand_of_a_cleared_memo_is_a_draft_never_published(desk):
    config, _ = desk
    result = call("build", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert result.returncode == EXIT_OK, result.stderr
    cfg = load_config(config)
    assert tree(cfg.output) == {}
    assert sorted(tree(cfg.archive / "weekly" / "2019-11-25" / "draft")) == [
        ".memo.json", "weekly_2019-11-25.docx", "weekly_2019-11-25.html"]


@pytest.mark.parametrize(("role", "level", "email"), [
    ("reader", "UNCLASSIFIED", HEAD),  # not a clearer's role
    ("staff", "UNCLASSIFIED", HEAD),
    ("clearer", "UNCLASSIFIED", "other@example.org"),  # not the address the memo names
    (None, None, None),  # no user of the site at all
])
def test_a_clearer_who_cannot_clear_on_the_site_is_not_mailed(tmp_path, smtp_server, caplog,
                                                               role, level, email):
    config = cleared_config(tmp_path, smtp_server.port)
    if role is not None:
        add_user(config, "head", role, level, email)
    with caplog.at_level(logging.WARNING, logger="reports"):
        assert run_due(load_config(config), at(MONDAY)) == EXIT_OK
    assert smtp_server.received == []
    assert f"{HEAD} is named a clearer of weekly, but no user of the site" in caplog.text
    assert "--email head@example.org" in caplog.text


def test_a_clearer_below_the_memos_level_is_not_mailed(tmp_path, smtp_server, caplog):
    config = cleared_config(tmp_path, smtp_server.port,
                            memo='marking = "SECRET"\n[markings]\nlevels = ["UNCLASSIFIED", '
                                 '"SECRET"]\n[[memos]]\nid = "other"\nkind = "overview"')
    add_user(config, "head", "clearer", "UNCLASSIFIED", HEAD)
    with caplog.at_level(logging.WARNING, logger="reports"):
        assert run_due(load_config(config), at(MONDAY)) == EXIT_OK
    assert smtp_server.received == [] and "a clearer or admin at SECRET" in caplog.text


# -- approve ---------------------------------------------------------------------------------

def test_approve_issues_the_draft_once_one_message_per_reader(waiting):
    config, server = waiting
    cfg = load_config(config)
    result = call("approve", "weekly", "--as-of", "2019-11-25", "--by", "head", "--note",
                  "read on the phone", "--config", str(config))
    assert result.returncode == EXIT_OK, result.stderr
    assert "approved: weekly as of 2019-11-25 (revision 1), by head; published and sent to 2" \
        in result.stdout
    assert sorted(a for r in server.received[1:] for a in r.rcpt_tos) == READERS
    assert server.message_ids().most_common(1)[0][1] == 1
    for mail in server.received[1:]:
        assert "corrected" not in mail.message["Subject"]
    (draft,) = builds(config)
    assert draft.issued is not None
    published = cfg.output / "weekly" / "2019-11-25"
    for fmt, path in draft.files.items():
        assert (published / f"weekly_2019-11-25.{fmt}").read_bytes() == Path(path).read_bytes()
    assert "weekly/2019-11-25/weekly_2019-11-25.html" in (cfg.output / "index.html").read_text()
    history = call("history", "weekly", "--config", str(config))
    assert "approved  head  command line" in history.stdout
    assert "read on the phone" in history.stdout
    import json

    (decision,) = json.loads(call("history", "weekly", "--json", "--config",
                                  str(config)).stdout)["clearances"]
    assert (decision["action"], decision["by"], decision["note"], decision["revision"]) == (
        "approved", "head", "read on the phone", 1)
    # Approving again sends nothing twice; returning it now is refused.
    again = call("approve", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert again.returncode == EXIT_OK and "nothing was sent twice" in again.stdout
    none = call("approve", "weekly", "--config", str(config))  # the newest waiting: none
    assert none.returncode == EXIT_USAGE and "weekly has no draft waiting" in none.stderr
    assert len(server.received) == 3
    back = call("return", "weekly", "--as-of", "2019-11-25", "--note", "too late",
                "--config", str(config))
    assert back.returncode == EXIT_USAGE
    assert "was approved by head" in back.stderr and "cannot be returned" in back.stderr
    assert len(server.received) == 3
    # The next runs neither rebuild nor send it.
    assert run_due(cfg, at("2019-11-25T09:00+09:00")) == EXIT_OK
    assert len(server.received) == 3


def test_a_reader_refused_when_approved_is_retried_not_the_others(waiting):
    config, server = waiting
    server.handler.fail_next("451")  # the first reader's message: a passing refusal
    result = call("approve", "weekly", "--config", str(config))
    assert result.returncode == 3, result.stderr
    assert "1 delivery is not done yet" in result.stderr
    assert len(server.received) == 2
    history = call("history", "weekly", "--wide", "--config", str(config)).stdout
    assert "451 4.3.0 Try again later" in history
    again = call("approve", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert again.returncode == EXIT_OK, again.stderr  # approving again retries it now
    assert "nothing was sent twice (sent now: 1)" in again.stdout
    assert sorted(a for r in server.received[1:] for a in r.rcpt_tos) == READERS


# -- return ----------------------------------------------------------------------------------

def test_return_mails_the_editors_and_sends_nothing_until_corrected(waiting, caplog):
    config, server = waiting
    cfg = load_config(config)
    result = call("return", "weekly", "--as-of", "2019-11-25", "--by", "head", "--note",
                  "The summit date in the second event is wrong", "--config", str(config))
    assert result.returncode == EXIT_OK, result.stderr
    assert f"returned: weekly as of 2019-11-25 (revision 1), by head; nothing was sent; " \
           f"told: {EDITOR}" in result.stdout
    (told,) = to(server, EDITOR)
    assert "Returned by the clearer: Japan-South Korea weekly update" in told.message["Subject"]
    assert "The summit date in the second event is wrong" in body(told)
    assert "https://briefings.example.org/memos/weekly?as_of=2019-11-25" in body(told)
    assert not any(to(server, a) for a in READERS) and tree(cfg.output) == {}
    # Due again, but nothing changed: one line per run, nothing recorded.
    for moment in ("2019-11-25T07:10+09:00", "2019-11-25T07:15+09:00"):
        with caplog.at_level(logging.WARNING, logger="reports"):
            caplog.clear()
            assert run_due(cfg, at(moment)) == EXIT_OK
        assert caplog.text.count("waits for the editors' correction") == 1
    assert len(builds(config)) == 1 and len(server.received) == 2
    again = call("return", "weekly", "--note", "again", "--config", str(config))
    assert again.returncode == EXIT_USAGE and "has no draft waiting" in again.stderr
    # Corrected: a new revision, a new draft, the clearer mailed again; approved, it is
    # the first sent, so not called a correction.
    set_stance(cfg.workbook, "rok-government", "gsomia", date(2019, 11, 10), "opposes")
    assert run_due(cfg, at("2019-11-25T07:20+09:00")) == EXIT_OK
    first, second = builds(config)
    assert (second.revision, second.issued) == (2, None)
    assert len(to(server, HEAD)) == 2 and "(revision 2)" in to(server, HEAD)[1].message[
        "Subject"]
    approve = call("approve", "weekly", "--config", str(config))
    assert approve.returncode == EXIT_OK, approve.stderr
    sent = [r for r in server.received if set(r.rcpt_tos) & set(READERS)]
    assert sorted(a for r in sent for a in r.rcpt_tos) == READERS
    assert all("corrected" not in r.message["Subject"] for r in sent)
    assert all(".r2." in r.message["Message-ID"] for r in sent)


def test_a_rebuild_with_the_same_files_as_a_returned_draft_still_waits(waiting, caplog):
    config, server = waiting
    cfg = load_config(config)
    assert call("return", "weekly", "--note", "check the sources", "--config",
                str(config)).returncode == EXIT_OK
    from reports.config.tables import Recipient

    cfg.memos[0].recipients.append(Recipient(email="new.reader@example.org"))  # not in files
    with caplog.at_level(logging.INFO, logger="reports"):
        assert run_due(cfg, at("2019-11-25T07:30+09:00")) == EXIT_OK
    latest = builds(config)[-1]
    assert (latest.outcome, latest.revision) == ("same", 1)
    assert "still waits for the editors' correction" in caplog.text
    assert len(to(server, HEAD)) == 1 and len(server.received) == 2  # nobody mailed again
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="reports"):
        assert run_due(cfg, at("2019-11-25T07:35+09:00")) == EXIT_OK
    assert "waits for the editors' correction" in caplog.text and len(builds(config)) == 2


# -- superseded, deadline, nothing to decide ---------------------------------------------------

def test_a_newer_revision_supersedes_a_draft(tmp_path, smtp_server):
    from reports.schedule.clearance import NoDraft, approve

    config = cleared_config(tmp_path, smtp_server.port, cron="0 7,10 * * MON")
    add_user(config, "head", "clearer", email=HEAD)
    cfg = load_config(config)
    assert run_due(cfg, at(MONDAY)) == EXIT_OK
    set_stance(cfg.workbook, "rok-government", "gsomia", date(2019, 11, 10), "opposes")
    assert run_due(cfg, at("2019-11-25T10:05+09:00")) == EXIT_OK
    assert [b.revision for b in builds(config)] == [1, 2]
    with pytest.raises(NoDraft, match="revision 1 of weekly as of 2019-11-25 was superseded "
                                      "by revision 2"):
        approve(cfg, "weekly", DAY, by="head", via="site", revision=1)
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        assert record.deliveries() == [] and record.clearances() == []
        assert [b.revision for b in record.waiting()] == [2]
    done = approve(cfg, "weekly", DAY, by="head", via="site", revision=2)
    assert done.decision.revision == 2 and done.sent == 2
    assert all(".r2." in r.message["Message-ID"] for r in smtp_server.received
               if set(r.rcpt_tos) & set(READERS))


def test_a_draft_past_its_deadline_is_reported_to_the_operator_once(tmp_path, smtp_server,
                                                                    caplog):
    config = cleared_config(tmp_path, smtp_server.port, hours=2)
    add_user(config, "head", "clearer", email=HEAD)
    cfg = load_config(config)
    assert run_due(cfg, at(MONDAY)) == EXIT_OK
    assert run_due(cfg, at("2019-11-25T09:04+09:00")) == EXIT_OK  # not yet
    assert to(smtp_server, OPERATOR) == []
    for moment in ("2019-11-25T09:06+09:00", "2019-11-25T12:00+09:00", "2019-11-26T07:00+09:00"):
        with caplog.at_level(logging.WARNING, logger="reports"):
            caplog.clear()
            assert run_due(cfg, at(moment)) == EXIT_OK
        assert "weekly as of 2019-11-25 (revision 1) waits for clearance: it was due to be " \
               "approved or returned by 2019-11-25 09:05 KST" in caplog.text
    (told,) = to(smtp_server, OPERATOR)
    assert "Not cleared in time: Japan-South Korea weekly update" in told.message["Subject"]
    assert "python run_reports.py approve weekly --as-of 2019-11-25" in body(told)
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        assert len(record.waiting()) == 1  # it still waits
    plan = call("run", "--dry-run", "--now", "2019-11-26T08:00+09:00", "--config", str(config))
    assert "waits for clearance past its deadline" in plan.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("approve", "weekly"), "weekly has no draft waiting for clearance (`python "
                            "run_reports.py history weekly`"),
    (("approve", "weekly", "--as-of", "2019-11-18"), "there is no draft of weekly as of "
                                                     "2019-11-18"),
    (("return", "weekly", "--note", "x"), "weekly has no draft waiting"),
    (("approve", "weekyl"), 'no memo "weekyl" in'),
    (("approve", "plain"), "plain has no draft waiting for clearance: it has no clearers in "
                           "the config, so its editions are issued as they are built"),
    (("return", "weekly", "--note", "   "), "say why it is returned"),
    (("return", "weekly"), "the following arguments are required: --note"),
    (("approve", "weekly", "--as-of", "25/11/2019"), "is not a date; use YYYY-MM-DD"),
])
def test_approve_or_return_with_nothing_to_decide_exits_2(desk, args, message):
    config, server = desk
    with config.open("a", encoding="utf-8") as extra:  # a memo without clearers
        extra.write('\n[[memos]]\nid = "plain"\nkind = "overview"\n')
    result = call(*args, "--config", str(config))
    assert result.returncode == EXIT_USAGE, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and server.received == []


def test_a_draft_is_never_an_earlier_edition_until_it_is_approved(waiting):
    config, _ = waiting
    cfg = load_config(config)
    next_week = date(2019, 12, 2)
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        assert record.previous_edition("weekly", next_week) is None
    assert call("approve", "weekly", "--config", str(config)).returncode == EXIT_OK
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        assert record.previous_edition("weekly", next_week).as_of == DAY


def test_the_dry_run_says_a_cleared_memo_would_be_a_draft(desk):
    config, server = desk
    plan = call("run", "--dry-run", "--now", MONDAY, "--config", str(config))
    assert plan.returncode == EXIT_OK, plan.stderr
    assert "would be built (docx, html) as a draft and its clearers mailed (head@example.org)" \
        in plan.stdout
    assert server.received == []


# -- the configuration -------------------------------------------------------------------------

@pytest.mark.parametrize(("memo", "site", "expected"), [
    ('clearers = ["head@example.org", "kim at example.org"]', True,
     "memos[0].clearers[1]: "),
    ('clearers = ["head@example.org"]', False,
     "site.url: is required when a memo has clearers"),
    ('clearance_hours = 12', True,
     "memos[0].clearance_hours: only a memo with clearers reads clearance_hours"),
    ('clearers = ["head@example.org"]\nclearance_hours = 0', True,
     "memos[0].clearance_hours: must be more than 0"),
    ('clearers = ["head@example.org"]\nclearance_hours = "a day"', True,
     "memos[0].clearance_hours: expected a number"),
    ('clearers = "head@example.org"', True, "memos[0].clearers: expected a list"),
    ('clearerz = ["head@example.org"]', True,
     'memos[0].clearerz: unknown key (did you mean "clearers"?)'),
])
def test_every_wrong_clearance_setting_is_refused_naming_its_key(tmp_path, memo, site,
                                                                  expected):
    config = write_config(tmp_path, port=25, extra=memo + (
        '\n[site]\nurl = "https://briefings.example.org"\n' if site else ""))
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert expected in str(caught.value)
    result = call("run", "--config", str(config))
    assert result.returncode == EXIT_USAGE and expected in result.stderr


@pytest.mark.parametrize(("url", "ok"), [
    ("https://briefings.example.org", True), ("http://127.0.0.1:8080/", True),
    ("https://intranet.example/briefings", True), ("briefings.example.org", False),
    ("ftp://briefings.example.org", False), ("https://", False),
    ("https://briefings.example.org/?x=1", False), ("https://x.org:port", False)])
def test_the_sites_address_must_be_a_web_address(tmp_path, url, ok):
    config = write_config(tmp_path, port=25, extra=f'clearers = ["{HEAD}"]\n[site]\n'
                                                    f'url = "{url}"\n')
    if ok:
        assert load_config(config).site.url == url.rstrip("/")
    else:
        with pytest.raises(ConfigError, match="is not the address of a web site"):
            load_config(config)


def test_clearers_on_a_memo_run_never_builds_are_refused(tmp_path):
    config = write_config(tmp_path, port=25, cron="", extra=f'clearers = ["{HEAD}"]\n'
                          '[site]\nurl = "https://briefings.example.org"\n')
    with pytest.raises(ConfigError, match=r"memos\[0\].clearers: only a scheduled memo is "
                                          "cleared"):
        load_config(config)


def test_a_rebuild_with_the_same_files_stays_the_draft_and_issues_once_uncleared(tmp_path,
                                                                                 smtp_server):
    config = cleared_config(tmp_path, smtp_server.port, cron="0 7,10,13 * * MON")
    add_user(config, "head", "clearer", email=HEAD)
    cfg = load_config(config)
    assert run_due(cfg, at(MONDAY)) == EXIT_OK
    from reports.config.tables import Recipient

    cfg.memos[0].recipients.append(Recipient(email="new.reader@example.org"))  # not in files
    assert run_due(cfg, at("2019-11-25T10:05+09:00")) == EXIT_OK
    first, again = builds(config)
    assert (again.outcome, again.revision, again.issued) == ("same", 1, None)
    assert len(smtp_server.received) == 1  # the clearer is not mailed again; nobody else
    # The memo no longer has clearers: its waiting draft is issued as it stands, once.
    cfg.memos[0].clearers = []
    assert run_due(cfg, at("2019-11-25T13:05+09:00")) == EXIT_OK
    assert builds(config)[0].issued is not None
    readers = sorted(a for r in smtp_server.received[1:] for a in r.rcpt_tos)
    assert readers == sorted([*READERS, "new.reader@example.org"])


def test_user_addresses_are_checked_listed_and_changed(tmp_path):
    config = cleared_config(tmp_path, 25)
    pw = PASSWORD + "\n"
    add = ["user", "add", "head", "--role", "clearer", "--level", "UNCLASSIFIED"]
    bad = call(*add, "--email", "head at example.org", "--config", str(config),
               stdin="")  # no password
    assert bad.returncode == EXIT_USAGE and "--email: " in bad.stderr  # asked: said first

    def user(*args: str) -> subprocess.CompletedProcess:
        return call("user", *args, "--config", str(config), stdin=pw)

    added = user("add", "head", "--role", "clearer", "--level", "UNCLASSIFIED", "--email",
                 "Head@Example.org")
    assert added.returncode == 0, added.stderr
    assert "email Head@Example.org" in added.stdout
    assert "Head@Example.org" in user("list").stdout
    changed = user("email", "head", "--email", "chief@example.org")
    assert changed.returncode == 0 and "head: email chief@example.org" in changed.stdout
    assert user("email", "head").returncode == EXIT_USAGE
    assert "needs --email" in user("email", "head").stderr
    assert "did you mean" in user("email", "haed", "--email", "x@example.org").stderr
    assert "--email goes with" in user("remove", "head", "--email", "x@example.org").stderr
    cfg = load_config(config)
    (found,) = Users(cfg.run_record_path, cfg.markings).all()
    assert found.email == "chief@example.org" and found.named_in(["CHIEF@example.org"])
