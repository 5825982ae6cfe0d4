"""The command line (:mod:`~reports.cli.commands`; ``history`` and problem listings in
:mod:`~reports.cli.listing`). ``main`` here is the entry point ``run_reports.py`` and the
``run-reports`` script call; the commands import the heavy modules they need."""

from reports.cli.commands import main

__all__ = ["main"]
