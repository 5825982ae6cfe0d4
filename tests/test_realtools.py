"""The real-tools harness works against the real programs, on tiny inputs made here."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import realtools

from reports.errors import PdfConversionError
from reports.render.pdf import docx_to_pdf

HANGUL = "문재인"
KANJI = "安倍晋三"

VALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Briefing</title></head>
<body>
<main>
<h1>Briefing memo</h1>
<p id="lead">Leaders: 문재인 and 安倍晋三.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Flag">
</main>
</body>
</html>
"""

INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<main>
<h1>Broken memo</h1>
<p id="dup">one</p>
<p id="dup">two</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main>
</body>
</html>
"""


def make_docx(path: Path, *lines: str) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.needs_tool("libreoffice", "pdftotext", "pdftoppm")
def test_docx_with_hangul_and_kanji_reaches_the_pdf(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "memo.docx", "Summit memo", f"{HANGUL} met {KANJI}.")
    pdf = tmp_path / "out" / "memo.pdf"
    text = realtools.libreoffice_pdf_text(src, pdf_path=pdf)
    assert HANGUL in text
    assert KANJI in text
    assert "Summit memo" in text
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in pdf.parent.iterdir()] == ["memo.pdf"]  # no temp files left

    pngs = realtools.pdf_to_png(pdf, tmp_path / "png")
    assert len(pngs) == 1
    assert pngs[0].read_bytes().startswith(b"\x89PNG")


@pytest.mark.needs_tool("libreoffice")
def test_xlsx_read_back_through_libreoffice(tmp_path: Path) -> None:
    written = {
        "정상 Leaders": [["name", "country"], [HANGUL, "KR"], [KANJI, "JP"]],
        "Numbers 2": [["a,b", 'say "hi"', "7"], ["", "x", "2.5"]],
    }
    wb = openpyxl.Workbook()
    wb.active.title = "정상 Leaders"
    for row in written["정상 Leaders"]:
        wb.active.append(row)
    ws = wb.create_sheet("Numbers 2")
    ws.append(["a,b", 'say "hi"', 7])
    ws.append([None, "x", 2.5])
    wb.create_sheet("Empty")
    path = tmp_path / "book.xlsx"
    wb.save(path)

    read = realtools.libreoffice_read_xlsx(path)
    assert read == {**written, "Empty": []}
    assert list(read) == ["정상 Leaders", "Numbers 2", "Empty"]  # workbook order


@pytest.mark.needs_tool("libreoffice")
def test_xlsx_roundtrip_through_libreoffice(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "한국"
    wb.active.append([HANGUL, 1, 2.5])
    src = tmp_path / "in" / "book.xlsx"
    src.parent.mkdir()
    wb.save(src)

    out = realtools.convert_with_libreoffice(src, "xlsx", tmp_path / "out")
    assert out == tmp_path / "out" / "book.xlsx"
    again = openpyxl.load_workbook(out)
    assert again.sheetnames == ["한국"]
    assert [c.value for c in again["한국"][1]] == [HANGUL, 1, 2.5]


# --------------------------------------------------------------------------- docx_to_pdf errors


def test_docx_to_pdf_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PdfConversionError, match="no such file"):
        docx_to_pdf(tmp_path / "absent.docx", tmp_path / "absent.pdf")
    assert not (tmp_path / "absent.pdf").exists()


def test_docx_to_pdf_garbage_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(PdfConversionError, match=r"not a Word \.docx file.*rebuild it"):
        docx_to_pdf(garbage, tmp_path / "garbage.pdf")

    not_word = tmp_path / "notword.docx"
    with zipfile.ZipFile(not_word, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(PdfConversionError, match="no word/document.xml"):
        docx_to_pdf(not_word, tmp_path / "notword.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.docx", "notword.docx"]


@pytest.mark.needs_tool("libreoffice")
def test_docx_to_pdf_corrupt_package_that_libreoffice_rejects(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("word/document.xml", "this is not xml <<<")
    with pytest.raises(PdfConversionError, match="LibreOffice wrote no output"):
        docx_to_pdf(bad, tmp_path / "bad.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.docx"]


def test_docx_to_pdf_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_docx(tmp_path / "memo.docx", "hello")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(PdfConversionError, match="libreoffice-writer-nogui"):
        docx_to_pdf(src, tmp_path / "memo.pdf")


@pytest.mark.needs_tool("libreoffice", "pdftotext")
def test_concurrent_conversions_both_succeed(tmp_path: Path) -> None:
    jobs = {
        "a": make_docx(tmp_path / "a.docx", f"first {HANGUL}"),
        "b": make_docx(tmp_path / "b.docx", f"second {KANJI}"),
    }
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            docx_to_pdf(jobs[name], tmp_path / "out" / f"{name}.pdf")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert HANGUL in realtools.pdf_text(tmp_path / "out" / "a.pdf")
    assert KANJI in realtools.pdf_text(tmp_path / "out" / "b.pdf")


# --------------------------------------------------------------------------- HTML


@pytest.mark.needs_tool("vnu", "axe")
def test_valid_page_has_no_vnu_errors_and_no_axe_violations(tmp_path: Path) -> None:
    page = tmp_path / "ok.html"
    page.write_text(VALID_HTML, encoding="utf-8")
    assert realtools.vnu_errors(page) == []
    assert realtools.axe_violations(page) == []


@pytest.mark.needs_tool("vnu", "axe")
def test_invalid_page_has_vnu_errors_and_axe_violations(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(INVALID_HTML, encoding="utf-8")

    errors = realtools.vnu_errors(page)
    assert any(e.startswith("line 9:") and "alt" in e for e in errors), errors
    assert any(e.startswith("line 8:") and "Duplicate ID" in e for e in errors), errors

    violations = realtools.axe_violations(page)
    by_id = {v["id"]: v for v in violations}
    assert "image-alt" in by_id, violations
    assert by_id["image-alt"]["impact"] == "critical"
    assert by_id["image-alt"]["nodes"] == ["img"]


@pytest.mark.needs_tool("chromium", "playwright", "pdftotext")
def test_chromium_text_screenshot_and_pdf(tmp_path: Path) -> None:
    page = tmp_path / "ok.html"
    hidden = '<p hidden>secret</p><p style="display:none">gone</p></main>'
    page.write_text(VALID_HTML.replace("</main>", hidden), encoding="utf-8")
    text = realtools.chromium_text(page)
    assert f"Leaders: {HANGUL} and {KANJI}." in text
    assert "secret" not in text and "gone" not in text

    png = realtools.chromium_screenshot(page, tmp_path / "shot.png", width=600)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert int.from_bytes(png.read_bytes()[16:20], "big") == 600  # PNG width

    pdf = realtools.chromium_pdf(page, tmp_path / "page.pdf")
    assert HANGUL in realtools.pdf_text(pdf)


# --------------------------------------------------------------------------- require


def test_require_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs chromium"):
        realtools.require("chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        realtools.require("chromium")
    with pytest.raises(ValueError, match="unknown tool"):
        realtools.require("nonesuch")
