"""PDF output (``--format pdf``): convert a built .docx with headless LibreOffice.

Every conversion runs its own LibreOffice with a fresh, private user profile
(``-env:UserInstallation``), so several conversions may run at the same time
(threads or processes) without fighting over one profile lock. Output is
written into a private temporary folder next to the destination and then
moved into place with :func:`os.replace`, so a reader never sees a half
written file.

Memos are exported (:data:`PDF_EXPORT`) as tagged PDF (headings, tables and lists in
the structure tree, pictures with their alt text) conforming to PDF/A-2b (fonts
embedded, XMP metadata), with the document's title (the .docx core title: the memo's
edition label) and language, lossless pictures, and every Word bookmark as a named
destination. :func:`render_pdf` builds a memo's .docx and PDF together: a memo with a
table of contents is laid out once, the page of every heading read from the PDF's
named destinations (pypdf), and the .docx and PDF made again with those page numbers.

Needs the Debian package ``libreoffice-writer-nogui`` (``libreoffice-calc-nogui``
as well for spreadsheets).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from reports.errors import PdfConversionError

__all__ = [
    "PdfConversionError",
    "docx_to_pdf",
    "find_soffice",
    "render_pdf",
    "bookmark_pages",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
DOCX_INFILTER = "MS Word 2007 XML"
# writer_pdf_Export options (LibreOffice 7.4+ reads them as JSON): PDF/A-2b, tagged.
PDF_OPTIONS: dict[str, tuple[str, Any]] = {
    "SelectPdfVersion": ("long", 2),              # PDF/A-2b
    "UseTaggedPDF": ("boolean", True),            # structure tree: H1.., Table, Figure /Alt
    "ExportBookmarks": ("boolean", True),         # the outline, from the headings
    "ExportBookmarksToPDFDestination": ("boolean", True),  # Word bookmarks: named dests
    "ExportNotes": ("boolean", False),
    "UseLosslessCompression": ("boolean", True),  # charts stay crisp (no JPEG)
    "ReduceImageResolution": ("boolean", False),
    "DisplayPDFDocumentTitle": ("boolean", True),
}
PDF_EXPORT = "pdf:writer_pdf_Export:" + json.dumps(
    {k: {"type": t, "value": str(v).lower() if isinstance(v, bool) else str(v)}
     for k, (t, v) in PDF_OPTIONS.items()}, separators=(",", ":"))
INSTALL_HINT = (
    "install LibreOffice (Debian: apt-get install --no-install-recommends "
    "libreoffice-writer-nogui libreoffice-calc-nogui)"
)

# Lines LibreOffice prints on every run that say nothing about the failure.
_NOISE = re.compile(r"^Warning: failed to launch javaldx.*$", re.MULTILINE)


def find_soffice() -> str:
    """Return the path of ``soffice`` (or ``libreoffice``); raise if neither is on PATH."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfConversionError(
        f"LibreOffice was not found on PATH (looked for 'soffice' and 'libreoffice'): "
        f"{INSTALL_HINT}"
    )


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill the whole process group (the soffice wrapper script and soffice.bin)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError:  # pragma: no cover - group already reaped by someone else
        proc.kill()


def _clean(text: str) -> str:
    return _NOISE.sub("", text).strip()


def run_libreoffice(
    src: Path, convert_to: str, workdir: Path, timeout: float, infilter: str | None
) -> list[Path]:
    """Run one headless LibreOffice conversion of ``src`` into the empty ``workdir``.

    Returns the files LibreOffice wrote there (sorted by name). Raises
    :class:`PdfConversionError` when LibreOffice is missing, times out, exits
    non-zero or writes nothing (it exits 0 when it cannot load the source).
    """
    soffice = find_soffice()
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
    ]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", convert_to, "--outdir", str(workdir), str(src)]
    env = dict(os.environ)
    env["SAL_USE_VCLPLUGIN"] = "svp"
    env.setdefault("HOME", str(profile))
    log.debug("running %s", cmd)
    target = convert_to.split(":", 1)[0]  # "pdf", not the export filter's options
    started = time.monotonic()
    try:
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfConversionError(
                f"could not start LibreOffice ({soffice}): {exc}; {INSTALL_HINT}"
            ) from exc
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise PdfConversionError(
                f"LibreOffice timed out after {timeout:g} s converting {src.name} to "
                f"{target} and was killed; try again with a longer timeout, or check "
                f"that the file opens in LibreOffice"
            ) from None
        finally:
            # soffice.bin may leave helpers behind in its group; never leak them.
            _kill_group(proc)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    elapsed = time.monotonic() - started
    # The file is named without its folder (a temporary one, gone by now): the same
    # failure gives the same message, run after run (the operator is told once of each).
    said = _clean(f"{stdout}\n{stderr}").replace(f"{src.parent}{os.sep}", "").replace(
        f"{workdir}{os.sep}", "")
    if proc.returncode != 0:
        raise PdfConversionError(
            f"LibreOffice exited with status {proc.returncode} converting {src.name} to "
            f"{target}: {said or 'no output'}"
        )
    outputs = sorted(p for p in workdir.iterdir() if p.is_file())
    if not outputs:
        raise PdfConversionError(
            f"LibreOffice wrote no output converting {src.name} to {target} "
            f"(it said: {said or 'nothing'}); check that the file is a valid document "
            f"of its type and opens in LibreOffice"
        )
    log.info("LibreOffice converted %s to %s in %.1f s", src, convert_to, elapsed)
    return outputs


