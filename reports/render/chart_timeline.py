"""The events timeline chart: one lane per issue, marker area by significance.

See ``reports.render.charts`` for the block format. A long quiet stretch before a busy
recent period breaks the date axis in two, marked with //; the labels are placed by
``reports.render.chart_labels``.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from reports.render import style
from reports.render.chart_labels import SIG_AREA, draw_labels
from reports.render.chart_layout import (
    FONT_SIZE,
    SMALL,
    WIDTH_IN,
    Measure,
    message_figure,
    new_figure,
)

log = logging.getLogger("reports.render.charts")  # the charts' logger, as before the split

MAX_LANES = 12                # more issues than this: the smallest share one lane
OTHER_LANE = "Other issues"
LABEL_ALL_UP_TO = 8           # with this few events, label every one that fits
LANE_LABEL_IN = 1.6           # issue names wrap at this width
PAD_IN = 0.14                 # room at each end of the date axis for the largest marker
GAP_IN = 0.16                 # between the two parts of a broken date axis
EARLY_SHARE = 0.26            # the earlier part's share of a broken date axis
RASTERIZE_OVER = 1500         # more markers than this are one picture in SVG (file size)
STACK = (0.0, -0.2, 0.2)      # vertical offsets (lane units) for crowded events


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


def draw_timeline(data: dict, fonts: list[str]):
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D

    points = _points(data)
    if not points:
        return message_figure("No events to show.")
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
    fig = new_figure(height)
    measure = Measure(fig, fonts)

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
    draw_labels(over, measure, points, x, ys, lane_k, [panels[m] for m in member],
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


def _datetime(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)
