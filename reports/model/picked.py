"""Rows a query picked, whose records are made only when read.

A memo shows a dozen of an issue's 20,000 events: :class:`Picked` keeps the rows a
query chose with the numbers the selection rules rank them by (day, significance), so
that ``reports.memo.selection`` ranks them on those and makes only the records it may
show (and those tied with them), not one per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Generic, TypeVar, overload

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    from numpy.typing import NDArray

    from reports.model.records import Record
    from reports.model.tables import Rows

R = TypeVar("R", bound="Record")


def latest_per_id(lists: pa.Array, days: NDArray[np.int64]) -> dict[str, int]:
    """Each id named in ``lists``: the latest ``days`` of the rows naming it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = pc.list_flatten(lists)
    if not len(flat):
        return {}
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    valid = pc.is_valid(flat).to_numpy(zero_copy_only=False)
    coded = pc.dictionary_encode(flat.filter(pa.array(valid)))
    codes = coded.indices.to_numpy(zero_copy_only=False)
    best = np.full(len(coded.dictionary), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(best, codes, days[parents[valid]])
    return dict(zip(coded.dictionary.to_pylist(), best.tolist(), strict=True))


class Picked(Sequence[R], Generic[R]):
    """The rows ``at`` of ``rows`` (sorted positions, in order: by day for events), with
    each one's ``day`` and ``significance``."""

    def __init__(self, rows: Rows[R], at: NDArray[np.int64], day: NDArray[np.int64],
                 significance: NDArray[np.int64]):
        self.rows, self.at, self.day, self.significance = rows, at, day, significance

    def __len__(self) -> int:
        return len(self.at)

    @overload
    def __getitem__(self, i: int) -> R: ...
    @overload
    def __getitem__(self, i: slice) -> list[R]: ...
    def __getitem__(self, i: int | slice) -> R | list[R]:
        if isinstance(i, slice):
            return self.rows.take(self.at[i])
        return self.rows.take([int(self.at[i])])[0]

    def __iter__(self) -> Iterator[R]:
        return iter(self.records())

    def records(self) -> list[R]:
        """Every record (made now if not made yet)."""
        return self.rows.take(self.at)

    def latest_day_of_each(self, lists: str) -> dict[str, date]:
        """Each id named in the list column ``lists`` of these rows: the latest day of
        the rows naming it (no record made)."""
        import pyarrow as pa

        from reports.workbook.typed import EPOCH

        ids = self.rows.column(lists).take(pa.array(self.at, type=pa.int64()))
        found = latest_per_id(ids, self.day)
        return {key: date.fromordinal(EPOCH.toordinal() + day) for key, day in found.items()}

    def top(self, limit: int) -> list[R]:
        """The records that may be among the ``limit`` most significant, then most
        recent: those whose (significance, day) is at least the ``limit``-th highest."""
        import numpy as np

        if len(self) <= limit:
            return self.records()
        if limit <= 0:
            return []
        rank = self.significance.astype(np.int64) * (1 << 32) + self.day
        floor = np.partition(rank, len(rank) - limit)[len(rank) - limit]
        return self.rows.take(self.at[rank >= floor])

    def latest(self, limit: int) -> list[R]:
        """The records that may be among the ``limit`` most recent (rows in day order):
        those from the ``limit``-th latest day on."""
        import numpy as np

        if len(self) <= limit:
            return self.records()
        if limit <= 0:
            return []
        start = int(np.searchsorted(self.day, self.day[len(self) - limit], side="left"))
        return self.rows.take(self.at[start:])
