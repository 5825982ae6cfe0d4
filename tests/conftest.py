"""Shared pytest setup. Keep each part in its own section."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Let tests `import realtools` whether or not tests/ is a package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import realtools  # noqa: E402

# --------------------------------------------------------------------------- real tools
# @pytest.mark.needs_tool("libreoffice", "vnu", ...): skip when a tool is missing,
# fail when env CI is set. Names: see realtools.require. The helpers in realtools
# also check for themselves, so the mark is only needed to stop a test early.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_tool(*names): needs real programs (see tests/realtools.py)"
    )
    if not hasattr(config, "workerinput"):  # once, in the process that starts the workers
        _compile_the_package()


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers(name="needs_tool"):
        realtools.require(*mark.args)


# --------------------------------------------------------------------------- compiled modules
# Hundreds of tests start `python run_reports.py` as cron does. Each would compile the
# package from source again where PYTHONDONTWRITEBYTECODE is set (as on the CI machine),
# a few tenths of a second each: compile it once, as an install does.


def _compile_the_package() -> None:
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "reports", quiet=1)


# --------------------------------------------------------------------------- the longest first
# A test file stays on one worker (--dist loadfile, for its module fixtures), handed out in
# the order collected: the files that take longest (real LibreOffice, Chromium, crashes)
# go first, so that the two workers end together instead of one waiting on a long last.

LONGEST_FIRST = ("test_office.py", "test_run_crash.py", "test_brief_pages.py",
                 "test_site_clearance.py", "test_bench.py", "test_site_browser.py",
                 "test_failures.py", "test_hostile.py", "test_html.py",
                 "test_broken_corpus.py", "test_markings.py", "test_briefs.py",
                 "test_determinism.py", "test_editions_differential.py",
                 "test_site_security.py", "test_budgets.py", "test_packaging.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: else as found


# --------------------------------------------------------------------------- no skips in CI
# In CI every real program and optional library is installed, so a skipped test means
# something is missing: report it as a failure, whatever skipped it.


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {reason}"
