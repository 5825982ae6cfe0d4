"""The run record: one embedded SQLite file of every build, delivery and notice.

It is the only state the scheduler needs. Every change of state is one transaction, so a
run killed at any point leaves the record as it was before or after that change, never
between. Its parts: :mod:`reports.schedule.record.builds` (builds of each memo edition),
:mod:`reports.schedule.record.deliveries` (each message to each reader, exactly once),
:mod:`reports.schedule.record.notices` (mail to editors and the operator when something failed),
:mod:`reports.schedule.record.clearances` (drafts, and who approved or returned them);
:mod:`reports.schedule.record.store` holds what they share.

The file's schema version is SQLite's ``user_version``. Opening an older file migrates
it in one transaction (each step below takes version N-1 to N); a newer file is refused.

- 1: builds and deliveries.
- 2: notices; an operator's acknowledgement of a given-up delivery (``acked_by``,
  ``acked_at``, ``ack_note``); what the mail needs from each build (``mail_json``).
- 3: no table changes; the snapshots of earlier versions, taken from the whole workbook
  rather than from each memo's cut, are dropped (see reports/changes.py).
- 4: the site's users, their sessions and sign-in attempts (:mod:`reports.site.users`).
- 5: when each build was issued to its readers (``issued``); a revision built but not
  issued (a draft awaiting clearance) is never an earlier edition. What stopped a failed
  build before any memo was made (``cause``: ``workbook`` or ``templates``).
- 6: clearance: a scheduled revision of a memo with clearers is a draft until one of them
  approves it (``builds.clear_by``: when it is overdue); who approved or returned which
  revision, when and why (``clearances``, :mod:`reports.schedule.record.clearances`); the
  site users' addresses (``site_users.email``), which make them clearers of a memo.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reports.errors import ReportsError
from reports.schedule.record.builds import BuildsMixin
from reports.schedule.record.clearances import ClearancesMixin
from reports.schedule.record.deliveries import DeliveriesMixin
from reports.schedule.record.notices import NoticesMixin

SCHEMA_VERSION = 6

# What every row tried more than once (deliveries, notices) records of its attempts.
# Part of the schema scripts below: never change it (a new version adds a migration).
_ATTEMPT_COLUMNS = """    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);"""

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
{attempt_columns}
CREATE INDEX deliveries_due ON deliveries (outcome, next_attempt);
CREATE INDEX deliveries_memo ON deliveries (memo_id, as_of, revision);
"""

_SCHEMA_V2 = """
ALTER TABLE builds ADD COLUMN mail_json TEXT;
ALTER TABLE deliveries ADD COLUMN acked_by TEXT;
ALTER TABLE deliveries ADD COLUMN acked_at TEXT;
ALTER TABLE deliveries ADD COLUMN ack_note TEXT;
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    about TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body_json TEXT NOT NULL,
    attachment BLOB,
{attempt_columns}
CREATE INDEX notices_due ON notices (outcome, next_attempt);
CREATE INDEX notices_about ON notices (kind, about);
"""

# Snapshots before version 3 were taken from the whole workbook, whatever the memo's
# marking: they are dropped, and the next edition of each memo starts afresh.
_SCHEMA_V3 = """
UPDATE builds SET snapshot_json = NULL WHERE snapshot_json IS NOT NULL
    AND COALESCE(json_extract(snapshot_json, '$.version'), 1) < 3;
"""

# ``serve``: users (a password hash, or NULL for one who signs in only through the
# intranet's proxy), sessions (the SHA-256 of the cookie's token, never the token) and
# sign-in attempts (for throttling). Names, roles and levels: reports/site/access.py.
_SCHEMA_V4 = """
CREATE TABLE site_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    level TEXT NOT NULL,
    password_hash TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE site_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES site_users (name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    via TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE INDEX site_sessions_user ON site_sessions (user_name);
CREATE TABLE site_sign_ins (
    id INTEGER PRIMARY KEY,
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    ok INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX site_sign_ins_user ON site_sign_ins (user_name, at);
CREATE INDEX site_sign_ins_address ON site_sign_ins (address, at);
"""

