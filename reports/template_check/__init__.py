"""The template check: every tag of the Word and HTML templates, before anything is
written. :mod:`~reports.template_check.check` runs it; a Word template is read as units
(:mod:`~reports.template_check.word`), its tags found (:mod:`~reports.template_check.tags`)
and checked as Jinja (:mod:`~reports.template_check.jinja`, scope by scope:
:mod:`~reports.template_check.names`); each problem is a :class:`reports.problems.Problem`
found in a template, with a code.

The names below are imported on first use: jinja2 is not imported with the package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEMO_KEYS", "check_templates", "check_word_template", "template_problems",
           "word_template_problems", "html_template_problems"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reports.template_check import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
