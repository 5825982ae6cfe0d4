"""Memo charts as PNG (for Word) or SVG (for HTML): the events timeline and positions matrix.

``render_chart(block, fmt)`` draws one chart block of a memo context
(``{"type": "chart", "chart": "timeline" | "matrix", "alt": ..., "data": {...}}``, see
``reports/context.py``) and returns the file's bytes.

Timeline ``data``: ``points`` (date, title, significance 1-5, issue name); optional
``issues`` (issue names: lane order, and so colours, fixed across a memo's charts) and
``window`` ([first, last] ISO dates the axis must cover, e.g. a weekly memo's week). One
lane per issue, marker area by significance (legend below), the significance-5 events
labelled where a label fits. A long quiet stretch before a busy recent period (a
2012-2019 chronology busy in 2019) breaks the date axis in two, marked with //.

Matrix ``data``: ``issues`` [{id, name}] and ``groups`` [{country, rows: [{actor,
cells: [{stance, shifted}]}]}]. Each cell holds its stance word on the stance colour;
shifted cells are outlined and marked ``*`` (with a note); blank cells stay white.

- Same block, same bytes: no timestamps or software names in the files, a fixed SVG hash
  salt, and a fixed layout computed here (no "tight" bounding boxes).
- No global matplotlib state is touched: figures are ``matplotlib.figure.Figure`` drawn
  on the Agg canvas (never pyplot, never ``matplotlib.use``), and the rcParams a chart
  needs are set inside ``matplotlib.rc_context`` only. rcParams are process-global, so
  renders in this module are serialised with a lock.
- matplotlib is imported lazily, so importing this module is cheap.
- Text is drawn in ``style.FONT_LATIN`` with per-glyph fallback to
  ``style.FONT_EAST_ASIAN`` (Hangul, Kana, Kanji). Without that font (Debian
  ``fonts-noto-cjk``) a warning is logged once and such names draw as empty boxes.
- SVG text is drawn as paths by default, so the picture looks the same where the fonts
  are not installed; ``text_as_paths=False`` keeps it as ``<text>`` (smaller, searchable).
- Layout is sized for A4 portrait: 16 cm wide, PNG at 150 dpi.

This module holds the entry points, fonts and the matplotlib settings; the charts are
drawn by ``chart_timeline`` (with ``chart_labels``) and ``chart_matrix``, which measure
text and make figures with ``chart_layout``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
from io import BytesIO

from reports.render import style
from reports.render.chart_layout import DPI, FONT_SIZE
from reports.render.chart_matrix import draw_matrix
from reports.render.chart_timeline import _split as _split  # re-exported: tests use it
from reports.render.chart_timeline import draw_timeline

__all__ = ["FORMATS", "render_chart", "svg_data_uri", "svg_inline", "font_families"]

log = logging.getLogger(__name__)

FORMATS = ("png", "svg")
SVG_HASH_SALT = "briefing-reports-charts"

_LOCK = threading.RLock()
_FONTS: list[str] | None = None


# --------------------------------------------------------------------------- public API


# The Word and HTML versions of a memo show the same pictures: each chart is drawn once
# per process and reused (bounded, oldest dropped first).
CACHE_SIZE = 64
_CACHE: dict[str, bytes] = {}


def render_chart(block: dict, fmt: str, *, text_as_paths: bool = True) -> bytes:
    """Draw a chart block as ``fmt`` "png" (150 dpi) or "svg"; the same block gives the
    same bytes. ``text_as_paths`` applies to SVG only."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown chart format "{fmt}"; use one of: {", ".join(FORMATS)}')
    kind = block.get("chart")
    draw = {"timeline": draw_timeline, "matrix": draw_matrix}.get(kind)
    if draw is None:
        raise ValueError(f'unknown chart "{kind}"; use "timeline" or "matrix"')
    key = hashlib.sha256(json.dumps([block, fmt, text_as_paths], sort_keys=True,
                                    default=str).encode()).hexdigest()
    if key in _CACHE:
        return _CACHE[key]
    import matplotlib

    with _LOCK, matplotlib.rc_context(_rc(text_as_paths)):
        fig = draw(block.get("data") or {}, font_families())
        buf = BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    if len(_CACHE) >= CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = buf.getvalue()
    return _CACHE[key]


def warm_up() -> None:
    """Load matplotlib and the fonts now (before forking workers that all draw charts)."""
    block = {"chart": "timeline", "data": {"points": [
        {"date": "2000-01-01", "title": "\uc608 \u4f8b", "significance": 3, "issue": "x"}]}}
    key_count = len(_CACHE)
    render_chart(block, "png")
    while len(_CACHE) > key_count:  # keep the cache for real charts
        _CACHE.pop(next(reversed(_CACHE)))


def png_data_uri(png: bytes) -> str:
    """The PNG as a ``data:image/png;base64,...`` URI (for ``<img src>``)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def svg_data_uri(svg: bytes) -> str:
    """The SVG file as a ``data:image/svg+xml;base64,...`` URI (for ``<img src>``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


_ID_RE = re.compile(r'\bid="([^"]+)"')


def svg_inline(svg: bytes, id_prefix: str, alt: str | None = None) -> str:
    """The SVG as markup to put inside an HTML page.

    Drops the XML declaration, DOCTYPE and comments; prefixes every ``id`` (and each
    reference to one) with ``id_prefix`` so that several charts on one page never share
    an id; with ``alt``, marks the picture ``role="img"`` with an ``aria-label`` and a
    ``<title>``.
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
        label = _xml_escape(alt)
        end = text.index(">") + 1                       # end of the <svg ...> start tag
        text = (text[:4] + f' role="img" aria-label="{label}"' + text[4:end]
                + f"<title>{label}</title>" + text[end:])
    return text.strip()


def font_families() -> list[str]:
    """``font.family`` for charts: Latin font first, then an East Asian font if installed."""
    global _FONTS
    if _FONTS is None:
        from matplotlib import font_manager

        found = []
        for family in (style.FONT_EAST_ASIAN, *style.FONT_EAST_ASIAN_FALLBACKS):
            try:
                font_manager.findfont(font_manager.FontProperties(family=family),
                                      fallback_to_default=False)
            except ValueError:
                continue
            found.append(family)
            break
        if not found:
            log.warning("font %s is not installed (Debian: fonts-noto-cjk); Korean and "
                        "Japanese names in charts will draw as empty boxes",
                        style.FONT_EAST_ASIAN)
        _FONTS = [style.FONT_LATIN, *found]
    return list(_FONTS)


# --------------------------------------------------------------------------- shared


def _rc(text_as_paths: bool) -> dict:
    return {
        "font.family": font_families(),
        "font.size": FONT_SIZE,
        "text.color": style.STANCE_TEXT,
        "axes.edgecolor": style.MUTED_TEXT,
        "axes.labelcolor": style.STANCE_TEXT,
        "xtick.color": style.MUTED_TEXT,
        "ytick.color": style.MUTED_TEXT,
        "xtick.labelcolor": style.STANCE_TEXT,
        "ytick.labelcolor": style.STANCE_TEXT,
        "svg.fonttype": "path" if text_as_paths else "none",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.image_inline": True,
        "path.simplify": True,
        "axes.unicode_minus": True,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.facecolor": "white",
        "savefig.edgecolor": "white",
        "savefig.transparent": False,
        "savefig.bbox": None,
        "savefig.pad_inches": 0.0,
    }


def _xml_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
