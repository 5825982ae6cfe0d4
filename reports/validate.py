"""Check a read workbook against the contract and turn its cells into typed values.

Every problem is collected (never only the first), each naming the sheet, the cell as
Excel shows it, the column, a stable code and a message saying what was expected.
The result also holds the clean records, typed and with defaults applied, which the
model is built from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from reports import schema
from reports.problems import ERROR, WARNING, Problem, sort_key
from reports.text import is_http_url
from reports.workbook import SheetData, Workbook, split_list

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "active"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive"}
Record = dict[str, object]


class Invalid(ValueError):
    """A cell value that does not fit its column; the message says what was expected."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Validated:
    problems: list[Problem]
    records: dict[str, list[Record]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(book: Workbook) -> Validated:
    problems = list(book.problems)
    records: dict[str, list[Record]] = {}
    for spec in schema.ALL_SHEETS:
        data = book.sheets.get(spec.name)
        records[spec.name] = _coerce_sheet(spec, data, problems) if data is not None else []
    keys = _check_keys(book, records, problems)
    _check_refs(book, records, keys, problems)
    _check_usage(book, records, problems)
    problems.sort(key=sort_key)
    return Validated(problems, records)


# -- cells -------------------------------------------------------------------------------

def _text(value: object) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _shown(value: object) -> str:
    text = _text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_date(value: object, col: schema.Column) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid("bad-date", f'"{value.strip()}" is not a real day; '
                          "use a real date or YYYY-MM-DD") from None
    if isinstance(value, bool) or isinstance(value, int | float):
        raise Invalid("bad-date", f'{_shown(value)} is a number, not a date; format the cell '
                      "as a date or type YYYY-MM-DD")
    raise Invalid("bad-date", f'"{_shown(value)}" is not a date; use a real date or YYYY-MM-DD')


def to_int(value: object, col: schema.Column) -> int:
    number: float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.0+)?\s*", value):
        number = float(value)
    if number is None or not number.is_integer():
        raise Invalid("bad-number", f'"{_shown(value)}" is not a whole number; use a whole '
                      f"number from {col.min_value} to {col.max_value}")
    result = int(number)
    if (col.min_value is not None and result < col.min_value) or (
            col.max_value is not None and result > col.max_value):
        raise Invalid("out-of-range", f"{result} is out of range; use a whole number from "
                      f"{col.min_value} to {col.max_value}")
    return result


def to_enum(value: object, col: schema.Column) -> str:
    text = _text(value).strip().lower()
    if text in col.enum:
        return text
    hint = _did_you_mean(text, col.enum)
    raise Invalid("bad-enum", f'"{_shown(value)}" is not one of: {", ".join(col.enum)}{hint}')


def to_country(value: object, col: schema.Column) -> str:
    text = _text(value).strip().upper()
    if schema.COUNTRY_RE.match(text):
        return text
    raise Invalid("bad-country", f'"{_shown(value)}" is not a country code; use a 3-letter '
                  "ISO code such as KOR, JPN, USA, or INT for international bodies")


def to_slug(value: object, col: schema.Column) -> str:
    text = _text(value).strip()
    if schema.SLUG_RE.match(text):
        return text
    fixed = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    raise Invalid("bad-id", f'"{_shown(value)}" is not a valid id; use lower-case letters, '
                  f'digits and - (for example "{fixed or "my-id"}")')


def to_id(value: object, col: schema.Column) -> str:
    text = _text(value).strip()
    if schema.ID_RE.match(text):
        return text
    fixed = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_")
    raise Invalid("bad-id", f'"{_shown(value)}" is not a valid id; use letters, digits, - '
                  f'and _ (for example "{fixed or "my-id"}")')


def to_line(value: object, col: schema.Column) -> str:
    text = _text(value).strip()
    if col.max_len and len(text) > col.max_len:
        raise Invalid("too-long", f"{col.name} is {len(text)} characters long; shorten it "
                      f"to at most {col.max_len}")
    return text


def to_text(value: object, col: schema.Column) -> str:
    return _text(value).strip()


def to_url(value: object, col: schema.Column) -> str:
    text = _text(value).strip()
    if is_http_url(text):
        return text
    raise Invalid("bad-url", f'"{_shown(value)}" is not an http or https URL; give the full '
                  "address starting with https://")


def to_email(value: object, col: schema.Column) -> str:
    text = _text(value).strip()
    if EMAIL_RE.match(text):
        return text
    raise Invalid("bad-email", f'"{_shown(value)}" is not an email address')


def to_bool(value: object, col: schema.Column) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Invalid("bad-flag", f'"{_shown(value)}" is not yes or no')


def to_refs(value: object, col: schema.Column) -> list[str]:
    return split_list(value)


def to_ref(value: object, col: schema.Column) -> str:
    return _text(value).strip()


COERCE: dict[str, Callable[[object, schema.Column], object]] = {
    schema.TEXT: to_text, schema.LINE: to_line, schema.SLUG: to_slug, schema.ID: to_id,
    schema.REF: to_ref, schema.REFS: to_refs, schema.DATE: to_date, schema.INT: to_int,
    schema.ENUM: to_enum, schema.URL: to_url, schema.COUNTRY: to_country,
    schema.EMAIL: to_email, schema.BOOL: to_bool,
}


def _blank_cell(data: SheetData, col: schema.Column, cell: str,
                problems: list[Problem]) -> None:
    """A blank cell: a formula error there, or a required value missing."""
    error = data.formula_errors.get(cell)
    if error:
        problems.append(Problem(
            ERROR if col.required else WARNING, data.title, cell, col.name, "formula-error",
            f"the formula in this cell gives {error}; fix the formula or type the value"))
    elif col.required:
        hint = col.help[:1].lower() + col.help[1:]
        problems.append(Problem(ERROR, data.title, cell, col.name, "missing-value",
                                f"{col.name} is required; {hint}"))


