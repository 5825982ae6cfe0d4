"""Labels for the events timeline: short titles placed beside their markers.

The most significant events get a short title in the gap above or below their lane,
joined to the marker by a hairline; labels never overlap one another, stay right of the
lane names and inside the figure, and a label with no room is shortened further or left
out.
"""

from __future__ import annotations

from reports.render import style
from reports.render.charts.layout import (
    DESCENT,
    LEADERS,
    SMALL,
    Drawing,
    Frame,
    Mark,
    Measure,
    baseline,
)
from reports.text import clip

MAX_LABELS = 12               # labelled events per chart, at most
CANDIDATES = 60               # the most significant events, latest first, may get one
LABEL_CHARS = 56              # labels are shortened to this many characters
LABEL_MAX_IN = 2.4            # and to this width
LABEL_MIN_IN = 1.2            # or this, where the longer form has no room
LABEL_NONE_OVER = 300         # more events than this: no labels at all
SPACE_IN = 0.08               # between two labels in one gap
RADIUS = {1: 1.9, 2: 2.75, 3: 3.6, 4: 4.55, 5: 5.5}   # marker radius in pt by significance

Variants = dict[int, list[tuple[str, float]]]      # mark -> [(text, width)], longest first
Placed = tuple[int, int, float, str, float]         # mark, direction, left, text, width
Bounds = tuple[float, float]


def draw_labels(drawing: Drawing, measure: Measure, marks: list[Mark], frame: Frame,
                label_all: bool) -> None:
    """Short titles for the most significant events (``marks``, see ``charts.timeline``),
    in the gap above or below the marker's lane. Four greedy passes (latest or earliest
    first, long or short form first); the one placing the most labels, then the most
    long ones, wins; then each shortened label gets its longer form where that fits."""
    if len(marks) > LABEL_NONE_OVER:
        return
    wanted = [k for k, m in enumerate(marks) if (label_all or m.sig == 5) and m.title]
    latest = sorted(wanted, key=lambda k: (-marks[k].sig, -marks[k].x, marks[k].title))
    latest = latest[:CANDIDATES]
    earliest = sorted(latest, key=lambda k: (-marks[k].sig, marks[k].x, marks[k].title))
    variants: Variants = {}
    for k in latest:
        title = clip(" ".join(marks[k].title.split()), LABEL_CHARS)
        texts = dict.fromkeys(t for t in (measure.fit(title, LABEL_MAX_IN, SMALL),
                                          measure.fit(title, LABEL_MIN_IN, SMALL)) if t)
        variants[k] = [(t, measure.width(t, SMALL)) for t in texts]
    bounds = (frame.left, frame.right + 0.18)
    short_first = {k: v[::-1] for k, v in variants.items()}
    placements = [_place(order, forms, marks, frame, bounds)
                  for forms in (variants, short_first) for order in (latest, earliest)]
    full = {v[0][0] for v in variants.values() if v}
    # most labels, then most labels in their longer form; max() keeps the first of equals
    placed = max(placements, key=lambda p: (len(p), sum(t in full for *_, t, _ in p)))
    _lengthen(placed, variants, marks, bounds)
    half = SMALL * (0.5 + DESCENT) / 72          # from a label's middle to its edge, about
    for k, direction, x0, title, width in placed:
        mark = marks[k]
        y = frame.lane_y(mark.lane + direction * 0.5)
        drawing.text(measure, x0 + width / 2, baseline(y, SMALL), title, SMALL, "middle")
        near_x = min(max(mark.x, x0 + 0.03), x0 + width - 0.03)
        radius = RADIUS[mark.sig] / 72
        y_from, y_to = mark.y + direction * radius, y - direction * half
        if (y_to - y_from) * direction > 0.01:
            drawing.line([(mark.x, y_from), (near_x, y_to)], style.MUTED_TEXT, 0.5, LEADERS)


def _gap(lane: int, direction: int) -> int:
    return lane if direction < 0 else lane + 1


def _starts(centre: float, width: float, bounds: Bounds) -> list[float]:
    """Left edges to try: centred on the marker, starting at it, ending at it."""
    return [min(max(x0, bounds[0]), bounds[1] - width)
            for x0 in (centre - width / 2, centre - 0.05, centre - width + 0.05)]


def _free(x0: float, width: float, spans: list[tuple[float, float]]) -> bool:
    return not any(x0 < b + SPACE_IN and x0 + width > a - SPACE_IN for a, b in spans)


def _lengthen(placed: list[Placed], variants: Variants, marks: list[Mark],
              bounds: Bounds) -> None:
    """Give each shortened label its longer form where that now fits, in place."""
    for i, (k, direction, _, text, _) in enumerate(placed):
        long_text, long_w = variants[k][0]
        if text == long_text:
            continue
        gap = _gap(marks[k].lane, direction)
        spans = [(p[2], p[2] + p[4]) for j, p in enumerate(placed)
                 if j != i and _gap(marks[p[0]].lane, p[1]) == gap]
        for x0 in _starts(marks[k].x, long_w, bounds):
            if _free(x0, long_w, spans):
                placed[i] = (k, direction, x0, long_text, long_w)
                break


def _place(order: list[int], variants: Variants, marks: list[Mark], frame: Frame,
           bounds: Bounds) -> list[Placed]:
    """Greedy: each label in the first free place, above or below its lane, centred on
    its marker, else starting or ending there; then the same for its shorter form.
    Returns (mark, direction, left inch, text, width) for each placed label."""
    taken: dict[int, list[tuple[float, float]]] = {}   # gap index -> occupied x spans
    out: list[Placed] = []
    for k in order:
        if len(out) >= MAX_LABELS:
            break
        mark = marks[k]
        slots = [(mark.lane, -1), (mark.lane + 1, 1)]    # (gap, direction): above, below
        if mark.y > frame.lane_y(mark.lane):
            slots.reverse()
        places = [(gap, direction, x0, text, width) for text, width in variants[k]
                  for gap, direction in slots for x0 in _starts(mark.x, width, bounds)]
        for gap, direction, x0, text, width in places:
            spans = taken.setdefault(gap, [])
            if _free(x0, width, spans):
                spans.append((x0, x0 + width))
                out.append((k, direction, x0, text, width))
                break
    return out

