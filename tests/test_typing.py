"""The checkers the developer guide asks for pass on the whole repository: ruff (lint,
import order, line length), and mypy as configured in pyproject.toml (strict on the
workbook's reading and checking, the model and ``reports.load``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_passes() -> None:
    assert shutil.which("ruff") or (Path(sys.executable).parent / "ruff").exists()
    proc = run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_passes_strict_on_the_data_layer() -> None:
    proc = run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success" in proc.stdout
