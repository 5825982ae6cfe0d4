"""Regenerate ``tests/data/broken/``: broken or odd workbooks, one defect each, and a manifest.

    python scripts/make_broken_corpus.py            # rewrite tests/data/broken/
    python scripts/make_broken_corpus.py OUT_DIR    # write the corpus somewhere else
    python scripts/make_broken_corpus.py --check    # regenerate in a temp dir, compare

Every file starts from one small valid workbook (``BASE`` of ``tests/wbfactory.py``, the
base rows every test mutates; ``--check`` and ``tests/test_broken_corpus.py`` notice any
change to it) with exactly one defect or oddity. ``manifest.json`` maps each file name to::

    {"defect": "what is wrong with it",
     "expected_exit": 0 or 1,                      # of validate and of build
     "expected": [[sheet, cell, code], ...],        # problems validate --json must report
     "message": "text the output must contain" or null}

Every error ``validate --json`` reports must be in ``expected``; warnings may be listed
too (then they must be reported). Files are byte-for-byte the same on every run: zip
entries get a fixed time, workbook properties a fixed date, the encryption a seeded
"random" salt.

The generator needs, besides the toolkit's own dependencies, two packages from PyPI
that only it uses: ``msoffcrypto-tool`` (a real password-encrypted workbook) and
``xlwt`` (a real legacy Excel 97-2003 .xls file).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "broken"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_TIME = datetime(2019, 11, 29, 9, 0, 0)

sys.path.insert(0, str(ROOT / "tests"))
from wbfactory import BASE, Formula, Link, workbook  # noqa: E402

PART = {name: f"xl/worksheets/sheet{i}.xml" for i, name in enumerate(BASE, start=1)}

Data = dict[str, list[list]]


@dataclass
class Case:
    file: str
    defect: str
    expected_exit: int
    expected: list[tuple[str, str | None, str]] = field(default_factory=list)
    message: str | None = None
    data: Callable[[Data], None] | None = None  # change the base rows in place
    sheets: Callable[[Workbook], None] | None = None  # change the openpyxl workbook
    parts: Callable[[dict[str, bytes]], None] | None = None  # change the saved zip parts
    raw: Callable[[], bytes] | None = None  # the whole file, not made from the base


# -- writing -----------------------------------------------------------------------------

def _workbook(data: Data) -> Workbook:
    wb = workbook(data)
    wb.properties.creator = "make_broken_corpus"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue()


def base_data() -> Data:
    return copy.deepcopy(BASE)


def base_bytes() -> bytes:
    return _zip(_parts(_save(_workbook(base_data()))))


def make(case: Case) -> bytes:
    if case.raw is not None:
        return case.raw()
    data = base_data()
    if case.data:
        case.data(data)
    wb = _workbook(data)
    if case.sheets:
        case.sheets(wb)
    parts = _parts(_save(wb))
    if case.parts:
        case.parts(parts)
    return _zip(parts)


# -- defects that need the zip's XML -------------------------------------------------------

def formula(sheet: str, ref: str, xml: str) -> Callable[[dict[str, bytes]], None]:
    """Replace cell ``ref`` of ``sheet`` by ``xml`` (a ``<c>`` with a formula)."""

    def change(parts: dict[str, bytes]) -> None:
        text = parts[PART[sheet]].decode("utf-8")
        text, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, text, count=1)
        if n != 1:
            raise SystemExit(f"cell {sheet}!{ref} not found in {PART[sheet]}")
        parts[PART[sheet]] = text.encode("utf-8")

    return change


def formula_error(sheet: str, ref: str, error: str, expr: str = "VLOOKUP(A1,Z:Z,2,0)"):
    return formula(sheet, ref, f'<c r="{ref}" t="e"><f>{expr}</f><v>{error}</v></c>')


def inline_text(sheet: str, ref: str, text: str) -> Callable[[dict[str, bytes]], None]:
    """Put ``text`` into ``ref`` as an inline string (openpyxl would cut it at 32,767)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return formula(sheet, ref, f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>')


def macros(parts: dict[str, bytes]) -> None:
    """Turn the .xlsx into an .xlsm: a VBA project part, its relationship and content type."""
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(
        "<Default ", '<Default Extension="bin" '
        'ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdVBA" Type="http://schemas.'
                        'microsoft.com/office/2006/relationships/vbaProject" '
                        'Target="vbaProject.bin"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    # Not a working VBA project (nothing may run it anyway): the toolkit must only notice it.
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# -- files that are not (plain) workbooks ----------------------------------------------------

def zip_bomb() -> bytes:
    """A real workbook whose Events sheet XML hides 256 MiB of blanks (~250 KB packed)."""
    parts = _parts(base_bytes())
    xml = parts[PART["Events"]]
    head, tail = xml.split(b"</sheetData>", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name != PART["Events"]:
                archive.writestr(info, content, compresslevel=9)
                continue
            with archive.open(info, "w", force_zip64=True) as fh:
                fh.write(head)
                blank = b" " * (1 << 20)
                for _ in range(256):
                    fh.write(blank)
                fh.write(b"</sheetData>" + tail)
    return buffer.getvalue()


def lying_zip_bomb() -> bytes:
    """48 MiB of XML whose zip headers claim 30,000 bytes: size checks must not trust them."""
    parts = _parts(base_bytes())
    head, tail = parts[PART["Events"]].split(b"</sheetData>", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name != PART["Events"]:
                archive.writestr(info, content, compresslevel=9)
                continue
            with archive.open(info, "w") as fh:
                fh.write(head)
                for _ in range(48):
                    fh.write(b" " * (1 << 20))
                fh.write(b"</sheetData>" + tail)
    data = bytearray(buffer.getvalue())
    wanted = PART["Events"].encode()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(PART["Events"]).header_offset
    struct.pack_into("<I", data, local + 22, 30_000)  # local header: uncompressed size
    at = bytes(data).find(b"PK\x01\x02")
    while at >= 0:  # central directory entries
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]) == wanted:
            struct.pack_into("<I", data, at + 24, 30_000)
        at = bytes(data).find(b"PK\x01\x02", at + 4)
    return bytes(data)


def sheet_xml_cut() -> bytes:
    """A sound zip whose Events sheet XML stops in the middle of row 3."""
    parts = _parts(base_bytes())
    xml = parts[PART["Events"]]
    parts[PART["Events"]] = xml[: xml.index(b'<row r="3"') + 40]
    return _zip(parts)


def encrypted() -> bytes:
    """The base workbook encrypted with the password "secret" (ECMA-376 agile, like Excel)."""
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    counter = [0]

    def seeded(size: int) -> bytes:  # deterministic salt and key: same bytes every run
        out = b""
        while len(out) < size:
            counter[0] += 1
            out += hashlib.sha256(f"corpus-{counter[0]}".encode()).digest()
        return out[:size]

    class FixedClock(datetime):  # the OLE directory's creation and modification times
        @classmethod
        def now(cls, tz=None):
            return FIXED_TIME

    saved = ecma376_agile._random_buffer, ecma376_encrypted.datetime
    ecma376_agile._random_buffer, ecma376_encrypted.datetime = seeded, FixedClock
    try:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(base_bytes())).encrypt("secret", out)
    finally:
        ecma376_agile._random_buffer, ecma376_encrypted.datetime = saved
    return out.getvalue()


def legacy_xls() -> bytes:
    """A real BIFF8 (Excel 97-2003) workbook with the base rows, as an old template makes."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in BASE.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    ws.write(r, c, value, style)
                elif value is not None:
                    ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def truncated() -> bytes:
    data = base_bytes()
    return data[: len(data) * 2 // 3]  # cut inside the zip: no central directory


def docx_renamed() -> bytes:
    """A zip that is an (almost empty) Word document, renamed .xlsx."""
    return _zip({
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
        b'openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
    })


def xlsb() -> bytes:
    """The parts of a binary workbook (.xlsb) in outline: xl/workbook.bin instead of XML."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})


def png() -> bytes:
    """A 1x1 PNG image renamed .xlsx."""
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


# -- small helpers for the cases ---------------------------------------------------------------

def cell(sheet: str, row: int, col: int, value) -> Callable[[Data], None]:
    """Set ``data[sheet][row][col]`` (0-based; row 0 is the header)."""

    def change(data: Data) -> None:
        data[sheet][row][col] = value

    return change


def append(sheet: str, row: list) -> Callable[[Data], None]:
    return lambda data: data[sheet].append(row)


def add_column(sheet: str, header: str, *values) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data[sheet][0].append(header)
        for row, value in zip(data[sheet][1:], values, strict=False):
            row.append(value)

    return change


def steps(*changes: Callable) -> Callable:
    """Several changes, in order (of the rows, or of the zip parts)."""

    def change(data) -> None:
        for one in changes:
            one(data)

    return change


def header_variants(data: Data) -> None:
    data["Actors"][0] = ["Actor ID", " NAME ", "Native_Name", "COUNTRY", "Kind", "title"]
    data["Positions"][0] = ["Actor_Id", "issue id", "As Of", " Stance", "SUMMARY", "Quote",
                            "sources "]
    data["EVENTS"] = data.pop("Events")
    data[" sources"] = data.pop("Sources")


def reorder_columns(data: Data) -> None:
    for name in ("Events", "Sources"):
        data[name] = [list(reversed(row)) for row in data[name]]


def blank_rows(data: Data) -> None:
    data["Events"].insert(2, [None] * 9)
    data["Events"].insert(2, [""] * 9)
    data["Events"].append([None] * 9)
    data["Positions"].insert(1, [None] * 7)


def guide_first(data: Data) -> None:
    data.clear()
    data["Guide"] = [["How to fill in this workbook"], ["Dates are real dates", "=1/0"]]
    data.update(base_data())
    data["Scratch"] = [["not", "a", "contract", "sheet"], ["e1", "yesterday", "x" * 300]]


def drop(*names: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        for name in names:
            del data[name]

    return change


def drop_column(sheet: str, index: int) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        for row in data[sheet]:
            del row[index]

    return change


def banner(data: Data) -> None:
    data["Issues"].insert(0, ["Issues tracked by the desk (updated weekly)"])


def empty_sheet(data: Data) -> None:
    data["Events"] = []


def second_sheet(data: Data) -> None:
    data["POSITIONS "] = copy.deepcopy(data["Positions"])


def merge_header(wb: Workbook) -> None:
    wb["Issues"].merge_cells("C1:D1")  # question + status: status's name disappears


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)) + "]>").encode()


