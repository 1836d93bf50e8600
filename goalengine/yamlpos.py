"""YAML with positions: mappings and lists that remember where each key and value stands.

PyYAML's C parser (libyaml) composes the node tree, which carries line and column marks;
we build plain dicts and lists from it, each with an ``lc`` table of positions (the same
shape ruamel.yaml offers, at a twentieth of the cost). Duplicate keys are errors here,
not silent overwrites.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from .errors import RuleFileError, Span
from .limits import MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["PositionedDict", "PositionedList", "load"]

_FLOAT_MAX = sys.float_info.max
_CONTAINERS = (yaml.MappingNode, yaml.SequenceNode)
_STR = "tag:yaml.org,2002:str"
_MAX_DIGITS = 4000  # Python refuses to read longer integers (int_max_str_digits)
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
            return None if node is None else _Builder(loader, name, lines).build(node)
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
    except yaml.reader.ReaderError as error:
        # A character YAML refuses (NUL, other controls): placed by its offset in the text.
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        source = lines[line - 1] if line - 1 < len(lines) else None
        raise RuleFileError(
            f"invalid YAML: the character {_code_point(error.character)} is not allowed",
            Span(name, line, column, column + 1, source),
            "remove the control character",
        ) from None
    except yaml.YAMLError as error:
        raise RuleFileError(f"invalid YAML: {error}", Span(name)) from None


def _code_point(character: int | str | bytes) -> str:
    if isinstance(character, bytes):
        return " ".join(f"0x{byte:02X}" for byte in character)
    return f"U+{character if isinstance(character, int) else ord(character[:1] or ' '):04X}"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


class _Builder:
    """Builds values from the node tree, counting every node it builds.

    The composed tree shares one node for an anchor and all its aliases, so a few hundred
    bytes can stand for billions of values; building them is what costs time and memory,
    so the count is kept here, an alias counted at every use.
    """

    def __init__(self, loader: Any, name: str, lines: list[str]) -> None:
        self.loader = loader
        self.name = name
        self.lines = lines
        self.built = 0
        self.open: list[yaml.Node] = []  # the mappings and lists being built, outermost first
        self.open_ids: set[int] = set()
        self.again: list[bool] = []  # for each of them: built before (an alias repeats it)
        self.done: set[int] = set()  # ids of the mappings and lists built so far

    def build(self, node: yaml.Node) -> Any:
        self.built += 1
        if self.built > MAX_YAML_NODES:
            raise self.error(
                f"the file expands to more than {MAX_YAML_NODES:,} values"
                " (an alias counts its anchor again at every use)",
                self.expanding() or node,
                "use fewer aliases, or put large data in a CSV file",
            )
        if not isinstance(node, _CONTAINERS):
            return self.scalar(node)
        if id(node) in self.open_ids:
            raise self.error("an alias here refers to the value that contains it", node)
        if len(self.open) >= MAX_YAML_DEPTH:
            raise self.error(f"values nested more than {MAX_YAML_DEPTH} deep", node)
        self.open.append(node)
        self.open_ids.add(id(node))
        self.again.append(id(node) in self.done)
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node)
            return self.sequence(node)
        finally:
            self.open.pop()
            self.open_ids.discard(id(node))
            self.again.pop()
            self.done.add(id(node))

    def mapping(self, node: yaml.MappingNode) -> PositionedDict:
        mapping = PositionedDict()
        mapping.lc = Positions()
        for key_node, value_node in node.value:
            key = self.build(key_node)
            if isinstance(key, list | dict):
                raise self.error("a key cannot be a list or a mapping", key_node)
            if key in mapping:
                first = mapping.lc.keys[key][0] + 1
                raise self.error(f"duplicate key '{key}' (first on line {first})", key_node)
            mapping[key] = self.build(value_node)
            mapping.lc.keys[key] = _mark(key_node)
            mapping.lc.values[key] = _mark(value_node)
        return mapping

    def sequence(self, node: yaml.SequenceNode) -> PositionedList:
        items = PositionedList()
        items.lc = Positions()
        for index, item in enumerate(node.value):
            items.append(self.build(item))
            items.lc.values[index] = _mark(item)
        return items

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:merge":
            raise self.error(
                "merge keys ('<<') are not supported", node, "write the keys out in full"
            )
        if node.tag == _STR:
            return node.value  # what the constructor returns, without its bookkeeping
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # SafeLoader builds dates and numbers with the Python constructors, which fail
            # on days that do not exist (2011-02-29, year 0) and on integers too long to read.
            raise self.error(_unreadable(node), node, "quote it to keep it as text") from None
        if type(value) is int and abs(value) > _FLOAT_MAX:
            raise self.error(
                f"the number {_short(node.value)} is too large",
                node,
                "numbers are computed as floats: up to about 1.8e308",
            )
        return value

    def expanding(self) -> yaml.Node | None:
        """The value holding the outermost alias being expanded: where the aliases are written."""
        if True not in self.again:
            return None
        return self.open[max(self.again.index(True) - 1, 0)]

    def error(self, message: str, node: yaml.Node, hint: str | None = None) -> RuleFileError:
        line, column = _mark(node)
        source = self.lines[line] if line < len(self.lines) else None
        return RuleFileError(message, Span(self.name, line + 1, column + 1, None, source), hint)


def _unreadable(node: yaml.Node) -> str:
    text = _short(node.value)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"'{text}' is not a day of the calendar"
    if node.tag == "tag:yaml.org,2002:int" and len(node.value) > _MAX_DIGITS:
        return f"the number {text} is too long"
    return f"cannot read '{text}' as {node.tag.rpartition(':')[2]}"


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}…({len(text)} characters)"
