"""Every error the toolkit raises on purpose, in one place.

Each carries a message written for the person who has to act on it, and the exit code
the command line returns for it:

==  =========================================================================
0   done (warnings allowed)
1   the workbook has errors or cannot be read: nothing was built
2   usage, configuration or template error: nothing was built
3   memos built, but some deliveries are not done (retried, or given up and
    waiting for an operator)
4   some memos could not be built (the others were built and sent)
5   an unexpected internal error (rerun with --debug for the traceback)
==  =========================================================================

When several apply to one command (``build`` or ``run``: a memo failed, a delivery is
not done), the code is the first of :data:`PRECEDENCE` that applies: 1 (nothing could be
built), 2, 5, 4, 3, then 0. See :func:`worst`.
"""

from __future__ import annotations

from typing import Any

from reports.text import plural

EXIT_OK = 0
EXIT_WORKBOOK = 1
EXIT_USAGE = 2
EXIT_UNDELIVERED = 3
EXIT_MEMO_FAILED = 4
EXIT_INTERNAL = 5
EXIT_STDOUT_CLOSED = 141  # as a shell reports a program stopped by SIGPIPE


class ReportsError(Exception):
    """Base class: a problem the user can fix, with a clear message."""

    exit_code = EXIT_USAGE


class WorkbookUnreadable(ReportsError):
    """The file is not a readable .xlsx (empty, text, legacy .xls, encrypted, corrupt, bomb)."""

    exit_code = EXIT_WORKBOOK


class WorkbookInvalid(ReportsError):
    """The workbook was read but has errors; ``problems`` holds every one of them."""

    exit_code = EXIT_WORKBOOK

    def __init__(self, problems: list[Any]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"the workbook has {plural(len(errors), 'error')}; nothing was built")


class ConfigError(ReportsError):
    """The config file or the command line is wrong; the message names the key or flag.
    A wrong config file carries each of its problems (``problems``:
    :class:`reports.problems.Problem`, one per key)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, problems: list[Any] | None = None):
        super().__init__(message)
        self.problems: list[Any] = list(problems or [])


class TemplateError(ReportsError):
    """A staff-edited template is broken; the message names the template and the tag."""

    exit_code = EXIT_USAGE


class TemplateInvalid(TemplateError):
    """Templates with problems; ``problems`` holds every one (template, where, tag, code,
    message: :class:`reports.problems.Problem`)."""

    def __init__(self, problems: list[Any]):
        self.problems = problems
        lines = "".join(f"\n  {p}" for p in problems)
        super().__init__(f"{plural(len(problems), 'template problem')}; no memo was written; open "
                         "each template named (memo.docx in Word, an .html file in a text "
                         "editor), correct each tag as said, save, and check with `python "
                         f"run_reports.py validate --templates`:{lines}")


class StillBroken(ReportsError):
    """A scheduled run found the workbook (exit 1) or the templates (exit 2) exactly as
    broken as an earlier run did: nothing was tried or recorded again."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class MemoFailed(ReportsError):
    """One memo could not be built (rendering, conversion, disk); the others go on."""

    exit_code = EXIT_MEMO_FAILED


class OutputError(MemoFailed):
    """An output file could not be written (disk full, folder not writable)."""


class PdfConversionError(MemoFailed):
    """LibreOffice could not turn a memo into PDF; the message says what failed and what
    to do."""


class DeliveryError(ReportsError):
    """A memo could not be delivered to a recipient (retried by the next ``run``)."""

    exit_code = EXIT_UNDELIVERED


class MemoCrashed(MemoFailed):
    """An unexpected error (a bug) inside one memo; the others were built and sent."""

    exit_code = EXIT_INTERNAL


PRECEDENCE = (EXIT_WORKBOOK, EXIT_USAGE, EXIT_INTERNAL, EXIT_MEMO_FAILED, EXIT_UNDELIVERED)


def worst(*codes: int) -> int:
    """The exit code of a command that met each of ``codes``: the first in PRECEDENCE."""
    for code in PRECEDENCE:
        if code in codes:
            return code
    return EXIT_OK
