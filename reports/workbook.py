"""Read a contract workbook into pandas frames, once, read-only.

The file is read into memory in one go (a consistent snapshot even if Excel saves it
meanwhile), checked for what it really is (zip, legacy .xls, encrypted, zip bomb), and
parsed with calamine, a fast Rust reader. Each contract sheet becomes a frame of
canonical columns plus any extra columns, with the Excel row number of every record.
Structural problems (missing sheets or columns, banner rows, merged headers) are
collected as :class:`~reports.problems.Problem` for the validator to report.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine

from reports import schema
from reports.errors import WorkbookUnreadable
from reports.problems import ERROR, WARNING, Problem, column_letter

log = logging.getLogger(__name__)

# Size guards: a real workbook of 200,000 events is ~150 MB of XML.
MAX_FILE_BYTES = 512 * 1024**2
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed for any part larger than RATIO_FLOOR
RATIO_FLOOR = 16 * 1024**2
READ_ATTEMPTS = 3
RETRY_DELAY = 0.25  # seconds, doubled after each attempt: Excel saves take well under 1 s

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
ERROR_CELL_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?\bt="e"[^>]*>.*?<v>([^<]*)</v>'
                           rb'|<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>.*?<v>([^<]*)</v>',
                           re.S)


@dataclass
class SheetData:
    """One contract sheet: canonical columns, extras, and where each came from."""

    name: str  # canonical name ("Events")
    title: str  # the sheet's name as the workbook spells it
    frame: pd.DataFrame  # one row per record; column "_row" is the Excel row number
    letters: dict[str, str]  # column name -> Excel column letter
    extra_columns: list[str] = field(default_factory=list)
    formula_errors: dict[str, str] = field(default_factory=dict)  # "D7" -> "#REF!"


@dataclass
class Workbook:
    path: Path
    sha256: str
    sheets: dict[str, SheetData]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)  # things worth telling, not problems


def read_workbook(path: Path | str) -> Workbook:
    """Read ``path``; raise :class:`WorkbookUnreadable` (one clear sentence) if it is no .xlsx."""
    path = Path(path)
    data = _snapshot(path)
    notes = []
    for lock, program in ((path.with_name("~$" + path.name), "Excel"),
                          (path.with_name(f".~lock.{path.name}#"), "LibreOffice")):
        if lock.exists():
            notes.append(f"{path.name} is open in {program} (lock file {lock.name}); "
                         "read the last saved version read-only")
    _check_container(path, data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    if any(n.lower().endswith("vbaproject.bin") for n in archive.namelist()):
        notes.append(f"{path.name} holds macros; they were not run (only cell values are read)")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types
        raise WorkbookUnreadable(
            f"{path} could not be read as an .xlsx workbook ({exc.__class__.__name__}: {exc}); "
            "open it in Excel or LibreOffice and save it again as .xlsx") from exc
    problems: list[Problem] = []
    sheets = _match_sheets(book.sheet_names, problems)
    sheet_parts = _sheet_parts(archive)
    result: dict[str, SheetData] = {}
    for spec in schema.ALL_SHEETS:
        title = sheets.get(spec.name)
        if title is None:
            if spec in schema.SHEETS:
                severity = ERROR if spec.required else WARNING
                problems.append(Problem(
                    severity, spec.name, None, None, "missing-sheet",
                    f'the workbook has no sheet "{spec.name}"; add it with the header row '
                    f'{", ".join(spec.column_names)}'
                    + ("" if spec.required else " (treated as empty for now)")))
            continue
        try:
            errors = _formula_errors(archive, sheet_parts.get(title))
            raw = book.get_sheet_by_name(title)
            result[spec.name] = _read_sheet(spec, title, raw, errors, problems)
        except Exception as exc:  # calamine: XmlError, ZipError, CalamineError ...
            raise WorkbookUnreadable(
                f'{path}: sheet "{title}" could not be read ({exc.__class__.__name__}: {exc}); '
                "the file is damaged: open it in Excel or LibreOffice and save it again "
                "as .xlsx") from exc
    for note in notes:
        log.warning(note)
    return Workbook(path, hashlib.sha256(data).hexdigest(), result, problems, notes)


def _snapshot(path: Path) -> bytes:
    """The file's bytes, read while it was not changing (Excel may be saving it)."""
    if not path.exists():
        raise WorkbookUnreadable(f"{path} does not exist; give the workbook's path with "
                                 "--workbook or create one with 'init'")
    if path.is_dir():
        raise WorkbookUnreadable(f"{path} is a folder, not a workbook file")
    for attempt in range(1, READ_ATTEMPTS + 1):
        before = path.stat()
        if before.st_size > MAX_FILE_BYTES:
            raise WorkbookUnreadable(
                f"{path} is {before.st_size // 1024**2} MB, over the {MAX_FILE_BYTES // 1024**2} "
                "MB limit for a workbook; split it or remove embedded files")
        data = path.read_bytes()
        after = path.stat()
        stable = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        whole = bool(data) and (not data.startswith(b"PK") or _zip_ok(data))
        if stable and len(data) == after.st_size and whole:
            return data
        log.warning("%s changed or was incomplete while being read (attempt %d of %d); "
                    "retrying", path, attempt, READ_ATTEMPTS)
        if attempt < READ_ATTEMPTS:
            time.sleep(RETRY_DELAY * 2 ** (attempt - 1))
    if data.startswith(b"PK"):  # still an incomplete zip after every attempt
        raise WorkbookUnreadable(
            f"{path} is an incomplete or corrupt zip file (is it still being saved?); "
            "wait until it is saved, or save it again from Excel, then retry")
    return data


