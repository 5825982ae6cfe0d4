"""Helpers that check output with the real programs a reader would use.

Not a test module: tests import it (``import realtools``). Each helper first
calls :func:`require` for the tools it needs, so a test that uses one is
skipped on a machine without the tool, and fails in CI (env ``CI`` set),
where everything must be installed (``scripts/setup.sh`` does that).

LibreOffice runs once per test process (pytest-xdist worker), kept running between
conversions and stopped when the process ends (``reports.render.office``): the helpers
below convert through it, each worker with its own LibreOffice and profile.

Tools and where they come from (all installed by ``scripts/setup.sh``):

- ``libreoffice``: Debian libreoffice-writer-nogui / libreoffice-calc-nogui, and the
  converter that keeps it running: unoserver in ``.venv-office`` (Debian python3-uno)
- ``pdftotext``, ``pdftoppm``: Debian poppler-utils
- ``java``: Debian default-jre-headless; ``vnu``: npm vnu-jar (env ``VNU_JAR``)
- ``chromium``: Debian chromium (env ``CHROMIUM``, default /usr/bin/chromium)
- ``playwright``: the Python package (never ``playwright install``: Debian's
  Chromium is used); ``axe``: npm axe-core (env ``AXE_JS``)
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from reports.errors import PdfConversionError
from reports.render.office import office_python
from reports.render.pdf import docx_to_pdf, find_soffice, run_libreoffice

REPO_ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO_ROOT / ".ci" / "node" / "node_modules"

# Comma separated, '"' quoted, UTF-8 (76), not "as shown" (token 9 false),
# last token -1: one file <stem>-<Sheet>.csv per sheet (LibreOffice 7.2+).
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
CSV_ALL_SHEETS_AS_SHOWN = (
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

_SETUP_HINT = "run `bash scripts/setup.sh` (as root) to install it"


# --------------------------------------------------------------------------- paths


def vnu_jar() -> Path:
    """The Nu HTML Checker jar: env ``VNU_JAR``, else the npm copy under ``.ci/node``."""
    env = os.environ.get("VNU_JAR")
    return Path(env) if env else NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_js() -> Path:
    """axe-core's script: env ``AXE_JS``, else the npm copy under ``.ci/node``."""
    env = os.environ.get("AXE_JS")
    return Path(env) if env else NODE_MODULES / "axe-core" / "axe.min.js"


def chromium_path() -> str | None:
    """Debian's Chromium: env ``CHROMIUM``, else /usr/bin/chromium, else ``chromium`` on PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# --------------------------------------------------------------------------- require


def _missing(name: str) -> str | None:
    """Why tool ``name`` can't be used here, or None when it can."""
    if name == "libreoffice":
        try:
            find_soffice()
            office_python()  # the converter that keeps LibreOffice running (unoserver)
        except PdfConversionError as exc:
            return str(exc)
        return None
    if name in ("pdftotext", "pdftoppm"):
        if shutil.which(name):
            return None
        return f"{name} not on PATH (Debian package poppler-utils)"
    if name == "java":
        if shutil.which("java"):
            return None
        return "java not on PATH (Debian package default-jre-headless)"
    if name == "vnu":
        return _missing("java") or (
            None if vnu_jar().is_file() else f"vnu.jar not found at {vnu_jar()} (npm vnu-jar)"
        )
    if name == "chromium":
        if chromium_path():
            return None
        return "chromium not found (Debian package chromium; or set CHROMIUM)"
    if name == "playwright":
        if importlib.util.find_spec("playwright") is not None:
            return None
        return "Python package playwright not installed (pip install -e '.[test]')"
    if name == "axe":
        return (
            _missing("chromium")
            or _missing("playwright")
            or (None if axe_js().is_file() else f"axe-core not found at {axe_js()} (npm axe-core)")
        )
    raise ValueError(f"unknown tool {name!r}")


def require(*names: str) -> None:
    """Skip the running test when a tool is missing; fail instead when env ``CI`` is set.

    Names: libreoffice, pdftotext, pdftoppm, java, vnu, chromium, playwright, axe.
    """
    for name in names:
        why = _missing(name)
        if why is None:
            continue
        reason = f"needs {name}: {why}; {_SETUP_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so a missing tool is a failure)", pytrace=False)
        pytest.skip(reason)


# --------------------------------------------------------------------------- LibreOffice


def pdf_text(pdf_path: Path, layout: bool = True) -> str:
    """The text of a PDF as poppler's ``pdftotext`` extracts it."""
    require("pdftotext")
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf_path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout


