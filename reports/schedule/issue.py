"""What a scheduled run does with each edition it made (the pipeline's desk for ``run``).

A new revision is kept in the archive exactly as it is issued (never written again), then
published (the edition's folder in the published folder for its level), then recorded as
issued with its deliveries planned, in one transaction of the run record. A rebuild whose
files are byte-identical to the latest revision is recorded as that same revision (sent
again only to recipients added since). A run killed between any two steps leaves the
edition due, and the next run makes and records it again.

A memo with clearers is not issued as built: its new revision is archived and recorded as
a *draft* (not published, no deliveries) with its deadline, and its clearers are mailed a
link to it in the same transaction (:mod:`reports.delivery.clearance_mail`); approving it
issues it (:mod:`reports.schedule.clearance`). A rebuild with the same files as a draft
stays that draft (waiting, or returned).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from reports.config.load import Config
from reports.errors import ReportsError
from reports.memo.make import Edition, Made
from reports.model.load import Loaded
from reports.pipeline import Outcome
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.text import plural

log = logging.getLogger(__name__)


class Scheduled:
    """What ``run`` does with each made edition (the pipeline's desk): a new revision is
    kept in the archive as issued, published, then recorded with its deliveries planned in
    one transaction; a rebuild with the same files is recorded as the same revision."""

    snapshots = True  # each issued edition's, for the next one to compare with

    def __init__(self, config: Config, record: RunRecord, now: datetime,
                 build_ids: dict[str, int]):
        """``build_ids``: each memo's build, recorded as started (``running``)."""
        self.config, self.record, self.now, self.build_ids = config, record, now, build_ids
        self._folders: list[Path] = []

    def previous(self, edition: Edition) -> BuildRecord | None:
        return self.record.previous_edition(edition.memo.id, edition.as_of)

    def folder(self, edition: Edition) -> Path:
        return self.config.published(edition.memo)

    def take(self, made: Made, loaded: Loaded) -> Outcome:
        from reports.output.editions import archived_folder, edition_folder, write_edition

        edition = made.edition
        memo, day = edition.memo, edition.as_of.isoformat()
        latest = self.record.latest_revision(memo.id, edition.as_of)
        if latest is not None and latest.revision and latest.hashes == made.hashes:
            same, revision = True, latest.revision
            kept = {fmt: Path(p) for fmt, p in latest.files.items()}
        else:  # a new revision, kept as it is issued: never written again
            same, revision = False, (latest.revision or 0 if latest else 0) + 1
            kept = write_edition(archived_folder(self.config.archive, memo.id, day, revision),
                                 memo, day, made.files, made.mail)
        if not same and memo.clearers:
            return self.draft(made, loaded, revision, kept)
        if same and memo.clearers and latest is not None and latest.issued is None:
            return self.same_draft(made, loaded, latest, kept)
        folder = self.config.published(memo)
        write_edition(edition_folder(folder, memo.id, day), memo, day, made.files, made.mail)
        self._folders.append(folder)
        added = self.issue(made, loaded, revision, kept, same)
        self.report(made, "same" if same else "done", revision, added)
        return Outcome(edition, "same" if same else "issued", kept)

    def draft(self, made: Made, loaded: Loaded, revision: int,
              kept: dict[str, Path]) -> Outcome:
        """A new revision of a memo with clearers: recorded as a draft (not issued, not
        published, nothing sent) and its clearers mailed, in one transaction."""
        from reports.delivery.clearance_mail import queue_for_clearance
        from reports.text import local_time

        edition, record = made.edition, self.record
        memo, build_id = edition.memo, self.build_ids[edition.memo.id]
        clear_by = self.now + timedelta(hours=memo.clearance_hours)
        with record.transaction():
            self._finish(made, loaded, build_id, "done", revision, kept, issued=False)
            record.mark_draft(build_id, clear_by)
            queue_for_clearance(self.config, record, memo, record.build(build_id), clear_by,
                                self.now)
        log.info("%s is revision %d, a draft: not published or sent until one of its "
                 "clearers (%s) approves it; due by %s", edition.label, revision,
                 ", ".join(memo.clearers), local_time(clear_by, self.config.desk.timezone))
        return Outcome(edition, "draft", kept)

    def same_draft(self, made: Made, loaded: Loaded, latest: BuildRecord,
                   kept: dict[str, Path]) -> Outcome:
        """A rebuild with the same files as a draft: that draft still (waiting for its
        clearers, who are not mailed again, or returned to the editors)."""
        edition = made.edition
        assert latest.revision is not None
        self._finish(made, loaded, self.build_ids[edition.memo.id], "same", latest.revision,
                     kept, issued=False)
        decision = self.record.clearance(edition.memo.id, edition.as_of, latest.revision)
        if decision is not None and decision.action == "returned":
            log.warning("%s was rebuilt after %s returned revision %d, with the same files: it "
                        "still waits for the editors' correction", edition.label, decision.by,
                        latest.revision)
        else:
            log.info("%s rebuilt: the same files as draft revision %d, which waits for "
                     "clearance; its clearers are not mailed again", edition.label,
                     latest.revision)
        return Outcome(edition, "same", kept)

    def _finish(self, made: Made, loaded: Loaded, build_id: int, outcome: str, revision: int,
                kept: dict[str, Path], *, issued: bool) -> None:
        self.record.finish_build(build_id, outcome=outcome, revision=revision,
                                 files={fmt: str(p) for fmt, p in kept.items()},
                                 hashes=made.hashes, snapshot=made.snapshot, mail=made.mail,
                                 workbook_sha256=loaded.sha256, issued=issued)

    def issue(self, made: Made, loaded: Loaded, revision: int, kept: dict[str, Path],
              same: bool) -> int:
        """Record the edition as issued and plan its deliveries, in one transaction; the
        number of deliveries added."""
        from reports.delivery.distribute import plan_deliveries
        from reports.delivery.recipients import recipients_for

        edition, record = made.edition, self.record
        build_id = self.build_ids[edition.memo.id]
        readers = recipients_for(edition.memo, loaded.distribution)
        with record.transaction():
            self._finish(made, loaded, build_id, "same" if same else "done", revision, kept,
                         issued=True)
            latest = record.latest_revision(edition.memo.id, edition.as_of)
            if same and latest is not None and latest.issued is None:
                record.mark_issued(latest.id, self.now)  # a draft of a memo now uncleared
            if not same and revision > 1:
                record.supersede(edition.memo.id, edition.as_of, revision)
            return plan_deliveries(self.config, record, record.build(build_id), readers,
                                   self.now)

    def report(self, made: Made, outcome: str, revision: int, added: int) -> None:
        label, since = made.edition.label, made.since
        if outcome == "same":
            log.info("%s rebuilt: the same files as revision %d, not sent again%s", label,
                     revision, f" (only to {plural(added, 'new recipient')})" if added else "")
            return
        news = "" if since is None else (
            f", {plural(len(since['rows']), 'change')} since the edition of "
            f"{since['previous_as_of']}")
        log.info("%s is revision %d%s; %d deliver%s to make", label, revision, news, added,
                 "y" if added == 1 else "ies")

    def failed(self, edition: Edition, error: ReportsError) -> Outcome:
        self.record.finish_build(self.build_ids[edition.memo.id], outcome="failed",
                                 revision=None, error=str(error) or type(error).__name__)
        return Outcome(edition, "failed", error=error)

    def stopped(self, error: ReportsError, cause: str) -> None:
        """The pipeline stopped before making anything: every started build failed."""
        for build_id in self.build_ids.values():
            with self.record.transaction() as conn:
                self.record.finish_build(build_id, outcome="failed", revision=None,
                                         error=str(error))
                conn.execute("UPDATE builds SET cause = ? WHERE id = ?", (cause, build_id))

    def folders(self) -> list[Path]:
        return self._folders
