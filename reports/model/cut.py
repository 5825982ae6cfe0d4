"""The cut of a model to a marking: the frames a memo at a ceiling may hold.

Rows ranked above the ceiling go (and sources the memo does not cite, when it is given a
rule for them), and so do the references to them: every list of ids
(actors, issues, sources) loses the dropped ones; a position on a dropped actor or issue,
an outlook item about one, an assessment on a dropped issue and a record whose every
source was dropped go too (:meth:`reports.model.model.Model.within`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reports.model.records import Source
from reports.model.tables import Rows

if TYPE_CHECKING:
    from numpy.typing import NDArray


def drop_ids(lists: pa.Array, dropped: pa.Array) -> tuple[pa.Array, NDArray[np.bool_]]:
    """Lists of ids without those in ``dropped``; and per row: it lost one."""
    count = len(lists)
    flat = pc.list_flatten(lists)
    if not len(flat) or not len(dropped):
        return lists, np.zeros(count, dtype=bool)
    gone = pc.is_in(flat, value_set=dropped).to_numpy(zero_copy_only=False)
    if not gone.any():
        return lists, np.zeros(count, dtype=bool)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    lost = np.zeros(count, dtype=bool)
    lost[parents[gone]] = True
    kept = np.bincount(parents[~gone], minlength=count)
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(kept, out=offsets[1:])
    values = flat.filter(pa.array(~gone))
    return pa.ListArray.from_arrays(pa.array(offsets), values), lost


def cut(rows: Rows[Any], ceiling: int, dropped: dict[str, pa.Array],
        keep_also: NDArray[np.bool_] | None = None, *,
        about: tuple[str, ...] = ()) -> Rows[Any]:
    """The rows a memo at ``ceiling`` may hold: none ranked above it; their lists of ids
    without the dropped actors, issues and sources (``dropped``); none that rested on
    sources all dropped; none about (``about``: lists naming) a dropped actor or issue;
    and only those ``keep_also`` allows."""
    keep = rows.ints("marking_rank") <= ceiling
    if keep_also is not None:
        keep &= keep_also
    names = [n for n in ("actors", "issues", "sources") if n in rows.frame.columns]
    lists: dict[str, pa.Array] = {}
    for name in names:
        values, lost = drop_ids(rows.column(name), dropped[name])
        if name in about:
            keep &= ~lost
        elif lost.any():
            lists[name] = values
            if name == "sources":
                emptied = pc.fill_null(pc.equal(pc.list_value_length(values), 0), False)
                keep &= ~(lost & emptied.to_numpy(zero_copy_only=False))
    where = pa.array(np.flatnonzero(keep), type=pa.int64())
    return rows.select(keep, {n: v.take(where) for n, v in lists.items()})


def rank_filter(ids: pa.Array, ranks: NDArray[np.int64], ceiling: int,
                also: Callable[[int], bool] | None = None) -> tuple[NDArray[np.bool_], pa.Array]:
    """Rows of a keyed sheet kept at ``ceiling`` (and by ``also``), and the dropped keys."""
    keep = ranks <= ceiling
    if also is not None:
        keep &= np.array([also(i) for i in range(len(ranks))], dtype=bool)
    dropped = pc.drop_null(ids.filter(pa.array(~keep)))
    return keep, dropped


def cut_model(rows: dict[str, Rows[Any]], ceiling: int,
              cite: Callable[[Source], bool] | None) -> dict[str, Rows[Any]]:
    """A model's rows cut to ``ceiling`` (and to the sources ``cite`` accepts), as the
    module says; :meth:`reports.model.model.Model.within` makes each cut once."""
    kept: dict[str, Rows[Any]] = {}
    dropped: dict[str, pa.Array] = {}
    for sheet, name, key in (("Actors", "actors", "actor_id"),
                             ("Issues", "issues", "issue_id"),
                             ("Sources", "sources", "source_id")):
        also = None
        if sheet == "Sources" and cite is not None:
            records = rows[sheet].all()
            also = lambda i, records=records: bool(cite(records[i]))  # noqa: E731
        keep, gone = rank_filter(rows[sheet].column(key), rows[sheet].ints("marking_rank"),
                                 ceiling, also)
        kept[sheet] = rows[sheet].select(keep)
        dropped[name] = gone
    actor_ids = kept["Actors"].column("actor_id")
    issue_ids = kept["Issues"].column("issue_id")
    positions = rows["Positions"]
    on_kept = (_flags(pc.is_in(positions.column("actor_id"), value_set=actor_ids))
               & _flags(pc.is_in(positions.column("issue_id"), value_set=issue_ids)))
    assessments = rows["Assessments"]
    issue = assessments.column("issue_id")
    on_issue = pc.or_(pc.is_null(issue), pc.is_in(issue, value_set=issue_ids))
    return {
        **kept,
        "Events": cut(rows["Events"], ceiling, dropped),
        "Positions": cut(positions, ceiling, dropped, on_kept),
        "Outlook": cut(rows["Outlook"], ceiling, dropped, about=("actors", "issues")),
        "Assessments": cut(assessments, ceiling, dropped, _flags(on_issue, True)),
    }


def _flags(mask: pa.Array, blank: bool = False) -> NDArray[np.bool_]:
    flags: NDArray[np.bool_] = pc.fill_null(mask, blank).to_numpy(zero_copy_only=False)
    return flags
