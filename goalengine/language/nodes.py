"""The rule language as typed nodes: what a checked rule means, independent of Python's ``ast``.

``check`` builds these once from the tree it validated (:func:`build`); everything outside
``language/`` that decides something about a rule's structure (which engine can run it,
which goals share a shape, how an explanation names a side) reads them. Nodes are frozen
and slotted; equality ignores the source span, so two rules written differently but
meaning the same compare equal, and ``str(node)`` is canonical goal-language text that
parses back to an equal node.

Adding a construct (say ``x rises``) is one class with ``__str__`` and ``precedence``,
one branch in :func:`_expr` (or in :func:`build` for a time clause) and, where it is
evaluated over columns, one branch in the evaluator.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from ..errors import Span
from ..periods import Period
from .parse import TimeClause, span_of

__all__ = [
    "AllEntities",
    "Arithmetic",
    "Baseline",
    "Call",
    "Comparison",
    "Deadline",
    "Direction",
    "Expr",
    "Logic",
    "Lookup",
    "Metric",
    "Negate",
    "Not",
    "Number",
    "Reference",
    "RelativeChange",
    "Rule",
    "Throughout",
    "Window",
    "build",
    "expression",
    "metrics_of",
    "rename",
    "typed",
    "walk",
]

# Binding strength, loosest first (Python's, which the parser uses).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)


@dataclass(frozen=True, slots=True)
class _Node:
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)
    """Where the node was written (None for nodes made in code)."""


@dataclass(frozen=True, slots=True)
class Number(_Node):
    """A number as written: ``10``, ``0.5``, ``10pp`` (percentage points) or ``95%``.

    The unit is notation only: ``10pp`` and ``95%`` are the numbers 10 and 95.
    """

    value: int | float
    unit: Literal["", "pp", "%"] = ""
    precedence = _ATOM

    def __str__(self) -> str:
        return f"{self.value!r}{self.unit}"


@dataclass(frozen=True, slots=True)
class Baseline(_Node):
    """``baseline``: the goal's declared baseline value."""

    precedence = _ATOM

    def __str__(self) -> str:
        return "baseline"


@dataclass(frozen=True, slots=True)
class Metric(_Node):
    """A metric's latest visible value for the entity judged (``employment_rate``)."""

    name: str
    precedence = _ATOM

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Lookup(_Node):
    """A metric's value in one period: ``x[2010-H1]``, or a bare year (``implicit``)
    meaning the subject's value that year."""

    metric: str
    period: Period
    implicit: bool = False
    precedence = _ATOM

    def __str__(self) -> str:
        return str(self.period) if self.implicit else f"{self.metric}[{self.period}]"


@dataclass(frozen=True, slots=True)
class Reference(_Node):
    """``x@big4_average``: metric ``x`` of another, named entity."""

    metric: str
    entity: str
    precedence = _ATOM

    def __str__(self) -> str:
        return f"{self.metric}@{self.entity}"


@dataclass(frozen=True, slots=True)
class AllEntities(_Node):
    """``x[*]``: metric ``x`` of every entity (only as the argument of an aggregate)."""

    metric: str
    precedence = _ATOM

    def __str__(self) -> str:
        return f"{self.metric}[*]"


@dataclass(frozen=True, slots=True)
class Window(_Node):
    """``x[2010..2013]``: the observations of a span of periods (only inside an aggregate)."""

    metric: str
    first: Period
    last: Period
    precedence = _ATOM

    def __str__(self) -> str:
        return f"{self.metric}[{self.first}..{self.last}]"


@dataclass(frozen=True, slots=True)
class Call(_Node):
    """A function of the language: an aggregate (``sum(x[2010..2013])``, ``mean(x[*])``),
    ``abs``, ``round``, ``min``/``max`` of numbers, or ``rank(x)``."""

    name: str
    args: tuple[Expr, ...]
    precedence = _ATOM

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True, slots=True)
class Arithmetic(_Node):
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr

    @property
    def precedence(self) -> int:
        return _SUM if self.op in "+-" else _PRODUCT

    def __str__(self) -> str:
        p = self.precedence
        return f"{_wrap(self.left, p)} {self.op} {_wrap(self.right, p + 1)}"


