"""The events timeline chart: one lane per issue, marker area by significance.

See ``reports.render.charts.draw`` for the block format. Phases: read the events, choose the
lanes, lay out the frame (lane names, heights), the date axis (broken in two after a long
quiet stretch before a busy recent period, marked //), place the markers (events of one day in
one lane side by side, so none hides another; stacked where crowded; merged per lane
beyond ``MERGE_OVER`` events, said in the legend), then label
the most significant events (``charts.labels``) and draw the legend.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from reports.render import style
from reports.render.charts.labels import LABEL_NONE_OVER, RADIUS, draw_labels
from reports.render.charts.layout import (
    ASCENT,
    FONT_SIZE,
    LINE,
    MARKS,
    SMALL,
    WIDTH_IN,
    Circle,
    Drawing,
    Frame,
    Mark,
    Measure,
    baseline,
    drawing_for,
    message,
)
from reports.render.charts.ticks import ticks
from reports.text import printable

log = logging.getLogger("reports.render.charts")

MAX_LANES = 12                # more issues than this: the smallest share one lane
OTHER_LANE = "Other issues"
LABEL_ALL_UP_TO = 8           # with this few events, label every one that fits
LANE_LABEL_IN = 1.6           # issue names wrap at this width
PAD_IN = 0.14                 # room at each end of the date axis for the largest marker
GAP_IN = 0.16                 # between the two parts of a broken date axis
EARLY_SHARE = 0.26            # the earlier part's share of a broken date axis
MERGE_OVER = 400              # more events than this: close ones in a lane share a marker
MERGE_IN = 0.05               # how close, in inches
STACK = (0.0, -0.2, 0.2)      # vertical offsets (lane heights) for crowded events
DODGE_GAP_IN = 0.03           # between the markers of events of one day, side by side


@dataclass(frozen=True)
class Event:
    day: int                  # date ordinal
    title: str
    sig: int
    issue: str


class Panel:
    """One stretch of the date axis: its days and where it sits, in inches."""

    def __init__(self, lo: float, hi: float, x0: float, w: float, min_span: float):
        if hi - lo < min_span:
            mid = (lo + hi) / 2
            lo, hi = mid - min_span / 2, mid + min_span / 2
        self.per_in = (hi - lo) / max(w - 2 * PAD_IN, 0.1)   # days per inch
        self.lo, self.hi = lo - PAD_IN * self.per_in, hi + PAD_IN * self.per_in
        self.x0, self.w = x0, w

    def inch(self, day: float) -> float:
        return self.x0 + (day - self.lo) / self.per_in


def draw_timeline(data: dict, measure: Measure) -> Drawing:
    events = _events(data)
    if not events:
        return message(measure, "No events to show.")
    lanes = _lanes(events, data.get("issues"))
    label_all = len(events) <= LABEL_ALL_UP_TO
    frame, lane_text = _frame(measure, lanes, label_all or any(e.sig == 5 for e in events))
    panels, member = _panels(events, _window(data), frame)
    marks = _marks(events, lanes, data.get("issues") or lanes, panels, member, frame)
    note = f"{len(events):,} events: close ones share a marker" if len(marks) < len(
        events) else ""
    drawing = drawing_for(data, frame.axis_y + (0.72 if note else 0.52))
    _draw_lanes(drawing, measure, frame, lane_text, bold=len(lanes) > 1)
    _draw_axis(drawing, measure, frame, panels)
    for mark in sorted(marks, key=lambda m: (-m.sig, m.x, m.lane)):   # small ones on top
        drawing.add(MARKS, Circle(mark.x, mark.y, RADIUS[mark.sig], mark.colour))
    if len(events) == len(marks):
        draw_labels(drawing, measure, marks, frame, label_all)
    _draw_legend(drawing, measure, frame, note)
    return drawing


# --------------------------------------------------------------------------- data


def _events(data: dict) -> list[Event]:
    """The events with a valid date; titles only where labels may be drawn."""
    events = []
    points = data.get("points") or []
    titled = len(points) <= LABEL_NONE_OVER
    for p in points:
        try:
            day = date.fromisoformat(str(p.get("date"))[:10]).toordinal()
        except ValueError:
            log.warning("timeline: skipped an event with no valid date: %r", p.get("title"))
            continue
        try:
            sig = min(5, max(1, int(p.get("significance") or 3)))
        except (TypeError, ValueError):
            sig = 3
        title = " ".join(printable(str(p.get("title") or "")).split()) if titled else ""
        events.append(Event(day, title, sig, printable(str(p.get("issue") or "Other"))))
    return events


def _natural(text: str) -> tuple:
    """Sort key: case-blind, numbers by value ("Issue 2" before "Issue 10"), then exact."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts), text