def entities(part: str, cell: bytes | None = None) -> Callable[[dict[str, bytes]], None]:
    """A "billion laughs" document type in ``part`` (and ``&lol9;`` replacing ``cell``)."""

    def change(parts: dict[str, bytes]) -> None:
        xml = parts[part]
        at = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        xml = xml[:at] + LAUGHS + xml[at:]
        parts[part] = xml.replace(cell, b"&lol9;") if cell else xml

    return change


def internal_link(wb: Workbook) -> None:
    """Sources!D2 shows "see Events" and links to a cell of the workbook (no address)."""
    cell = wb["Sources"]["D2"]
    cell.value = "see Events"
    cell.hyperlink = Hyperlink(ref="D2", location="Events!A1")


LONG_TITLE = "Seoul and Tokyo " + "x" * 190  # 206 characters
HUNDRED_K = ("GSOMIA-" * 14286)[:99_999] + "!"  # no trailing space to strip


CASES: list[Case] = [
    # -- accepted: odd but valid ------------------------------------------------------------
    Case("ok_base.xlsx", "a valid workbook (the control)", 0),
    Case("ok_header_variants.xlsx", "headers and sheet names in other case, with spaces and "
         "underscores (Actor ID, NAME, As Of, EVENTS, ' sources')", 0, data=header_variants),
    Case("ok_column_order.xlsx", "Events and Sources columns in reverse order", 0,
         data=reorder_columns),
    Case("ok_extra_columns.xlsx", "extra columns (Desk note, Internal ref) kept, not errors", 0,
         data=steps(add_column("Events", "Desk note", "check with Seoul", ""),
                    add_column("Actors", "Internal ref", "A-1", "A-2"))),
    Case("ok_blank_rows.xlsx", "fully blank rows between and after records (also cells "
         "holding empty strings)", 0, data=blank_rows),
    Case("ok_iso_text_dates.xlsx", "dates typed as ISO text (2019-11-25)", 0,
         data=steps(cell("Events", 2, 1, "2019-11-25"), cell("Positions", 1, 2, "2019-08-22"),
                    cell("Sources", 1, 4, " 2019-11-22 "))),
    Case("ok_datetime_with_time.xlsx", "a date cell holding a date and a time of day", 0,
         data=cell("Events", 2, 1, datetime(2019, 11, 25, 18, 30))),
    Case("ok_list_separators.xlsx", "list cells with commas, line breaks and spaces", 0,
         data=steps(cell("Events", 1, 5, " moon-jae-in ,shinzo-abe\n"),
                    cell("Events", 2, 5, "moon-jae-in;\nshinzo-abe;"),
                    cell("Events", 2, 8, "s1 ,\r\n"))),
    Case("ok_event_ids_upper.xlsx", "event and source ids with upper case and _", 0,
         data=steps(cell("Events", 1, 0, "EV_2019_001"), cell("Sources", 1, 0, "KYODO_1"),
                    *(cell(s, r, c, "KYODO_1")
                      for s, r, c in [("Events", 1, 8), ("Events", 2, 8)]),
                    *(cell("Positions", r, 6, "KYODO_1") for r in (1, 2, 3)),
                    cell("Outlook", 1, 4, "KYODO_1"), cell("Assessments", 1, 4, "KYODO_1"))),
    Case("ok_scripts_and_line_breaks.xlsx", "Hangul, Kanji, Arabic, Hebrew, emoji and line "
         "breaks in text cells", 0,
         data=steps(cell("Events", 1, 3, "문재인 대통령\n安倍晋三首相 — «ok»"),
                    cell("Positions", 2, 5, "مرحبا بالعالم / שלום עולם 🇰🇷🤝🇯🇵"),
                    cell("Actors", 1, 5, "대통령\nPresident"))),
    Case("ok_enum_case.xlsx", "enum values in other case (Decision, OPPOSES, News)", 0,
         data=steps(cell("Events", 1, 4, "Decision"), cell("Positions", 1, 3, "OPPOSES"),
                    cell("Sources", 1, 5, "News"), cell("Actors", 1, 3, "kor"))),
    Case("ok_guide_and_other_sheets.xlsx", "a Guide sheet first and a scratch sheet with "
         "junk: both ignored", 0, data=guide_first),
    Case("ok_missing_optional_sheets.xlsx", "no Outlook and no Assessments sheet (optional: "
         "warnings)", 0, [("Outlook", None, "missing-sheet"),
                          ("Assessments", None, "missing-sheet")],
         data=drop("Outlook", "Assessments")),
    Case("ok_header_only_sheet.xlsx", "the Outlook sheet has its header and no records", 0,
         data=lambda d: d["Outlook"].pop()),
    Case("ok_formula_cached_values.xlsx", "formulas read by their cached value (a number "
         "and a string)", 0,
         parts=steps(formula("Events", "H2", '<c r="H2"><f>2+2</f><v>4</v></c>'),
                     formula("Events", "C3", '<c r="C3" t="str"><f>"Seoul suspends "&amp;'
                             '"its notice"</f><v>Seoul suspends its notice</v></c>'))),
    Case("ok_formula_error_optional.xlsx", "#N/A cached in an optional column "
         "(significance): a warning", 0, [("Events", "H2", "formula-error")], "#N/A",
         parts=formula_error("Events", "H2", "#N/A")),
    Case("ok_warnings_only.xlsx", "an unused actor, issue and source and an event without "
         "sources: warnings only", 0,
         [("Actors", "A4", "unused-actor"), ("Issues", "A3", "unused-issue"),
          ("Sources", "A3", "unused-source"), ("Events", "I2", "event-without-source")],
         data=steps(append("Actors", ["kang", "Kang Kyung-wha", "강경화", "KOR", "person", ""]),
                    append("Issues", ["trade", "Export controls", "Will Tokyo relax them?",
                                      "dormant"]),
                    append("Sources", ["s2", "NHK", "Unused", "", None, "news"]),
                    cell("Events", 1, 8, None))),
    Case("ok_100k_summary.xlsx", "a 100,000-character event summary (free text; more than "
         "Excel's 32,767)", 0, data=cell("Events", 2, 3, "placeholder"),
         parts=inline_text("Events", "D3", HUNDRED_K)),
    Case("ok_macros.xlsm", "a macro-enabled workbook (.xlsm): read, macros never run", 0,
         message="macros", parts=macros),
    # -- not a readable .xlsx ----------------------------------------------------------------
    Case("empty.xlsx", "a 0-byte file", 1, message="is empty", raw=lambda: b""),
    Case("text_renamed.xlsx", "a CSV text file renamed .xlsx", 1,
         message="is a text file, not an .xlsx workbook",
         raw=lambda: b"event_id,date,title\ne1,2019-11-22,Seoul suspends\n"),
    Case("image_renamed.xlsx", "a PNG image renamed .xlsx", 1, message="not a spreadsheet",
         raw=png),
    Case("legacy.xls", "a real Excel 97-2003 (.xls, BIFF8) workbook", 1,
         message="legacy Excel 97-2003 (.xls)", raw=legacy_xls),
    Case("encrypted.xlsx", "a real password-protected workbook (password: secret)", 1,
         message="password-protected", raw=encrypted),
    Case("truncated.xlsx", "the first two thirds of a workbook (a save cut short)", 1,
         message="incomplete or corrupt", raw=truncated),
    Case("zip_bomb.xlsx", "a zip bomb: 256 MiB of XML packed into ~250 KB", 1,
         message="zip bomb", raw=zip_bomb),
    Case("zip_bomb_lying_sizes.xlsx", "a zip bomb whose headers understate the sheet's size "
         "(30,000 bytes declared, 48 MiB inside)", 1, message="could not be read",
         raw=lying_zip_bomb),
    Case("sheet_xml_cut.xlsx", "a sound zip whose Events sheet XML stops mid-row", 1,
         message="could not be read", raw=sheet_xml_cut),
    Case("docx_renamed.xlsx", "a Word document (zip) renamed .xlsx", 1,
         message="not an Excel workbook", raw=docx_renamed),
    Case("binary_workbook.xlsx", "a binary workbook (.xlsb parts) renamed .xlsx", 1,
         message=".xlsb", raw=xlsb),
    Case("xml_entities_workbook.xlsx", 'a "billion laughs" entity bomb declared in '
         "xl/workbook.xml", 1, message="declares a document type",
         parts=entities("xl/workbook.xml")),
    Case("xml_entities_sheet.xlsx", 'a "billion laughs" entity bomb in the Events sheet, '
         "used in a cell", 1, message="declares a document type",
         parts=entities(PART["Events"], b"<t>Seoul suspends its notice</t>")),
    # -- structure ---------------------------------------------------------------------------
    Case("missing_sheet.xlsx", "no Sources sheet", 1, [("Sources", None, "missing-sheet")],
         data=drop("Sources")),
    Case("missing_column.xlsx", "Events has no category column", 1,
         [("Events", None, "missing-column")], '"category"', data=drop_column("Events", 4)),
    Case("duplicate_column.xlsx", "Events has two date columns", 1,
         [("Events", "J1", "duplicate-column")],
         data=add_column("Events", "Date", date(2019, 8, 23), date(2019, 11, 23))),
    Case("merged_header.xlsx", "Issues header cells C1:D1 merged", 1,
         [("Issues", "C1", "merged-header")], sheets=merge_header),
    Case("banner_row.xlsx", "a title row above the Issues header", 1,
         [("Issues", None, "missing-column")], "row 2", data=banner),
    Case("empty_sheet.xlsx", "the Events sheet has no rows at all", 1,
         [("Events", None, "missing-column")], data=empty_sheet),
    Case("two_sheets_match.xlsx", 'sheets "Positions" and "POSITIONS " both match Positions',
         1, [("POSITIONS ", None, "duplicate-sheet")], data=second_sheet),
    Case("stray_value_row.xlsx", "a row holding only a note in an extra column is a record "
         "with its required cells blank", 1,
         [("Events", c + "4", "missing-value") for c in "ABCE"],
         data=lambda d: d["Events"].append([None] * 9 + ["note to self"])),
    Case("whitespace_only_required.xlsx", "a required cell holding only spaces", 1,
         [("Issues", "C2", "missing-value")], data=cell("Issues", 1, 2, "   ")),
    # -- ids and references ------------------------------------------------------------------
    Case("duplicate_actor_id.xlsx", "actor_id moon-jae-in twice", 1,
         [("Actors", "A4", "duplicate-id")], "row 2",
         data=append("Actors", ["moon-jae-in", "Moon again", "", "KOR", "person", ""])),
    Case("duplicate_issue_id.xlsx", "issue_id gsomia twice", 1,
         [("Issues", "A3", "duplicate-id")],
         data=append("Issues", ["gsomia", "GSOMIA again", "Again?", "active"])),
    Case("duplicate_event_id.xlsx", "event_id e1 twice", 1, [("Events", "A4", "duplicate-id")],
         data=append("Events", ["e1", date(2019, 11, 23), "Again", "", "other", "", "", 1,
                                "s1"])),
    Case("duplicate_source_id.xlsx", "source_id s1 twice", 1,
         [("Sources", "A3", "duplicate-id")],
         data=append("Sources", ["s1", "NHK", "Again", "", None, "news"])),
    Case("duplicate_position.xlsx", "two positions with the same actor, issue and as_of", 1,
         [("Positions", "A5", "duplicate-id")],
         data=append("Positions", ["shinzo-abe", "gsomia", date(2019, 11, 22), "neutral",
                                   "Changed mind.", "", "s1"])),
    Case("bad_actor_id.xlsx", 'actor_id "Kim Jong-un" is no slug', 1,
         [("Actors", "A4", "bad-id")], '"kim-jong-un"',
         data=append("Actors", ["Kim Jong-un", "Kim Jong-un", "", "PRK", "person", ""])),
    Case("bad_event_id.xlsx", 'event_id "e 1" has a space', 1, [("Events", "A2", "bad-id")],
         data=cell("Events", 1, 0, "e 1")),
    Case("near_miss_actor.xlsx", 'Positions actor_id "moon-jaein" (near miss)', 1,
         [("Positions", "A2", "unknown-ref")], 'did you mean "moon-jae-in"',
         data=cell("Positions", 1, 0, "moon-jaein")),
    Case("near_miss_issue_case.xlsx", 'Events issues "GSOMIA" (case differs)', 1,
         [("Events", "G3", "unknown-ref")], 'did you mean "gsomia"',
         data=cell("Events", 2, 6, "GSOMIA")),
    Case("dangling_event_source.xlsx", 'Events sources "s1; s9": s9 does not exist', 1,
         [("Events", "I2", "unknown-ref")], '"s9"', data=cell("Events", 1, 8, "s1; s9")),
    Case("dangling_position_issue.xlsx", 'Positions issue_id "trade-dispute" does not exist',
         1, [("Positions", "B4", "unknown-ref")],
         data=cell("Positions", 3, 1, "trade-dispute")),
    Case("dangling_assessment_issue.xlsx", 'Assessments issue_id "trade" does not exist', 1,
         [("Assessments", "B2", "unknown-ref")], data=cell("Assessments", 1, 1, "trade")),
    Case("dangling_outlook_actor.xlsx", 'Outlook actors "kim-jong-un" does not exist', 1,
         [("Outlook", "F2", "unknown-ref")], data=add_column("Outlook", "actors",
                                                              "kim-jong-un")),
    # -- dates -------------------------------------------------------------------------------
    Case("date_dmy.xlsx", 'Events date "22/11/2019" (day first)', 1,
         [("Events", "B3", "bad-date")], "YYYY-MM-DD", data=cell("Events", 2, 1, "22/11/2019")),
    Case("date_mdy.xlsx", 'Events date "8/22/2019" (month first)', 1,
         [("Events", "B2", "bad-date")], data=cell("Events", 1, 1, "8/22/2019")),
    Case("date_month_name.xlsx", 'Positions as_of "Aug 22, 2019"', 1,
         [("Positions", "C2", "bad-date")], data=cell("Positions", 1, 2, "Aug 22, 2019")),
    Case("date_slashes_iso_order.xlsx", 'Outlook date "2019/12/24"', 1,
         [("Outlook", "A2", "bad-date")], data=cell("Outlook", 1, 0, "2019/12/24")),
    Case("date_month_13.xlsx", 'Sources published "2019-13-01"', 1,
         [("Sources", "E2", "bad-date")], "not a real day",
         data=cell("Sources", 1, 4, "2019-13-01")),
    Case("date_feb_30.xlsx", 'Assessments as_of "2019-02-30"', 1,
         [("Assessments", "A2", "bad-date")], "not a real day",
         data=cell("Assessments", 1, 0, "2019-02-30")),
    Case("date_number.xlsx", "Positions as_of the number 43791 (a date serial without a date "
         "format)", 1, [("Positions", "C3", "bad-date")], "is a number",
         data=cell("Positions", 2, 2, 43791)),
    Case("date_text_with_time.xlsx", 'Events date "2019-08-22 10:00" (text with a time)', 1,
         [("Events", "B2", "bad-date")], data=cell("Events", 1, 1, "2019-08-22 10:00")),
    Case("date_tbd.xlsx", 'Outlook date "TBD" (blank is how to say "not yet scheduled")', 1,
         [("Outlook", "A2", "bad-date")], data=cell("Outlook", 1, 0, "TBD")),
    # -- enums -------------------------------------------------------------------------------
    Case("enum_category.xlsx", 'Events category "decree"', 1, [("Events", "E2", "bad-enum")],
         data=cell("Events", 1, 4, "decree")),
    Case("enum_stance.xlsx", 'Positions stance "in favour"', 1,
         [("Positions", "D2", "bad-enum")], data=cell("Positions", 1, 3, "in favour")),
    Case("enum_actor_kind.xlsx", 'Actors kind "human"', 1, [("Actors", "E2", "bad-enum")],
         data=cell("Actors", 1, 4, "human")),
    Case("enum_issue_status.xlsx", 'Issues status "open"', 1, [("Issues", "D2", "bad-enum")],
         data=cell("Issues", 1, 3, "open")),
    Case("enum_source_kind.xlsx", 'Sources kind "blog"', 1, [("Sources", "F2", "bad-enum")],
         data=cell("Sources", 1, 5, "blog")),
    Case("enum_outlook_status.xlsx", 'Outlook status "maybe"', 1,
         [("Outlook", "D2", "bad-enum")], data=cell("Outlook", 1, 3, "maybe")),
    Case("enum_position_confidence.xlsx", 'Positions confidence "certain"', 1,
         [("Positions", "H2", "bad-enum")],
         data=add_column("Positions", "confidence", "certain", "high", "low")),
    Case("enum_assessment_confidence.xlsx", 'Assessments confidence "very high"', 1,
         [("Assessments", "F2", "bad-enum")],
         data=add_column("Assessments", "confidence", "very high")),
    Case("bad_country.xlsx", 'Actors country "Korea"', 1, [("Actors", "D2", "bad-country")],
         data=cell("Actors", 1, 3, "Korea")),
    # -- numbers, lengths, URLs --------------------------------------------------------------
    Case("significance_zero.xlsx", "significance 0", 1, [("Events", "H2", "out-of-range")],
         data=cell("Events", 1, 7, 0)),
    Case("significance_six.xlsx", "significance 6", 1, [("Events", "H3", "out-of-range")],
         data=cell("Events", 2, 7, 6)),
    Case("significance_negative.xlsx", 'significance "-1" typed as text', 1,
         [("Events", "H2", "out-of-range")], data=cell("Events", 1, 7, "-1")),
    Case("significance_fraction.xlsx", "significance 2.5", 1, [("Events", "H2", "bad-number")],
         data=cell("Events", 1, 7, 2.5)),
    Case("significance_word.xlsx", 'significance "high"', 1, [("Events", "H2", "bad-number")],
         data=cell("Events", 1, 7, "high")),
    Case("title_too_long.xlsx", "an event title of 206 characters (at most 200)", 1,
         [("Events", "C2", "too-long")], data=cell("Events", 1, 2, LONG_TITLE)),
    Case("title_100k.xlsx", "an event title of 100,000 characters", 1,
         [("Events", "C3", "too-long")], "100000 characters",
         parts=inline_text("Events", "C3", HUNDRED_K)),
    Case("url_javascript.xlsx", 'Sources url "javascript:alert(1)"', 1,
         [("Sources", "D2", "bad-url")], data=cell("Sources", 1, 3, "javascript:alert(1)")),
    Case("url_data.xlsx", 'Sources url "data:text/html,<script>alert(1)</script>"', 1,
         [("Sources", "D2", "bad-url")],
         data=cell("Sources", 1, 3, "data:text/html,<script>alert(1)</script>")),
    # -- required values and formula errors --------------------------------------------------
    Case("missing_value_summary.xlsx", "a position without its summary", 1,
         [("Positions", "E2", "missing-value")], data=cell("Positions", 1, 4, None)),
    Case("missing_value_name.xlsx", "an actor without a name", 1,
         [("Actors", "B3", "missing-value")], data=cell("Actors", 2, 1, None)),
    Case("missing_value_judgment.xlsx", "an assessment without its judgment", 1,
         [("Assessments", "C2", "missing-value")], data=cell("Assessments", 1, 2, None)),
    Case("missing_value_outlook_item.xlsx", "an outlook row without its item", 1,
         [("Outlook", "B2", "missing-value")], data=cell("Outlook", 1, 1, None)),
    Case("formula_error_ref.xlsx", "#REF! cached in Events!C3 (title, required)", 1,
         [("Events", "C3", "formula-error")], "#REF!",
         parts=formula_error("Events", "C3", "#REF!")),
    Case("formula_error_na_ref.xlsx", "#N/A cached in Positions!A2 (actor_id, required)", 1,
         [("Positions", "A2", "formula-error")], "#N/A",
         parts=formula_error("Positions", "A2", "#N/A")),
    Case("formula_error_div0_date.xlsx", "#DIV/0! cached in Positions!C3 (as_of, required)", 1,
         [("Positions", "C3", "formula-error")], "#DIV/0!",
         parts=formula_error("Positions", "C3", "#DIV/0!", "1/0")),
]