def libreoffice_pdf_text(docx_path: Path, pdf_path: Path | None = None) -> str:
    """Convert a .docx to PDF with real LibreOffice and return ``pdftotext -layout`` text.

    Give ``pdf_path`` to keep the PDF (e.g. to look at it with :func:`pdf_to_png`).
    """
    require("libreoffice", "pdftotext")
    if pdf_path is not None:
        docx_to_pdf(Path(docx_path), Path(pdf_path))
        return pdf_text(Path(pdf_path))
    with tempfile.TemporaryDirectory(prefix="lo-pdf-") as tmp:
        pdf = docx_to_pdf(Path(docx_path), Path(tmp) / "out.pdf")
        return pdf_text(pdf)


def libreoffice_convert(
    src: Path,
    fmt: str,
    outdir: Path,
    timeout: float = 120.0,
    *,
    infilter: str | None = None,
) -> list[Path]:
    """Convert ``src`` with LibreOffice's ``--convert-to fmt``; return every file written.

    ``fmt`` is what ``--convert-to`` takes: ``"pdf"``, ``"xlsx"``, or an extension
    with a filter and options such as
    ``"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"``
    (the last token ``-1`` writes one ``<stem>-<Sheet>.csv`` per sheet, LibreOffice 7.2+).
    Files already in ``outdir`` with the same names are replaced atomically.
    """
    src = Path(src).resolve()
    if not src.is_file():
        raise PdfConversionError(f"cannot convert {src}: no such file")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".lo-out-", dir=outdir))
    try:
        produced = run_libreoffice(src, fmt, work, timeout, infilter)
        final = []
        for path in produced:
            target = outdir / path.name
            os.replace(path, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)


def convert_with_libreoffice(
    src: Path,
    fmt: str,
    outdir: Path,
    timeout: float = 120.0,
    *,
    infilter: str | None = None,
) -> Path:
    """Convert ``src`` to one file ``outdir/<stem>.<ext>`` (``ext`` = ``fmt`` before ``:``)."""
    src = Path(src)
    ext = fmt.split(":", 1)[0]
    expected = Path(outdir) / f"{src.stem}.{ext}"
    outputs = libreoffice_convert(src, fmt, outdir, timeout, infilter=infilter)
    if expected not in outputs:
        names = ", ".join(p.name for p in outputs)
        raise PdfConversionError(
            f"LibreOffice converting {src} to {fmt!r} wrote {names}, not {expected.name}; "
            f"use libreoffice_convert() for conversions that write several files"
        )
    return expected



def libreoffice_pdfs(docx_paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Convert many .docx files to PDF (LibreOffice's default PDF options), one after the
    other in the test process's LibreOffice; ``{docx: pdf}``. Files may share a name: each
    is converted under a unique one."""
    require("libreoffice")
    outdir = Path(outdir)
    staging = outdir / "in"
    staging.mkdir(parents=True, exist_ok=True)
    result = {}
    for number, path in enumerate(docx_paths):
        copy = staging / f"{number:03d}-{Path(path).name}"
        shutil.copyfile(path, copy)
        result[Path(path)] = convert_with_libreoffice(copy, "pdf", outdir)
    return result


def _sheet_order(xlsx_path: Path) -> list[str]:
    """Sheet names in workbook order, read from the package's xl/workbook.xml."""
    try:
        with zipfile.ZipFile(xlsx_path) as zf:
            root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return []
    return [el.get("name", "") for el in root.iter() if el.tag.endswith("}sheet")]


def libreoffice_read_xlsx(xlsx_path: Path, as_shown: bool = False) -> dict[str, list[list[str]]]:
    """Open a workbook in real LibreOffice Calc; return sheet name -> rows of cell strings.

    LibreOffice exports every sheet to CSV. By default numbers keep full precision and
    ignore the cell's number format (``1234567.891``; a date shows in the locale's default
    form, ``11/22/2019``; a percentage ``10%``); with ``as_shown`` each cell is the text its
    number format displays (``1,234,567.9``, ``22/11/19``, ``10.00%``). Formulas give
    LibreOffice's computed values. Trailing empty rows are dropped; an empty sheet is ``[]``.
    """
    require("libreoffice")
    xlsx_path = Path(xlsx_path)
    fmt = CSV_ALL_SHEETS_AS_SHOWN if as_shown else CSV_ALL_SHEETS
    with tempfile.TemporaryDirectory(prefix="lo-csv-") as tmp:
        outputs = libreoffice_convert(xlsx_path, fmt, Path(tmp))
        prefix = f"{xlsx_path.stem}-"
        sheets: dict[str, list[list[str]]] = {}
        for path in outputs:
            name = path.stem[len(prefix) :] if path.stem.startswith(prefix) else path.stem
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh))
            while rows and not any(rows[-1]):
                rows.pop()
            sheets[name] = rows
    order = [n for n in _sheet_order(xlsx_path) if n in sheets]
    return {n: sheets[n] for n in order + sorted(set(sheets) - set(order))}


