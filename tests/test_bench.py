"""The benchmark (``bench/run.py``) still runs end to end, on a tiny workbook.

No timing is asserted here: the figures are for ``bench/results.md`` and the README,
measured by running the benchmark itself on the real sizes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402


def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    first = generate.workbook(120, seed=7, cache=tmp_path / "a")
    second = generate.workbook(120, seed=7, cache=tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    checked = validate(read_workbook(first))
    assert checked.ok, checked.errors[:3]
    records = checked.records
    assert len(records["Events"]) == 120
    assert len(records["Actors"]) == generate.N_ACTORS
    assert len(records["Issues"]) == generate.N_ISSUES
    assert len(records["Sources"]) == generate.N_SOURCES
    assert len(records["Positions"]) == round(120 * generate.POSITION_SHARE)
    texts = " ".join(str(r.get("native_name") or "") for r in records["Actors"])
    assert any("\uac00" <= ch <= "\ud7a3" for ch in texts)  # Hangul
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts)  # Kanji


def test_benchmark_runs_on_a_tiny_workbook(tmp_path: Path) -> None:
    """The stages that compare the toolkit with the naive pipeline, the briefs' stage
    (every memo kind from the shell, laid out by LibreOffice) and the PDF stage (memo PDFs
    of a batch, one LibreOffice), end to end. The other stages (build, run, shell,
    scaling, charts) drive code the other tests run."""
    report = ROOT / "bench" / "results.md"
    before = report.stat().st_mtime_ns if report.exists() else None
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "300", "--repeat", "1",
         "--quick", "--cache", str(tmp_path / "cache"), "--timeout", "600",
         "--stages", "read", "memo", "naive_docx", "briefs", "pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "### Targets" in out and "### All stages" in out
    for stage in ("calamine: bare read (all sheets)", "toolkit: load + validate + model",
                  "naive: pandas.read_excel(openpyxl)", "toolkit: weekly memo .docx",
                  "toolkit: weekly memo .html",
                  "naive: weekly memo tables, python-docx cell(r, c)",
                  "briefs: overview memo from the shell (load, .docx, .html)",
                  "briefs: weekly memo from the shell (load, .docx, .html)",
                  "pdf: first memo PDF of the batch (LibreOffice starts)",
                  "pdf: each following memo PDF (median)"):
        assert f"| {stage} |" in out, stage
    assert "| toolkit: load + validate + model | 300 |" in out
    assert "weekly memo within budget [300]" in out and "body " in out
    after = report.stat().st_mtime_ns if report.exists() else None
    assert after == before  # --quick leaves the published figures alone
