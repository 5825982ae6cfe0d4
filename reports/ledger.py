"""The run record: one embedded SQLite file of every build and every delivery.

It is the only state the scheduler needs. Every change of state is one transaction, so a
run killed at any point leaves the record as it was before or after that change, never
between. Timestamps are ISO 8601 in UTC (``2019-11-24T22:00:00Z``), so they sort as text.

Builds: one row per attempt to build a memo as of a day. ``outcome`` is ``running`` while
it is under way, then one of

- ``done``: files written that differ from the latest revision of that (memo, as-of):
  a new ``revision`` (1, 2, ...) of that issue;
- ``same``: rebuilt, and the files are byte-identical to the latest revision;
- ``skipped``: the inputs (workbook, templates, memo config) were unchanged since the last
  build of that (memo, as-of), so nothing was rendered;
- ``failed`` (``error`` says why) or ``interrupted`` (the run died; a later run redoes it).

Deliveries: one row per (memo, as-of, revision, recipient, channel), unique by its
``message_id``. ``outcome`` is ``pending`` -> ``sending`` -> ``sent``, or ``failed``
(retried after ``next_attempt``), ``gave-up`` (after ``max_attempts`` or a permanent
refusal), ``superseded`` (a newer revision of the issue replaced it before it went out).
A row left in ``sending`` by a killed run is in doubt and is tried again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reports.errors import ReportsError

SCHEMA_VERSION = 1
DONE = ("done", "same", "skipped")  # build outcomes that complete a fire time
UNDELIVERED = ("pending", "sending", "failed")

_SCHEMA_V1 = """
CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    memo_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    fire_time TEXT,
    revision INTEGER,
    title TEXT,
    trigger TEXT NOT NULL DEFAULT 'run',
    workbook_sha256 TEXT,
    template_sha256 TEXT,
    config_sha256 TEXT,
    files_json TEXT,
    hashes_json TEXT,
    snapshot_json TEXT,
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX builds_memo_as_of ON builds (memo_id, as_of);
CREATE INDEX builds_memo_fire ON builds (memo_id, fire_time);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    build_id INTEGER NOT NULL REFERENCES builds (id),
    memo_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    revision INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    name TEXT,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (outcome, next_attempt);
CREATE INDEX deliveries_memo ON deliveries (memo_id, as_of, revision);
"""

MIGRATIONS = {1: _SCHEMA_V1}  # version -> script taking the previous version to it


def run_lock(ledger_path: Path | str):
    """The lock ``run`` and ``send`` hold while they work: a file beside the run record.

    An OS file lock (``flock``), so it is released when its process dies, even by SIGKILL.
    """
    from filelock import FileLock

    path = Path(ledger_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock")


def iso(moment: datetime | None = None) -> str:
    """``moment`` (default: the wall clock) as ISO UTC text, to the second."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass
class Build:
    id: int
    memo_id: str
    as_of: str
    fire_time: str | None
    revision: int | None
    title: str | None
    trigger: str
    workbook_sha256: str | None
    template_sha256: str | None
    config_sha256: str | None
    files: dict[str, str]
    hashes: dict[str, str]
    snapshot: dict | None
    started: str
    finished: str | None
    outcome: str
    error: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Build:
        return cls(
            id=row["id"], memo_id=row["memo_id"], as_of=row["as_of"],
            fire_time=row["fire_time"], revision=row["revision"], title=row["title"],
            trigger=row["trigger"], workbook_sha256=row["workbook_sha256"],
            template_sha256=row["template_sha256"], config_sha256=row["config_sha256"],
            files=json.loads(row["files_json"] or "{}"),
            hashes=json.loads(row["hashes_json"] or "{}"),
            snapshot=json.loads(row["snapshot_json"]) if row["snapshot_json"] else None,
            started=row["started"], finished=row["finished"], outcome=row["outcome"],
            error=row["error"])

    @property
    def inputs(self) -> tuple[str | None, str | None, str | None]:
        return (self.workbook_sha256, self.template_sha256, self.config_sha256)


