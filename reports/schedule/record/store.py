"""What every part of the run record shares: the SQLite connection, transactions, UTC
timestamps as sortable text, the attempt bookkeeping of anything that is sent, and the
run lock.

Timestamps are ISO 8601 in UTC to the second (``2019-11-24T22:00:00Z``), so they sort as
text; as-of dates are ISO dates (``2019-11-25``) in the file and ``date`` in Python.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from reports.errors import ConfigError

# Outcomes of anything sent (memo deliveries and notices).
PENDING, SENDING, SENT, FAILED, GAVE_UP = "pending", "sending", "sent", "failed", "gave-up"


def iso(moment: datetime | None = None) -> str:
    """``moment`` (default: the wall clock) as ISO UTC text, to the second."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no time zone")  # a bug: every moment is aware
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def day(value: date | str) -> str:
    """An as-of date as the record stores it."""
    return value if isinstance(value, str) else value.isoformat()


@dataclass
class Attempts:
    """What deliveries and notices share: how often they were tried, and how it went."""

    attempts: int
    next_attempt: str | None
    outcome: str
    error: str | None
    created: str
    updated: str


class Store:
    """The connection and the transaction discipline; the record's parts build on it."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path
        self.missing: Path | None = None  # opened without create and not there

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if anything raises."""
        if self.conn.in_transaction:  # nested: part of the outer transaction
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _select(self, sql: str, *args) -> list[sqlite3.Row]:
        return self.conn.execute(sql, args).fetchall()

    # -- attempts: shared by deliveries and notices (``table`` is one of the two) --------

    def _claim(self, table: str, row_id: int) -> sqlite3.Row | None:
        """Mark a due row ``sending`` (one more attempt); None if another run has it."""
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE {table} SET outcome = '{SENDING}', attempts = attempts + 1, "
                f"updated = ? WHERE id = ? AND outcome IN ('{PENDING}', '{FAILED}')",
                (iso(), row_id))
            if cur.rowcount != 1:
                return None
            return conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()

    def _mark(self, table: str, row_id: int, outcome: str, error: str | None = None,
              next_attempt: datetime | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(f"UPDATE {table} SET outcome = ?, error = ?, next_attempt = ?, "
                         "updated = ? WHERE id = ?",
                         (outcome, error, iso(next_attempt) if next_attempt else None, iso(),
                          row_id))

    def _due(self, table: str, now: datetime) -> list[sqlite3.Row]:
        return self._select(
            f"SELECT * FROM {table} WHERE outcome IN ('{PENDING}', '{FAILED}') "
            "AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY id", iso(now))

    def _recover(self, table: str, now: datetime, error: str) -> list[sqlite3.Row]:
        """Rows a dead run left ``sending`` are in doubt: due again at once."""
        with self.transaction() as conn:
            rows = conn.execute(f"SELECT * FROM {table} WHERE outcome = '{SENDING}'").fetchall()
            conn.execute(f"UPDATE {table} SET outcome = '{FAILED}', next_attempt = ?, "
                         f"updated = ?, error = ? WHERE outcome = '{SENDING}'",
                         (iso(now), iso(), error))
        return rows


@contextmanager
def run_lock(run_record_path: Path | str, *, wait: float = 0) -> Iterator[bool]:
    """Hold the lock ``run``, ``send`` and ``ack`` work under: a file beside the record.

    Yields True while held; False when another process still holds it after ``wait``
    seconds. An OS file lock (``flock``): released when its process dies, even by SIGKILL.
    """
    path = Path(str(run_record_path) + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigError(f"cannot take the run lock {path} ({exc.strerror or exc}); check "
                          "that the folder is writable, or set [paths] run_record in the "
                          "config") from exc
    try:
        held = _flock(fd, wait)
        yield held
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _flock(fd: int, wait: float) -> bool:
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
