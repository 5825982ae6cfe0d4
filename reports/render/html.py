"""HTML output: one self-contained briefing page per memo, and the output folder's index.

Both are drawn by jinja2 templates in ``templates/`` that staff may restyle:

``base.html``
    The one page layout (head, inlined styles, marking at top and bottom, landmarks).
``memo.html``
    Extends ``base.html``: the memo block (TO / FROM / DATE / SUBJECT), then every
    section of the context, each block drawn by the macro ``block_<type>`` of
    ``blocks.html``.
``blocks.html``
    One macro per block type (``block_paragraphs``, ``block_events``, ...) plus helpers.
``index.html``
    Extends ``base.html``: every memo built, newest first, linking each format.
``memo.css``
    The stylesheet, inlined into ``<style>`` by ``base.html`` (``inline_css``).

The page makes no request of its own: styles are inlined and charts are inline SVG
(text kept as text). Workbook text is data, never template source: it only reaches the
page through autoescaped ``{{ }}`` output, and only ``http``/``https`` URLs become links.
"""

from __future__ import annotations

import re
import threading
import traceback
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from reports.errors import TemplateError
from reports.render import style
from reports.render.compiled import CompiledTemplates
from reports.text import is_http_url, short_date

if TYPE_CHECKING:
    from reports.memo.shapes import Context

__all__ = ["render_html", "render_index", "safe_url", "sorted_entries", "keep_compiled"]

BLOCK_MACRO_PREFIX = "block_"
BLOCKS_TEMPLATE = "blocks.html"
MEMO_TEMPLATE = "memo.html"
INDEX_TEMPLATE = "index.html"

_ENVS: dict[str, jinja2.Environment] = {}
_ENVS_LOCK = threading.Lock()
_COMPILED: jinja2.BytecodeCache | None = None  # keep_compiled()

# ASCII characters a URL may not hold as they are (WHATWG "invalid URL unit"s that
# the Nu checker reports); they are percent-encoded, everything else is kept.
_URL_ESCAPES = {c: f"%{ord(c):02X}" for c in ' "<>\\^`{|}'}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


# --------------------------------------------------------------------------- public API


def render_html(context: Context | dict[str, Any], templates_dir: Path,
                links: dict[str, str] | None = None) -> str:
    """The memo page for ``context`` (see ``reports.memo.context``), as one HTML string.

    ``links`` (``reports.output.manifest.page_links``): the relative addresses of the
    published folder's ``index``, this edition's ``docx`` and the ``previous`` edition's
    page (with its ``previous_label``), each shown when given; anything but a relative
    path is dropped. Deterministic: the same context, links and templates give the same
    string. Raises :class:`TemplateError` when a template is broken or a block type has
    no macro.
    """
    env = environment(templates_dir)
    known = _block_macros(env)
    for sec in context.get("sections", []):
        for block in sec.get("blocks", []):
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in known:
                raise TemplateError(
                    f'{BLOCKS_TEMPLATE}: no macro for block type "{kind}" (section '
                    f'"{sec.get("id")}"); add {{% macro {BLOCK_MACRO_PREFIX}{kind}'
                    f"(block, memo, sec, hlevel, uid) %}} to "
                    f"{Path(templates_dir) / BLOCKS_TEMPLATE} or fix the memo builder. "
                    f"Known block types: {', '.join(sorted(known))}")
    sections, sources = _link_citations(context["sections"])
    return _render(env, MEMO_TEMPLATE, {
        "memo": context["memo"], "sections": sections, "sources": sources,
        "native_langs": context.get("native_langs", {}),
        "page": {"lang": context["memo"].get("lang") or "en",
                 "title": _page_title(context["memo"]),
                 "marking": context["memo"].get("marking") or "",
                 "links": _links(links or {})},
    })


def render_index(entries: list[dict[str, Any]], templates_dir: Path, *,
                 title: str = "Briefing memos", lang: str = "en", marking: str = "") -> str:
    """The output folder's ``index.html``: every memo built, grouped by memo, the latest
    edition first.

    ``entries``: ``{memo_id, kind, title, memo_title, as_of, files: {"docx": path, ...}}``
    with paths relative to the index. The page gets ``entries`` (newest first, as
    :func:`sorted_entries`) and ``page.groups``: one per memo, ``{memo_id, title, kind,
    editions}``, the memo whose latest edition is newest first, each memo's editions
    newest first.
    """
    env = environment(templates_dir)
    ordered = sorted_entries(entries)
    return _render(env, INDEX_TEMPLATE, {
        "entries": ordered,
        "page": {"lang": lang, "title": title, "marking": marking,
                 "groups": grouped_entries(ordered)},
    })


