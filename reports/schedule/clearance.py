"""Clearance: a scheduled edition of a memo with clearers waits as a draft
(:mod:`reports.schedule.issue`) until one of them approves it (it is then issued:
published and sent, exactly once) or returns it with a comment (the editors are told;
nothing is sent); docs/operations.md, "Clearance". The mail it sends is
:mod:`reports.delivery.clearance_mail`; the drafts and decisions are kept in the run
record (:mod:`reports.schedule.record.clearances`).

``approve`` and ``return``: a clearer's decision on a draft, for the command line and
the site alike.

Both work under the run lock (so no ``run``, ``send`` or other decision works beside
them) and record the decision in the run record: who, through what (the site or the
command line), when and why.

- **approve**: the draft's archived files are copied to the published folder (and its
  index), then, in one transaction, the revision is marked issued, the decision
  recorded, older revisions' unsent deliveries superseded and its deliveries planned;
  then they are delivered at once (as ``send`` does; later runs retry what failed).
  Approving it again sends nothing twice (what is still undelivered is tried again).
- **return**: with a required comment; recorded, and the workbook's editors (the
  operator when there are none) are mailed the comment at once. Nothing is published or
  sent; the edition is due again (see :mod:`reports.schedule.run`).

Only the newest revision of an edition can be decided: a draft a newer revision
superseded is refused, and so is the opposite of a decision already made.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from reports.config.load import Config, MemoConfig
from reports.errors import ConfigError, DeliveryError
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.clearances import APPROVED, RETURNED, Clearance
from reports.schedule.record.store import run_lock
from reports.text import local_time

log = logging.getLogger(__name__)


class NoDraft(ConfigError):
    """No draft to decide: the memo, day or revision names none (exit 2)."""


@dataclass
class Decided:
    """What a decision did: ``already`` when the same decision had been made before (so
    nothing was done again); for an approval, the deliveries sent and still undelivered;
    for a return, the editors told."""

    decision: Clearance
    draft: BuildRecord
    already: bool = False
    sent: int = 0
    undelivered: int = 0
    told: list[str] | None = None


def approve(config: Config, memo_id: str, as_of: date | None = None, *, by: str, via: str,
            note: str | None = None, revision: int | None = None) -> Decided:
    """Approve the draft of ``memo_id`` as of ``as_of`` (default: its newest waiting one);
    with ``revision``, only if that is still the newest revision."""
    from reports.delivery.send import recipients

    memo = config.memo(memo_id)
    readers = recipients(config, memo)  # the Distribution sheet's errors stop it here
    with _locked(config) as record:
        draft = _draft(config, record, memo, as_of, revision)
        assert draft.revision is not None
        done = record.clearance(memo.id, draft.as_of, draft.revision)
        if done is not None and done.action == RETURNED:
            raise NoDraft(f"{done.edition} was returned by {done.by} at "
                          f"{_when(config, done.at)} and cannot be approved: the next run "
                          "after the workbook, templates or config change builds a new draft")
        if done is not None:
            log.info("%s was approved already by %s at %s; nothing is sent twice",
                     done.edition, done.by, _when(config, done.at))
            return _deliver(config, record, Decided(done, draft, already=True))
        if draft.issued is not None:
            raise NoDraft(f"{draft.edition} was issued already at {_when(config, draft.issued)}"
                          " without clearance")
        files = _archived(draft)
        now = datetime.now(UTC)
        folder = _publish(config, memo, draft, files)
        with record.transaction():
            decision = record.decide(draft, APPROVED, by=by, via=via, note=note, at=now)
            if decision is None:  # cannot happen under the lock; said rather than assumed
                raise NoDraft(f"{draft.edition} was decided by someone else meanwhile")
            sent_before = record.issued_revision(memo.id, draft.as_of) is not None
            mail = {**draft.mail, "corrects": sent_before} if draft.mail else None
            record.mark_issued(draft.id, now, mail)  # its mail says if it is a correction
            if draft.revision > 1:
                record.supersede(memo.id, draft.as_of, draft.revision)
            from reports.delivery.distribute import plan_deliveries

            planned = plan_deliveries(config, record, record.build(draft.id), readers, now)
        log.info("%s approved by %s (%s): published in %s; %d deliver%s to make",
                 draft.edition, by, via, folder, planned, "y" if planned == 1 else "ies")
        _index(config, folder)
        return _deliver(config, record, Decided(decision, record.build(draft.id)))


def return_draft(config: Config, memo_id: str, as_of: date | None = None, *, by: str,
                 via: str, note: str, revision: int | None = None) -> Decided:
    """Return the draft of ``memo_id`` as of ``as_of`` (default: its newest waiting one)
    with ``note`` for the editors; with ``revision``, only if it is still the newest."""
    from reports.delivery.clearance_mail import editors, queue_returned
    from reports.delivery.notices import send_notices

    note = (note or "").strip()
    if not note:
        raise ConfigError("say why it is returned (--note TEXT, or the comment on the site): "
                          "the editors are mailed it")
    memo = config.memo(memo_id)
    people = editors(config)
    with _locked(config) as record:
        draft = _draft(config, record, memo, as_of, revision)
        assert draft.revision is not None
        done = record.clearance(memo.id, draft.as_of, draft.revision)
        if done is not None and done.action == APPROVED:
            raise NoDraft(f"{done.edition} was approved by {done.by} at "
                          f"{_when(config, done.at)} and sent: it cannot be returned. A "
                          "correction is a new revision: correct the workbook, and the next "
                          "scheduled run of the day builds it as a draft")
        if done is not None:
            log.info("%s was returned already by %s at %s; the editors are not told again",
                     done.edition, done.by, _when(config, done.at))
            return Decided(done, draft, already=True)
        if draft.issued is not None:
            raise NoDraft(f"{draft.edition} was issued already at {_when(config, draft.issued)}"
                          " without clearance")
        now = datetime.now(UTC)
        with record.transaction():
            decision = record.decide(draft, RETURNED, by=by, via=via, note=note, at=now)
            if decision is None:
                raise NoDraft(f"{draft.edition} was decided by someone else meanwhile")
            queue_returned(config, record, draft, decision, people, now)
        told = people or ([config.delivery.operator] if config.delivery.operator else [])
        log.info("%s returned by %s (%s); nothing was sent; told: %s", draft.edition, by, via,
                 ", ".join(told) or "nobody (no editors or operator configured)")
        send_notices(config, record, now)
        return Decided(decision, draft, told=told)


# -- parts -----------------------------------------------------------------------------------

@contextmanager
def _locked(config: Config) -> Iterator[RunRecord]:
    """The run lock (waiting for a running ``run``), and the run record under it."""
    from reports.delivery.send import LOCK_WAIT_SECONDS

    with run_lock(config.run_record_path, wait=LOCK_WAIT_SECONDS) as held:
        if not held:
            raise DeliveryError(f"another run is still working after {LOCK_WAIT_SECONDS} s "
                                f"(lock {config.run_record_path}.lock); try again when it has "
                                "finished")
        record = RunRecord.open(config.run_record_path)
        try:
            yield record
        finally:
            record.close()


def _draft(config: Config, record: RunRecord, memo: MemoConfig, as_of: date | None,
           revision: int | None) -> BuildRecord:
    """The draft to decide: of ``as_of`` (its newest revision), else the memo's newest
    waiting one; refused when there is none, or ``revision`` is no longer the newest."""
    if as_of is None:
        waiting = record.waiting(memo.id)
        if not waiting:
            raise NoDraft(_none(memo, f"{memo.id} has no draft waiting for clearance"))
        draft = waiting[0]
    else:
        found = record.draft(memo.id, as_of)
        if found is None:
            raise NoDraft(_none(memo, f"there is no draft of {memo.id} as of "
                                      f"{as_of.isoformat()}"))
        draft = found
    if revision is not None and revision != draft.revision:
        raise NoDraft(f"revision {revision} of {memo.id} as of {draft.as_of.isoformat()} was "
                      f"superseded by revision {draft.revision}: read that one and decide it")
    return draft


def _none(memo: MemoConfig, said: str) -> str:
    if not memo.clearers:
        return (f"{said}: it has no clearers in the config, so its editions are issued as "
                "they are built")
    return (f"{said} (`python run_reports.py history {memo.id}` lists its builds and "
            "clearances)")


def _archived(draft: BuildRecord) -> dict[str, bytes]:
    """The draft's files as archived, checked against their recorded hashes."""
    from reports.delivery.channels import SendFailed
    from reports.delivery.messages import read_built

    try:
        return {fmt: read_built(draft, fmt) for fmt in draft.files}
    except SendFailed as exc:
        raise ConfigError(f"{draft.edition} cannot be approved: its archived file {exc}") \
            from None


