"""Who may see what: roles, what each role may do, and handling levels.

A user has one role and one handling level (a level of the desk's ``[markings]``). The
role says which parts of the site they use (:data:`GRANTS`); the level cuts what those
parts show: a memo is listed and previewed only when its ceiling is at or below the
user's level, a workbook problem only when its row is, and the annotated workbook whole
only to a user cleared for every row it holds. Both are checked on every request, from
the run record (a changed role or level takes effect at the next click).

Clearance is personal: a draft is shown to the memo's clearers (users whose address is
in its ``clearers``) and to admins, at their level, and approved or returned only by a
clearer or admin whose address the memo names (:func:`may_clear`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reports.tradecraft import Markings

STAFF, CLEARER, READER, ADMIN = "staff", "clearer", "reader", "admin"
ROLES = (STAFF, CLEARER, READER, ADMIN)
ROLE_HELP = {
    STAFF: "edits the workbook: its problems, the annotated copy, memo previews",
    CLEARER: "clears memos before they are sent: memo previews, the drafts of the memos "
             "that name them as clearers, approve or return",
    READER: "reads the memos cleared for them: the list of memos and their issued editions",
    ADMIN: "everything staff and clearers do (every draft at their level; approve or return "
           "only where named a clearer), and the list of users",
}

# What each part of the site is for, and the roles that may use it.
MEMOS, PROBLEMS, ANNOTATED, PREVIEW, USERS, CLEAR, EDITIONS = (
    "memos", "problems", "annotated", "preview", "users", "clear", "editions")
GRANTS: dict[str, frozenset[str]] = {
    MEMOS: frozenset(ROLES),
    PROBLEMS: frozenset({STAFF, ADMIN}),
    ANNOTATED: frozenset({STAFF, ADMIN}),
    PREVIEW: frozenset({STAFF, CLEARER, ADMIN}),
    USERS: frozenset({ADMIN}),
    CLEAR: frozenset({CLEARER, ADMIN}),  # drafts: read, approve or return
    EDITIONS: frozenset(ROLES),  # issued editions, each memo at or below the user's level
}

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 12


@dataclass(frozen=True)
class User:
    name: str
    role: str
    level: str
    rank: int  # the level's rank in the desk's markings (checked when signed in)
    has_password: bool = True
    email: str | None = None  # a memo's clearers name users by it (clearance is personal)

    def may(self, part: str) -> bool:
        return self.role in GRANTS[part]

    def sees(self, rank: int) -> bool:
        """Whether something of handling rank ``rank`` may be shown to this user."""
        return rank <= self.rank

    def named_in(self, addresses: list[str]) -> bool:
        """Whether the user's address is one of ``addresses`` (a memo's clearers)."""
        mine = (self.email or "").lower()
        return bool(mine) and mine in {a.lower() for a in addresses}


def sees_draft(user: User, rank: int, clearers: list[str]) -> bool:
    """Whether ``user`` may read a draft of a memo of handling rank ``rank`` cleared by
    ``clearers``: its clearers and admins, at or above its level."""
    return user.may(CLEAR) and user.sees(rank) and (user.role == ADMIN
                                                     or user.named_in(clearers))


def may_clear(user: User, rank: int, clearers: list[str]) -> bool:
    """Whether ``user`` may approve or return such a draft: a clearer or admin at or above
    its level whom the memo names (an admin too only when named: clearance is personal)."""
    return user.may(CLEAR) and user.sees(rank) and user.named_in(clearers)


def wrong_name(name: str) -> str | None:
    if NAME_RE.match(name):
        return None
    return (f'"{name}" is not a user name: 1 to 64 letters, digits, ".", "_", "@" or "-", '
            "starting with a letter or digit")


def wrong_role(role: str) -> str | None:
    return None if role in ROLES else f'"{role}" is not a role; use one of: {", ".join(ROLES)}'


def level_rank(markings: Markings, level: str) -> int | None:
    """The rank of a user's level: only a level by its exact name (no portion mark)."""
    return markings.levels.index(level) if level in markings.levels else None


def wrong_level(markings: Markings, level: str) -> str | None:
    if level_rank(markings, level) is not None:
        return None
    return (f'"{level}" is not one of the desk\'s handling levels ([markings] levels in the '
            f'config): {", ".join(markings.levels)}')


def wrong_password(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if password != password.strip() or "\n" in password:
        return "a password may not begin or end with spaces or hold a line break"
    return None
