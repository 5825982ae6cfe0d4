"""What one cell may hold: each column kind's coercion of a cell value, with the message
that says what was expected when it does not fit.

A cell value is what the readers give (:mod:`reports.workbook.grid`): ``str``, ``float``,
``bool``, ``date``/``datetime``/``time``. Numbers typed where text is meant read as Excel
shows them (``12345``, not ``12345.0``); yes/no values are never numbers or ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from reports.delivery.addresses import AddressError, mail_address
from reports.text import clip, did_you_mean, is_http_url
from reports.workbook import contract as schema
from reports.workbook.rules import Rules

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "active"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive"}
EXACT_LIMIT = 2.0**53  # beyond it a number stored by Excel no longer holds every digit


class Invalid(ValueError):
    """A cell value that does not fit its column; the message says what was expected."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def text_of(value: object) -> str:
    """A cell value as Excel shows it: whole numbers without ``.0``, dates as ISO."""
    if value.__class__ is str:
        return value
    if value.__class__ is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shown(value: object) -> str:
    """A cell's value as a message quotes it: at most 60 characters."""
    return clip(text_of(value), 60)


def split_list(value: object) -> tuple[str, ...]:
    """A list cell (ids separated by ; , or line breaks) -> stripped, non-empty ids."""
    if value is None:
        return ()
    text = value if value.__class__ is str else text_of(value)
    if "," not in text and "\n" not in text and "\r" not in text:  # the usual "a; b"
        ids = tuple(map(str.strip, text.split(";")))
    else:
        ids = tuple(map(str.strip, schema.LIST_SPLIT_RE.split(text)))
    return tuple(p for p in ids if p) if "" in ids else ids


def _not_an_id(value: object) -> None:
    if value.__class__ is bool:
        raise Invalid("bad-id", f"{text_of(value)} is a yes/no value, not an id; type the id "
                      "(format the cell as Text first)")
    if isinstance(value, float) and abs(value) >= EXACT_LIMIT:
        raise Invalid("bad-id", f"{shown(value)} is a number too long for Excel to keep every "
                      "digit; format the column as Text and type the id again")


def to_date(value: object, col: schema.Column, rules: Rules | None = None) -> date:
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
        raise Invalid("bad-date", f'{shown(value)} is a number, not a date; format the cell '
                      "as a date or type YYYY-MM-DD")
    raise Invalid("bad-date", f'"{shown(value)}" is not a date; use a real date or YYYY-MM-DD')


def to_int(value: object, col: schema.Column, rules: Rules | None = None) -> int:
    number: float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.0+)?\s*", value):
        number = float(value)
    if number is None or not number.is_integer():
        raise Invalid("bad-number", f'"{shown(value)}" is not a whole number; use a whole '
                      f"number from {col.min_value} to {col.max_value}")
    result = int(number)
    if (col.min_value is not None and result < col.min_value) or (
            col.max_value is not None and result > col.max_value):
        raise Invalid("out-of-range", f"{result} is out of range; use a whole number from "
                      f"{col.min_value} to {col.max_value}")
    return result


def to_enum(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    text = text_of(value).strip()
    for option in col.enum:
        if text.lower() == option.lower():
            return option
    if col.kind == schema.GRADE:
        meanings = "; ".join(f"{k} {v}" for k, v in col.meanings)
        raise Invalid("bad-grade", f'"{shown(value)}" is not a {col.name} grade; use one of: '
                      f"{meanings}")
    hint = did_you_mean(text.lower(), col.enum)
    raise Invalid("bad-enum", f'"{shown(value)}" is not one of: {", ".join(col.enum)}{hint}')


def to_country(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    text = text_of(value).strip().upper()
    if schema.COUNTRY_RE.match(text):
        return text
    raise Invalid("bad-country", f'"{shown(value)}" is not a country code; use a 3-letter '
                  "ISO code such as KOR, JPN, USA, or INT for international bodies")


def to_slug(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    _not_an_id(value)
    text = text_of(value).strip()
    if schema.SLUG_RE.match(text):
        return text
    fixed = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    raise Invalid("bad-id", f'"{shown(value)}" is not a valid id; use lower-case letters, '
                  f'digits and - (for example "{fixed or "my-id"}")')


def to_id(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    _not_an_id(value)
    text = text_of(value).strip()
    if schema.ID_RE.match(text):
        return text
    fixed = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_")
    raise Invalid("bad-id", f'"{shown(value)}" is not a valid id; use letters, digits, - '
                  f'and _ (for example "{fixed or "my-id"}")')


def to_line(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    text = text_of(value).strip()
    if col.max_len and len(text) > col.max_len:
        raise Invalid("too-long", f"{col.name} is {len(text)} characters long; shorten it "
                      f"to at most {col.max_len}")
    return text


def to_text(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    return text_of(value).strip()


def to_url(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    text = text_of(value).strip()
    if is_http_url(text):
        return text
    raise Invalid("bad-url", f'"{shown(value)}" is not an http or https URL; give the full '
                  "address starting with https://")


def to_email(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    """The address as mail will be sent to it (:func:`reports.delivery.addresses.mail_address`)."""
    try:
        return mail_address(text_of(value))
    except AddressError as exc:
        raise Invalid("bad-email", str(exc)) from None


def to_bool(value: object, col: schema.Column, rules: Rules | None = None) -> bool:
    if isinstance(value, bool):
        return value
    text = text_of(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Invalid("bad-flag", f'"{shown(value)}" is not yes or no')


def to_refs(value: object, col: schema.Column, rules: Rules | None = None) -> tuple[str, ...]:
    return split_list(value)


def to_ref(value: object, col: schema.Column, rules: Rules | None = None) -> str:
    return text_of(value).strip()


def to_likelihood(value: object, col: schema.Column, rules: Rules | None) -> str:
    rules = rules or Rules()
    text = text_of(value).strip()
    term = rules.yardstick.find(text)
    if term is not None:
        return term.term
    terms = [t.term for t in rules.yardstick.terms]
    hint = did_you_mean(text.lower(), rules.yardstick.words())
    raise Invalid("bad-likelihood", f'"{shown(value)}" is not a likelihood term of the '
                  f"{rules.yardstick.name}{hint}; use one of: {', '.join(terms)}")


def to_marking(value: object, col: schema.Column, rules: Rules | None) -> int:
    rules = rules or Rules()
    rank = rules.markings.rank(text_of(value))
    if rank is not None:
        return rank
    levels = rules.markings.levels
    hint = did_you_mean(text_of(value).strip().upper(), levels)
    raise Invalid("bad-marking", f'"{shown(value)}" is not a marking level of this desk{hint}; '
                  f"use one of: {', '.join(levels)} (blank means {rules.markings.default})")


Coerce = Callable[[object, schema.Column, Rules | None], object]
COERCE: dict[str, Coerce] = {
    schema.TEXT: to_text, schema.LINE: to_line, schema.SLUG: to_slug, schema.ID: to_id,
    schema.REF: to_ref, schema.REFS: to_refs, schema.DATE: to_date, schema.INT: to_int,
    schema.ENUM: to_enum, schema.GRADE: to_enum, schema.URL: to_url,
    schema.COUNTRY: to_country, schema.EMAIL: to_email, schema.BOOL: to_bool,
    schema.LIKELIHOOD: to_likelihood, schema.MARKING: to_marking,
}
