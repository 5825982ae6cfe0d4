"""Text rules every part of the toolkit shares: how dates read, which characters a
document may hold, which addresses may become links, how a long text is shortened, which
known word a mistyped one most likely meant, and which language a piece of East Asian
text is in.

One place for each, so a memo, its mail and its "new since" lines all say "25 November
2019" the same way, the validator, the Word writer and the HTML writer agree on what
an http(s) address is, every message offers the same "did you mean" for the same slip
(:func:`did_you_mean`), every shortened text ends the same way (:func:`clip`), and both
formats tag a name's language alike. (Email addresses: :mod:`reports.delivery.addresses`.)

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
:func:`is_east_asian` is the same rule for one character: the Word writer measures a
name's width and finds a native name by it, and the charts break lines by it (between
two East Asian characters is a word boundary).
"""


from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

T = TypeVar("T")

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


def local_time(moment: datetime | str | None, zone: str | None) -> str:
    """A moment (aware, or the run record's ISO UTC text) as the desk reads it, in its time
    zone with the zone's name: ``2019-11-25 07:00 KST`` (``UTC`` without a zone)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(zone) if zone else UTC)
    name = local.tzname() or ""
    if not name or name[0] in "+-":  # a zone with no abbreviation: its offset
        name = "UTC" + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    return f"{local:%Y-%m-%d %H:%M} {name}"


def printable(value: T) -> T:
    """``value`` with control characters replaced, in every string of nested lists/dicts."""
    found: Any = value
    if isinstance(found, str):
        found = CONTROL_RE.sub(REPLACEMENT, found) if CONTROL_RE.search(found) else found
    elif isinstance(found, list):
        found = [printable(v) for v in found]
    elif isinstance(found, dict):
        found = {k: printable(v) for k, v in found.items()}
    return cast(T, found)


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


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 event``, ``2 events``, ``3 entries`` (``many``: the plural when not noun + s):
    never "event(s)"."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def series(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: items as a sentence names them ("" for none)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def clip(text: str | None, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, ending "…" when
    cut (a memo's body keeps its rows to a few lines; the workbook has the whole text).
    The one shortener: memo rows, chart labels, document properties, Excel's prompts,
    the tags and values a message quotes."""
    text = text or ""
    if len(text) <= limit:
        return text
    if limit < 2:
        return "\u2026"[:limit]
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


# -- did you mean ---------------------------------------------------------------------------

# How alike (difflib's ratio, letter case aside) a known word must be to a mistyped one
# to be offered: "weekyl" for "weekly", "shedule" for "schedule", "moon-jaein" for
# "moon-jae-in"; not "monthly" for "weekly".
CLOSE_ENOUGH = 0.6


def closest(word: object, choices: Iterable[object]) -> str | None:
    """The choice ``word`` most likely meant (as the choice is spelt), or None."""
    import difflib

    spelt: dict[str, str] = {}
    for choice in choices:
        spelt.setdefault(str(choice).casefold(), str(choice))
    close = difflib.get_close_matches(str(word).casefold(), sorted(spelt), n=1,
                                      cutoff=CLOSE_ENOUGH)
    return spelt[close[0]] if close else None


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """``' (did you mean "weekly"?)'`` for the choice ``word`` most likely meant, else ''."""
    close = closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""


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


@cache
def _script(which: str) -> re.Pattern[str]:
    """The scripts' patterns, each compiled on first use: these character classes take
    some 15 ms to compile, which every command would otherwise pay as it starts."""
    every = f"{HANGUL}{KANA}{HAN}{CJK_PUNCT}"
    return re.compile({
        "hangul": f"[{HANGUL}]", "kana": f"[{KANA}]", "east_asian": f"[{every}]",
        # a run of East Asian characters, with spaces inside it ("문 재인") kept in the run
        "run": f"[{every}](?:[ {every}]*[{every}])?"}[which])


def is_east_asian(char: str) -> bool:
    """Whether ``char`` is East Asian: Hangul, Kana, Han or their punctuation."""
    return _script("east_asian").match(char) is not None


def script_lang(text: str) -> str | None:
    """Korean for Hangul, Japanese for Kana; None when only Han (or no East Asian text)."""
    if _script("hangul").search(text):
        return KOREAN
    if _script("kana").search(text):
        return JAPANESE
    return None


def lang_of(text: str, country: str | None = None, default: str = KOREAN) -> str | None:
    """The language of ``text``'s East Asian characters, or None when it has none."""
    if not _script("east_asian").search(text or ""):
        return None
    return script_lang(text) or COUNTRY_LANGS.get((country or "").upper()) or default


def runs(text: str, known: dict[str, str] | None = None,
         default: str = KOREAN) -> list[tuple[str, str | None]]:
    """``text`` as [(piece, lang)], lang None for non-East-Asian pieces; '' gives []."""
    if not text:
        return []
    if not _script("east_asian").search(text):
        return [(text, None)]
    known = known or {}
    out: list[tuple[str, str | None]] = []
    pos = 0
    for match in _script("run").finditer(text):
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