@dataclass(frozen=True, slots=True)
class RelativeChange(_Node):
    """``x + 50%``: ``x`` changed by a percentage of itself (x 1.5), not by 50 units.

    ``factor`` is the multiplier the checker computed; evaluation uses it as is.
    """

    op: Literal["+", "-"]
    left: Expr
    percent: int | float
    factor: float
    precedence = _SUM

    def __str__(self) -> str:
        return f"{_wrap(self.left, _SUM)} {self.op} {self.percent!r}%"


@dataclass(frozen=True, slots=True)
class Negate(_Node):
    """``-x`` (or ``+x``, which is ``x``)."""

    operand: Expr
    op: Literal["-", "+"] = "-"
    precedence = _UNARY

    def __str__(self) -> str:
        inner = _wrap(self.operand, _UNARY)
        # '- -x', not '--x': clearer, and never read as one token by anyone.
        return f"{self.op} {inner}" if inner[0] in "+-" else f"{self.op}{inner}"


@dataclass(frozen=True, slots=True)
class Comparison(_Node):
    """``a >= b``, or a chain (``1 <= x <= 3``: every neighbouring pair holds)."""

    operands: tuple[Expr, ...]
    ops: tuple[Literal[">=", ">", "<=", "<", "=="], ...]
    precedence = _COMPARE

    @property
    def left(self) -> Expr:
        return self.operands[0]

    @property
    def right(self) -> Expr:
        return self.operands[-1]

    def __str__(self) -> str:
        parts = [_wrap(self.operands[0], _COMPARE + 1)]
        for op, operand in zip(self.ops, self.operands[1:], strict=True):
            parts.append(f"{op} {_wrap(operand, _COMPARE + 1)}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Logic(_Node):
    """``a and b and ...`` / ``a or b or ...`` (evaluated left to right, short-circuit)."""

    op: Literal["and", "or"]
    values: tuple[Condition, ...]

    @property
    def precedence(self) -> int:
        return _AND if self.op == "and" else _OR

    def __str__(self) -> str:
        return f" {self.op} ".join(_wrap(v, self.precedence + 1) for v in self.values)


@dataclass(frozen=True, slots=True)
class Not(_Node):
    operand: Condition
    precedence = _NOT

    def __str__(self) -> str:
        return f"not {_wrap(self.operand, _NOT)}"


@dataclass(frozen=True, slots=True)
class Direction(_Node):
    """``x rises`` / ``x falls since 2007``: a direction and no target figure. It holds when
    the subject ends above (below) its start: ``since``'s value, else the baseline."""

    metric: str
    rising: bool
    since: Period | None = None
    precedence = _COMPARE

    def __str__(self) -> str:
        text = f"{self.metric} {'rises' if self.rising else 'falls'}"
        return f"{text} since {self.since}" if self.since is not None else text


@dataclass(frozen=True, slots=True)
class Deadline(_Node):
    """``by 2010``: the condition must hold at the end of the period."""

    period: Period

    def __str__(self) -> str:
        return f"by {self.period}"


@dataclass(frozen=True, slots=True)
class Throughout(_Node):
    """``throughout 2008..2010``: the condition must hold in every period of the window."""

    first: Period
    last: Period

    def __str__(self) -> str:
        return f"throughout {self.first}..{self.last}"


Expr: TypeAlias = (
    Number
    | Baseline
    | Metric
    | Lookup
    | Reference
    | AllEntities
    | Window
    | Call
    | Arithmetic
    | RelativeChange
    | Negate
    | Comparison
    | Logic
    | Not
    | Direction
)
Condition: TypeAlias = Comparison | Logic | Not | Direction
Time: TypeAlias = Deadline | Throughout


@dataclass(frozen=True, slots=True)
class Rule(_Node):
    """A whole rule: a condition and its time clause (None: judged on the report date)."""

    condition: Expr
    time: Time | None = None

    def __str__(self) -> str:
        return f"{self.condition} {self.time}" if self.time else str(self.condition)


def _wrap(node: Expr, least: int) -> str:
    text = str(node)
    return f"({text})" if node.precedence < least else text


# -- walking ------------------------------------------------------------------------------------


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct operands of ``node``, left to right."""
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Arithmetic):
        return (node.left, node.right)
    if isinstance(node, RelativeChange):
        return (node.left,)
    if isinstance(node, Negate):
        return (node.operand,)
    if isinstance(node, Comparison):
        return node.operands
    if isinstance(node, Logic):
        return node.values
    if isinstance(node, Not):
        return (node.operand,)
    return ()


def walk(node: Expr) -> list[Expr]:
    """Every node under ``node`` (itself first), in reading order."""
    out = [node]
    for child in children(node):
        out.extend(walk(child))
    return out


def metrics_of(node: Expr) -> list[str]:
    """The metric names ``node`` reads, in reading order, each once (``@`` entities and
    ``baseline`` are not metrics)."""
    names: list[str] = []
    for n in walk(node):
        name = getattr(n, "metric", None) or (n.name if isinstance(n, Metric) else None)
        if name is not None and name not in names:
            names.append(name)
    return names


def rename(node: Expr, names: dict[str, str]) -> Expr:
    """``node`` with its metrics renamed (goals of one shape differ only in this)."""
    if isinstance(node, Metric):
        return Metric(names.get(node.name, node.name), span=node.span)
    if isinstance(node, Lookup):
        return Lookup(names.get(node.metric, node.metric), node.period, node.implicit)
    if isinstance(node, Reference):
        return Reference(names.get(node.metric, node.metric), node.entity)
    if isinstance(node, AllEntities):
        return AllEntities(names.get(node.metric, node.metric))
    if isinstance(node, Window):
        return Window(names.get(node.metric, node.metric), node.first, node.last)
    if isinstance(node, Call):
        return Call(node.name, tuple(rename(a, names) for a in node.args))
    if isinstance(node, Arithmetic):
        return Arithmetic(node.op, rename(node.left, names), rename(node.right, names))
    if isinstance(node, RelativeChange):
        return RelativeChange(node.op, rename(node.left, names), node.percent, node.factor)
    if isinstance(node, Negate):
        return Negate(rename(node.operand, names), node.op)
    if isinstance(node, Comparison):
        return Comparison(tuple(rename(o, names) for o in node.operands), node.ops)
    if isinstance(node, Logic):
        return Logic(node.op, tuple(_condition(rename(v, names)) for v in node.values))
    if isinstance(node, Not):
        return Not(_condition(rename(node.operand, names)))
    if isinstance(node, Direction):
        return Direction(names.get(node.metric, node.metric), node.rising, node.since)
    return node


# -- from the checked Python tree (check.py calls this once) --------------------------------

_BIN: dict[type[ast.operator], Literal["+", "-", "*", "/"]] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_CMP: dict[type[ast.cmpop], Literal[">=", ">", "<=", "<", "=="]] = {
    ast.GtE: ">=",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.Lt: "<",
    ast.Eq: "==",
}


def build(tree: ast.expr, time: TimeClause | None, text: str, trend: int = 0) -> Rule:
    """The typed rule of a tree that passed ``check`` (nothing else may be given);
    ``trend`` is the parser's +1/-1 for ``x rises``/``x falls`` (parsed as a comparison
    with the start)."""
    return _build(tree, time, text, trend)[0]


def typed(
    tree: ast.expr,
    time: TimeClause | None,
    text: str,
    subject_side: ast.expr | None,
    trend: int = 0,
) -> dict[str, Any]:
    """``CheckedRule``'s typed fields: ``nodes``, ``subject_node`` and ``target_node`` (the
    operands of the rule's one comparison, when the checker oriented it)."""
    rule, comparison = _build(tree, time, text, trend)
    if subject_side is None:
        return {"nodes": rule, "subject_node": None, "target_node": None}
    assert isinstance(tree, ast.Compare) and isinstance(comparison, Comparison)
    left, right = comparison.operands
    if subject_side is tree.left:
        return {"nodes": rule, "subject_node": left, "target_node": right}
    return {"nodes": rule, "subject_node": right, "target_node": left}


