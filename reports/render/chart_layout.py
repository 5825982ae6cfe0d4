"""Chart layout shared by the timeline and the matrix: sizes, figures and text measuring.

Text is measured as the Agg renderer lays it out, so that wrapped and shortened labels fit
the room they are given. Nothing here imports matplotlib until it is called.
"""

from __future__ import annotations

import re

from reports.render import style

DPI = 150
WIDTH_IN = 6.3                # 16 cm (A4 text width): 945 px at 150 dpi
FONT_SIZE = 7.5
SMALL = 6.5

VOWELS = frozenset("aeiouy")


_ADVANCES: dict[tuple, float] = {}   # (character, size, bold, fonts) -> inches


class Measure:
    """Text widths in inches, as the Agg renderer lays text out (so wrapping fits).

    A string's width is the sum of its characters' advances (what matplotlib's layout
    adds up, less kerning, which is a fraction of a pixel here); each character is
    measured once per process, so long labels cost nothing to shorten. ``fonts`` is the
    ``font.family`` the chart is drawn in (``charts.font_families()``), part of that key.
    """

    def __init__(self, fig, fonts: list[str]):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.font_manager import FontProperties

        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.fonts = tuple(fonts)
        self.props = {(size, bold): FontProperties(size=size,
                                                   weight="bold" if bold else "normal")
                      for size in (SMALL, FONT_SIZE) for bold in (False, True)}

    def advance(self, char: str, size: float, bold: bool) -> float:
        key = (char, size, bold, self.fonts)
        found = _ADVANCES.get(key)
        if found is None:
            from matplotlib.font_manager import FontProperties

            if len(_ADVANCES) > 100_000:
                _ADVANCES.clear()
            prop = self.props.get((size, bold)) or FontProperties(
                size=size, weight="bold" if bold else "normal")
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
        """The text, or its longest prefix that fits with an ellipsis."""
        widths = self.prefix_widths(text, size, bold)
        if widths[-1] <= max_w:
            return text
        room = max_w - self.advance("…", size, bold)
        cut = max((i for i, w in enumerate(widths) if w <= room), default=0)
        return text[:cut].rstrip() + "…"


def new_figure(height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def message_figure(text: str):
    fig = new_figure(0.6)
    fig.text(0.5, 0.5, text, ha="center", va="center", color=style.MUTED_TEXT,
             fontsize=FONT_SIZE + 1)
    return fig
