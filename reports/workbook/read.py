"""Read a contract workbook into columns, once, read-only.

The file is read into memory in one go (a consistent snapshot even if Excel saves it
meanwhile), checked for what it really is (zip, legacy .xls, encrypted, zip bomb), and
parsed by Rust readers (:mod:`reports.workbook.grid`). Each contract sheet becomes columns of
cell values under their canonical names plus any extra columns, with the Excel row
number of every record, and the notes its XML holds (:mod:`reports.workbook.package`: formula
errors, formulas without a saved value, hyperlinks). Structural problems (missing
sheets or columns, banner rows, merged headers, a header that is nearly a contract
column) are collected as :class:`~reports.problems.Problem` for the validator to report.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import WorkbookUnreadable
from reports.problems import ERROR, WARNING, Problem
from reports.workbook import contract as schema
from reports.workbook.grid import Grid, Readers
from reports.workbook.header import match_header
from reports.workbook.package import HostileXml, SheetNotes, scan_sheet, sheet_parts
from reports.workbook.table import bulk

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


@dataclass
class SheetData:
    """One contract sheet: its records' cells by column, and where each came from."""

    name: str  # canonical name ("Events")
    title: str  # the sheet's name as the workbook spells it
    rows: list[int]  # the Excel row number of each record (blank rows are skipped)
    columns: dict[str, list]  # canonical or extra column name -> one cell per record
    letters: dict[str, str]  # column name -> Excel column letter
    extra_columns: list[str] = field(default_factory=list)
    notes: SheetNotes = field(default_factory=SheetNotes)
    tidy: set[str] = field(default_factory=set)  # columns whose text needs no strip()


@dataclass
class Workbook:
    path: Path
    sha256: str
    sheets: dict[str, SheetData]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)  # things worth telling, not problems


def read_workbook(path: Path | str, sheets: tuple[str, ...] | None = None) -> Workbook:
    """Read ``path``; raise :class:`WorkbookUnreadable` (one clear sentence) if it is no .xlsx.

    ``sheets`` names the contract sheets to read (e.g. ``("Distribution",)``); the others
    are neither read nor reported missing. Default: every contract sheet.
    """
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
    wanted = [s for s in schema.ALL_SHEETS if sheets is None or s.name in sheets]
    with bulk(), ThreadPoolExecutor(max_workers=1) as pool:
        # The sheets' XML is searched (and the file hashed) while the Rust reader parses.
        scans = _scan_wanted(pool, path, archive, wanted)
        sha256 = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        result, problems = _read_sheets(path, Readers(data), wanted, scans)
    for note in notes:
        log.warning(note)
    return Workbook(path, sha256.result(), result, problems, notes)


def _scan_wanted(pool: ThreadPoolExecutor, path: Path, archive: zipfile.ZipFile,
                 wanted: list[schema.Sheet]) -> dict[str, Future]:
    """Sheet title -> the future notes of its XML, for every sheet that may be read."""
    names = {schema.normalise_name(s.name) for s in wanted}
    try:
        parts = sheet_parts(archive)
    except HostileXml as exc:
        raise WorkbookUnreadable(f"{path}: {exc}; Excel never writes that: save the workbook "
                                 "again from Excel") from None
    return {title: pool.submit(scan_sheet, archive, part) for title, part in parts.items()
            if schema.normalise_name(title) in names}


def _read_sheets(path: Path, readers: Readers, wanted: list[schema.Sheet],
                 scans: dict[str, Future]) -> tuple[dict[str, SheetData], list[Problem]]:
    try:
        names = readers.sheet_names()
    except Exception as exc:  # calamine raises several unrelated types
        raise WorkbookUnreadable(
            f"{path} could not be read as an .xlsx workbook ({exc.__class__.__name__}: {exc}); "
            "open it in Excel or LibreOffice and save it again as .xlsx") from exc
    problems: list[Problem] = []
    titles = _match_sheets(names, problems, wanted)
    result: dict[str, SheetData] = {}
    for spec in wanted:
        title = titles.get(spec.name)
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
            scan = scans.get(title)
            notes_of = scan.result if scan is not None else SheetNotes
            grid = readers.grid(title, notes_of)
            sheet_notes = notes_of()
        except Exception as exc:  # calamine: XmlError, ZipError, CalamineError ...
            raise WorkbookUnreadable(
                f'{path}: sheet "{title}" could not be read ({exc.__class__.__name__}: {exc}); '
                "the file is damaged: open it in Excel or LibreOffice and save it again "
                "as .xlsx") from exc
        result[spec.name] = _read_sheet(spec, title, grid, sheet_notes, problems)
    return result, problems


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


def _match_sheets(names: list[str], problems: list[Problem],
                  wanted: list[schema.Sheet]) -> dict[str, str]:
    """Contract sheet name -> the workbook's sheet title; two candidates are an error."""
    found: dict[str, list[str]] = {}
    by_name = {schema.normalise_name(s.name): s.name for s in wanted}
    for title in names:
        canonical = by_name.get(schema.normalise_name(title))
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


def _read_sheet(spec: schema.Sheet, title: str, grid: Grid, notes: SheetNotes,
                problems: list[Problem]) -> SheetData:
    letters, extras, positions = match_header(spec, title, grid, notes, problems)
    keep = _kept(grid.columns, grid.height)
    names = [c.name for c in spec.columns if c.name in positions] + extras
    columns, tidy = {}, set()
    for name in names:
        cells = grid.columns[positions[name]]
        if keep is not None:
            cells = [cells[i] for i in keep]
        if grid.is_tidy(positions[name]):
            columns[name] = cells
            tidy.add(name)
        else:
            columns[name] = _cleaned(cells)
    rows = [i + 2 for i in keep] if keep is not None else list(range(2, grid.height + 2))
    if notes.links:
        tidy -= _use_link_addresses(spec, columns, letters, rows, notes.links)
    return SheetData(spec.name, title, rows, columns, letters, extras, notes, tidy)


def _cleaned(cells: list) -> list:
    """Blank text ("" or only spaces) -> None; the list itself when there is none."""
    kinds = set(map(type, cells))
    if str not in kinds:
        return cells
    if kinds <= {str, type(None)} and "" not in cells and not any(
            map(str.isspace, filter(None, cells))):
        return cells
    return [v if v.__class__ is not str or (v and not v.isspace()) else None for v in cells]


def _kept(columns: list[list], height: int) -> list[int] | None:
    """Indexes of the rows that are not blank (every cell "" or None); None: all of them."""
    if not columns or not height:
        return None
    if any(None not in col and "" not in col for col in columns):
        return None  # a column with no blank cell: no blank row (the usual case)
    blanks = [col.count(None) + col.count("") for col in columns]
    fullest = columns[blanks.index(min(blanks))]
    if not min(blanks):
        return None
    candidates = [i for i, v in enumerate(fullest) if v is None or v == ""]
    for col in columns:
        candidates = [i for i in candidates if col[i] is None or col[i] == ""]
    blank = set(candidates)
    return [i for i in range(height) if i not in blank] if blank else None


def _use_link_addresses(spec: schema.Sheet, columns: dict[str, list], letters: dict[str, str],
                        rows: list[int], links: dict[str, str]) -> set[str]:
    """A URL column's cell holding a hyperlink is read by its address, not its text; the
    names of the columns that may have changed."""
    changed = set()
    for col in spec.columns:
        if col.kind == schema.URL and col.name in columns:
            changed.add(col.name)
            letter, cells = letters[col.name], columns[col.name]
            for i, row in enumerate(rows):
                address = links.get(f"{letter}{row}")
                if address is not None:
                    cells[i] = address
    return changed
