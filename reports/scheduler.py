"""``run``: build and distribute every scheduled memo that is due, exactly once.

Cron calls ``run`` every few minutes. Each memo with a ``schedule`` (a cron expression and
a time zone) is due when its latest fire time at or before *now* has no completed build in
the run record; its as-of date is that fire time's date in the memo's zone. After downtime
only the latest missed slot is built (caught up once, not once per slot). A due memo whose
inputs (workbook bytes, templates and code, the memo's config) are the same as at the last
build of that (memo, as-of) is recorded as done without rendering or sending anything.

Only one run works at a time: a run that finds the lock held (cron overlap) logs it and
exits 0. The run record is the authority for what is done: a run killed at any point is
completed by the next one, and nothing recorded as sent is sent again.

Deciding that nothing is due reads only the config, the run record and croniter; pandas,
the renderers and the mail modules are imported only when there is work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from reports.config import Config, MemoConfig
from reports.errors import (
    EXIT_OK,
    EXIT_UNDELIVERED,
    EXIT_WORKBOOK,
    ReportsError,
    TemplateError,
    WorkbookInvalid,
    WorkbookUnreadable,
)
from reports.ledger import Ledger, iso, run_lock
from reports.output import STALE_PART_SECONDS, clean_stale_parts, sha256_file

log = logging.getLogger(__name__)

PAUSE_ENV = "REPORTS_TEST_PAUSE"  # test-only, see _pause


def _pause(point: str) -> None:
    """Test-only hook: sleep at ``point`` when env REPORTS_TEST_PAUSE names it.

    Crash tests set it (with REPORTS_TEST_PAUSE_FILE, written when the point is reached,
    and REPORTS_TEST_PAUSE_SECONDS) to SIGKILL a run at a known place. Points:
    ``before-render``, ``after-render`` (files written, not yet recorded),
    ``after-record``, ``before-send`` and ``after-send`` (message accepted, not yet
    recorded). Unset in production: a no-op.
    """
    if os.environ.get(PAUSE_ENV) != point:
        return
    marker = os.environ.get("REPORTS_TEST_PAUSE_FILE")
    if marker:
        Path(marker).write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
    time.sleep(float(os.environ.get("REPORTS_TEST_PAUSE_SECONDS", "60")))


# -- when ----------------------------------------------------------------------------------

def aware(now: datetime | None) -> datetime:
    """``now`` with a zone: the clock if None, the machine's zone if naive."""
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.astimezone()


def latest_fire_time(memo: MemoConfig, now: datetime) -> datetime:
    """The latest fire time of ``memo``'s schedule at or before ``now``, in its zone."""
    from croniter import croniter

    zone = ZoneInfo(memo.schedule.timezone)
    local = aware(now).astimezone(zone)
    # croniter's get_prev is strictly before its start; cron fires on whole minutes, so
    # starting one second after the floored second gives "at or before now".
    start = local.replace(microsecond=0) + timedelta(seconds=1)
    fire = croniter(memo.schedule.cron, start).get_prev(datetime)
    return fire.astimezone(zone)


def due_memos(config: Config, ledger: Ledger, now: datetime) -> list[tuple[MemoConfig, datetime]]:
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
            "output": str(config.output), "drop_folder": str(config.delivery.drop_folder)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# -- stale temporary files -----------------------------------------------------------------

# -- the run -------------------------------------------------------------------------------

def run_due(config: Config, now: datetime | None = None) -> int:
    """Build, record and distribute whatever is due at ``now``; the exit code (cli.md)."""
    now = aware(now)
    from filelock import Timeout

    try:
        lock = run_lock(config.ledger_path)
        lock.acquire(blocking=False)
    except Timeout:
        log.info("another run is in progress (%s is locked); this one exits", lock.lock_file)
        return EXIT_OK
    except OSError as exc:
        raise ReportsError(f"cannot take the run lock beside {config.ledger_path} ({exc}); "
                           "check that the folder is writable, or set [paths] ledger in "
                           "the config") from exc
    try:
        with Ledger.open(config.ledger_path) as ledger:
            return _Run(config, ledger, now).go()
    finally:
        lock.release()


