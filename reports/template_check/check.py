"""The staff-editable templates checked before anything is rendered.

``check_templates(folder, formats)`` runs once before every ``build`` and ``run`` (and
``validate --templates`` runs it on its own): it raises :class:`TemplateInvalid` listing
every problem of ``memo.docx`` and the HTML templates, so no memo is written from a
broken template. ``render_docx`` calls ``check_word_template`` too (cached per file).

Jinja reads a broken delimiter (``{{ memo.subject`` unclosed, ``{ memo.date }}``, a stray
``}}``) as plain text, which would put a field's tag, or the whole memo body, into the
wrong place with no error; so the delimiters are checked first
(:mod:`~reports.template_check.tags`), then every tag as Jinja
(:mod:`~reports.template_check.jinja`): syntax, nesting, names, ``memo`` fields,
filters and tests, scope by scope in every branch, macros' arguments
(:mod:`~reports.template_check.names`). The Word template is read paragraph by paragraph,
runs joined (:mod:`~reports.template_check.word`), and must hold every style the renderer
needs, each of its kind (``reports.render.docx.styles``); an HTML template is read as one
text, by line, and ``blocks.html`` must draw every block type a memo may hold.

No message advises a command that would overwrite a template staff have restyled.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from reports.errors import TemplateInvalid
from reports.memo.kinds import FORMATS
from reports.problems import Problem
from reports.render.docx.styles import STYLES
from reports.template_check.jinja import TagChecker
from reports.template_check.names import Signature, macros_of
from reports.template_check.problems import Problems
from reports.template_check.tags import Tag, TagScanner, Unit
from reports.template_check.word import UNFILLED, NotWord, open_word, word_styles, word_units

__all__ = ["MEMO_KEYS", "check_templates", "check_word_template", "template_problems",
           "word_template_problems", "html_template_problems"]

# The memo block's fields (reports/memo/contents.py): what templates may use as memo.<key>.
MEMO_KEYS = ("id", "kind", "title", "subject", "as_of", "date", "window", "office", "author",
             "marking", "to", "from", "lang", "keywords", "edition_label", "east_asian_lang",
             "summary", "short_marking")
WORD_TEMPLATE = "memo.docx"
WORD_VARIABLES = ("memo", "body")  # what render_docx gives the Word template
BODY_TAG = "{{p body }}"
# What the HTML renderer (render_html, render_index) gives each page.
PAGE_VARIABLES = {"memo.html": ("memo", "sections", "sources", "page"),
                  "index.html": ("entries", "page")}
HTML_PAGES = ("memo.html", "blocks.html", "base.html")  # the memo page (format html)
HTML_INDEX = ("index.html", "base.html")  # written by every build

BLOCKS_TEMPLATE, BLOCK_MACRO_PREFIX = "blocks.html", "block_"  # as reports.render.html

log = logging.getLogger(__name__)

_CACHE: dict[tuple[Any, ...], list[Problem]] = {}
_CACHE_LOCK = threading.Lock()


def check_templates(folder: Path, formats: Iterable[str] | None = None,
                    cache: Path | None = None) -> None:
    """Raise :class:`TemplateInvalid` with every problem of the templates that building
    ``formats`` (default: all) uses: memo.docx for docx/pdf, the HTML pages and always
    the index. With ``cache`` (a folder), a pass is kept there and the same templates,
    byte for byte, are not checked again (:mod:`reports.template_check.verdict`)."""
    from reports.template_check import verdict

    folder, formats = Path(folder), set(FORMATS if formats is None else formats)
    env = word_environment()
    found = verdict.verdict_key(folder, formats, _libraries(formats)) if cache else None
    if cache is not None and found is not None and verdict.passed(cache, found[0]):
        word = folder / WORD_TEMPLATE
        if formats & {"docx", "pdf"} and word in found[1]:
            _passed_word(word, found[1][word], env)  # render_docx's own check: this pass
        log.debug("templates in %s unchanged since they last passed the check", folder)
        return
    problems = template_problems(folder, formats)
    if problems:
        raise TemplateInvalid(problems)
    if cache is not None and found is not None:
        # Kept only if the files checked are still the ones hashed (none saved meanwhile).
        again = verdict.verdict_key(folder, formats, _libraries(formats))
        if again is not None and again[0] == found[0]:
            verdict.record_pass(cache, found[0])


def restore(path: Path) -> str:
    """How to get a missing template back: a copy of the toolkit's default one (the one
    the package carries; in a checkout, templates/), else made by the script."""
    from reports.config.tables import packaged_templates

    default = packaged_templates() / path.name
    if default.is_file() and default.resolve() != path.resolve():
        return f"copy the toolkit's default one from {default}"
    if path.name == WORD_TEMPLATE:
        return f"run `python scripts/make_templates.py --out {path}` to make the default one"
    return "restore it from the toolkit's templates/ folder"


def _libraries(formats: set[str]) -> dict[str, str]:
    """The versions of what reads the templates for ``formats`` (imported to render them)."""
    found = {"jinja2": jinja2.__version__}
    if formats & {"docx", "pdf"}:
        import docx
        import docxtpl
        from lxml import etree

        found.update({"docxtpl": docxtpl.__version__, "python-docx": docx.__version__,
                      "lxml": etree.__version__})
    return found


def _passed_word(path: Path, stat: os.stat_result, env: jinja2.Environment) -> None:
    """Remember in this process that the Word template, as ``stat`` found it, passed."""
    with _CACHE_LOCK:
        _CACHE.setdefault(_word_key(path, stat, env), [])


def check_word_template(path: Path, env: jinja2.Environment | None = None) -> None:
    """Raise :class:`TemplateInvalid` with every problem of the Word template."""
    problems = word_template_problems(path, env)
    if problems:
        raise TemplateInvalid(problems)


def template_problems(folder: Path, formats: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of the templates in ``folder`` that ``formats`` use (None: all of
    them, every ``*.html`` file included)."""
    folder = Path(folder)
    formats = set(FORMATS if formats is None else formats)
    problems: list[Problem] = []
    if formats & {"docx", "pdf"}:
        problems += word_template_problems(folder / WORD_TEMPLATE)
    names = set(HTML_INDEX) | (set(HTML_PAGES) if "html" in formats else set())
    if formats == set(FORMATS):
        names |= {p.name for p in folder.glob("*.html")}
    return problems + html_template_problems(folder, sorted(names))


