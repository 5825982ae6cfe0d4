"""The run record's clearances (schema 6): drafts, and who approved or returned them.

A memo with clearers is built by ``run`` as a *draft*: its revision is archived and
recorded (``outcome`` ``done``) but not issued (``issued`` NULL), with ``clear_by``, the
moment it is overdue. One decision closes a draft, one row in ``clearances`` per (memo,
as-of, revision): ``approved`` (the revision is issued at that moment: published and
sent) or ``returned`` (with the clearer's comment; nothing is sent, and the edition is due
again once the workbook, templates or config change). A draft is *superseded* when a newer
revision of the same edition was built; only the newest revision can be decided.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.store import Store, day, iso

APPROVED, RETURNED = "approved", "returned"
SITE, COMMAND_LINE = "site", "command line"  # how a decision was made (``via``)

# The newest revision of each edition (a build that made a revision: outcome 'done').
_NEWEST = ("NOT EXISTS (SELECT 1 FROM builds n WHERE n.memo_id = b.memo_id AND n.as_of = "
           "b.as_of AND n.outcome = 'done' AND n.revision > b.revision)")
_UNDECIDED = ("NOT EXISTS (SELECT 1 FROM clearances c WHERE c.memo_id = b.memo_id AND "
              "c.as_of = b.as_of AND c.revision = b.revision)")


@dataclass(frozen=True)
class Clearance:
    """One decision on a draft: ``action`` is ``approved`` or ``returned``."""

    id: int
    build_id: int
    memo_id: str
    as_of: date
    revision: int
    action: str
    by: str
    via: str
    note: str | None
    at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Clearance:
        return cls(id=row["id"], build_id=row["build_id"], memo_id=row["memo_id"],
                   as_of=date.fromisoformat(row["as_of"]), revision=row["revision"],
                   action=row["action"], by=row["by"], via=row["via"], note=row["note"],
                   at=row["at"])

    @property
    def edition(self) -> str:
        return f"{self.memo_id} as of {self.as_of.isoformat()} (revision {self.revision})"


class ClearancesMixin(Store):
    def _drafts(self, where: str, *args: object) -> list[BuildRecord]:
        rows = self._select(
            "SELECT * FROM builds b WHERE b.outcome = 'done' AND b.clear_by IS NOT NULL "
            f"AND {where} ORDER BY b.as_of DESC, b.revision DESC, b.id DESC", *args)
        return [BuildRecord.from_row(r) for r in rows]

    def mark_draft(self, build_id: int, clear_by: datetime) -> None:
        """The build's revision is a draft, overdue at ``clear_by`` (inside a transaction)."""
        with self.transaction() as conn:
            conn.execute("UPDATE builds SET clear_by = ? WHERE id = ?",
                         (iso(clear_by), build_id))

    def mark_issued(self, build_id: int, at: datetime,
                    mail: dict[str, object] | None = None) -> None:
        """The build's revision goes to its readers now (a draft approved); ``mail``: what
        its messages say, when that changes as it is issued."""
        with self.transaction() as conn:
            conn.execute("UPDATE builds SET issued = ? WHERE id = ? AND issued IS NULL",
                         (iso(at), build_id))
            if mail is not None:
                conn.execute("UPDATE builds SET mail_json = ? WHERE id = ?",
                             (json.dumps(mail, sort_keys=True, ensure_ascii=False), build_id))

    def draft(self, memo_id: str, as_of: date) -> BuildRecord | None:
        """The newest revision of the edition if it was built as a draft (whatever became
        of it since: see :meth:`clearance`), else None."""
        found = self._drafts(f"b.memo_id = ? AND b.as_of = ? AND {_NEWEST}", memo_id,
                             day(as_of))
        return found[0] if found else None

    def draft_revision(self, memo_id: str, as_of: date, revision: int) -> BuildRecord | None:
        """Revision ``revision`` of the edition, if it was built as a draft."""
        found = self._drafts("b.memo_id = ? AND b.as_of = ? AND b.revision = ?", memo_id,
                             day(as_of), revision)
        return found[0] if found else None

    def waiting(self, memo_id: str | None = None) -> list[BuildRecord]:
        """Drafts waiting for a decision (the newest revision of their edition, neither
        approved nor returned), newest edition first."""
        where = f"b.issued IS NULL AND {_NEWEST} AND {_UNDECIDED}"
        if memo_id is None:
            return self._drafts(where)
        return self._drafts(f"b.memo_id = ? AND {where}", memo_id)

    def overdue(self, now: datetime) -> list[BuildRecord]:
        """Drafts still waiting at ``now`` after their ``clear_by``."""
        return [b for b in self.waiting() if b.clear_by is not None and b.clear_by <= iso(now)]

    def issued_builds(self, memo_id: str) -> list[BuildRecord]:
        """Every issued revision of the memo, newest edition first, newest revision first."""
        return [BuildRecord.from_row(r) for r in self._select(
            "SELECT * FROM builds WHERE memo_id = ? AND outcome = 'done' AND issued IS NOT "
            "NULL ORDER BY as_of DESC, revision DESC, id DESC", memo_id)]

    def clearance(self, memo_id: str, as_of: date, revision: int) -> Clearance | None:
        """The decision on one revision, if any."""
        rows = self._select("SELECT * FROM clearances WHERE memo_id = ? AND as_of = ? AND "
                            "revision = ?", memo_id, day(as_of), revision)
        return Clearance.from_row(rows[0]) if rows else None

    def clearances(self, memo_id: str | None = None,
                   limit: int | None = None) -> list[Clearance]:
        """Decisions (on ``memo_id``'s drafts), newest first."""
        where, args = ("WHERE memo_id = ?", [memo_id]) if memo_id else ("", [])
        rows = self._select(f"SELECT * FROM clearances {where} ORDER BY id DESC LIMIT ?",
                            *args, -1 if limit is None else limit)
        return [Clearance.from_row(r) for r in rows]

    def user_addresses(self) -> list[tuple[str, str, str, str]]:
        """The site's users with an address: (name, role, level, email)."""
        return [(r["name"], r["role"], r["level"], r["email"]) for r in self._select(
            "SELECT name, role, level, email FROM site_users WHERE email IS NOT NULL "
            "ORDER BY name")]

    def decide(self, draft: BuildRecord, action: str, *, by: str, via: str,
               note: str | None, at: datetime) -> Clearance | None:
        """Record ``action`` on ``draft`` (inside a transaction, to join the changes that go
        with it); None when the revision was decided already (by someone else meanwhile)."""
        assert draft.revision is not None
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO clearances (build_id, memo_id, as_of, revision, action, by, "
                    "via, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (draft.id, draft.memo_id, day(draft.as_of), draft.revision, action, by,
                     via, note, iso(at)))
            except sqlite3.IntegrityError:
                return None
            row = conn.execute("SELECT * FROM clearances WHERE id = ?",
                               (cur.lastrowid,)).fetchone()
        return Clearance.from_row(row)
