"""``run --dry-run``: what a run would do now, and nothing done.

It reads the config, a copy of the run record in memory, the workbook's Distribution sheet
(for who would receive what) and the files' hashes; it writes, records and sends nothing,
takes no lock, and builds nothing (so it cannot say whether a rebuilt edition's files
would differ: it says when they would be compared).
"""

from __future__ import annotations

from datetime import datetime

from reports.config.load import Config, MemoConfig
from reports.errors import ReportsError
from reports.output.files import sha256_file
from reports.schedule.record import RunRecord
from reports.schedule.record.store import iso
from reports.schedule.run import (
    RunReport,
    due_memos,
    memo_config_hash,
    template_hash,
)


def plan(config: Config, now: datetime) -> RunReport:
    """What ``run`` would do at ``now``, as lines (:attr:`RunReport.plan`)."""
    report = RunReport(now)
    lines = report.plan
    with RunRecord.open(config.run_record_path, create=False, readonly=True) as record:
        report.due = due = due_memos(config, record, now)
        if not due:
            lines.append(f"Nothing is due at {iso(now)}.")
        try:
            workbook = sha256_file(config.workbook)
        except OSError as exc:
            workbook = None
            if due:
                lines.append(f"The workbook {config.workbook} cannot be read "
                             f"({exc.strerror or exc}): nothing would be built.")
        templates = template_hash(config) if due else None
        for memo, fire in due:
            day = fire.date()
            head = f"{memo.id} as of {day.isoformat()} (due since {fire.isoformat()})"
            previous = record.latest_completed(memo.id, day)
            inputs = (workbook, templates, memo_config_hash(config, memo))
            if previous is not None and previous.inputs == inputs:
                returned = record.clearance(memo.id, day, previous.revision or 0)
                if returned is not None and returned.action != "returned":
                    returned = None
                lines.append(f"{head}: returned by {returned.by}; it waits for the editors' "
                             "correction, and nothing would be built." if returned else
                             f"{head}: unchanged since build #{previous.id}; nothing would "
                             "be built or sent.")
                continue
            if workbook is None:
                continue
            if memo.clearers:
                lines.append(f"{head}: would be built ({', '.join(memo.formats)}) as a draft "
                             f"and its clearers mailed ({', '.join(memo.clearers)}); nothing "
                             "is published or sent until one of them approves it.")
                continue
            issued = record.issued_revision(memo.id, day)
            lines.append(f"{head}: would be built ({', '.join(memo.formats)}) and published "
                         f"to {config.published(memo)}" + (
                             f"; a new revision only if its files differ from revision "
                             f"{issued.revision}, issued at {issued.issued}" if issued else ""))
            lines.append(f"  and sent to: {_readers(config, memo)}")
        for row in record.due_deliveries(now):
            lines.append(f"Would retry: {row.memo_id} as of {row.as_of.isoformat()} "
                         f"(revision {row.revision}) to {row.target}, attempt "
                         f"{row.attempts + 1} of {config.delivery.max_attempts}.")
        for draft in record.overdue(now):
            from reports.delivery.clearance_mail import OVERDUE, about

            told = record.notice_exists(OVERDUE, about(draft))
            lines.append(f"{draft.edition} waits for clearance past its deadline "
                         f"({draft.clear_by})" + ("." if told else
                                                  "; the operator would be told."))
        for notice in record.due_notices(now):
            lines.append(f"Would send the notice \"{notice.subject}\" to {notice.recipient}.")
    lines.append("Dry run: nothing was written, recorded or sent.")
    return report


def _readers(config: Config, memo: MemoConfig) -> str:
    from reports.delivery.recipients import read_distribution, recipients_for

    try:
        rows, problems = read_distribution(config)
    except ReportsError as exc:
        return f"(unknown: {exc})"
    if any(p.severity == "error" for p in problems):
        return "(unknown: the Distribution sheet has errors; `validate` lists them)"
    people = [p.email for p in recipients_for(memo, rows)]
    if config.delivery.drop_folder:
        people.append(f"the drop folder {config.published(memo, config.delivery.drop_folder)}")
    return ", ".join(people) or "nobody (no recipients configured)"
