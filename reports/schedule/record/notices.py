"""The run record's notices (schema 2): mail to the people who can fix a failure.

``workbook-errors``: a scheduled run could not build because the workbook has errors;
each editor gets the problem list and the annotated copy, once per workbook revision
(``about`` is the sha256 of the workbook's bytes). ``gave-up``: a delivery was given up;
the operator hears of it once (``about`` is that delivery's Message-ID). ``build-failed``:
a scheduled memo could not be built (its PDF, the disk, a template, a bug); the operator
hears of each distinct failure once (``about``: the memos, the as-of date and the error).

One row per (notice, recipient), unique by ``message_id``, tried like a delivery:
``pending`` -> ``sending`` -> ``sent``, or ``failed`` (retried by later runs after a
backoff), ``gave-up`` after ``max_attempts``. ``nobody`` records a notice that had no
one to go to (no editors or operator configured), so it is reported once, not every run.
The message's text and attachment are kept until it is sent, then dropped.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from reports.schedule.record.store import (
    FAILED,
    GAVE_UP,
    PENDING,
    SENDING,
    SENT,
    Attempts,
    Store,
    iso,
)

NOBODY = "nobody"
WORKBOOK_ERRORS, DELIVERY_GAVE_UP, BUILD_FAILED = "workbook-errors", "gave-up", "build-failed"


@dataclass
class Notice(Attempts):
    id: int
    kind: str
    about: str
    recipient: str
    message_id: str
    subject: str
    body: dict  # {"text": ..., "html": ..., "attachment": file name or None}
    attachment: bytes | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Notice:
        values = {k: row[k] for k in row.keys()}
        values["body"] = json.loads(values.pop("body_json") or "{}")
        return cls(**values)


class NoticesMixin(Store):
    def _notices(self, sql: str, *args) -> list[Notice]:
        return [Notice.from_row(r) for r in self._select(sql, *args)]

    def notice_exists(self, kind: str, about: str) -> bool:
        return self.conn.execute("SELECT 1 FROM notices WHERE kind = ? AND about = ? LIMIT 1",
                                 (kind, about)).fetchone() is not None

    def add_notice(self, kind: str, about: str, *, recipient: str, message_id: str,
                   subject: str, body: dict, attachment: bytes | None, now: datetime,
                   outcome: str = PENDING) -> bool:
        stamp = iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notices (kind, about, recipient, message_id, subject, "
                "body_json, attachment, attempts, next_attempt, outcome, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                (kind, about, recipient, message_id, subject,
                 json.dumps(body, sort_keys=True, ensure_ascii=False), attachment, iso(now),
                 outcome, stamp, stamp))
            return cur.rowcount == 1

    def notices(self, limit: int | None = None) -> list[Notice]:
        """Notices, newest first."""
        return self._notices("SELECT * FROM notices ORDER BY id DESC LIMIT ?",
                             -1 if limit is None else limit)

    def due_notices(self, now: datetime) -> list[Notice]:
        return [Notice.from_row(r) for r in self._due("notices", now)]

    def claim_notice(self, notice_id: int) -> Notice | None:
        row = self._claim("notices", notice_id)
        return Notice.from_row(row) if row is not None else None

    def notice_sent(self, notice_id: int) -> None:
        self._mark("notices", notice_id, SENT)
        self._drop_attachment(notice_id)

    def notice_failed(self, notice_id: int, error: str, next_attempt: datetime) -> None:
        self._mark("notices", notice_id, FAILED, error, next_attempt)

    def notice_gave_up(self, notice_id: int, error: str) -> None:
        self._mark("notices", notice_id, GAVE_UP, error)
        self._drop_attachment(notice_id)

    def notices_sending(self) -> list[Notice]:
        """Notices a dead run left ``sending`` (in doubt: ``recover_notices`` retries them)."""
        return self._notices(f"SELECT * FROM notices WHERE outcome = '{SENDING}'")

    def recover_notices(self, now: datetime) -> list[Notice]:
        rows = self._recover("notices", now, "the run stopped while sending this notice; "
                             "tried again")
        return [Notice.from_row(r) for r in rows]

    def _drop_attachment(self, notice_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE notices SET attachment = NULL WHERE id = ?", (notice_id,))
