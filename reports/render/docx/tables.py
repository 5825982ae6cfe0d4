"""The memo's tables: facts, events, stances, shifts, the positions matrix, outlook and
the "new since the last issue" changes, in the template's "Memo Table" style.

:class:`TableBlocks` writes one table per block, row by row as XML (never python-docx's
``table.cell(r, c)``, which is quadratic). A row's portion mark ("(U)") starts its first
cell; its citations become footnotes (``docx.notes``) after the cited text.
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache

from reports.render.docx.notes import Footnotes
from reports.render.docx.pictures import PictureWriter
from reports.render.style import (
    BLANK_FILL,
    SHIFT_MARK,
    SHIFT_NOTE,
    STANCE_COLOURS,
    STANCE_LABELS,
    UNKNOWN_FILL,
    country_label,
)
from reports.text import is_east_asian

# "Moon Jae-in (문재인)": a name, then in brackets its native name (when East Asian)
NAME_RE = re.compile(r"^(.*\S) (\([^()]*\))$")
CELL_MARGINS = 2 * 85 + 40  # the Memo Table style's cell margins and a little slack
GROUP_FILL = "F2F4F7"
MATRIX_COLUMNS = 5  # issues per matrix table; more are split over several tables


def portion(row: dict) -> str:
    """The row's portion mark and a space ("(U) "), or ''."""
    mark = row.get("portion") or ""
    return f"{mark} " if mark else ""


