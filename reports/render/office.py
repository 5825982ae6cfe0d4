"""LibreOffice kept running for a process's conversions: one converter, started once.

Starting LibreOffice costs more than converting a memo, so a process (a ``build``, a
``run``, a test worker) starts one converter at its first conversion and sends it every
later one. The converter is unoserver's (a maintained LibreOffice conversion server, from
PyPI: its XML-RPC interface and converter, started by ``office_child.py`` without
unoserver's fixed 7 s wait), run by a Python that has LibreOffice's ``uno`` module:
``.venv-office``, which ``scripts/setup.sh`` makes with Debian's ``python3`` and
``python3-uno`` (or ``REPORTS_OFFICE_PYTHON``). It starts one headless LibreOffice with a
private profile in a private temporary folder, and takes conversions over XML-RPC on the
loopback interface; files are passed by path (the same machine, the same user).

Its life (:class:`Office`): started at the first conversion, reused for the rest, stopped
when the last batch under way ends (:func:`office_session`: ``build`` and ``run``; an
``atexit`` hook too), its folder removed. It also stops when the process that started it
ends in any other way, killed included: it watches a pipe from that process
(``office_child.py``). A conversion that outlasts its timeout, or during which LibreOffice
stops, fails with a :class:`PdfConversionError` naming the file, the converter is killed,
and the next conversion starts a new one. A process forked after the converter started
(``build --jobs N``) starts its own at its first conversion (see :func:`office`).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reports.errors import PdfConversionError
from reports.text import plural

log = logging.getLogger(__name__)

START_TIMEOUT = 90.0  # LibreOffice's first start on a slow, busy machine
STOP_GRACE = 10.0  # for LibreOffice to stop when asked, before it is killed
API = "3"  # unoserver's XML-RPC interface (unoserver 2.x and 3.x)
CHILD = Path(__file__).with_name("office_child.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETUP_HINT = ("run `bash scripts/setup.sh` (as root it installs Debian's python3-uno and "
              "python3-venv, then unoserver into .venv-office), or set REPORTS_OFFICE_PYTHON "
              "to a Python that can import uno and unoserver")
# LibreOffice colours a tracked change by its author's place in a list kept across
# documents: every change gets the colour a fresh LibreOffice gives a first author.
_CHANGE_COLOUR = (198 << 16) + (146 << 8)
PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
    'xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + "".join(
        f'<item oor:path="/org.openoffice.Office.Writer/Revision/TextDisplay/{part}">'
        f'<prop oor:name="Color" oor:op="fuse"><value>{_CHANGE_COLOUR}</value></prop></item>\n'
        for part in ("Insert", "Delete", "ChangedAttribute")) + "</oor:items>\n")
_DIED = "Looks like LibreOffice died"  # office_child.DIED: LibreOffice exited unasked
_BUSY = "Address already in use"
# unoserver's own refusals of a file (LibreOffice runs on): not a sign that it died
_REFUSALS = ("Could not load document", "Unknown export file type", "There is no",
             "Could not find an export filter", "Path ")
_OWN_LINE = re.compile(r"^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):unoserver:.*$|"
                       r"^\S+ - - \[.*\] \"POST .*$|"
                       r"^Warning: failed to launch javaldx.*$", re.MULTILINE)


def office_python() -> str:
    """The Python that runs unoserver: ``REPORTS_OFFICE_PYTHON``, else ``.venv-office``."""
    named = os.environ.get("REPORTS_OFFICE_PYTHON")
    if named:
        if shutil.which(named) is None:
            raise PdfConversionError(f"REPORTS_OFFICE_PYTHON names {named}, which is not a "
                                     f"program; {SETUP_HINT}")
        return named
    default = PROJECT_ROOT / ".venv-office" / "bin" / "python"
    if default.is_file():
        return str(default)
    raise PdfConversionError(f"LibreOffice's converter (unoserver) is not installed: there is "
                             f"no {default.relative_to(PROJECT_ROOT)}; {SETUP_HINT}")


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _proxy(port: int, timeout: float) -> Any:
    """An XML-RPC proxy of the converter on ``port``; each socket read waits ``timeout`` s."""
    import xmlrpc.client

    class Transport(xmlrpc.client.Transport):
        def make_connection(self, host: Any) -> Any:
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}", allow_none=True,
                                     transport=Transport())


class Office:
    """One unoserver and its LibreOffice, owned by the process that started it."""

    def __init__(self, soffice: str, python: str):
        self.soffice, self.python = soffice, python
        self.owner = os.getpid()
        self.folder = Path(tempfile.mkdtemp(prefix="reports-office-"))
        self.port, self.uno_port = _free_port(), _free_port()
        self.log_path = self.folder / "unoserver.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.conversions = 0
        self.lock = threading.Lock()  # one conversion at a time (unoserver serves one)

    # -- starting --------------------------------------------------------------------------

    def start(self) -> None:
        """Start unoserver and wait until it answers; raise a clear error if it cannot."""
        (self.folder / "tmp").mkdir()
        settings = self.folder / "profile" / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(PROFILE_SETTINGS, encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env.update(SAL_USE_VCLPLUGIN="svp", TMPDIR=str(self.folder / "tmp"))
        env.setdefault("HOME", str(self.folder))
        cmd = [self.python, "-I", str(CHILD), "--interface", "127.0.0.1", "--port", str(self.port),
               "--uno-interface", "127.0.0.1", "--uno-port", str(self.uno_port),
               "--executable", self.soffice, "--user-installation", str(self.folder / "profile")]
        log.debug("starting LibreOffice's converter: %s", cmd)
        started = time.monotonic()
        with self.log_path.open("wb") as out:
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out,
                                             stderr=subprocess.STDOUT, env=env, cwd=self.folder,
                                             start_new_session=True)
            except OSError as exc:
                self.close()
                raise PdfConversionError(f"could not start LibreOffice's converter with "
                                         f"{self.python}: {exc}; {SETUP_HINT}") from exc
        try:
            self._wait_ready(started + START_TIMEOUT)
        except BaseException:
            self.kill()  # nothing to save: a LibreOffice that did not start, or an interrupt
            self.close()
            raise
        log.info("LibreOffice's converter started in %.1f s (unoserver, pid %d)",
                 time.monotonic() - started, self.proc.pid)

    def _wait_ready(self, deadline: float) -> None:
        import http.client

        while True:
            code = self.proc.poll() if self.proc else None
            said = self.said()  # read after: all it wrote before it exited
            if code is not None or _DIED in said or _BUSY in said:
                if code is None and _DIED in said:  # on its way out: let it finish writing
                    code, said = self._exit_within(5.0), self.said()
                raise self._start_failed(said, code)
            try:
                info = _proxy(self.port, 1.0).info()  # short: a dead start is seen soon
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise PdfConversionError(
                        f"LibreOffice's converter did not answer within {START_TIMEOUT:g} s "
                        f"of starting; check that LibreOffice starts (soffice --headless "
                        f"--version), then try again") from None
                time.sleep(0.05)
                continue
            if str(info.get("api")) != API:
                raise PdfConversionError(
                    f"LibreOffice's converter is unoserver {info.get('unoserver')}, whose "
                    f"interface ({info.get('api')}) is not the one this toolkit speaks "
                    f"({API}); {SETUP_HINT}")
            return

    def _exit_within(self, limit: float) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.proc.wait(limit) if self.proc else None
        return None

    def _start_failed(self, said: str, code: int | None) -> PdfConversionError:
        died = re.search(_DIED + r" \(exit status (-?\d+)\)", said)
        code = int(died.group(1)) if died else None  # LibreOffice's own, not the child's
        own = _OWN_LINE.sub("", said.split(_DIED)[0])  # what came before it died
        lines = [line for line in own.splitlines() if line.strip()]
        if "No module named" in said or "Could not find the 'uno' library" in said:
            return PdfConversionError(
                f"LibreOffice's converter cannot run with {self.python}: "
                f"{lines[-1] if lines else 'it stopped'}; {SETUP_HINT}")
        lo_said = " ".join(line.strip() for line in lines
                           if not line.startswith(("Traceback", "  ")))
        return PdfConversionError(
            f"LibreOffice stopped as it started"
            f"{'' if code is None else f' (exit status {code})'}: "
            f"{self.scrub(lo_said) or 'it said nothing'}; check that "
            f"`{Path(self.soffice).name} --headless --version` works, or reinstall LibreOffice")

    # -- converting ------------------------------------------------------------------------

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and _DIED not in self.said()

    def _dies_within(self, limit: float) -> bool:
        """Whether LibreOffice is found dead within ``limit`` seconds (after a failed call)."""
        end = time.monotonic() + limit
        while self.alive():
            if time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True

    def convert(self, src: Path, out: Path, ext: str, export_filter: str | None,
                options: list[str], infilter: str | None, timeout: float) -> None:
        """Convert ``src`` to ``out``; raise :class:`OfficeFailure` or :class:`OfficeGone`."""
        import http.client
        import xmlrpc.client

        try:
            with _proxy(self.port, timeout) as proxy:
                proxy.convert(str(src), None, str(out), ext, export_filter, options, False,
                              infilter, None)
        except xmlrpc.client.Fault as fault:
            text = re.sub(r"^<class '[\w.]+'>:", "", fault.faultString).strip()
            if not text.startswith(_REFUSALS) and self._dies_within(3.0):
                raise OfficeGone("stopped") from None  # LibreOffice died under the call
            raise OfficeFailure(text) from None
        except TimeoutError:
            raise OfficeGone("timeout") from None
        except (OSError, http.client.HTTPException):
            raise OfficeGone("stopped") from None
        finally:
            self.conversions += 1

    # -- stopping --------------------------------------------------------------------------

    def said(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def scrub(self, text: str) -> str:
        """``text`` without what changes from one converter to the next (its folder, ports)."""
        text = text.replace(f"{self.folder}{os.sep}", "").replace(str(self.folder), "")
        return re.sub(r"port=\d+", "port=N", text)

    def kill(self) -> None:
        """Stop at once: a hung or broken LibreOffice has nothing to save."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop unoserver and LibreOffice (asked, then killed) and remove the folder."""
        if self.owner != os.getpid():
            return  # the converter of the process this one was forked from: not ours
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                log.warning("LibreOffice's converter did not stop within %g s; killed",
                            STOP_GRACE)
            self.kill()  # whatever is left in its group (a LibreOffice that hangs on)
            self.proc.wait()
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class OfficeFailure(Exception):
    """LibreOffice refused the conversion (what it said is the message); it runs on."""


