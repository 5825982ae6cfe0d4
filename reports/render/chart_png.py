"""A chart :class:`~reports.render.chart_layout.Drawing` drawn with matplotlib, as PNG.

One ``matplotlib.figure.Figure`` on the Agg canvas (never pyplot), one axes spanning it
in inches, y downwards. Shapes are drawn as one collection per layer and kind, so their
cost hardly grows with their number. Texts are drawn straight through the renderer by
one :class:`TextRun` artist (where the drawing placed them, without matplotlib's text
layout, which costs about a millisecond a text), except that a string drawn several
times in one style (the stance words of a matrix) is drawn as one outline stamped at
each place: a collection whose gid is ``"text:"`` and the string. The PNG is RGB, with
its resolution and nothing else in its header.

Only ``charts`` imports this module, and only to draw a PNG: it imports matplotlib.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from io import BytesIO

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import CircleCollection, LineCollection, PatchCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D
from PIL import Image

from reports.render import chart_fonts
from reports.render.chart_layout import DPI, Circle, Drawing, Line, Rect, Text

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


class TextRun(Artist):
    """Many texts, each drawn by the renderer at the place the drawing gives it."""

    def __init__(self, texts: list[Text], ax):
        super().__init__()
        self.texts = texts
        self.set_transform(ax.transData)

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        to_pixels = self.get_transform().transform
        height = renderer.get_canvas_width_height()[1]
        for t in self.texts:
            x, y = to_pixels((t.x, t.y))
            if renderer.flipy():                  # as Text.draw does: y downwards
                y = height - y
            gc = renderer.new_gc()
            gc.set_foreground(t.colour)
            renderer.draw_text(gc, x - SHIFT[t.anchor] * t.width * renderer.dpi, y, t.text,
                               _prop(t), 0.0, ismath=False)
            gc.restore()
        self.stale = False


def _prop(t: Text) -> FontProperties:
    return _font(tuple(chart_fonts.families_for(t.text, t.lang)), t.size, t.bold)


@lru_cache(maxsize=64)
def _font(family: tuple[str, ...], size: float, bold: bool) -> FontProperties:
    return FontProperties(family=list(family), size=size, weight="bold" if bold else "normal")


def _rects(ax, items: list[Rect], zorder: int) -> None:
    patches = [Rectangle((r.x, r.y), r.w, r.h) for r in items]
    ax.add_collection(PatchCollection(
        patches, facecolors=[r.fill for r in items], zorder=zorder,
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
    same: dict[tuple, list[Text]] = defaultdict(list)
    for t in items:
        same[t.text, t.size, t.bold, t.colour, t.anchor, t.width, t.lang].append(t)
    single = []
    for group in same.values():
        if len(group) > 1:
            _stamp(ax, group, zorder)
        else:
            single += group
    run = TextRun(single, ax)
    run.set_zorder(zorder)
    ax.add_artist(run)


def _stamp(ax, group: list[Text], zorder: int) -> None:
    """One text outline drawn at every place of ``group`` (same string and style)."""
    t = group[0]
    path = TextPath((-SHIFT[t.anchor] * t.width * 72, 0), t.text, prop=_prop(t))
    ax.add_collection(PathCollection(
        [path], offsets=[(g.x, g.y) for g in group], offset_transform=ax.transData,
        transform=Affine2D().scale(DPI / 72), facecolors=t.colour, edgecolors="none",
        linewidths=0, zorder=zorder, gid=f"text:{t.text}"), autolim=False)
