"""Same inputs, same bytes: across processes, hash seeds and parallel builds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import wbfactory

ROOT = Path(__file__).resolve().parents[1]


def tied_workbook(path: Path) -> Path:
    """Two actors with the same name and country, and two issues with the same name."""
    data = wbfactory.sheets()
    data["Actors"].append(["moon-2", "Moon Jae-in", "", "KOR", "person", "Namesake"])
    data["Issues"].append(["gsomia-2", "GSOMIA renewal", "Same name, other question?",
                           "active"])
    data["Positions"] += [
        ["moon-2", "gsomia", date(2019, 11, 22), "neutral", "No view.", "", "s1"],
        ["moon-2", "gsomia-2", date(2019, 11, 22), "opposes", "Against.", "", "s1"],
        ["moon-jae-in", "gsomia-2", date(2019, 11, 22), "supports", "For.", "", "s1"],
    ]
    return wbfactory.write(path, data)


def config(folder: Path) -> Path:
    """The desk's reports.toml (desk, budgets) with the two memos ``build --kind overview``
    and ``build --kind weekly`` make, and a chart cache of its own in ``folder``: a build
    draws every chart itself, reusing none another build drew."""
    desk = (ROOT / "reports.toml").read_text(encoding="utf-8").split("\n[[memos]]")[0]
    assert desk.count("\n[paths]\n") == 1
    desk = desk.replace("\n[paths]\n", f'\n[paths]\ntemplates = "{ROOT / "templates"}"\n'
                        f'cache = "{folder / "cache"}"\n')
    memos = "".join(f'\n[[memos]]\nid = "{kind}"\nkind = "{kind}"\n'
                    for kind in ("overview", "weekly"))
    folder.mkdir()
    path = folder / "reports.toml"
    path.write_text(desk + memos, encoding="utf-8")
    return path


def build(workbook: Path, out: Path, seed: str, jobs: str) -> dict[str, str]:
    """Both memos in one ``build``: in one process, or each in a worker of its own."""
    subprocess.run([sys.executable, "run_reports.py", "-q", "build", "overview", "weekly",
                    "--as-of", "2019-11-29", "--workbook", str(workbook), "--out", str(out),
                    "--jobs", jobs, "--config", str(config(out.with_name(f"{out.name}-config")))],
                   cwd=ROOT, check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PYTHONHASHSEED": seed})
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_rebuilds_are_byte_identical_whatever_the_hash_seed(tmp_path):
    workbook = tied_workbook(tmp_path / "tied.xlsx")
    first = build(workbook, tmp_path / "a", "1", "1")
    second = build(workbook, tmp_path / "b", "2", "2")
    assert any(name.endswith(".docx") for name in first)
    assert {name.split("/")[0] for name in first} >= {"overview", "weekly"}
    assert first == second


def pdfs(out: Path, memos: list[str], seed: str, jobs: str) -> dict[str, str]:
    """The PDFs of ``build MEMOS --format pdf`` of the bundled workbook: name -> sha256."""
    done = subprocess.run([sys.executable, "run_reports.py", "-q", "build", *memos, "--as-of",
                           "2019-11-25", "--format", "pdf", "--out", str(out), "--jobs", jobs],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONHASHSEED": seed})
    assert done.returncode == 0, done.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.pdf")}


def test_a_memo_pdf_is_the_same_bytes_whatever_libreoffice_converted_before(tmp_path):
    """One LibreOffice converts a build's PDFs one after the other, and what it converted
    first changes how it writes the next file (fonts, links); the PDFs must not show it.
    Two builds of the same three memos, in two orders and with two hash seeds: one in one
    process, whose fresh LibreOffice converts the overview (a table of contents: laid out
    twice) first, then the actor profile, then the weekly after both; the other in two
    workers, each with its own LibreOffice, the overview last: its worker converts it
    after the memo it made first. Every PDF is the same bytes in both builds."""
    first = pdfs(tmp_path / "first", ["overview", "actor-moon-jae-in", "weekly"], "1", "1")
    last = pdfs(tmp_path / "last", ["weekly", "actor-moon-jae-in", "overview"], "2", "2")
    name = "overview_2019-11-25.pdf"
    assert b"pdfaid:part" in (tmp_path / "first" / "overview" / "2019-11-25" / name).read_bytes()
    assert len(first) == 3 and first[name] == last[name]
    assert first == last
