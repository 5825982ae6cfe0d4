"""Names in a template, scope by scope, in every branch, whatever data it is filled with.

A template is checked statically, from its Jinja syntax tree, so a branch the bundled
data never takes (a block type only a later edition has, an ``{% else %}`` for an empty
list) is checked like the rest. Jinja's own scopes are followed:

- a loop's variables (and ``loop``) exist inside the loop only, and so does what
  ``{% set %}`` assigns in it; ``{% else %}`` of a loop runs outside it;
- what a branch of ``{% if %}`` assigns exists after the ``{% endif %}`` only if every
  branch assigns it (else it is ``maybe-undefined``);
- a macro sees its arguments (and ``varargs``, ``kwargs``, ``caller``), the template's
  macros and imports and what the template's top level assigns; a ``{% block %}`` sees
  the template's top level, and what is around it only when ``scoped``;
- ``{% with %}`` and ``{% call %}`` open scopes of their own.

Every call of a macro defined in the template, or imported from one (also
``blocks["block_" ~ block.type](...)``: every macro whose name starts so), is checked
against its arguments: not more than it takes, no keyword it does not have, none of those
without a default missing (:class:`Signature`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jinja2 import nodes

from reports.text import did_you_mean, plural

# Names Jinja provides in some scopes only.
IN_LOOPS = frozenset({"loop"})
IN_MACROS = frozenset({"varargs", "kwargs", "caller"})
IN_BLOCKS = frozenset({"super", "self"})


@dataclass(frozen=True)
class Signature:
    """What a macro takes."""

    name: str
    args: tuple[str, ...]
    required: int  # the first ``required`` args have no default
    varargs: bool  # its body reads ``varargs``: more positional arguments are fine
    kwargs: bool  # ... ``kwargs``: any keyword is fine

    @classmethod
    def of(cls, macro: nodes.Macro) -> Signature:
        used = {n.name for n in macro.find_all(nodes.Name) if n.ctx == "load"}
        return cls(macro.name, tuple(a.name for a in macro.args),
                   len(macro.args) - len(macro.defaults), "varargs" in used, "kwargs" in used)

    def wrong(self, call: nodes.Call) -> str | None:
        """What is wrong with ``call`` of this macro, or None."""
        given = len(call.args)
        keywords = [k.key for k in call.kwargs]
        shown = f"{self.name}({', '.join(self.args)})"
        if call.dyn_args is None and given > len(self.args) and not self.varargs:
            return (f"{shown} takes {plural(len(self.args), 'argument')}, this call gives {given}: "
                    "drop the extra ones")
        for key in keywords:
            if key not in self.args and not self.kwargs:
                return (f'{shown} has no argument "{key}"{did_you_mean(key, self.args)}: use '
                        "one of its arguments")
            if key in self.args[:given]:
                return f'{shown} is given "{key}" twice (by position and by name)'
        if call.dyn_args is None and call.dyn_kwargs is None:
            missing = [a for a in self.args[given:self.required] if a not in keywords]
            if missing:
                return (f"{shown} is called without {', '.join(missing)}, which it needs: "
                        "give each (or a default in the macro)")
        return None


def macros_of(ast: nodes.Template) -> dict[str, Signature]:
    """The macros a template defines at its top level (what importing it gives)."""
    return {node.name: Signature.of(node) for node in ast.body if isinstance(node, nodes.Macro)}


class Scope:
    """The names sure to exist here, and those only some branches assigned."""

    def __init__(self, sure: Iterable[str] = (), maybe: Iterable[str] = ()) -> None:
        self.sure, self.maybe = set(sure), set(maybe) - set(sure)

    def child(self, *names: str) -> Scope:
        return Scope(self.sure | set(names), self.maybe)

    def define(self, *names: str) -> None:
        self.sure.update(names)
        self.maybe.difference_update(names)


# (node, scope) -> None: reports a Name read in ``scope``; (node) -> None: any other node.
NameCheck = Callable[[nodes.Name, Scope], None]
NodeCheck = Callable[[nodes.Node], None]


class ScopeWalker:
    """Walks a template's statements with their scopes; ``on_name`` is told of every name
    read (with the scope it is read in), ``on_node`` of every other expression node."""

    def __init__(self, on_name: NameCheck, on_node: NodeCheck) -> None:
        self.on_name, self.on_node = on_name, on_node
        self.top: set[str] = set()  # what the template's top level defines

    def template(self, ast: nodes.Template, given: Iterable[str]) -> None:
        self.top = set(given) | _top_names(ast)
        self.body(ast.body, Scope(set(given) | _hoisted(ast)))

    def body(self, statements: list[nodes.Node], scope: Scope) -> None:
        for node in statements:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: Scope) -> None:
        handler = getattr(self, f"_{type(node).__name__.lower()}", None)
        if handler is not None:
            handler(node, scope)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope)
            else:
                self.statement(child, scope.child())

    def expr(self, node: nodes.Node | None, scope: Scope) -> None:
        if node is None:
            return
        for sub in (node, *node.find_all(nodes.Node)):
            if sub.lineno is None:  # a node Jinja made itself: where its expression is
                sub.lineno = node.lineno
            if isinstance(sub, nodes.Name):
                if sub.ctx == "load":
                    self.on_name(sub, scope)
            else:
                self.on_node(sub)

    # -- statements that open or change scopes --------------------------------------------

    def _output(self, node: nodes.Output, scope: Scope) -> None:
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                self.expr(child, scope)

    def _assign(self, node: nodes.Assign, scope: Scope) -> None:
        self.expr(node.node, scope)
        self._store(node.target, scope)

    def _assignblock(self, node: nodes.AssignBlock, scope: Scope) -> None:
        self.body(node.body, scope.child())
        if node.filter is not None:
            self.expr(node.filter, scope)
        self._store(node.target, scope)

    def _for(self, node: nodes.For, scope: Scope) -> None:
        self.expr(node.iter, scope)
        inner = scope.child(*IN_LOOPS)
        self._store(node.target, inner)
        if node.test is not None:
            self.expr(node.test, inner)
        self.body(node.body, inner)
        self.body(node.else_, scope.child())

    def _if(self, node: nodes.If, scope: Scope) -> None:
        self.expr(node.test, scope)
        branches = [node.body]
        for elif_ in node.elif_:
            self.expr(elif_.test, scope)
            branches.append(elif_.body)
        branches.append(node.else_)
        assigned = []
        for branch in branches:
            inner = scope.child()
            self.body(branch, inner)
            assigned.append(inner.sure - scope.sure)
        everywhere = set.intersection(*assigned)
        scope.define(*everywhere)
        scope.maybe |= set.union(*assigned) - everywhere

    def _macro(self, node: nodes.Macro, scope: Scope) -> None:
        for default in node.defaults:
            self.expr(default, scope)
        self.body(node.body, Scope(self.top | IN_MACROS | {a.name for a in node.args}))

    def _callblock(self, node: nodes.CallBlock, scope: Scope) -> None:
        self.expr(node.call, scope)
        for default in node.defaults:
            self.expr(default, scope)
        self.body(node.body, scope.child(*IN_MACROS, *(a.name for a in node.args)))

    def _with(self, node: nodes.With, scope: Scope) -> None:
        inner = scope.child()
        for target, value in zip(node.targets, node.values, strict=True):
            self.expr(value, scope)
            self._store(target, inner)
        self.body(node.body, inner)

    def _block(self, node: nodes.Block, scope: Scope) -> None:
        inner = scope.child(*IN_BLOCKS) if node.scoped else Scope(self.top | IN_BLOCKS)
        self.body(node.body, inner)

    def _filterblock(self, node: nodes.FilterBlock, scope: Scope) -> None:
        self.expr(node.filter, scope)
        self.body(node.body, scope.child())

    def _import(self, node: nodes.Import, scope: Scope) -> None:
        self.on_node(node)
        scope.define(node.target)

    def _fromimport(self, node: nodes.FromImport, scope: Scope) -> None:
        self.on_node(node)
        scope.define(*(n[1] if isinstance(n, tuple) else n for n in node.names))

    def _extends(self, node: nodes.Extends, scope: Scope) -> None:
        self.on_node(node)
        self.expr(node.template, scope)

    def _include(self, node: nodes.Include, scope: Scope) -> None:
        self.on_node(node)
        self.expr(node.template, scope)

    def _store(self, target: nodes.Node, scope: Scope) -> None:
        if isinstance(target, nodes.NSRef):
            self.on_name(nodes.Name(target.name, "load", lineno=target.lineno), scope)
            return
        scope.define(*(n.name for n in (target, *target.find_all(nodes.Name))
                       if isinstance(n, nodes.Name)))


def _hoisted(ast: nodes.Template) -> set[str]:
    """Macros and imports of the top level: callable from anywhere in the template."""
    found: set[str] = set()
    for node in ast.body:
        if isinstance(node, nodes.Macro):
            found.add(node.name)
        elif isinstance(node, nodes.Import):
            found.add(node.target)
        elif isinstance(node, nodes.FromImport):
            found.update(n[1] if isinstance(n, tuple) else n for n in node.names)
    return found


def _top_names(ast: nodes.Template) -> set[str]:
    """What macros and blocks see of the template: its top-level macros, imports and
    assignments (in a child template these run before its blocks are drawn)."""
    found = _hoisted(ast)
    for node in ast.body:
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            found.update(n.name for n in (node.target, *node.target.find_all(nodes.Name))
                         if isinstance(n, nodes.Name))
    return found


__all__ = ["Signature", "Scope", "ScopeWalker", "macros_of", "IN_LOOPS", "IN_MACROS",
           "IN_BLOCKS"]
