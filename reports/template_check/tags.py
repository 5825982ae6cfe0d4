"""Jinja tags in staff-edited template text, found and checked one by one.

Jinja reads an unbalanced ``{{``, a lone ``}`` or a stray ``}}`` as plain text, so a
broken tag would print as text (or swallow the text up to the next tag) instead of
failing. :class:`TagScanner` therefore finds the delimiters itself, in *units* of text a
tag must open and close in (a Word paragraph, as Word's runs joined; an HTML file), and
``template_check.jinja.TagChecker`` then checks every tag found: curly quotes, Jinja syntax
(every broken tag reported, not only the first), names, ``memo`` keys, filters and tests
(from the Jinja AST), and the nesting of block tags.
Problems go to a :class:`~reports.template_check.problems.Problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reports.template_check.problems import CLOSER, advise_close

DELIMITERS = re.compile(r"\{[{%#]|[}%#]\}")
_RAW_END = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}")
# Word's AutoCorrect quotes ("Straight quotes" with "smart quotes"), and other languages'.
SMART_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2039": "'", "\u203a": "'"}


@dataclass
class Unit:
    """Text in which every tag must open and close: one Word paragraph or one HTML file."""

    where: str  # "body paragraph 3"; "" for a file (then the line is named)
    text: str
    part: str  # block tags must balance within a part (Word: body, each header...)
    placement: str = "file"  # body, table, text box, header, footer, footnote, ...

    @property
    def scope(self) -> str:
        """Where a tag must close, said to the editor."""
        return " (in the same paragraph)" if self.where else ""

    def where_at(self, offset: int) -> str:
        return self.where or f"line {self.text.count(chr(10), 0, offset) + 1}"

    def seen(self, start: int, end: int) -> str:
        """The text around a tag as the editor sees it (a Word paragraph's words)."""
        if not self.where:
            return ""
        text = self.text.strip()
        if len(text) <= 90:
            return text
        lo = max(0, start - 30)
        return ("\u2026" if lo else "") + self.text[lo:end + 30].strip() + "\u2026"


@dataclass
class Tag:
    unit: Unit
    start: int
    text: str  # as typed, delimiters included
    keyword: str = ""  # the first word of a {% %} tag
    prefix: str = ""  # docxtpl's p/r/tr/tc after the opening delimiter
    source: str = ""  # what Jinja parses: prefix dropped, quotes straightened
    broken: bool = False  # its delimiters are wrong (reported): not parsed
    nodes: list[Any] = field(default_factory=list)  # its Jinja AST nodes, once parsed
    inside: list[str] = field(default_factory=list)  # the blocks open around it

    @property
    def where(self) -> str:
        return self.unit.where_at(self.start)


class TagScanner:
    """Finds the tags of each unit and reports broken delimiters around them."""

    def __init__(self, report: Callable[[str, str, Unit, int, int], None]) -> None:
        self.report = report  # report(code, message, unit, start, end)

    def scan(self, unit: Unit) -> list[Tag]:
        s, i = unit.text, 0
        tags: list[Tag] = []
        while (m := DELIMITERS.search(s, i)) is not None:
            p, token = m.start(), m.group()
            if token not in CLOSER:
                i = self._stray(unit, i, p, token)
            elif token != "{#":
                i = self._tag(unit, p, tags)
            elif "#}" in s[p + 2:]:
                i = s.index("#}", p + 2) + 2
            else:
                self.report("unclosed-comment", "this comment is never closed: add #} where "
                            f"it ends{unit.scope}, or delete the {{#", unit, p, len(s))
                break
        return tags

    def _stray(self, unit: Unit, i: int, p: int, token: str) -> int:
        s = unit.text
        brace = s.rfind("{", i, p)
        if token == "}}" and brace >= 0 and "}" not in s[brace:p]:
            self.report("single-brace", f"this tag opens with a single {{: type "
                        f"{{{s[brace:p + 2]}", unit, brace, p + 2)
            return p + 2
        opener = {"}}": "{{", "%}": "{%", "#}": "{#"}[token]
        before = re.search(r"([\w.]+(?:\[[^\]]*\])?)\s*-?$", s[i:p]) if token == "}}" else None
        if before:
            fix = f"type {opener} {before.group(1)} {token} if a tag was meant, or delete " \
                f"the {token}"
        else:
            fix = f"add the {opener} it belongs to, or delete the {token}"
        self.report("stray-closer", f"{token} closes no tag: {fix}", unit,
                    i + before.start(1) if before else p, p + 2)
        return p + 2

    def _tag(self, unit: Unit, p: int, tags: list[Tag]) -> int:
        s = unit.text
        opener = s[p:p + 2]
        lead = int(opener == "{{" and s.startswith("{", p + 2))  # {{{
        start = p + lead
        status, j = _closing(s, start + 2, CLOSER[opener])
        if status != "ok":
            stop = j if status == "unclosed" else j + 2
            wrong = s[j:j + 2] if status == "mismatch" else ""
            code, advice, length = advise_close(opener, s[start:stop].rstrip(), wrong,
                                                unit.scope)
            self.report(code, advice, unit, p, start + length)
            tags.append(_make_tag(unit, start, s[start:stop], broken=True))  # keeps nesting
            return stop
        end = j + 2
        trail = int(opener == "{{" and s.startswith("}", end))  # }}}
        if lead or trail:
            self.report("extra-brace", f"this tag has three braces; type {{{{ "
                        f"{s[start + 2:j].strip()} }}}} (two on each side)", unit, p, end + trail)
        tag = _make_tag(unit, start, s[start:end])
        if tag.keyword == "raw":
            close = _RAW_END.search(s, end)
            if close is None:
                self.report("unclosed-block", "{% raw %} is never closed: add {% endraw %} "
                            "after the text it keeps as it is", unit, p, end)
                return len(s)
            return close.end()
        tags.append(tag)
        return end + trail


def _closing(s: str, j: int, closer: str) -> tuple[str, int]:
    """("ok", index of the closer) or ("mismatch", index of the wrong closer) or
    ("unclosed", index where the tag must have ended: the next opener, or the end)."""
    while j < len(s):
        c = s[j]
        if c in "'\"":  # a quoted string may hold braces; it ends on the same line
            k = s.find(c, j + 1)
            if k > 0 and "\n" not in s[j:k]:
                j = k + 1
                continue
        pair = s[j:j + 2]
        if pair == closer:
            return "ok", j
        if pair in ("}}", "%}") and closer != "#}":
            return "mismatch", j
        if pair in CLOSER:
            return "unclosed", j
        j += 1
    return "unclosed", len(s)


def _make_tag(unit: Unit, start: int, text: str, broken: bool = False) -> Tag:
    prefix = ""
    if unit.placement != "file":  # docxtpl's {%p if %}, {{p body }}, {%tr for %} ...
        m = re.match(r"\{[{%#](tr|tc|p|r) ", text)
        if m:
            prefix = m.group(1)
    source = text[:2] + text[2 + len(prefix):] if prefix else text
    source = "".join(SMART_QUOTES.get(c, c) for c in source)
    m = re.match(r"\{%[-+]?\s*(\w+)", source)
    return Tag(unit, start, text, m.group(1) if m else "", prefix, source, broken)


def smart_quotes(text: str) -> str:
    """The curly quotes of a tag that stand where Jinja needs straight ones (not inside
    a straight-quoted string)."""
    found, quote = [], None
    for c in text:
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in SMART_QUOTES and c not in found:
            found.append(c)
    return "".join(found)


__all__ = ["Unit", "Tag", "TagScanner", "smart_quotes", "SMART_QUOTES", "DELIMITERS"]
