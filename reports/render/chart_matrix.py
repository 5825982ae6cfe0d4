"""The positions matrix chart: actors (grouped by country) by issues.

See ``reports.render.charts`` for the block format. Each cell holds its stance word on
the stance colour; shifted cells are outlined and marked ``*`` (with a note); blank cells
stay white.
"""

from __future__ import annotations

from reports.render import style
from reports.render.chart_layout import (
    FONT_SIZE,
    SMALL,
    WIDTH_IN,
    Measure,
    message_figure,
    new_figure,
)

MAX_COLUMN_IN = 1.15          # a matrix of few issues leaves the rest of the width blank


def draw_matrix(data: dict, fonts: list[str]):
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    issues = [str(i.get("name") or i.get("id") or "") for i in data.get("issues") or []]
    groups = [g for g in data.get("groups") or [] if g.get("rows")]
    if not issues or not groups:
        return message_figure("No positions recorded.")
    shifted_any = any(c.get("shifted") for g in groups for r in g["rows"]
                      for c in r.get("cells") or [])

    pad, cell_pad = 0.06, 0.08
    row_h, group_h, key_h = 0.23, 0.27, 0.30
    measure = Measure(new_figure(1.0), fonts)

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

    fig = new_figure(height)
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
