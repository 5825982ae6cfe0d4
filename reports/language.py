"""Which language a piece of East Asian text is in, decided in one place for both formats.

Word picks glyphs by a run's East Asian language (``w:lang w:eastAsia``) and a browser by
``lang``: Kanji tagged Korean get Korean glyph forms. The rule, by script:

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
