"""Template problems as data (template, where, tag, code, message), collected per file.

The codes and their one-line advice are documented for staff in ``docs/templates.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ERROR = "error"

# Every code a template problem may have (docs/templates.md says what to do for each).
CODES = (
    "unclosed-tag", "single-brace", "extra-brace", "stray-closer", "mismatched-delimiters",
    "unclosed-comment", "smart-quote", "syntax", "unclosed-block", "stray-end",
    "end-mismatch", "misplaced-tag", "unknown-name", "unknown-attribute", "unknown-filter",
    "unknown-test", "unknown-macro", "missing-template", "unreadable", "paragraph-tag",
    "body-missing", "body-repeated", "body-tag", "body-not-alone", "body-placement",
    "body-in-block", "tag-not-filled",
)

CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}

# What a staff member is told to type, shown with the problems of a template.
EXAMPLE_PRINT = "{{ memo.subject }}"
EXAMPLE_BLOCK = "{% if memo.window %} ... {% endif %}"


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in one template, in words a staff member editing it understands."""

    template: str  # the file
    where: str  # "body paragraph 12", "table 1, row 2, column 3", "page header", "line 14"
    tag: str  # the tag as the editor sees it
    code: str  # stable, kebab-case: "unclosed-tag", "unknown-name" ...
    message: str  # what is wrong and what to type instead
    severity: str = ERROR

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "template": self.template, "where": self.where,
                "tag": self.tag, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        return f"{self.template}, {self.where}: {self.message}"


class Problems:
    """The problems of one template, collected in order, each reported once."""

    def __init__(self, template: str):
        self.template = template
        self.items: list[TemplateProblem] = []

    def add(self, code: str, where: str, tag: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"template problem code {code!r} is not in CODES")
        problem = TemplateProblem(self.template, where, tag, code, message)
        if not any((p.where, p.code, p.tag) == (where, code, tag) for p in self.items):
            self.items.append(problem)

    def report(self, code: str, advice: str, unit, start: int, end: int) -> None:
        """A problem with the text ``unit.text[start:end]`` (see template_check.tags.Unit)."""
        text = unit.text[start:end].strip()
        tag = shorten(text if unit.where else text.split("\n")[0])
        seen = unit.seen(start, end)
        context = f' (the paragraph reads "{seen}")' if seen and seen != tag else ""
        self.add(code, unit.where_at(start), tag, f'"{tag}"{context}: {advice}')

    def on_tag(self, code: str, tag, advice: str) -> None:
        """A problem with a whole tag (see template_check.tags.Tag)."""
        self.report(code, advice, tag.unit, tag.start, tag.start + len(tag.text))


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


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


def closest(name: str, known) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known) -> str:
    close = closest(name, known)
    return f"did you mean {close}? " if close else ""


__all__ = ["TemplateProblem", "Problems", "advise_close", "closest", "did_you_mean", "shorten",
           "EXAMPLE_PRINT", "EXAMPLE_BLOCK"]
