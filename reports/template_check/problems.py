"""Template problems collected per file, and the advice for broken delimiters.

Each problem is a :class:`reports.problems.Problem` found in a template (file, where,
tag, code, message; the codes are ``reports.problems.TEMPLATE_CODES``, documented for staff
in ``docs/templates.md``).
"""

from __future__ import annotations

import re
from typing import Protocol

from reports.problems import Problem, Report
from reports.text import clip


class Unit(Protocol):  # reports.template_check.tags.Unit, as problems are placed in it
    text: str
    where: str

    def where_at(self, offset: int) -> str: ...

    def seen(self, start: int, end: int) -> str: ...


class Tag(Protocol):  # reports.template_check.tags.Tag
    @property
    def unit(self) -> Unit: ...

    @property
    def start(self) -> int: ...

    @property
    def text(self) -> str: ...

CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}

# What a staff member is told to type, shown with the problems of a template.
EXAMPLE_PRINT = "{{ memo.subject }}"
EXAMPLE_BLOCK = "{% if memo.window %} ... {% endif %}"


class Problems:
    """The problems of one template, collected in order, each reported once."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.found = Report()

    @property
    def items(self) -> list[Problem]:
        return self.found.problems

    def add(self, code: str, where: str, tag: str, message: str) -> None:
        self.found.add(Problem.in_template(self.template, where, tag, code, message))

    def report(self, code: str, advice: str, unit: Unit, start: int, end: int) -> None:
        """A problem with the text ``unit.text[start:end]``."""
        text = unit.text[start:end].strip()
        tag = shorten(text if unit.where else text.split("\n")[0])
        seen = unit.seen(start, end)
        context = f' (the paragraph reads "{seen}")' if seen and seen != tag else ""
        self.add(code, unit.where_at(start), tag, f'"{tag}"{context}: {advice}')

    def on_tag(self, code: str, tag: Tag, advice: str) -> None:
        """A problem with a whole tag."""
        self.report(code, advice, tag.unit, tag.start, tag.start + len(tag.text))


def shorten(text: str, limit: int = 80) -> str:
    """``text`` on one line, clipped to ``limit`` characters (:func:`reports.text.clip`)."""
    return clip(" ".join(text.split()), limit)


def advise_close(opener: str, typed: str, wrong: str, scope: str) -> tuple[str, str, int]:
    """(code, advice, length of the tag in ``typed``) for a tag that opens with ``opener``
    and never closes with its closer: ``typed`` is the text from the opener on as far as
    the tag can go, ``wrong`` the other closer if it ends with one, ``scope`` where it
    must close (" (in the same paragraph)")."""
    closer = CLOSER[opener]
    if wrong:
        return "mismatched-delimiters", (f"this tag opens with {opener} but closes with "
                                         f"{wrong}: type {opener} {typed[2:-2].strip()} "
                                         f"{closer}"), len(typed)
    lone = re.search(r"(?<![}%])(?:\}(?!\})|%$)", typed[2:])
    if lone and "{" not in typed[2:2 + lone.start()]:
        end = 2 + lone.end()
        return "single-brace", (f"this tag is closed with a single {lone.group()}: type "
                                f"{opener} {typed[2:end - 1].strip()} {closer}"), end
    body = typed[2:].strip()
    if opener == "{{":
        expression = re.match(r"-?\s*([\w.]+(?:\[[^\]]*\])?(?:\s*\|\s*\w+)*)", body)
        fix = f"{{{{ {expression.group(1)} }}}}" if expression else EXAMPLE_PRINT
    else:
        fix = f"{{% {shorten(body.split(chr(10))[0], 50)} %}}" if body else EXAMPLE_BLOCK
    return "unclosed-tag", f"this tag is never closed with {closer}{scope}: type {fix}", \
        len(typed)


__all__ = ["Problems", "advise_close", "shorten", "EXAMPLE_PRINT", "EXAMPLE_BLOCK"]