class TableBlocks(PictureWriter):
    """The table blocks of a memo body, and the cell and citation helpers they share."""

    notes: Footnotes | None = None  # set by the body writer before writing

    def cite(self, parent, row: dict) -> None:
        """The row's citations: footnotes (else the bracketed numbers, for a row that
        has only ``cite_text``)."""
        if row.get("cites") and self.notes is not None:
            self.notes.cite(parent, row["cites"])
        elif row.get("cite_text"):
            self.run(parent, " " + row["cite_text"], style="Memo Citation")

    def text_cell(self, tr, width: int, text: str, **run_args):
        tc = self.cell(tr, width)
        self.run(self.paragraph("Memo Table Text", tc), text, **run_args)
        return tc

    def name_cell(self, tr, width: int, row: dict, key: str):
        """The row's ``key`` (an actor or issue name) in bold, after its portion mark."""
        return self.text_cell(tr, width, portion(row) + _fit_name(row.get(key, ""), width, True),
                              bold=True)

    def dated_cell(self, tr, width: int, row: dict):
        """The row's date, after its portion mark."""
        return self.text_cell(tr, width, portion(row) + row.get("date_display", ""))

    def cited_cell(self, tr, width: int, text: str, row: dict):
        """A paragraph holding ``text`` and the row's citations (returned, to add to)."""
        p = self.paragraph("Memo Table Text", self.cell(tr, width))
        self.run(p, text)
        self.cite(p, row)
        return p

    def stance_cell(self, tr, width: int, stance: str, shifted: bool = False):
        fill = _stance_fill(stance)
        tc = self.cell(tr, width, fill=fill, outline=shifted)
        p = self.paragraph("Memo Table Text", tc)
        if stance:
            label = STANCE_LABELS.get(stance, stance)
            self.run(p, f"{label} {SHIFT_MARK}" if shifted else label)
        return tc

    # -- blocks ------------------------------------------------------------------------

    def block_facts(self, block: dict) -> None:
        tbl, widths = self.table([("", 3.6), ("", 12.4)], header=False)
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], portion(row) + row["label"], bold=True)
            self.text_cell(tr, widths[1], str(row["value"]))
        self.spacer()

    def block_events(self, block: dict) -> None:
        if block.get("compact"):
            self._event_index(block)
            return
        tbl, widths = self.table([("Date", 2.1), ("Event", 6.6), ("Actors", 3.3),
                                  ("Issues", 2.7), ("Sig.", 1.3)])
        for row in block["rows"]:
            tr = self.row(tbl)
            tc = self.dated_cell(tr, widths[0], row)
            details = [x for x in (row.get("category"), row.get("location")) if x]
            if details:
                self.run(self.paragraph("Memo Table Text", tc), ", ".join(details),
                         muted=True, italic=True)
            tc = self.cell(tr, widths[1])
            p = self.paragraph("Memo Table Text", tc)
            self.run(p, row.get("title", ""), bold=True)
            self.cite(p, row)
            if row.get("summary"):
                self.run(self.paragraph("Memo Table Text", tc), row["summary"])
            # One name a line, each but the last ending in ";" so the names stay apart.
            self.text_cell(tr, widths[2], ";\n".join(_fit_name(a, widths[2])
                                                      for a in row.get("actors") or []))
            self.text_cell(tr, widths[3], ";\n".join(row.get("issues") or []))
            sig = row.get("significance")
            self.text_cell(tr, widths[4], "" if sig is None else str(sig))
        self.spacer()

    def _event_index(self, block: dict) -> None:
        """One line per event: date, title (and its citations), issues, significance."""
        tbl, widths = self.table([("Date", 2.1), ("Event", 9.6), ("Issues", 3.0),
                                  ("Sig.", 1.3)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.dated_cell(tr, widths[0], row)
            self.cited_cell(tr, widths[1], row.get("title", ""), row)
            self.text_cell(tr, widths[2], "; ".join(row.get("issues") or []))
            self.text_cell(tr, widths[3], str(row.get("significance", "")))
        self.spacer()

    def _stance_index(self, block: dict) -> None:
        """One line per current stance, the earlier stances after it."""
        tbl, widths = self.table([(block.get("label_heading", ""), 4.4), ("Stance", 2.4),
                                  ("Since", 2.2), ("Earlier", 7.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], portion(row) + _fit_name(row.get("label", ""),
                                                                   widths[0]))
            self.stance_cell(tr, widths[1], row.get("stance", ""))
            self._since_cell(tr, widths[2], row)
            p = self.paragraph("Memo Table Text", self.cell(tr, widths[3]))
            if row.get("earlier_more"):
                self.run(p, f"{row['earlier_more']} earlier; ", muted=True)
            for i, old in enumerate(row.get("earlier") or []):
                self.run(p, "; " if i else "", muted=True)
                self.run(p, STANCE_LABELS.get(old["stance"], old["stance"]),
                         fill=_stance_fill(old["stance"]))
                self.run(p, f" {old.get('date_display', '')}", muted=True)
        self.spacer()

    def block_stances(self, block: dict) -> None:
        if block.get("compact"):
            self._stance_index(block)
            return
        tbl, widths = self.table([(block.get("label_heading", ""), 3.6), ("Stance", 2.2),
                                  ("Since", 2.2), ("Position", 8.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.name_cell(tr, widths[0], row, "label")
            self.stance_cell(tr, widths[1], row.get("stance", ""))
            self._since_cell(tr, widths[2], row)
            tc = self.cell(tr, widths[3])
            p = self.paragraph("Memo Table Text", tc)
            self.run(p, row.get("summary", ""))
            self.cite(p, row)
            if row.get("quote"):
                self.run(self.paragraph("Quote", tc), f"\u201c{row['quote']}\u201d")
            history = row.get("history") or []
            if history:
                self.run(self.paragraph("Memo Table Text", tc), "Earlier:", muted=True,
                         italic=True)
                for old in history:
                    p = self.paragraph("Memo Table Text", tc)
                    self.run(p, STANCE_LABELS.get(old["stance"], old["stance"]),
                             fill=_stance_fill(old["stance"]))
                    self.run(p, f" {old.get('date_display', '')}: {old.get('summary', '')}",
                             muted=True)
                    self.cite(p, old)
        self.spacer()

    def _since_cell(self, tr, width: int, row: dict):
        """The day the current stance began, and its latest restatement when later."""
        tc = self.text_cell(tr, width, row.get("since", ""))
        if row.get("stated"):
            self.run(self.paragraph("Memo Table Text", tc), f"restated {row['stated']}",
                     muted=True)
        return tc

    def block_shifts(self, block: dict) -> None:
        """Changes of stance; an actor's profile leaves out the actor's column, an issue
        brief the issue's (``columns``)."""
        columns = block.get("columns") or ["actor", "issue"]
        both = "actor" in columns and "issue" in columns
        head = [("Actor", 3.4), ("Issue", 2.4)] if both else [
            ("Actor" if "actor" in columns else "Issue", 4.0)]
        tbl, widths = self.table(head + [("Shift", 3.6), ("Date", 2.1),
                                         ("Why", 4.5 if both else 6.3)])
        for row in block["rows"]:
            tr = self.row(tbl)
            if both:
                self.name_cell(tr, widths[0], row, "actor")
                self.text_cell(tr, widths[1], row.get("issue", ""))
            else:
                self.name_cell(tr, widths[0], row, "label")
            widths_left = widths[2:] if both else widths[1:]
            p = self.paragraph("Memo Table Text", self.cell(tr, widths_left[0]))
            before, after = row.get("from", ""), row.get("to", "")
            self.run(p, STANCE_LABELS.get(before, before), fill=_stance_fill(before))
            self.run(p, " \u2192 ")
            self.run(p, STANCE_LABELS.get(after, after), fill=_stance_fill(after))
            self.text_cell(tr, widths_left[1], row.get("date_display", ""))
            self.cited_cell(tr, widths_left[2], row.get("why", ""), row)
        self.spacer()

    def block_matrix(self, block: dict) -> None:
        """Actors by issues; more than MATRIX_COLUMNS issues are split over several tables."""
        issues = block["issues"]
        parts = max(1, -(-len(issues) // MATRIX_COLUMNS))
        size, rest = divmod(len(issues), parts)
        start, any_shift = 0, False
        for part in range(parts):
            stop = start + size + (1 if part < rest else 0)
            if parts > 1:
                self.run(self.paragraph("Memo Note", keep_next=True),
                         f"Issues {start + 1}\u2013{stop} of {len(issues)}")
            any_shift |= self._matrix_table(block, start, stop)
            start = stop
        if block.get("caption"):
            self.run(self.paragraph("Caption"), block["caption"])
        if any_shift:
            self.run(self.paragraph("Memo Note"), SHIFT_NOTE)

    def _matrix_table(self, block: dict, start: int, stop: int) -> bool:
        issues = block["issues"][start:stop]
        actor_cm = 3.8
        each = (16.0 - actor_cm) / max(len(issues), 1)
        tbl, widths = self.table([("Actor", actor_cm)] + [(i["name"], each) for i in issues])
        any_shift = False
        cells: dict[tuple, object] = {}
        for group in block["groups"]:
            tr = self.row(tbl)
            tc = self.cell(tr, sum(widths), fill=GROUP_FILL, span=len(widths))
            self.run(self.paragraph("Memo Table Text", tc, keep_next=True),
                     country_label(group["country"]), bold=True)
            for actor_row in group["rows"]:
                tr = self.row(tbl)
                self.text_cell(tr, widths[0],
                               portion(actor_row) + _fit_name(actor_row["actor"], widths[0]))
                for cell, width in zip(actor_row["cells"][start:stop], widths[1:], strict=True):
                    stance = cell.get("stance", "")
                    shifted = bool(cell.get("shifted") and block.get("marks_shifts") and stance)
                    any_shift |= shifted
                    made = cells.get((width, stance, shifted))
                    if made is None:  # each distinct cell is built once, then copied
                        cells[width, stance, shifted] = self.stance_cell(tr, width, stance,
                                                                         shifted)
                    else:
                        tr.append(deepcopy(made))
        if not any_shift:
            self.spacer()
        return any_shift

    def block_outlook(self, block: dict) -> None:
        tbl, widths = self.table([("Date", 2.6), ("Expected", 10.8), ("Status", 2.6)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.dated_cell(tr, widths[0], row)
            p = self.cited_cell(tr, widths[1], row.get("item", ""), row)
            if row.get("issues"):
                self.run(p, f" ({'; '.join(row['issues'])})", muted=True)
            self.text_cell(tr, widths[2], "; ".join(x for x in (row.get("status", ""),
                                                                 row.get("likelihood")) if x))
        self.spacer()

    def block_changes(self, block: dict) -> None:
        if block.get("previous_display"):
            self.run(self.paragraph("Normal"), "Added, corrected or removed since the "
                     f"edition of {block['previous_display']}:")
        tbl, widths = self.table([("Change", 2.4), ("What", 5.6), ("Detail", 8.0)])
        for row in block["rows"]:
            tr = self.row(tbl)
            self.text_cell(tr, widths[0], portion(row) + row.get("change", ""), bold=True)
            self.text_cell(tr, widths[1], row.get("what", ""))
            self.text_cell(tr, widths[2], row.get("detail", ""))
        self.spacer()


@lru_cache(maxsize=4096)  # the matrix asks for each actor once per table part
def _fit_name(name: str, width: int, bold: bool = False, size: float = 8.5) -> str:
    """Break "Name (native name)" before the parenthesis unless it surely fits the line.

    LibreOffice may break a line where Latin text meets Hangul or Kanji, which would
    leave "Moon Jae-in (" on one line and "문재인)" on the next. A rough greedy wrap of
    the Latin part, with narrow and with wide letters, finds where the native name would
    start; unless both say it fits there, it starts a line of its own.
    """
    match = NAME_RE.match(name)
    if not match or not any(map(is_east_asian, match.group(2))):
        return name
    full = size * 20  # twips: CJK characters are one em wide, Latin ones about 0.55 em
    room = width - CELL_MARGINS
    for em in ((0.56, 0.68) if bold else (0.5, 0.62)):
        def length(text: str, latin: float = em * full) -> float:
            return sum(full if is_east_asian(ch) else latin for ch in text)

        line = 0.0
        for word in match.group(1).split(" "):
            step = length((" " if line else "") + word)
            line = line + step if line + step <= room or not line else length(word)
        if line + length(" " + match.group(2)) > room:
            return f"{match.group(1)}\n{match.group(2)}"
    return name


def _stance_fill(stance: str) -> str | None:
    if not stance:
        return None if BLANK_FILL.upper() in ("#FFFFFF", "#FFF") else BLANK_FILL.lstrip("#")
    return STANCE_COLOURS.get(stance, UNKNOWN_FILL).lstrip("#")
