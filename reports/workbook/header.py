"""A sheet's header row against the contract: which column is where, and what is wrong
with the header (missing, repeated or merged cells, and a header that is nearly the name
of a contract column: "Stances", "Event-ID", "Actor").

Names match ignoring case, outer spaces and the difference between space and underscore;
a header that matches no contract column is an extra column, kept for the templates.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from reports.problems import ERROR, WARNING, Problem, column_letter
from reports.workbook import contract as schema
from reports.workbook.package import SheetNotes

if TYPE_CHECKING:
    from reports.workbook.grid import Grid


def match_header(spec: schema.Sheet, title: str, grid: Grid, notes: SheetNotes,
                  problems: list[Problem]) -> tuple[dict[str, str], list[str], dict[str, int]]:
    """Map header cells to contract columns; report missing, duplicate, merged and
    misnamed headers."""
    wanted = {schema.normalise_name(c.name): c.name for c in spec.columns}
    positions: dict[str, int] = {}
    letters: dict[str, str] = {}
    extras: list[str] = []
    for idx, text in enumerate(grid.header):
        if not text.strip():
            continue
        canonical = wanted.get(schema.normalise_name(text), text.strip())
        if canonical in positions:
            problems.append(Problem(
                ERROR, title, f"{column_letter(idx)}1", canonical, "duplicate-column",
                f'column "{text.strip()}" appears twice (also in {letters[canonical]}1); '
                "delete or rename one of them"))
            continue
        positions[canonical] = idx
        letters[canonical] = column_letter(idx)
        if canonical not in wanted.values():
            extras.append(canonical)
    for r0, c0, _r1, _c1 in notes.merged:
        if r0 == 0:
            ref = f"{column_letter(c0)}1"
            problems.append(Problem(ERROR, title, ref, None, "merged-header",
                                    f"header cell {ref} is merged with its neighbours; unmerge "
                                    "the header row so each column has its own name"))
    likely = _likely_columns(spec, positions, extras)
    missing = [c for c in spec.columns if c.required and c.name not in positions]
    banner = _find_header_row(spec, grid) if missing else None
    for col in missing:
        hint = (f"; the header seems to be in row {banner}: delete the rows above it so "
                "the header is in row 1") if banner else ""
        cell = None
        if col.name in likely:
            extra = likely[col.name]
            cell = f"{letters[extra]}1"
            hint += f'; {title}!{cell} "{extra}" is probably the column "{col.name}": rename it'
        problems.append(Problem(
            ERROR, title, cell, col.name, "missing-column",
            f'required column "{col.name}" is missing from the header row (row 1){hint}'))
    for col in spec.columns:
        if not col.required and col.name in likely:
            extra = likely[col.name]
            cell = f"{letters[extra]}1"
            problems.append(Problem(
                WARNING, title, cell, col.name, "misnamed-column",
                f'{title}!{cell} "{extra}" is probably the column "{col.name}": rename it '
                "(until then its cells are kept as an extra column, not read as "
                f"{col.name})"))
    return letters, extras, positions


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _likeness(header: str, column: str) -> float:
    """How likely a header was meant as a contract column (0 = not at all, 1 = surely)."""
    a, b = _compact(header), _compact(column)
    if not a or not b:
        return 0.0
    if a == b or a.rstrip("s") == b.rstrip("s"):
        return 1.0
    if len(a) >= 4 and (b.startswith(a) or a.startswith(b)):
        return 0.9
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= 0.8 else 0.0


def _likely_columns(spec: schema.Sheet, positions: dict[str, int],
                    extras: list[str]) -> dict[str, str]:
    """Contract column -> the extra header most likely meant as it (each header once)."""
    absent = [c.name for c in spec.columns if c.name not in positions]
    pairs = sorted(((_likeness(h, c), c, h) for c in absent for h in extras),
                   key=lambda p: -p[0])
    found: dict[str, str] = {}
    for score, column, header in pairs:
        if score and column not in found and header not in found.values():
            found[column] = header
    return found


def _find_header_row(spec: schema.Sheet, grid: Grid) -> int | None:
    """The Excel row of a header below row 1 (a banner above it), among the first rows."""
    from reports.workbook.grid import first_values

    wanted = {schema.normalise_name(c.name) for c in spec.columns if c.required}
    top = [first_values(cells, 9) for cells in grid.columns.values()]
    for offset in range(min(9, grid.height)):
        found = {schema.normalise_name(text) for col in top
                 if isinstance(text := col[offset], str) and text.strip()}
        if wanted <= found:
            return offset + grid.first_row
    return None
