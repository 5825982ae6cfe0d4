"""The mail clearance sends, queued as notices in the run record and sent like every
notice (:func:`reports.delivery.notices.send_notices`: retried by later runs, never
twice):

- ``clearance``: a draft waits; each of the memo's clearers who can clear it on the site
  (a user with that address, the role and the level) gets a link to its page, once per
  draft (``about``: memo, as-of, revision);
- ``returned``: a clearer returned a draft; the workbook's editors (``[desk] editors`` and
  the Distribution sheet's editor rows; the operator when there are none) get the
  clearer's comment and links to the memo's preview and the workbook's problems;
- ``clearance-overdue``: a draft was neither approved nor returned by its deadline; the
  operator is told once.

Each message carries only what the memo's own record row holds (its edition label and
banner, already cut to its marking) and the clearer's comment, under the memo's banner.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote

from reports.config.load import Config, MemoConfig
from reports.delivery.messages import mail_of
from reports.delivery.notices import _editors, _queue
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.clearances import Clearance
from reports.text import local_time

log = logging.getLogger(__name__)

FOR_CLEARANCE, RETURNED, OVERDUE = "clearance", "returned", "clearance-overdue"


def about(build: BuildRecord) -> str:
    """What a clearance notice is about: one revision of one edition."""
    return f"{build.memo_id}|{build.as_of.isoformat()}|r{build.revision}"


def draft_url(config: Config, memo_id: str, as_of: str) -> str:
    """The draft's page on the site (``[site] url``)."""
    return f"{config.site.url}/drafts/{quote(memo_id)}/{as_of}"


def preview_url(config: Config, memo_id: str, as_of: str) -> str:
    return f"{config.site.url}/memos/{quote(memo_id)}?as_of={as_of}"


def _body(build: BuildRecord, heading: str, sections: list[list[Any]]) -> tuple[str, dict[str,
                                                                                          Any]]:
    marking = str(mail_of(build).get("marking") or "")
    subject = f"[{marking}] {heading}" if marking else heading
    return subject, {"heading": heading, "marking": marking, "attachment": None,
                     "sections": sections}


def able_clearers(config: Config, record: RunRecord, memo: MemoConfig) -> list[str]:
    """The clearers ``memo`` names who can clear it on the site: a site user with that
    address, a clearer's or admin's role and a level at or above the memo's. The others
    are named in the log (and never mailed: not even a draft's title goes above a level)."""
    from reports.site.access import User, level_rank, may_clear

    rank = config.markings.rank(memo.marking) or 0
    users = []
    for name, role, level, email in record.user_addresses():
        found = level_rank(config.markings, level)
        users.append(User(name, role, level, -1 if found is None else found, email=email))
    able = [a for a in memo.clearers if any(may_clear(u, rank, [a]) for u in users)]
    for address in memo.clearers:
        if address not in able:
            log.warning("%s is named a clearer of %s, but no user of the site with that address "
                        "may clear it (a clearer or admin at %s or above): not mailed. Add one "
                        "with `python run_reports.py user add NAME --role clearer --level "
                        "\"%s\" --email %s`", address, memo.id, memo.marking, memo.marking,
                        address)
    return able


def queue_for_clearance(config: Config, record: RunRecord, memo: MemoConfig,
                        draft: BuildRecord, clear_by: datetime, now: datetime) -> int:
    """Mail each of ``memo``'s clearers who can clear it a link to ``draft`` (once per
    draft)."""
    label = str(mail_of(draft)["edition_label"])
    day = draft.as_of.isoformat()
    zone = config.desk.timezone
    link = draft_url(config, memo.id, day)
    subject, body = _body(draft, f"For clearance: {label} (revision {draft.revision})", [
        ["", [f"The scheduled run at {local_time(now, zone)} built {label} (revision "
              f"{draft.revision}) as a draft. It is not published or sent until one of its "
              "clearers approves it."]],
        ["What to do", [
            f"Read it, and what changed since the last issued edition, on the site: {link}",
            "Approve it there (it is then sent to its readers at once), or return it with a "
            "comment for the editors (nothing is sent)",
            f"If it is neither approved nor returned by {local_time(clear_by, zone)}, the "
            "operator is told"]]])
    return _queue(record, FOR_CLEARANCE, about(draft), able_clearers(config, record, memo),
                  subject, body, None, now, f"no user of the site may clear {memo.id}: add one "
                  "whose address is among its clearers (user add ... --email ADDR)")


def editors(config: Config) -> list[str]:
    """Who is told of a returned draft: the workbook's editors (the config's, and the
    Distribution sheet's when it can be read)."""
    return [p.email for p in _editors(config, readable=True)]


def queue_returned(config: Config, record: RunRecord, draft: BuildRecord,
                   decision: Clearance, people: list[str], now: datetime) -> int:
    """Mail ``people`` (the workbook's editors; the operator when there are none) the
    clearer's comment on ``draft``."""
    label = str(mail_of(draft)["edition_label"])
    day = draft.as_of.isoformat()
    stand_in = not people and config.delivery.operator
    if stand_in:
        people = [str(config.delivery.operator)]
    lines = [f"{decision.by} returned {label} (revision {draft.revision}) at "
             f"{local_time(decision.at, config.desk.timezone)}: it was not sent to anyone."]
    if stand_in:
        lines.append("You get this as the operator: no editors of the workbook are "
                     "configured ([desk] editors, or editor = yes in its Distribution sheet).")
    subject, body = _body(draft, f"Returned by the clearer: {label}", [
        ["", lines],
        ["The clearer's comment", [decision.note or ""]],
        ["What to do", [
            "Correct the workbook (or ask the operator to correct the templates or config) "
            "and save it",
            f"See the memo as it would be built now: {preview_url(config, draft.memo_id, day)}",
            f"The workbook's problems, live as it is saved: {config.site.url}/workbook",
            "The next scheduled run after the change builds a new draft, and its clearers "
            "are mailed again"]]])
    return _queue(record, RETURNED, about(draft), people, subject, body, None, now,
                  "no editors or operator are configured: set [desk] editors or [delivery] "
                  "operator in the config, or mark editor = yes in the Distribution sheet")


def queue_overdue(config: Config, record: RunRecord, draft: BuildRecord, now: datetime) -> int:
    """Tell the operator, once, that ``draft`` passed its deadline undecided."""
    label = str(mail_of(draft)["edition_label"])
    day = draft.as_of.isoformat()
    zone = config.desk.timezone
    subject, body = _body(draft, f"Not cleared in time: {label}", [
        ["", [f"{label} (revision {draft.revision}) was built as a draft for clearance and "
              f"was neither approved nor returned by {local_time(draft.clear_by, zone)}. It "
              "has not been sent; it still waits."]],
        ["What to do", [
            f"Ask its clearers to read it: {draft_url(config, draft.memo_id, day)}",
            f"Or approve it yourself: python run_reports.py approve {draft.memo_id} --as-of "
            f"{day} --note \"...\"",
            f"Or return it to the editors: python run_reports.py return {draft.memo_id} "
            f"--as-of {day} --note \"...\""]]])
    operator = [config.delivery.operator] if config.delivery.operator else []
    return _queue(record, OVERDUE, about(draft), operator, subject, body, None, now,
                  "no operator address is configured: set [delivery] operator")
