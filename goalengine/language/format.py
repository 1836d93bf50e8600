"""Write a parsed rule back as goal-language text (the inverse of ``parse``).

Used for canonical display and for the round-trip property: ``parse(format(r)) == r``.
Python's own unparser handles precedence; the language's notations are swapped in as
opaque names first, since Python has no spelling for ``10pp`` or ``x[2010..2013]``.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from .check import key_text
from .parse import ParsedText

__all__ = ["format_rule", "format_tree"]


class _Notations(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in ("_pp", "_pct"):
            number = ast.unparse(node.args[0])
            return ast.Name(id=number + ("pp" if node.func.id == "_pp" else "%"))
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        key = node.slice
        if isinstance(key, ast.Slice):
            inside = f"{key_text(key.lower)}..{key_text(key.upper)}"
        else:
            inside = key_text(key)
        return ast.Name(id=f"{ast.unparse(node.value)}[{inside}]")


@lru_cache(maxsize=8192)
def format_tree(tree: ast.expr) -> str:
    """Canonical text of an expression tree from :func:`parse_text`.

    Cached by node identity: checked trees are never changed after ``check``.
    """
    return ast.unparse(_Notations().visit(_copy(tree)))


def _copy(node: Any) -> Any:
    """A copy of a tree for :class:`_Notations` to change: its nodes and lists, with their
    fields only (``ast.unparse`` reads nothing else): ``copy.deepcopy`` made formatting the
    shipped library's 59 rules twice as slow (10 ms against 5, part of every cold start)."""
    if isinstance(node, ast.AST):
        fields = {name: _copy(getattr(node, name)) for name in node._fields if hasattr(node, name)}
        return type(node)(**fields)
    if isinstance(node, list):
        return [_copy(item) for item in node]
    return node


def format_rule(parsed: ParsedText) -> str:
    """Canonical text of a whole rule, time clause included (an event in the time clause is
    written as the period it resolved to)."""
    text = _direction_only(parsed) if parsed.trend else format_tree(parsed.tree)
    return f"{text} {parsed.time}" if parsed.time else text


def _direction_only(parsed: ParsedText) -> str:
    """``x rises since 2007``: the words the comparison with the start was parsed from."""
    tree = parsed.tree
    assert isinstance(tree, ast.Compare) and isinstance(tree.left, ast.Name)
    text = f"{tree.left.id} {'rises' if parsed.trend > 0 else 'falls'}"
    start = tree.comparators[0]
    if isinstance(start, ast.Subscript):
        text += f" since {key_text(start.slice)}"
    return text
