"""``run``: build and distribute every scheduled memo that is due, exactly once.

Cron calls ``run`` every few minutes. Each memo with a ``schedule`` (a cron expression and
a time zone) is due when its latest fire time at or before *now* has no completed build in
the run record; its as-of date is that fire time's date in the memo's zone. After downtime
only the latest missed slot is built (caught up once, not once per slot). A due memo whose
inputs (workbook bytes, templates and code, the memo's config) are the same as at the last
build of that edition is recorded as done without rendering or sending anything.

The due editions go through the one pipeline (:class:`reports.pipeline.Pipeline`) that
``build`` uses; what a scheduled run does with each made edition is :class:`Scheduled`:
the revision is kept in the archive as issued, published, recorded, and its deliveries
planned, in that order, so a run killed at any point is completed by the next one.

One memo failing (its PDF, its template, the disk) is reported and recorded, and the
other due memos are still built and sent. A workbook with errors (or broken templates)
builds nothing; the editors are mailed the problems once per workbook revision (see
:mod:`reports.delivery.notices`), and while the same workbook, templates and config stay
broken, later runs record nothing more and log one line.

A memo with clearers is built as a draft for them instead of being issued (see
:mod:`reports.schedule.issue`); a draft counts as done for the schedule. One a clearer
returned is due again, and is built again once the workbook, templates or config
change; until then each run says in one line that it waits for the editors' correction,
and records nothing. A draft still undecided past its deadline is logged by every run,
and the operator is told once.

Only one run works at a time: a run that finds the lock held (cron overlap) logs it and
stops. ``run --dry-run`` says what is due and what would be built and sent to whom, and
writes, records and sends nothing.

Deciding that nothing is due reads only the config, the run record and croniter; the
readers, the renderers and the mail modules are imported only when there is work.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from reports.config.load import Config, MemoConfig
from reports.errors import (
    EXIT_USAGE,
    EXIT_WORKBOOK,
    ConfigError,
    ReportsError,
    StillBroken,
    TemplateError,
    WorkbookUnreadable,
)
from reports.output.files import (
    STALE_PART_SECONDS,
    clean_stale_parts,
    code_fingerprint,
    sha256_file,
)
from reports.schedule.record import RunRecord
from reports.schedule.record.store import iso, run_lock
from reports.text import local_time, plural

if TYPE_CHECKING:  # the pipeline is imported when something is due, not by idle runs
    from reports.pipeline import Report

log = logging.getLogger(__name__)

Due = tuple[MemoConfig, datetime]  # a memo and the fire time it is due for
Inputs = tuple[str | None, str | None, str | None]  # workbook, templates and code, config


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

    assert memo.schedule is not None and memo.schedule.timezone is not None
    zone = ZoneInfo(memo.schedule.timezone)
    local = now.astimezone(zone)
    # croniter's get_prev is strictly before its start; cron fires on whole minutes, so
    # starting one second after the floored second gives "at or before now".
    start = local.replace(microsecond=0) + timedelta(seconds=1)
    fire: datetime = croniter(memo.schedule.cron, start).get_prev(datetime)
    return fire.astimezone(zone)


def due_memos(config: Config, record: RunRecord, now: datetime) -> list[Due]:
    """(memo, fire time) for each scheduled memo whose latest fire time is not done yet."""
    due = []
    for memo in config.memos:
        if memo.schedule is None:
            continue
        fire = latest_fire_time(memo, now)
        done = record.last_done_fire_time(memo.id)
        if done is None or done < iso(fire):
            due.append((memo, fire))
    return due


# -- what a build depends on ---------------------------------------------------------------

def template_hash(config: Config) -> str:
    """The templates folder's files and the toolkit's own code, as one hash."""
    digest = hashlib.sha256()
    root = Path(config.templates)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith((".", "~$")) or \
                    "__pycache__" in path.parts:
                continue
            digest.update(f"templates/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    digest.update(f"code\0{code_fingerprint()}".encode())
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

@dataclass
class RunReport:
    """What a ``run`` did (the command line turns it into an exit code and lines)."""

    now: datetime
    busy: bool = False  # another run held the lock: this one did nothing
    due: list[Due] = field(default_factory=list)
    built: Report | None = None  # the pipeline's report, when anything was built
    still_broken: ReportsError | None = None  # the same inputs failed before: not retried
    undelivered: int = 0
    given_up: int = 0
    plan: list[str] = field(default_factory=list)  # --dry-run: what would be done

    def errors(self) -> list[ReportsError]:
        found = self.built.errors() if self.built is not None else []
        return found + ([self.still_broken] if self.still_broken is not None else [])


def run_due(config: Config, now: datetime | None = None) -> RunReport:
    """Build, record and distribute whatever is due at ``now`` (see the module; what a
    dry run would do: :func:`reports.schedule.plan.plan`)."""
    now = resolve_now(now, config)
    with run_lock(config.run_record_path) as held:
        if not held:
            log.info("another run is in progress (%s.lock is locked); this one stops",
                     config.run_record_path)
            return RunReport(now, busy=True)
        with RunRecord.open(config.run_record_path) as record:
            return _Run(config, record, now).go()


class _Run:
    def __init__(self, config: Config, record: RunRecord, now: datetime):
        self.config, self.record, self.now = config, record, now
        self.report = RunReport(now)

    def go(self) -> RunReport:
        cut = self.record.interrupt_running()
        if cut:
            log.warning("%s of an earlier run %s cut short (killed or crashed); whatever is "
                        "still due is built now", plural(cut, "build"),
                        "was" if cut == 1 else "were")
        self.report.due = due = due_memos(self.config, self.record, self.now)
        if due:
            self.build_due(due)
        else:
            log.debug("run at %s: nothing due", iso(self.now))
        self.overdue()
        self.deliver()
        self.notify()
        self.report_open()
        return self.report

    # -- after building ---------------------------------------------------------------------

    def deliver(self) -> None:
        if self.record.due_deliveries(self.now) or self.record.deliveries_sending():
            from reports.delivery.distribute import deliver_due

            deliver_due(self.config, self.record, self.now)

    def notify(self) -> None:
        if self.record.due_notices(self.now) or self.record.notices_sending():
            from reports.delivery.notices import send_notices

            send_notices(self.config, self.record, self.now)

    def overdue(self) -> None:
        """Drafts past their deadline: logged every run, the operator told once each."""
        late = self.record.overdue(self.now)
        if not late:
            return
        from reports.delivery.clearance_mail import OVERDUE, about, queue_overdue

        for draft in late:
            log.warning("%s waits for clearance: it was due to be approved or returned by %s "
                        "(`python run_reports.py approve` or `return`, or on the site)",
                        draft.edition, local_time(draft.clear_by, self.config.desk.timezone))
            if not self.record.notice_exists(OVERDUE, about(draft)):
                queue_overdue(self.config, self.record, draft, self.now)

    def report_open(self) -> None:
        """Log what is undelivered or given up (the run's exit code says so: 3)."""
        left, lost = self.record.undelivered(), self.record.given_up()
        self.report.undelivered, self.report.given_up = len(left), len(lost)
        if left:
            log.warning("%d deliver%s not done yet; later runs retry %s (see `python "
                        "run_reports.py history`)", len(left),
                        "y is" if len(left) == 1 else "ies are",
                        "it" if len(left) == 1 else "them")
        for row in lost:
            as_of = row.as_of.isoformat()
            log.error("%s as of %s (revision %d) was never delivered to %s: given up after "
                      "%s (%s). Deliver it with `python run_reports.py send %s "
                      "--as-of %s` or accept that with `python run_reports.py ack %s --as-of "
                      "%s --recipient %s`", row.memo_id, as_of, row.revision, row.target,
                      plural(row.attempts, "attempt"), row.error, row.memo_id, as_of,
                      row.memo_id, as_of, row.recipient)

    # -- building -------------------------------------------------------------------------

    def build_due(self, due: list[Due]) -> None:
        from reports.pipeline import Edition, Pipeline

        config = self.config
        # what a killed run left half-written; not on idle runs (the output tree only grows)
        clean_stale_parts(config.output, older_than=STALE_PART_SECONDS)
        clean_stale_parts(config.archive, older_than=STALE_PART_SECONDS)
        log.info("run at %s: due %s", iso(self.now),
                 ", ".join(f"{m.id} (fired {f.isoformat()})" for m, f in due))
        missing: WorkbookUnreadable | None = None
        try:
            workbook_sha = sha256_file(config.workbook)
        except OSError as exc:
            workbook_sha = f"missing {config.workbook}"
            missing = WorkbookUnreadable(
                f"cannot read the workbook {config.workbook} ({exc.strerror or exc}); fix "
                "[paths] workbook in the config or restore the file")
        templates_sha = template_hash(config)
        inputs = {memo.id: (workbook_sha, templates_sha, memo_config_hash(config, memo))
                  for memo, _ in due}
        todo = [(memo, fire) for memo, fire in due
                if not self.returned(memo, fire, inputs[memo.id])
                and not self.unchanged(memo, fire, inputs[memo.id])]
        if not todo:
            return
        broken = self.still_broken(todo, inputs)
        if broken is not None:
            self.report.still_broken = broken
            return
        if missing is not None:
            self.workbook_failed(todo, workbook_sha, missing, inputs=inputs)
            return
        from reports.schedule.issue import Scheduled

        desk = Scheduled(self.config, self.record, self.now,
                         {memo.id: self.start(memo, fire, inputs[memo.id])
                          for memo, fire in todo})
        report = Pipeline(config, all_or_nothing=False).run(
            [Edition(memo, fire.date(), fire) for memo, fire in todo], desk)
        self.report.built = report
        if isinstance(report.stopped, TemplateError):
            desk.stopped(report.stopped, "templates")
            log.error("%s", report.stopped)
            self.tell_operator([m for m, _ in todo], todo[0][1].date(), str(report.stopped))
        elif report.stopped is not None:
            desk.stopped(report.stopped, "workbook")
            self.workbook_failed(todo, workbook_sha, report.stopped)
        for outcome in report.failures:
            log.error("could not build %s", outcome.error)
            self.tell_operator([outcome.edition.memo], outcome.edition.as_of,
                               str(outcome.error))

    def returned(self, memo: MemoConfig, fire: datetime, inputs: Inputs) -> bool:
        """An edition a clearer returned, whose inputs are as they were then: it waits for
        the editors' correction (one line, nothing recorded)."""
        previous = self.record.latest_completed(memo.id, fire.date())
        if previous is None or previous.revision is None or previous.inputs != inputs:
            return False
        decision = self.record.clearance(memo.id, fire.date(), previous.revision)
        if decision is None or decision.action != "returned":
            return False
        log.warning("%s was returned by %s at %s and waits for the editors' correction: the "
                    "next run after the workbook, templates or config change builds a new "
                    "draft", decision.edition, decision.by,
                    local_time(decision.at, self.config.desk.timezone))
        return True

    def unchanged(self, memo: MemoConfig, fire: datetime, inputs: Inputs) -> bool:
        """A due edition whose inputs are as at its last build: recorded, not rebuilt."""
        previous = self.record.latest_completed(memo.id, fire.date())
        if previous is None or previous.inputs != inputs or \
                not all(Path(p).exists() for p in previous.files.values()):
            return False
        self.record.record_skip(previous, fire_time=iso(fire))
        log.info("%s: due, but the workbook, templates and config are unchanged since build "
                 "#%d; nothing rebuilt or sent again", previous.edition, previous.id)
        return True

    def still_broken(self, due: list[Due], inputs: dict[str, Inputs]) -> ReportsError | None:
        """When every due memo's last attempt was stopped by the workbook or the templates
        with these very inputs, nothing is tried or recorded again: one line says so."""
        last = [self.record.latest_attempt(memo.id, iso(fire)) for memo, fire in due]
        if not all(b is not None and b.outcome == "failed" and b.cause is not None
                   and b.inputs == inputs[memo.id] for b, (memo, _) in zip(last, due,
                                                                           strict=True)):
            return None
        first = min((b for b in last if b is not None), key=lambda b: b.id)
        what = "workbook" if first.cause == "workbook" else "templates"
        error = StillBroken(
            f"the {what} {'has errors' if what == 'workbook' else 'are broken'} as the run at "
            f"{first.started} found (build #{first.id}: {first.error}); nothing due was "
            "built, and nothing more is recorded until the workbook, templates or config "
            "change", EXIT_WORKBOOK if what == "workbook" else EXIT_USAGE)
        log.warning("%s", error)
        return error

    def start(self, memo: MemoConfig, fire: datetime, inputs: Inputs) -> int:
        """Clear what a killed build of this edition left, and record that it started."""
        day = fire.date().isoformat()
        folder = self.config.published(memo)
        clean_stale_parts(folder / memo.id / day)
        for debris in folder.glob(".index.html.*.part"):
            debris.unlink(missing_ok=True)
        assert memo.schedule is not None
        log.info("building %s as of %s (scheduled %s %s)", memo.id, day,
                 fire.strftime("%a %Y-%m-%d %H:%M"), memo.schedule.timezone)
        return self.record.start_build(memo.id, fire.date(), fire_time=iso(fire),
                                       title=memo.title, inputs=inputs)

    def workbook_failed(self, due: list[Due], revision: str, error: ReportsError,
                        inputs: dict[str, Inputs] | None = None) -> None:
        """Nothing can be built: each due memo recorded as failed, the editors told once."""
        problems = [p for p in getattr(error, "problems", []) if p.severity == "error"]
        for problem in problems[:10]:
            log.error("%s", problem)
        more = f" ({len(problems) - 10} more)" if len(problems) > 10 else ""
        said = str(error).removesuffix("; nothing was built")
        log.error("%s%s; nothing was built. Fix the workbook (`python run_reports.py validate` "
                  "lists every problem); the next run builds what is due", said, more)
        if inputs is not None:  # not recorded yet (the pipeline did not start)
            for memo, fire in due:
                self.record.record_failure(memo.id, fire.date(), fire_time=iso(fire),
                                           title=memo.title, error=str(error),
                                           inputs=inputs[memo.id], cause="workbook")
            from reports.pipeline import Report

            self.report.built = Report(stopped=error)
        from reports.delivery.notices import queue_workbook_errors

        queue_workbook_errors(self.config, self.record, revision, error,
                              [m for m, _ in due], self.now)

    def tell_operator(self, memos: list[MemoConfig], as_of: Any, error: str) -> None:
        from reports.delivery.notices import queue_build_failed

        queue_build_failed(self.config, self.record, [m.id for m in memos], as_of, error,
                           self.now)
