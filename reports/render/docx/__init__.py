"""The Word memo: :func:`render_docx` (:mod:`~reports.render.docx.document`) fills the
template; the body is written by :mod:`~reports.render.docx.blocks`,
:mod:`~reports.render.docx.tables` and :mod:`~reports.render.docx.pictures` on
:mod:`~reports.render.docx.wordml`; footnotes :mod:`~reports.render.docx.notes`, contents
:mod:`~reports.render.docx.toc`.

The names below are imported on first use: python-docx is not imported with the package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_docx", "REQUIRED_STYLES", "MEMO_KEYS"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reports.render.docx import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
