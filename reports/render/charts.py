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
WIDTH_IN = 6.3                # 16 cm (A4 text width): 945 px at 150 dpi
SVG_HASH_SALT = "gsomia-reports-charts"
FONT_SIZE = 7.5
SMALL = 6.5

# matrix
MAX_COLUMN_IN = 1.15          # a matrix of few issues leaves the rest of the width blank

# timeline
MAX_LANES = 12                # more issues than this: the smallest share one lane
OTHER_LANE = "Other issues"
MAX_LABELS = 12               # labelled events per chart, at most
LABEL_ALL_UP_TO = 8           # with this few events, label every one that fits
LABEL_CHARS = 56              # labels are shortened to this many characters
LABEL_MAX_IN = 2.4            # and to this width
LABEL_MIN_IN = 1.2            # or this, where the longer form has no room
LANE_LABEL_IN = 1.6           # issue names wrap at this width
PAD_IN = 0.14                 # room at each end of the date axis for the largest marker
GAP_IN = 0.16                 # between the two parts of a broken date axis
EARLY_SHARE = 0.26            # the earlier part's share of a broken date axis
LABEL_NONE_OVER = 300         # more events than this: no labels at all
RASTERIZE_OVER = 1500         # more markers than this are one picture in SVG (file size)
SIG_AREA = {1: 14, 2: 30, 3: 52, 4: 82, 5: 120}   # marker area in pt^2 by significance
STACK = (0.0, -0.2, 0.2)      # vertical offsets (lane units) for crowded events

VOWELS = frozenset("aeiouy")

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


_ADVANCES: dict[tuple, float] = {}   # (character, size, bold, fonts) -> inches


class _Measure:
    """Text widths in inches, as the Agg renderer lays text out (so wrapping fits).

    A string's width is the sum of its characters' advances (what matplotlib's layout
    adds up, less kerning, which is a fraction of a pixel here); each character is
    measured once per process, so long labels cost nothing to shorten.
    """

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.font_manager import FontProperties

        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.fonts = tuple(font_families())
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