@dataclass
class Delivery:
    id: int
    build_id: int
    memo_id: str
    as_of: str
    revision: int
    recipient: str
    name: str | None
    channel: str
    message_id: str
    attempts: int
    next_attempt: str | None
    outcome: str
    error: str | None
    created: str
    updated: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Delivery:
        return cls(**{k: row[k] for k in row.keys()})


class Ledger:
    """The run record. Open with :meth:`open`; use as a context manager to close it."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path
        self.missing: Path | None = None  # opened without create and not there

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, create: bool = True) -> Ledger:
        """Open (and with ``create``, create) the record at ``path``.

        Without ``create`` a missing file is not made: an empty record in memory stands
        in for it, so ``history`` before the first ``run`` says there is nothing yet.
        """
        path = Path(path)
        if not path.exists() and not create:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            ledger = cls(conn, None)
            ledger._prepare(wal=False)
            ledger.missing = path
            return ledger
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            ledger = cls(conn, path)
            ledger._prepare(wal=True)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise ReportsError(
                f"the run record {path} cannot be opened ({exc}); check that its folder is "
                "writable (or set [paths] ledger in the config); if the file is damaged, move "
                "it aside and run again (a new record is started and due memos are rebuilt)"
            ) from exc
        return ledger

    def _prepare(self, *, wal: bool) -> None:
        conn = self.conn
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            if version > SCHEMA_VERSION:
                raise ReportsError(
                    f"the run record {self.path} was written by a newer version of this "
                    f"toolkit (schema {version}, this one knows {SCHEMA_VERSION}); update it")
            return
        with self.transaction():
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # under the lock
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
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

    # -- builds -----------------------------------------------------------------------------

    def _builds(self, sql: str, *args) -> list[Build]:
        return [Build.from_row(r) for r in self.conn.execute(sql, args).fetchall()]

    def build(self, build_id: int) -> Build:
        found = self._builds("SELECT * FROM builds WHERE id = ?", build_id)
        if not found:
            raise KeyError(build_id)
        return found[0]

    def last_done_fire_time(self, memo_id: str) -> str | None:
        """The latest fire time whose build completed (done, same or skipped)."""
        row = self.conn.execute(
            "SELECT MAX(fire_time) FROM builds WHERE memo_id = ? AND fire_time IS NOT NULL "
            f"AND outcome IN {DONE!r}", (memo_id,)).fetchone()
        return row[0]

    def latest_completed(self, memo_id: str, as_of: str) -> Build | None:
        """The newest completed build of (memo, as-of), whatever its outcome."""
        found = self._builds(
            f"SELECT * FROM builds WHERE memo_id = ? AND as_of = ? AND outcome IN {DONE!r} "
            "ORDER BY id DESC LIMIT 1", memo_id, as_of)
        return found[0] if found else None

    def latest_revision(self, memo_id: str, as_of: str) -> Build | None:
        """The build that made the newest revision of (memo, as-of), if any."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND as_of = ? AND outcome = 'done' "
            "ORDER BY revision DESC, id DESC LIMIT 1", memo_id, as_of)
        return found[0] if found else None

    def previous_issue(self, memo_id: str, as_of: str) -> Build | None:
        """The newest revision of the latest issue of ``memo_id`` before ``as_of`` that
        recorded what the workbook held (builds by ``run``; ``send`` of files made by
        ``build`` records none)."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND as_of < ? AND outcome = 'done' "
            "AND snapshot_json IS NOT NULL "
            "ORDER BY as_of DESC, revision DESC, id DESC LIMIT 1", memo_id, as_of)
        return found[0] if found else None

    def start_build(self, memo_id: str, as_of: str, *, fire_time: str | None, title: str,
                    inputs: tuple[str | None, str | None, str | None],
                    trigger: str = "run") -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO builds (memo_id, as_of, fire_time, title, trigger, workbook_sha256,"
                " template_sha256, config_sha256, started, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (memo_id, as_of, fire_time, title, trigger, *inputs, iso()))
            return cur.lastrowid

    def finish_build(self, build_id: int, *, outcome: str, revision: int | None,
                     files: dict[str, str] | None = None, hashes: dict[str, str] | None = None,
                     snapshot: dict | None = None, workbook_sha256: str | None = None,
                     error: str | None = None) -> None:
        """Complete a build row (call inside :meth:`transaction` to join other changes)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE builds SET outcome = ?, revision = ?, files_json = ?, hashes_json = ?, "
                "snapshot_json = ?, workbook_sha256 = COALESCE(?, workbook_sha256), "
                "finished = ?, error = ? WHERE id = ?",
                (outcome, revision, _json(files), _json(hashes), _json(snapshot),
                 workbook_sha256, iso(), error, build_id))

    def record_skip(self, previous: Build, *, fire_time: str | None) -> int:
        """A fire time whose inputs were unchanged since ``previous``: done, nothing built."""
        now = iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO builds (memo_id, as_of, fire_time, revision, title, trigger, "
                "workbook_sha256, template_sha256, config_sha256, files_json, hashes_json, "
                "started, finished, outcome, error) "
                "VALUES (?, ?, ?, ?, ?, 'run', ?, ?, ?, ?, ?, ?, ?, 'skipped', ?)",
                (previous.memo_id, previous.as_of, fire_time, previous.revision,
                 previous.title, *previous.inputs, _json(previous.files),
                 _json(previous.hashes), now, now,
                 f"inputs unchanged since build #{previous.id}"))
            return cur.lastrowid

    def interrupt_running(self) -> int:
        """Mark builds a dead run left ``running``; call only while holding the run lock."""
        with self.transaction() as conn:
            return conn.execute(
                "UPDATE builds SET outcome = 'interrupted', finished = ?, error = "
                "'the run stopped before this build finished (killed or crashed); "
                "a later run builds it again' WHERE outcome = 'running'", (iso(),)).rowcount

    # -- deliveries -------------------------------------------------------------------------

    def _deliveries(self, sql: str, *args) -> list[Delivery]:
        return [Delivery.from_row(r) for r in self.conn.execute(sql, args).fetchall()]

    def add_delivery(self, build: Build | int, *, memo_id: str, as_of: str, revision: int,
                     recipient: str, name: str | None, channel: str, message_id: str,
                     now: datetime) -> bool:
        """Add a pending delivery unless its message id is known already; True if added."""
        build_id = build if isinstance(build, int) else build.id
        stamp = iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO deliveries (build_id, memo_id, as_of, revision, recipient,"
                " name, channel, message_id, attempts, next_attempt, outcome, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending', ?, ?)",
                (build_id, memo_id, as_of, revision, recipient, name, channel, message_id,
                 iso(now), stamp, stamp))
            return cur.rowcount == 1

    def supersede(self, memo_id: str, as_of: str, below_revision: int) -> int:
        """Undelivered messages of older revisions are replaced by the newer revision."""
        with self.transaction() as conn:
            return conn.execute(
                "UPDATE deliveries SET outcome = 'superseded', updated = ?, error = ? "
                f"WHERE memo_id = ? AND as_of = ? AND revision < ? AND outcome IN "
                f"{UNDELIVERED + ('gave-up',)!r}",
                (iso(), f"replaced by revision {below_revision}", memo_id, as_of,
                 below_revision)).rowcount

    def deliveries(self, memo_id: str | None = None, as_of: str | None = None,
                   revision: int | None = None) -> list[Delivery]:
        sql, args = "SELECT * FROM deliveries WHERE 1 = 1", []
        for column, value in (("memo_id", memo_id), ("as_of", as_of), ("revision", revision)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        return self._deliveries(sql + " ORDER BY id", *args)

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Pending or failed deliveries whose next attempt is due at ``now``."""
        return self._deliveries(
            "SELECT * FROM deliveries WHERE outcome IN ('pending', 'failed') "
            "AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY id", iso(now))

    def retry_now(self, delivery_ids: list[int], now: datetime) -> None:
        """An operator's ``send``: failed or given-up deliveries are due again at once."""
        with self.transaction() as conn:
            for delivery_id in delivery_ids:
                conn.execute(
                    "UPDATE deliveries SET outcome = 'pending', next_attempt = ?, attempts = 0,"
                    " updated = ? WHERE id = ? AND outcome IN ('failed', 'gave-up')",
                    (iso(now), iso(), delivery_id))

    def claim(self, delivery_id: int) -> Delivery | None:
        """Mark a due delivery ``sending`` (one more attempt); None if another run has it."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE deliveries SET outcome = 'sending', attempts = attempts + 1, "
                "updated = ? WHERE id = ? AND outcome IN ('pending', 'failed')",
                (iso(), delivery_id))
            if cur.rowcount != 1:
                return None
            return Delivery.from_row(conn.execute(
                "SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone())

    def mark_sent(self, delivery_id: int) -> None:
        self._mark(delivery_id, "sent", None, None)

    def mark_failed(self, delivery_id: int, error: str, next_attempt: datetime) -> None:
        self._mark(delivery_id, "failed", error, iso(next_attempt))

    def mark_gave_up(self, delivery_id: int, error: str) -> None:
        self._mark(delivery_id, "gave-up", error, None)

    def _mark(self, delivery_id: int, outcome: str, error: str | None,
              next_attempt: str | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET outcome = ?, error = ?, next_attempt = ?, "
                         "updated = ? WHERE id = ?",
                         (outcome, error, next_attempt, iso(), delivery_id))

    def recover_sending(self, now: datetime) -> list[Delivery]:
        """Deliveries a dead run left ``sending`` are in doubt: make them due again."""
        with self.transaction() as conn:
            rows = [Delivery.from_row(r) for r in conn.execute(
                "SELECT * FROM deliveries WHERE outcome = 'sending'").fetchall()]
            conn.execute(
                "UPDATE deliveries SET outcome = 'failed', next_attempt = ?, updated = ?, "
                "error = 'the run stopped while sending; tried again (the message may arrive "
                "twice, with the same Message-ID)' WHERE outcome = 'sending'", (iso(now), iso()))
        return rows

    def deliveries_sending(self) -> list[Delivery]:
        return self._deliveries("SELECT * FROM deliveries WHERE outcome = 'sending'")

    def undelivered(self) -> list[Delivery]:
        return self._deliveries(
            f"SELECT * FROM deliveries WHERE outcome IN {UNDELIVERED!r} ORDER BY id")

    # -- history ----------------------------------------------------------------------------

    def format_history(self, memo_id: str | None = None, limit: int = 50) -> str:
        """The most recent ``limit`` builds and deliveries (of ``memo_id``), newest first."""
        where, args = ("WHERE memo_id = ?", [memo_id]) if memo_id else ("", [])
        builds = self._builds(f"SELECT * FROM builds {where} ORDER BY id DESC LIMIT ?",
                              *args, limit)
        deliveries = self._deliveries(
            f"SELECT * FROM deliveries {where} ORDER BY id DESC LIMIT ?", *args, limit)
        place = self.path or self.missing
        what = f' of "{memo_id}"' if memo_id else ""
        if not builds and not deliveries:
            return f"no builds or deliveries{what} recorded yet in {place}"
        out = [f"Builds{what} (newest first) in {place}"]
        out += _table(("#", "MEMO", "AS OF", "REV", "FIRE TIME", "OUTCOME", "STARTED",
                       "SECONDS", "FILES / ERROR"),
                      [(str(b.id), b.memo_id, b.as_of, _s(b.revision), _s(b.fire_time),
                        b.outcome, b.started, _seconds(b.started, b.finished),
                        b.error if b.outcome in ("failed", "interrupted") else
                        ", ".join(Path(p).name for p in b.files.values()) or _s(b.error))
                       for b in builds])
        out += ["", f"Deliveries{what} (newest first)"]
        if deliveries:
            out += _table(("#", "MEMO", "AS OF", "REV", "CHANNEL", "RECIPIENT", "TRIES",
                           "OUTCOME", "UPDATED", "MESSAGE ID / ERROR"),
                          [(str(d.id), d.memo_id, d.as_of, str(d.revision), d.channel,
                            d.recipient, str(d.attempts), d.outcome, d.updated,
                            d.error if d.error and d.outcome != "sent" else d.message_id)
                           for d in deliveries])
        else:
            out.append("none")
        return "\n".join(out)


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _s(value) -> str:
    return "" if value is None else str(value)


def _seconds(started: str, finished: str | None) -> str:
    if not finished:
        return ""
    return str(int((parse_iso(finished) - parse_iso(started)).total_seconds()))


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return lines
