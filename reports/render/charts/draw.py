"""Memo charts as PNG (for Word) or SVG (for HTML, and Word's SVG pictures).

``render_chart(block, fmt)`` draws one chart block of a memo context
(``{"type": "chart", "chart": "timeline" | "matrix", "alt": ..., "data": {...}}``, see
``reports/memo/context.py``) and returns the file's bytes; ``svg_inline`` makes an SVG fit to
put inside an HTML page; ``use_cache(folder)`` keeps drawn charts on disk between runs.

Timeline ``data``: ``points`` (date, title, significance 1-5, issue name); optional
``issues`` (issue names: lane order, and so colours, fixed across a memo's charts) and
``window`` ([first, last] ISO dates the axis must cover, e.g. a weekly memo's week). One
lane per issue, marker area by significance (legend below), the significance-5 events
labelled where a label fits. A long quiet stretch before a busy recent period (a
2012-2019 chronology busy in 2019) breaks the date axis in two, marked with //. Beyond
a few hundred events, close events of a lane share a marker (the legend says so), so a
chart costs about the same whatever it is given.

Matrix ``data``: ``issues`` [{id, name}] and ``groups`` [{country, rows: [{actor,
cells: [{stance, shifted}]}]}]. Each cell holds its stance word on the stance colour;
shifted cells are outlined and marked ``*`` (with a note); blank cells stay white. More
issues than fit 16 cm: the matrix is cut into parts, one under the other; more than fit
an A4 page: the first ones, and a line saying how many are shown.

- Laid out once for A4 portrait (16 cm wide; no text under 7 pt when shown 15.5 cm
  wide; labels never overlap or leave the picture), as a drawing that ``charts.svg``
  writes (text as text: small, searchable) and ``charts.png`` draws with matplotlib
  (150 dpi). The timeline is drawn by ``charts.timeline`` (with ``charts.ticks`` and
  ``charts.labels``), the matrix by ``charts.matrix``, both with ``charts.layout``.
- Same block, same bytes: no dates or software names in the files.
- No global matplotlib state is touched: figures are ``matplotlib.figure.Figure`` on the
  Agg canvas (never pyplot, never ``matplotlib.use``); the few rcParams that affect the
  pixels are fixed inside ``matplotlib.rc_context``, under a lock.
- matplotlib is imported only to draw: importing this module, a memo without charts and
  a chart found in a cache never import it.
- Drawn charts are kept in memory (the last ``MEMORY_CHARTS``: a memo's Word and HTML
  versions share them) and, after ``use_cache(folder)``, on disk (``charts.cache``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reports.render.charts import svg as chart_svg
from reports.render.charts.cache import DiskCache
from reports.render.charts.layout import DPI, Drawing, Measure

__all__ = ["FORMATS", "render_chart", "svg_inline", "use_cache", "forget", "figure",
           "layout", "warm_up", "prefetch"]

FORMATS = ("png", "svg")
KINDS = ("timeline", "matrix")
MEMORY_CHARTS = 64
CACHE_MB = 64
BUILDS, KEEP_BUILDS = "builds", 64  # builds that ended with their charts kept (prefetch)

log = logging.getLogger("reports.render.charts")

_LOCK = threading.RLock()
_DISK: DiskCache | None = None
# The rcParams that change pixels, fixed whatever the caller's matplotlib settings.
# Unhinted text: twice as fast to draw, and laid out as an SVG viewer lays it out.
_RC = {"text.hinting": "none",
       "text.antialiased": True, "lines.antialiased": True, "patch.antialiased": True,
       "path.simplify": True, "path.snap": True, "agg.path.chunksize": 0,
       "figure.dpi": DPI, "savefig.dpi": DPI}


def render_chart(block: dict, fmt: str) -> bytes:
    """Draw a chart block as ``fmt`` "png" (150 dpi) or "svg"; the same block gives the
    same bytes."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown chart format "{fmt}"; use one of: {", ".join(FORMATS)}')
    return _rendered(_content(block), fmt)


def use_cache(folder: str | Path | None, max_mb: float = CACHE_MB) -> None:
    """Keep drawn charts in ``folder`` (created when needed) between runs, at most
    ``max_mb`` megabytes of them; ``None`` stops using a folder. Off by default. The
    charts kept in memory are dropped, so that every chart from now on is read from the
    folder or drawn and written there."""
    global _DISK
    with _LOCK:
        _DISK = None if folder is None else DiskCache(Path(folder), int(max_mb * 1024 * 1024))
        forget()              # charts already in memory go through the folder too


