"""The site's users, sessions and sign-in attempts, kept in the run record (schema 4).

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); the clear text is
never stored or logged. A session is a random token in an HttpOnly cookie; the record
keeps only its SHA-256, the user, a CSRF token and when it expires, so signing out,
removing a user or changing a password ends their sessions at once. Sign-in attempts
are recorded to throttle guessing: after ``max_failures`` failures for one name within
``throttle_minutes`` (or four times as many from one address), that name (or address)
is refused until the window has passed, whatever password is given.

One short-lived SQLite connection per operation: the site's request threads never share
one, and ``run`` and ``serve`` may use the record at the same time (WAL).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reports.errors import ConfigError
from reports.schedule.record import RunRecord
from reports.schedule.record.store import iso
from reports.site.access import (
    User,
    level_rank,
    wrong_level,
    wrong_name,
    wrong_password,
    wrong_role,
)
from reports.tradecraft import Markings

ADDRESS_FACTOR = 4  # an address may fail this many times more often than one name
KEEP_SIGN_INS_DAYS = 30  # sign-in attempts older than this are deleted
PASSWORD, PROXY = "password", "proxy"


class UserError(ConfigError):
    """A user command that cannot be done (exit 2): the message says why."""


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    via: str
    expires: str


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


_DUMMY: list[str] = []  # a hash to verify against for unknown names (same time taken)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    try:
        return _hasher().verify(stored or _DUMMY[0], password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def wrong_email(email: str) -> str | None:
    from reports.delivery.addresses import address_problem

    problem = address_problem(email)
    return f"--email: {problem}" if problem else None


def _address(email: str | None) -> str | None:
    from reports.delivery.addresses import mail_address

    return mail_address(email) if email else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Users:
    """The users and sessions of the run record at ``path``."""

    def __init__(self, path: Path, markings: Markings):
        self.path = Path(path)
        self.markings = markings
        self._ready = False

    def prepare(self) -> None:
        """Create or migrate the record (schema 4); refused when a newer toolkit wrote it."""
        RunRecord.open(self.path, create=True).close()
        self._ready = True

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.prepare()
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        finally:
            conn.close()

    # -- users ------------------------------------------------------------------------

    def _user(self, row: sqlite3.Row | None) -> User | None:
        if row is None:
            return None
        rank = level_rank(self.markings, row["level"])
        return User(row["name"], row["role"], row["level"], -1 if rank is None else rank,
                    row["password_hash"] is not None, row["email"])

    def get(self, name: str) -> User | None:
        with self._db() as db:
            return self._user(db.execute("SELECT * FROM site_users WHERE name = ?",
                                         (name,)).fetchone())

    def all(self) -> list[User]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM site_users ORDER BY name").fetchall()
        return [u for u in map(self._user, rows) if u is not None]

    def add(self, name: str, role: str, level: str, password: str | None,
            email: str | None = None) -> User:
        """A new user; ``password`` None: one who signs in only through the proxy;
        ``email``: their address (a memo's clearers name users by it)."""
        problems = [p for p in (wrong_name(name), wrong_role(role),
                                wrong_level(self.markings, level),
                                wrong_password(password) if password is not None else None,
                                wrong_email(email) if email is not None else None)
                    if p]
        if problems:
            raise UserError("; ".join(problems))
        hashed = hash_password(password) if password is not None else None
        now = iso()
        with self._db() as db:
            try:
                db.execute("INSERT INTO site_users (name, role, level, password_hash, email, "
                           "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (name, role, level, hashed, _address(email), now, now))
            except sqlite3.IntegrityError:
                raise UserError(f'there is already a user "{name}"; remove it first, or '
                                "change its password with 'user password'") from None
        return self.get(name)  # type: ignore[return-value]

    def set_email(self, name: str, email: str) -> str:
        """A new address for ``name`` (as mail is sent to it)."""
        if problem := wrong_email(email):
            raise UserError(problem)
        address = _address(email)
        with self._db() as db:
            cur = db.execute("UPDATE site_users SET email = ?, updated = ? WHERE name = ?",
                             (address, iso(), name))
        if cur.rowcount != 1:
            raise UserError(self._unknown(name))
        return address or ""

    def set_password(self, name: str, password: str | None) -> None:
        """A new password (None: proxy sign-in only); the user's sessions end."""
        if password is not None and (problem := wrong_password(password)):
            raise UserError(problem)
        hashed = hash_password(password) if password is not None else None
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            cur = db.execute("UPDATE site_users SET password_hash = ?, updated = ? "
                             "WHERE name = ?", (hashed, iso(), name))
            db.execute("DELETE FROM site_sessions WHERE user_name = ?", (name,))
            db.execute("COMMIT")
        if cur.rowcount != 1:
            raise UserError(self._unknown(name))

    def remove(self, name: str) -> None:
        """Remove ``name``; their sessions end with them."""
        with self._db() as db:
            cur = db.execute("DELETE FROM site_users WHERE name = ?", (name,))
        if cur.rowcount != 1:
            raise UserError(self._unknown(name))

    def _unknown(self, name: str) -> str:
        from reports.text import did_you_mean

        known = [u.name for u in self.all()]
        return f'there is no user "{name}"{did_you_mean(name, known)}'

    # -- signing in -------------------------------------------------------------------

    def throttled(self, name: str, address: str, limit: int, minutes: float,
                  now: datetime | None = None) -> bool:
        """Whether ``name`` or ``address`` failed too often lately to try again now."""
        since = iso((now or datetime.now(UTC)) - timedelta(minutes=minutes))
        with self._db() as db:
            by_name = db.execute(
                "SELECT count(*) FROM site_sign_ins WHERE user_name = ? AND ok = 0 AND at > ? "
                "AND at > coalesce((SELECT max(at) FROM site_sign_ins WHERE user_name = ? "
                "AND ok = 1), '')", (name, since, name)).fetchone()[0]
            by_address = db.execute(
                "SELECT count(*) FROM site_sign_ins WHERE address = ? AND ok = 0 AND at > ?",
                (address, since)).fetchone()[0]
        return by_name >= limit or by_address >= limit * ADDRESS_FACTOR

    def check_password(self, name: str, password: str, address: str) -> User | None:
        """The user when ``password`` is theirs; every attempt is recorded."""
        with self._db() as db:
            row = db.execute("SELECT * FROM site_users WHERE name = ?", (name,)).fetchone()
        ok = verify_password(row["password_hash"] if row is not None else None, password)
        now = datetime.now(UTC)
        with self._db() as db:
            db.execute("DELETE FROM site_sign_ins WHERE at < ?",
                       (iso(now - timedelta(days=KEEP_SIGN_INS_DAYS)),))
            db.execute("INSERT INTO site_sign_ins (user_name, address, ok, at) "
                       "VALUES (?, ?, ?, ?)", (name[:64], address, int(ok), iso(now)))
        return self._user(row) if ok else None

    # -- sessions ---------------------------------------------------------------------

    def start_session(self, user: User, hours: float, via: str = PASSWORD) -> str:
        """A new session for ``user``: the cookie's token (only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._db() as db:
            db.execute("DELETE FROM site_sessions WHERE expires <= ?", (iso(now),))
            db.execute("INSERT INTO site_sessions (token_sha256, user_name, csrf, via, created, "
                       "expires) VALUES (?, ?, ?, ?, ?, ?)",
                       (token_hash(token), user.name, secrets.token_urlsafe(32), via,
                        iso(now), iso(now + timedelta(hours=hours))))
        return token

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie's token, with its user as the record has them now."""
        if not token or len(token) > 100:
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT s.csrf, s.via, s.expires, u.* FROM site_sessions s JOIN site_users u "
                "ON u.name = s.user_name WHERE s.token_sha256 = ? AND s.expires > ?",
                (token_hash(token), iso())).fetchone()
        user = self._user(row)
        if user is None:
            return None
        return Session(user, row["csrf"], row["via"], row["expires"])

    def end_session(self, token: str | None) -> None:
        if token:
            with self._db() as db:
                db.execute("DELETE FROM site_sessions WHERE token_sha256 = ?",
                           (token_hash(token),))
