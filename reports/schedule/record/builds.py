"""The run record's builds: one row per attempt to build a memo edition (memo, as-of).

``outcome`` is ``running`` while it is under way, then one of

- ``done``: files written that differ from the latest revision of that edition: a new
  ``revision`` (1, 2, ...);
- ``same``: rebuilt, and the files are byte-identical to the latest revision;
- ``skipped``: the inputs (workbook, templates, memo config) were unchanged since the last
  build of that edition, so nothing was rendered;
- ``failed`` (``error`` says why) or ``interrupted`` (the run died; a later run redoes it).

``mail`` (schema 2) is what the message needs from the memo: its edition label, its
banner marking and its summary (bottom line, what changed).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from reports.schedule.record.store import Store, day, iso

DONE = ("done", "same", "skipped")  # build outcomes that complete a fire time


@dataclass
class BuildRecord:
    id: int
    memo_id: str
    as_of: date
    fire_time: str | None
    revision: int | None
    title: str | None
    trigger: str
    workbook_sha256: str | None
    template_sha256: str | None
    config_sha256: str | None
    files: dict[str, str]
    hashes: dict[str, str]
    started: str
    finished: str | None
    outcome: str
    error: str | None
    mail: dict | None = None
    issued: str | None = None  # when this revision went to its readers; None: not (yet)
    cause: str | None = None  # what stopped a failed build: "workbook", "templates"
    clear_by: str | None = None  # a draft for clearance (schema 6): when it is overdue
    # What the edition carries to the next, as kept (JSON): read by ``snapshot`` when
    # asked for, since it holds every event and position the memo could show.
    snapshot_json: str | None = field(default=None, repr=False)

    @cached_property
    def snapshot(self) -> dict | None:
        """What the edition carries to the next (``reports.memo.changes.snapshot``), or
        None (a build by ``build`` and sent by ``send``, or not done)."""
        return _load(self.snapshot_json)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> BuildRecord:
        return cls(
            id=row["id"], memo_id=row["memo_id"], as_of=date.fromisoformat(row["as_of"]),
            fire_time=row["fire_time"], revision=row["revision"], title=row["title"],
            trigger=row["trigger"], workbook_sha256=row["workbook_sha256"],
            template_sha256=row["template_sha256"], config_sha256=row["config_sha256"],
            files=_load(row["files_json"]) or {}, hashes=_load(row["hashes_json"]) or {},
            snapshot_json=row["snapshot_json"], started=row["started"],
            finished=row["finished"], outcome=row["outcome"], error=row["error"],
            mail=_load(row["mail_json"]), issued=row["issued"], cause=row["cause"],
            clear_by=row["clear_by"])

    @property
    def inputs(self) -> tuple[str | None, str | None, str | None]:
        return (self.workbook_sha256, self.template_sha256, self.config_sha256)

    @property
    def edition(self) -> str:
        """``weekly as of 2019-11-25 (revision 2)``, as messages name it."""
        rev = f" (revision {self.revision})" if self.revision else ""
        return f"{self.memo_id} as of {self.as_of.isoformat()}{rev}"


def dumps(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _load(text: str | None):
    return json.loads(text) if text else None


class BuildsMixin(Store):
    def _builds(self, sql: str, *args) -> list[BuildRecord]:
        return [BuildRecord.from_row(r) for r in self._select(sql, *args)]

    def build(self, build_id: int) -> BuildRecord:
        found = self._builds("SELECT * FROM builds WHERE id = ?", build_id)
        if not found:
            raise KeyError(build_id)
        return found[0]

    def builds(self, memo_id: str | None = None, limit: int | None = None) -> list[BuildRecord]:
        """Builds (of ``memo_id``), newest first."""
        where, args = ("WHERE memo_id = ?", [memo_id]) if memo_id else ("", [])
        return self._builds(f"SELECT * FROM builds {where} ORDER BY id DESC LIMIT ?",
                            *args, -1 if limit is None else limit)

    def last_done_fire_time(self, memo_id: str) -> str | None:
        """The latest fire time whose build completed (done, same or skipped), unless its
        revision was returned by a clearer: that edition is due again."""
        row = self.conn.execute(
            "SELECT MAX(fire_time) FROM builds b WHERE memo_id = ? AND fire_time IS NOT NULL "
            f"AND outcome IN {DONE!r} AND NOT EXISTS (SELECT 1 FROM clearances c WHERE "
            "c.memo_id = b.memo_id AND c.as_of = b.as_of AND c.revision = b.revision "
            "AND c.action = 'returned')", (memo_id,)).fetchone()
        return row[0]

    def latest_completed(self, memo_id: str, as_of: date) -> BuildRecord | None:
        """The newest completed build of the edition, whatever its outcome."""
        found = self._builds(
            f"SELECT * FROM builds WHERE memo_id = ? AND as_of = ? AND outcome IN {DONE!r} "
            "ORDER BY id DESC LIMIT 1", memo_id, day(as_of))
        return found[0] if found else None

    def latest_revision(self, memo_id: str, as_of: date) -> BuildRecord | None:
        """The build that made the newest revision of the edition, if any."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND as_of = ? AND outcome = 'done' "
            "ORDER BY revision DESC, id DESC LIMIT 1", memo_id, day(as_of))
        return found[0] if found else None

    def issued_revision(self, memo_id: str, as_of: date) -> BuildRecord | None:
        """The newest revision of the edition that was issued to its readers, if any."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND as_of = ? AND outcome = 'done' "
            "AND issued IS NOT NULL ORDER BY revision DESC, id DESC LIMIT 1",
            memo_id, day(as_of))
        return found[0] if found else None

    def latest_issued(self, memo_id: str) -> BuildRecord | None:
        """The newest issued revision of the memo's latest issued edition, if any."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND outcome = 'done' AND issued IS NOT NULL "
            "ORDER BY as_of DESC, revision DESC, id DESC LIMIT 1", memo_id)
        return found[0] if found else None

    def previous_edition(self, memo_id: str, as_of: date) -> BuildRecord | None:
        """The newest issued revision of the latest edition of ``memo_id`` before ``as_of``
        that kept what it could show (a snapshot: builds by ``run``; ``send`` of files made
        by ``build`` keeps none). A revision not issued (awaiting clearance) never counts."""
        found = self._builds(
            "SELECT * FROM builds WHERE memo_id = ? AND as_of < ? AND outcome = 'done' "
            "AND snapshot_json IS NOT NULL AND issued IS NOT NULL "
            "ORDER BY as_of DESC, revision DESC, id DESC LIMIT 1", memo_id, day(as_of))
        return found[0] if found else None

    def start_build(self, memo_id: str, as_of: date, *, fire_time: str | None, title: str,
                    inputs: tuple[str | None, str | None, str | None],
                    trigger: str = "run") -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO builds (memo_id, as_of, fire_time, title, trigger, workbook_sha256,"
                " template_sha256, config_sha256, started, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (memo_id, day(as_of), fire_time, title, trigger, *inputs, iso()))
            return cur.lastrowid

    def finish_build(self, build_id: int, *, outcome: str, revision: int | None,
                     files: dict[str, str] | None = None, hashes: dict[str, str] | None = None,
                     snapshot: dict | None = None, workbook_sha256: str | None = None,
                     mail: dict | None = None, error: str | None = None,
                     issued: bool = False) -> None:
        """Complete a build row (call inside :meth:`transaction` to join other changes);
        ``issued``: its revision goes to its readers now."""
        with self.transaction() as conn:
            stamp = iso()
            conn.execute(
                "UPDATE builds SET outcome = ?, revision = ?, files_json = ?, hashes_json = ?, "
                "snapshot_json = ?, workbook_sha256 = COALESCE(?, workbook_sha256), "
                "mail_json = ?, finished = ?, error = ?, issued = ? WHERE id = ?",
                (outcome, revision, dumps(files), dumps(hashes), dumps(snapshot),
                 workbook_sha256, dumps(mail), stamp, error, stamp if issued else None,
                 build_id))

    def record_failure(self, memo_id: str, as_of: date, *, fire_time: str | None, title: str,
                       error: str, inputs: tuple[str | None, str | None, str | None] = (
                           None, None, None), cause: str | None = None) -> int:
        """A build that could not start: the workbook unreadable or invalid, the templates
        broken (``cause``), from ``inputs``."""
        with self.transaction() as conn:
            build_id = self.start_build(memo_id, as_of, fire_time=fire_time, title=title,
                                        inputs=inputs)
            self.finish_build(build_id, outcome="failed", revision=None, error=error)
            conn.execute("UPDATE builds SET cause = ? WHERE id = ?", (cause, build_id))
        return build_id

    def last_success_id(self, memo_ids: list[str] | None = None) -> int | None:
        """The id of the newest build that completed (of ``memo_ids``, or of any memo)."""
        where = (f" AND memo_id IN ({', '.join('?' * len(memo_ids))})" if memo_ids else "")
        row = self.conn.execute(f"SELECT MAX(id) FROM builds WHERE outcome IN {DONE!r}{where}",
                                tuple(memo_ids or ())).fetchone()
        return row[0]

    def latest_attempt(self, memo_id: str, fire_time: str) -> BuildRecord | None:
        """The newest build of ``memo_id`` for one fire time, whatever its outcome."""
        found = self._builds("SELECT * FROM builds WHERE memo_id = ? AND fire_time = ? "
                             "ORDER BY id DESC LIMIT 1", memo_id, fire_time)
        return found[0] if found else None

    def record_skip(self, previous: BuildRecord, *, fire_time: str | None) -> int:
        """A fire time whose inputs were unchanged since ``previous``: done, nothing built."""
        now = iso()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO builds (memo_id, as_of, fire_time, revision, title, trigger, "
                "workbook_sha256, template_sha256, config_sha256, files_json, hashes_json, "
                "mail_json, started, finished, outcome, error, issued) "
                "VALUES (?, ?, ?, ?, ?, 'run', ?, ?, ?, ?, ?, ?, ?, ?, 'skipped', ?, ?)",
                (previous.memo_id, day(previous.as_of), fire_time, previous.revision,
                 previous.title, *previous.inputs, dumps(previous.files),
                 dumps(previous.hashes), dumps(previous.mail), now, now,
                 f"inputs unchanged since build #{previous.id}", previous.issued))
            return cur.lastrowid

    def interrupt_running(self) -> int:
        """Mark builds a dead run left ``running``; call only while holding the run lock."""
        with self.transaction() as conn:
            return conn.execute(
                "UPDATE builds SET outcome = 'interrupted', finished = ?, error = "
                "'the run stopped before this build finished (killed or crashed); "
                "a later run builds it again' WHERE outcome = 'running'", (iso(),)).rowcount
