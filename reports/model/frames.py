"""The validated workbook as pandas DataFrames, for analysts: :func:`load`
(``reports.load(path)``). docs/analysis.md shows how to use them.

One DataFrame per contract sheet, one row per record, indexed by the record's Excel row
("row"): every column of the contract in its order, typed (text, ``date32`` days,
``int64`` numbers, lists of ids), blank cells holding the column's default; ``marking``
as the desk's level and ``marking_rank`` (0 = the lowest) where the sheet has markings;
then the sheet's extra columns, as text. A sheet the workbook lacks is an empty frame
with the same columns. Memos are built from exactly these frames.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from reports.errors import WorkbookInvalid

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


def load(path: str | Path, config: str | Path | None = None, *,
         strict: bool = True) -> dict[str, pd.DataFrame]:
    """The workbook at ``path``, validated, as one DataFrame per sheet (by sheet name:
    "Actors", "Issues", "Events", "Positions", "Sources", "Outlook", "Assessments",
    "Distribution").

    ``config``: a ``reports.toml`` whose marking levels and likelihood yardstick the
    cells are checked against (default: one level, UNCLASSIFIED, and ICD 203).
    Warnings are logged. A workbook with errors raises
    :class:`~reports.errors.WorkbookInvalid` (its ``problems`` lists every one), unless
    ``strict`` is False: then the cells that do not fit are null. A file that is no
    workbook raises :class:`~reports.errors.WorkbookUnreadable`.
    """
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    rules = None
    if config is not None:
        from reports.config.load import load_config

        rules = load_config(Path(config), required=True).rules()
    checked = validate(read_workbook(path), rules)
    for problem in checked.warnings:
        log.warning("%s", problem)
    if strict and not checked.ok:
        raise WorkbookInvalid(checked.problems)
    return dict(checked.frames)
