"""The memo context, the mail and the index are typed: mypy checks them strictly.

``[tool.mypy]`` in pyproject.toml names the modules (reports/memo/, the messages, the
manifest and index) and the strict settings; the rest of the package is not yet checked.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_typed_modules_pass_mypy_strict():
    if importlib.util.find_spec("mypy") is None:
        message = "mypy is not installed: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