def _natural(text: str) -> tuple:
    """Sort key: case-blind, numbers by value ("Issue 2" before "Issue 10"), then exact."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts), text


def _lanes(points, order: list[str] | None) -> list[str]:
    counts: dict[str, int] = {}
    for _, _, _, issue in points:
        counts[issue] = counts.get(issue, 0) + 1
    if order:
        lanes = [i for i in order if i in counts]
        lanes += sorted((i for i in counts if i not in lanes), key=_natural)
    else:
        lanes = sorted(counts, key=lambda i: (i in ("Other", OTHER_LANE), _natural(i)))
    if len(lanes) > MAX_LANES:
        keep = set(sorted(lanes, key=lambda i: (-counts[i], _natural(i)))[:MAX_LANES - 1])
        lanes = [i for i in lanes if i in keep] + [OTHER_LANE]
    return lanes


def _window(data: dict, mdates) -> tuple[float, float] | None:
    """The optional ``data["window"]`` = [first day, last day] (ISO dates) the axis must
    cover, e.g. the week of a weekly memo; None without one."""
    window = data.get("window")
    if not window:
        return None
    try:
        first, last = (date.fromisoformat(str(d)[:10]) for d in window)
    except (TypeError, ValueError):
        log.warning("timeline: ignored a window that is not two ISO dates: %r", window)
        return None
    lo, hi = mdates.date2num([_datetime(first), _datetime(last)])
    return float(min(lo, hi)), float(max(lo, hi))


def _split(x_sorted) -> float | None:
    """Where to break the date axis, or None: the start of a recent stretch, after a long
    quiet gap, that holds most of the events in a small part of the whole span (a
    2012-2019 chronology with most events in 2019)."""
    from bisect import bisect_left

    n = len(x_sorted)
    lo, hi = x_sorted[0], x_sorted[-1]
    span = hi - lo
    if n < 6 or span < 365:
        return None
    unique = sorted(set(x_sorted))
    best = None
    for k in range(1, len(unique)):
        gap = unique[k] - unique[k - 1]
        right = n - bisect_left(x_sorted, unique[k])
        right_span = hi - unique[k]
        if gap >= max(0.08 * span, 60) and right >= 0.6 * n and right_span <= 0.35 * span:
            key = (right_span, -gap)
            if best is None or key < best[0]:
                best = (key, unique[k])
    return best[1] if best else None


class _Panel:
    """One stretch of the date axis: data limits and where it sits, in inches."""

    def __init__(self, lo: float, hi: float, x0_in: float, w_in: float, min_span: float):
        if hi - lo < min_span:
            mid = (lo + hi) / 2
            lo, hi = mid - min_span / 2, mid + min_span / 2
        self.per_in = (hi - lo) / max(w_in - 2 * PAD_IN, 0.1)   # days per inch
        self.xmin, self.xmax = lo - PAD_IN * self.per_in, hi + PAD_IN * self.per_in
        self.x0_in, self.w_in = x0_in, w_in

    def inch(self, x: float) -> float:
        return self.x0_in + (x - self.xmin) / self.per_in


def _timeline(data: dict):
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D

    points = _points(data)
    if not points:
        return _message_figure("No events to show.")
    lanes = _lanes(points, data.get("issues"))
    lane_of = {name: i for i, name in enumerate(lanes)}
    lane_k = [lane_of.get(p[3], len(lanes) - 1) for p in points]
    # Colour by the issue's place in the memo-wide order when given, so an issue keeps its
    # colour across every chart of a memo; else by lane.
    order = {name: i for i, name in enumerate(data.get("issues") or lanes)}
    colour = [style.ISSUE_PALETTE[order.get(lanes[k], k) % len(style.ISSUE_PALETTE)]
              for k in lane_k]
    x = [float(v) for v in mdates.date2num([_datetime(p[0]) for p in points])]

    label_all = len(points) <= LABEL_ALL_UP_TO
    wants_labels = label_all or any(p[2] == 5 for p in points)
    lane_in = 0.46 if wants_labels else 0.32
    margin = 0.8 if wants_labels else 0.55      # lane units above the first, below the last
    top_in, bottom_in = 0.04, 0.62
    height = top_in + bottom_in + lane_in * (len(lanes) - 1 + 2 * margin)
    fig = _new_figure(height)
    measure = _Measure(fig)

    bold = len(lanes) > 1
    lane_size = FONT_SIZE - 0.5
    lane_text = ["\n".join(measure.wrap(n, LANE_LABEL_IN, lane_size, bold, max_lines=3))
                 for n in lanes]
    lane_w = max(measure.width(line, lane_size, bold) for t in lane_text
                 for line in t.split("\n"))
    left_in, right_in = lane_w + 0.14, 0.12
    total_w = WIDTH_IN - left_in - right_in
    axes_h = height - top_in - bottom_in
    rect = (left_in / WIDTH_IN, bottom_in / height, total_w / WIDTH_IN, axes_h / height)
    ylim = (len(lanes) - 1 + margin, -margin)

    window = _window(data, mdates)
    split = None if window else _split(sorted(x))
    if split is None:
        lo, hi = min(x), max(x)
        if window:
            lo, hi = min(lo, window[0]), max(hi, window[1])
        panels = [_Panel(lo, hi, 0.0, total_w, 6.0)]
        member = [0] * len(points)
    else:
        early_w = EARLY_SHARE * (total_w - GAP_IN)
        early = [v for v in x if v < split]
        recent = [v for v in x if v >= split]
        panels = [_Panel(min(early), max(early), 0.0, early_w, 120.0),
                  _Panel(min(recent), max(recent), early_w + GAP_IN,
                         total_w - early_w - GAP_IN, 6.0)]
        middle = (max(early) + min(recent)) / 2        # the two parts never overlap in time
        panels[0].xmax = min(panels[0].xmax, middle)
        panels[1].xmin = max(panels[1].xmin, middle)
        for panel in panels:
            panel.per_in = (panel.xmax - panel.xmin) / panel.w_in
        member = [0 if v < split else 1 for v in x]

    # crowded events in a lane: the first offset whose last event is far enough to the
    # left, else the offset whose last event is furthest
    ys = [0.0] * len(points)
    last_x = [[float("-inf")] * len(STACK) for _ in lanes]
    for k in sorted(range(len(points)), key=lambda k: (x[k], -points[k][2], points[k][1])):
        gap = 0.15 * panels[member[k]].per_in
        row = last_x[lane_k[k]]
        free = [level for level in range(len(STACK)) if x[k] - row[level] >= gap]
        level = free[0] if free else min(range(len(STACK)), key=row.__getitem__)
        row[level] = x[k]
        ys[k] = lane_k[k] + STACK[level]

    for i, panel in enumerate(panels):
        ax = fig.add_axes((rect[0] + panel.x0_in / WIDTH_IN, rect[1], panel.w_in / WIDTH_IN,
                           rect[3]))
        ax.set_xlim(panel.xmin, panel.xmax)
        ax.set_ylim(*ylim)
        for lane_index in range(len(lanes)):
            ax.axhline(lane_index, color=style.GRID, linewidth=0.6, zorder=1)
        # big markers first so small ones stay visible on top
        mine = sorted((k for k in range(len(points)) if member[k] == i),
                      key=lambda k: (-points[k][2], x[k], lane_k[k]))
        ax.scatter([x[k] for k in mine], [ys[k] for k in mine],
                   s=[SIG_AREA[points[k][2]] for k in mine], c=[colour[k] for k in mine],
                   edgecolors=style.MARKER_EDGE, linewidths=0.5, zorder=3, clip_on=False,
                   rasterized=len(mine) > RASTERIZE_OVER)
        if i == 0:
            ax.set_yticks(range(len(lanes)), lane_text)
            ax.tick_params(axis="y", length=0, pad=5, labelsize=lane_size)
            for tick in ax.get_yticklabels():
                tick.set_fontweight("bold" if bold else "normal")
                tick.set_linespacing(1.05)
        else:
            ax.set_yticks([])
        _date_axis(ax, mdates, few=panel.w_in < 2.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_linewidth(0.6)
        ax.spines["bottom"].set_color(style.MUTED_TEXT)

    over = fig.add_axes(rect, zorder=5)
    over.set_xlim(0, total_w)
    over.set_ylim(*ylim)
    over.set_axis_off()
    if len(panels) == 2:
        d = 0.07 / lane_in
        for bx in (panels[0].w_in, panels[1].x0_in):
            over.plot([bx - 0.035, bx + 0.035], [ylim[0] + d, ylim[0] - d],
                      color=style.MUTED_TEXT, linewidth=0.8, clip_on=False)
    _timeline_labels(over, measure, points, x, ys, lane_k, [panels[m] for m in member],
                     total_w, lane_in, label_all)

    sizes = [Line2D([], [], linestyle="none", marker="o", markersize=SIG_AREA[s] ** 0.5,
                    markerfacecolor="#9A9A9A", markeredgecolor=style.MARKER_EDGE,
                    markeredgewidth=0.5, label=str(s)) for s in range(1, 6)]
    fig.legend(handles=sizes, loc="lower left", ncols=5, frameon=False,
               title="Significance (marker size):", alignment="left",
               bbox_to_anchor=(left_in / WIDTH_IN - 0.01, 0.0), fontsize=SMALL,
               title_fontsize=SMALL, handletextpad=0.2, columnspacing=0.9,
               borderaxespad=0.2)
    return fig


def _date_axis(ax, mdates, few: bool) -> None:
    """Concise dates: years, months or days; the first label also says the year."""

    class YearFirst(mdates.ConciseDateFormatter):
        def format_ticks(self, values):
            labels = list(super().format_ticks(values))
            low = min(self.axis.get_view_interval()) if self.axis else float("-inf")
            for i, value in enumerate(values):
                if value >= low:
                    if not re.search(r"\d{4}", labels[i]):
                        labels[i] = f"{labels[i]} {mdates.num2date(value).year}"
                    break
            return labels

    locator = mdates.AutoDateLocator(minticks=2 if few else 3, maxticks=4 if few else 8)
    formatter = YearFirst(locator, formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S"],
                          zero_formats=["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
                          show_offset=False)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.tick_params(axis="x", length=3, width=0.6, labelsize=SMALL + 0.5)
    ax.grid(axis="x", color=style.GRID, linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)


def _timeline_labels(ax, measure, points, x, ys, lane_k, panel_of, total_w, lane_in,
                     label_all) -> None:
    """Short titles for the most significant events, in the gap above or below the
    marker's lane, joined to it by a hairline. A label that would overlap another is
    shortened further, else left out. Four greedy passes (latest or earliest first, long
    or short form first); the one placing the most labels, then the most long ones, wins."""
    if len(points) > LABEL_NONE_OVER:
        return
    candidates = [k for k in range(len(points)) if label_all or points[k][2] == 5]
    latest = sorted(candidates, key=lambda k: (-points[k][2], -x[k], points[k][1]))
    earliest = sorted(candidates, key=lambda k: (-points[k][2], x[k], points[k][1]))
    variants = {}
    for k in candidates:
        title = _short(points[k][1], LABEL_CHARS)
        texts = dict.fromkeys(t for t in (measure.fit(title, LABEL_MAX_IN, SMALL),
                                          measure.fit(title, LABEL_MIN_IN, SMALL)) if t)
        variants[k] = [(t, measure.width(t, SMALL) + 0.06) for t in texts]
    centres = {k: panel_of[k].inch(x[k]) for k in candidates}
    short_first = {k: v[::-1] for k, v in variants.items()}
    placements = [_place_labels(order, forms, centres, ys, lane_k, total_w)
                  for forms in (variants, short_first) for order in (latest, earliest)]
    full = {v[0][0] for v in variants.values() if v}
    # most labels, then most labels in their longer form; max() keeps the first of equals
    placed = max(placements, key=lambda p: (len(p), sum(t in full for *_, t, _ in p)))
    _lengthen(placed, variants, centres, lane_k, total_w)
    half_text = SMALL * 0.62 / 72 / lane_in    # half a label's height, in lane units
    for k, direction, x0, title, width in placed:
        lane, centre = lane_k[k], centres[k]
        y = lane + direction * 0.5
        ax.text(x0 + width / 2, y, title, ha="center", va="center", fontsize=SMALL,
                color=style.STANCE_TEXT, zorder=4, clip_on=False)
        radius = SIG_AREA[points[k][2]] ** 0.5 / 2 / 72 / lane_in
        near_x = min(max(centre, x0 + 0.03), x0 + width - 0.03)
        y_from, y_to = ys[k] + direction * radius, y - direction * half_text
        if (y_to - y_from) * direction > 0.01:
            ax.plot([centre, near_x], [y_from, y_to], color=style.MUTED_TEXT, linewidth=0.5,
                    zorder=2, clip_on=False)


def _gap(lane: int, direction: int) -> int:
    return lane if direction < 0 else lane + 1


def _starts(centre: float, width: float, total_w: float) -> list[float]:
    """Left edges to try: centred on the marker, starting at it, ending at it."""
    return [min(max(x0, 0.0), total_w - width)
            for x0 in (centre - width / 2, centre - 0.05, centre - width + 0.05)]


def _free(x0: float, width: float, spans) -> bool:
    return not any(x0 < b + 0.04 and x0 + width > a - 0.04 for a, b in spans)


def _lengthen(placed: list, variants, centres, lane_k, total_w) -> None:
    """Give each shortened label its longer form where that now fits, in place."""
    for i, (k, direction, _, text, _) in enumerate(placed):
        long_text, long_w = variants[k][0]
        if text == long_text:
            continue
        gap = _gap(lane_k[k], direction)
        spans = [(p[2], p[2] + p[4]) for j, p in enumerate(placed)
                 if j != i and _gap(lane_k[p[0]], p[1]) == gap]
        for x0 in _starts(centres[k], long_w, total_w):
            if _free(x0, long_w, spans):
                placed[i] = (k, direction, x0, long_text, long_w)
                break


def _place_labels(order, variants, centres, ys, lane_k, total_w):
    """Greedy: each label in the first free place, above or below its lane, centred on
    its marker, else starting or ending there; then the same for its shorter form.
    Returns (event, direction, left inch, text, width) for each placed label."""
    taken: dict[int, list[tuple[float, float]]] = {}   # gap index -> occupied x spans
    out = []
    for k in order:
        if len(out) >= MAX_LABELS:
            break
        lane, centre = lane_k[k], centres[k]
        slots = [(lane, -1), (lane + 1, 1)]    # (gap index, direction): above, then below
        if ys[k] > lane:
            slots.reverse()
        places = [(gap_index, direction, x0, text, width) for text, width in variants[k]
                  for gap_index, direction in slots for x0 in _starts(centre, width, total_w)]
        for gap_index, direction, x0, text, width in places:
            spans = taken.setdefault(gap_index, [])
            if _free(x0, width, spans):
                spans.append((x0, x0 + width))
                out.append((k, direction, x0, text, width))
                break
    return out


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
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    issues = [str(i.get("name") or i.get("id") or "") for i in data.get("issues") or []]
    groups = [g for g in data.get("groups") or [] if g.get("rows")]
    if not issues or not groups:
        return _message_figure("No positions recorded.")
    shifted_any = any(c.get("shifted") for g in groups for r in g["rows"]
                      for c in r.get("cells") or [])

    pad, cell_pad = 0.06, 0.08
    row_h, group_h, key_h = 0.23, 0.27, 0.30
    measure = _Measure(_new_figure(1.0))

    # columns: the actor names, then one column per issue wide enough for every word
    names = [str(r.get("actor") or "") for g in groups for r in g["rows"]]
    actor_w = min(max(measure.width(n, FONT_SIZE) for n in names) + 0.18, WIDTH_IN * 0.27)
    actor_w = max(actor_w, 1.0)
    words = {_cell_word(c.get("stance") or "", bool(c.get("shifted")))
             for g in groups for r in g["rows"] for c in r.get("cells") or []} - {""}
    words |= {_cell_word(s, shifted_any) for s in style.STANCES}
    width = WIDTH_IN
    col_w = min((width - 2 * pad - actor_w) / len(issues), MAX_COLUMN_IN)
    cell_size = FONT_SIZE
    def word_w(size: float) -> float:
        return max(measure.width(w, size, w.endswith(style.SHIFT_MARK)) for w in words)

    while cell_size > 6.0 and word_w(cell_size) + cell_pad > col_w:
        cell_size -= 0.5
    need = word_w(cell_size) + cell_pad
    if col_w < need:                          # many issues: a wider picture, scaled down
        col_w = need
        width = 2 * pad + actor_w + col_w * len(issues)

    head_size = FONT_SIZE - 0.5
    while head_size > 6.0 and max(measure.longest_word(n, head_size, True)
                                  for n in issues) > col_w - 0.06:
        head_size -= 0.5
    headers = [measure.wrap(n, col_w - 0.06, head_size, True, max_lines=7, hyphenate=True)
               for n in issues]
    head_line = head_size * 1.2 / 72
    header_h = max(len(h) for h in headers) * head_line + 0.1
    line_h = FONT_SIZE * 1.2 / 72
    actor_lines = {n: measure.wrap(n, actor_w - 0.16, FONT_SIZE, max_lines=3) for n in names}

    rows_h = sum(group_h + sum(_row_height(actor_lines[str(r.get("actor") or "")], row_h,
                                           line_h) for r in g["rows"]) for g in groups)
    height = pad + header_h + rows_h + 0.08 + key_h + (0.18 if shifted_any else 0) + pad

    fig = _new_figure(height)
    fig.set_size_inches(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    x_cells = pad + actor_w
    right = x_cells + col_w * len(issues)
    y = pad
    for j, lines in enumerate(headers):
        ax.text(x_cells + (j + 0.5) * col_w, y + header_h - 0.05, "\n".join(lines),
                ha="center", va="bottom", fontsize=head_size, fontweight="bold",
                linespacing=1.1)
    y += header_h
    ax.plot([pad, right], [y, y], color=style.MUTED_TEXT, linewidth=0.8)

    patches = []
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
                patches.append(_cell(ax, Rectangle, x_cells + j * col_w, y, col_w, h, cell,
                                     cell_size))
            y += h
        ax.plot([pad, right], [y, y], color=style.GRID, linewidth=0.6)
    ax.add_collection(PatchCollection(patches, match_original=True, zorder=1),
                      autolim=False)

    _matrix_key(ax, measure, pad, y + 0.08, key_h, shifted_any)
    return fig


def _row_height(lines: list[str], row_h: float, line_h: float) -> float:
    return max(row_h, len(lines) * line_h + 0.08)


def _cell_word(stance: str, shifted: bool) -> str:
    if not stance:
        return ""
    word = style.STANCE_LABELS.get(stance, stance)
    return word + style.SHIFT_MARK if shifted else word


def _cell(ax, rectangle, x, y, w, h, cell: dict, size: float):
    """The cell's rectangle (returned, to draw all at once) and its stance word (drawn)."""
    stance = str(cell.get("stance") or "")
    shifted = bool(cell.get("shifted")) and bool(stance)
    inset = 0.015
    box = ((x + inset, y + inset), w - 2 * inset, h - 2 * inset)
    if not stance:
        return rectangle(*box, facecolor=style.BLANK_FILL, edgecolor=style.GRID,
                         linewidth=0.5)
    fill = style.STANCE_COLOURS.get(stance, style.UNKNOWN_FILL)
    ax.text(x + w / 2, y + h / 2 + 0.005, _cell_word(stance, shifted), ha="center",
            va="center", fontsize=size, color=style.STANCE_TEXT,
            fontweight="bold" if shifted else "normal", zorder=2)
    if shifted:
        return rectangle(*box, facecolor=fill, edgecolor=style.STANCE_TEXT, linewidth=1.3)
    return rectangle(*box, facecolor=fill, edgecolor="none", linewidth=0)


