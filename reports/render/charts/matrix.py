"""The positions matrix chart: actors (grouped by country) by issues.

See ``reports.render.charts.draw`` for the block format. Each cell holds its stance word on
the stance colour; shifted cells are outlined and marked ``*`` (with a note); blank cells
stay white. Phases: read the input, size the columns (the stance words and issue names
shrink to ``SMALL`` at most, then the matrix is cut into parts of as many issues as fit
the width, stacked, each with the actor names), draw each part, then the key. So that the
picture fits a page at full size, no more than two parts of issues and the rows that fit
``MAX_HEIGHT_IN`` are drawn (the first ones given), and a line says what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.render import style
from reports.render.charts.layout import (
    BACK,
    FONT_SIZE,
    LINE,
    SMALL,
    WIDTH_IN,
    Drawing,
    Measure,
    Rect,
    baseline,
    drawing_for,
    message,
)
from reports.text import printable

MAX_COLUMN_IN = 1.15          # a matrix of few issues leaves the rest of the width blank
PAD = 0.06                    # around the picture
CELL_PAD = 0.08               # around a stance word
MAX_ACTOR_IN, MIN_ACTOR_IN = 1.6, 1.1                 # the actor names' column
ROW_H, GROUP_H, KEY_H = 0.24, 0.28, 0.3
PART_GAP = 0.22               # between the parts of a matrix cut by issues
MAX_HEADER_LINES = 7
MAX_PARTS = 2                 # more issues than two parts hold: the first ones, said so
MAX_HEIGHT_IN = 9.4           # 24 cm, an A4 page's text height: more rows, the first ones
MAX_ROWS = 40                 # more than a page holds (rows are 0.24 in at least)


@dataclass
class Columns:
    actor_w: float
    col_w: float
    cell_size: float
    head_size: float
    headers: list[list[str]]
    per_part: int


def draw_matrix(data: dict, measure: Measure) -> Drawing:
    issues = [printable(str(i.get("name") or i.get("id") or "")) for i in
              data.get("issues") or []]
    groups = [g for g in data.get("groups") or [] if g.get("rows")]
    if not issues or not groups:
        return message(measure, "No positions recorded.")
    actors = sum(len(g["rows"]) for g in groups)
    groups = _first_rows(groups, MAX_ROWS)      # no page holds more: a bounded cost
    shifted_any = any(c.get("shifted") for g in groups for r in g["rows"]
                      for c in r.get("cells") or [])
    names = {_name(r) for g in groups for r in g["rows"]}
    cols = _columns(measure, issues, groups, names, shifted_any)
    shown = min(len(issues), cols.per_part * MAX_PARTS)
    if shown < len(issues):
        cols = _columns(measure, issues[:shown], groups, names, shifted_any)
    lines = {n: measure.wrap(n, cols.actor_w - 0.16, FONT_SIZE, max_lines=3) for n in names}
    parts = [range(start, min(start + cols.per_part, shown))
             for start in range(0, shown, cols.per_part)]
    groups = _rows_that_fit(groups, lines, [_header_height(cols, p) for p in parts],
                            shifted_any)
    drawing = drawing_for(data)
    y = PAD
    for part in parts:
        y = _draw_part(drawing, measure, cols, part, issues, groups, lines, y) + PART_GAP
    y = _draw_key(drawing, measure, PAD, y - PART_GAP + 0.08, shifted_any)
    kept = sum(len(g["rows"]) for g in groups)
    left_out = [f"{shown} of {len(issues)} issues"] if shown < len(issues) else []
    left_out += [f"{kept} of {actors} actors"] if kept < actors else []
    if left_out:
        drawing.text(measure, PAD, baseline(y + 0.1, SMALL),
                     f"Showing the first {' and '.join(left_out)}.", SMALL,
                     colour=style.MUTED_TEXT)
        y += 0.2
    drawing.height = y + PAD
    return drawing


def _first_rows(groups: list[dict], limit: int) -> list[dict]:
    out = []
    for g in groups:
        if limit > 0:
            out.append({**g, "rows": g["rows"][:limit]})
            limit -= len(out[-1]["rows"])
    return out


def _rows_that_fit(groups: list[dict], lines: dict, headers: list[float],
                   shifted_any: bool) -> list[dict]:
    """The groups cut to the rows (in order) that fit ``MAX_HEIGHT_IN`` in every part
    (at least one)."""
    fixed = 2 * PAD + 0.08 + KEY_H + (0.2 if shifted_any else 0) + 0.2 \
        + sum(h + PART_GAP for h in headers)
    room = (MAX_HEIGHT_IN - fixed) / len(headers)
    out: list[dict] = []
    for g in groups:
        room -= GROUP_H
        rows = []
        for r in g["rows"]:
            room -= _row_height(lines[_name(r)])
            if room < 0 and (rows or out):
                break
            rows.append(r)
        if rows:
            out.append({**g, "rows": rows})
        if room < 0:
            break
    return out


def _name(row: dict) -> str:
    return " ".join(printable(str(row.get("actor") or "")).split())


def _cell_word(stance: str, shifted: bool) -> str:
    if not stance:
        return ""
    word = style.STANCE_LABELS.get(stance, stance)
    return word + style.SHIFT_MARK if shifted else word


def _columns(measure: Measure, issues: list[str], groups: list[dict], names: set[str],
             shifted_any: bool) -> Columns:
    """Column widths and text sizes: one column per issue wide enough for every stance
    word, at ``FONT_SIZE`` if all fit, else smaller down to ``SMALL``, else with the actor
    names wrapped narrower (down to ``MIN_ACTOR_IN``), else in parts of as many issues as
    fit, as even as can be."""
    actor_w = min(max(measure.width(n, FONT_SIZE) for n in names) + 0.18, MAX_ACTOR_IN)
    actor_w = max(actor_w, MIN_ACTOR_IN)
    words = {_cell_word(printable(str(c.get("stance") or "")), bool(c.get("shifted")))
             for g in groups for r in g["rows"] for c in r.get("cells") or []} - {""}
    words |= {_cell_word(s, shifted_any) for s in style.STANCES}

    def need(size: float) -> float:
        return max(measure.width(w, size, w.endswith(style.SHIFT_MARK)) for w in words) \
            + CELL_PAD

    n = len(issues)
    cell_size = FONT_SIZE
    while cell_size > SMALL and need(cell_size) * n > WIDTH_IN - 2 * PAD - actor_w:
        cell_size -= 0.5
    if need(cell_size) * n > WIDTH_IN - 2 * PAD - actor_w:
        actor_w = max(MIN_ACTOR_IN, WIDTH_IN - 2 * PAD - need(cell_size) * n)
    room = WIDTH_IN - 2 * PAD - actor_w
    per_part = max(1, min(n, int(room / need(cell_size) + 1e-9)))
    per_part = -(-n // -(-n // per_part))             # the same number of parts, evened
    col_w = min(room / per_part, MAX_COLUMN_IN)
    head_size = FONT_SIZE
    while head_size > SMALL and max(measure.longest_word(i, head_size, True)
                                    for i in issues) > col_w - 0.06:
        head_size -= 0.5
    headers = [measure.wrap(i, col_w - 0.06, head_size, True, max_lines=MAX_HEADER_LINES,
                            hyphenate=True) for i in issues]
    return Columns(actor_w, col_w, cell_size, head_size, headers, per_part)


def _header_height(cols: Columns, part: range) -> float:
    return max(len(cols.headers[j]) for j in part) * LINE * cols.head_size / 72 + 0.1


def _row_height(lines: list[str]) -> float:
    return max(ROW_H, len(lines) * LINE * FONT_SIZE / 72 + 0.08)


def _draw_part(drawing: Drawing, measure: Measure, cols: Columns, part: range,
               issues: list[str], groups: list[dict], lines: dict, y: float) -> float:
    """The issues ``part`` of the matrix from ``y`` down; returns where it ends."""
    x_cells = PAD + cols.actor_w
    right = x_cells + cols.col_w * len(part)
    head_line = LINE * cols.head_size / 72
    header_h = _header_height(cols, part)
    for n, j in enumerate(part):
        header = cols.headers[j]
        for i, text in enumerate(header):
            centre = y + header_h - 0.05 - (len(header) - i - 0.5) * head_line
            drawing.text(measure, x_cells + (n + 0.5) * cols.col_w,
                         baseline(centre, cols.head_size), text, cols.head_size, "middle",
                         True)
    y += header_h
    drawing.line([(PAD, y), (right, y)], style.MUTED_TEXT, 0.8)
    for g in groups:
        drawing.text(measure, PAD, baseline(y + GROUP_H / 2 + 0.01, FONT_SIZE),
                     style.country_label(printable(str(g.get("country") or ""))),
                     FONT_SIZE, bold=True)
        y += GROUP_H
        for r in g["rows"]:
            name = lines[_name(r)]
            h = _row_height(name)
            step = LINE * FONT_SIZE / 72
            for i, text in enumerate(name):
                centre = y + h / 2 + (i - (len(name) - 1) / 2) * step
                drawing.text(measure, PAD + 0.1, baseline(centre, FONT_SIZE), text,
                             country=str(g.get("country") or ""))
            cells = list(r.get("cells") or [])
            for n, j in enumerate(part):
                cell = cells[j] if j < len(cells) else {}
                _draw_cell(drawing, measure, x_cells + n * cols.col_w, y, cols.col_w, h,
                           cell, cols.cell_size)
            y += h
        drawing.line([(PAD, y), (right, y)], style.GRID, 0.6)
    return y


def _draw_cell(drawing: Drawing, measure: Measure, x: float, y: float, w: float, h: float,
               cell: dict, size: float) -> None:
    stance = printable(str(cell.get("stance") or ""))
    shifted = bool(cell.get("shifted")) and bool(stance)
    inset = 0.015
    box = (x + inset, y + inset, w - 2 * inset, h - 2 * inset)
    if not stance:
        drawing.add(BACK, Rect(*box, style.BLANK_FILL, style.GRID, 0.5))
        return
    fill = style.STANCE_COLOURS.get(stance, style.UNKNOWN_FILL)
    word = _cell_word(stance, shifted)
    if measure.width(word, size, shifted) > w - 0.04:  # the key under the grid names it
        word = measure.abbreviate(word.rstrip(style.SHIFT_MARK), w - 0.04 - (
            measure.width(style.SHIFT_MARK, size, shifted) if shifted else 0), size,
            shifted) + (style.SHIFT_MARK if shifted else "")
    drawing.text(measure, x + w / 2, baseline(y + h / 2, size), word, size, "middle", shifted)
    drawing.add(BACK, Rect(*box, fill, style.STANCE_TEXT if shifted else "none",
                           1.3 if shifted else 0.0))


def _draw_key(drawing: Drawing, measure: Measure, x: float, y: float,
              shifted_any: bool) -> float:
    """One line of swatches (each stance word on its colour), then the shift note;
    returns where the key ends."""
    centre = baseline(y + KEY_H / 2, SMALL)
    cx = x + drawing.text(measure, x, centre, "Key:", SMALL, colour=style.MUTED_TEXT).width
    cx += 0.08
    for stance in style.STANCES:
        word = style.STANCE_LABELS[stance]
        w = measure.width(word, SMALL) + 0.12
        drawing.add(BACK, Rect(cx, y + 0.05, w, KEY_H - 0.1, style.STANCE_COLOURS[stance]))
        drawing.text(measure, cx + w / 2, centre, word, SMALL, "middle")
        cx += w + 0.05
    drawing.add(BACK, Rect(cx, y + 0.05, 0.3, KEY_H - 0.1, style.BLANK_FILL, style.GRID, 0.5))
    drawing.text(measure, cx + 0.38, centre, "no position recorded", SMALL,
                 colour=style.MUTED_TEXT)
    y += KEY_H
    if shifted_any:
        drawing.text(measure, x, baseline(y + 0.1, SMALL), style.SHIFT_NOTE, SMALL,
                     colour=style.MUTED_TEXT)
        y += 0.2
    return y
