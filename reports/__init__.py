"""Briefing toolkit: workbook -> validate -> model -> memos.

For analysts, :func:`load` gives the validated workbook as pandas DataFrames
(``reports.load("workbook/gsomia_relations.xlsx")["Events"]``; docs/analysis.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def load(path: str | Path, config: str | Path | None = None, *,
         strict: bool = True) -> dict[str, pd.DataFrame]:
    """The workbook at ``path``, validated, as one DataFrame per sheet
    (:func:`reports.model.frames.load`)."""
    from reports.model.frames import load as load_frames

    return load_frames(path, config, strict=strict)


__all__ = ["load"]