def svg_inline(svg: bytes, id_prefix: str, alt: str | None = None) -> str:
    """The SVG as markup for an HTML page: no XML declaration, ids prefixed, and with
    ``alt`` marked ``role="img"`` with an ``aria-label`` and a ``<title>``."""
    return chart_svg.inline(svg, id_prefix, alt)


def layout(block: dict) -> Drawing:
    """The chart laid out (texts, shapes, in inches), before it is written as a file."""
    return _layout(_content(block))


@contextmanager
def figure(block: dict) -> Iterator:
    """The matplotlib Figure the PNG is drawn from, with the settings it is drawn with."""
    from matplotlib import rc_context

    from reports.render.charts.png import figure as png_figure

    drawing = layout(block)
    with _LOCK, rc_context(_RC):
        yield png_figure(drawing)


def warm_up() -> None:
    """Load matplotlib and the fonts now (before forking workers that all draw charts)."""
    block = {"chart": "timeline", "data": {"points": [
        {"date": "2000-01-01", "title": "\uc608 \u4f8b \u3042", "significance": 5,
         "issue": "x"}]}}
    _draw(_content(block), "png")


def prefetch(folder: str | Path | None, build: str | None = None
             ) -> threading.Thread | None:
    """Import matplotlib and read its font list in a background thread when charts will
    be drawn; else None. Without ``build``: when no chart is kept in ``folder`` yet (a
    first build: every chart will be drawn). With ``build`` (:func:`build_key`): unless
    the same build ended before with its charts kept (:func:`built`), since a build of
    another memo, day or workbook draws charts the cache does not hold.

    Started before the workbook is read: the reader works outside the interpreter lock,
    so the import (about a second) costs no time; join the thread before forking.
    """
    if build is not None:
        if folder is not None and (Path(folder) / BUILDS / build).is_file():
            return None
    elif folder is not None and Path(folder).is_dir() and any(Path(folder).iterdir()):
        return None

    def load() -> None:
        import matplotlib.figure  # noqa: F401
        from matplotlib import font_manager
        from matplotlib.backends import backend_agg  # noqa: F401

        font_manager.fontManager.get_font_names()

    thread = threading.Thread(target=load, name="chart-prefetch", daemon=True)
    thread.start()
    return thread


def build_key(*parts: object) -> str:
    """A build's name for :func:`prefetch`: what its charts depend on (the workbook as
    found, the memos and days, the config), with the code."""
    from reports.output.files import code_fingerprint

    return hashlib.sha256(repr((code_fingerprint(), parts)).encode()).hexdigest()


def built(folder: str | Path, build: str) -> None:
    """Remember that ``build`` ended with its charts kept in ``folder`` (the last
    ``KEEP_BUILDS`` builds are remembered; nothing is said if it cannot be written)."""
    marks = Path(folder) / BUILDS
    try:
        marks.mkdir(parents=True, exist_ok=True)
        (marks / build).touch()
        kept = sorted(marks.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP_BUILDS:]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # a guess for the next build only: it is drawn all the same
        log.debug("chart cache: cannot remember build %s in %s: %s", build, marks, exc)


# --------------------------------------------------------------------------- drawing


def _content(block: dict) -> str:
    """What a chart depends on, as canonical JSON: its kind and data."""
    kind = block.get("chart")
    if kind not in KINDS:
        raise ValueError(f'unknown chart "{kind}"; use "timeline" or "matrix"')
    return json.dumps([kind, block.get("data") or {}], sort_keys=True, ensure_ascii=False,
                      default=str, separators=(",", ":"))


@functools.lru_cache(maxsize=MEMORY_CHARTS)
def _rendered(content: str, fmt: str) -> bytes:
    disk = _DISK
    found = disk.get(content, fmt) if disk is not None else None
    if found is not None:
        return found
    picture = _draw(content, fmt)
    if disk is not None:
        disk.put(content, fmt, picture)
    return picture


def _draw(content: str, fmt: str) -> bytes:
    drawing = _layout(content)
    if fmt == "svg":
        return chart_svg.to_svg(drawing)
    from matplotlib import rc_context

    from reports.render.charts.png import to_png

    with _LOCK, rc_context(_RC):
        return to_png(drawing)


@functools.lru_cache(maxsize=8)
def _layout(content: str) -> Drawing:
    from matplotlib import rc_context

    from reports.render.charts.matrix import draw_matrix
    from reports.render.charts.timeline import draw_timeline

    kind, data = json.loads(content)
    with _LOCK, rc_context(_RC):
        measure = Measure()
        return (draw_timeline if kind == "timeline" else draw_matrix)(data, measure)


def forget() -> None:
    """Drop the charts kept in memory (not those on disk): the next ones are drawn again."""
    _rendered.cache_clear()
    _layout.cache_clear()