def sorted_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first (``as_of`` descending), then by ``memo_id``; stable otherwise."""
    by_id = sorted(entries, key=lambda e: str(e.get("memo_id", "")))
    return sorted(by_id, key=lambda e: str(e.get("as_of", "")), reverse=True)


def grouped_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``entries`` (newest first) grouped by memo: the memo of the newest edition first,
    each memo's editions newest first, named by its latest edition's memo title."""
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = str(entry.get("memo_id", ""))
        if key not in groups:
            groups[key] = {"memo_id": key, "kind": entry.get("kind", ""),
                           "title": entry.get("memo_title") or entry.get("title") or key,
                           "editions": []}
        groups[key]["editions"].append(entry)
    return list(groups.values())


def safe_url(url: object) -> str | None:
    """``url`` fit for an ``href`` when it is an absolute http(s) URL, else None.

    Anything else (``javascript:``, ``data:``, relative, blank, with spaces or control
    characters) gives None, so the text is shown without a link.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not is_http_url(url):
        return None
    return "".join(_URL_ESCAPES.get(c, c) for c in url)


def environment(templates_dir: Path) -> jinja2.Environment:
    """The jinja2 environment for ``templates_dir``, built once per folder."""
    key = str(Path(templates_dir).resolve())
    with _ENVS_LOCK:
        env = _ENVS.get(key)
        if env is None:
            env = _ENVS[key] = _make_environment(Path(key))
        return env


def keep_compiled(folder: Path | None) -> None:
    """Keep the templates compiled in ``folder`` between runs (``None``: compile them in
    every process, the default). Compiling the memo's templates costs about a tenth of
    a second per process; a template is compiled again when its text, the toolkit's code
    (the environment's settings, its filters), jinja2 or Python changes
    (:mod:`reports.render.compiled`)."""
    global _COMPILED
    with _ENVS_LOCK:
        _COMPILED = None if folder is None else CompiledTemplates(Path(folder))
        for env in _ENVS.values():
            env.bytecode_cache = _COMPILED


# --------------------------------------------------------------------------- environment


def _make_environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder), encoding="utf-8"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml"), default_for_string=True,
            default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
    )
    env.filters.update({
        "safe_url": safe_url, "rel_url": _relative_url, "html_id": _html_id,
        "stance_class": _stance_class, "country": style.country_label,
        "css_string": _css_string, "display_date": _display_date, "text": _lang_text,
    })
    env.globals.update({
        "inline_css": lambda name: _inline_css(env, name),
        "stance_css": Markup(_stance_css()),
        "chart_svg": _chart_svg,
        "stance_label": lambda s: style.STANCE_LABELS.get(s, s),
        "SHIFT_MARK": style.SHIFT_MARK, "SHIFT_NOTE": style.SHIFT_NOTE,
    })
    return env


def _block_macros(env: jinja2.Environment) -> set[str]:
    try:
        module = env.get_template(BLOCKS_TEMPLATE).module
    except jinja2.TemplateError as exc:
        raise _template_error(exc, env, BLOCKS_TEMPLATE) from None
    return {name[len(BLOCK_MACRO_PREFIX):] for name in dir(module)
            if name.startswith(BLOCK_MACRO_PREFIX)}


def _render(env: jinja2.Environment, name: str, variables: dict) -> str:
    try:
        return env.get_template(name).render(variables)
    except jinja2.TemplateError as exc:
        raise _template_error(exc, env, name) from None


def _template_error(exc: jinja2.TemplateError, env: jinja2.Environment,
                    rendering: str) -> TemplateError:
    """A TemplateError that names the template file, the line and what went wrong."""
    folder = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    where, line = rendering, None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where, line = exc.name or exc.filename or rendering, exc.lineno
        message = str(exc.message or "").rstrip(". ")
        what = f"syntax error: {message}"
        if message.startswith(("No filter named", "No test named")):
            own = sorted(set(env.filters) - set(jinja2.defaults.DEFAULT_FILTERS))
            fix = f"use a jinja2 built-in filter or one of this renderer's: {', '.join(own)}"
        elif "tag" in message or "end of template" in message:
            fix = "fix the tag on that line (each {% if %}, {% for %}, {% macro %} and " \
                  "{% block %} needs its {% end... %})"
        else:
            fix = "correct the template syntax on that line"
    else:
        # Jinja rewrites tracebacks so template frames carry the template's own file
        # and line: the innermost one is where it failed.
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            path = Path(frame.filename)
            if path.parent == folder:
                where, line = path.name, frame.lineno
                break
        if isinstance(exc, jinja2.TemplateNotFound):
            what = (f'"{exc.name}" does not exist in {folder}' if exc.name == where else
                    f'uses "{exc.name}", which does not exist in {folder}')
            fix = "restore that template or correct the name"
        elif isinstance(exc, jinja2.UndefinedError):
            what = f"unknown variable or attribute: {exc.message}"
            fix = ("use only what the page is given: memo, sections, sources and page (index: "
                   "entries and page), with the fields reports/memo/context.py documents, and "
                   "the macros of blocks.html")
        else:
            what = str(exc.message or exc)
            fix = "correct the template"
    at = f"{folder / where}" + (f", line {line}" if line else "")
    return TemplateError(f"template {at}: {what}; {fix}")


# --------------------------------------------------------------------------- helpers


def _links(links: dict[str, str]) -> dict[str, str]:
    """The page's links that are relative paths (never a scheme, never "//")."""
    out = {}
    for key in ("index", "docx", "previous"):
        href = _relative_url(links.get(key))
        if href:
            out[key] = href
    if "previous" in out:
        out["previous_label"] = links.get("previous_label") or "earlier"
    return out


def _page_title(memo: dict) -> str:
    if memo.get("edition_label"):
        return memo["edition_label"]
    subject = memo.get("subject") or memo.get("title") or ""
    return f"{subject} ({memo['date']})" if memo.get("date") else subject


def _link_citations(sections: list[dict]) -> tuple[list[dict], list[dict]]:
    """Copies of the sections in which every cited row knows its citations' anchor ids
    (``cite_refs``), and the sources rows each knowing its citations (``backrefs``), so
    a citation links to its note and the note back to every place that cites it."""
    uses: dict[int, list[str]] = {}

    def refs(row: dict) -> dict:
        if not row.get("cites"):
            return row
        out = []
        for n in row["cites"]:
            anchor = f"cite-{n}-{len(uses.setdefault(n, [])) + 1}"
            uses[n].append(anchor)
            out.append({"n": n, "id": anchor})
        return {**row, "cite_refs": out, "history": [refs(h) for h in row.get("history", [])]}

    linked = []
    for sec in sections:
        blocks = [{**blk, "rows": [refs(r) for r in blk["rows"]]}
                  if blk.get("type") not in ("sources", "chart") and
                  isinstance(blk.get("rows"), list) else blk for blk in sec["blocks"]]
        linked.append({**sec, "blocks": blocks})
    sources: list[dict] = []
    for sec in linked:
        for i, blk in enumerate(sec["blocks"]):
            if blk.get("type") == "sources":
                rows = [{**r, "backrefs": uses.get(r["n"], [])} for r in blk["rows"]]
                sec["blocks"][i] = {**blk, "rows": rows}
                sources = rows
    return linked, sources


@jinja2.pass_context
def _lang_text(ctx: jinja2.runtime.Context, value: object) -> Markup:
    """Workbook text, escaped, with East Asian runs in ``<span lang="ja|ko|zh">``."""
    from markupsafe import escape

    from reports.text import runs

    text = "" if value is None else str(value)
    langs = ctx.get("native_langs") or {}
    default = (ctx.get("memo") or {}).get("east_asian_lang") or "ko"
    out = []
    for piece, lang in runs(text, langs, default):
        out.append(f'<span lang="{lang}">{escape(piece)}</span>' if lang else str(escape(piece)))
    return Markup("".join(out))


def _inline_css(env: jinja2.Environment, name: str) -> Markup:
    """The stylesheet ``name`` from the templates folder, safe inside ``<style>``."""
    source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    return Markup(re.sub(r"</(?=style)", r"<\\/", source, flags=re.IGNORECASE))


def _stance_class(stance: object) -> str:
    stance = str(stance or "")
    return f"stance-{stance}" if stance in style.STANCE_COLOURS else "stance-other"


def _stance_css() -> str:
    rules = [f".stance-{name}{{background-color:{fill};color:{style.STANCE_TEXT}}}"
             for name, fill in style.STANCE_COLOURS.items()]
    rules.append(f".stance-other{{background-color:{style.UNKNOWN_FILL};"
                 f"color:{style.STANCE_TEXT}}}")
    return "\n".join(rules)


def _css_string(value: object) -> Markup:
    """Text for inside a CSS string in ``<style>``: all but plain characters escaped."""
    return Markup("".join(c if c.isascii() and (c.isalnum() or c in " ./,-") else
                          f"\\{ord(c):x} " for c in str(value)))


def _display_date(value: object) -> str:
    """``2019-11-29`` as ``29 Nov 2019``; anything else as given."""
    try:
        return short_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _html_id(value: object) -> str:
    """A valid, stable id fragment: letters, digits, - and _ only."""
    return _NOT_ID.sub("-", str(value)).strip("-") or "x"


def _relative_url(path: object) -> str | None:
    """A relative file path for an href (index links); None for anything with a scheme."""
    if not isinstance(path, str) or not path.strip() or _SCHEME.match(path.strip()):
        return None
    path = path.strip().replace("\\", "/")
    if path.startswith("//"):
        return None
    return quote(path, safe="/-._~")


def _chart_svg(block: dict, uid: str) -> Markup:
    """The chart as inline SVG (ids prefixed with ``uid``, named by its alt text)."""
    from reports.render.charts.draw import render_chart, svg_inline

    return Markup(svg_inline(render_chart(block, "svg"), f"{uid}-", block.get("alt") or ""))
