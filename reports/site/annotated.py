"""The annotated copy of the workbook for one user: whole, or cut to their level.

The whole copy (``validate --annotate``'s: the workbook with each problem cell coloured
and commented, and a Problems sheet) holds every row, so it goes only to a user cleared
for the highest level of any row (:attr:`SavedWorkbook.top_rank`). Anyone else gets a cut
copy, made afresh from the cells that were read rather than from the file: the contract
sheets only, each row at its own row number (so a problem's cell is where the original
has it), with the rows above the user's level left empty, and only the problems the user
may read. Nothing of the file that was not read as a cell (other sheets, comments,
defined names, pivot caches, document properties) can reach a cut copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from reports.site.saved import Ranker, SavedWorkbook

CACHED = 4  # copies kept (a copy of a large workbook takes seconds to make)


@dataclass(frozen=True)
class Copy:
    data: bytes
    whole: bool
    rows_left_out: int


_CACHE: OrderedDict[tuple[str, int], Copy] = OrderedDict()
_LOCK = threading.Lock()


def annotated_copy(saved: SavedWorkbook, rank: int, config) -> Copy | None:
    """The copy for a user of ``rank``; None when the workbook could not be read."""
    if saved.data is None or saved.book is None or saved.sha256 is None:
        return None
    whole = rank >= saved.top_rank
    key = (saved.sha256, max(rank, -1) if not whole else 10**6)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    copy = _whole(saved) if whole else _cut(saved, rank, config)
    with _LOCK:
        _CACHE[key] = copy
        while len(_CACHE) > CACHED:
            _CACHE.popitem(last=False)
    return copy


def _whole(saved: SavedWorkbook) -> Copy:
    from reports.workbook.annotate import annotated_bytes

    return Copy(annotated_bytes(saved.data, saved.problems, saved.path), True, 0)


def _cut(saved: SavedWorkbook, rank: int, config) -> Copy:
    from openpyxl import Workbook

    from reports.workbook.annotate import mark_up
    from reports.workbook.xlstyle import header_cell, set_text, workbook_bytes

    shown, _ = saved.visible(rank)
    ranker = Ranker(saved.book, config, saved.problems)
    wb = Workbook()
    wb.remove(wb.active)
    left_out = 0
    sheets = sorted(saved.book.sheets.values(), key=lambda d: _order(saved, d.title))
    for data in sheets:
        ws = wb.create_sheet(data.title)
        for name, letter in data.letters.items():
            if name in data.columns:
                header_cell(ws[f"{letter}1"], name)
        ranks = ranker.row_ranks(data)
        default = config.markings.default_rank
        for i, row in enumerate(data.rows):
            if (ranks[i] if ranks is not None else default) > rank:
                left_out += 1
                continue
            for name, cells in data.columns.items():
                letter = data.letters.get(name)
                if letter is not None and cells[i] is not None:
                    set_text(ws[f"{letter}{row}"], cells[i])
    mark_up(wb, shown)
    return Copy(workbook_bytes(wb), False, left_out)


def _order(saved: SavedWorkbook, title: str) -> int:
    from reports.site.saved import sheet_order

    return sheet_order(saved.data).get(title, 10**6)