def _lanes(events: list[Event], order: list[str] | None) -> list[str]:
    counts: dict[str, int] = {}
    for e in events:
        counts[e.issue] = counts.get(e.issue, 0) + 1
    if order:
        lanes = [i for i in order if i in counts]
        lanes += sorted((i for i in counts if i not in lanes), key=_natural)
    else:
        lanes = sorted(counts, key=lambda i: (i in ("Other", OTHER_LANE), _natural(i)))
    if len(lanes) > MAX_LANES:
        keep = set(sorted(lanes, key=lambda i: (-counts[i], _natural(i)))[:MAX_LANES - 1])
        lanes = [i for i in lanes if i in keep] + [OTHER_LANE]
    return lanes


def _window(data: dict) -> tuple[int, int] | None:
    """The optional ``data["window"]`` = [first day, last day] (ISO dates) the axis must
    cover, e.g. the week of a weekly memo; None without one."""
    window = data.get("window")
    if not window:
        return None
    try:
        first, last = (date.fromisoformat(str(d)[:10]).toordinal() for d in window)
    except (TypeError, ValueError):
        log.warning("timeline: ignored a window that is not two ISO dates: %r", window)
        return None
    return min(first, last), max(first, last)


def split_at(days: list[int]) -> int | None:
    """Where to break the date axis (sorted day ordinals), or None: the start of a recent
    stretch, after a long quiet gap, that holds most of the events in a small part of the
    whole span (a 2012-2019 chronology with most events in 2019)."""
    n = len(days)
    lo, hi = days[0], days[-1]
    span = hi - lo
    if n < 6 or span < 365:
        return None
    unique = sorted(set(days))
    best = None
    for k in range(1, len(unique)):
        gap = unique[k] - unique[k - 1]
        right = n - bisect_left(days, unique[k])
        right_span = hi - unique[k]
        if gap >= max(0.08 * span, 60) and right >= 0.6 * n and right_span <= 0.35 * span:
            key = (right_span, -gap)
            if best is None or key < best[0]:
                best = (key, unique[k])
    return best[1] if best else None


# --------------------------------------------------------------------------- layout


def _frame(measure: Measure, lanes: list[str], labels: bool) -> tuple[Frame, list[list[str]]]:
    bold = len(lanes) > 1
    text = [measure.wrap(n, LANE_LABEL_IN, FONT_SIZE, bold, max_lines=3) for n in lanes]
    # 0.1 in between the names and the plot; 0.12 in to their left, as LibreOffice draws
    # right-aligned SVG text up to 4% wider than it is
    left = max(measure.width(line, FONT_SIZE, bold) for t in text for line in t) + 0.22
    lines = max(len(t) for t in text)
    lane_in = max(0.5 if labels else 0.34, lines * LINE * FONT_SIZE / 72 + 0.08)
    return Frame(left, lane_in, 0.8 if labels else 0.55, len(lanes)), text


def _panels(events: list[Event], window: tuple[int, int] | None,
            frame: Frame) -> tuple[list[Panel], list[int]]:
    """One panel for the whole span (and the window), or two for a broken axis; and the
    panel of each event."""
    days = sorted(e.day for e in events)
    split = None if window else split_at(days)
    total = frame.right - frame.left
    if split is None:
        lo, hi = days[0], days[-1]
        if window:
            lo, hi = min(lo, window[0]), max(hi, window[1])
        return [Panel(lo, hi, frame.left, total, 6.0)], [0] * len(events)
    early_w = EARLY_SHARE * (total - GAP_IN)
    early = [d for d in days if d < split]
    recent = [d for d in days if d >= split]
    panels = [Panel(early[0], early[-1], frame.left, early_w, 120.0),
              Panel(recent[0], recent[-1], frame.left + early_w + GAP_IN,
                    total - early_w - GAP_IN, 6.0)]
    middle = (early[-1] + recent[0]) / 2          # the two parts never overlap in time
    panels[0].hi = min(panels[0].hi, middle)
    panels[1].lo = max(panels[1].lo, middle)
    for panel in panels:
        panel.per_in = (panel.hi - panel.lo) / panel.w
    return panels, [0 if e.day < split else 1 for e in events]


