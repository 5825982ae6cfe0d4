"""PDF output (``--format pdf``): convert a built .docx with headless LibreOffice.

Conversions go to the process's one LibreOffice, started at the first conversion and
kept for the rest (``reports.render.office``: unoserver, a private profile per process;
``build`` and ``run`` stop it when they end). Output is written into a private temporary
folder next to the destination and then moved into place with :func:`os.replace`, so a
reader never sees a half written file.

Memos are exported (:data:`PDF_EXPORT`) as tagged PDF (headings, tables and lists in
the structure tree, pictures with their alt text) conforming to PDF/A-2b (fonts
embedded, XMP metadata), with the document's title (the .docx core title: the memo's
edition label) and language, lossless pictures, and every Word bookmark as a named
destination. :func:`render_pdf` builds a memo's .docx and PDF together: a memo with a
table of contents is laid out once, the page of every heading read from the PDF's
named destinations (pypdf), and the .docx and PDF made again with those page numbers.

Needs the Debian packages ``libreoffice-writer-nogui`` (``libreoffice-calc-nogui`` as
well for spreadsheets) and ``python3-uno``, and unoserver in ``.venv-office``
(``scripts/setup.sh`` installs them).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reports.errors import PdfConversionError
from reports.text import plural

__all__ = [
    "PdfConversionError",
    "docx_to_pdf",
    "find_soffice",
    "render_pdf",
    "bookmark_pages",
    "run_libreoffice",
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


def _parse_convert_to(convert_to: str) -> tuple[str, str | None, list[str]]:
    """``--convert-to``'s ``ext[:filter[:options]]`` as unoserver takes it: the extension,
    the export filter, and the options (JSON filter data as ``Name=value`` each, or one
    string of positional options, such as CSV's)."""
    ext, _, rest = convert_to.partition(":")
    export_filter, _, options = rest.partition(":")
    if not options:
        return ext, export_filter or None, []
    if options.startswith("{"):
        data = json.loads(options)
        return ext, export_filter or None, [f"{k}={v['value']}" for k, v in data.items()]
    return ext, export_filter or None, [options]


def run_libreoffice(
    src: Path, convert_to: str, workdir: Path, timeout: float, infilter: str | None
) -> list[Path]:
    """Convert ``src`` with this process's LibreOffice (``reports.render.office``: started
    at the first conversion, reused after) into the empty ``workdir``.

    ``convert_to`` is what ``soffice --convert-to`` takes (``pdf``, ``xlsx``,
    ``csv:Text - txt - csv (StarCalc):44,34,...``). Returns the files LibreOffice wrote
    there (sorted by name). Raises :class:`PdfConversionError` when LibreOffice is
    missing, cannot start, times out (it is killed; the next conversion starts a new one),
    stops, refuses the file or writes nothing.
    """
    from reports.render.office import OfficeFailure, OfficeGone, discard, office

    soffice = find_soffice()
    ext, export_filter, options = _parse_convert_to(convert_to)
    for _ in range(3):
        try:
            converter = office(soffice)
        except PdfConversionError as exc:
            raise PdfConversionError(f"cannot convert {src.name} to {ext}: {exc}") from None
        converter.lock.acquire()
        if converter.alive():
            break
        converter.lock.release()  # killed by another thread's conversion meanwhile
    else:
        raise PdfConversionError(
            f"cannot convert {src.name} to {ext}: LibreOffice stopped as soon as it started, "
            f"three times; check that `soffice --headless --version` works")
    started = time.monotonic()
    try:
        try:
            converter.convert(Path(src), Path(workdir) / f"{Path(src).stem}.{ext}", ext,
                              export_filter, options, infilter, timeout)
        except OfficeGone as gone:
            discard(converter)
            if str(gone) == "timeout":
                raise PdfConversionError(
                    f"LibreOffice timed out after {timeout:g} s converting {src.name} to "
                    f"{ext} and was killed; try again with a longer timeout, or check "
                    f"that the file opens in LibreOffice") from None
            raise PdfConversionError(
                f"LibreOffice stopped while converting {src.name} to {ext} (it crashed or "
                f"was killed); the next conversion starts it again; check that the file "
                f"opens in LibreOffice") from None
        except OfficeFailure as failure:
            # The file is named without its folder (a temporary one, gone by now): the same
            # failure gives the same message, run after run (the operator is told once).
            said = converter.scrub(str(failure)).replace(f"{src.parent}{os.sep}", "")
            raise PdfConversionError(
                f"LibreOffice wrote no output converting {src.name} to {ext} (it said: "
                f"{said or 'nothing'}); check that the file is a valid document of its type "
                f"and opens in LibreOffice") from None
    finally:
        converter.lock.release()
    elapsed = time.monotonic() - started
    outputs = sorted(p for p in Path(workdir).iterdir() if p.is_file())
    if not outputs:
        raise PdfConversionError(
            f"LibreOffice wrote no output converting {src.name} to {ext}; check that the "
            f"file is a valid document of its type and opens in LibreOffice")
    log.info("LibreOffice converted %s to %s in %.2f s", src.name, ext, elapsed)
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
    ``docx.pictures.svg_first``), which LibreOffice converts with text kept as text."""
    from reports.render.docx.pictures import svg_first

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


def render_pdf(context: Mapping[str, Any], template: Path,
               timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, bytes]:
    """The memo as (.docx, PDF) bytes, the PDF laid out by LibreOffice in a private folder.

    A memo with a table of contents is laid out twice: once to learn the page of each
    heading, then with those page numbers in its contents (in the returned .docx too).
    The PDF carries the as-of day as its time stamps (:func:`fix_stamps`). Any failure is
    a :class:`PdfConversionError` saying what failed; the caller names the memo.
    """
    from reports.render.docx.document import render_docx
    from reports.render.docx.toc import needs_toc, toc_anchors

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
                    log.warning("%s: LibreOffice's PDF gives no page for %s of the "
                                "contents (%s); the contents are made without page numbers",
                                stem, plural(len(missing), "heading"), ", ".join(missing[:3]))
                    pages = None
                docx = render_docx(context, template, pages)
                source.write_bytes(docx)
                docx_to_pdf(source, pdf_path, timeout)
            pdf = fix_stamps(pdf_path.read_bytes(), context["memo"]["as_of"])
        except OSError as exc:
            raise PdfConversionError(f"the PDF could not be made in a temporary folder "
                                     f"({exc}); free some disk space") from exc
    return docx, pdf