# --------------------------------------------------------------------------- Word


def word_environment() -> jinja2.Environment:
    """The environment the Word template is filled in with (render_docx's)."""
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def word_template_problems(path: Path, env: jinja2.Environment | None = None
                           ) -> list[Problem]:
    """Every problem of the Word template at ``path``, the same list for the same file."""
    path, env = Path(path), env or word_environment()
    try:
        stat = path.stat()
    except OSError:
        problems = Problems(str(path))
        problems.add("missing-template", "the file", path.name, f"the Word template {path} "
                     f"does not exist: {restore(path)}, or point paths.templates in "
                     "reports.toml at the folder holding yours")
        return problems.items
    key = _word_key(path, stat, env)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _word_problems(path, env)
        return list(_CACHE[key])


def _word_key(path: Path, stat: os.stat_result, env: jinja2.Environment) -> tuple[Any, ...]:
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size, tuple(sorted(env.filters)),
            tuple(sorted(env.tests)), tuple(sorted(env.globals)))


def _word_problems(path: Path, env: jinja2.Environment) -> list[Problem]:
    problems = Problems(str(path))
    try:
        document = open_word(path)
        units = word_units(document)
        styles = word_styles(document)
    except NotWord as exc:
        problems.add("unreadable", "the file", path.name, f"{path} is not a Word .docx file "
                     f"that can be read ({exc}): save it from Word as a Word Document (.docx)")
        return problems.items
    scanner = TagScanner(problems.report)
    tags = [tag for unit in units for tag in scanner.scan(unit)]
    TagChecker(env, problems, allowed=WORD_VARIABLES, memo_keys=MEMO_KEYS).check(tags)
    _body_tag(tags, problems)
    for tag in tags:
        if tag.unit.placement in UNFILLED:
            problems.on_tag("tag-not-filled", tag, f"tags in {tag.unit.placement}s are not "
                            "filled in and would print as typed: move the tag into the body, "
                            "a header or a footer")
    _styles(styles, problems)
    if not problems.items:
        _as_docxtpl_reads_it(path, env, problems)
    return problems.items


