"""``run``: build and distribute every scheduled memo that is due, exactly once.

Cron calls ``run`` every few minutes. Each memo with a ``schedule`` (a cron expression and
a time zone) is due when its latest fire time at or before *now* has no completed build in
the run record; its as-of date is that fire time's date in the memo's zone. After downtime
only the latest missed slot is built (caught up once, not once per slot). A due memo whose
inputs (workbook bytes, templates and code, the memo's config) are the same as at the last
build of that edition is recorded as done without rendering or sending anything.

One memo failing (its PDF, its template, the disk) is reported and recorded, and the
other due memos are still built and sent. A workbook with errors builds nothing; its
editors are mailed the problems once per workbook revision (see :mod:`reports.notices`).

Only one run works at a time: a run that finds the lock held (cron overlap) logs it and
exits 0. The run record is the authority for what is done: a run killed at any point is
completed by the next one, and nothing recorded as sent is sent again.

Deciding that nothing is due reads only the config, the run record and croniter; the readers,
the renderers and the mail modules are imported only when there is work.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from reports.config import Config, MemoConfig
from reports.errors import (
    EXIT_OK,
    EXIT_UNDELIVERED,
    EXIT_WORKBOOK,
    ConfigError,
    MemoCrashed,
    MemoFailed,
    ReportsError,
    TemplateError,
    WorkbookInvalid,
    WorkbookUnreadable,
    worst,
)
from reports.ledger import Ledger
from reports.ledger_store import iso, run_lock
from reports.output import STALE_PART_SECONDS, clean_stale_parts, sha256_file

log = logging.getLogger(__name__)

Due = tuple[MemoConfig, datetime]  # a memo and the fire time it is due for


# -- when ----------------------------------------------------------------------------------

def resolve_now(now: datetime | None, config: Config) -> datetime:
    """``now`` with a zone: the clock if None; a naive time in ``[desk] timezone``; a naive
    time without that setting is refused (never guessed as UTC or the machine's zone)."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is not None:
        return now
    if config.desk.timezone:
        return now.replace(tzinfo=ZoneInfo(config.desk.timezone))
    raise ConfigError(f"--now {now.isoformat()} has no time zone; add one (e.g. "
                      f"{now.isoformat(timespec='minutes')}+09:00 or Z for UTC), or set "
                      "[desk] timezone in the config")


def latest_fire_time(memo: MemoConfig, now: datetime) -> datetime:
    """The latest fire time of ``memo``'s schedule at or before ``now``, in its zone."""
    from croniter import croniter

    zone = ZoneInfo(memo.schedule.timezone)
    local = now.astimezone(zone)
    # croniter's get_prev is strictly before its start; cron fires on whole minutes, so
    # starting one second after the floored second gives "at or before now".
    start = local.replace(microsecond=0) + timedelta(seconds=1)
    fire = croniter(memo.schedule.cron, start).get_prev(datetime)
    return fire.astimezone(zone)


def due_memos(config: Config, ledger: Ledger, now: datetime) -> list[Due]:
    """(memo, fire time) for each scheduled memo whose latest fire time is not done yet."""
    due = []
    for memo in config.memos:
        if memo.schedule is None:
            continue
        fire = latest_fire_time(memo, now)
        done = ledger.last_done_fire_time(memo.id)
        if done is None or done < iso(fire):
            due.append((memo, fire))
    return due


# -- what a build depends on ---------------------------------------------------------------

def template_hash(config: Config) -> str:
    """The templates folder's files and the toolkit's own code, as one hash."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parent
    roots = [("templates", Path(config.templates), "*"), ("code", code, "*.py"),
             ("render", code / "render", "*.py")]
    for label, root, pattern in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob(pattern) if label == "templates" else root.glob(pattern)):
            if not path.is_file() or path.name.startswith((".", "~$")) or \
                    "__pycache__" in path.parts:
                continue
            digest.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def memo_config_hash(config: Config, memo: MemoConfig) -> str:
    """Everything in the config that shapes this memo's files or who gets them."""
    settings = asdict(memo)
    settings.pop("schedule", None)  # when it is built, not what
    data = {"memo": settings, "desk": asdict(config.desk), "templates": str(config.templates),
            "markings": asdict(config.markings), "output": str(config.output),
            "drop_folder": str(config.delivery.drop_folder)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# -- the run -------------------------------------------------------------------------------

def run_due(config: Config, now: datetime | None = None) -> int:
    """Build, record and distribute whatever is due at ``now``; the exit code (errors.py)."""
    now = resolve_now(now, config)
    with run_lock(config.ledger_path) as held:
        if not held:
            log.info("another run is in progress (%s.lock is locked); this one exits",
                     config.ledger_path)
            return EXIT_OK
        from reports.render.office import office_session  # LibreOffice lives for one run

        with Ledger.open(config.ledger_path) as ledger, office_session():
            return _Run(config, ledger, now).go()


class _Run:
    def __init__(self, config: Config, ledger: Ledger, now: datetime):
        self.config, self.ledger, self.now = config, ledger, now
        self._loaded = None

    def go(self) -> int:
        cut = self.ledger.interrupt_running()
        if cut:
            log.warning("%d build(s) of an earlier run were cut short (killed or crashed); "
                        "whatever is still due is built now", cut)
        due = due_memos(self.config, self.ledger, self.now)
        code = self.build_due(due) if due else EXIT_OK
        self.deliver()
        self.notify()
        if not due:
            log.debug("run at %s: nothing due", iso(self.now))
        return worst(code, EXIT_UNDELIVERED if self.report_open() else EXIT_OK)

    # -- after building ---------------------------------------------------------------------

    def deliver(self) -> None:
        if self.ledger.due_deliveries(self.now) or self.ledger.deliveries_sending():
            from reports.distribute import deliver_due

            deliver_due(self.config, self.ledger, self.now)

    def notify(self) -> None:
        if self.ledger.due_notices(self.now) or self.ledger.notices_sending():
            from reports.notices import send_notices

            send_notices(self.config, self.ledger, self.now)

    def report_open(self) -> bool:
        """Log what is undelivered or given up; True if anything is (exit code 3)."""
        left, lost = self.ledger.undelivered(), self.ledger.given_up()
        if left:
            log.warning("%d delivery(ies) not done yet; later runs retry them (see "
                        "`python run_reports.py history`)", len(left))
        for row in lost:
            as_of = row.as_of.isoformat()
            log.error("%s as of %s (revision %d) was never delivered to %s: given up after "
                      "%d attempt(s) (%s). Deliver it with `python run_reports.py send %s "
                      "--as-of %s` or accept that with `python run_reports.py ack %s --as-of "
                      "%s`", row.memo_id, as_of, row.revision, row.target, row.attempts,
                      row.error, row.memo_id, as_of, row.memo_id, as_of)
        return bool(left or lost)

    # -- building -------------------------------------------------------------------------

    def loaded(self):
        if self._loaded is None:
            from reports.build import load_drawing_meanwhile, use_chart_cache

            self._loaded = load_drawing_meanwhile(self.config.workbook, self.config,
                                                  self.config.output)
            use_chart_cache(self.config.output)
        return self._loaded

    def build_due(self, due: list[Due]) -> int:
        config = self.config
        # what a killed run left half-written; not on idle runs (the output tree only grows)
        clean_stale_parts(config.output, older_than=STALE_PART_SECONDS)
        log.info("run at %s: due %s", iso(self.now),
                 ", ".join(f"{m.id} (fired {f.isoformat()})" for m, f in due))
        try:
            workbook_sha = sha256_file(config.workbook)
        except OSError as exc:
            error = WorkbookUnreadable(
                f"cannot read the workbook {config.workbook} ({exc.strerror or exc}); fix "
                "[paths] workbook in the config or restore the file")
            return self.workbook_failed(due, due, f"missing {config.workbook}", error)
        templates_sha = template_hash(config)
        try:  # the templates, checked once before any due memo is built
            from reports.render.template_check import check_templates

            check_templates(config.templates, {f for memo, _ in due for f in memo.formats})
        except TemplateError as exc:
            log.error("%s", exc)
            for memo, fire in due:
                self.ledger.record_failure(memo.id, fire.date(), fire_time=iso(fire),
                                           title=memo.title, error=str(exc))
            self.tell_operator([m for m, _ in due], due[0][1].date(), str(exc))
            return exc.exit_code
        codes, built = [], 0
        for index, (memo, fire) in enumerate(due):
            inputs = (workbook_sha, templates_sha, memo_config_hash(config, memo))
            if self.unchanged(memo, fire, inputs):
                continue
            try:
                self.build_one(memo, fire, inputs)
                built += 1
            except (WorkbookInvalid, WorkbookUnreadable) as exc:
                # this memo's build is recorded as failed already; the rest are not yet
                return worst(*codes, self.workbook_failed(due[index:], due[index + 1:],
                                                          workbook_sha, exc))
            except Exception as exc:  # this memo failed; the others are still built
                if not isinstance(exc, ReportsError):  # a bug outside the renderers
                    log.debug("the failure in detail", exc_info=True)
                    exc = MemoCrashed(f"{memo.id} as of {fire.date().isoformat()}: an "
                                      f"unexpected error ({type(exc).__name__}: {exc}); rerun "
                                      "with --debug for the details and report it")
                log.error("could not build %s", exc if isinstance(exc, MemoFailed) else
                          f"{memo.id} as of {fire.date().isoformat()}: {exc}")
                codes.append(exc.exit_code)
                self.tell_operator([memo], fire.date(), str(exc))
        if built:
            self._index()
        return worst(*codes)

    def unchanged(self, memo: MemoConfig, fire: datetime, inputs: tuple) -> bool:
        """A due edition whose inputs are as at its last build: recorded, not rebuilt."""
        previous = self.ledger.latest_completed(memo.id, fire.date())
        if previous is None or previous.inputs != inputs or \
                not all(Path(p).exists() for p in previous.files.values()):
            return False
        self.ledger.record_skip(previous, fire_time=iso(fire))
        log.info("%s: due, but the workbook, templates and config are unchanged since build "
                 "#%d; nothing rebuilt or sent again", previous.edition, previous.id)
        return True

    def build_one(self, memo: MemoConfig, fire: datetime, inputs: tuple) -> None:
        """One due edition, phase by phase: start its record, render, record, report."""
        build_id = self.start(memo, fire, inputs)
        try:
            loaded = self.loaded()
            self.check(memo, loaded)
            built, snapshot, since = self.render(memo, fire.date(), loaded)
            outcome, revision, added = self.record(memo, fire.date(), build_id, built,
                                                   snapshot, loaded)
        except BaseException as exc:
            self.ledger.finish_build(build_id, outcome="failed", revision=None,
                                     error=str(exc) or type(exc).__name__)
            raise
        self.report(memo, fire.date(), outcome, revision, added, since)

    def start(self, memo: MemoConfig, fire: datetime, inputs: tuple) -> int:
        """Clear what a killed build of this edition left, and record that it started."""
        day = fire.date().isoformat()
        clean_stale_parts(Path(self.config.output) / memo.id / day)
        for debris in Path(self.config.output).glob(".index.html.*.part"):
            debris.unlink(missing_ok=True)
        log.info("building %s as of %s (scheduled %s %s)", memo.id, day,
                 fire.strftime("%a %Y-%m-%d %H:%M"), memo.schedule.timezone)
        return self.ledger.start_build(memo.id, fire.date(), fire_time=iso(fire),
                                       title=memo.title, inputs=inputs)

    def check(self, memo: MemoConfig, loaded) -> None:
        from reports.build import check_memos

        problems = check_memos(loaded, [memo], self.config.markings)
        if problems:
            raise ConfigError("; ".join(problems))

    def render(self, memo: MemoConfig, as_of: date, loaded) -> tuple:
        """The edition's files, the workbook snapshot for the next edition, and what changed
        since the previous one (None for the first)."""
        from reports import build, changes

        snapshot = changes.snapshot(loaded.model)
        previous = self.ledger.previous_edition(memo.id, as_of)
        since = None
        if previous is not None and previous.snapshot is not None:
            # compared with what this memo may hold: nothing above its marking is named
            ceiling = self.config.markings.rank(memo.marking)
            since = changes.since_last_edition(
                previous.snapshot, previous.as_of.isoformat(), loaded.model.within(ceiling),
                memo, as_of, ceiling=ceiling, whole=loaded.model)
        built = build.build_memo(loaded, self.config, memo, as_of, since_last_edition=since)
        return built, snapshot, since

    def record(self, memo: MemoConfig, as_of: date, build_id: int, built, snapshot: dict,
               loaded) -> tuple[str, int, int]:
        """In one transaction: the build's outcome and revision, and the deliveries to make.
        Returns (outcome, revision, deliveries added)."""
        from reports.distribute import plan_deliveries
        from reports.recipients import recipients_for

        ledger = self.ledger
        readers = recipients_for(memo, loaded.distribution)
        with ledger.transaction():
            latest = ledger.latest_revision(memo.id, as_of)
            if latest is not None and latest.hashes == built.hashes:
                outcome, revision = "same", latest.revision
            else:
                outcome, revision = "done", (latest.revision if latest else 0) + 1
            ledger.finish_build(build_id, outcome=outcome, revision=revision,
                                files={fmt: str(p) for fmt, p in built.files.items()},
                                hashes=built.hashes, snapshot=snapshot, mail=built.mail,
                                workbook_sha256=loaded.sha256)
            if outcome == "done" and revision > 1:
                ledger.supersede(memo.id, as_of, revision)
            added = plan_deliveries(self.config, ledger, ledger.build(build_id), readers,
                                    self.now)
        return outcome, revision, added

    def report(self, memo: MemoConfig, as_of: date, outcome: str, revision: int, added: int,
               since: dict | None) -> None:
        day = as_of.isoformat()
        if outcome == "same":
            log.info("%s as of %s rebuilt: the same files as revision %d, not sent again%s",
                     memo.id, day, revision,
                     f" (only to {added} new recipient(s))" if added else "")
            return
        news = "" if since is None else (
            f", {len(since['rows'])} change(s) since the edition of {since['previous_as_of']}")
        log.info("%s as of %s is revision %d%s; %d delivery(ies) to make", memo.id, day,
                 revision, news, added)

    def workbook_failed(self, due: list[Due], unrecorded: list[Due], revision: str,
                        error: ReportsError) -> int:
        """Nothing can be built: record each due memo as failed, tell the editors once."""
        problems = [p for p in getattr(error, "problems", []) if p.severity == "error"]
        for problem in problems[:10]:
            log.error("%s", problem)
        more = f" ({len(problems) - 10} more)" if len(problems) > 10 else ""
        log.error("%s%s; nothing was built. Fix the workbook (`python run_reports.py validate` "
                  "lists every problem); the next run builds what is due", error, more)
        for memo, fire in unrecorded:
            self.ledger.record_failure(memo.id, fire.date(), fire_time=iso(fire),
                                       title=memo.title, error=str(error))
        for memo, fire in due:
            log.error("could not build %s as of %s: %s", memo.id, fire.date().isoformat(),
                      error)
        from reports.notices import queue_workbook_errors

        queue_workbook_errors(self.config, self.ledger, revision, error,
                              [m for m, _ in due], self.now)
        return EXIT_WORKBOOK

    def tell_operator(self, memos: list[MemoConfig], as_of: date, error: str) -> None:
        from reports.notices import queue_build_failed

        queue_build_failed(self.config, self.ledger, [m.id for m in memos], as_of, error,
                           self.now)

    def _index(self) -> None:
        try:
            from reports.manifest import write_index

            write_index(self.config.output, self.config.templates, self.config.markings)
        except Exception as exc:  # the memos are built and recorded; the index can wait
            log.warning("could not update %s/index.html: %s", self.config.output, exc)
