"""Memo charts as PNG (for Word) or SVG (for HTML): the events timeline and positions matrix.

``render_chart(block, fmt)`` draws one chart block of a memo context
(``{"type": "chart", "chart": "timeline" | "matrix", "alt": ..., "data": {...}}``, see
``reports/context.py``) and returns the file's bytes.

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
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from datetime import date
from io import BytesIO

from reports.render import style

__all__ = ["FORMATS", "render_chart", "svg_data_uri", "svg_inline", "font_families"]

log = logging.getLogger(__name__)

FORMATS = ("png", "svg")
DPI = 150
WIDTH_IN = 16 / 2.54          # A4 text width
SVG_HASH_SALT = "gsomia-reports-charts"
FONT_SIZE = 7.5
SMALL = 6.5

# timeline
MAX_LANES = 12                # more issues than this: the smallest share one lane
OTHER_LANE = "Other issues"
MAX_LABELS = 12               # labelled events per chart, at most
LABEL_ALL_UP_TO = 8           # with this few events, label every one that fits
LABEL_CHARS = 34              # labels are shortened to this many characters
SIG_AREA = {1: 14, 2: 30, 3: 52, 4: 82, 5: 120}   # marker area in pt^2 by significance
STACK = (0.0, -0.2, 0.2)      # vertical offsets (lane units) for crowded events

_LOCK = threading.RLock()
_FONTS: list[str] | None = None


# --------------------------------------------------------------------------- public API


def render_chart(block: dict, fmt: str, *, text_as_paths: bool = True) -> bytes:
    """Draw a chart block as ``fmt`` "png" (150 dpi) or "svg"; the same block gives the
    same bytes. ``text_as_paths`` applies to SVG only."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown chart format "{fmt}"; use one of: {", ".join(FORMATS)}')
    kind = block.get("chart")
    draw = {"timeline": _timeline, "matrix": _matrix}.get(kind)
    if draw is None:
        raise ValueError(f'unknown chart "{kind}"; use "timeline" or "matrix"')
    import matplotlib

    with _LOCK, matplotlib.rc_context(_rc(text_as_paths)):
        fig = draw(block.get("data") or {})
        buf = BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


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
        text = re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}"', text, count=1)
        text = re.sub(r"(<svg\b[^>]*>)", r"\1" + f"<title>{label}</title>".replace(
            "\\", "\\\\"), text, count=1)
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


class _Measure:
    """Text sizes in inches, measured with the Agg renderer (so wrapping fits)."""

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.cache: dict[tuple, float] = {}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        key = (text, size, bold)
        if key not in self.cache:
            from matplotlib.font_manager import FontProperties

            prop = FontProperties(size=size, weight="bold" if bold else "normal")
            w, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
            self.cache[key] = w / DPI
        return self.cache[key]

    def wrap(self, text: str, max_w: float, size: float, bold: bool = False,
             max_lines: int = 3) -> list[str]:
        """Greedy word wrap to ``max_w`` inches; an over-long last line ends in '…'."""
        lines: list[str] = []
        for word in text.split():
            if lines and self.width(lines[-1] + " " + word, size, bold) <= max_w:
                lines[-1] += " " + word
            else:
                lines.append(word)
        lines = lines or [""]
        if len(lines) > max_lines:
            lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
        return [self.fit(line, max_w, size, bold) for line in lines]

    def fit(self, text: str, max_w: float, size: float, bold: bool = False) -> str:
        if self.width(text, size, bold) <= max_w:
            return text
        lo, hi = 0, len(text)          # longest prefix that fits with an ellipsis
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid].rstrip() + "…", size, bold) <= max_w:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…"


