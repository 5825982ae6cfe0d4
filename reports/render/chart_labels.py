"""Labels for the events timeline: short titles placed beside their markers.

The most significant events get a short title in the gap above or below their lane,
joined to the marker by a hairline; labels never overlap, and a label with no room is
shortened further or left out.
"""

from __future__ import annotations

from reports.render import style
from reports.render.chart_layout import SMALL

MAX_LABELS = 12               # labelled events per chart, at most
LABEL_CHARS = 56              # labels are shortened to this many characters
LABEL_MAX_IN = 2.4            # and to this width
LABEL_MIN_IN = 1.2            # or this, where the longer form has no room
LABEL_NONE_OVER = 300         # more events than this: no labels at all
SIG_AREA = {1: 14, 2: 30, 3: 52, 4: 82, 5: 120}   # marker area in pt^2 by significance


def draw_labels(ax, measure, points, x, ys, lane_k, panel_of, total_w, lane_in,
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