class _Run:
    def __init__(self, config: Config, ledger: Ledger, now: datetime):
        self.config, self.ledger, self.now = config, ledger, now
        self._loaded = None

    def go(self) -> int:
        config, ledger = self.config, self.ledger
        cut = ledger.interrupt_running()
        if cut:
            log.warning("%d build(s) of an earlier run were cut short (killed or crashed); "
                        "whatever is still due is built now", cut)
        clean_stale_parts(config.output, older_than=STALE_PART_SECONDS)
        due = due_memos(config, ledger, self.now)
        code = self.build_due(due) if due else EXIT_OK
        sent = self.deliver()
        left = ledger.undelivered()
        if left:
            log.warning("%d delivery(ies) not done yet; later runs retry them (see "
                        "`python run_reports.py history`)", len(left))
        if not due and not sent:
            log.debug("run at %s: nothing due", iso(self.now))
        if code != EXIT_OK:
            return code
        return EXIT_UNDELIVERED if left or self.gave_up else EXIT_OK

    def deliver(self) -> int:
        self.gave_up = 0
        if not self.ledger.due_deliveries(self.now) and not self.ledger.deliveries_sending():
            return 0
        from reports.distribute import deliver_due

        tally = deliver_due(self.config, self.ledger, self.now)
        self.gave_up = tally.gave_up
        return tally.sent + tally.failed + tally.gave_up

    # -- building -------------------------------------------------------------------------

    def loaded(self):
        if self._loaded is None:
            from reports.build import load

            self._loaded = load(self.config.workbook)
        return self._loaded

    def build_due(self, due: list[tuple[MemoConfig, datetime]]) -> int:
        config, ledger = self.config, self.ledger
        log.info("run at %s: due %s", iso(self.now),
                 ", ".join(f"{m.id} (fired {f.isoformat()})" for m, f in due))
        try:
            workbook_sha = sha256_file(config.workbook)
        except OSError as exc:
            error = (f"cannot read the workbook {config.workbook} ({exc.strerror or exc}); "
                     "fix [paths] workbook in the config or restore the file")
            return self._fail_all(due, error)
        templates_sha = template_hash(config)
        try:  # the templates, checked once before any due memo is built
            from reports.render.template_check import check_templates

            check_templates(config.templates, {f for memo, _ in due for f in memo.formats})
        except TemplateError as exc:
            self._fail_all(due, str(exc))
            return exc.exit_code
        code, built = EXIT_OK, 0
        for memo, fire in due:
            as_of = fire.date().isoformat()
            inputs = (workbook_sha, templates_sha, memo_config_hash(config, memo))
            previous = ledger.latest_completed(memo.id, as_of)
            if previous is not None and previous.inputs == inputs and \
                    all(Path(p).exists() for p in previous.files.values()):
                ledger.record_skip(previous, fire_time=iso(fire))
                log.info("%s as of %s: due, but the workbook, templates and config are "
                         "unchanged since build #%d; nothing rebuilt or sent again",
                         memo.id, as_of, previous.id)
                continue
            try:
                self.build_one(memo, fire, inputs)
                built += 1
            except (WorkbookInvalid, WorkbookUnreadable) as exc:
                self._log_workbook(exc)
                rest = due[due.index((memo, fire)) + 1:]
                self._fail_all(rest, str(exc))
                code = EXIT_WORKBOOK
                break
            except ReportsError as exc:
                log.error("could not build %s as of %s: %s", memo.id, as_of, exc)
                code = code or exc.exit_code
        if built:
            self._index()
        return code

    def build_one(self, memo: MemoConfig, fire: datetime, inputs: tuple) -> None:
        from reports import changes
        from reports.build import build_memo
        from reports.distribute import plan_deliveries, recipients_for

        config, ledger = self.config, self.ledger
        as_of = fire.date()
        day = as_of.isoformat()
        clean_stale_parts(Path(config.output) / memo.id / day)
        for debris in Path(config.output).glob(".index.html.*.part"):
            debris.unlink(missing_ok=True)
        build_id = ledger.start_build(memo.id, day, fire_time=iso(fire), title=memo.title,
                                      inputs=inputs)
        log.info("building %s as of %s (scheduled %s %s)", memo.id, day,
                 fire.strftime("%a %Y-%m-%d %H:%M"), memo.schedule.timezone)
        try:
            loaded = self.loaded()
            snap = changes.snapshot(loaded.model)
            previous = ledger.previous_issue(memo.id, day)
            since = None
            if previous is not None and previous.snapshot is not None:
                since = changes.since_last_edition(previous.snapshot, previous.as_of,
                                                 loaded.model, memo, as_of)
            _pause("before-render")
            built = build_memo(loaded, config, memo, as_of, since_last_edition=since)
            _pause("after-render")
            files = {fmt: str(path) for fmt, path in built.files.items()}
            recipients = recipients_for(config, memo, loaded.distribution)
            with ledger.transaction():
                latest = ledger.latest_revision(memo.id, day)
                if latest is not None and latest.hashes == built.hashes:
                    outcome, revision = "same", latest.revision
                else:
                    outcome, revision = "done", (latest.revision if latest else 0) + 1
                ledger.finish_build(build_id, outcome=outcome, revision=revision, files=files,
                                    hashes=built.hashes, snapshot=snap,
                                    workbook_sha256=loaded.sha256)
                if outcome == "done" and revision > 1:
                    ledger.supersede(memo.id, day, revision)
                added = plan_deliveries(config, ledger, ledger.build(build_id), recipients,
                                        self.now)
        except BaseException as exc:
            ledger.finish_build(build_id, outcome="failed", revision=None,
                                error=str(exc) or type(exc).__name__)
            raise
        _pause("after-record")
        if outcome == "same":
            log.info("%s as of %s rebuilt: the same files as revision %d, not sent again%s",
                     memo.id, day, revision,
                     f" (only to {added} new recipient(s))" if added else "")
        else:
            news = "" if since is None else (
                f", {len(since['rows'])} change(s) since the issue of {since['previous_as_of']}")
            log.info("%s as of %s is revision %d%s; %d delivery(ies) to make", memo.id, day,
                     revision, news, added)

    def _fail_all(self, due: list[tuple[MemoConfig, datetime]], error: str) -> int:
        for memo, fire in due:
            day = fire.date().isoformat()
            build_id = self.ledger.start_build(memo.id, day, fire_time=iso(fire),
                                               title=memo.title, inputs=(None, None, None))
            self.ledger.finish_build(build_id, outcome="failed", revision=None, error=error)
            log.error("could not build %s as of %s: %s", memo.id, day, error)
        return EXIT_WORKBOOK

    def _log_workbook(self, exc: ReportsError) -> None:
        problems = [p for p in getattr(exc, "problems", []) if p.severity == "error"]
        for problem in problems[:10]:
            log.error("%s", problem)
        more = f" ({len(problems) - 10} more)" if len(problems) > 10 else ""
        log.error("%s%s; nothing was built. Fix the workbook (`python run_reports.py validate` "
                  "lists every problem); the next run builds what is due", exc, more)

    def _index(self) -> None:
        try:
            from reports.build import write_index

            write_index(self.config.output, self.config.templates)
        except Exception as exc:  # the memos are built and recorded; the index can wait
            log.warning("could not update %s/index.html: %s", self.config.output, exc)


def as_of_for(memo: MemoConfig, now: datetime | None = None) -> date:
    """The as-of date ``run`` would use for ``memo`` at ``now``."""
    return latest_fire_time(memo, aware(now)).date()
