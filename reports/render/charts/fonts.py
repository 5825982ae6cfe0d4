"""Fonts for the charts: which installed fonts draw them, and how an SVG names them.

Latin text is drawn in Carlito (Debian ``fonts-crosextra-carlito``), which has Calibri's
metrics: an SVG that names "Calibri, Carlito" lays out as measured in Word (Calibri),
LibreOffice (Calibri is replaced by Carlito) and a browser (either). Without Carlito the
charts use ``style.FONT_LATIN`` if installed, else DejaVu Sans, which ships with
matplotlib; the SVG then names that font first and Calibri after it (narrower, so text
still fits where the first is missing).

Korean, Japanese and Chinese characters fall back per glyph to Noto Sans CJK (Debian
``fonts-noto-cjk``): text with Kana in the JP variant (Japanese glyph forms), anything
else in ``style.FONT_EAST_ASIAN`` (KR). SVGs also name what Windows has (Malgun Gothic,
Yu Gothic). Without a CJK font a warning is logged once and such names draw as boxes.

matplotlib's font list is cached on disk when matplotlib is first used, so a font
installed after that is unknown to it: a family that is not found makes the system fonts
be scanned once more (a few milliseconds) before it is given up.
"""

from __future__ import annotations

import functools
import logging
import os
import re

from reports.render import style
from reports.text import CHINESE, JAPANESE, KOREAN

log = logging.getLogger("reports.render.charts")

# Characters every Latin chart font has: Latin-1, Latin Extended-A, common punctuation.
_LATIN_ONLY = re.compile("[\u0020-\u007e\u00a0-\u017f\u2013\u2014\u2018\u2019"
                         "\u201c\u201d\u2022\u2026]*")

LATIN = ("Carlito", style.FONT_LATIN, "DejaVu Sans")
EAST_ASIAN = {
    KOREAN: (style.FONT_EAST_ASIAN, *style.FONT_EAST_ASIAN_FALLBACKS),
    JAPANESE: ("Noto Sans CJK JP", style.FONT_EAST_ASIAN, *style.FONT_EAST_ASIAN_FALLBACKS),
    CHINESE: ("Noto Sans CJK SC", style.FONT_EAST_ASIAN, *style.FONT_EAST_ASIAN_FALLBACKS),
}
# SVGs name the fonts Word's computers have first (style's Word fonts), then ours.
SVG_LATIN = {"Carlito": f"{style.WORD_FONT_LATIN}, Carlito"}  # else "'Name', Calibri, Carlito"
SVG_EAST_ASIAN = {lang: ", ".join([f"'{style.WORD_EAST_ASIAN_FONTS[lang]}'",
                                   *style.WINDOWS_FALLBACKS.get(lang, ())])
                  for lang in (KOREAN, JAPANESE, CHINESE)}


def families_for(text: str, lang: str | None) -> list[str]:
    """The ``font.family`` to draw ``text`` (East Asian text in ``lang``) in: the Latin
    font alone when it has every character (a fallback font makes matplotlib's text
    layout several times slower)."""
    if _LATIN_ONLY.fullmatch(text):
        return [latin()]
    return families(lang if lang in EAST_ASIAN else KOREAN)


@functools.cache
def font_file(family: str) -> str | None:
    """The file matplotlib draws ``family`` from, or None when it is not installed."""
    from matplotlib import font_manager

    def find() -> str:
        return font_manager.findfont(font_manager.FontProperties(family=family),
                                     fallback_to_default=False)

    try:
        return find()
    except ValueError:
        _add_new_system_fonts()
    try:
        return find()
    except ValueError:
        return None


@functools.cache
def _add_new_system_fonts() -> None:
    """Tell matplotlib about system fonts installed since it cached its font list."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


@functools.cache
def latin() -> str:
    """The family Latin text is drawn in."""
    return next((f for f in LATIN if font_file(f)), "DejaVu Sans")


@functools.cache
def east_asian(lang: str = KOREAN) -> str | None:
    """The CJK family for ``lang`` ("ko", "ja", "zh"), or None (warned once) when none is."""
    found = next((f for f in EAST_ASIAN[lang] if font_file(f)), None)
    if found is None and lang == KOREAN:
        log.warning("font %s is not installed (Debian: fonts-noto-cjk); Korean and "
                    "Japanese names in charts will draw as empty boxes",
                    style.FONT_EAST_ASIAN)
    return found


def families(lang: str = KOREAN) -> list[str]:
    """matplotlib's ``font.family`` for text in ``lang``: the Latin font, then the CJK
    font, then DejaVu Sans (which has the symbols both lack, such as U+FFFD)."""
    cjk = east_asian(lang)
    return list(dict.fromkeys([latin(), *([cjk] if cjk else []), "DejaVu Sans"]))


def svg_family(lang: str = KOREAN) -> str:
    """The CSS ``font-family`` an SVG gives text in ``lang``."""
    names = [SVG_LATIN.get(latin(), f"'{latin()}', {SVG_LATIN['Carlito']}")]
    cjk = [f"'{f}'" for f in families(lang)[1:] if f != "DejaVu Sans"]
    names += [*cjk, SVG_EAST_ASIAN[lang], "sans-serif"]
    return ", ".join(names)


def used_files() -> list[list]:
    """[family, file, size, modified] of every font the charts draw with."""
    files = []
    for family in dict.fromkeys(f for lang in EAST_ASIAN for f in families(lang)):
        files.append([family, *file_stamp(font_file(family) or "")])
    return files


def file_stamp(path: str) -> list:
    """[path, size, modified ns] of a file, or [path] when it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return [path]
    return [path, stat.st_size, stat.st_mtime_ns]