class OfficeGone(Exception):
    """The converter stopped or hung during the conversion (``timeout`` or ``stopped``)."""


# --------------------------------------------------------------------------- the process's


_OFFICE: Office | None = None
_LOCK = threading.RLock()  # reentrant: the last batch to end stops the converter under it
_FAILED: dict[tuple[str, str], str] = {}  # (soffice, python) -> why it could not start, this batch
_SESSIONS = 0  # batches under way in this process (office_session)


def _forget_after_fork() -> None:
    global _LOCK, _SESSIONS
    _LOCK, _SESSIONS = threading.RLock(), 0
    if _OFFICE is not None:
        _OFFICE.lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def office(soffice: str) -> Office:
    """This process's converter, started now if it has none (or its own stopped).

    A process forked from one with a converter starts its own: each has its private
    profile, and forked ``build`` workers convert side by side.
    """
    global _OFFICE
    with _LOCK:
        current = _OFFICE
        if current is not None and current.owner == os.getpid() and current.alive():
            return current
        if current is not None and current.owner == os.getpid():
            log.warning("LibreOffice's converter had stopped (%s); starting a new one",
                        current.scrub(_OWN_LINE.sub("", current.said())).strip()[-200:]
                        or "no reason given")
            current.close()
        _OFFICE = None
        python = office_python()
        if (soffice, python) in _FAILED:  # it will not start now either: say so at once
            raise PdfConversionError(_FAILED[soffice, python])
        for attempt in range(3):  # a port taken between choosing it and binding it
            fresh = Office(soffice, python)
            try:
                fresh.start()
            except PdfConversionError as exc:
                if _BUSY in fresh.said() and attempt < 2:
                    continue
                _FAILED[soffice, python] = str(exc)
                raise
            break
        _OFFICE = fresh
        if _in_child_process():
            import multiprocessing.util

            multiprocessing.util.Finalize(None, shutdown, exitpriority=100)
        return fresh


