"""A sheet's records held as columns: what the validator produces and the model reads.

A :class:`Table` keeps one list per column (one value per record, in workbook order), the
Excel row number of every record and each record's extra columns. Looked at as a
sequence it is a list of records (dicts keyed by column name, plus ``"_row"`` and
``"extra"``), so a caller that wants one row gets one; whole-column work reads
:attr:`Table.columns` without ever building those dicts.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

Record = dict[str, object]


class Table(Sequence):
    """Records as columns; ``table[i]`` is the i-th record as a dict."""

    __slots__ = ("rows", "columns", "extras")

    def __init__(self, rows: list[int], columns: dict[str, list],
                 extras: list[dict[str, str]] | None = None):
        self.rows = rows  # Excel row number of each record
        self.columns = columns  # column name -> one value per record
        self.extras = extras if extras is not None else [{} for _ in rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.rows)))]
        record: Record = {"_row": self.rows[index]}
        for name, values in self.columns.items():
            record[name] = values[index]
        record["extra"] = self.extras[index]
        return record

    def __iter__(self) -> Iterator[Record]:
        return (self[i] for i in range(len(self.rows)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                          strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Table({len(self.rows)} records: {', '.join(self.columns)})"


@contextmanager
def bulk(*, lasting: bool = False):
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
