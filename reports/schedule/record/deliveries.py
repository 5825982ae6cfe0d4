"""The run record's deliveries: one row per (memo, as-of, revision, recipient, channel),
unique by its ``message_id``.

``outcome`` is ``pending`` -> ``sending`` -> ``sent``, or ``failed`` (retried after
``next_attempt``), ``gave-up`` (after ``max_attempts`` or a permanent refusal: reported by
every later run until ``send`` delivers it or an operator acknowledges it), ``acknowledged``
(an operator's ``ack``: ``acked_by``, ``acked_at``, ``ack_note``), ``superseded`` (a newer
revision of the edition replaced it before it went out). A row left ``sending`` by a
killed run is in doubt and is tried again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import date, datetime

from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.store import (
    FAILED,
    GAVE_UP,
    PENDING,
    SENDING,
    SENT,
    Attempts,
    Store,
    day,
    iso,
)

ACKNOWLEDGED, SUPERSEDED = "acknowledged", "superseded"
UNDELIVERED = (PENDING, SENDING, FAILED)  # still being tried by later runs


@dataclass
class Delivery(Attempts):
    id: int
    build_id: int
    memo_id: str
    as_of: date
    revision: int
    recipient: str
    name: str | None
    channel: str
    message_id: str
    acked_by: str | None = None
    acked_at: str | None = None
    ack_note: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Delivery:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["as_of"] = date.fromisoformat(values["as_of"])
        return cls(**values)

    @property
    def target(self) -> str:
        return self.recipient if self.channel == "email" else "the drop folder"


class DeliveriesMixin(Store):
    def _deliveries(self, sql: str, *args) -> list[Delivery]:
        return [Delivery.from_row(r) for r in self._select(sql, *args)]

    def add_delivery(self, build: BuildRecord, *, recipient: str, name: str | None,
                     channel: str, message_id: str, now: datetime) -> bool:
        """Add a pending delivery of ``build``'s revision unless its message id is known
        already; True if added."""
        stamp = iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO deliveries (build_id, memo_id, as_of, revision, recipient,"
                " name, channel, message_id, attempts, next_attempt, outcome, created, updated)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '{PENDING}', ?, ?)",
                (build.id, build.memo_id, day(build.as_of), build.revision, recipient, name,
                 channel, message_id, iso(now), stamp, stamp))
            return cur.rowcount == 1

    def supersede(self, memo_id: str, as_of: date, below_revision: int) -> int:
        """Undelivered messages of older revisions are replaced by the newer revision."""
        with self.transaction() as conn:
            return conn.execute(
                f"UPDATE deliveries SET outcome = '{SUPERSEDED}', updated = ?, error = ? "
                "WHERE memo_id = ? AND as_of = ? AND revision < ? AND outcome IN "
                f"{UNDELIVERED + (GAVE_UP,)!r}",
                (iso(), f"replaced by revision {below_revision}", memo_id, day(as_of),
                 below_revision)).rowcount

    def deliveries(self, memo_id: str | None = None, as_of: date | None = None,
                   revision: int | None = None, limit: int | None = None) -> list[Delivery]:
        """Deliveries, oldest first (with ``limit``: the newest ``limit``, newest first)."""
        sql, args = "SELECT * FROM deliveries WHERE 1 = 1", []
        for column, value in (("memo_id", memo_id), ("as_of", as_of), ("revision", revision)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(day(value) if column == "as_of" else value)
        if limit is not None:
            return self._deliveries(sql + " ORDER BY id DESC LIMIT ?", *args, limit)
        return self._deliveries(sql + " ORDER BY id", *args)

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Pending or failed deliveries whose next attempt is due at ``now``."""
        return [Delivery.from_row(r) for r in self._due("deliveries", now)]

    def retry_now(self, delivery_ids: list[int], now: datetime) -> None:
        """An operator's ``send``: failed or given-up deliveries are due again at once."""
        with self.transaction() as conn:
            for delivery_id in delivery_ids:
                conn.execute(
                    f"UPDATE deliveries SET outcome = '{PENDING}', next_attempt = ?, "
                    "attempts = 0, updated = ? WHERE id = ? AND outcome IN "
                    f"('{FAILED}', '{GAVE_UP}')", (iso(now), iso(), delivery_id))

    def claim(self, delivery_id: int) -> Delivery | None:
        """Mark a due delivery ``sending`` (one more attempt); None if another run has it."""
        row = self._claim("deliveries", delivery_id)
        return Delivery.from_row(row) if row is not None else None

    def mark_sent(self, delivery_id: int) -> None:
        self._mark("deliveries", delivery_id, SENT)

    def mark_failed(self, delivery_id: int, error: str, next_attempt: datetime) -> None:
        self._mark("deliveries", delivery_id, FAILED, error, next_attempt)

    def mark_gave_up(self, delivery_id: int, error: str) -> None:
        self._mark("deliveries", delivery_id, GAVE_UP, error)

    def recover_sending(self, now: datetime) -> list[Delivery]:
        """Deliveries a dead run left ``sending`` are in doubt: make them due again."""
        rows = self._recover("deliveries", now, "the run stopped while sending; tried again "
                             "(the message may arrive twice, with the same Message-ID)")
        return [Delivery.from_row(r) for r in rows]

    def deliveries_sending(self) -> list[Delivery]:
        return self._deliveries(f"SELECT * FROM deliveries WHERE outcome = '{SENDING}'")

    def undelivered(self) -> list[Delivery]:
        """Deliveries later runs are still trying."""
        return self._deliveries(
            f"SELECT * FROM deliveries WHERE outcome IN {UNDELIVERED!r} ORDER BY id")

    def given_up(self) -> list[Delivery]:
        """Deliveries given up and not acknowledged: each keeps ``run`` exiting 3."""
        return self._deliveries(
            f"SELECT * FROM deliveries WHERE outcome = '{GAVE_UP}' ORDER BY id")

    def acknowledge(self, memo_id: str, as_of: date, *, recipient: str | None, by: str,
                    note: str | None) -> list[Delivery]:
        """An operator accepts that given-up deliveries of the edition will not be made."""
        sql = (f"SELECT * FROM deliveries WHERE outcome = '{GAVE_UP}' AND memo_id = ? "
               "AND as_of = ?")
        args: list = [memo_id, day(as_of)]
        if recipient:
            sql += " AND lower(recipient) = lower(?)"
            args.append(recipient)
        with self.transaction() as conn:
            rows = self._deliveries(sql + " ORDER BY id", *args)
            stamp = iso()
            for row in rows:
                conn.execute(f"UPDATE deliveries SET outcome = '{ACKNOWLEDGED}', acked_by = ?, "
                             "acked_at = ?, ack_note = ?, updated = ? WHERE id = ?",
                             (by, stamp, note, stamp, row.id))
        return rows