# When each revision was issued to its readers (published, its deliveries planned): every
# completed build of earlier versions was issued as it was built. A failed build's cause
# when the workbook or the templates stopped it (the same inputs fail the same way).
_SCHEMA_V5 = """
ALTER TABLE builds ADD COLUMN issued TEXT;
ALTER TABLE builds ADD COLUMN cause TEXT;
UPDATE builds SET issued = finished
    WHERE outcome IN ('done', 'same', 'skipped') AND revision IS NOT NULL;
"""

# Clearance: a draft's deadline; one decision per revision (approved or returned: who,
# through what, when, why); a site user's address, which names them a memo's clearer.
_SCHEMA_V6 = """
ALTER TABLE builds ADD COLUMN clear_by TEXT;
ALTER TABLE site_users ADD COLUMN email TEXT;
CREATE TABLE clearances (
    id INTEGER PRIMARY KEY,
    build_id INTEGER NOT NULL REFERENCES builds (id),
    memo_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,
    by TEXT NOT NULL,
    via TEXT NOT NULL,
    note TEXT,
    at TEXT NOT NULL
);
CREATE UNIQUE INDEX clearances_revision ON clearances (memo_id, as_of, revision);
"""

# version -> the script taking version - 1 to it
MIGRATIONS = {version: script.replace("{attempt_columns}", _ATTEMPT_COLUMNS)
              for version, script in ((1, _SCHEMA_V1), (2, _SCHEMA_V2), (3, _SCHEMA_V3),
                                      (4, _SCHEMA_V4), (5, _SCHEMA_V5), (6, _SCHEMA_V6))}


class RunRecord(BuildsMixin, DeliveriesMixin, NoticesMixin, ClearancesMixin):
    """The run record. Open with :meth:`open`; use as a context manager to close it."""

    @classmethod
    def open(cls, path: Path | str, create: bool = True, readonly: bool = False) -> RunRecord:
        """Open (and with ``create``, create) the record at ``path``.

        Without ``create`` a missing file is not made: an empty record in memory stands
        in for it, so ``history`` before the first ``run`` says there is nothing yet.
        ``readonly``: a copy in memory (migrated there if older), so that nothing the
        caller does reaches the file (``run --dry-run``).
        """
        path = Path(path)
        if readonly and path.exists():
            return cls._copied(path)
        if not path.exists() and (not create or readonly):
            run_record = cls(sqlite3.connect(":memory:", isolation_level=None), None)
            run_record._prepare(wal=False)
            run_record.missing = path
            return run_record
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            run_record = cls(sqlite3.connect(path, timeout=30, isolation_level=None), path)
            run_record._prepare(wal=True)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise ReportsError(
                f"the run record {path} cannot be opened ({exc}); check that its folder is "
                "writable (or set [paths] run_record in the config); if the file is damaged, move "
                "it aside and run again (a new record is started and due memos are rebuilt)"
            ) from exc
        return run_record

    @classmethod
    def _copied(cls, path: Path) -> RunRecord:
        """The record at ``path`` copied into memory (its write-ahead log included) without
        touching the file or its -wal and -shm companions, migrated there if older."""
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(prefix="run-record-") as tmp:
            copy = Path(tmp) / path.name
            try:
                shutil.copyfile(path, copy)
                wal = Path(f"{path}-wal")
                if wal.exists():
                    shutil.copyfile(wal, Path(f"{copy}-wal"))
                source = sqlite3.connect(copy)
                memory = sqlite3.connect(":memory:", isolation_level=None)
                source.backup(memory)
                source.close()
            except (sqlite3.DatabaseError, OSError) as exc:
                raise ReportsError(f"the run record {path} cannot be read ({exc})") from exc
        record = cls(memory, None)
        record._prepare(wal=False)
        record.path = path  # what it is a copy of, for messages
        return record

    def _prepare(self, *, wal: bool) -> None:
        conn = self.conn
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ReportsError(
                f"the run record {self.path} was written by a newer version of this "
                f"toolkit (schema {version}, this one knows {SCHEMA_VERSION}); update it")
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # under the lock
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