def _check_source(src: Path) -> Path:
    src = Path(src)
    if not src.is_file():
        raise PdfConversionError(f"cannot convert {src}: no such file")
    return src.resolve()


def _check_docx(docx_path: Path) -> None:
    """LibreOffice happily 'converts' any bytes as plain text: refuse non-.docx input."""
    try:
        with zipfile.ZipFile(docx_path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise PdfConversionError(
            f"cannot convert {docx_path}: not a Word .docx file (not a ZIP package: {exc}); "
            f"rebuild it, or check that the right file was given"
        ) from None
    if "word/document.xml" not in names:
        raise PdfConversionError(
            f"cannot convert {docx_path}: ZIP package has no word/document.xml, so it is "
            f"not a Word .docx file; rebuild it, or check that the right file was given"
        )


def _svg_first_copy(src: Path, work: Path) -> Path:
    """``src``, or a copy in ``work/src/`` whose pictures show their SVG (see
    ``docx_pictures.svg_first``), which LibreOffice converts with text kept as text."""
    from reports.render.docx_pictures import svg_first

    data = src.read_bytes()
    changed = svg_first(data)
    if changed is data:
        return src
    folder = work / "src"
    folder.mkdir()
    copy = folder / src.name
    copy.write_bytes(changed)
    return copy


def docx_to_pdf(docx_path: Path, pdf_path: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert a Word .docx to PDF at ``pdf_path`` with headless LibreOffice.

    Raises :class:`PdfConversionError` when the file is missing or not a .docx,
    LibreOffice is not installed, or the conversion fails or times out.
    """
    src = _check_source(docx_path)
    _check_docx(src)
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{pdf_path.stem}-", dir=pdf_path.parent))
    try:
        src = _svg_first_copy(src, work)
        produced = run_libreoffice(src, PDF_EXPORT, work, timeout, DOCX_INFILTER)
        produced = [p for p in produced if p != src]
        pdfs = [p for p in produced if p.suffix.lower() == ".pdf"]
        if len(pdfs) != 1 or pdfs[0].stat().st_size == 0:
            raise PdfConversionError(
                f"LibreOffice converting {src.name} wrote {[p.name for p in produced]} instead of "
                f"one non-empty PDF; check that the file opens in LibreOffice Writer"
            )
        os.replace(pdfs[0], pdf_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("wrote %s", pdf_path)
    return pdf_path


# --------------------------------------------------------------------------- memos

def fix_stamps(pdf: bytes, as_of: str) -> bytes:
    """The PDF as the same bytes for the same memo: LibreOffice's time stamps set to the
    memo's as-of day (midnight UTC), its fonts and links in a fixed order and its
    identifier derived from the content (``reports.render.pdf_stable``)."""
    from reports.render.pdf_stable import stable_pdf

    return stable_pdf(pdf, as_of)


def bookmark_pages(pdf_path: Path, names: list[str]) -> dict[str, int]:
    """The page (1-based) of each Word bookmark in ``names``, from the PDF's named
    destinations (LibreOffice writes "_" in a destination's name as "5F")."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(pdf_path))
        dests = {str(k).lstrip("/"): v for k, v in reader.named_destinations.items()}
        pages = {}
        for name in names:
            dest = dests.get(name.replace("_", "5F"), dests.get(name))  # else left out
            if dest is not None:
                pages[name] = reader.get_destination_page_number(dest) + 1
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfConversionError(
            f"cannot read the page numbers of {pdf_path} that LibreOffice wrote: {exc}; "
            "check that LibreOffice works, then build the memo again") from exc
    return pages


def render_pdf(context: dict, template: Path,
               timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, bytes]:
    """The memo as (.docx, PDF) bytes, the PDF laid out by LibreOffice in a private folder.

    A memo with a table of contents is laid out twice: once to learn the page of each
    heading, then with those page numbers in its contents (in the returned .docx too).
    The PDF carries the as-of day as its time stamps (:func:`fix_stamps`). Any failure is
    a :class:`PdfConversionError` saying what failed; the caller names the memo.
    """
    from reports.render.docx import render_docx
    from reports.render.docx_toc import needs_toc, toc_anchors

    stem = f"{context['memo'].get('id', 'memo')}_{context['memo']['as_of']}"
    paged = needs_toc(context)
    docx = render_docx(context, template, {} if paged else None)
    with tempfile.TemporaryDirectory(prefix="memo-pdf-") as tmp:
        source, pdf_path = Path(tmp) / f"{stem}.docx", Path(tmp) / f"{stem}.pdf"
        try:
            source.write_bytes(docx)
            docx_to_pdf(source, pdf_path, timeout)
            if paged:
                anchors = toc_anchors(context)
                pages = bookmark_pages(pdf_path, anchors)
                missing = [a for a in anchors if a not in pages]
                if missing:  # never a wrong page number: none at all
                    log.warning("%s: LibreOffice's PDF gives no page for %d heading(s) of the "
                                "contents (%s); the contents are made without page numbers",
                                stem, len(missing), ", ".join(missing[:3]))
                    pages = None
                docx = render_docx(context, template, pages)
                source.write_bytes(docx)
                docx_to_pdf(source, pdf_path, timeout)
            pdf = fix_stamps(pdf_path.read_bytes(), context["memo"]["as_of"])
        except OSError as exc:
            raise PdfConversionError(f"the PDF could not be made in a temporary folder "
                                     f"({exc}); free some disk space") from exc
    return docx, pdf
