"""A sheet's validated records looked at as rows: what callers that want one row get.

A :class:`Table` wraps a sheet's validated columns (typed Arrow arrays; its
DataFrame, :attr:`Table.frame`, is made from them on first use). Looked at as a sequence
it is a list of records (dicts keyed by column name, plus ``"_row"`` and ``"extra"``), each
value a Python object (``date``, a tuple of ids, an ``int`` rank under ``"marking"``);
:attr:`Table.columns` gives whole columns as lists. Whole-column work reads
:attr:`Table.frame` without ever building those dicts.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from reports.workbook.contract import Sheet

Record = dict[str, Any]


class Table(Sequence[Record]):
    """Records as rows; ``table[i]`` is the i-th record as a dict."""

    def __init__(self, columns: dict[str, pa.Array], rows: list[int], spec: Sheet,
                 extras: list[str], *, present: bool = True, empty: bool = False):
        self.typed = columns  # column name -> typed Arrow values (``marking_rank`` too)
        self.rows = rows  # the Excel row number of each record
        self.spec = spec
        self.extra_columns = extras
        self.present = present  # the workbook has the sheet
        self.empty = empty  # ... with its header row and no record

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The records as a DataFrame indexed by Excel row ("row"), Arrow-backed columns."""
        from reports.workbook.typed import frame_of

        return frame_of(self.typed, self.rows)

    @cached_property
    def columns(self) -> Mapping[str, list[Any]]:
        """Column name -> one Python value per record (``marking``: the rank)."""
        from reports.workbook.typed import to_python

        return {name: to_python(self.typed["marking_rank" if name == "marking" else name])
                for name in self.spec.column_names}

    @cached_property
    def extras(self) -> list[dict[str, str]]:
        """Each record's extra columns (beyond the contract) that are not blank."""
        found: list[dict[str, str]] = [{} for _ in range(len(self.rows))]
        for name in self.extra_columns:
            for extra, value in zip(found, self.typed[name].to_pylist(), strict=True):
                if value is not None:
                    extra[name] = value
        return found

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        record: Record = {"_row": self.rows[index]}
        for name, values in self.columns.items():
            record[name] = values[index]
        record["extra"] = self.extras[index]
        return record

    def __iter__(self) -> Iterator[Record]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                          strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Table({len(self)} records: {', '.join(self.spec.column_names)})"


@contextmanager
def bulk(*, lasting: bool = False) -> Iterator[None]:
    """Pause the cyclic GC while columns and records are made in bulk: they are many,
    they all stay alive, and the GC would walk them again and again for nothing.

    ``lasting``: what was made lives as long as the process (a loaded workbook's
    records), so everything alive is then frozen out of the GC's walks (``gc.freeze``);
    else a later sort or query allocating many small objects walks it all again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if lasting:
            gc.freeze()
        if enabled:
            gc.enable()


def import_frame_libraries() -> None:
    """Import pandas: the frames' library, which pyarrow imports anyway at its first array
    or scalar made from Python values.

    The first time in a process, what these imports make (some hundred thousand objects,
    living as long as the process) is frozen out of the GC's walks, which would otherwise
    walk it all at the next collections (0.05-0.07 s): the garbage of the process so far
    is collected first (a small heap before these imports), then everything alive after
    them is frozen (``bulk(lasting=True)``) and stays out of the walks for good. An object
    so frozen is still freed when nothing refers to it; only a cycle of such objects that
    dies later is never collected."""
    if "pandas" in sys.modules:
        return
    gc.collect()
    with bulk(lasting=True):
        import pandas  # noqa: F401
