"""Editions are records: what was sent stays as sent; and the operator's day.

- A revision issued to readers is kept in the archive as sent, and nothing changes it: not
  a later revision, not a build by hand of the same day (refused, or with ``--force`` a
  draft beside it; the same bytes again: nothing written).
- ``run --dry-run`` says what is due and what would be built and sent to whom, and
  writes, records and sends nothing.
- ``send`` without ``--as-of`` sends the latest edition; ``ack`` names a recipient or says
  ``--all``.
- While the workbook (or the templates) stay as broken as the last run found them, later
  runs add no record and say it in one line; a failure that comes back after a recovery
  is told again.
- ``history`` fits 100 columns, has a wide and a JSON form, times in the desk's zone,
  and "did you mean" for a misspelt memo id; ``-v`` is the toolkit's detail, not the
  libraries'.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from clitools import call, cli
from fixtures_mail import (
    RECIPIENTS,
    copy_workbook,
    run_due,
    set_cell,
    set_stance,
    smtp_server_fixture,  # noqa: F401 (the fixture)
    write_config,
)

from reports.config.load import load_config
from reports.errors import EXIT_OK, EXIT_USAGE, EXIT_WORKBOOK
from reports.schedule.record import RunRecord

MONDAY = "2019-11-25T07:05+09:00"
ADDRESSES = sorted(e for _, e in RECIPIENTS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def issued(cfg, memo_id: str = "weekly", day: date = date(2019, 11, 25)):
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        return record.issued_revision(memo_id, day)


def revisions(cfg, memo_id: str = "weekly") -> list:
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        return [b for b in reversed(record.builds(memo_id)) if b.outcome == "done"]


# -- what was sent stays as sent ------------------------------------------------------------

@pytest.fixture(name="issued_desk")
def issued_desk_fixture(tmp_path, smtp_server):
    """A desk whose weekly edition of 25 November was issued by ``run`` (and sent)."""
    workbook = copy_workbook(tmp_path)
    config = write_config(tmp_path, port=smtp_server.port, workbook=workbook)
    assert run_due(load_config(config), at(MONDAY)) == EXIT_OK
    assert len(smtp_server.received) == 2
    return tmp_path, config, workbook, smtp_server


def test_a_new_revision_never_changes_the_issued_one(issued_desk):
    folder, config, workbook, server = issued_desk
    cfg = load_config(config)
    (first,) = revisions(cfg)
    kept = {fmt: Path(p).read_bytes() for fmt, p in first.files.items()}
    assert all(Path(p).is_relative_to(cfg.archive) for p in first.files.values())
    set_stance(workbook, "rok-government", "gsomia", date(2019, 11, 10), "opposes")
    assert run_due(cfg, at("2019-11-25T09:00+09:00")) == EXIT_OK  # due again? no: done
    # a correction to the edition of the day is made by the next fire time's run of the
    # same day only when due; force a rebuild of that day with another schedule slot
    cfg.memos[0].schedule.cron = "0 7,10 * * MON"
    assert run_due(cfg, at("2019-11-25T10:05+09:00")) == EXIT_OK
    first_again, second = revisions(cfg)
    assert (first_again.revision, second.revision) == (1, 2)
    assert {fmt: Path(p).read_bytes() for fmt, p in first_again.files.items()} == kept
    assert all("/r1/" in p for p in first.files.values())
    assert all("/r2/" in p for p in second.files.values())
    published = cfg.published(cfg.memos[0]) / "weekly" / "2019-11-25" / "weekly_2019-11-25.docx"
    assert published.read_bytes() == Path(second.files["docx"]).read_bytes() != kept["docx"]
    assert len(server.received) == 4  # revision 2 went to both readers, as a new message


@pytest.mark.parametrize("formats", [None, ["docx", "html"]])
def test_a_build_by_hand_never_overwrites_an_issued_edition(issued_desk, formats):
    folder, config, workbook, server = issued_desk
    cfg = load_config(config)
    published, archive = cfg.published(cfg.memos[0]), cfg.archive
    before = (snapshot_of(published), snapshot_of(archive))
    # the same workbook: the same bytes, nothing to write, exit 0
    same = call("build", "weekly", "--as-of", "2019-11-25", "--config", str(config),
                *(["--format", *formats] if formats else []))
    assert same.returncode == EXIT_OK, same.stderr
    assert (snapshot_of(published), snapshot_of(archive)) == before
    # another workbook: refused, saying where the issued copy is; nothing written
    set_stance(workbook, "rok-government", "gsomia", date(2019, 11, 10), "opposes")
    refused = call("build", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert refused.returncode == EXIT_USAGE
    assert "was issued to its readers (revision 1)" in refused.stderr
    assert str(archive / "weekly" / "2019-11-25" / "r1") in refused.stderr
    assert "--force" in refused.stderr
    assert (snapshot_of(published), snapshot_of(archive)) == before
    # with --force: a draft beside the archive; the issued files stay as they are
    forced = call("build", "weekly", "--as-of", "2019-11-25", "--force", "--config",
                  str(config))
    assert forced.returncode == EXIT_OK, forced.stderr
    draft = archive / "weekly" / "2019-11-25" / "draft"
    assert str(draft / "weekly_2019-11-25.docx") in forced.stdout
    assert snapshot_of(published) == before[0]
    assert {k: v for k, v in snapshot_of(archive).items() if not k.startswith(
        "weekly/2019-11-25/draft/")} == before[1]
    assert len(server.received) == 2  # a draft is never sent


def test_a_build_by_hand_of_a_day_never_issued_is_written_as_before(issued_desk):
    folder, config, _, _ = issued_desk
    done = call("build", "weekly", "--as-of", "2019-11-29", "--config", str(config))
    assert done.returncode == EXIT_OK, done.stderr
    cfg = load_config(config)
    assert (cfg.published(cfg.memos[0]) / "weekly" / "2019-11-29" /
            "weekly_2019-11-29.docx").exists()


# -- run --dry-run ---------------------------------------------------------------------------

@pytest.mark.parametrize("before", ["nothing yet", "issued", "a failed delivery"])
def test_a_dry_run_says_what_would_be_done_and_does_nothing(tmp_path, smtp_server, before):
    workbook = copy_workbook(tmp_path)
    config = write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                          cron="0 7 * * *")
    cfg = load_config(config)
    if before != "nothing yet":
        if before == "a failed delivery":
            smtp_server.handler.fail_next("451")
        run_due(cfg, at(MONDAY))
    received = len(smtp_server.received)
    state = {p: snapshot_of(p) for p in (tmp_path,)}
    done = call("run", "--dry-run", "--now", "2019-11-26T07:05+09:00", "--config", str(config))
    assert done.returncode == EXIT_OK, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "Dry run: nothing was written, recorded or sent."
    due = next(line for line in lines if line.startswith("weekly as of 2019-11-26"))
    assert "would be built (docx, html)" in due
    assert any(line.strip() == f"and sent to: {', '.join(e for _, e in RECIPIENTS)}"
               for line in lines)
    if before == "a failed delivery":
        assert any(line.startswith("Would retry: weekly as of 2019-11-25 (revision 1)")
                   for line in lines)
    assert {p: snapshot_of(p) for p in (tmp_path,)} == state  # not a byte written
    assert len(smtp_server.received) == received


def test_a_dry_run_on_a_broken_workbook_writes_nothing_either(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    config = write_config(tmp_path, port=smtp_server.port, workbook=workbook)
    workbook.unlink()
    state = snapshot_of(tmp_path)
    done = call("run", "--dry-run", "--now", MONDAY, "--config", str(config))
    assert done.returncode == EXIT_OK, done.stderr
    assert "cannot be read" in done.stdout and snapshot_of(tmp_path) == state


# -- send and ack ----------------------------------------------------------------------------

def test_send_without_a_date_sends_the_latest_edition(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, cron="")
    for day in ("2019-11-18", "2019-11-25"):
        built = call("build", "weekly", "--as-of", day, "--config", str(config))
        assert built.returncode == EXIT_OK, built.stderr
    sent = call("send", "weekly", "--config", str(config))
    assert sent.returncode == EXIT_OK, sent.stderr
    assert all("25 November 2019" in m.message["Subject"] for m in smtp_server.received)
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == ADDRESSES
    nothing = write_config(tmp_path / "other", port=smtp_server.port, cron="")
    none = call("send", "weekly", "--config", str(nothing))
    assert none.returncode == EXIT_USAGE and "has no edition yet" in none.stderr


@pytest.mark.parametrize(("flags", "said"), [
    ((), "--recipient ADDR, or --all"),
    (("--all", "--recipient", "a@example.org"), "not both"),
])
def test_ack_names_a_recipient_or_says_all(issued_desk, flags, said):
    _, config, _, _ = issued_desk
    done = call("ack", "weekly", "--as-of", "2019-11-25", *flags, "--config", str(config))
    assert done.returncode == EXIT_USAGE and said in done.stderr


# -- a broken workbook on every cron tick ----------------------------------------------------

def _break(kind: str, workbook: Path, templates: Path) -> None:
    if kind == "invalid":
        set_cell(workbook, "Events", "B3", "22/11/2019")
    elif kind == "missing":
        workbook.rename(workbook.with_suffix(".away"))
    else:
        html = templates / "memo.html"
        html.write_text(html.read_text(encoding="utf-8").replace("{{ memo.subject }}",
                                                                 "{{ memo.subject }"),
                        encoding="utf-8")


@pytest.mark.parametrize(("kind", "code"), [("invalid", EXIT_WORKBOOK),
                                            ("missing", EXIT_WORKBOOK),
                                            ("template", EXIT_USAGE)])
def test_while_broken_each_tick_records_nothing_more(tmp_path, smtp_server, caplog, kind,
                                                     code):
    workbook = copy_workbook(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", templates)
    config = write_config(tmp_path, port=smtp_server.port, workbook=workbook)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'templates = "', f'templates = "{templates}"\n# was: "'), encoding="utf-8")
    cfg = load_config(config)
    _break(kind, workbook, templates)
    ticks = [at(f"2019-11-25T07:{m:02d}+09:00") for m in (5, 10, 15, 20)]
    assert [run_due(cfg, now) for now in ticks] == [code] * 4
    with RunRecord.open(cfg.run_record_path, readonly=True) as record:
        failed = [b for b in record.builds() if b.outcome == "failed"]
    assert len(failed) == 1  # one per due memo, for this broken state, not one per tick
    assert caplog.text.count("nothing more is recorded until") == 3
    # the state changes (still broken): recorded again, once
    if kind == "invalid":
        set_cell(workbook, "Events", "B4", "23/11/2019")
        assert run_due(cfg, at("2019-11-25T07:25+09:00")) == code
        with RunRecord.open(cfg.run_record_path, readonly=True) as record:
            assert len([b for b in record.builds() if b.outcome == "failed"]) == 2


def test_a_failure_that_comes_back_after_a_recovery_is_told_again(tmp_path, smtp_server):
    workbook = copy_workbook(tmp_path)
    config = write_config(tmp_path, port=smtp_server.port, workbook=workbook,
                          cron="0 7 * * *", desk='editors = ["editor@example.org"]')
    cfg = load_config(config)
    away = workbook.with_suffix(".away")
    workbook.rename(away)
    assert run_due(cfg, at("2019-11-25T07:05+09:00")) == EXIT_WORKBOOK
    assert run_due(cfg, at("2019-11-25T07:10+09:00")) == EXIT_WORKBOOK
    told = [m for m in smtp_server.received if "editor@example.org" in m.rcpt_tos]
    assert len(told) == 1
    away.rename(workbook)
    assert run_due(cfg, at("2019-11-25T07:15+09:00")) == EXIT_OK  # recovered: built
    workbook.rename(away)  # weeks later, missing again: a new episode
    assert run_due(cfg, at("2019-12-16T07:05+09:00")) == EXIT_WORKBOOK
    assert run_due(cfg, at("2019-12-16T07:10+09:00")) == EXIT_WORKBOOK
    told = [m for m in smtp_server.received if "editor@example.org" in m.rcpt_tos]
    assert len(told) == 2


# -- the operator's listing and log ----------------------------------------------------------

def test_history_in_the_desks_zone_wide_json_and_did_you_mean(issued_desk):
    _, config, _, _ = issued_desk
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('sender = "Northeast Asia Desk"',
                                   'sender = "Northeast Asia Desk"\ntimezone = "Asia/Seoul"'),
                      encoding="utf-8")
    shown = call("history", "--config", str(config))
    assert shown.returncode == EXIT_OK, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Builds, newest first (times in Asia/Seoul)"
    assert max(map(len, lines)) <= 100
    wide = call("history", "--wide", "--config", str(config)).stdout
    assert "2019-11-25 07:00 KST" in wide  # the fire time, in the desk's zone
    data = json.loads(call("history", "--json", "--config", str(config)).stdout)
    assert {d["recipient"] for d in data["deliveries"]} == set(ADDRESSES)
    assert data["builds"][0]["fire_time"] == "2019-11-24T22:00:00Z"
    # every field but what the edition carries to the next (every event it could show)
    assert not {"snapshot", "snapshot_json"} & set(data["builds"][0])
    assert {"outcome", "revision", "hashes", "files", "mail"} <= set(data["builds"][0])
    wrong = call("history", "weekyl", "--config", str(config))
    assert wrong.returncode == EXIT_USAGE and 'did you mean "weekly"?' in wrong.stderr


def test_verbose_is_the_toolkits_detail_not_the_libraries(tmp_path, smtp_server):
    config = write_config(tmp_path, port=smtp_server.port, cron="")
    # A real process: what -v shows is what a new interpreter logs while importing and
    # first drawing (matplotlib's backend and font lookups); in this process those are
    # long done, and the test would pass whatever -v let through.
    done = cli("-v", "build", "weekly", "--as-of", "2019-11-25", "--config", str(config))
    assert done.returncode == EXIT_OK, done.stderr
    lines = done.stderr.splitlines()
    assert "DEBUG making weekly as of 2019-11-25 (docx, html), compared with nothing" in lines
    debug = [line for line in lines if line.startswith("DEBUG")]
    for noisy in ("matplotlib", "fontTools", "PIL", "findfont", "STREAM", "Loaded backend"):
        assert not any(noisy in line for line in debug), noisy
    assert len(debug) < 20  # charts were drawn afresh: matplotlib would say hundreds


def test_a_build_by_hand_in_other_formats_of_an_issued_day_is_refused_too(issued_desk):
    """An HTML page alone would differ from the issued one (it would not link the Word
    file): refused like any other difference, the issued files untouched."""
    _, config, _, _ = issued_desk
    cfg = load_config(config)
    before = snapshot_of(cfg.published(cfg.memos[0]))
    done = call("build", "weekly", "--as-of", "2019-11-25", "--format", "html", "--config",
                str(config))
    assert done.returncode == EXIT_USAGE and "was issued to its readers" in done.stderr
    assert snapshot_of(cfg.published(cfg.memos[0])) == before