def _coerce_sheet(spec: schema.Sheet, data: SheetData, problems: list[Problem]) -> list[Record]:
    frame = data.frame
    rows = frame["_row"].tolist()
    out: list[Record] = [{"_row": r, "extra": {}} for r in rows]
    for col in spec.columns:
        letter = data.letters.get(col.name)
        if letter is None:  # missing column: reported by the reader if required
            for rec in out:
                rec[col.name] = [] if col.kind == schema.REFS else col.default
            continue
        coerce = COERCE[col.kind]
        name, blank = col.name, ([] if col.kind == schema.REFS else col.default)
        plain_text = col.kind == schema.TEXT
        for rec, value in zip(out, frame[name].tolist(), strict=True):
            if value is None:
                rec[name] = list(blank) if isinstance(blank, list) else blank
                if col.required or data.formula_errors:
                    _blank_cell(data, col, f"{letter}{rec['_row']}", problems)
            elif plain_text and type(value) is str:  # the common case, kept fast
                rec[name] = value.strip()
            else:
                try:
                    rec[name] = coerce(value, col)
                except Invalid as bad:
                    rec[name] = None
                    problems.append(Problem(ERROR, data.title, f"{letter}{rec['_row']}", name,
                                            bad.code, bad.message))
    for extra in data.extra_columns:
        for rec, value in zip(out, frame[extra].tolist(), strict=True):
            if value is not None:
                rec["extra"][extra] = _text(value)
    return out


# -- keys and references -----------------------------------------------------------------

def _check_keys(book: Workbook, records: dict[str, list[Record]],
                problems: list[Problem]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for spec in schema.ALL_SHEETS:
        data = book.sheets.get(spec.name)
        if data is None:
            keys[spec.name] = set()
            continue
        if spec.key:
            keys[spec.name] = _unique(data, records[spec.name], (spec.key,), problems)
        if spec.unique_together:
            _unique(data, records[spec.name], spec.unique_together, problems)
    return keys


def _unique(data: SheetData, recs: list[Record], cols: tuple[str, ...],
            problems: list[Problem]) -> set[str]:
    first: dict[tuple, int] = {}
    letter = data.letters.get(cols[0])
    for rec in recs:
        key = tuple(rec.get(c) for c in cols)
        if any(k is None for k in key) or letter is None:
            continue
        if key in first:
            shown = ", ".join(_text(k) for k in key)
            what = cols[0] if len(cols) == 1 else "/".join(cols)
            problems.append(Problem(
                ERROR, data.title, f"{letter}{rec['_row']}", cols[0], "duplicate-id",
                f'{what} "{shown}" appears twice (first in row {first[key]}); each must be '
                "unique: change or delete one of the rows"))
        else:
            first[key] = rec["_row"]
    return {k[0] for k in first} if len(cols) == 1 else set()


def _check_refs(book: Workbook, records: dict[str, list[Record]], keys: dict[str, set[str]],
                problems: list[Problem]) -> None:
    for spec in schema.SHEETS:
        data = book.sheets.get(spec.name)
        if data is None:
            continue
        for col in spec.columns:
            if col.kind not in (schema.REF, schema.REFS) or col.name not in data.letters:
                continue
            target = schema.sheet(col.ref)
            article = "an" if target.key[0] in "aeiou" else "a"
            known = keys.get(col.ref, set())
            target_data = book.sheets.get(col.ref)
            if target_data is None or target.key not in target_data.letters:
                continue  # the missing sheet or key column is reported already
            for rec in records[spec.name]:
                ids = rec[col.name] if col.kind == schema.REFS else [rec[col.name]]
                for ref in ids or []:
                    if ref is None or ref in known:
                        continue
                    hint = _did_you_mean(ref, known)
                    problems.append(Problem(
                        ERROR, data.title, f"{data.letters[col.name]}{rec['_row']}", col.name,
                        "unknown-ref", f'"{_shown(ref)}" is not {article} {target.key} in '
                        f"{target.name}{hint}"))


def _did_you_mean(value: str, options) -> str:
    close = difflib.get_close_matches(str(value).lower(), [str(o) for o in options], n=1,
                                      cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _check_usage(book: Workbook, records: dict[str, list[Record]],
                 problems: list[Problem]) -> None:
    """Warnings: unused actors, issues and sources; events without sources."""
    used: dict[str, set[str]] = {"Actors": set(), "Issues": set(), "Sources": set()}
    for spec in schema.SHEETS:
        for col in spec.columns:
            if col.ref in used:
                for rec in records[spec.name]:
                    value = rec.get(col.name)
                    used[col.ref].update(value if isinstance(value, list) else [value])
    for name, used_ids in used.items():
        spec = schema.sheet(name)
        data = book.sheets.get(name)
        if data is None or spec.key not in data.letters:
            continue
        for rec in records[name]:
            key = rec.get(spec.key)
            if key is not None and key not in used_ids:
                problems.append(Problem(
                    WARNING, data.title, f"{data.letters[spec.key]}{rec['_row']}", spec.key,
                    f"unused-{name.lower()[:-1]}",
                    f'"{key}" is never referred to by any other sheet; cite it or delete '
                    "the row"))
    events = book.sheets.get("Events")
    if events is not None and "sources" in events.letters:
        for rec in records["Events"]:
            if not rec.get("sources") and rec.get("event_id"):
                problems.append(Problem(
                    WARNING, events.title, f"{events.letters['sources']}{rec['_row']}",
                    "sources", "event-without-source",
                    f'event "{rec["event_id"]}" cites no source; add the source_id it comes '
                    "from"))
