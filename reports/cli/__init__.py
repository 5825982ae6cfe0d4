"""The command line (:mod:`~reports.cli.commands`; ``history`` and problem listings in
:mod:`~reports.cli.listing`). :func:`run` is the entry point ``run_reports.py`` and the
``run-reports`` script call; ``main`` is the same command line returning its exit code
(for a caller in Python). The commands import the heavy modules they need."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

from reports.cli.commands import main

__all__ = ["main", "run"]


def run() -> NoReturn:
    """Run the command line and end the process with its exit code.

    A command that read a large workbook leaves hundreds of megabytes of objects, which
    the interpreter would free one by one on its way out (a tenth of a second or more at
    50,000 events). When the command has ended every thread of its own, the exit hooks
    run (the log is flushed, temporary folders removed, LibreOffice stopped), the output
    is flushed, and the process ends there. Otherwise it exits as usual."""
    code = main()
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: let the interpreter say so, as it would
        raise SystemExit(code) from None
    os._exit(code)