# --------------------------------------------------------------------------- PDF pictures


def pdf_to_png(
    pdf: Path, outdir: Path, first_page: int = 1, last_page: int = 1, dpi: int = 80
) -> list[Path]:
    """Render PDF pages to PNG with ``pdftoppm``; return the files in page order."""
    require("pdftoppm")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    prefix = outdir / Path(pdf).stem
    cmd = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first_page), "-l", str(last_page)]
    subprocess.run(cmd + [str(pdf), str(prefix)], check=True, capture_output=True, timeout=300)
    pattern = re.compile(re.escape(prefix.name) + r"-(\d+)\.png$")
    found = [(int(m.group(1)), p) for p in outdir.iterdir() if (m := pattern.match(p.name))]
    return [p for page, p in sorted(found) if first_page <= page <= last_page]


# --------------------------------------------------------------------------- HTML checks


def vnu_errors(html_path: Path) -> list[str]:
    """Errors the Nu HTML Checker (the W3C validator) finds, as ``"line N: message"``."""
    return vnu_errors_many([html_path])[Path(html_path)]


def vnu_errors_many(html_paths: list[Path]) -> dict[Path, list[str]]:
    """:func:`vnu_errors` of several pages, checked in one run of the checker (one Java
    start-up instead of one per page)."""
    require("vnu")
    paths = [Path(p) for p in html_paths]
    # The JIT's quick tier only: the checker runs for a second, not long enough for the
    # optimising one to pay; its deeper frames then need a larger stack.
    cmd = ["java", "-XX:TieredStopAtLevel=1", "-Xss2m", "-jar", str(vnu_jar()), "--format",
           "json", "--errors-only", "--stdout"]
    proc = subprocess.run(
        cmd + [str(p) for p in paths], capture_output=True, text=True, timeout=600,
        check=False)
    raw = proc.stdout.strip() or proc.stderr.strip()
    try:
        report = json.loads(raw[raw.index("{") :])
    except ValueError:
        raise RuntimeError(
            f"vnu gave no JSON (exit {proc.returncode}): {proc.stderr or proc.stdout}"
        ) from None
    errors: dict[Path, list[str]] = {p: [] for p in paths}
    by_uri = {p.resolve().as_uri(): p for p in paths}
    for msg in report.get("messages", []):
        page = by_uri.get(msg.get("url", ""), paths[0] if len(paths) == 1 else None)
        if msg.get("type") == "non-document-error":
            raise RuntimeError(f"vnu could not check {page or msg.get('url')}: "
                               f"{msg.get('message')}")
        if msg.get("type") == "error":
            if page is None:
                raise RuntimeError(f"vnu reported on an unknown page: {msg}")
            errors[page].append(f"line {msg.get('lastLine', '?')}: {msg.get('message', '')}")
    return errors


_BROWSER: dict[str, Any] = {}  # one headless Chromium for the whole test session


def _browser() -> Any:
    if "browser" not in _BROWSER:
        from playwright.sync_api import sync_playwright

        driver = sync_playwright().start()
        _BROWSER["driver"] = driver
        _BROWSER["browser"] = driver.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        atexit.register(_close_browser)
    return _BROWSER["browser"]


def _close_browser() -> None:
    browser, driver = _BROWSER.pop("browser", None), _BROWSER.pop("driver", None)
    with contextlib.suppress(Exception):
        if browser is not None:
            browser.close()
    with contextlib.suppress(Exception):
        if driver is not None:
            driver.stop()


@contextlib.contextmanager
def chromium_page(width: int = 1000, height: int = 800) -> Iterator[Any]:
    """A Playwright page in headless Debian Chromium (its own fresh context: no state is
    shared between pages); network requests are refused."""
    require("chromium", "playwright")
    context = _browser().new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
        yield page
    finally:
        context.close()


def _open(page: Any, html_path: Path) -> None:
    page.goto(Path(html_path).resolve().as_uri(), wait_until="load")


def axe_violations(html_path: Path) -> list[dict[str, Any]]:
    """Accessibility violations axe-core finds in the page as Chromium renders it.

    Each is ``{"id", "impact", "help", "nodes": [css selector, ...]}``.
    """
    require("axe")
    with chromium_page() as page:
        _open(page, html_path)
        page.add_script_tag(path=str(axe_js()))
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v.get("help", ""),
            "nodes": [" >>> ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])],
        }
        for v in found
    ]


def chromium_screenshot(
    html_path: Path, png_path: Path, width: int = 1000, full_page: bool = True
) -> Path:
    """A PNG of the page as Chromium shows it (look at it with the file viewer)."""
    with chromium_page(width=width) as page:
        _open(page, html_path)
        page.screenshot(path=str(png_path), full_page=full_page)
    return Path(png_path)


