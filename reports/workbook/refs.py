"""The checks across a workbook's sheets: unique keys, references to other sheets' keys,
rows nothing refers to, events without a source, and sources cited without a
publication day. Whole columns: keys and references are Arrow arrays, compared as sets
(``is_in``); messages are written only for the cells that fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.problems import ERROR, WARNING, Problem
from reports.text import did_you_mean
from reports.workbook import contract as schema
from reports.workbook.cells import shown, text_of

if TYPE_CHECKING:
    import pyarrow as pa

    from reports.workbook.read import SheetData, Workbook


def check_references(book: Workbook, typed: dict[str, dict[str, pa.Array]],
                     problems: list[Problem]) -> None:
    """Add to ``problems`` what the keys and references of ``book`` get wrong
    (``typed``: each sheet's typed columns)."""
    check = _References(book, typed, problems)
    keys = check._check_keys()
    named = check._named_ids()
    check._check_refs(keys, named)
    check._check_usage(named)


class _References:
    def __init__(self, book: Workbook, typed: dict[str, dict[str, pa.Array]],
                 problems: list[Problem]):
        self.book, self.typed, self.problems = book, typed, problems

    def _check_keys(self) -> dict[str, pa.Array]:
        """Each keyed sheet's unique keys (duplicates and blanks named)."""
        import pyarrow as pa

        keys: dict[str, pa.Array] = {}
        for spec in schema.ALL_SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                keys[spec.name] = pa.array([], pa.string())
                continue
            if spec.key:
                keys[spec.name] = self._unique(data, (spec.key,))
            if spec.unique_together:
                self._unique(data, spec.unique_together)
        return keys

    def _unique(self, data: SheetData, cols: tuple[str, ...]) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        letter = data.letters.get(cols[0])
        typed = self.typed[data.name]
        if letter is None:
            return pa.array([], pa.string())
        parts = [typed[c] for c in cols]
        if not any(p.null_count for p in parts):
            # each row's key as one text (two keys that join alike only mean the check below)
            whole = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(
                *[p.cast(pa.string()) for p in parts], "\x1f")
            if pc.count_distinct(whole).as_py() == len(whole):
                return pc.unique(parts[0])  # the usual case: all there, all unique
        first: dict[tuple[object, ...], int] = {}
        rows = [p.to_pylist() for p in parts]
        for whole, row in zip(zip(*rows, strict=True), data.rows, strict=True):
            if any(k is None for k in whole):
                continue
            if whole in first:
                what = cols[0] if len(cols) == 1 else "/".join(cols)
                self.problems.append(Problem(
                    ERROR, data.title, f"{letter}{row}", cols[0], "duplicate-id",
                    f'{what} "{", ".join(text_of(k) for k in whole)}" appears twice (first in '
                    f"row {first[whole]}); each must be unique: change or delete one of the "
                    "rows"))
            else:
                first[whole] = row
        return pa.array([k[0] for k in first], pa.string()) if len(cols) == 1 else pa.array(
            [], pa.string())

    def _ids(self, sheet: str, col: schema.Column) -> pa.Array:
        """Every id a REF or REFS column names, as one flat array (lists flattened)."""
        import pyarrow.compute as pc

        values = self.typed[sheet][col.name]
        return pc.list_flatten(values) if col.kind == schema.REFS else values

    def _named_ids(self) -> dict[tuple[str, str], pa.Array]:
        """(sheet, column) -> every distinct id a REF or REFS column names."""
        import pyarrow.compute as pc

        return {(spec.name, col.name): pc.drop_null(pc.unique(self._ids(spec.name, col)))
                for spec in schema.SHEETS for col in spec.columns
                if col.kind in (schema.REF, schema.REFS)}

    def _check_refs(self, keys: dict[str, pa.Array],
                    named: dict[tuple[str, str], pa.Array]) -> None:
        import pyarrow.compute as pc

        for spec in schema.SHEETS:
            data = self.book.sheets.get(spec.name)
            if data is None:
                continue
            for col in spec.columns:
                if col.kind not in (schema.REF, schema.REFS) or col.name not in data.letters:
                    continue
                target = schema.sheet(col.ref or "")
                target_data = self.book.sheets.get(target.name)
                if target_data is None or target.key not in target_data.letters:
                    continue  # the missing sheet or key column is reported already
                known = keys[target.name]
                ids = named[(spec.name, col.name)]
                unknown = ids.filter(pc.invert(pc.is_in(ids, value_set=known)))
                if len(unknown):
                    self._unknown_refs(data, col, target, set(unknown.to_pylist()),
                                       known.to_pylist())

    def _unknown_refs(self, data: SheetData, col: schema.Column, target: schema.Sheet,
                      unknown: set[str], known: list[str]) -> None:
        key = target.key or ""
        article = "an" if key[:1] in tuple("aeiou") else "a"
        values = self.typed[data.name][col.name].to_pylist()
        for row, value in zip(data.rows, values, strict=True):
            for ref in (value or () if col.kind == schema.REFS else (value,)):
                if ref in unknown:
                    self.problems.append(Problem(
                        ERROR, data.title, f"{data.letters[col.name]}{row}", col.name,
                        "unknown-ref", f'"{shown(ref)}" is not {article} {key} in '
                        f"{target.name}{did_you_mean(ref, known)}"))

    def _check_usage(self, named: dict[tuple[str, str], pa.Array]) -> None:
        """Warnings: unused actors, issues and sources; events without sources; sources
        cited without a publication day."""
        import pyarrow as pa
        import pyarrow.compute as pc

        used: dict[str, list[pa.Array]] = {"Actors": [], "Issues": [], "Sources": []}
        for spec in schema.SHEETS:
            for col in spec.columns:
                if col.ref in used:
                    used[col.ref].append(named[(spec.name, col.name)])
        for name, arrays in used.items():
            spec = schema.sheet(name)
            data = self.book.sheets.get(name)
            if data is None or spec.key not in data.letters:
                continue
            cited = pa.concat_arrays([a.cast(pa.string()) for a in arrays])
            keys = self.typed[name][spec.key or ""]
            unused = pc.and_(pc.is_valid(keys), pc.invert(pc.is_in(keys, value_set=cited)))
            for at in _positions(unused):
                key = keys[at].as_py()
                self.problems.append(Problem(
                    WARNING, data.title, f"{data.letters[spec.key or '']}{data.rows[at]}",
                    spec.key, f"unused-{name.lower()[:-1]}",
                    f'"{key}" is never referred to by any other sheet; cite it or delete '
                    "the row"))
            if name == "Sources" and "published" in data.letters:
                undated = pc.and_(pc.is_in(keys, value_set=cited),
                                  pc.is_null(self.typed[name]["published"]))
                for at in _positions(undated):
                    self.problems.append(Problem(
                        WARNING, data.title, f"{data.letters['published']}{data.rows[at]}",
                        "published", "undated-source",
                        f'source "{keys[at].as_py()}" has no publication day, so every memo '
                        "counts it as known from the start: what it reports can appear in a "
                        "memo dated before it was published; type the day it was published"))
        events = self.book.sheets.get("Events")
        if events is not None and "sources" in events.letters:
            typed = self.typed["Events"]
            lonely = pc.and_(pc.equal(pc.list_value_length(typed["sources"]), 0),
                             pc.is_valid(typed["event_id"]))
            for at in _positions(lonely):
                event_id = typed["event_id"][at].as_py()
                if not event_id:
                    continue
                self.problems.append(Problem(
                    WARNING, events.title, f"{events.letters['sources']}{events.rows[at]}",
                    "sources", "event-without-source",
                    f'event "{event_id}" cites no source; add the source_id it comes from'))


def _positions(mask: pa.Array) -> list[int]:
    import numpy as np
    import pyarrow.compute as pc

    flags = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    found: list[int] = np.flatnonzero(flags).tolist()
    return found
