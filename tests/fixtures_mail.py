"""Fixtures and helpers for the scheduling and distribution tests (not a test module).

Test files import what they use; the fixture ``smtp_server`` by importing
``smtp_server_fixture`` (tests/ is on ``sys.path``, see conftest.py). ``smtp_server`` is
a real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, recording every message it
accepts. Its handler can be told to refuse (451), reject (550) or drop the connection
mid-DATA for the next messages, and the server can be stopped and started again on the
same port.
"""

from __future__ import annotations

import email
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "workbook" / "gsomia_relations.xlsx"
TEMPLATES = REPO / "templates"
RECIPIENTS = (("Director, Asia Policy", "director.asia@example.org"),
              ("Japan Desk", "japan.desk@example.org"))
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default_policy)

    def attachments(self) -> dict[str, tuple[str, bytes]]:
        """filename -> (content type, bytes)."""
        return {part.get_filename(): (part.get_content_type(), part.get_content())
                for part in self.message.iter_attachments()}


class MailHandler:
    """Records accepted messages; ``plan`` says what to do with the next ones."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.attempts = 0  # DATA commands seen, accepted or not
        self.plan: list[str] = []  # "ok", "451", "550", "drop", per next DATA
        self.reject_rcpt: set[str] = set()  # addresses refused with 550 at RCPT
        self.auth: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def fail_next(self, *actions: str) -> None:
        with self.lock:
            self.plan.extend(actions)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            action = self.plan.pop(0) if self.plan else "ok"
        if action == "451":
            return "451 4.3.0 Try again later"
        if action == "550":
            return "550 5.7.1 Message refused"
        if action == "drop":
            server.transport.abort()  # the connection dies before the reply
            return "421 4.3.0 closing"
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content))
        return "250 2.0.0 OK queued"


class Authenticator:
    def __init__(self, handler: MailHandler, user: str, password: str):
        self.handler, self.user, self.password = handler, user, password

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode(), auth_data.password.decode()
            self.handler.auth.append(login)
            return AuthResult(success=login == (self.user, self.password), handled=False)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailServer:
    def __init__(self, port: int | None = None, auth: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.handler = MailHandler()
        self.auth = auth
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        kwargs = {}
        if self.auth:
            kwargs = {"authenticator": Authenticator(self.handler, *self.auth),
                      "auth_require_tls": False}
        for _ in range(50):  # the port may linger briefly after a stop
            try:
                self.controller = Controller(self.handler, hostname="127.0.0.1",
                                             port=self.port, **kwargs)
                self.controller.start()
                return self
            except (OSError, RuntimeError):
                time.sleep(0.1)
        raise RuntimeError(f"cannot start the SMTP server on port {self.port}")

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def count_by_recipient(self) -> Counter:
        return Counter(rcpt for r in self.received for rcpt in r.rcpt_tos)

    def message_ids(self) -> Counter:
        return Counter(r.message["Message-ID"] for r in self.received)


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(monkeypatch):
    """A real SMTP server on loopback; no login variables in the environment."""
    monkeypatch.delenv("REPORTS_SMTP_USER", raising=False)
    monkeypatch.delenv("REPORTS_SMTP_PASSWORD", raising=False)
    server = MailServer().start()
    yield server
    server.stop()


def run_due(config, now=None) -> int:
    """``run`` in this process, as the command line reports it: its exit code."""
    from reports.cli.commands import run_exit_code
    from reports.schedule.run import run_due as run

    return run_exit_code(run(config, now))


# -- a desk to test with -----------------------------------------------------------------

def copy_workbook(folder: Path) -> Path:
    target = Path(folder) / "workbook.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUNDLED, target)
    return target


def write_config(folder: Path, *, port: int, workbook: Path | None = None,
                 cron: str = "0 7 * * MON", timezone: str = "Asia/Seoul",
                 recipients=RECIPIENTS, formats=("docx", "html"), max_attempts: int = 5,
                 backoff_minutes: float = 5, drop_folder: Path | None = None,
                 memo_id: str = "weekly", kind: str = "weekly", extra: str = "",
                 desk: str = "", delivery: str = "",
                 title: str = "Japan-South Korea weekly update") -> Path:
    """A reports.toml for one scheduled memo, its output, ledger and log under ``folder``.

    ``desk`` and ``delivery`` are more lines for those tables (e.g. ``editors = [...]``);
    ``extra`` follows the memo's table (more keys for it, or more ``[[memos]]``)."""
    folder = Path(folder)
    workbook = workbook or copy_workbook(folder)
    people = ", ".join(f'{{ name = "{n}", email = "{e}" }}' for n, e in recipients)
    drop = f'drop_folder = "{drop_folder}"' if drop_folder else ""
    schedule = f'schedule = {{ cron = "{cron}", timezone = "{timezone}" }}' if cron else ""
    text = f"""
[paths]
workbook = "{workbook}"
output = "{folder / 'output'}"
templates = "{TEMPLATES}"

[desk]
office = "Northeast Asia Desk"
marking = "UNCLASSIFIED"
sender = "Northeast Asia Desk"
{desk}

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "desk@example.org"
timeout = 10

[delivery]
max_attempts = {max_attempts}
backoff_minutes = {backoff_minutes}
{drop}
{delivery}

[[memos]]
id = "{memo_id}"
kind = "{kind}"
title = "{title}"
formats = [{", ".join(f'"{f}"' for f in formats)}]
{schedule}
recipients = [{people}]
{extra}
"""
    path = folder / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