def _styles(found: dict[str, str], problems: Problems) -> None:
    """Every style the renderer writes the memo in (``render.docx.styles.STYLES``): each
    required one present, each present one of the kind the renderer uses it as."""
    for style in STYLES:
        kind = found.get(style.name)
        if kind is None and style.required:
            problems.add("missing-style", "the styles", style.label, f'the template has no '
                         f'{style.kind} style "{style.label}", which the memo uses for '
                         f"{style.used_for}: in Word, create it (Home > Styles > New Style, "
                         f"of type {style.kind.capitalize()}), or copy it in with Word's Organizer "
                         "from a fresh default template (`python scripts/make_templates.py "
                         "--out default-memo.docx` writes one, leaving yours as it is); "
                         "restyle it as you like, but keep its name")
        elif kind is not None and kind != style.kind:
            problems.add("wrong-style-type", "the styles", style.label, f'"{style.label}" is '
                         f"a {kind} style, but the memo uses it as a {style.kind} style (for "
                         f"{style.used_for}): rename that style, and create a {style.kind} "
                         f'style named "{style.label}"')


def _body_tag(tags: list[Tag], problems: Problems) -> None:
    """``{{p body }}`` exactly once, alone in a body paragraph, outside any block."""
    found = []
    for tag in tags:
        uses_body = any(getattr(n, "name", None) == "body" and getattr(n, "ctx", "") == "load"
                        for n in tag.nodes)
        if tag.prefix and tag.text.startswith("{{") and not uses_body:
            problems.on_tag("paragraph-tag", tag, f"{{{{{tag.prefix} ...}}}} replaces a whole "
                            f"paragraph and is only for the memo body: type {tag.source}")
        faults = _body_faults(tag) if uses_body else []
        for code, advice in faults:
            problems.on_tag(code, tag, advice)
        if uses_body and not faults:
            found.append(tag)
    for tag in found[1:]:
        problems.on_tag("body-repeated", tag, f"{BODY_TAG} appears more than once (first in "
                        f"{found[0].where}): keep one, delete the others")
    if not found and not any(p.code.startswith("body") for p in problems.items):
        problems.add("body-missing", "document body", BODY_TAG, f"the template has no {BODY_TAG} "
                     "paragraph, so the memo body would be lost: type {{p body }} alone in a "
                     "paragraph of the body where the memo text belongs")


def _body_faults(tag: Tag) -> list[tuple[str, str]]:
    faults = []
    if not re.fullmatch(r"\{\{p body\s*\}\}", tag.text):
        faults.append(("body-tag", f"the memo body goes in as {BODY_TAG} (with the p, nothing "
                       f"else in the tag): type {BODY_TAG}"))
    if tag.unit.text.strip() != tag.text:
        faults.append(("body-not-alone", f"{BODY_TAG} must be alone in its own paragraph: move "
                       "the other text into a paragraph of its own"))
    if tag.unit.placement != "body":
        faults.append(("body-placement", f"{BODY_TAG} must be in a paragraph of the document "
                       f"body, not in a {tag.unit.placement}: move it there"))
    if tag.inside:
        faults.append(("body-in-block", f"{BODY_TAG} is inside {{% {tag.inside[-1]} %}}: the "
                       "memo body must appear exactly once; move it out of the block"))
    return faults


