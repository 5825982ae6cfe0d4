"""Every error the toolkit raises on purpose, in one place.

Each carries a message written for the person who has to act on it, and the exit
code the command line returns for it (see ``../shared/spec/cli.md``).
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_WORKBOOK = 1
EXIT_USAGE = 2
EXIT_UNDELIVERED = 3


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
        super().__init__(f"the workbook has {len(errors)} error(s); nothing was built")


class ConfigError(ReportsError):
    """The config file or the command line is wrong; the message names the key or flag."""

    exit_code = EXIT_USAGE


class TemplateError(ReportsError):
    """A staff-edited template is broken; the message names the template and the tag."""

    exit_code = EXIT_USAGE


class OutputError(ReportsError):
    """An output file could not be written (disk full, folder not writable)."""

    exit_code = EXIT_USAGE


class DeliveryError(ReportsError):
    """A memo could not be delivered to a recipient (retried by the next ``run``)."""

    exit_code = EXIT_UNDELIVERED