def scheduled_memo(memo_id: str, kind: str, *, formats=("html",), params: str = "",
                   recipients=RECIPIENTS[:1], cron: str = "0 7 * * MON") -> str:
    """Another ``[[memos]]`` table for ``write_config(extra=...)``."""
    people = ", ".join(f'{{ name = "{n}", email = "{e}" }}' for n, e in recipients)
    return f"""
[[memos]]
id = "{memo_id}"
kind = "{kind}"
formats = [{", ".join(f'"{f}"' for f in formats)}]
schedule = {{ cron = "{cron}", timezone = "Asia/Seoul" }}
recipients = [{people}]
{params}
"""


def cli(*args: str, env: dict | None = None, runner: list[str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """``python run_reports.py ARGS`` as a user runs it (see tests/clitools.py)."""
    from clitools import cli as run

    return run(*args, env=env, runner=runner, timeout=timeout)


def _first_empty_row(ws) -> int:
    for row in range(2, ws.max_row + 2):
        if all(ws.cell(row, c).value in (None, "") for c in range(1, ws.max_column + 1)):
            return row
    return ws.max_row + 1


def _headers(ws) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value}


def add_event(workbook: Path, **values) -> None:
    """Append an Events row (values by column name)."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    ws = book["Events"]
    cols, row = _headers(ws), _first_empty_row(ws)
    for name, value in values.items():
        ws.cell(row, cols[name], value)
    book.save(workbook)


def set_stance(workbook: Path, actor_id: str, issue_id: str, as_of, stance: str) -> None:
    """Correct the stance of one Positions row."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    ws = book["Positions"]
    cols = _headers(ws)
    for row in range(2, ws.max_row + 1):
        value = ws.cell(row, cols["as_of"]).value
        day = value.date() if hasattr(value, "date") else value
        if (ws.cell(row, cols["actor_id"]).value == actor_id
                and ws.cell(row, cols["issue_id"]).value == issue_id and day == as_of):
            ws.cell(row, cols["stance"], stance)
            book.save(workbook)
            return
    raise KeyError((actor_id, issue_id, as_of))


def set_cell(workbook: Path, sheet: str, ref: str, value) -> None:
    """Type ``value`` into one cell, as an editor would."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    book[sheet][ref] = value
    book.save(workbook)


def add_distribution(workbook: Path, rows: list[tuple], *,
                     columns=("memo_id", "name", "email", "active")) -> None:
    """Add a Distribution sheet: (memo_id, name, email, active) rows, or other columns."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    ws = book.create_sheet("Distribution")
    ws.append(list(columns))
    for row in rows:
        ws.append(list(row))
    book.save(workbook)


def parts(folder: Path) -> list[Path]:
    return sorted(Path(folder).rglob("*.part"))
