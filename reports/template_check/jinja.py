"""The tags of one template checked as Jinja: quotes, syntax, nesting, names, filters.

Each tag is parsed on its own (a block tag with its end tag added), so every broken tag
is reported; nesting is checked over the tags of each part in order; names, ``memo``
keys, filters, tests and macro calls come from the parsed Jinja AST, not from render
errors. A part that parses whole is checked scope by scope, every branch included
(:mod:`reports.template_check.names`); one with broken tags (reported) only tag by tag.
"""

from __future__ import annotations

from collections.abc import Iterable

import jinja2
from jinja2 import nodes

from reports.template_check.names import (
    IN_BLOCKS,
    IN_LOOPS,
    IN_MACROS,
    Scope,
    ScopeWalker,
    Signature,
    macros_of,
)
from reports.template_check.problems import EXAMPLE_BLOCK, EXAMPLE_PRINT, Problems
from reports.template_check.tags import Tag, smart_quotes
from reports.text import closest, did_you_mean

BLOCKS = ("for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set")
# Names Jinja itself provides inside templates (loop in for, caller in call blocks ...).
IMPLICIT = IN_LOOPS | IN_MACROS | IN_BLOCKS
DICT_METHODS = frozenset({"get", "items", "keys", "values"})
QUOTES_FIX = 'type straight quotes (" or \') in tags'
WORD_QUOTES_FIX = ('; to stop Word changing them, turn off File > Options > Proofing > '
                   'AutoCorrect Options > AutoFormat As You Type > "Straight quotes" with '
                   '"smart quotes"')

Macros = dict[str, dict[str, Signature | None]]  # template -> its macros (None: args unknown)