def _matrix_key(ax, measure, x, y, key_h, shifted_any) -> None:
    """One line of swatches (each stance word on its colour), then the shift note."""
    from matplotlib.patches import Rectangle

    ax.text(x, y + key_h / 2, "Key:", ha="left", va="center", fontsize=SMALL,
            color=style.MUTED_TEXT)
    cx = x + measure.width("Key:", SMALL) + 0.08
    for stance in style.STANCES:
        word = style.STANCE_LABELS[stance]
        w = measure.width(word, SMALL) + 0.12
        ax.add_patch(Rectangle((cx, y + 0.05), w, key_h - 0.1,
                               facecolor=style.STANCE_COLOURS[stance], linewidth=0))
        ax.text(cx + w / 2, y + key_h / 2, word, ha="center", va="center", fontsize=SMALL)
        cx += w + 0.05
    ax.add_patch(Rectangle((cx, y + 0.05), 0.3, key_h - 0.1, facecolor=style.BLANK_FILL,
                           edgecolor=style.GRID, linewidth=0.5))
    ax.text(cx + 0.38, y + key_h / 2, "no position recorded", ha="left", va="center",
            fontsize=SMALL, color=style.MUTED_TEXT)
    if shifted_any:
        ax.text(x, y + key_h + 0.1, style.SHIFT_NOTE, ha="left", va="center",
                fontsize=SMALL, color=style.MUTED_TEXT)
