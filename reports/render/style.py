"""Colours, words and fonts shared by the Word and HTML renderers and the charts.

Plain constants only (no imports of matplotlib, python-docx or jinja2), so any renderer
may import this module cheaply.

Stances
    ``STANCE_COLOURS`` are light fills: the stance word is always printed on them in
    ``STANCE_TEXT``, and every pair passes WCAG AA for normal text (contrast at least
    4.5:1; in fact each is 11:1 or more, see ``tests/test_charts.py``). Colour is never the
    only signal: print ``STANCE_LABELS[stance]`` in the cell too. A cell with no position
    recorded is left ``BLANK_FILL`` and empty.

Issues
    ``ISSUE_PALETTE`` is the Okabe-Ito colour-blind-safe qualitative palette (Okabe & Ito,
    "Color Universal Design", 2008), reordered so the colours with the most contrast on
    white come first (yellow last). Colour issue ``n`` (0-based, in a fixed order) with
    ``ISSUE_PALETTE[n % len(ISSUE_PALETTE)]``. Draw markers with a thin ``MARKER_EDGE``
    outline so the light colours still read on white paper.

Fonts
    ``FONT_LATIN`` is DejaVu Sans, which ships with matplotlib, so charts always find it.
    ``FONT_EAST_ASIAN`` is Noto Sans CJK KR from Debian's ``fonts-noto-cjk`` (the same
    package provides Noto Sans CJK JP/SC/TC/HK; one ``.ttc`` holds all, each with Hangul,
    Kana and Kanji). Korean names are the majority in this project, hence the KR
    variant; ``FONT_EAST_ASIAN_FALLBACKS`` are tried if it is missing. In Word use
    ``FONT_LATIN`` for ``w:ascii``/``w:hAnsi`` and ``FONT_EAST_ASIAN`` for ``w:eastAsia``;
    in CSS use ``CSS_FONT_STACK``. (Charts only: Word documents use the fonts below.)

Word fonts
    The Word template (``scripts/make_templates.py``) names fonts a Windows Word user
    has: ``WORD_FONT_LATIN`` (Calibri; LibreOffice renders it with the metric-compatible
    Carlito, Debian ``fonts-crosextra-carlito``) and, per East Asian language,
    ``WORD_EAST_ASIAN_FONTS`` (Yu Gothic for Japanese, Malgun Gothic for Korean,
    Microsoft YaHei for Chinese). They go into the template's document defaults and its
    character styles ``WORD_LANGUAGE_STYLES`` ("Memo Japanese" ...), which staff may
    restyle in Word; the renderer takes each language's font from those styles and uses
    this mapping only for a template that lacks them.
"""

from __future__ import annotations

STANCES = ("supports", "opposes", "conditional", "neutral", "unclear")

STANCE_COLOURS = {
    "supports": "#B8E0C2",     # light green
    "opposes": "#F5B7AE",      # light red
    "conditional": "#FBDD8E",  # light amber
    "neutral": "#C9D7E8",      # light grey-blue
    "unclear": "#E4E4E4",      # light grey
}
STANCE_TEXT = "#111111"        # text on every stance fill
STANCE_LABELS = {stance: stance for stance in STANCES}
BLANK_FILL = "#FFFFFF"         # no position recorded: white, no word
UNKNOWN_FILL = "#F2F2F2"       # a stance word not in STANCES (printed as given)

SHIFT_MARK = "*"               # appended to a stance word that changed in the period
SHIFT_NOTE = "* stance changed in this period (cell outlined)"

ISSUE_PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
MARKER_EDGE = "#222222"
GRID = "#D9D9D9"               # hairlines, lane separators, empty-cell borders
MUTED_TEXT = "#444444"         # secondary text on white (contrast 9.7:1)

FONT_LATIN = "DejaVu Sans"
FONT_EAST_ASIAN = "Noto Sans CJK KR"
FONT_EAST_ASIAN_FALLBACKS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC")
CSS_FONT_STACK = ('"DejaVu Sans", "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK JP", '
                  '"Malgun Gothic", "Yu Gothic", sans-serif')

WORD_FONT_LATIN = "Calibri"
WORD_EAST_ASIAN_FONTS = {"ja": "Yu Gothic", "ko": "Malgun Gothic", "zh": "Microsoft YaHei"}
WINDOWS_FALLBACKS = {"ja": ("Meiryo",)}  # on Windows without the first choice
WORD_LANGUAGE_STYLES = {"ja": "Memo Japanese", "ko": "Memo Korean", "zh": "Memo Chinese"}

COUNTRY_NAMES = {
    "KOR": "South Korea", "JPN": "Japan", "USA": "United States", "PRK": "North Korea",
    "CHN": "China", "RUS": "Russia",
}


def country_label(code: str) -> str:
    """'South Korea (KOR)' for a known ISO 3166 alpha-3 code, else the code as given."""
    name = COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code