def _build(tree: ast.expr, time: TimeClause | None, text: str, trend: int) -> tuple[Rule, Expr]:
    """The rule, and its condition as the comparison it was parsed into."""
    clause: Time | None = None
    if time is not None:
        where = span_of(text, time.column)
        if time.kind == "by":
            clause = Deadline(time.end, span=where)
        else:
            assert time.start is not None
            clause = Throughout(time.start, time.end, span=where)
    parsed = condition = expression(tree, text)
    if trend:
        assert isinstance(parsed, Comparison) and isinstance(parsed.left, Metric)
        since = parsed.right.period if isinstance(parsed.right, Lookup) else None
        condition = Direction(parsed.left.name, trend > 0, since, span=parsed.span)
    return Rule(condition, clause, span=span_of(text, 0, len(text))), parsed


def expression(node: ast.expr, text: str) -> Expr:
    """The typed node of one checked (sub)tree; ``text`` is the rule, for spans and units."""
    span = span_of(text, node.col_offset, node.end_col_offset)
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        written = text[node.col_offset : node.end_col_offset].rstrip()
        unit: Literal["", "pp", "%"] = "pp" if written.endswith("pp") else ""
        unit = "%" if written.endswith("%") else unit
        return Number(node.value, unit, span=span)
    if isinstance(node, ast.Name):
        return Baseline(span=span) if node.id == "baseline" else Metric(node.id, span=span)
    if isinstance(node, ast.Subscript):
        return _subscript(node, span)
    if isinstance(node, ast.BinOp):
        return _binop(node, text, span)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return Not(_condition(expression(node.operand, text)), span=span)
        op: Literal["-", "+"] = "-" if isinstance(node.op, ast.USub) else "+"
        return Negate(expression(node.operand, text), op, span=span)
    if isinstance(node, ast.Compare):
        operands = tuple(expression(o, text) for o in (node.left, *node.comparators))
        ops = tuple(_CMP[type(o)] for o in node.ops)
        return Comparison(operands, ops, span=span)
    if isinstance(node, ast.BoolOp):
        values = tuple(_condition(expression(v, text)) for v in node.values)
        return Logic("and" if isinstance(node.op, ast.And) else "or", values, span=span)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = tuple(expression(a, text) for a in node.args)
        return Call(node.func.id, args, span=span)
    raise AssertionError(f"not a checked rule node: {type(node).__name__}")


