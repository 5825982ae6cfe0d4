"""Every style the Word renderer writes a memo in, named once.

The memo body is written in the Word template's own styles (``templates/memo.docx``, made
by ``scripts/make_templates.py`` and restyled by staff in Word), by the names python-docx
gives them (Word's own names for its built-in styles). :data:`STYLES` lists each one the
renderer (``reports/render/docx/*``) uses, of which kind, what for, and whether the memo
can do without it: the template check (``reports.template_check``) refuses a template
that lacks a ``required`` style or holds one of the wrong kind, before anything is
built, and a test keeps this list and the renderer's code the same. Light: no imports.
"""

from __future__ import annotations

from dataclasses import dataclass

PARAGRAPH, CHARACTER, TABLE = "paragraph", "character", "table"


@dataclass(frozen=True)
class WordStyle:
    name: str  # as python-docx names it (and the renderer looks it up)
    kind: str  # paragraph, character or table
    used_for: str
    fallback: str = ""  # what the renderer does without it; "" when it is required
    shown: str = ""  # the name Word's Styles pane shows, when it differs

    @property
    def required(self) -> bool:
        return not self.fallback

    @property
    def label(self) -> str:
        return self.shown or self.name


STYLES: tuple[WordStyle, ...] = (
    WordStyle("Normal", PARAGRAPH, "paragraphs (bottom line, assessments)"),
    WordStyle("Heading 1", PARAGRAPH, "section headings"),
    WordStyle("Heading 2", PARAGRAPH, "subheadings"),
    WordStyle("Heading 3", PARAGRAPH, "subheadings within subsections"),
    WordStyle("Caption", PARAGRAPH, "figure captions"),
    WordStyle("Quote", PARAGRAPH, "quotations of an actor"),
    WordStyle("Memo Note", PARAGRAPH, "notes and the lines saying what a list left out"),
    WordStyle("Memo Period", PARAGRAPH, 'the "Period covered" line of the weekly memo'),
    WordStyle("Memo Table Text", PARAGRAPH, "table text"),
    WordStyle("Memo Table Heading", PARAGRAPH, "table header cells"),
    WordStyle("Memo Source", PARAGRAPH, "the numbered Sources list"),
    WordStyle("Memo Citation", CHARACTER, "citation marks"),
    WordStyle("Hyperlink", CHARACTER, "links"),
    WordStyle("Memo Table", TABLE, "every table"),
    WordStyle("Memo Legend", PARAGRAPH, "the legend of the likelihood terms",
              "Memo Note, in small grey text"),
    WordStyle("TOC Heading", PARAGRAPH, "the heading of the contents", "no heading"),
    WordStyle("toc 1", PARAGRAPH, "the lines of the contents", "Normal", "TOC 1"),
    WordStyle("footnote text", PARAGRAPH, "footnotes", "Normal", "Footnote Text"),
    WordStyle("footnote reference", CHARACTER, "footnote marks", "superscript",
              "Footnote Reference"),
    WordStyle("Memo Japanese", CHARACTER, "Japanese text (its font)", "the default font"),
    WordStyle("Memo Korean", CHARACTER, "Korean text (its font)", "the default font"),
    WordStyle("Memo Chinese", CHARACTER, "Chinese text (its font)", "the default font"),
)

BY_NAME: dict[str, WordStyle] = {style.name: style for style in STYLES}
REQUIRED_STYLES: tuple[str, ...] = tuple(s.name for s in STYLES if s.required)

__all__ = ["WordStyle", "STYLES", "BY_NAME", "REQUIRED_STYLES", "PARAGRAPH", "CHARACTER",
           "TABLE"]
