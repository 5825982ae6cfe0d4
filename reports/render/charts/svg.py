"""A chart :class:`~reports.render.charts.layout.Drawing` as an SVG file, text kept as text.

Plain SVG 1.1 that Word (``asvg:svgBlip``), LibreOffice and browsers all draw: only
``rect``, ``line``/``polyline``, ``circle`` and ``text``, styled by presentation
attributes (no CSS, no ids, no clip paths, no embedded fonts or pictures). A text with
East Asian characters carries their ``lang`` (and, for Japanese or Chinese, that
language's fonts); there are no ``tspan`` runs, which LibreOffice 7.4 misplaces. Units
are points: ``viewBox`` is the picture's size in pt. Fonts are named as
``charts.fonts.svg_family`` says (Calibri, Carlito, then the CJK fonts). The same drawing
gives the same bytes.

:func:`inline` turns such a file into markup for an HTML page.
"""

from __future__ import annotations

import re
from html import escape

from reports.render import style
from reports.render.charts import fonts as chart_fonts
from reports.render.charts.layout import FONT_SIZE, Circle, Drawing, Line, Rect, Text
from reports.text import KOREAN

PT = 72.0


def _n(value: float) -> str:
    """A coordinate in points, rounded to 0.01 pt, without trailing zeros."""
    text = f"{value * PT:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _w(points: float) -> str:
    return f"{points:.2f}".rstrip("0").rstrip(".")


def _attr(value: str) -> str:
    return escape(value, quote=False).replace('"', "&quot;")


def to_svg(drawing: Drawing) -> bytes:
    """The drawing as an SVG document (UTF-8 bytes)."""
    width, height = _n(drawing.width), _n(drawing.height)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}pt" '
           f'height="{height}pt" viewBox="0 0 {width} {height}">\n',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n',
           f'<g font-family="{_attr(chart_fonts.svg_family())}" font-size="{FONT_SIZE}" '
           f'fill="{style.STANCE_TEXT}">\n']
    for item in drawing.layers():
        out.append(_element(item))
    out.append("</g>\n</svg>\n")
    return "".join(out).encode("utf-8")


def _element(item: Text | Rect | Line | Circle) -> str:
    if isinstance(item, Text):
        return _text(item)
    if isinstance(item, Rect):
        stroke = (f' stroke="{item.stroke}" stroke-width="{_w(item.stroke_w)}"'
                  if item.stroke != "none" and item.stroke_w else "")
        return (f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" '
                f'height="{_n(item.h)}" fill="{item.fill}"{stroke}/>\n')
    if isinstance(item, Line):
        stroke = f'fill="none" stroke="{item.colour}" stroke-width="{_w(item.width)}"'
        if len(item.points) == 2:
            (x1, y1), (x2, y2) = item.points
            return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                    f"{stroke}/>\n")
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in item.points)
        return f'<polyline points="{points}" {stroke}/>\n'
    return (f'<circle cx="{_n(item.x)}" cy="{_n(item.y)}" r="{_w(item.r)}" '
            f'fill="{item.fill}" stroke="{item.stroke}" stroke-width="{_w(item.stroke_w)}"/>\n')


def _text(item: Text) -> str:
    attrs = [f'x="{_n(item.x)}"', f'y="{_n(item.y)}"']
    if item.anchor != "start":
        attrs.append(f'text-anchor="{item.anchor}"')
    if item.size != FONT_SIZE:
        attrs.append(f'font-size="{_w(item.size)}"')
    if item.bold:
        attrs.append('font-weight="bold"')
    if item.colour != style.STANCE_TEXT:
        attrs.append(f'fill="{item.colour}"')
    if item.lang:
        attrs.append(f'lang="{item.lang}"')
        if item.lang != KOREAN:
            attrs.append(f'font-family="{_attr(chart_fonts.svg_family(item.lang))}"')
    return f'<text {" ".join(attrs)}>{escape(item.text, quote=False)}</text>\n'


_ID_RE = re.compile(r'\bid="([^"]+)"')


def inline(svg: bytes, id_prefix: str, alt: str | None = None) -> str:
    """The SVG as markup to put inside an HTML page.

    Drops the XML declaration and comments; prefixes every ``id`` (and each reference to
    one) with ``id_prefix`` so that several charts on one page never share an id; with
    ``alt``, marks the picture ``role="img"`` with an ``aria-label`` and a ``<title>``.
    """
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    text = re.sub(r"<!--.*?-->", "", text[start:], flags=re.S)
    ids = set(_ID_RE.findall(text))
    if ids:
        alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        ref = re.compile(r'(\bid="|#)(' + alternatives + r')(?=["\)])')
        text = ref.sub(lambda m: m.group(1) + id_prefix + m.group(2), text)
    if alt is not None:
        label = _attr(alt)
        end = text.index(">") + 1                       # end of the <svg ...> start tag
        text = (text[:4] + f' role="img" aria-label="{label}"' + text[4:end]
                + f"<title>{label}</title>" + text[end:])
    return text.strip()