def _subscript(node: ast.Subscript, span: Span) -> Expr:
    assert isinstance(node.value, ast.Name)
    metric, key = node.value.id, node.slice
    if isinstance(key, ast.Slice):
        first, last = Period.parse(_key(key.lower)), Period.parse(_key(key.upper))
        return Window(metric, first, last, span=span)
    assert isinstance(key, ast.Constant) and isinstance(key.value, str)
    if key.value == "*":
        return AllEntities(metric, span=span)
    implicit = getattr(node, "implicit_year", None) is not None
    return Lookup(metric, Period.parse(key.value), implicit, span=span)


def _binop(node: ast.BinOp, text: str, span: Span) -> Expr:
    if isinstance(node.op, ast.MatMult):
        assert isinstance(node.left, ast.Name) and isinstance(node.right, ast.Name)
        return Reference(node.left.id, node.right.id, span=span)
    percent = getattr(node.right, "relative_percent", None)
    if percent is not None and isinstance(node.op, ast.Mult):
        assert isinstance(node.right, ast.Constant)
        assert isinstance(node.right.value, float)
        factor = node.right.value
        op: Literal["+", "-"] = "+" if factor >= 1 else "-"
        written = _whole(percent)
        return RelativeChange(op, expression(node.left, text), written, factor, span=span)
    symbol = _BIN[type(node.op)]
    left, right = expression(node.left, text), expression(node.right, text)
    return Arithmetic(symbol, left, right, span=span)


def _key(node: ast.expr | None) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value


def _whole(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _condition(node: Expr) -> Condition:
    assert isinstance(node, Comparison | Logic | Not | Direction)
    return node