def _in_child_process() -> bool:
    """In a multiprocessing worker, which ends without running ``atexit`` hooks."""
    process = sys.modules.get("multiprocessing")  # never imported: not a worker
    return process is not None and process.parent_process() is not None


def discard(stopped: Office) -> None:
    """Kill ``stopped`` (it hung or failed mid-conversion); the next conversion starts anew."""
    global _OFFICE
    stopped.kill()
    with _LOCK:
        if _OFFICE is stopped:
            _OFFICE = None
    stopped.close()


def shutdown() -> None:
    """Stop this process's converter, if any; forget a failed start (the next batch tries)."""
    global _OFFICE
    with _LOCK:
        current, _OFFICE = _OFFICE, None
        _FAILED.clear()
    if current is not None and current.owner == os.getpid():
        log.debug("stopping LibreOffice's converter after %s",
                  plural(current.conversions, "conversion"))
        current.close()


@contextlib.contextmanager
def office_session() -> Iterator[None]:
    """A batch (``build``, ``run``): the converter stops when the last batch under way in
    the process ends, however it ends; one batch never stops another's (``serve``)."""
    global _SESSIONS
    with _LOCK:
        _SESSIONS += 1
    try:
        yield
    finally:
        with _LOCK:  # held while it stops: a batch starting now waits, then starts anew
            _SESSIONS -= 1
            if _SESSIONS == 0:
                shutdown()


def running() -> Office | None:
    """This process's converter, if one is running (for tests and the benchmark)."""
    current = _OFFICE
    return current if current is not None and current.owner == os.getpid() else None


atexit.register(shutdown)
