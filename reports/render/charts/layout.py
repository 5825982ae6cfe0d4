"""Chart layout shared by the timeline and the matrix: sizes, text measuring, drawings.

A chart is first laid out as a :class:`Drawing`: texts, rectangles, lines and circles
placed in inches from the top left corner of a figure 16 cm wide. ``charts.svg`` writes a
drawing as SVG (text kept as text) and ``charts.png`` draws it with matplotlib, so both
formats show the same picture, laid out once.

Text is measured as matplotlib's Agg renderer lays it out, so that wrapped and shortened
labels fit the room they are given. Sizes: the picture is laid out 16 cm wide and shown
at least 15.5 cm wide (the Word memo's text width less a margin), so text laid out at
``SMALL`` (7.5 pt) is never under 7 pt on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reports.render import style
from reports.render.charts import fonts as chart_fonts
from reports.text import KOREAN, is_east_asian, lang_of, runs

DPI = 150
WIDTH_IN = 6.3                # 16 cm: 945 px at 150 dpi
SHOWN_MIN_IN = 15.5 / 2.54    # the narrowest the picture is shown at
MIN_SHOWN_PT = 7.0            # no text smaller than this as shown
SMALL = 7.5                   # axis labels, event labels, keys: 7.26 pt at 15.5 cm
FONT_SIZE = 8.5               # names: lanes, actors, issues
LINE = 1.2                    # line height, in font sizes
ASCENT, DESCENT = 0.78, 0.24  # of a line of text, in font sizes (Carlito, Noto CJK)
VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text; ``y`` is its baseline, ``anchor`` "start", "middle" or "end"."""

    x: float
    y: float
    text: str
    size: float = FONT_SIZE
    anchor: str = "start"
    bold: bool = False
    colour: str = style.STANCE_TEXT
    width: float = 0.0          # as measured, in inches
    lang: str | None = None     # of its East Asian characters ("ko", "ja", "zh")

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in inches, as laid out."""
        shift = {"start": 0.0, "middle": 0.5, "end": 1.0}[self.anchor] * self.width
        return (self.x - shift, self.y - ASCENT * self.size / 72, self.x - shift + self.width,
                self.y + DESCENT * self.size / 72)


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = "none"
    stroke_w: float = 0.0       # points


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float                # points


@dataclass(frozen=True, slots=True)
class Circle:
    x: float
    y: float
    r: float                    # points
    fill: str
    stroke: str = style.MARKER_EDGE
    stroke_w: float = 0.5


# Layers, drawn in this order (within a layer, in the order added).
BACK, GRID, MARKS, LEADERS, TEXT = range(5)


@dataclass
class Drawing:
    """A chart laid out in inches (y downwards), ready for ``charts.svg`` or ``charts.png``.

    ``known`` (native name -> language) and ``default`` decide the language of East Asian
    text, as ``reports.text`` does for the memo (fonts and ``lang`` follow it)."""

    width: float
    height: float
    known: dict[str, str] = field(default_factory=dict)
    default: str = KOREAN
    items: list[tuple[int, Text | Rect | Line | Circle]] = field(default_factory=list)

    def add(self, layer: int, item: Text | Rect | Line | Circle) -> None:
        self.items.append((layer, item))

    def text(self, measure: Measure, x: float, y: float, text: str, size: float = FONT_SIZE,
             anchor: str = "start", bold: bool = False, colour: str = style.STANCE_TEXT,
             country: str | None = None) -> Text:
        """Add a line of text; East Asian text of an actor of ``country`` is in its
        language (a Japanese name in Japanese)."""
        lang = lang_of(text, country, self.default)
        if lang:                  # the first East Asian run's, a known name's if it is one
            lang = next(tag for _, tag in runs(text, self.known, lang) if tag)
        item = Text(x, y, text, size, anchor, bold, colour, measure.width(text, size, bold),
                    lang)
        self.add(TEXT, item)
        return item

    def line(self, points, colour: str, width: float, layer: int = GRID) -> None:
        self.add(layer, Line(tuple(points), colour, width))

    def layers(self) -> list[Text | Rect | Line | Circle]:
        return [item for _, item in sorted(self.items, key=lambda li: li[0])]

    def texts(self) -> list[Text]:
        return [item for _, item in self.items if isinstance(item, Text)]


def baseline(centre: float, size: float) -> float:
    """The baseline that centres a line of text of ``size`` points on ``centre``."""
    return centre + (ASCENT - DESCENT) / 2 * size / 72


_ADVANCES: dict[tuple, float] = {}   # (character, size, bold, latin font) -> inches


class Measure:
    """Text widths in inches, as the Agg renderer lays text out (so wrapping fits).

    A string's width is the sum of its characters' advances (what matplotlib's layout adds
    up, less kerning, which only makes text a little narrower); each character is measured
    once per process, so long labels cost nothing to shorten.
    """

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = RendererAgg(8, 8, DPI)
        self.family = chart_fonts.families()
        self.latin = self.family[0]

    def advance(self, char: str, size: float, bold: bool) -> float:
        key = (char, size, bold, self.latin)
        found = _ADVANCES.get(key)
        if found is None:
            from matplotlib.font_manager import FontProperties

            if len(_ADVANCES) > 100_000:
                _ADVANCES.clear()
            prop = FontProperties(family=self.family, size=size,
                                  weight="bold" if bold else "normal")
            w, _, _ = self.renderer.get_text_width_height_descent(char, prop, ismath=False)
            found = _ADVANCES[key] = w / DPI
        return found

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(self.advance(c, size, bold) for c in text)

    def prefix_widths(self, text: str, size: float, bold: bool = False) -> list[float]:
        """Widths of text[:0], text[:1], ... text[:len(text)]."""
        out = [0.0]
        for c in text:
            out.append(out[-1] + self.advance(c, size, bold))
        return out

    def wrap(self, text: str, max_w: float, size: float, bold: bool = False,
             max_lines: int = 3, hyphenate: bool = False) -> list[str]:
        """Greedy word wrap to ``max_w`` inches, also after hyphens (and, with
        ``hyphenate``, inside a word too long for a line); an over-long last line ends
        in '…'."""
        lines: list[str] = []
        for n, word in enumerate(text.split()):
            for m, part in enumerate(re.split(r"(?<=\w-)(?=\w)", word)):
                joined = (lines[-1] + ("" if m else " ") + part) if lines else part
                if lines and (n or m) and self.width(joined, size, bold) <= max_w:
                    lines[-1] = joined
                elif hyphenate:
                    lines.extend(self._hyphenate(part, max_w, size, bold))
                else:
                    lines.append(part)
        lines = lines or [""]
        if len(lines) > max_lines:
            rest = " ".join(lines[max_lines - 1:]).replace("- ", "-")
            lines = lines[:max_lines - 1] + [rest]
        return [self.fit(line, max_w, size, bold) for line in lines]

    def _hyphenate(self, word: str, max_w: float, size: float, bold: bool) -> list[str]:
        """Split a word too long for a line, before a consonant-vowel pair if one fits
        ("Compen-sation"), else as late as fits."""
        pieces = []
        hyphen = self.advance("-", size, bold)
        while len(word) >= 6 and self.width(word, size, bold) > max_w:
            widths = self.prefix_widths(word, size, bold)
            fits = [i for i in range(3, len(word) - 2) if widths[i] + hyphen <= max_w]
            if not fits:
                break
            nice = [i for i in fits if word[i].lower() not in VOWELS
                    and word[i + 1].lower() in VOWELS and word[i - 1].isalpha()]
            cut = max(nice) if nice and max(nice) >= max(fits) - 3 else max(fits)
            pieces.append(word[:cut] + "-")
            word = word[cut:]
        return pieces + [word]

    def longest_word(self, text: str, size: float, bold: bool = False) -> float:
        parts = [p for w in text.split() for p in re.split(r"(?<=\w-)(?=\w)", w)]
        return max((self.width(p, size, bold) for p in parts), default=0.0)

    def fit(self, text: str, max_w: float, size: float, bold: bool = False) -> str:
        """The text, or its longest prefix of whole words that fits with an ellipsis
        (never a word cut short: between two East Asian characters is a word boundary
        too); '' when not even its first word fits."""
        widths = self.prefix_widths(text, size, bold)
        if widths[-1] <= max_w:
            return text
        room = max_w - self.advance("…", size, bold)
        cut = max((i for i, w in enumerate(widths) if w <= room), default=0)
        for end in range(cut, 0, -1):
            if text[end].isspace() or text[end - 1] in "-–—/" or (
                    is_east_asian(text[end - 1]) and is_east_asian(text[end])):
                kept = text[:end].rstrip(" ,;:-–—/")
                if kept:
                    return kept + "…"
        return ""

    def abbreviate(self, word: str, max_w: float, size: float, bold: bool = False) -> str:
        """A word that does not fit as its first letters and a full stop ("cond."), the
        whole word being given elsewhere (a chart's key, its table)."""
        if self.width(word, size, bold) <= max_w:
            return word
        for end in range(len(word) - 1, 0, -1):
            short = word[:end].rstrip("-") + "."
            if self.width(short, size, bold) <= max_w:
                return short
        return ""


def drawing_for(data: dict, height: float = 0.0) -> Drawing:
    """An empty drawing 16 cm wide for a chart's ``data`` (its ``native_langs`` and
    ``east_asian_lang``, when the memo passes them)."""
    return Drawing(WIDTH_IN, height, dict(data.get("native_langs") or {}),
                   str(data.get("east_asian_lang") or KOREAN))


def message(measure: Measure, text: str) -> Drawing:
    """A small picture that only says ``text`` (a chart with nothing to show)."""
    drawing = Drawing(WIDTH_IN, 0.6)
    drawing.text(measure, WIDTH_IN / 2, baseline(0.3, FONT_SIZE + 1), text, FONT_SIZE + 1,
                 "middle", colour=style.MUTED_TEXT)
    return drawing


# -- the timeline's geometry (shared by the timeline and its labels) ------------------

RIGHT_IN = 0.22               # right of the date axis, for its last label


@dataclass
class Mark:
    """A marker: one event (or, merged, the most significant of several)."""

    x: float
    y: float
    lane: int
    sig: int
    title: str
    colour: str


@dataclass
class Frame:
    """The vertical layout: lanes from the top, then the date axis and the legend."""

    left: float               # where the plot starts (right of the lane names)
    lane_in: float
    margin: float             # lane heights above the first lane and below the last
    lanes: int
    top: float = 0.06

    def lane_y(self, lane: float) -> float:
        return self.top + self.lane_in * (self.margin + lane)

    @property
    def axis_y(self) -> float:
        return self.lane_y(self.lanes - 1 + self.margin)

    @property
    def right(self) -> float:
        return WIDTH_IN - RIGHT_IN