def _marks(events: list[Event], lanes: list[str], order: list[str], panels: list[Panel],
           member: list[int], frame: Frame) -> list[Mark]:
    """A marker per event (merged per lane and ``MERGE_IN`` beyond ``MERGE_OVER``),
    stacked where crowded. Colour by the issue's place in the memo-wide order, so an
    issue keeps its colour across every chart of a memo."""
    lane_of = {name: i for i, name in enumerate(lanes)}
    index = {name: i for i, name in enumerate(order)}
    palette = style.ISSUE_PALETTE
    marks = []
    same_day: dict[tuple[int, int], list[Mark]] = {}
    for e, m in zip(events, member, strict=True):
        lane = lane_of.get(e.issue, len(lanes) - 1)
        colour = palette[index.get(lanes[lane], lane) % len(palette)]
        marks.append(Mark(panels[m].inch(e.day), 0.0, lane, e.sig, e.title, colour))
        same_day.setdefault((lane, e.day), []).append(marks[-1])
    if len(marks) > MERGE_OVER:
        best: dict[tuple[int, int], Mark] = {}
        for mark in marks:
            key = (mark.lane, round(mark.x / MERGE_IN))
            if key not in best or (mark.sig, mark.x) > (best[key].sig, best[key].x):
                best[key] = mark
        marks = [best[k] for k in sorted(best)]
        for mark in marks:                        # a band per lane, not stacked
            mark.y = frame.lane_y(mark.lane)
        return marks
    _dodge(same_day, frame)
    # crowded in a lane: the first offset whose last marker is far enough to the left,
    # else the offset whose last marker is furthest
    last_x = [[float("-inf")] * len(STACK) for _ in lanes]
    for mark in sorted(marks, key=lambda k: (k.x, -k.sig, k.title)):
        row = last_x[mark.lane]
        free = [level for level in range(len(STACK)) if mark.x - row[level] >= 0.15]
        level = free[0] if free else min(range(len(STACK)), key=row.__getitem__)
        row[level] = mark.x
        mark.y = frame.lane_y(mark.lane + STACK[level])
    return marks


def _dodge(same_day: dict[tuple[int, int], list[Mark]], frame: Frame) -> None:
    """Events of one day in one lane side by side, centred on their day, a marker's width
    and a little more apart (most significant first), so none hides another; kept inside
    the plot."""
    for group in same_day.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda k: (-k.sig, k.title))
        step = max(2 * RADIUS[k.sig] for k in group) / 72 + DODGE_GAP_IN
        first = group[0].x - step * (len(group) - 1) / 2
        first = min(max(first, frame.left + step / 2),
                    frame.right - step / 2 - step * (len(group) - 1))
        for n, mark in enumerate(group):
            mark.x = first + n * step


# --------------------------------------------------------------------------- drawing


def _draw_lanes(drawing: Drawing, measure: Measure, frame: Frame, text: list[list[str]],
                bold: bool) -> None:
    step = LINE * FONT_SIZE / 72
    for lane, lines in enumerate(text):
        y = frame.lane_y(lane)
        drawing.line([(frame.left, y), (frame.right, y)], style.GRID, 0.6)
        for j, line in enumerate(lines):
            centre = y + (j - (len(lines) - 1) / 2) * step
            drawing.text(measure, frame.left - 0.1, baseline(centre, FONT_SIZE), line,
                         FONT_SIZE, "end", bold)


def _draw_axis(drawing: Drawing, measure: Measure, frame: Frame, panels: list[Panel]) -> None:
    """The date axis of each panel, its grid and tick labels, and the break marks."""
    y = frame.axis_y
    muted = style.MUTED_TEXT
    placed: list[tuple[float, float]] = []
    for panel in reversed(panels):              # the recent part's labels win
        drawing.line([(panel.x0, y), (panel.x0 + panel.w, y)], muted, 0.6)
        few = panel.w < 2.5
        for tick in ticks(panel.lo, panel.hi, panel.inch,
                          lambda t: measure.width(t, SMALL), (0.02, WIDTH_IN - 0.02),
                          4 if few else 8):
            drawing.line([(tick.x, frame.top), (tick.x, y)], style.GRID, 0.5)
            drawing.line([(tick.x, y), (tick.x, y + 0.04)], muted, 0.6)
            left = {"middle": tick.label_x - tick.width / 2, "start": tick.label_x,
                    "end": tick.label_x - tick.width}[tick.anchor]
            if tick.label and all(left > b + 0.06 or left + tick.width < a - 0.06
                                  for a, b in placed):
                placed.append((left, left + tick.width))
                drawing.text(measure, tick.label_x, y + 0.07 + ASCENT * SMALL / 72,
                             tick.label, SMALL, tick.anchor)
    if len(panels) == 2:
        for bx in (panels[0].x0 + panels[0].w, panels[1].x0):
            drawing.line([(bx - 0.035, y + 0.05), (bx + 0.035, y - 0.05)], muted, 0.8)


def _draw_legend(drawing: Drawing, measure: Measure, frame: Frame, note: str) -> None:
    y = frame.axis_y + 0.4
    title = drawing.text(measure, frame.left, baseline(y, SMALL),
                         "Significance (marker size):", SMALL)
    x = frame.left + title.width + 0.12
    for sig in range(1, 6):
        r = RADIUS[sig] / 72
        drawing.add(MARKS, Circle(x + r, y, RADIUS[sig], "#9A9A9A"))
        label = drawing.text(measure, x + 2 * r + 0.04, baseline(y, SMALL), str(sig), SMALL)
        x += 2 * r + 0.04 + label.width + 0.16
    if note:
        drawing.text(measure, frame.left, baseline(y + 0.2, SMALL), note, SMALL,
                     colour=style.MUTED_TEXT)