CASES += [
    # -- cells read as the editor meant (numbers as ids, formulas, links, headers) ----------
    Case("ok_number_ids.xlsx", "a source_id typed as the number 12345, cited as a number "
         "and inside a text list; credibility 2 typed as a number", 0,
         data=steps(append("Sources", ["", "NHK", "Numbered", "", None, "news"]),
                    cell("Sources", 2, 0, 12345), cell("Events", 1, 8, 12345),
                    cell("Events", 2, 8, "s1; 12345"),
                    add_column("Sources", "credibility", 2, 2))),
    Case("ok_large_number_id.xlsx", "a 12-digit source_id typed as a number, cited as a "
         "number and as text", 0,
         data=steps(append("Sources", [123456789012, "NHK", "Long id", "", None, "news"]),
                    cell("Events", 1, 8, 123456789012),
                    cell("Positions", 1, 6, "s1, 123456789012"))),
    Case("ok_leading_zero_ids.xlsx", 'ids with leading zeros stored as text ("007") stay '
         "as typed", 0,
         data=steps(cell("Events", 1, 0, "007"), cell("Sources", 1, 0, "007"),
                    *(cell(s, r, c, "007") for s, r, c in [
                        ("Events", 1, 8), ("Events", 2, 8), ("Positions", 1, 6),
                        ("Positions", 2, 6), ("Positions", 3, 6), ("Outlook", 1, 4),
                        ("Assessments", 1, 4)]))),
    Case("number_id_too_long.xlsx", "a 16-digit source_id typed as a number (Excel keeps 15 "
         "digits)", 1, [("Sources", "A3", "bad-id")], "too long for Excel",
         data=append("Sources", [2**53 + 1, "NHK", "Too long", "", None, "news"])),
    Case("boolean_event_id.xlsx", "an event_id cell holding TRUE (a yes/no value)", 1,
         [("Events", "A3", "bad-id")], "yes/no value", data=cell("Events", 2, 0, True)),
    Case("formula_no_value_title.xlsx", "an event title that is a formula with no saved "
         "value (as openpyxl writes it)", 1, [("Events", "C3", "formula-no-value")],
         "open the file in Excel", data=cell("Events", 2, 2, Formula('=UPPER("x")'))),
    Case("formula_no_value_as_of.xlsx", "a position's as_of that is a formula with no saved "
         "value", 1, [("Positions", "C2", "formula-no-value")],
         data=cell("Positions", 1, 2, Formula("=DATE(2019,8,22)"))),
    Case("ok_formula_no_value_optional.xlsx", "significance given by a formula with no saved "
         "value: a warning naming the cell", 0, [("Events", "H2", "formula-no-value")],
         "=2+2", data=cell("Events", 1, 7, Formula("=2+2"))),
    Case("ok_hyperlink_cell.xlsx", "a Sources url cell showing text that links to the "
         "address", 0, data=cell("Sources", 1, 3, Link("Kyodo article",
                                                        "https://example.org/a"))),
    Case("ok_hyperlink_formula.xlsx", "a Sources url given by =HYPERLINK(address, text) "
         "with its saved value (the text)", 0,
         parts=formula("Sources", "D2", '<c r="D2" t="str"><f>HYPERLINK("https://example.org'
                       '/a","Kyodo")</f><v>Kyodo</v></c>')),
    Case("ok_hyperlink_formula_no_value.xlsx", "a Sources url given by =HYPERLINK(...) with "
         "no saved value: the address is in the formula", 0,
         data=cell("Sources", 1, 3, Formula('=HYPERLINK("https://example.org/a","Kyodo")'))),
    Case("url_internal_link.xlsx", "a Sources url cell linking inside the workbook: its text "
         "is no address", 1, [("Sources", "D2", "bad-url")],
         sheets=internal_link),
    Case("header_near_miss_stances.xlsx", 'the Positions header "Stances" for stance', 1,
         [("Positions", "D1", "missing-column")], 'is probably the column "stance"',
         data=cell("Positions", 0, 3, "Stances")),
    Case("header_near_miss_event_id.xlsx", 'the Events header "Event-ID" for event_id', 1,
         [("Events", "A1", "missing-column")], 'Events!A1 "Event-ID"',
         data=cell("Events", 0, 0, "Event-ID")),
    Case("header_near_miss_actor.xlsx", 'the Positions header "Actor" for actor_id', 1,
         [("Positions", "A1", "missing-column")], 'is probably the column "actor_id"',
         data=cell("Positions", 0, 0, "Actor")),
    Case("ok_header_near_miss_optional.xlsx", 'the Events header "Signifcance" (optional '
         "column): a warning, its cells kept as an extra column", 0,
         [("Events", "H1", "misnamed-column")], data=cell("Events", 0, 7, "Signifcance")),
    # -- tradecraft columns (all optional) -------------------------------------------------
    Case("ok_tradecraft_columns.xlsx", "grades (b, 2 as a number), likelihoods (a synonym, "
         "other case) and markings (any case)", 0,
         data=steps(add_column("Sources", "reliability", "b"),
                    add_column("Sources", "credibility", 2.0),
                    add_column("Assessments", "likelihood", "Probable"),
                    add_column("Outlook", "likelihood", "very likely"),
                    add_column("Events", "marking", "unclassified", None))),
    Case("bad_reliability.xlsx", 'Sources reliability "G"', 1,
         [("Sources", "G2", "bad-grade")], "completely reliable",
         data=add_column("Sources", "reliability", "G")),
    Case("bad_credibility.xlsx", "Sources credibility 7 typed as a number", 1,
         [("Sources", "G2", "bad-grade")], data=add_column("Sources", "credibility", 7)),
    Case("bad_likelihood.xlsx", 'Assessments likelihood "maybe"', 1,
         [("Assessments", "F2", "bad-likelihood")], "roughly even chance",
         data=add_column("Assessments", "likelihood", "maybe")),
    Case("bad_marking.xlsx", 'Actors marking "SECRET" (not a level of the default scheme)',
         1, [("Actors", "G3", "bad-marking")], "UNCLASSIFIED",
         data=add_column("Actors", "marking", None, "SECRET")),
    Case("ok_estimative_language.xlsx", "a judgment using a vague probability word and a "
         "likelihood with a confidence level in one sentence: warnings", 0,
         [("Assessments", "C2", "estimative-language")],
         data=cell("Assessments", 1, 2, "It is possible that Seoul bends. Extension is "
                   "likely, we judge with high confidence.")),
]


def manifest_entry(case: Case) -> dict:
    return {"defect": case.defect, "expected_exit": case.expected_exit,
            "expected": [list(e) for e in case.expected], "message": case.message}


def generate(out: Path) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    manifest = {}
    for case in CASES:
        if case.file in manifest:
            raise SystemExit(f"two cases write {case.file}")
        (out / case.file).write_bytes(make(case))
        manifest[case.file] = manifest_entry(case)
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def check(committed: Path) -> list[str]:
    """Regenerate in a temp dir; the names of files that differ from ``committed``."""
    with tempfile.TemporaryDirectory(prefix="broken-corpus-") as tmp:
        fresh = Path(tmp)
        generate(fresh)
        names = sorted({p.name for p in fresh.iterdir()} | {p.name for p in committed.iterdir()})
        return [n for n in names if not (committed / n).is_file() or not (fresh / n).is_file()
                or (committed / n).read_bytes() != (fresh / n).read_bytes()]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"]:
        differ = check(DEFAULT_OUT)
        for name in differ:
            print(f"differs: {name}")
        return 1 if differ else 0
    out = Path(argv[0]) if argv else DEFAULT_OUT
    manifest = generate(out)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(manifest)} workbooks and manifest.json to {out} ({size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

