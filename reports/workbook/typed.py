"""Typed Arrow columns as pandas frames and as Python values, and back.

The validated sheets and the model's rows are pandas DataFrames of Arrow-backed columns
(``pd.ArrowDtype``): :func:`frame_of` makes one from Arrow arrays without copying them,
:func:`arrow` gives a column back as one Arrow array, :func:`to_python` as the Python
values a record holds (dates as ``date``, lists of ids as tuples), and :func:`days` as
numpy day numbers (days since 1970-01-01) for whole-column date arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from reports.workbook.grid import Cells

EPOCH = date(1970, 1, 1)
FEW = 512  # fewer values than this are converted one by one


def raw_frame(cells: dict[str, Cells], rows: list[int]) -> pd.DataFrame:
    """A sheet's cells as a DataFrame indexed by Excel row."""
    import pandas as pd

    data = {name: (pd.Series(values, dtype=object) if isinstance(values, list)
                   else pd.Series(pd.arrays.ArrowExtensionArray(values)))
            for name, values in cells.items()}
    frame = pd.DataFrame(data)
    frame.index = pd.Index(rows, name="row")
    return frame


def to_python(values: pa.Array | pa.ChunkedArray) -> list[Any]:
    """Typed values as Python objects: lists of ids as tuples (blank: ``()``). Dates and
    ids repeat: each distinct one is made once and shared."""
    kind = values.type
    if len(values) < FEW:  # a few: plainly (sharing pays off only for many)
        few: list[Any] = values.to_pylist()
        return [() if v is None else tuple(v) for v in few] if pa.types.is_list(kind) else few
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_list(kind):
        lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False)
        items = _shared(pc.list_flatten(values))
        bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=bounds[1:])
        edges = bounds.tolist()
        return [tuple(items[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
    if pa.types.is_date(kind):
        return _shared(values)
    out: list[Any] = values.to_pylist()
    return out


def _shared(values: pa.Array) -> list[Any]:
    """Python values, each distinct one made once (a blank: None)."""
    encoded = values.dictionary_encode()
    distinct: list[Any] = encoded.dictionary.to_pylist()
    distinct.append(None)  # index -1: a blank
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).tolist()
    return list(map(distinct.__getitem__, codes))


def arrow(series: pd.Series) -> pa.Array:
    """A frame's column as one Arrow array (no copy for Arrow-backed columns)."""
    import pandas as pd

    array = series.array
    if isinstance(array, pd.arrays.ArrowExtensionArray):
        chunked = array.__arrow_array__()
        if isinstance(chunked, pa.ChunkedArray):
            return chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
        return chunked
    return pa.array(series.to_numpy(dtype=object), from_pandas=True)


def frame_of(columns: dict[str, pa.Array], rows: Sequence[int]) -> pd.DataFrame:
    """Typed Arrow columns as a DataFrame of Arrow-backed columns, indexed by Excel row."""
    import pandas as pd

    frame = pd.DataFrame({name: pd.arrays.ArrowExtensionArray(values)
                          for name, values in columns.items()})
    frame.index = pd.Index(np.asarray(rows, dtype=np.int64), name="row")
    return frame


def days(values: pa.Array, blank: int) -> NDArray[np.int64]:
    """A date32 column as days since 1970-01-01 (a blank: ``blank``)."""
    ints: NDArray[np.int64] = pc.fill_null(pc.cast(pc.cast(values, pa.int32()), pa.int64()),
                                           blank).to_numpy(zero_copy_only=False)
    return ints


def day_number(day: date | datetime) -> int:
    """A date as days since 1970-01-01."""
    if isinstance(day, datetime):
        day = day.date()
    return day.toordinal() - EPOCH.toordinal()
