"""Distribution: each built edition to its readers, exactly once, by email and a drop folder.

Each (memo, as-of, revision, recipient) is one row in the run record with a stable
Message-ID (see :mod:`reports.delivery.messages`): a corrected rebuild of an edition is revision N+1
and a new message; retries of one revision reuse the same id. A delivery recorded as sent
is never repeated. One that fails for a passing reason (server down, 4xx, dropped
connection) is retried by later runs after ``backoff_minutes``, doubled after each
failure, up to ``max_attempts``; then, or at once on a permanent refusal (5xx), it is
given up: the operator is mailed once, and every later ``run`` reports it (exit 3) until
``send`` delivers it or an operator acknowledges it with ``ack``. One message per
recipient, on its own connection, so one failure never affects the others.

The drop-folder channel copies the edition's files, written whole, to
``<drop_folder>/<memo-id>/`` (``<drop_folder>/<level>/<memo-id>/`` for a desk with several
levels, as the published folders); one delivery row per file set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reports.config.load import Config
from reports.config.tables import Recipient
from reports.delivery import channels
from reports.delivery.messages import compose, drop_id, message_id, read_built
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.deliveries import Delivery
from reports.schedule.record.store import iso
from reports.text import plural

log = logging.getLogger(__name__)


def plan_deliveries(config: Config, run_record: RunRecord, build: BuildRecord,
                    recipients: list[Recipient], now: datetime) -> int:
    """Add a pending delivery per recipient (and the drop folder) for ``build``'s revision.

    Idempotent: deliveries already recorded (same Message-ID) are left as they are, so an
    unchanged edition is never sent twice and a recipient added later still gets it.
    """
    added = 0
    with run_record.transaction():
        for person in recipients:
            added += run_record.add_delivery(
                build, recipient=person.email, name=person.name, channel="email",
                message_id=message_id(build.memo_id, build.as_of, build.revision,
                                      person.email), now=now)
        if config.delivery.drop_folder:  # one folder per level, as the published ones
            folder = config.published(config.memo(build.memo_id), config.delivery.drop_folder)
            added += run_record.add_delivery(
                build, recipient=str(folder), name=None, channel="drop",
                message_id=drop_id(build.memo_id, build.as_of, build.revision, folder),
                now=now)
    return added


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def deliver(config: Config, run_record: RunRecord, rows: list[Delivery], now: datetime) -> Tally:
    """Try each delivery once (those another run took meanwhile are skipped)."""
    tally = Tally()
    builds: dict[int, BuildRecord] = {}
    for row in rows:
        claimed = run_record.claim(row.id)
        if claimed is None:
            continue
        if claimed.build_id not in builds:
            builds[claimed.build_id] = run_record.build(claimed.build_id)
        build = builds[claimed.build_id]
        try:
            _attempt(config, build, claimed)
        except Exception as exc:  # a refusal, an outage, or a bug: one failed attempt
            failure = channels.as_failure(exc)
            retry = channels.retry_at(config, failure, claimed.attempts, now)
            if retry is None:
                _give_up(config, run_record, build, claimed, str(failure), now)
                tally.gave_up += 1
            else:
                run_record.mark_failed(claimed.id, str(failure), retry)
                tally.failed += 1
                log.warning("could not deliver %s to %s (attempt %d of %d): %s; the next run "
                            "after %s tries again", build.edition, claimed.target,
                            claimed.attempts, config.delivery.max_attempts, failure,
                            iso(retry))
            continue
        run_record.mark_sent(claimed.id)
        tally.sent += 1
    return tally


def _attempt(config: Config, build: BuildRecord, delivery: Delivery) -> None:
    if delivery.channel == "drop":
        files = {Path(build.files[fmt]).name: read_built(build, fmt) for fmt in build.files}
        paths = channels.drop_files(Path(delivery.recipient), build.memo_id, files)
        log.info("copied %s to the drop folder: %s", build.edition,
                 ", ".join(str(p) for p in paths))
        return
    msg = compose(config, build, delivery.name, delivery.recipient, delivery.message_id,
                  sent_at=datetime.now(UTC))
    channels.send_email(config, msg, delivery.recipient)
    log.info("sent %s to %s, Message-ID %s", build.edition, delivery.recipient,
             delivery.message_id)


def _give_up(config: Config, run_record: RunRecord, build: BuildRecord, delivery: Delivery,
             error: str, now: datetime) -> None:
    from reports.delivery.notices import queue_gave_up

    as_of = build.as_of.isoformat()
    with run_record.transaction():
        run_record.mark_gave_up(delivery.id, error)
        queue_gave_up(config, run_record, build, delivery, error, now)
    log.error("gave up delivering %s to %s after %s: %s. Fix the cause, then run "
              "`python run_reports.py send %s --as-of %s`, or accept the loss with "
              "`python run_reports.py ack %s --as-of %s --recipient %s`", build.edition,
              delivery.target, plural(delivery.attempts, "attempt"), error, build.memo_id, as_of,
              build.memo_id, as_of, delivery.recipient)


def deliver_due(config: Config, run_record: RunRecord, now: datetime) -> Tally:
    """Every pending delivery, and every failed one whose backoff has passed."""
    for row in run_record.recover_sending(now):
        log.warning("the run that was sending %s as of %s to %s stopped midway; sending it "
                    "again (Message-ID %s, so a duplicate can be recognised)", row.memo_id,
                    row.as_of.isoformat(), row.recipient, row.message_id)
    return deliver(config, run_record, run_record.due_deliveries(now), now)

