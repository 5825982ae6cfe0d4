"""Failures reach people: notices to the workbook's editors and to the operator.

Staff never see cron's log, so ``run`` mails whoever can fix a failure:

- the workbook has errors (or cannot be read) when a scheduled memo is due: each editor
  (``[desk] editors`` and the Distribution sheet's ``editor`` rows) gets the problem list
  in the message and the annotated copy of the workbook attached, once per workbook
  revision (the sha256 of its bytes), not every five minutes;
- a delivery was given up: the operator (``[delivery] operator``) is told once per
  given-up delivery, with the two commands that settle it;
- a scheduled memo could not be built (its PDF, the disk, a broken template, a bug): the
  operator is told once per distinct failure (later runs retry the memo meanwhile).

Notices are queued in the run record (see :mod:`reports.schedule.record.notices`) and sent by
:func:`send_notices` like any delivery: a mail server that refuses them does not stop
the run, and they are retried by later runs.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from reports.config.load import Config, MemoConfig
from reports.delivery import channels
from reports.delivery.messages import compose_notice, mail_of, notice_id, sha8
from reports.errors import ReportsError
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.deliveries import Delivery
from reports.schedule.record.notices import BUILD_FAILED, DELIVERY_GAVE_UP, NOBODY, WORKBOOK_ERRORS
from reports.schedule.record.store import PENDING, iso
from reports.text import local_time, long_date, plural

log = logging.getLogger(__name__)

MAX_LISTED = 200  # problems listed in the message; the annotated copy has every one


def episode(run_record: RunRecord, memo_ids: list[str] | None = None) -> str:
    """Which failure episode a failure belongs to: it lasts until the next build that
    succeeds (of ``memo_ids``, or of any memo), so a failure that comes back after a
    recovery is a new episode, told again."""
    last = run_record.last_success_id(memo_ids)
    return f"after #{last}" if last is not None else "from the start"


def queue_workbook_errors(config: Config, run_record: RunRecord, sha256: str, error: ReportsError,
                          due: list[MemoConfig], now: datetime) -> int:
    """Queue the editors' notice for this workbook revision in this failure episode, unless
    it was queued already; how many messages were queued. With no editors configured the
    operator is told instead."""
    about = f"{sha256}|{episode(run_record)}"
    if run_record.notice_exists(WORKBOOK_ERRORS, about):
        log.info("the editors were told about this revision of the workbook already")
        return 0
    workbook = Path(config.workbook)
    problems = [p for p in getattr(error, "problems", []) if p.severity == "error"]
    people = [p.email for p in _editors(config, readable=bool(problems))]
    stand_in = not people and config.delivery.operator
    if stand_in:
        people = [config.delivery.operator]
    attachment, name = _annotated(workbook, getattr(error, "problems", []))
    marking = config.markings.levels[-1]  # the copy holds the whole workbook
    lines = [str(p) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more: every one is marked in the "
                     "attached copy")
    sections = [
        ["", [f"The scheduled run at {local_time(now, config.desk.timezone)} could not build "
              + ", ".join(m.id for m in due) + f" because the workbook {workbook.name} "
              + ("has errors." if problems else f"cannot be read: {error}")]
         + (["You get this as the operator: no editors of the workbook are configured "
             "([desk] editors, or editor = yes in its Distribution sheet)."]
            if stand_in else [])],
        *([["Errors", lines]] if lines else []),
        ["What to do", [
            "Fix each error in the workbook itself and save it"
            + (f"; the attached {name} shows each problem cell in colour with a comment, and a "
               "Problems sheet listing them (it is a copy: do not edit it)" if name else ""),
            "`python run_reports.py validate` lists every problem again",
            "The next scheduled run builds and sends what is due once the workbook is "
            "clean; you are told again only if a new revision still has errors"]]]
    subject = (f"[{marking}] The workbook {workbook.name} has {plural(len(problems), 'error')}: "
               "the memos due were not built") if problems else \
        f"[{marking}] The workbook {workbook.name} cannot be read: the memos due were not built"
    body = {"heading": subject.split("] ", 1)[1], "marking": marking, "sections": sections,
            "attachment": name}
    return _queue(run_record, WORKBOOK_ERRORS, about, people, subject, body,
                  attachment, now, "no editors or operator are configured: set [desk] editors "
                  "or [delivery] operator in the config, or mark editor = yes in the "
                  "Distribution sheet")


def queue_gave_up(config: Config, run_record: RunRecord, build: BuildRecord, delivery: Delivery,
                  error: str, now: datetime) -> int:
    """Queue the operator's notice of one given-up delivery."""
    mail = mail_of(build)
    as_of = build.as_of.isoformat()
    subject = f"Delivery given up: {mail['edition_label']} to {delivery.target}"
    if mail.get("marking"):
        subject = f"[{mail['marking']}] {subject}"
    body = {"heading": subject.split("] ", 1)[-1], "marking": mail.get("marking", ""),
            "attachment": None, "sections": [
                ["", [f"{build.edition} was not delivered to {delivery.target} after "
                      f"{plural(delivery.attempts, 'attempt')}.", f"The last error: {error}"]],
                ["What to do", [
                    f"Fix the cause, then send it: python run_reports.py send {build.memo_id} "
                    f"--as-of {as_of}",
                    f"Or accept that it will not be delivered: python run_reports.py ack "
                    f"{build.memo_id} --as-of {as_of} --recipient {delivery.recipient}",
                    "Until then every scheduled run reports it and exits with code 3"]]]}
    operator = [config.delivery.operator] if config.delivery.operator else []
    return _queue(run_record, DELIVERY_GAVE_UP, delivery.message_id, operator, subject, body,
                  None, now, "no operator address is configured: set [delivery] operator")


