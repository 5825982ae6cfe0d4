"""A memo's PDF made stable (``reports.render.pdf_stable``) reads and looks as LibreOffice
wrote it: same pages, same text, same pixels, a valid file; and stabilising twice
changes nothing. A file of another structure keeps its objects, with a warning."""

from __future__ import annotations

import io
import logging
from datetime import date
from pathlib import Path

import pytest
import realtools
from pypdf import PdfReader

from reports.config.load import load_config
from reports.render.pdf import docx_to_pdf
from reports.render.pdf_stable import stable_pdf

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def overview_pdf(tmp_path_factory) -> bytes:
    """LibreOffice's own PDF of the bundled overview (contents links, Latin and CJK fonts,
    a tracked change), before any of the toolkit's changes."""
    from reports.pipeline import build

    realtools.require("libreoffice")
    folder = tmp_path_factory.mktemp("stable")
    config = load_config(ROOT / "reports.toml", required=True)
    (built,) = build(config, [config.memo("overview")], date(2019, 11, 25), formats=["docx"],
                     out_dir=folder, jobs=1).outcomes
    return docx_to_pdf(built.files["docx"], folder / "raw.pdf").read_bytes()


@pytest.mark.needs_tool("libreoffice", "pdftotext", "pdftoppm")
def test_a_stable_pdf_reads_and_looks_as_libreoffice_wrote_it(overview_pdf, tmp_path):
    stable = stable_pdf(overview_pdf, "2019-11-25")
    assert stable != overview_pdf and stable_pdf(stable, "2019-11-25") == stable
    assert b"<xmp:CreateDate>2019-11-25T00:00:00Z</xmp:CreateDate>" in stable
    raw_file, stable_file = tmp_path / "raw.pdf", tmp_path / "stable.pdf"
    raw_file.write_bytes(overview_pdf)
    stable_file.write_bytes(stable)
    pages = len(PdfReader(io.BytesIO(stable), strict=True).pages)
    assert pages == len(PdfReader(io.BytesIO(overview_pdf)).pages) > 1
    assert realtools.pdf_text(stable_file) == realtools.pdf_text(raw_file)
    assert [f["name"] for f in realtools.pdf_fonts(stable_file)] == sorted(
        f["name"] for f in realtools.pdf_fonts(raw_file))  # in name order now
    raw_pngs = realtools.pdf_to_png(raw_file, tmp_path / "raw", 1, pages, dpi=50)
    stable_pngs = realtools.pdf_to_png(stable_file, tmp_path / "stable", 1, pages, dpi=50)
    assert [p.read_bytes() for p in stable_pngs] == [p.read_bytes() for p in raw_pngs]


def test_a_pdf_of_another_structure_gets_its_stamps_and_a_warning(overview_pdf, caplog):
    damaged = overview_pdf.replace(b"\nxref\n", b"\nxreg\n")  # no cross-reference table
    with caplog.at_level(logging.WARNING, logger="reports.render.pdf_stable"):
        stable = stable_pdf(damaged, "2019-11-25")
    assert "building it again may not give the same bytes" in caplog.text
    assert len(stable) == len(damaged)  # objects untouched, stamps replaced in place
    assert b"/CreationDate(D:20191125000000Z')" in stable