def _new_figure(height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _message_figure(text: str):
    fig = _new_figure(0.6)
    fig.text(0.5, 0.5, text, ha="center", va="center", color=style.MUTED_TEXT,
             fontsize=FONT_SIZE + 1)
    return fig


# --------------------------------------------------------------------------- timeline


def _points(data: dict) -> list[tuple[date, str, int, str]]:
    points = []
    for p in data.get("points") or []:
        try:
            day = date.fromisoformat(str(p.get("date"))[:10])
        except ValueError:
            log.warning("timeline: skipped an event with no valid date: %r", p.get("title"))
            continue
        try:
            sig = min(5, max(1, int(p.get("significance") or 3)))
        except (TypeError, ValueError):
            sig = 3
        points.append((day, str(p.get("title") or ""), sig, str(p.get("issue") or "Other")))
    return points


def _lanes(points, order: list[str] | None) -> list[str]:
    counts: dict[str, int] = {}
    for _, _, _, issue in points:
        counts[issue] = counts.get(issue, 0) + 1
    if order:
        lanes = [i for i in order if i in counts]
        lanes += sorted((i for i in counts if i not in lanes), key=str.lower)
    else:
        lanes = sorted(counts, key=lambda i: (i in ("Other", OTHER_LANE), i.lower()))
    if len(lanes) > MAX_LANES:
        keep = set(sorted(lanes, key=lambda i: (-counts[i], i.lower()))[:MAX_LANES - 1])
        lanes = [i for i in lanes if i in keep] + [OTHER_LANE]
    return lanes


def _timeline(data: dict):
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D

    points = _points(data)
    if not points:
        return _message_figure("No events to show.")
    lanes = _lanes(points, data.get("issues"))
    lane_of = {name: i for i, name in enumerate(lanes)}
    colour = {name: style.ISSUE_PALETTE[i % len(style.ISSUE_PALETTE)]
              for i, name in enumerate(lanes)}

    label_all = len(points) <= LABEL_ALL_UP_TO
    wants_labels = label_all or any(sig == 5 for _, _, sig, _ in points)
    lane_in = 0.46 if wants_labels else 0.32
    margin = 0.8 if wants_labels else 0.55      # lane units above the first, below the last
    top_in, bottom_in = 0.04, 0.62
    height = top_in + bottom_in + lane_in * (len(lanes) - 1 + 2 * margin)
    fig = _new_figure(height)
    measure = _Measure(fig)

    bold = len(lanes) > 1
    lane_w = max(measure.width(_short(n, 30), FONT_SIZE, bold) for n in lanes)
    left_in, right_in = min(lane_w + 0.16, WIDTH_IN * 0.3), 0.18
    axes_w = WIDTH_IN - left_in - right_in
    axes_h = height - top_in - bottom_in
    ax = fig.add_axes((left_in / WIDTH_IN, bottom_in / height, axes_w / WIDTH_IN,
                       axes_h / height))

    days = [d for d, _, _, _ in points]
    x = mdates.date2num([_datetime(d) for d in days])
    first, last = float(min(x)), float(max(x))
    pad = max((last - first) * 0.04, 2.0)
    xmin, xmax = first - pad, last + pad
    days_per_in = (xmax - xmin) / axes_w
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(len(lanes) - 1 + margin, -margin)

    # stack crowded events within a lane: the first offset whose last event is far enough
    gap = 0.15 * days_per_in
    order = sorted(range(len(points)), key=lambda k: (x[k], -points[k][2], points[k][1]))
    ys = [0.0] * len(points)
    last_x: dict[tuple[int, int], float] = {}
    for k in order:
        lane = lane_of.get(points[k][3], len(lanes) - 1)
        for level, offset in enumerate(STACK):
            prev = last_x.get((lane, level))
            if prev is None or x[k] - prev >= gap:
                break
        else:
            level, offset = 0, 0.0
        last_x[(lane, level)] = x[k]
        ys[k] = lane + offset

    for lane_index in range(len(lanes)):
        ax.axhline(lane_index, color=style.GRID, linewidth=0.6, zorder=0)
    # big markers first so small ones stay visible on top
    draw = sorted(range(len(points)), key=lambda k: (-points[k][2], x[k]))
    ax.scatter([x[k] for k in draw], [ys[k] for k in draw],
               s=[SIG_AREA[points[k][2]] for k in draw],
               c=[colour[lanes[lane_of.get(points[k][3], len(lanes) - 1)]] for k in draw],
               edgecolors=style.MARKER_EDGE, linewidths=0.5, zorder=3, clip_on=False)

    _timeline_labels(ax, measure, points, x, ys, lanes, lane_of, xmin, days_per_in, axes_w,
                     label_all)

    ax.set_yticks(range(len(lanes)), [_short(n, 30) for n in lanes])
    ax.tick_params(axis="y", length=0, pad=4)
    for tick in ax.get_yticklabels():
        tick.set_fontweight("bold" if bold else "normal")
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    formatter = mdates.ConciseDateFormatter(
        locator, formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y", "%d %b %Y"])
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.xaxis.get_offset_text().set_fontsize(SMALL)
    ax.tick_params(axis="x", length=3, width=0.6, labelsize=SMALL + 0.5)
    ax.grid(axis="x", color=style.GRID, linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_linewidth(0.6)

    sizes = [Line2D([], [], linestyle="none", marker="o", markersize=SIG_AREA[s] ** 0.5,
                    markerfacecolor="#9A9A9A", markeredgecolor=style.MARKER_EDGE,
                    markeredgewidth=0.5, label=str(s)) for s in range(1, 6)]
    fig.legend(handles=sizes, loc="lower left", ncols=5, frameon=False,
               title="Significance (marker size):", alignment="left",
               bbox_to_anchor=(left_in / WIDTH_IN - 0.01, 0.0), fontsize=SMALL,
               title_fontsize=SMALL, handletextpad=0.2, columnspacing=0.9,
               borderaxespad=0.2)
    return fig


def _timeline_labels(ax, measure, points, x, ys, lanes, lane_of, xmin, days_per_in, axes_w,
                     label_all) -> None:
    """Short titles for the most significant events, above or below the marker, in the
    gap between lanes; a label that would overlap another is left out."""
    candidates = [k for k in range(len(points)) if label_all or points[k][2] == 5]
    candidates.sort(key=lambda k: (-points[k][2], x[k], points[k][1]))
    placed: dict[int, list[tuple[float, float]]] = {}   # gap index -> occupied x spans
    count = 0
    for k in candidates:
        if count >= MAX_LABELS:
            break
        title = _short(points[k][1], LABEL_CHARS)
        if not title:
            continue
        lane = lane_of.get(points[k][3], len(lanes) - 1)
        width = measure.width(title, SMALL) + 0.06
        centre = (x[k] - xmin) / days_per_in
        x0 = min(max(centre - width / 2, 0.0), axes_w - width)
        if x0 < 0:
            continue
        offset = ys[k] - lane
        slots = [(lane, -1), (lane + 1, 1)]    # (gap index, direction) above, then below
        if offset > 0:
            slots.reverse()
        for gap_index, direction in slots:
            spans = placed.setdefault(gap_index, [])
            if all(x0 + width <= a or x0 >= b for a, b in spans):
                spans.append((x0, x0 + width))
                y = lane + direction * 0.5
                ax.text(xmin + (x0 + width / 2) * days_per_in, y, title, ha="center",
                        va="center", fontsize=SMALL, color=style.STANCE_TEXT, zorder=4,
                        clip_on=False)
                count += 1
                break


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _datetime(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


# --------------------------------------------------------------------------- matrix


def _matrix(data: dict):
    from matplotlib.patches import Rectangle

    issues = [str(i.get("name") or i.get("id") or "") for i in data.get("issues") or []]
    groups = [g for g in data.get("groups") or [] if g.get("rows")]
    if not issues or not groups:
        return _message_figure("No positions recorded.")
    shifted_any = any(c.get("shifted") for g in groups for r in g["rows"]
                      for c in r.get("cells") or [])

    pad, cell_pad = 0.06, 0.07
    row_h, line_h, group_h, key_h = 0.23, 0.13, 0.26, 0.30
    probe = _new_figure(1.0)
    measure = _Measure(probe)

    words = [_cell_word(s, True) for s in (*style.STANCES, "conditional")]
    words += [_cell_word(c.get("stance") or "", bool(c.get("shifted")))
              for g in groups for r in g["rows"] for c in r.get("cells") or []]
    cell_size = FONT_SIZE
    width = WIDTH_IN
    actor_max = WIDTH_IN * 0.36
    names = [str(r.get("actor") or "") for g in groups for r in g["rows"]]
    actor_w = min(max(measure.width(n, FONT_SIZE) for n in names) + 0.12, actor_max)
    actor_w = max(actor_w, 1.0)
    word_w = max(measure.width(w, cell_size) for w in words if w) + cell_pad
    col_w = (width - 2 * pad - actor_w) / len(issues)
    while col_w < word_w and cell_size > 6.0:
        cell_size -= 0.5
        word_w = max(measure.width(w, cell_size) for w in words if w) + cell_pad
    if col_w < word_w:                        # many issues: a wider picture, scaled down
        col_w = word_w
        width = 2 * pad + actor_w + col_w * len(issues)

    headers = [measure.wrap(name, col_w - 0.06, FONT_SIZE, bold=True) for name in issues]
    header_h = max(len(h) for h in headers) * line_h + 0.1
    actor_lines = {n: measure.wrap(n, actor_w - 0.08, FONT_SIZE, max_lines=2) for n in names}

    rows_h = 0.0
    for g in groups:
        rows_h += group_h + sum(_row_height(actor_lines[str(r.get("actor") or "")], row_h,
                                            line_h) for r in g["rows"])
    height = pad + header_h + rows_h + key_h + (0.16 if shifted_any else 0) + pad

    fig = _new_figure(height)
    fig.set_size_inches(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    x_cells = pad + actor_w
    y = pad
    for j, lines in enumerate(headers):
        ax.text(x_cells + (j + 0.5) * col_w, y + header_h - 0.06, "\n".join(lines),
                ha="center", va="bottom", fontsize=FONT_SIZE, fontweight="bold",
                linespacing=1.15)
    y += header_h
    ax.plot([pad, x_cells + col_w * len(issues)], [y, y], color=style.MUTED_TEXT,
            linewidth=0.8)

    for g in groups:
        ax.text(pad, y + group_h / 2 + 0.01, style.country_label(str(g.get("country") or "")),
                ha="left", va="center", fontsize=FONT_SIZE, fontweight="bold")
        y += group_h
        for r in g["rows"]:
            name = str(r.get("actor") or "")
            h = _row_height(actor_lines[name], row_h, line_h)
            ax.text(pad + 0.1, y + h / 2, "\n".join(actor_lines[name]), ha="left",
                    va="center", fontsize=FONT_SIZE, linespacing=1.1)
            cells = list(r.get("cells") or [])
            cells += [{}] * (len(issues) - len(cells))
            for j, cell in enumerate(cells[:len(issues)]):
                _cell(ax, Rectangle, x_cells + j * col_w, y, col_w, h, cell, cell_size)
            y += h
        ax.plot([pad, x_cells + col_w * len(issues)], [y, y], color=style.GRID,
                linewidth=0.6)

    _matrix_key(ax, measure, pad, y + 0.08, width - 2 * pad, key_h, shifted_any, Rectangle)
    return fig


def _row_height(lines: list[str], row_h: float, line_h: float) -> float:
    return max(row_h, len(lines) * line_h + 0.08)


def _cell_word(stance: str, shifted: bool) -> str:
    if not stance:
        return ""
    word = style.STANCE_LABELS.get(stance, stance)
    return word + style.SHIFT_MARK if shifted else word


def _cell(ax, rectangle, x, y, w, h, cell: dict, size: float) -> None:
    stance = str(cell.get("stance") or "")
    shifted = bool(cell.get("shifted")) and bool(stance)
    inset = 0.012
    if not stance:
        ax.add_patch(rectangle((x + inset, y + inset), w - 2 * inset, h - 2 * inset,
                               facecolor=style.BLANK_FILL, edgecolor=style.GRID,
                               linewidth=0.5))
        return
    fill = style.STANCE_COLOURS.get(stance, style.UNKNOWN_FILL)
    ax.add_patch(rectangle((x + inset, y + inset), w - 2 * inset, h - 2 * inset,
                           facecolor=fill, edgecolor=style.STANCE_TEXT if shifted else fill,
                           linewidth=1.4 if shifted else 0.0))
    ax.text(x + w / 2, y + h / 2 + 0.005, _cell_word(stance, shifted), ha="center",
            va="center", fontsize=size, color=style.STANCE_TEXT,
            fontweight="bold" if shifted else "normal")


def _matrix_key(ax, measure, x, y, width, key_h, shifted_any, rectangle) -> None:
    """One line of swatches (each stance word on its colour), then the shift note."""
    ax.text(x, y + key_h / 2, "Key:", ha="left", va="center", fontsize=SMALL,
            color=style.MUTED_TEXT)
    cx = x + measure.width("Key:", SMALL) + 0.08
    for stance in style.STANCES:
        word = style.STANCE_LABELS[stance]
        w = measure.width(word, SMALL) + 0.12
        ax.add_patch(rectangle((cx, y + 0.05), w, key_h - 0.1,
                               facecolor=style.STANCE_COLOURS[stance], linewidth=0))
        ax.text(cx + w / 2, y + key_h / 2, word, ha="center", va="center", fontsize=SMALL)
        cx += w + 0.05
    ax.add_patch(rectangle((cx, y + 0.05), 0.3, key_h - 0.1, facecolor=style.BLANK_FILL,
                           edgecolor=style.GRID, linewidth=0.5))
    ax.text(cx + 0.38, y + key_h / 2, "no position recorded", ha="left", va="center",
            fontsize=SMALL, color=style.MUTED_TEXT)
    if shifted_any:
        ax.text(x, y + key_h + 0.08, style.SHIFT_NOTE, ha="left", va="center",
                fontsize=SMALL, color=style.MUTED_TEXT)
