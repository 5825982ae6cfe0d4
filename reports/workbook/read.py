"""Read a contract workbook into columns, once, read-only.

The file is read into memory in one go (a consistent snapshot even if Excel saves it
meanwhile), checked for what it really is (zip, legacy .xls, encrypted, zip bomb), and
parsed by one reader (:mod:`reports.workbook.grid`: fastexcel, Arrow columns) in a
thread, which releases Python's lock while it parses: meanwhile this thread imports
pandas and Arrow (:func:`~reports.workbook.table.import_frame_libraries`) and searches
the sheets' XML (:mod:`reports.workbook.package`: formula errors,
formulas without a saved value, hyperlinks, merged cells). Each contract sheet becomes
its cells by column, under canonical names plus any extra columns, with the Excel row
number of every record (blank rows are skipped). Structural problems (missing sheets or
columns, banner rows, merged headers, a header that is nearly a contract column) are
collected as :class:`~reports.problems.Problem` for the validator to report.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
import zipfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reports.errors import WorkbookUnreadable
from reports.problems import ERROR, WARNING, Problem
from reports.text import series
from reports.workbook import contract as schema
from reports.workbook.header import match_header
from reports.workbook.package import HostileXml, SheetNotes, scan_sheet, sheet_parts
from reports.workbook.table import bulk, import_frame_libraries

if TYPE_CHECKING:
    import pandas as pd

    from reports.workbook.grid import Cells, Grid, Reader

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
    cells: dict[str, Cells]  # canonical or extra column name -> one cell per record
    letters: dict[str, str]  # column name -> Excel column letter
    extra_columns: list[str] = field(default_factory=list)
    notes: SheetNotes = field(default_factory=SheetNotes)
    header_only: bool = False  # a header row and no record below it

    @cached_property
    def columns(self) -> Mapping[str, list[object]]:
        """Column name -> its cells as Python values (``str``, ``float``, ``bool``,
        ``date``/``datetime``/``time``, None for a blank), one per record."""
        from reports.workbook.grid import python_values

        return {name: python_values(cells) for name, cells in self.cells.items()}

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame indexed by Excel row (Arrow-typed columns; a column
        of mixed types holds Python objects)."""
        from reports.workbook.typed import raw_frame

        return raw_frame(self.cells, self.rows)


@dataclass
class Workbook:
    path: Path
    sha256: str
    sheets: dict[str, SheetData]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)  # things worth telling, not problems


@dataclass
class _Loaded:
    """What the reader's thread made: the reader, sheet titles, each sheet's grid."""

    reader: Reader
    names: list[str]
    grids: dict[str, Grid | Exception] = field(default_factory=dict)


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
        # The reader opens the workbook and parses its sheets in its thread (without
        # Python's lock) while this one imports pandas and Arrow, searches the sheets' XML
        # and hashes the file.
        loading = pool.submit(_load, data, wanted)
        import_frame_libraries()

        try:
            parts = sheet_parts(archive)
        except HostileXml as exc:
            raise WorkbookUnreadable(f"{path}: {exc}; Excel never writes that: save the "
                                     "workbook again from Excel") from None
        scans = _scan(archive, parts, wanted)
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            loaded = loading.result()
        except Exception as exc:  # the reader could not open it
            raise WorkbookUnreadable(
                f"{path} could not be read as an .xlsx workbook ({_why(exc)}); open it in "
                "Excel or LibreOffice and save it again as .xlsx") from exc
        result, problems = _read_sheets(path, loaded, wanted, scans)
    for note in notes:
        log.warning(note)
    return Workbook(path, sha256, result, problems, notes)


def _load(data: bytes, wanted: list[schema.Sheet]) -> _Loaded:
    """In the reader's thread: open the workbook and read every contract sheet it has
    (as if its header began in A1, as it does in a workbook made by ``init``)."""
    from reports.workbook.grid import Reader

    reader = Reader(data)
    loaded = _Loaded(reader, reader.sheet_names)
    titles = _match_sheets(loaded.names, [], wanted)
    for title in titles.values():
        try:
            loaded.grids[title] = reader.grid(title)
        except Exception as exc:  # reported by the main thread, naming the sheet
            loaded.grids[title] = exc
    return loaded


def _scan(archive: zipfile.ZipFile, parts: dict[str, str],
          wanted: list[schema.Sheet]) -> dict[str, SheetNotes | Exception]:
    """Sheet title -> the notes of its XML, for every sheet that may be read."""
    names = {schema.normalise_name(s.name) for s in wanted}
    found: dict[str, SheetNotes | Exception] = {}
    for title, part in parts.items():
        if schema.normalise_name(title) in names:
            try:
                found[title] = scan_sheet(archive, part)
            except Exception as exc:  # a DTD, a damaged part: named with the sheet
                found[title] = exc
    return found


def _read_sheets(path: Path, loaded: _Loaded, wanted: list[schema.Sheet],
                 scans: dict[str, SheetNotes | Exception]
                 ) -> tuple[dict[str, SheetData], list[Problem]]:
    problems: list[Problem] = []
    titles = _match_sheets(loaded.names, problems, wanted)
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
        scan = scans.get(title, SheetNotes())
        grid = loaded.grids.get(title)
        try:
            if isinstance(scan, Exception):
                raise scan
            if grid is None or (not isinstance(grid, Exception)
                                and scan.first_value not in (None, "A1")):
                grid = loaded.reader.grid(title, scan.first_value)  # not from A1: again
            if isinstance(grid, Exception):
                raise grid
        except Exception as exc:  # calamine: XmlError, ZipError, CalamineError ...
            raise WorkbookUnreadable(
                f'{path}: sheet "{title}" could not be read ({_why(exc)}); the file is damaged: '
                "open it in Excel or LibreOffice and save it again as .xlsx") from exc
        result[spec.name] = _read_sheet(spec, title, grid, scan, problems)
    return result, problems


def _why(exc: Exception) -> str:
    """An exception as "Kind: what" (the reader's own already says its kind)."""
    from reports.workbook.grid import Unreadable

    return str(exc) if isinstance(exc, Unreadable) else f"{exc.__class__.__name__}: {exc}"


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
            quoted = series([f'"{t}"' for t in titles])
            both, extra = ("both", "one of them") if len(titles) == 2 else (
                "all", "all but one of them")
            problems.append(Problem(ERROR, titles[1], None, None, "duplicate-sheet",
                                    f"sheets {quoted} {both} match {canonical}; rename or "
                                    f"delete {extra}"))
        result[canonical] = titles[0]
    return result


def _read_sheet(spec: schema.Sheet, title: str, grid: Grid, notes: SheetNotes,
                problems: list[Problem]) -> SheetData:
    from reports.workbook.columns import blank_rows, take_rows, with_links

    letters, extras, positions = match_header(spec, title, grid, notes, problems)
    keep = blank_rows(list(grid.columns.values()), grid.height)
    names = [c.name for c in spec.columns if c.name in positions] + extras
    cells: dict[str, Cells] = {}
    for name in names:
        column = grid.columns.get(positions[name])
        cells[name] = take_rows(column, keep, grid.height)
    first = grid.first_row
    rows = [i + first for i in keep] if keep is not None else list(
        range(first, grid.height + first))
    if notes.links:
        for col in spec.columns:
            if col.kind == schema.URL and col.name in cells:
                cells[col.name] = with_links(cells[col.name], letters[col.name], rows,
                                             notes.links)
    header_only = grid.first_row == 2 and bool(positions) and not rows
    return SheetData(spec.name, title, rows, cells, letters, extras, notes, header_only)