def _publish(config: Config, memo: MemoConfig, draft: BuildRecord,
             files: dict[str, bytes]) -> Path:
    """The draft's files copied to the published folder for its level; that folder."""
    from reports.output.editions import edition_folder, write_edition

    folder = config.published(memo)
    day = draft.as_of.isoformat()
    write_edition(edition_folder(folder, memo.id, day), memo, day, files, draft.mail or {})
    return folder


def _index(config: Config, folder: Path) -> None:
    from reports.output.manifest import write_index

    try:
        write_index(folder, config.templates, config.markings)
    except Exception as exc:  # the edition is published and recorded; the next build writes it
        log.warning("could not update %s: %s", folder / "index.html", exc)


def _deliver(config: Config, record: RunRecord, decided: Decided) -> Decided:
    """Deliver what is due of the approved revision now (as ``send`` does)."""
    from reports.delivery.distribute import deliver

    draft = decided.draft
    now = datetime.now(UTC)
    record.recover_sending(now)
    mine = record.deliveries(draft.memo_id, draft.as_of, draft.revision)
    todo = [d for d in mine if d.outcome in ("pending", "failed")]
    tally = deliver(config, record, todo, now)
    left = [d for d in record.deliveries(draft.memo_id, draft.as_of, draft.revision)
            if d.outcome not in ("sent", "superseded", "acknowledged")]
    decided.sent, decided.undelivered = tally.sent, len(left)
    return decided


def _when(config: Config, moment: str | None) -> str:
    return local_time(moment, config.desk.timezone)
