"""The operator's commands on built editions: ``send`` and ``ack``.

``send MEMO_ID --as-of DATE`` delivers an edition to whoever has not had it yet: the
newest revision ``run`` recorded when its files are as built, else the files ``build``
wrote (recorded then as a new revision, with what the mail needs read from the memo's
manifest). Deliveries that failed or were given up are tried again at once. With
``--dry-run`` the messages are written as ``.eml`` files to the outbox and nothing is
recorded. Only the workbook's Distribution sheet is read, not validated with the rest.

A memo with clearers is sent only as a clearer approved it: ``send`` delivers its latest
issued revision and refuses a draft (``approve`` issues it).

``ack MEMO_ID --as-of DATE [--recipient ADDR]`` records that an operator accepts that
given-up deliveries of the edition will not be made (who and when, shown by
``history``), so later runs stop reporting them.
"""

from __future__ import annotations

import getpass
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

from reports.config.load import Config, MemoConfig
from reports.delivery.distribute import deliver, plan_deliveries
from reports.errors import (
    EXIT_OK,
    EXIT_UNDELIVERED,
    ConfigError,
    DeliveryError,
    WorkbookInvalid,
)
from reports.output.files import atomic_write, memo_path, sha256_file
from reports.output.manifest import read_manifest
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.store import iso, run_lock
from reports.text import plural

log = logging.getLogger(__name__)

LOCK_WAIT_SECONDS = 120  # how long ``send`` and ``ack`` wait for a running ``run``


def recipients(config: Config, memo: MemoConfig) -> list:
    """The edition's readers; the Distribution sheet's errors stop the command."""
    from reports.delivery.recipients import read_distribution, recipients_for

    rows, problems = read_distribution(config)
    if any(p.severity == "error" for p in problems):
        raise WorkbookInvalid(problems)
    people = recipients_for(memo, rows)
    if not people:
        log.warning("%s has no recipients: add recipients to its [[memos]] entry or rows to "
                    "the workbook's Distribution sheet", memo.id)
    return people


def _on_disk(config: Config, memo: MemoConfig, as_of: date) -> dict[str, Path]:
    found = {}
    for fmt in ("docx", "html", "pdf"):
        path = memo_path(config.published(memo), memo.id, as_of.isoformat(), fmt)
        if path.exists():
            found[fmt] = path
    return found


def current_build(config: Config, run_record: RunRecord, memo: MemoConfig, as_of: date, *,
                  record: bool) -> BuildRecord:
    """The edition to send: the newest recorded revision if its files are as built; else
    the files on disk (from ``build``) as a new revision, recorded when ``record``."""
    latest = run_record.latest_revision(memo.id, as_of)
    day = as_of.isoformat()
    if memo.clearers and (latest is None or latest.issued is None):
        what = f"{latest.edition} is a draft" if latest is not None else \
            f"{memo.id} as of {day} has no edition"
        raise ConfigError(f"{what} not cleared: {memo.id} is sent only once one of its "
                          "clearers approves its draft (on the site, or `python run_reports.py "
                          f"approve {memo.id} --as-of {day}`)")
    if latest is not None and all(
            Path(p).exists() and sha256_file(Path(p)) == latest.hashes.get(fmt)
            for fmt, p in latest.files.items()):
        return latest
    if memo.clearers:
        assert latest is not None
        raise ConfigError(f"the archived files of {latest.edition} are missing or changed "
                          f"({', '.join(latest.files.values())}); a cleared memo is sent only "
                          "as it was approved: restore them from the backup")
    disk = _on_disk(config, memo, as_of)
    rebuild = f"`python run_reports.py build {memo.id} --as-of {day}`"
    if not disk:
        if latest is not None:
            raise ConfigError(f"the files of {memo.id} as of {day} are missing from "
                              f"{config.published(memo)}; rebuild them with {rebuild}")
        raise ConfigError(f"{memo.id} has not been built as of {day}; build it first with "
                          f"{rebuild}")
    hashes = {fmt: sha256_file(p) for fmt, p in disk.items()}
    manifest = read_manifest(config.published(memo), memo.id, day) or {}
    mail = {k: manifest[k] for k in ("edition_label", "marking", "summary") if k in manifest}
    revision = (latest.revision if latest else 0) + 1
    files = {fmt: str(p) for fmt, p in disk.items()}
    if record:  # issued now: kept in the archive as sent
        from reports.output.editions import archived_folder, write_edition

        kept = write_edition(archived_folder(config.archive, memo.id, day, revision), memo,
                             day, {fmt: p.read_bytes() for fmt, p in disk.items()}, mail)
        files = {fmt: str(p) for fmt, p in kept.items()}
    stamp = iso()
    build = BuildRecord(
        id=0, memo_id=memo.id, as_of=as_of, fire_time=None, revision=revision,
        title=memo.title, trigger="send", workbook_sha256=None, template_sha256=None,
        config_sha256=None, files=files, hashes=hashes, started=stamp,
        finished=stamp, outcome="done", error=None,
        mail=mail if "edition_label" in mail else None)
    if record:
        with run_record.transaction():
            build.id = run_record.start_build(memo.id, as_of, fire_time=None, title=memo.title,
                                          inputs=(None, None, None), trigger="send")
            run_record.finish_build(build.id, outcome="done", revision=revision, files=files,
                                hashes=hashes, mail=build.mail, issued=True)
            run_record.supersede(memo.id, as_of, revision)
        build = run_record.build(build.id)
        log.info("recorded %s as of %s from the files in %s as revision %d", memo.id, day,
                 config.published(memo), revision)
    return build