class TagChecker:
    """Checks the tags of one template; problems go to ``problems``.

    ``allowed``: the variables the template is given; ``memo_keys``: the keys of
    ``memo``; ``macros``: template name -> its macros, for the templates it may import
    or include (None: it may include nothing).
    """

    def __init__(self, env: jinja2.Environment, problems: Problems, *, allowed: Iterable[str],
                 memo_keys: Iterable[str], macros: Macros | None = None) -> None:
        self.env, self.problems = env, problems
        self.given = set(allowed) | set(env.globals) | {"self"}
        self.allowed = self.given | IMPLICIT
        self.memo_keys = set(memo_keys)
        self.macros = macros

    def check(self, tags: list[Tag]) -> None:
        for tag in tags:
            quotes = smart_quotes(tag.text)
            if quotes and not tag.broken:
                self.problems.on_tag("smart-quote", tag, f"the tag holds curly quotes "
                                     f"({' '.join(quotes)}) that Jinja cannot read: {QUOTES_FIX}"
                                     + (WORD_QUOTES_FIX if tag.unit.where else ""))
        parts: dict[str, list[Tag]] = {}
        for tag in tags:
            parts.setdefault(tag.unit.part, []).append(tag)
        for part_tags in parts.values():
            before = len(self.problems.items)
            self._nesting(part_tags)
            clean = len(self.problems.items) == before and not any(t.broken for t in part_tags)
            ast = self._parse_all(part_tags) if clean else None
            if ast is not None:
                self._scoped(ast, part_tags)
                continue
            for tag in part_tags:
                self._parse(tag)
            self._names(part_tags)

    # -- parsing -------------------------------------------------------------------------

    def _parse_all(self, tags: list[Tag]) -> nodes.Template | None:
        """Parse a part's tags at once, one tag a line (quick); None if that fails."""
        try:
            ast = self.env.parse("\n".join(t.source.replace("\n", " ") for t in tags))
        except jinja2.TemplateSyntaxError:
            return None
        for node in ast.find_all(nodes.Node):
            if node.lineno:
                tags[node.lineno - 1].nodes.append(node)
        return ast

    def _parse(self, tag: Tag) -> None:
        """Parse one tag (a block tag with its end added), to report each broken one."""
        kw, source = tag.keyword, tag.source
        if tag.broken or kw.startswith("end"):
            return  # checked by _nesting
        if kw in BLOCKS and not (kw == "set" and "=" in source):
            source += f"{{% end{kw} %}}"
        elif kw in ("elif", "else"):
            source = f"{{% if true %}}{source}{{% endif %}}"
        try:
            tag.nodes = list(self.env.parse(source).find_all(nodes.Node))
        except jinja2.TemplateSyntaxError as exc:
            example = EXAMPLE_PRINT if tag.text.startswith("{{") else EXAMPLE_BLOCK
            self.problems.on_tag("syntax", tag, f"Jinja cannot read this tag "
                                 f"({str(exc.message).rstrip('.')}); correct it: tags look "
                                 f"like {example}")

    # -- nesting -------------------------------------------------------------------------

    def _nesting(self, tags: list[Tag]) -> None:
        stack: list[Tag] = []
        for tag in tags:
            tag.inside = [t.keyword for t in stack]
            kw = tag.keyword
            if kw in BLOCKS and not (kw == "set" and "=" in tag.source):
                stack.append(tag)
            elif kw in ("elif", "else"):
                parents = {"if"} if kw == "elif" else {"if", "for"}
                if not stack or stack[-1].keyword not in parents:
                    self.problems.on_tag("misplaced-tag", tag, f"{{% {kw} %}} belongs between "
                                         f"{{% if ... %}} and {{% endif %}}: move it there or "
                                         "delete it")
            elif kw.startswith("end"):
                self._end(tag, kw[3:], stack)
        for tag in stack:
            self._unclosed(tag)

    def _end(self, tag: Tag, want: str, stack: list[Tag]) -> None:
        if stack and stack[-1].keyword == want:
            stack.pop()
        elif any(t.keyword == want for t in stack):
            while stack[-1].keyword != want:
                self._unclosed(stack.pop())
            stack.pop()
        elif stack:
            top = stack[-1]
            self.problems.on_tag("end-mismatch", tag, f"this end tag does not match the open "
                                 f'block "{top.text}" ({top.where}): type {{% end{top.keyword} %}}'
                                 " to close that block, or delete this tag")
        else:
            self.problems.on_tag("stray-end", tag, "this end tag closes no block: delete it, "
                                 f"or add the {{% {want} ... %}} it belongs to before it")

    def _unclosed(self, tag: Tag) -> None:
        part = " (in the same part of the document)" if tag.unit.where else ""
        self.problems.on_tag("unclosed-block", tag, f"this block is never closed: type "
                             f"{{% end{tag.keyword} %}} where it ends{part}, or delete it")

    # -- names ---------------------------------------------------------------------------

    def _scoped(self, ast: nodes.Template, tags: list[Tag]) -> None:
        """Names scope by scope (every branch), filters, attributes and calls."""
        imports = _imports(ast)
        local = macros_of(ast)
        stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}

        def tag_of(node: nodes.Node) -> Tag:
            return tags[min(max(node.lineno or 1, 1), len(tags)) - 1]

        def on_name(node: nodes.Name, scope: Scope) -> None:
            if node.name in scope.sure:
                return
            tag = tag_of(node)
            if node.name in scope.maybe:
                self.problems.on_tag("maybe-undefined", tag, f'"{node.name}" is set only in '
                                     "some branches of an {% if %} above: when the others are "
                                     "taken it does not exist; set it in every branch (or "
                                     "before the {% if %})")
            elif node.name in stored:
                self.problems.on_tag("unknown-name", tag, f'"{node.name}" does not exist here: '
                                     "it is set or named in a loop, macro, block or {% with %} "
                                     "that ends before this tag; move the tag inside it, or set "
                                     "the name where this tag can see it")
            else:
                self._unknown_name(tag, node.name, scope.sure)

        ScopeWalker(on_name, lambda node: self._node(tag_of(node), node, imports, local)
                    ).template(ast, self.given)

    def _names(self, tags: list[Tag]) -> None:
        """Names tag by tag, for a part that cannot be parsed whole (its syntax problems
        are reported): any name set anywhere in it counts as set."""
        declared, imports, local = set(self.allowed), {}, {}
        for tag in tags:
            for node in tag.nodes:
                if isinstance(node, nodes.Name) and node.ctx in ("store", "param"):
                    declared.add(node.name)
                elif isinstance(node, nodes.Macro):
                    declared.add(node.name)
                    local[node.name] = Signature.of(node)
                elif isinstance(node, nodes.Import):
                    declared.add(node.target)
                    imports[node.target] = getattr(node.template, "value", None)
                elif isinstance(node, nodes.FromImport):
                    declared.update(n[1] if isinstance(n, tuple) else n for n in node.names)
        for tag in tags:
            for node in tag.nodes:
                if isinstance(node, nodes.Name):
                    if node.ctx == "load" and node.name not in declared:
                        self._unknown_name(tag, node.name, declared)
                else:
                    self._node(tag, node, imports, local)

    def _unknown_name(self, tag: Tag, name: str, declared: Iterable[str]) -> None:
        if name in IMPLICIT:
            where = {"loop": "inside a {% for %}", "super": "inside a {% block %}"}.get(
                name, "inside a {% macro %}")
            self.problems.on_tag("unknown-name", tag, f'"{name}" exists only {where}: move '
                                 "the tag there, or delete it")
            return
        if name in self.memo_keys:
            hint = f": type {{{{ memo.{name} }}}} (the memo's fields start with memo.)"
        else:
            given = sorted(self.given - set(self.env.globals) - {"self"})
            hint = did_you_mean(name, set(declared) - IMPLICIT) + (
                f"; this template may use {', '.join(given)}" if given else
                "; a macro here sees only its own arguments")
        self.problems.on_tag("unknown-name", tag, f'"{name}" is not something this template '
                             f"is given{hint}")

    def _node(self, tag: Tag, node: nodes.Node, imports: dict[str, str | None],
              local: dict[str, Signature]) -> None:
        report = self.problems.on_tag
        if isinstance(node, nodes.Filter | nodes.Test):
            kind, known = ("filter", self.env.filters) if isinstance(node, nodes.Filter) else \
                ("test", self.env.tests)
            if node.name not in known:
                report(f"unknown-{kind}", tag, f'there is no {kind} named "{node.name}"'
                       f"{did_you_mean(node.name, known)}: delete it or use one of Jinja's "
                       f"built-in {kind}s")
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            self._attribute(tag, node, imports)
        elif isinstance(node, nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport):
            self._reference(tag, node)
        elif isinstance(node, nodes.Call):
            for signature in self._called(node.node, imports, local):
                wrong = signature.wrong(node)
                if wrong:
                    report("macro-arguments", tag, wrong)

    def _called(self, callee: nodes.Node, imports: dict[str, str | None],
                local: dict[str, Signature]) -> list[Signature]:
        """The macros a call may call: one of this template, one imported, or every
        imported macro whose name starts with a fixed prefix (``blocks["block_" ~ x]``)."""
        if isinstance(callee, nodes.Name):
            return [local[callee.name]] if callee.name in local else []
        if not isinstance(callee, nodes.Getattr | nodes.Getitem) or \
                not isinstance(callee.node, nodes.Name) or self.macros is None:
            return []
        defined = self.macros.get(imports.get(callee.node.name) or "") or {}
        if isinstance(callee, nodes.Getattr):
            names = [callee.attr]
        elif isinstance(callee.arg, nodes.Const):
            names = [str(callee.arg.value)]
        elif isinstance(callee.arg, nodes.Concat) and callee.arg.nodes and \
                isinstance(callee.arg.nodes[0], nodes.Const):
            names = [n for n in defined if n.startswith(str(callee.arg.nodes[0].value))]
        else:
            names = []
        return [sig for n in names if (sig := defined.get(n)) is not None]

    def _attribute(self, tag: Tag, node: nodes.Getattr | nodes.Getitem,
                   imports: dict[str, str | None]) -> None:
        owner = node.node.name if isinstance(node.node, nodes.Name) else None
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(key, str) or owner is None:
            return
        if owner == "memo" and key not in self.memo_keys | DICT_METHODS:
            fields = sorted(f"memo.{k}" for k in self.memo_keys)
            close = closest("memo." + key, fields)
            fix = f'did you mean "{close}"? type {{{{ {close} }}}}' if close else \
                f"type one of the memo's fields: {', '.join(fields)}"
            self.problems.on_tag("unknown-attribute", tag, f'a memo has no field "{key}": {fix}')
        elif owner in imports and self.macros is not None:
            known = self.macros.get(imports[owner] or "") or {}
            if key not in known:
                self.problems.on_tag("unknown-macro", tag, f'{imports[owner]} has no macro '
                                     f'"{key}"{did_you_mean(key, known)}: use one it defines')

    def _reference(self, tag: Tag, node: nodes.Node) -> None:
        name = getattr(getattr(node, "template", None), "value", None)
        if self.macros is None:
            self.problems.on_tag("syntax", tag, "a Word template cannot include, import or "
                                 "extend other templates: delete this tag")
        elif isinstance(name, str) and name not in self.macros:
            stems = {n.rsplit(".", 1)[0]: n for n in self.macros}
            close = closest(name.rsplit(".", 1)[0], stems)
            self.problems.on_tag("missing-template", tag, f'there is no template "{name}" in '
                                 "the templates folder" + (f' (did you mean "{stems[close]}"?)'
                                                           if close else "")
                                 + ": correct the name or restore that file")
        elif isinstance(node, nodes.FromImport) and isinstance(name, str):
            for item in node.names:
                macro = item[0] if isinstance(item, tuple) else item
                if macro not in self.macros[name]:
                    self.problems.on_tag("unknown-macro", tag, f'{name} has no macro "{macro}"'
                                         f"{did_you_mean(macro, self.macros[name])}: use one it "
                                         "defines")


def _imports(ast: nodes.Template) -> dict[str, str | None]:
    """Import alias -> the template it names."""
    return {node.target: getattr(node.template, "value", None)
            for node in ast.find_all(nodes.Import)}


__all__ = ["TagChecker", "BLOCKS", "QUOTES_FIX", "Macros"]