def _as_docxtpl_reads_it(path: Path, env: jinja2.Environment, problems: Problems) -> None:
    """Compile each part as docxtpl will render it: catches what the paragraphs' text and
    attributes do not show (a tag in a field code)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(path)
    tpl.init_docx()
    parts = [("document body", tpl.get_xml())]
    for kind, uri in (("header", tpl.HEADER_URI), ("footer", tpl.FOOTER_URI)):
        parts += [(f"a page {kind}", tpl.get_part_xml(part))
                  for _, part in tpl.get_headers_footers(uri)]
    for where, xml in parts:
        try:
            env.from_string(tpl.patch_xml(xml))
        except jinja2.TemplateError as exc:
            problems.add("syntax", where, "", f"a tag outside the text (in a field code or "
                         f"other hidden content) cannot be read ({exc}): find it in Word "
                         "(Alt+F9 shows field codes) and correct it or delete it")


# --------------------------------------------------------------------------- HTML


def html_template_problems(folder: Path, names: list[str]) -> list[Problem]:
    """Every problem of the HTML templates ``names`` in ``folder``, by file and line."""
    from reports.render.html import environment

    folder = Path(folder)
    sources = {p.name: p.read_text(encoding="utf-8", errors="replace")
               for p in sorted(folder.glob("*.html"))}
    env = environment(folder) if folder.is_dir() else None
    macros = {name: _macros(env, text) for name, text in sources.items()}
    refs = [(name, kind, target) for name, text in sources.items() for kind, target in
            re.findall(r"\{%-?\s*(extends|include|import|from)\s+[\"']([^\"']+)[\"']", text)]
    out: list[Problem] = []
    for name in names:
        problems = Problems(str(folder / name))
        if name not in sources or env is None:
            problems.add("missing-template", "the file", name, f"{folder / name} does not "
                         f"exist: {restore(folder / name)}, or point paths.templates at the "
                         "folder holding it")
        else:
            unit = Unit("", sources[name], name)
            tags = TagScanner(problems.report).scan(unit)
            TagChecker(env, problems, allowed=_page_variables(name, refs), memo_keys=MEMO_KEYS,
                       macros=macros).check(tags)
            if name == BLOCKS_TEMPLATE:
                _block_macros(macros[name], problems)
            if not problems.items:
                _as_jinja_reads_it(env, name, problems)
        out += problems.items
    return out


def _macros(env: jinja2.Environment | None, source: str) -> dict[str, Signature | None]:
    """The macros a template defines: each with its arguments (None: not known, the
    template cannot be read whole; its problems are reported where it is checked)."""
    if env is not None:
        try:
            return dict(macros_of(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            pass
    return dict.fromkeys(re.findall(r"\{%-?\s*macro\s+(\w+)", source))


def block_types() -> list[str]:
    """Every block type a memo may hold: those the Word renderer draws (it draws them all)."""
    from reports.render.docx.blocks import BodyWriter

    return sorted(name.removeprefix("block_") for name in dir(BodyWriter)
                  if name.startswith("block_") and callable(getattr(BodyWriter, name)))


def _block_macros(defined: dict[str, Signature | None], problems: Problems) -> None:
    """``blocks.html`` draws every block type, each by its macro ``block_<type>``."""
    for kind in block_types():
        macro = f"{BLOCK_MACRO_PREFIX}{kind}"
        if macro not in defined:
            problems.add("missing-macro", "the file", macro, f'{BLOCKS_TEMPLATE} has no macro '
                         f'{macro}, which draws a memo\'s "{kind}" blocks (some memos, or '
                         "some editions, have them): add {% macro "
                         f"{macro}(block, memo, sec, hlevel, uid) %}} ... {{% endmacro %}}, "
                         f"e.g. copied from {BLOCKS_TEMPLATE} as the toolkit ships it")


def _page_variables(name: str, refs: list[tuple[str, str, str]],
                    seen: tuple[str, ...] = ()) -> set[str]:
    """What a template is given: a page its variables; a template that pages extend or
    include what all of them have; one that is only imported nothing (macros get their
    arguments)."""
    if name in PAGE_VARIABLES:
        return set(PAGE_VARIABLES[name])
    users = {user for user, kind, target in refs
             if target == name and kind in ("extends", "include") and user not in seen}
    sets = [_page_variables(user, refs, (*seen, name)) for user in sorted(users)]
    return set.intersection(*sets) if sets else set()


def _as_jinja_reads_it(env: jinja2.Environment, name: str, problems: Problems) -> None:
    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        problems.add("syntax", f"line {exc.lineno}", "", f"Jinja cannot read this line "
                     f"({exc.message}): correct the tag on it")