def chromium_pdf(html_path: Path, pdf_path: Path) -> Path:
    """The page printed to PDF by Chromium (A4, with backgrounds)."""
    with chromium_page() as page:
        _open(page, html_path)
        page.pdf(path=str(pdf_path), format="A4", print_background=True)
    return Path(pdf_path)


def chromium_text(html_path: Path) -> str:
    """What a reader sees: the rendered ``document.body.innerText``."""
    with chromium_page() as page:
        _open(page, html_path)
        return page.evaluate("() => document.body.innerText")


# ----------------------------------------------------------------- PDF and .docx structure


def pdf_pages_text(pdf_path: Path, layout: bool = False) -> list[str]:
    """The text of each page of a PDF (``pdftotext`` separates pages with form feeds)."""
    pages = pdf_text(pdf_path, layout=layout).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The PDF matrix product a x b (each [a b c d e f])."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def pdf_image_boxes(pdf_path: Path) -> list[tuple[int, float, float, float, float]]:
    """(page, x0, y0, x1, y1) in points of every image a PDF draws (pypdf reads the
    content streams, following the transformation matrix into form XObjects)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(str(pdf_path))
    boxes: list[tuple[int, float, float, float, float]] = []

    def walk(number: int, content, resources, ctm: list[float]) -> None:
        xobjects = (resources or {}).get("/XObject") or {}
        stack: list[list[float]] = []
        for operands, op in ContentStream(content, reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q" and stack:
                ctm = stack.pop()
            elif op == b"cm":
                ctm = _multiply([float(x) for x in operands], ctm)
            elif op == b"Do":
                xo = xobjects[operands[0]].get_object()
                if xo.get("/Subtype") == "/Image":
                    xs = [ctm[4], ctm[4] + ctm[0], ctm[4] + ctm[2], ctm[4] + ctm[0] + ctm[2]]
                    ys = [ctm[5], ctm[5] + ctm[1], ctm[5] + ctm[3], ctm[5] + ctm[1] + ctm[3]]
                    boxes.append((number, min(xs), min(ys), max(xs), max(ys)))
                elif xo.get("/Subtype") == "/Form":
                    matrix = [float(x) for x in xo.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(number, xo, xo.get("/Resources"), _multiply(matrix, ctm))

    for number, page in enumerate(reader.pages, start=1):
        walk(number, page.get_contents(), page.get("/Resources"), [1, 0, 0, 1, 0, 0])
    return boxes


def pdf_structure_types(pdf_path: Path) -> dict[str, list[dict]]:
    """Structure element type (``/H1``, ``/Table``, ``/Figure`` ...) -> the elements, of
    a tagged PDF's structure tree (empty when the PDF is not tagged)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    root = PdfReader(str(pdf_path)).trailer["/Root"]
    found: dict[str, list[dict]] = {}
    todo = [root["/StructTreeRoot"]] if "/StructTreeRoot" in root else []
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, ArrayObject):
            todo.extend(node)
            continue
        if not isinstance(node, DictionaryObject):
            continue
        if "/S" in node:
            found.setdefault(str(node["/S"]), []).append(node)
        if "/K" in node:
            kids = node["/K"]
            todo.extend(kids if isinstance(kids, ArrayObject) else [kids])
    return found


def pdf_figure_boxes(pdf_path: Path) -> list[tuple[str, list[float]]]:
    """(alt text, [x0, y0, x1, y1] in points) of every /Figure of a tagged PDF's
    structure tree: where each picture, raster or vector, lies on its page."""
    out = []
    for figure in pdf_structure_types(pdf_path).get("/Figure", []):
        attributes = figure.get("/A")
        attributes = attributes.get_object() if attributes is not None else {}
        box = attributes.get("/BBox") if hasattr(attributes, "get") else None
        out.append((str(figure.get("/Alt", "")), [float(x) for x in box or []]))
    return out


def pdf_fonts(pdf_path: Path) -> list[dict[str, str]]:
    """``pdffonts``' table: one dict per font (name, type, emb, ...)."""
    require("pdftotext")
    out = subprocess.run(["pdffonts", str(pdf_path)], check=True, capture_output=True,
                         text=True, timeout=120).stdout.splitlines()
    fonts = []
    for line in out[2:]:
        parts = line.split()
        if len(parts) >= 7:  # name, type words..., encoding, emb, sub, uni, object, id
            fonts.append({"name": parts[0], "emb": parts[-5], "line": line})
    return fonts


def docx_structure_errors(docx_path: Path) -> list[str]:
    """What the Open XML SDK's validation (ported to Python by ``openxml-audit``) finds
    in a .docx: schema, package and semantic errors, as "path: description"."""
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(docx_path))
    return [f"{getattr(e, 'path', '')}: {e.description}" for e in result.errors]
