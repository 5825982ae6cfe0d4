"""The tags of one template checked as Jinja: quotes, syntax, nesting, names, filters.

Each tag is parsed on its own (a block tag with its end tag added), so every broken tag
is reported; nesting is checked over the tags of each part in order; names, ``memo``
keys, filters and tests come from the parsed Jinja AST, not from render errors.
"""

from __future__ import annotations

from collections.abc import Iterable

import jinja2
from jinja2 import nodes

from reports.template_check.problems import (
    EXAMPLE_BLOCK,
    EXAMPLE_PRINT,
    Problems,
    closest,
    did_you_mean,
)
from reports.template_check.tags import Tag, smart_quotes

BLOCKS = ("for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set")
# Names Jinja itself provides inside templates (loop in for, caller in call blocks ...).
IMPLICIT = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})
DICT_METHODS = frozenset({"get", "items", "keys", "values"})
QUOTES_FIX = 'type straight quotes (" or \') in tags'
WORD_QUOTES_FIX = ('; to stop Word changing them, turn off File > Options > Proofing > '
                   'AutoCorrect Options > AutoFormat As You Type > "Straight quotes" with '
                   '"smart quotes"')


class TagChecker:
    """Checks the tags of one template; problems go to ``problems``.

    ``allowed``: the variables the template is given; ``memo_keys``: the keys of
    ``memo``; ``macros``: template name -> its macros, for the templates it may import
    or include (None: it may include nothing).
    """

    def __init__(self, env: jinja2.Environment, problems: Problems, *, allowed: Iterable[str],
                 memo_keys: Iterable[str], macros: dict[str, set[str]] | None = None):
        self.env, self.problems = env, problems
        self.allowed = set(allowed) | set(env.globals) | IMPLICIT
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
            if not (clean and self._parse_all(part_tags)):
                for tag in part_tags:
                    self._parse(tag)
        self._names(tags)

    # -- parsing -------------------------------------------------------------------------

    def _parse_all(self, tags: list[Tag]) -> bool:
        """Parse a part's tags at once, one tag a line (quick); False if that fails."""
        try:
            ast = self.env.parse("\n".join(t.source.replace("\n", " ") for t in tags))
        except jinja2.TemplateSyntaxError:
            return False
        for node in ast.find_all(nodes.Node):
            if node.lineno:
                tags[node.lineno - 1].nodes.append(node)
        return True

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

    def _names(self, tags: list[Tag]) -> None:
        declared, imports = set(self.allowed), {}
        for tag in tags:
            for node in tag.nodes:
                if isinstance(node, nodes.Name) and node.ctx in ("store", "param"):
                    declared.add(node.name)
                elif isinstance(node, nodes.Macro):
                    declared.add(node.name)
                elif isinstance(node, nodes.Import):
                    declared.add(node.target)
                    imports[node.target] = getattr(node.template, "value", None)
                elif isinstance(node, nodes.FromImport):
                    declared.update(n[1] if isinstance(n, tuple) else n for n in node.names)
        for tag in tags:
            for node in tag.nodes:
                self._node(tag, node, declared, imports)

    def _node(self, tag: Tag, node: nodes.Node, declared: set[str], imports: dict) -> None:
        report = self.problems.on_tag
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in declared:
            if node.name in self.memo_keys:
                hint = f"type {{{{ memo.{node.name} }}}} (the memo's fields start with memo.)"
            else:
                given = sorted(self.allowed - IMPLICIT - set(self.env.globals))
                hint = did_you_mean(node.name, declared - IMPLICIT) + (
                    f"this template may use {', '.join(given)}" if given else
                    "a macro here sees only its own arguments")
            report("unknown-name", tag, f'"{node.name}" is not something this template is '
                   f"given: {hint}")
        elif isinstance(node, nodes.Filter | nodes.Test):
            kind, known = ("filter", self.env.filters) if isinstance(node, nodes.Filter) else \
                ("test", self.env.tests)
            if node.name not in known:
                report(f"unknown-{kind}", tag, f'there is no {kind} named "{node.name}": '
                       f"{did_you_mean(node.name, known)}delete it or use one of Jinja's "
                       f"built-in {kind}s")
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            self._attribute(tag, node, imports)
        elif isinstance(node, nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport):
            self._reference(tag, node)

    def _attribute(self, tag: Tag, node: nodes.Getattr | nodes.Getitem, imports: dict) -> None:
        owner = node.node.name if isinstance(node.node, nodes.Name) else None
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(key, str) or owner is None:
            return
        if owner == "memo" and key not in self.memo_keys | DICT_METHODS:
            fields = sorted(f"memo.{k}" for k in self.memo_keys)
            close = closest("memo." + key, fields)
            fix = f"did you mean {close}? type {{{{ {close} }}}}" if close else \
                f"type one of the memo's fields: {', '.join(fields)}"
            self.problems.on_tag("unknown-attribute", tag, f'a memo has no field "{key}": {fix}')
        elif owner in imports and self.macros is not None:
            known = self.macros.get(imports[owner]) or set()
            if key not in known:
                self.problems.on_tag("unknown-macro", tag, f'{imports[owner]} has no macro '
                                     f'"{key}": {did_you_mean(key, known)}use one it defines')

    def _reference(self, tag: Tag, node: nodes.Node) -> None:
        name = getattr(node.template, "value", None)
        if self.macros is None:
            self.problems.on_tag("syntax", tag, "a Word template cannot include, import or "
                                 "extend other templates: delete this tag")
        elif isinstance(name, str) and name not in self.macros:
            stems = {n.rsplit(".", 1)[0]: n for n in self.macros}
            close = closest(name.rsplit(".", 1)[0], stems)
            self.problems.on_tag("missing-template", tag, f'there is no template "{name}" in '
                                 "the templates folder: " + (f"did you mean {stems[close]}? "
                                                             if close else "")
                                 + "correct the name or restore that file")
        elif isinstance(node, nodes.FromImport) and isinstance(name, str):
            for item in node.names:
                macro = item[0] if isinstance(item, tuple) else item
                if macro not in self.macros[name]:
                    self.problems.on_tag("unknown-macro", tag, f'{name} has no macro "{macro}": '
                                         f"{did_you_mean(macro, self.macros[name])}use one it "
                                         "defines")


__all__ = ["TagChecker", "BLOCKS", "QUOTES_FIX"]