def _zip_ok(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _check_container(path: Path, data: bytes) -> None:
    """Say what the file is when it is not an .xlsx, and refuse zip bombs before parsing."""
    if not data:
        raise WorkbookUnreadable(f"{path} is empty (0 bytes); restore it from a backup or "
                                 "create a new workbook with 'init'")
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise WorkbookUnreadable(
                f"{path} is password-protected (encrypted); save an unprotected copy "
                "from Excel (File > Info > Protect Workbook > remove the password)")
        raise WorkbookUnreadable(
            f"{path} is a legacy Excel 97-2003 (.xls) file; open it in Excel or LibreOffice "
            "and save it as .xlsx")
    if not data.startswith(b"PK"):
        kind = "a text file" if _looks_like_text(data) else "not a spreadsheet"
        raise WorkbookUnreadable(f"{path} is {kind}, not an .xlsx workbook; give the path of "
                                 "the .xlsx file (Excel: File > Save As > Excel Workbook)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookUnreadable(f"{path} is a corrupt zip file ({exc}); save it again from "
                                 "Excel or restore it from a backup") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise WorkbookUnreadable(f"{path} is a zip file but not an Excel workbook (no "
                                 "xl/workbook.xml); give the path of the .xlsx file")
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadable(f"{path} is a binary workbook (.xlsb); save it as .xlsx")
    total = sum(i.file_size for i in infos)
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1))
    ratio = worst.file_size / max(worst.compress_size, 1)
    if total > MAX_UNCOMPRESSED_BYTES or (worst.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
        raise WorkbookUnreadable(
            f"{path} was refused: its parts would expand to {total // 1024**2} MB "
            f"({worst.filename} is compressed {ratio:.0f} to 1), far beyond any real workbook; "
            "it may be a zip bomb. Re-save the workbook from Excel")


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _match_sheets(names: list[str], problems: list[Problem]) -> dict[str, str]:
    """Contract sheet name -> the workbook's sheet title; two candidates are an error."""
    found: dict[str, list[str]] = {}
    wanted = {schema.normalise_name(s.name): s.name for s in schema.ALL_SHEETS}
    for title in names:
        canonical = wanted.get(schema.normalise_name(title))
        if canonical:
            found.setdefault(canonical, []).append(title)
    result = {}
    for canonical, titles in found.items():
        if len(titles) > 1:
            quoted = " and ".join(f'"{t}"' for t in titles)
            problems.append(Problem(ERROR, titles[1], None, None, "duplicate-sheet",
                                    f"sheets {quoted} both match {canonical}; rename or "
                                    "delete one of them"))
        result[canonical] = titles[0]
    return result


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its XML part in the zip (from workbook.xml and its relationships)."""
    try:
        wb_xml = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid = re.search(r'\bId="([^"]+)"', tag)
        target = re.search(r'\bTarget="([^"]+)"', tag)
        if rid and target:
            t = target.group(1)
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    parts = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb_xml):
        tag = sheet.group(0)
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]+)"|\b\w+:id="([^"]+)"', tag)
        if name and rid:
            key = rid.group(1) or rid.group(2)
            title = _unescape_xml(name.group(1))
            if key in targets:
                parts[title] = targets[key]
    return parts


def _unescape_xml(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _formula_errors(archive: zipfile.ZipFile, part: str | None) -> dict[str, str]:
    """Cells holding a cached formula error (calamine reads them as blank)."""
    if not part:
        return {}
    try:
        xml = archive.read(part)
    except KeyError:
        return {}
    if b't="e"' not in xml:
        return {}
    errors = {}
    for m in ERROR_CELL_RE.finditer(xml):
        ref = (m.group(1) or m.group(3)).decode()
        errors[ref] = (m.group(2) or m.group(4)).decode()
    return errors


def _read_sheet(spec: schema.Sheet, title: str, raw: python_calamine.CalamineSheet,
                formula_errors: dict[str, str], problems: list[Problem]) -> SheetData:
    rows = raw.to_python(skip_empty_area=False)
    header = [("" if v is None else str(v)) for v in (rows[0] if rows else [])]
    letters, extras, positions = _match_header(spec, title, header, rows, raw, problems)
    body = rows[1:]
    width = max((len(r) for r in body), default=0)
    if any(len(r) != width for r in body):  # calamine's rows are rectangular; be safe
        body = [list(r) + [""] * (width - len(r)) for r in body]
    # blank: every cell "" or None (counted in C; 0 and False are values)
    keep = [i for i, row in enumerate(body) if row.count("") + row.count(None) != len(row)]
    if len(keep) < len(body):
        body = [body[i] for i in keep]
    cells = list(zip(*body, strict=True)) if body else []
    names = [c.name for c in spec.columns if c.name in positions] + extras
    columns = {name: [_clean(v) for v in cells[positions[name]]] if cells else []
               for name in names}
    frame = pd.DataFrame(columns, columns=names, dtype=object)
    frame["_row"] = [i + 2 for i in keep]
    frame.index = range(len(frame))
    return SheetData(spec.name, title, frame, letters, extras, formula_errors)


def _clean(value: object) -> object:
    """Blank ('' from calamine, or only spaces) -> None; anything else as it is."""
    if value.__class__ is str:
        return value if value and not value.isspace() else None
    return None if value is None else value


def _match_header(spec: schema.Sheet, title: str, header: list[str], rows: list[list],
                  raw: python_calamine.CalamineSheet, problems: list[Problem],
                  ) -> tuple[dict[str, str], list[str], dict[str, int]]:
    """Map header cells to contract columns; report missing, duplicate and merged headers."""
    wanted = {schema.normalise_name(c.name): c.name for c in spec.columns}
    positions: dict[str, int] = {}
    letters: dict[str, str] = {}
    extras: list[str] = []
    for idx, text in enumerate(header):
        if not text.strip():
            continue
        canonical = wanted.get(schema.normalise_name(text), text.strip())
        if canonical in positions:
            problems.append(Problem(
                ERROR, title, f"{column_letter(idx)}1", canonical, "duplicate-column",
                f'column "{text.strip()}" appears twice (also in {letters[canonical]}1); '
                "delete or rename one of them"))
            continue
        positions[canonical] = idx
        letters[canonical] = column_letter(idx)
        if canonical not in wanted.values():
            extras.append(canonical)
    merged = _merged_header_cells(raw)
    for ref in merged:
        problems.append(Problem(ERROR, title, ref, None, "merged-header",
                                f"header cell {ref} is merged with its neighbours; unmerge "
                                "the header row so each column has its own name"))
    missing = [c for c in spec.columns if c.required and c.name not in positions]
    if missing:
        banner = _find_header_row(spec, rows)
        for col in missing:
            hint = (f"; the header seems to be in row {banner}: delete the rows above it so "
                    "the header is in row 1") if banner else ""
            problems.append(Problem(
                ERROR, title, None, col.name, "missing-column",
                f'required column "{col.name}" is missing from the header row (row 1){hint}'))
    return letters, extras, positions


def _merged_header_cells(raw: python_calamine.CalamineSheet) -> list[str]:
    try:
        ranges = raw.merged_cell_ranges or []
    except Exception:  # not available for every file
        return []
    refs = []
    for (r0, c0), (_r1, _c1) in ranges:
        if r0 == 0:
            refs.append(f"{column_letter(c0)}1")
    return refs


def _find_header_row(spec: schema.Sheet, rows: list[list]) -> int | None:
    wanted = {schema.normalise_name(c.name) for c in spec.columns if c.required}
    for number, row in enumerate(rows[1:10], start=2):
        cells = {schema.normalise_name(v) for v in row if isinstance(v, str) and v.strip()}
        if wanted <= cells:
            return number
    return None


def split_list(value: object) -> list[str]:
    """A list cell (ids separated by ; , or line breaks) -> stripped, non-empty ids."""
    if value is None:
        return []
    text = value if value.__class__ is str else str(value)
    if "," not in text and "\n" not in text and "\r" not in text:  # the usual "a; b"
        return [p for p in map(str.strip, text.split(";")) if p]
    return [p for p in map(str.strip, schema.LIST_SPLIT_RE.split(text)) if p]
