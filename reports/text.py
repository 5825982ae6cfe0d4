"""Text rules every part of the toolkit shares: how dates read, which characters a
document may hold, and which addresses may become links.

One place for each, so a memo, its mail and its "new since" lines all say "25 November
2019" the same way, and the validator, the Word writer and the HTML writer agree on what
an http(s) address is.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

# Characters neither WordprocessingML nor HTML may hold (tab, line feed and carriage
# return are allowed); they are shown as U+FFFD.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _day(day: date | str) -> date:
    return date.fromisoformat(day) if isinstance(day, str) else day


def long_date(day: date | str | None) -> str:
    """``25 November 2019`` (a ``date`` or ISO text); '' for None."""
    if not day:
        return ""
    day = _day(day)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date | str | None) -> str:
    """``25 Nov 2019`` (a ``date`` or ISO text); '' for None."""
    if not day:
        return ""
    day = _day(day)
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def printable(value):
    """``value`` with control characters replaced, in every string of nested lists/dicts."""
    if isinstance(value, str):
        return CONTROL_RE.sub(REPLACEMENT, value) if CONTROL_RE.search(value) else value
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    return value


EMAIL_RE = re.compile(r'^[^@\s<>,;"]+@[^@\s<>,;"]+$')


def is_email(text: object) -> bool:
    """One mailbox address (name@host: ``desk@localhost`` too, for a mail server on the
    same machine), with nothing a mail header splits on."""
    return isinstance(text, str) and EMAIL_RE.match(text) is not None


def is_http_url(text: object) -> bool:
    """An absolute ``http``/``https`` address with a host, no spaces or control characters."""
    if not isinstance(text, str) or not text or text != text.strip():
        return False
    if any(ch.isspace() for ch in text) or re.search(r"[\x00-\x1f\x7f]", text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# A sentence's end: a full stop, question or exclamation mark or ellipsis, perhaps inside
# closing quotes or brackets ('... end the pact?' or '"... reversal?"').
_SENTENCE_END_RE = re.compile("[.?!\u2026][\"'\u201d\u2019)\\]]*$")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` already ends a sentence (so no full stop may follow it)."""
    return bool(_SENTENCE_END_RE.search(text.rstrip()))


def full_stop(text: str) -> str:
    """``text`` ending in one full stop: '.' is added unless it already ends a sentence
    ("Will they end the pact?" stays as it is, never "...pact?.")."""
    text = text.rstrip()
    return text if not text or ends_sentence(text) else text + "."


def clip(text: str | None, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, ending "…" when
    cut (a memo's body keeps its rows to a few lines; the workbook has the whole text)."""
    text = text or ""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"
