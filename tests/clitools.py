"""The command line as tests run it (not a test module): the one place for it.

- :func:`cli` runs ``python run_reports.py ARGS`` as a user or cron does: a real process
  (its exit code, output and environment are what is being tested), through ``runner``
  when a test hooks the run (tests/hooked_cli.py).
- :func:`call` runs the same ``reports.cli.main(ARGS)`` in this process, with stdout and
  stderr captured, for the many checks where a new interpreter proves nothing (a
  validation message, a refused flag): it spares an interpreter start each time.

Both return a :class:`subprocess.CompletedProcess` (``returncode``, ``stdout``,
``stderr``) and drop the SMTP login from the environment they run with.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOGIN = ("REPORTS_SMTP_USER", "REPORTS_SMTP_PASSWORD")


def cli(*args: str, cwd: Path = REPO, env: dict[str, str | None] | None = None,
        runner: list[str] | None = None, stdin: str | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess:
    """``python run_reports.py ARGS`` in a process of its own; ``env`` adds to this
    process's environment (a None value: that variable unset)."""
    given = {k: v for k, v in os.environ.items() if k not in LOGIN}
    given |= {"PYTHONIOENCODING": "utf-8", **(env or {})}
    program = runner or [str(REPO / "run_reports.py")]
    return subprocess.run([sys.executable, *program, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, input=stdin,
                          env={k: v for k, v in given.items() if v is not None})


def call(*args: str, cwd: Path = REPO, env: dict[str, str | None] | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess:
    """``reports.cli.main(ARGS)`` in this process, as :func:`cli` reports it: ``env``
    is set in ``os.environ`` for the call and put back after (a None value: unset),
    ``stdin`` is what the command reads from standard input."""
    from reports.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    changed = {**dict.fromkeys(LOGIN), **(env or {})}  # None: not set during the call
    saved = {k: os.environ.get(k) for k in changed}
    for key, value in changed.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    stdin_before = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    root, own = logging.getLogger(), logging.getLogger("reports")
    handlers, level, own_level = root.handlers[:], root.level, own.level
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            except BaseException:  # what the interpreter would print, and its exit code
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(here)
        sys.stdin = stdin_before
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:], root.level = handlers, level  # main() pointed them at the capture
        own.setLevel(own_level)
    return subprocess.CompletedProcess(["run_reports.py", *args], code, out.getvalue(),
                                       err.getvalue())
