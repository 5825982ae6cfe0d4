"""The run record (SQLite) and the 'new since the last issue' comparison it enables."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from reports.cli.listing import history
from reports.config.load import MemoConfig
from reports.errors import ConfigError
from reports.memo import changes
from reports.model.model import Model
from reports.model.records import Actor, Assessment, Event, Issue, Position, Source
from reports.schedule.record import SCHEMA_VERSION, RunRecord
from reports.schedule.record.store import iso, run_lock

NOW = datetime(2019, 11, 24, 22, 5, tzinfo=UTC)
INPUTS = ("wb", "tpl", "cfg")
NOV18, NOV25, DEC02 = date(2019, 11, 18), date(2019, 11, 25), date(2019, 12, 2)


def new_build(ledger: RunRecord, as_of=NOV25, fire="2019-11-24T22:00:00Z", *,
              outcome="done", revision=1, hashes=None, snapshot=None, issued=True) -> int:
    build_id = ledger.start_build("weekly", as_of, fire_time=fire, title="Weekly",
                                  inputs=INPUTS)
    ledger.finish_build(build_id, outcome=outcome, revision=revision,
                        files={"docx": f"/out/weekly_{as_of}.docx"},
                        hashes=hashes or {"docx": "aa"}, snapshot=snapshot, issued=issued)
    return build_id


def add(ledger: RunRecord, build_id: int, recipient: str) -> bool:
    build = ledger.build(build_id)
    return ledger.add_delivery(build, recipient=recipient, name=None, channel="email",
                               message_id=f"<{recipient}.r{build.revision}>", now=NOW)


def test_schema_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "ledger.sqlite"
    with RunRecord.open(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"builds", "deliveries"} <= tables
    conn.close()
    with RunRecord.open(path) as ledger:  # reopening migrates nothing, keeps everything
        new_build(ledger)
    with RunRecord.open(path, create=False) as ledger:
        assert ledger.latest_revision("weekly", NOV25).revision == 1


def v1_record(path) -> None:
    """A run record as version 1 of the toolkit wrote it: a build and a given-up delivery."""
    from reports.schedule.record import MIGRATIONS

    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[1])
    conn.execute("INSERT INTO builds (memo_id, as_of, fire_time, revision, title, trigger, "
                 "files_json, hashes_json, started, finished, outcome) VALUES ('weekly', "
                 "'2019-11-25', '2019-11-24T22:00:00Z', 1, 'Weekly', 'run', "
                 "'{\"docx\": \"/out/w.docx\"}', '{\"docx\": \"aa\"}', "
                 "'2019-11-24T22:00:01Z', '2019-11-24T22:00:09Z', 'done')")
    conn.execute("INSERT INTO deliveries (build_id, memo_id, as_of, revision, recipient, name, "
                 "channel, message_id, attempts, outcome, error, created, updated) VALUES "
                 "(1, 'weekly', '2019-11-25', 1, 'a@x.org', 'A', 'email', '<m1>', 5, "
                 "'gave-up', '451 try later', '2019-11-24T22:00:09Z', '2019-11-25T01:00:00Z')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_version_1_record_is_migrated_and_keeps_everything(tmp_path):
    path = tmp_path / "ledger.sqlite"
    v1_record(path)
    with RunRecord.open(path) as ledger:
        (build,) = ledger.builds()
        assert (build.memo_id, build.as_of, build.revision, build.files) == (
            "weekly", NOV25, 1, {"docx": "/out/w.docx"})
        assert build.mail is None  # recorded before schema 2: the mail falls back to title
        (lost,) = ledger.given_up()
        assert (lost.recipient, lost.attempts, lost.acked_by) == ("a@x.org", 5, None)
        # What version 2 adds works on the migrated file.
        (acked,) = ledger.acknowledge("weekly", NOV25, recipient="A@X.org", by="ops",
                                      note="sent by hand")
        assert ledger.given_up() == []
        assert ledger.notices() == []
        assert ledger.add_notice("gave-up", "<m1>", recipient="ops@x.org", message_id="<n1>",
                                 subject="s", body={"heading": "h", "sections": []},
                                 attachment=None, now=NOW)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    row = conn.execute("SELECT outcome, acked_by, ack_note FROM deliveries").fetchone()
    assert row == ("acknowledged", "ops", "sent by hand")
    conn.close()
    with RunRecord.open(path) as ledger:  # reopening migrates nothing again
        assert len(ledger.notices()) == 1
        assert "acknowledged by ops" in history(ledger)


def test_acknowledging_given_up_deliveries(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        build_id = new_build(ledger)
        for address in ("a@x.org", "b@x.org", "c@x.org"):
            add(ledger, build_id, address)
        rows = ledger.due_deliveries(NOW)
        ledger.mark_gave_up(ledger.claim(rows[0].id).id, "550 no such user")
        ledger.mark_gave_up(ledger.claim(rows[1].id).id, "550 no such user")
        ledger.mark_sent(ledger.claim(rows[2].id).id)
        assert ledger.acknowledge("weekly", NOV18, recipient=None, by="ops", note=None) == []
        (one,) = ledger.acknowledge("weekly", NOV25, recipient="b@x.org", by="ops", note=None)
        assert one.recipient == "b@x.org"
        assert [d.recipient for d in ledger.given_up()] == ["a@x.org"]
        (other,) = ledger.acknowledge("weekly", NOV25, recipient=None, by="eve", note="gone")
        assert other.recipient == "a@x.org" and ledger.given_up() == []
        outcomes = {d.recipient: (d.outcome, d.acked_by) for d in ledger.deliveries()}
        assert outcomes == {"a@x.org": ("acknowledged", "eve"),
                            "b@x.org": ("acknowledged", "ops"), "c@x.org": ("sent", None)}


def test_notices_are_tried_like_deliveries_and_drop_their_attachment(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        body = {"heading": "h", "sections": [], "attachment": "w.xlsx"}
        assert ledger.add_notice("workbook-errors", "sha1", recipient="ed@x.org",
                                 message_id="<n1>", subject="s", body=body,
                                 attachment=b"PK", now=NOW)
        assert not ledger.add_notice("workbook-errors", "sha1", recipient="ed@x.org",
                                     message_id="<n1>", subject="s", body=body,
                                     attachment=b"PK", now=NOW)  # once per revision
        assert ledger.notice_exists("workbook-errors", "sha1")
        assert not ledger.notice_exists("workbook-errors", "sha2")
        (due,) = ledger.due_notices(NOW)
        claimed = ledger.claim_notice(due.id)
        assert claimed.attempts == 1 and ledger.claim_notice(due.id) is None
        ledger.notice_failed(claimed.id, "421 busy", NOW + timedelta(minutes=5))
        assert ledger.due_notices(NOW) == []
        again = ledger.claim_notice(ledger.due_notices(NOW + timedelta(minutes=5))[0].id)
        assert again.attachment == b"PK" and again.body == body
        ledger.notice_sent(again.id)
        (done,) = ledger.notices()
        assert (done.outcome, done.attempts, done.attachment) == ("sent", 2, None)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(Exception, match="newer version"):
        RunRecord.open(path)


def test_open_without_create_does_not_make_a_file(tmp_path):
    path = tmp_path / "nothing-yet.sqlite"
    with RunRecord.open(path, create=False) as ledger:
        text = history(ledger, None, 10)
    assert not path.exists()
    assert text == f"no builds or deliveries recorded yet in {path}"


def test_builds_revisions_and_previous_edition(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        assert ledger.last_done_fire_time("weekly") is None
        first = new_build(ledger, NOV18, "2019-11-17T22:00:00Z", snapshot={"v": 1})
        running = ledger.start_build("weekly", NOV25, fire_time="2019-11-24T22:00:00Z",
                                     title="Weekly", inputs=INPUTS)
        assert ledger.last_done_fire_time("weekly") == "2019-11-17T22:00:00Z"
        assert ledger.interrupt_running() == 1
        assert ledger.build(running).outcome == "interrupted"
        assert ledger.last_done_fire_time("weekly") == "2019-11-17T22:00:00Z"
        second = new_build(ledger, snapshot={"v": 2})
        third = new_build(ledger, revision=2, hashes={"docx": "bb"}, snapshot={"v": 3})
        assert ledger.latest_revision("weekly", NOV25).id == third
        assert ledger.latest_revision("weekly", NOV18).id == first
        previous = ledger.previous_edition("weekly", NOV25)
        assert previous.id == first and previous.snapshot == {"v": 1}
        assert previous.as_of == NOV18  # a date, like every as-of in the toolkit
        assert ledger.previous_edition("weekly", DEC02).id == third
        assert ledger.previous_edition("weekly", NOV18) is None
        skip = ledger.record_skip(ledger.build(third), fire_time="2019-11-25T03:00:00Z")
        skipped = ledger.build(skip)
        assert (skipped.outcome, skipped.revision, skipped.inputs) == ("skipped", 2, INPUTS)
        assert ledger.latest_completed("weekly", NOV25).id == skip
        assert ledger.latest_revision("weekly", NOV25).id == third  # not the skip
        assert ledger.last_done_fire_time("weekly") == "2019-11-25T03:00:00Z"
        assert second < third
        draft = new_build(ledger, DEC02, "2019-12-01T22:00:00Z", snapshot={"v": 4},
                          issued=False)  # awaiting clearance: never an earlier edition
        assert ledger.previous_edition("weekly", date(2019, 12, 9)).id == third
        assert ledger.issued_revision("weekly", DEC02) is None
        assert ledger.latest_issued("weekly").id == third
        assert ledger.latest_revision("weekly", DEC02).id == draft
        assert ledger.last_done_fire_time("weekly") == "2019-12-01T22:00:00Z"  # built: done


def test_deliveries_exactly_once_bookkeeping(tmp_path):
    path = tmp_path / "l.sqlite"
    with RunRecord.open(path) as ledger, RunRecord.open(path) as other:
        build_id = new_build(ledger)
        assert add(ledger, build_id, "a@x.org") and add(ledger, build_id, "b@x.org")
        assert not add(ledger, build_id, "a@x.org")  # same Message-ID: ignored
        due = ledger.due_deliveries(NOW)
        assert [d.recipient for d in due] == ["a@x.org", "b@x.org"]
        # Two runs racing for one delivery: only one claims it.
        claimed = ledger.claim(due[0].id)
        assert claimed.outcome == "sending" and claimed.attempts == 1
        assert other.claim(due[0].id) is None
        ledger.mark_sent(claimed.id)
        assert ledger.claim(claimed.id) is None  # sent is never tried again
        # A failure waits for its backoff.
        b = ledger.claim(due[1].id)
        ledger.mark_failed(b.id, "451 try later", NOW + timedelta(minutes=5))
        assert ledger.due_deliveries(NOW) == []
        assert [d.id for d in ledger.due_deliveries(NOW + timedelta(minutes=5))] == [b.id]
        # A run killed while sending leaves it in doubt: the next run tries again.
        b = ledger.claim(b.id)
        assert [d.id for d in ledger.deliveries_sending()] == [b.id]
        (doubt,) = ledger.recover_sending(NOW)
        assert doubt.id == b.id
        again = [d for d in ledger.deliveries() if d.id == b.id][0]
        assert again.outcome == "failed" and again.attempts == 2
        assert "stopped while sending" in again.error
        ledger.mark_gave_up(b.id, "gave up")
        assert [d.outcome for d in ledger.undelivered()] == []
        assert [d.id for d in ledger.given_up()] == [b.id]  # not done: reported
        ledger.retry_now([b.id], NOW)
        assert [(d.outcome, d.attempts) for d in ledger.undelivered()] == [("pending", 0)]


def test_a_new_revision_supersedes_undelivered_messages(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        one = new_build(ledger)
        add(ledger, one, "a@x.org")
        add(ledger, one, "b@x.org")
        ledger.mark_sent(ledger.claim(ledger.due_deliveries(NOW)[0].id).id)
        two = new_build(ledger, revision=2, hashes={"docx": "bb"})
        assert ledger.supersede("weekly", NOV25, 2) == 1
        add(ledger, two, "a@x.org")
        outcomes = {(d.recipient, d.revision): d.outcome for d in ledger.deliveries()}
        assert outcomes == {("a@x.org", 1): "sent", ("b@x.org", 1): "superseded",
                            ("a@x.org", 2): "pending"}


def test_transactions_roll_back_whole(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        build_id = new_build(ledger)
        with pytest.raises(RuntimeError), ledger.transaction():
            add(ledger, build_id, "a@x.org")
            ledger.finish_build(build_id, outcome="failed", revision=None)
            raise RuntimeError("crash in the middle")
        assert ledger.deliveries() == []
        assert ledger.build(build_id).outcome == "done"


def test_history_is_a_readable_table(tmp_path):
    with RunRecord.open(tmp_path / "l.sqlite") as ledger:
        build_id = new_build(ledger)
        add(ledger, build_id, "a@x.org")
        ledger.mark_failed(ledger.claim(ledger.due_deliveries(NOW)[0].id).id,
                           "cannot reach the SMTP server", NOW)
        text = history(ledger, "weekly", 10)
    lines = text.splitlines()
    assert lines[0] == 'Builds of "weekly", newest first (times in UTC)'
    assert lines[2].split() == ["#", "EDITION", "OUTCOME", "STARTED", "SECS", "FILES",
                                "/", "ERROR"]
    assert "weekly 2019-11-25 r1" in lines[3] and "weekly_2019-11-25.docx" in lines[3]
    assert any("a@x.org" in line and "failed" in line and "cannot reach" in line
               for line in lines)
    assert max(map(len, lines)) <= 100
    wide = history(ledger_at(tmp_path), "weekly", 10, zone="Asia/Seoul", wide=True)
    assert "FIRE TIME" in wide and "2019-11-25 07:00 KST" in wide  # fired 22:00 UTC


def ledger_at(tmp_path) -> RunRecord:
    return RunRecord.open(tmp_path / "l.sqlite", readonly=True)


def test_iso_is_utc_text_that_sorts():
    assert iso(datetime(2019, 11, 25, 7, 0, tzinfo=UTC)) == "2019-11-25T07:00:00Z"
    from zoneinfo import ZoneInfo

    seoul = datetime(2019, 11, 25, 7, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert iso(seoul) == "2019-11-24T22:00:00Z"


def test_run_lock_is_exclusive(tmp_path):
    path = tmp_path / "deep" / "l.sqlite"
    with run_lock(path) as first:
        assert first
        with run_lock(path) as second:
            assert not second
        with run_lock(path, wait=0.2) as waited:
            assert not waited
    with run_lock(path) as again:
        assert again


def test_run_lock_in_a_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="cannot take the run lock"):
        with run_lock(blocker / "ledger.sqlite"):
            pass


# -- what is new since the last edition --------------------------------------------------------

def fake_model(events, positions, assessments=()):
    """A model of these records (as if already cut to the memo's marking): one actor, one
    issue, and the source "future-source", published after every memo of the tests."""
    return Model(
        [Actor("moon", "Moon Jae-in", "KR", "person")],
        [Issue("gsomia", "GSOMIA renewal", "Will Seoul renew GSOMIA?")], events, positions,
        [Source("future-source", "Kyodo", "Later", published=date(2030, 1, 1))], [],
        list(assessments))


def event(event_id, day, title, issues=("gsomia",), actors=(), sources=(), significance=3):
    return Event(event_id=event_id, date=day, title=title, category="diplomatic",
                 issues=tuple(issues), actors=tuple(actors), sources=tuple(sources),
                 significance=significance)


def position(actor, issue, day, stance, sources=()):
    return Position(actor_id=actor, issue_id=issue, as_of=day, stance=stance, summary="",
                    sources=tuple(sources))


def judgment(issue, day, text, whose="desk"):
    return Assessment(issue_id=issue, as_of=day, judgment=text, whose=whose)


def snap(model, as_of=date(2019, 11, 25)):
    return changes.snapshot(model, "UNCLASSIFIED", "", as_of)


def test_since_last_edition_lists_added_and_corrected_records():
    old = fake_model(
        [event("e1", date(2019, 11, 22), "Seoul suspends its notice"),
         event("e2", date(2019, 11, 10), "Old title")],
        [position("moon", "gsomia", date(2019, 11, 19), "opposes")])
    previous = snap(old)
    new = fake_model(
        [event("e1", date(2019, 11, 22), "Seoul suspends its notice"),
         event("e2", date(2019, 11, 11), "New title"),
         event("e3", date(2019, 11, 5), "Back-dated meeting"),
         event("e4", date(2019, 12, 9), "After the as-of date"),
         event("e5", date(2019, 11, 6), "Not yet known", sources=("future-source",)),
         event("e6", date(2019, 11, 7), "Another issue", issues=("whitelist",))],
        [position("moon", "gsomia", date(2019, 11, 19), "conditional"),
         position("moon", "gsomia", date(2019, 11, 24), "neutral"),  # entered late
         position("moon", "gsomia", date(2019, 11, 26), "supports")])  # news: the body's
    weekly = MemoConfig(id="weekly", kind="weekly")
    got = changes.since_last_edition(previous, "2019-11-25", new, weekly, date(2019, 12, 2))
    assert got["previous_as_of"] == "2019-11-25"
    assert {r.pop("rank") for r in got["rows"]} == {0}  # every row's marking rank
    assert got["rows"] == [
        {"change": "added", "what": "event",
         "detail": 'Event added: "Back-dated meeting" (5 Nov 2019)'},
        {"change": "added", "what": "event",
         "detail": 'Event added: "Another issue" (7 Nov 2019)'},
        {"change": "corrected", "what": "event",  # the old title is not repeated
         "detail": 'Event corrected: "New title" (11 Nov 2019): title corrected; '
                   "date was 10 Nov 2019"},
        {"change": "corrected", "what": "position",
         "detail": "Position corrected: Moon Jae-in on GSOMIA renewal (19 Nov 2019): "
                   "opposes to conditional"},
        {"change": "added", "what": "position",
         "detail": "Position added: Moon Jae-in on GSOMIA renewal: neutral (24 Nov 2019)"},
    ]
    # An issue memo only hears about its own issue.
    brief = MemoConfig(id="issue-gsomia", kind="issue", issue="gsomia")
    rows = changes.since_last_edition(previous, "2019-11-25", new, brief, date(2019, 12, 2))
    assert not any("Another issue" in r["detail"] for r in rows["rows"])
    # Nothing changed: an empty list (the memo says so).
    same = changes.since_last_edition(previous, "2019-11-25", old, weekly, date(2019, 12, 2))
    assert same == {"previous_as_of": "2019-11-25", "rows": [], "left": 0, "judgments": {}}


def test_memos_of_one_cut_are_compared_alike_and_the_cut_is_not_kept():
    """The memos of one marking share their cut of the workbook, and with it the numbering
    the comparison makes of its records: each memo's rows are those it gets alone, and a
    cut that is dropped (the site's previews, a long-lived process) is freed."""
    import gc
    import weakref

    def models():
        return (fake_model([event("e1", date(2019, 11, 10), "Old title")], []),
                fake_model([event("e1", date(2019, 11, 11), "New title"),
                            event("e2", date(2019, 11, 5), "Back-dated", issues=("other",))],
                           [position("moon", "gsomia", date(2019, 11, 19), "opposes")]))

    memos = [MemoConfig(id="issue-gsomia", kind="issue", issue="gsomia"),
             MemoConfig(id="weekly", kind="weekly"),
             MemoConfig(id="actor-moon", kind="actor", actor="moon")]
    old, shared = models()
    previous = snap(old)
    numbered = []  # the sheets whose records were numbered (every row: no day given)

    def counted(sheet, names, known_on=None, columns=shared.columns):
        if known_on is None:
            numbered.append(sheet)
        return columns(sheet, names, known_on)

    shared.columns = counted
    together = [changes.since_last_edition(previous, "2019-11-25", shared, memo,
                                           date(2019, 12, 2)) for memo in memos]
    assert numbered == ["Events", "Positions"]  # once for the three memos
    del shared.columns, counted
    alone = [changes.since_last_edition(previous, "2019-11-25", models()[1], memo,
                                        date(2019, 12, 2)) for memo in memos]
    assert together == alone
    assert [len(r["rows"]) for r in together] == [2, 3, 1]
    # another cut (another marking: other rows, numbered otherwise) is numbered on its own
    other = fake_model([event("e0", date(2019, 11, 1), "First"),
                        event("e1", date(2019, 11, 12), "Retitled")], [])
    rows = changes.since_last_edition(previous, "2019-11-25", other, memos[1],
                                      date(2019, 12, 2))["rows"]
    assert [r["detail"] for r in rows] == [
        'Event added: "First" (1 Nov 2019)',
        'Event corrected: "Retitled" (12 Nov 2019): title corrected; date was 10 Nov 2019']
    gone = weakref.ref(shared)
    del shared
    gc.collect()
    assert gone() is None


def test_the_snapshot_holds_only_what_the_edition_could_show():
    """Events dated after the edition or not yet known are not in it: the next edition
    tells readers of them as new. Titles are kept as fingerprints only."""
    model = fake_model(
        [event("e1", date(2019, 11, 22), "Seoul suspends its notice"),
         event("e4", date(2019, 12, 9), "After the as-of date"),
         event("e5", date(2019, 11, 6), "Not yet known", sources=("future-source",))],
        [position("moon", "gsomia", date(2019, 11, 26), "supports")],
        [judgment("gsomia", date(2019, 11, 20), "Old view."),
         judgment("gsomia", date(2019, 11, 24), "View A."),
         judgment("gsomia", date(2019, 11, 24), "View B."),
         judgment("", date(2019, 11, 26), "Too late.")])
    got = snap(model)
    assert list(got["events"]) == ["e1"] and got["positions"] == {}
    assert "Seoul suspends" not in repr(got)
    assert got["judgments"] == {"gsomia": [["2019-11-24", "View A."],
                                           ["2019-11-24", "View B."]]}
    assert (got["version"], got["marking"], got["min_grade"]) == (3, "UNCLASSIFIED", "")


def test_what_left_the_memo_is_counted_in_scope_and_never_named():
    old = fake_model(
        [event("e1", date(2019, 11, 22), "Seoul suspends its notice"),
         event("e2", date(2019, 11, 10), "Withdrawn report"),
         event("e3", date(2019, 11, 9), "Other issue, withdrawn", issues=("whitelist",)),
         event("e4", date(2019, 11, 8), "Minor, withdrawn", significance=1)],
        [position("moon", "gsomia", date(2019, 11, 19), "opposes"),
         position("moon", "gsomia", date(2019, 11, 20), "conditional"),
         position("abe", "gsomia", date(2019, 11, 20), "supports")])
    previous = snap(old)
    new = fake_model([event("e1", date(2019, 11, 22), "Seoul suspends its notice")],
                     [position("moon", "gsomia", date(2019, 11, 19), "opposes")])
    for kind, extra, left in (("weekly", {}, 5), ("issue", {"issue": "gsomia"}, 4),
                              ("overview", {"significance_floor": 3}, 4),
                              ("issue", {"issue": "whitelist"}, 1)):
        memo = MemoConfig(id="m", kind=kind, **extra)
        got = changes.since_last_edition(previous, "2019-11-25", new, memo, date(2019, 12, 2))
        assert got["left"] == left, (kind, extra)
        assert "withdrawn" not in repr(got["rows"]).lower()


@pytest.mark.parametrize(("snapshot", "marking", "grade", "ok"), [
    ({"version": 3, "marking": "UNCLASSIFIED", "min_grade": ""}, "UNCLASSIFIED", "", True),
    ({"version": 3, "marking": "SECRET", "min_grade": ""}, "UNCLASSIFIED", "", False),
    ({"version": 3, "marking": "UNCLASSIFIED", "min_grade": ""}, "SECRET", "", False),
    ({"version": 3, "marking": "UNCLASSIFIED", "min_grade": "C3"}, "UNCLASSIFIED", "", False),
    ({"version": 2, "events": {}}, "UNCLASSIFIED", "", False),
    ({"version": 1}, "UNCLASSIFIED", "", False), (None, "UNCLASSIFIED", "", False)])
def test_an_edition_is_compared_only_with_one_cut_alike(snapshot, marking, grade, ok):
    """A snapshot of another marking (a memo whose marking was lowered), another minimum
    grade, or an older version (taken from the whole workbook) is never compared with."""
    assert changes.comparable(snapshot, marking, grade) is ok


def test_migration_drops_the_snapshots_taken_from_the_whole_workbook(tmp_path):
    path = tmp_path / "record.sqlite"
    v1_record(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE builds SET snapshot_json = ?", ('{"version": 2, "events": {}}',))
    conn.execute("INSERT INTO builds (memo_id, as_of, started, outcome, snapshot_json) "
                 "VALUES ('weekly', '2019-12-02', 'x', 'done', '{\"version\": 3}')")
    conn.commit()
    conn.close()
    with RunRecord.open(path) as ledger:
        assert [b.snapshot for b in ledger.builds()] == [{"version": 3}, None]


def test_judgment_changes_in_every_case():
    """Still in force: unchanged. Superseded by a newer row (the old one still in the
    workbook): replaced, quoting it. Gone from the memo's cut: revised, or withdrawn by its
    day alone. New on a key the previous edition did not judge: new."""
    then = [judgment("", date(2019, 11, 20), "Buys time."),
            judgment("gsomia", date(2019, 11, 20), "Holds."),
            judgment("trade", date(2019, 11, 20), "Talks resume."),
            judgment("wto", date(2019, 11, 20), "Case drags on."),
            judgment("japan", date(2019, 11, 20), "Two views, one."),
            judgment("japan", date(2019, 11, 20), "Two views, two.")]
    previous = snap(fake_model([], [], then))
    now = [then[0],  # unchanged
           then[1], judgment("gsomia", date(2019, 11, 24), "Holds, for now."),  # replaced
           judgment("trade", date(2019, 11, 20), "Talks resume slowly."),  # edited in place
           # wto: deleted outright -> withdrawn
           then[4], then[5],  # both still in force: neither is struck out
           judgment("export", date(2019, 11, 24), "New issue judged.")]
    got = changes.judgment_changes(previous, fake_model([], [], now), date(2019, 11, 25))
    assert set(got) == {"gsomia", "trade", "wto", "export"}
    assert got["gsomia"].changed == {0: changes.JudgmentChange("replaced", "2019-11-20",
                                                               "Holds.")}
    assert got["trade"].changed == {0: changes.JudgmentChange("revised", "2019-11-20")}
    assert got["wto"].changed == {} and got["wto"].withdrawn == ["2019-11-20"]
    assert got["export"].changed == {0: changes.JudgmentChange("new")}
    assert changes.judgment_changes(None, fake_model([], [], now), date(2019, 11, 25)) == {}


def test_the_snapshot_is_what_the_records_say_was_known_in_any_cut():
    """Random small workbooks: sources undated, published before or after the day, or
    missing from Sources; records citing none, some or all of them; marked records and
    sources cut away by ``within``. The snapshot (taken from the model's columns) holds
    exactly the events dated by the day and the positions as of it that the records say
    were known then (``Model.known``), whatever the cut."""
    import random

    rng = random.Random(20191122)
    days = [date(2019, 11, d) for d in range(10, 30)]
    checked = 0
    for _ in range(40):
        sources = [Source(f"s{i}", "Outlet", f"Story {i}",
                          published=rng.choice([None, *days, date(2030, 1, 1)]),
                          marking_rank=rng.choice([0, 0, 1]))
                   for i in range(rng.randint(0, 5))]
        cited = [s.source_id for s in sources] + ["missing"]

        def cites(cited: list[str] = cited) -> tuple[str, ...]:
            return tuple(rng.sample(cited, rng.randint(0, min(3, len(cited)))))

        events = [Event(event_id=f"e{i}", date=rng.choice(days), title=f"Event {i}",
                        category="diplomatic", issues=("gsomia",), sources=cites(),
                        significance=rng.randint(1, 5), marking_rank=rng.choice([0, 0, 1]))
                  for i in range(rng.randint(0, 12))]
        positions = [Position(actor_id="moon", issue_id="gsomia", as_of=day,
                              stance=rng.choice(["supports", "opposes"]), summary="",
                              sources=cites(), marking_rank=rng.choice([0, 0, 1]))
                     for day in sorted(rng.sample(days, rng.randint(0, 6)))]
        model = Model([Actor("moon", "Moon Jae-in", "KR", "person")],
                      [Issue("gsomia", "GSOMIA renewal", "Renewed?")], events, positions,
                      sources, [], [])
        for cut in (model, model.within(0)):
            for as_of in (days[0], rng.choice(days), days[-1]):
                got = snap(cut, as_of)
                want_events = {e.event_id for e in cut.events
                               if e.date <= as_of and cut.known(e.sources, as_of)}
                want_positions = {changes.position_key(p.actor_id, p.issue_id, p.as_of):
                                  p.stance for p in cut.positions
                                  if p.as_of <= as_of and cut.known(p.sources, as_of)}
                assert set(got["events"]) == want_events
                assert got["positions"] == want_positions
                for e in cut.events:
                    if e.event_id in want_events:
                        assert got["events"][e.event_id] == [
                            e.date.isoformat(), changes.fingerprint(e.title), list(e.issues),
                            list(e.actors), e.significance]
                checked += bool(want_events) + bool(want_positions)
    assert checked > 50  # the random workbooks did hold known records