def latest_as_of(config: Config, memo: MemoConfig) -> date:
    """The day of ``memo``'s latest edition: the latest issued (run record), or the latest
    built in its published folder; refused when there is none."""
    with RunRecord.open(config.run_record_path, create=False, readonly=True) as record:
        issued = record.latest_issued(memo.id)
    days = [issued.as_of] if issued else []
    folder = config.published(memo) / memo.id
    for child in folder.iterdir() if folder.is_dir() else ():
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if _on_disk(config, memo, day):
            days.append(day)
    if not days:
        raise ConfigError(f"{memo.id} has no edition yet; build it first with `python "
                          f"run_reports.py build {memo.id} --as-of DATE`")
    return max(days)


def send_memo(config: Config, memo_id: str, as_of: date | None = None,
              dry_run: bool = False) -> int:
    """``send MEMO_ID``: deliver an already built edition (``as_of``, default the latest)
    to whoever has not had it yet."""
    memo = config.memo(memo_id)
    if as_of is None:
        as_of = latest_as_of(config, memo)
        log.info("sending %s as of %s, its latest edition", memo.id, as_of.isoformat())
    if dry_run:
        return _dry_run(config, memo, as_of)
    readers = recipients(config, memo)
    with run_lock(config.run_record_path, wait=LOCK_WAIT_SECONDS) as held:
        if not held:
            raise DeliveryError(f"another run is still working after {LOCK_WAIT_SECONDS} s "
                                f"(lock {config.run_record_path}.lock); try again when it has "
                                "finished")
        with RunRecord.open(config.run_record_path) as run_record:
            return _send(config, run_record, memo, as_of, readers)


def _send(config: Config, run_record: RunRecord, memo: MemoConfig, as_of: date,
          readers: list) -> int:
    now = datetime.now(UTC)
    build = current_build(config, run_record, memo, as_of, record=True)
    plan_deliveries(config, run_record, build, readers, now)
    run_record.recover_sending(now)
    mine = run_record.deliveries(memo.id, as_of, build.revision)
    run_record.retry_now([d.id for d in mine if d.outcome in ("failed", "gave-up")], now)
    done = [d for d in mine if d.outcome == "sent"]
    if done:
        log.info("%s was already delivered to %s; not sent to them again",
                 build.edition, plural(len(done), "recipient"))
    todo = [d for d in run_record.deliveries(memo.id, as_of, build.revision)
            if d.outcome in ("pending", "failed")]
    deliver(config, run_record, todo, now)
    left = [d for d in run_record.deliveries(memo.id, as_of, build.revision)
            if d.outcome not in ("sent", "superseded", "acknowledged")]
    return EXIT_UNDELIVERED if left else EXIT_OK


def _dry_run(config: Config, memo: MemoConfig, as_of: date) -> int:
    from reports.delivery.messages import compose, message_id

    with RunRecord.open(config.run_record_path, create=False, readonly=True) as run_record:
        build = current_build(config, run_record, memo, as_of, record=False)
    folder = config.outbox_path / memo.id / as_of.isoformat()
    now = datetime.now(UTC)
    from reports.delivery.channels import SendFailed

    for person in recipients(config, memo):
        msg_id = message_id(memo.id, as_of, build.revision, person.email)
        try:
            msg = compose(config, build, person.name, person.email, msg_id, sent_at=now)
        except SendFailed as exc:
            raise DeliveryError(str(exc)) from None
        safe = re.sub(r"[^A-Za-z0-9@._-]+", "_", person.email)
        path = atomic_write(folder / f"{memo.id}_{as_of.isoformat()}_r{build.revision}_{safe}"
                                     ".eml", msg.as_bytes())  # the policy it is sent with
        log.info("dry run: wrote the message for %s to %s", person.email, path)
    if config.delivery.drop_folder:
        log.info("dry run: would copy %s to the drop folder %s", ", ".join(
            Path(p).name for p in build.files.values()), config.delivery.drop_folder)
    return EXIT_OK


def acknowledge(config: Config, memo_id: str, as_of: date, *, recipient: str | None = None,
                every: bool = False, note: str | None = None, by: str | None = None) -> list:
    """``ack``: given-up deliveries of the edition (to ``recipient``, or with ``every`` to
    all) are accepted as lost; the rows changed. A memo no longer configured may still be
    acknowledged (its deliveries are in the run record)."""
    if recipient is None and not every:
        raise ConfigError(f"say whose delivery of {memo_id} as of {as_of.isoformat()} will "
                          "not be made: --recipient ADDR, or --all for every given-up one")
    if recipient is not None and every:
        raise ConfigError("give --recipient ADDR or --all, not both")
    who = by or login_name()
    with run_lock(config.run_record_path, wait=LOCK_WAIT_SECONDS) as held:
        if not held:
            raise DeliveryError(f"another run is still working after {LOCK_WAIT_SECONDS} s; "
                                "try again when it has finished")
        with RunRecord.open(config.run_record_path) as run_record:
            rows = run_record.acknowledge(memo_id, as_of, recipient=recipient, by=who, note=note)
    what = f"{memo_id} as of {as_of.isoformat()}" + (f" to {recipient}" if recipient else "")
    if not rows:
        raise ConfigError(f"no given-up delivery of {what} to acknowledge "
                          f"(`python run_reports.py history {memo_id}` lists them)")
    for row in rows:
        log.info("acknowledged by %s: %s as of %s (revision %d) will not be delivered to %s",
                 who, row.memo_id, row.as_of.isoformat(), row.revision, row.target)
    return rows


def login_name() -> str:
    """Who is at the command line, for the run record's "by" (``unknown`` where the
    environment names nobody)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"
