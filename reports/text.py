"""Text rules every part of the toolkit shares: how dates read, which characters a
document may hold, which addresses may become links, and which language a piece of East
Asian text is in.

One place for each, so a memo, its mail and its "new since" lines all say "25 November
2019" the same way, the validator, the Word writer and the HTML writer agree on what
an http(s) address is, and both formats tag a name's language alike.

Languages: Word picks glyphs by a run's East Asian language (``w:lang w:eastAsia``) and a
browser by ``lang``: Kanji tagged Korean get Korean glyph forms. The rule, by script:

- any Hangul: Korean;
- any Kana (Hiragana, Katakana): Japanese;
- Han characters only: the language of the country the text belongs to (an actor's
  country: ``JPN`` Japanese, ``KOR``/``PRK`` Korean, ``CHN`` Chinese), else the memo's
  default East Asian language.

:func:`runs` splits a string into runs of Latin (``None``) and East Asian text, each with
its language; a run whose exact text is a known native name (``known``) takes that
name's language, so "安倍晋三" in any sentence is Japanese once its actor is.
"""


from __future__ import annotations

import re
from datetime import date
from typing import Any
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


def printable(value: Any) -> Any:
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


# -- languages ------------------------------------------------------------------------------

KOREAN, JAPANESE, CHINESE = "ko", "ja", "zh"
COUNTRY_LANGS = {"JPN": JAPANESE, "KOR": KOREAN, "PRK": KOREAN, "CHN": CHINESE,
                 "TWN": CHINESE}
# BCP 47 tags as Word writes them in w:lang/@w:eastAsia.
WORD_TAGS = {KOREAN: "ko-KR", JAPANESE: "ja-JP", CHINESE: "zh-CN"}

HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Punctuation and full-width forms that belong to whatever East Asian run they touch.
CJK_PUNCT = "\u3000-\u3004\u3008-\u3020\u30fb\uff01-\uff65\ufe30-\ufe4f"

HANGUL_RE = re.compile(f"[{HANGUL}]")
KANA_RE = re.compile(f"[{KANA}]")
EAST_ASIAN_RE = re.compile(f"[{HANGUL}{KANA}{HAN}{CJK_PUNCT}]")
# A run of East Asian characters, with spaces inside it ("문 재인") kept in the run.
_RUN_RE = re.compile(f"[{HANGUL}{KANA}{HAN}{CJK_PUNCT}]"
                     f"(?:[ {HANGUL}{KANA}{HAN}{CJK_PUNCT}]*[{HANGUL}{KANA}{HAN}{CJK_PUNCT}])?")


def script_lang(text: str) -> str | None:
    """Korean for Hangul, Japanese for Kana; None when only Han (or no East Asian text)."""
    if HANGUL_RE.search(text):
        return KOREAN
    if KANA_RE.search(text):
        return JAPANESE
    return None


def lang_of(text: str, country: str | None = None, default: str = KOREAN) -> str | None:
    """The language of ``text``'s East Asian characters, or None when it has none."""
    if not EAST_ASIAN_RE.search(text or ""):
        return None
    return script_lang(text) or COUNTRY_LANGS.get((country or "").upper()) or default


def runs(text: str, known: dict[str, str] | None = None,
         default: str = KOREAN) -> list[tuple[str, str | None]]:
    """``text`` as [(piece, lang)], lang None for non-East-Asian pieces; '' gives []."""
    if not text:
        return []
    if not EAST_ASIAN_RE.search(text):
        return [(text, None)]
    known = known or {}
    out: list[tuple[str, str | None]] = []
    pos = 0
    for match in _RUN_RE.finditer(text):
        if match.start() > pos:
            out.append((text[pos:match.start()], None))
        piece = match.group(0)
        out.append((piece, known.get(piece) or script_lang(piece) or default))
        pos = match.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def word_tag(lang: str | None) -> str | None:
    """``ja-JP`` for ``ja`` (what Word's ``w:lang/@w:eastAsia`` holds)."""
    return WORD_TAGS.get(lang or "")
