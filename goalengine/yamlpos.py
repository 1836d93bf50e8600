"""YAML with positions: mappings and lists that remember where each key and value stands.

PyYAML's C parser (libyaml) composes the node tree, which carries line and column marks;
we build plain dicts and lists from it, each with an ``lc`` table of positions (the same
shape ruamel.yaml offers, at a twentieth of the cost). Duplicate keys are errors here,
not silent overwrites.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import RuleFileError, Span

__all__ = ["PositionedDict", "PositionedList", "load"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Positions:
    """0-based (line, column) of keys and values of one mapping or list."""

    def __init__(self) -> None:
        self.keys: dict[Any, tuple[int, int]] = {}
        self.values: dict[Any, tuple[int, int]] = {}

    def key(self, key: Any) -> tuple[int, int]:
        return self.keys[key]

    def value(self, key: Any) -> tuple[int, int]:
        return self.values[key]

    def item(self, index: int) -> tuple[int, int]:
        return self.values[index]


class PositionedDict(dict[Any, Any]):
    lc: Positions


class PositionedList(list[Any]):
    lc: Positions


def load(text: str, name: str) -> Any:
    """Parse one YAML document; :class:`RuleFileError` at the line and column if invalid."""
    lines = text.splitlines()
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _build(node, loader, name, lines)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        source = lines[line - 1] if line and line - 1 < len(lines) else None
        problem = error.problem or error.context or "cannot parse"
        hint = "indent with spaces: YAML does not allow tabs" if source and "\t" in source else None
        raise RuleFileError(
            f"invalid YAML: {problem}", Span(name, line, column, None, source), hint
        ) from None
    except yaml.YAMLError as error:
        raise RuleFileError(f"invalid YAML: {error}", Span(name)) from None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


def _build(node: yaml.Node, loader: Any, name: str, lines: list[str]) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping = PositionedDict()
        mapping.lc = Positions()
        for key_node, value_node in node.value:
            key = _build(key_node, loader, name, lines)
            if isinstance(key, list | dict):
                raise _error("a key cannot be a list or a mapping", key_node, name, lines)
            if key in mapping:
                first = mapping.lc.keys[key][0] + 1
                raise _error(
                    f"duplicate key '{key}' (first on line {first})", key_node, name, lines
                )
            mapping[key] = _build(value_node, loader, name, lines)
            mapping.lc.keys[key] = _mark(key_node)
            mapping.lc.values[key] = _mark(value_node)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = PositionedList()
        items.lc = Positions()
        for index, item in enumerate(node.value):
            items.append(_build(item, loader, name, lines))
            items.lc.values[index] = _mark(item)
        return items
    return loader.construct_object(node, deep=True)


def _error(message: str, node: yaml.Node, name: str, lines: list[str]) -> RuleFileError:
    line, column = _mark(node)
    source = lines[line] if line < len(lines) else None
    return RuleFileError(message, Span(name, line + 1, column + 1, None, source))
