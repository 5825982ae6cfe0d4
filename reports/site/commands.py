"""The ``serve`` and ``user`` commands' work (their flags are in reports/cli/commands.py).

A password is read from the terminal (asked twice, never echoed) or, when standard input
is not a terminal, from its first line (``printf '%s\\n' "$PW" | ... user add ...``); it
is never taken from the command line, where other users of the machine could see it.
"""

from __future__ import annotations

import getpass
import sys

from reports.config.load import Config
from reports.site.access import ROLE_HELP
from reports.site.users import UserError, Users, wrong_email


def read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise UserError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UserError("no password on standard input; type it at the prompt or pipe it "
                        "in on one line")
    return line.rstrip("\r\n")


def user_command(config: Config, action: str, name: str | None, role: str | None,
                 level: str | None, no_password: bool, email: str | None = None) -> list[str]:
    """Do ``user ACTION``; the lines to print."""
    users = Users(config.run_record_path, config.markings)
    if action == "list":
        found = users.all()
        if not found:
            return [f"no users yet in {config.run_record_path}; add one with "
                    "'user add NAME --role ROLE --level LEVEL'"]
        rows = [(u.name, u.role, u.level, "password" if u.has_password else "sign-on only",
                 u.email or "") for u in found]
        return _table(("NAME", "ROLE", "LEVEL", "SIGNS IN WITH", "EMAIL"), rows)
    assert name is not None
    if action == "add":
        if role is None or level is None:
            raise UserError("'user add' needs --role (one of: " + ", ".join(ROLE_HELP)
                            + ") and --level (one of: " + ", ".join(config.markings.levels)
                            + ")")
        if email is not None and (problem := wrong_email(email)):
            raise UserError(problem)  # before the password is asked for
        user = users.add(name, role, level, None if no_password else read_password(),
                         email=email)
        how = "a password" if user.has_password else "the single sign-on only"
        mailed = f", email {user.email}" if user.email else ""
        return [f"added {user.name}: {user.role}, {user.level}, signs in with {how}{mailed}"]
    if email is not None and action != "email":
        raise UserError(f"--email goes with 'user add' or 'user email', not 'user {action}'")
    if action == "email":
        if not email:
            raise UserError("'user email' needs --email ADDR (the address a memo's clearers "
                            "list names them by)")
        address = users.set_email(name, email)
        return [f"{name}: email {address}"]
    if action == "password":
        users.set_password(name, None if no_password else read_password())
        return [f"{name}: " + ("password removed (single sign-on only)" if no_password else
                               "new password set") + "; their sessions were ended"]
    if action == "remove":
        users.remove(name)
        return [f"removed {name} (their sessions were ended)"]
    raise UserError(f"unknown action {action}")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    from reports.cli.listing import table

    return table(header, rows)
