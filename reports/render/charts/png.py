"""A chart :class:`~reports.render.charts.layout.Drawing` drawn with matplotlib, as PNG.

One ``matplotlib.figure.Figure`` on the Agg canvas (never pyplot), one axes spanning it
in inches, y downwards. Everything is drawn as one collection per layer, kind and colour,
so the cost hardly grows with the number of shapes. Text too: each text is the outlines
of its characters (each character's outline made once per process), placed one after the
other by the advances the layout measured, so a text is drawn exactly where and as wide
as the drawing says; matplotlib's own text layout and rendering cost about a millisecond
a text. The PNG is RGB, with its resolution and nothing else in its header.

Only ``charts`` imports this module, and only to draw a PNG: it imports matplotlib.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from io import BytesIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import (
    CircleCollection,
    LineCollection,
    PathCollection,
    PolyCollection,
)
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import text_to_path
from PIL import Image

from reports.render.charts import fonts as chart_fonts
from reports.render.charts.layout import DPI, Circle, Drawing, Line, Measure, Rect, Text

SHIFT = {"start": 0.0, "middle": 0.5, "end": 1.0}     # of a text's width, left of x


def to_png(drawing: Drawing) -> bytes:
    fig = figure(drawing)
    fig.canvas.draw()
    rgba = fig.canvas.buffer_rgba()
    image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
    buf = BytesIO()
    image.convert("RGB").save(buf, format="png", dpi=(DPI, DPI), compress_level=3)
    return buf.getvalue()


def figure(drawing: Drawing) -> Figure:
    """The drawing as a matplotlib Figure, ``drawing.width`` inches wide."""
    fig = Figure(figsize=(drawing.width, drawing.height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, drawing.width)
    ax.set_ylim(drawing.height, 0)
    ax.set_axis_off()
    batches: dict[tuple[int, int], list] = defaultdict(list)
    kinds = (Rect, Line, Circle, Text)
    for layer, item in drawing.items:
        batches[layer, kinds.index(type(item))].append(item)
    for (layer, kind), items in sorted(batches.items()):
        (_rects, _lines, _circles, _texts)[kind](ax, items, 1 + layer * 4 + kind)
    return fig


@lru_cache(maxsize=64)
def _font(family: tuple[str, ...], size: float, bold: bool) -> FontProperties:
    return FontProperties(family=list(family), size=size, weight="bold" if bold else "normal")


@lru_cache(maxsize=8192)
def _glyph(char: str, family: tuple[str, ...], size: float,
           bold: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """One character's outline in inches (y downwards, origin on its baseline), with its
    path codes; None for a character with no outline (a space)."""
    vertices, codes = text_to_path.get_text_path(_font(family, size, bold), char)
    if not len(vertices):
        return None
    scale = size / text_to_path.FONT_SCALE / 72           # to points, then inches
    return (np.asarray(vertices, dtype=float) * (scale, -scale),
            np.asarray(codes, dtype=Path.code_type))


def _text_path(t: Text, measure: Measure) -> Path:
    """The text's outline where the drawing placed it: its characters' outlines, each
    after the advances of those before it (as the layout measured it)."""
    family = tuple(chart_fonts.families_for(t.text, t.lang))
    x = t.x - SHIFT[t.anchor] * t.width
    vertices, codes = [], []
    for char in t.text:
        glyph = _glyph(char, family, t.size, t.bold)
        if glyph is not None:
            vertices.append(glyph[0] + (x, t.y))
            codes.append(glyph[1])
        x += measure.advance(char, t.size, t.bold)
    if not vertices:                              # blank: a point where it would be
        return Path([(t.x, t.y)], [Path.MOVETO])
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _rects(ax, items: list[Rect], zorder: int) -> None:
    corners = [((r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h))
               for r in items]
    ax.add_collection(PolyCollection(
        corners, facecolors=[r.fill for r in items], zorder=zorder,
        edgecolors=[r.stroke if r.stroke_w else "none" for r in items],
        linewidths=[r.stroke_w for r in items]), autolim=False)


def _lines(ax, items: list[Line], zorder: int) -> None:
    ax.add_collection(LineCollection(
        [list(i.points) for i in items], colors=[i.colour for i in items],
        linewidths=[i.width for i in items], zorder=zorder, capstyle="butt"), autolim=False)


def _circles(ax, items: list[Circle], zorder: int) -> None:
    ax.add_collection(CircleCollection(
        [3.14159265 * c.r ** 2 for c in items], offsets=[(c.x, c.y) for c in items],
        offset_transform=ax.transData, facecolors=[c.fill for c in items],
        edgecolors=[c.stroke for c in items], linewidths=[c.stroke_w for c in items],
        zorder=zorder), autolim=False)


def _texts(ax, items: list[Text], zorder: int) -> None:
    """Every text as its outline, one collection per colour (gid "text"; its label holds
    the strings, one a line, in the order of its paths)."""
    measure = Measure()
    by_colour: dict[str, list[Text]] = defaultdict(list)
    for t in items:
        by_colour[t.colour].append(t)
    for colour, texts in by_colour.items():
        ax.add_collection(PathCollection(
            [_text_path(t, measure) for t in texts], facecolors=colour, edgecolors="none",
            linewidths=0, transform=ax.transData, zorder=zorder, gid="text",
            label="\n".join(t.text for t in texts)), autolim=False)