def queue_build_failed(config: Config, run_record: RunRecord, memo_ids: list[str], as_of: date,
                       error: str, now: datetime) -> int:
    """Queue the operator's notice that scheduled memos could not be built, once per
    distinct failure in a failure episode (the same error again on the next run is not
    told again; after the memos were built once, it is)."""
    about = (f"{','.join(memo_ids)}|{as_of.isoformat()}|{sha8(error)}|"
             f"{episode(run_record, memo_ids)}")
    if run_record.notice_exists(BUILD_FAILED, about):
        return 0
    marking = config.markings.default
    names = ", ".join(memo_ids)
    subject = f"[{marking}] Not built: {names} as of {long_date(as_of)}"
    body = {"heading": subject.split("] ", 1)[1], "marking": marking, "attachment": None,
            "sections": [
                ["", [f"The scheduled run at {local_time(now, config.desk.timezone)} could "
                      f"not build {names} as of {as_of.isoformat()}.", f"The error: {error}"]],
                ["What to do", [
                    "Fix the cause the error names; every later run tries again and sends the "
                    "memo once it is built",
                    "`python run_reports.py history` shows each attempt; rerun with "
                    "`python run_reports.py --debug run` for the details of an unexpected "
                    "error"]]]}
    operator = [config.delivery.operator] if config.delivery.operator else []
    return _queue(run_record, BUILD_FAILED, about, operator, subject, body, None, now,
                  "no operator address is configured: set [delivery] operator")


def _queue(run_record: RunRecord, kind: str, about: str, addresses: list[str], subject: str,
           body: dict, attachment: bytes | None, now: datetime, nobody: str) -> int:
    if not addresses:
        log.warning("nobody could be told (%s): %s", subject, nobody)
        run_record.add_notice(kind, about, recipient="(nobody)", subject=subject, body=body,
                          message_id=notice_id(kind, about, "(nobody)"), attachment=None,
                          now=now, outcome=NOBODY)
        return 0
    queued = 0
    with run_record.transaction():
        for address in addresses:
            queued += run_record.add_notice(kind, about, recipient=address, subject=subject,
                                        body=body, message_id=notice_id(kind, about, address),
                                        attachment=attachment, now=now, outcome=PENDING)
    return queued


def _editors(config: Config, *, readable: bool) -> list:
    from reports.delivery.recipients import editors, read_distribution
    from reports.errors import WorkbookUnreadable

    rows = []
    if readable:
        try:
            rows = read_distribution(config)[0]
        except WorkbookUnreadable:
            pass
    return editors(config, rows)


def _annotated(workbook: Path, problems: list) -> tuple[bytes | None, str | None]:
    """The annotated copy's bytes and file name; (None, None) when it cannot be made."""
    if not problems:
        return None, None
    import tempfile

    from reports.workbook.annotate import annotate

    name = f"{workbook.stem}-problems.xlsx"
    try:
        with tempfile.TemporaryDirectory(prefix="reports-notice-") as tmp:
            return annotate(workbook, problems, Path(tmp) / name).read_bytes(), name
    except Exception as exc:  # the notice goes without the copy rather than not at all
        log.warning("could not make the annotated copy of %s for the editors: %s",
                    workbook, exc)
        return None, None


def send_notices(config: Config, run_record: RunRecord, now: datetime) -> int:
    """Send every notice that is due; failures are retried by later runs. How many sent."""
    run_record.recover_notices(now)
    sent = 0
    for row in run_record.due_notices(now):
        notice = run_record.claim_notice(row.id)
        if notice is None:
            continue
        try:
            msg = compose_notice(config, notice, sent_at=datetime.now(now.tzinfo))
            channels.send_email(config, msg, notice.recipient)
        except Exception as error:  # a refusal, or a bug: retried later, never stops the run
            exc = channels.as_failure(error)
            retry = channels.retry_at(config, exc, notice.attempts, now)
            if retry is None:
                run_record.notice_gave_up(notice.id, str(exc))
                log.error("gave up sending the notice \"%s\" to %s: %s", notice.subject,
                          notice.recipient, exc)
            else:
                run_record.notice_failed(notice.id, str(exc), retry)
                log.warning("could not send the notice \"%s\" to %s: %s; the next run after "
                            "%s tries again", notice.subject, notice.recipient, exc, iso(retry))
            continue
        run_record.notice_sent(notice.id)
        sent += 1
        log.info("told %s: %s", notice.recipient, notice.subject)
    return sent
