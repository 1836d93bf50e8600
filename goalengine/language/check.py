"""Check a parsed rule against the language's allow-list and give it meaning.

Rules are untrusted input. Only the node types listed here may appear: no attribute
access, no names but metrics and ``baseline``, no calls but the language's functions, no
``**``, numbers no larger than :data:`MAX_NUMBER`. The same pass resolves the notations
(``10pp``, ``+ 50%``, a bare year meaning the subject's value that year) and finds the
subject, the direction and the target side, so evaluation never has to guess.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import Diagnostic, RuleSyntaxError, Span, UnknownNameError, did_you_mean
from ..explain import is_percent
from ..periods import Period
from .nodes import Expr, Rule, typed
from .parse import MAX_DEPTH, ParsedText, TimeClause, span_of

__all__ = [
    "AGGREGATES",
    "ENTITY_FUNCTIONS",
    "FUNCTIONS",
    "MAX_NUMBER",
    "RESERVED",
    "CheckedRule",
    "check",
    "key_text",
]

MAX_NUMBER = 1e15
#: Functions over a window of observations (``sum(x[2010..2013])``).
AGGREGATES = frozenset({"sum", "mean", "min", "max", "count"})
#: Every function a rule may call.
FUNCTIONS = AGGREGATES | {"abs", "round"}
#: Functions over all entities of a metric (``rank(x)``); not reserved, so a metric may
#: still be called ``rank``.
ENTITY_FUNCTIONS = frozenset({"rank"})
#: Names with a meaning of their own; they cannot be metrics.
RESERVED = frozenset({"baseline", "by", "throughout", "and", "or", "not"}) | FUNCTIONS

_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.GtE: ">=",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.Lt: "<",
    ast.Eq: "==",
}
_BIN_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_FORBIDDEN_OPS: dict[type[ast.AST], str] = {
    ast.Pow: "'**' is not part of the goal language",
    ast.FloorDiv: "'//' is not part of the goal language; use '/' and round()",
    ast.Mod: "'%' must follow a number (95%) or a change (+ 50%)",
    ast.NotEq: "'!=' is not part of the goal language; write 'not (a == b)'",
}


@dataclass(frozen=True, slots=True)
class CheckedRule:
    """A rule that passed the checks, ready to evaluate.

    ``tree`` is a Python expression tree that simpleeval (or the vectorised evaluator)
    can run: units are resolved to plain arithmetic, periods are string keys, a bare
    year is ``subject["2010"]`` with ``implicit_year`` set on the node.
    """

    text: str
    tree: ast.expr
    time: TimeClause | None
    subject: str
    metrics: frozenset[str]
    direction: int
    """+1 higher is better, -1 lower is better, 0 neither (==, ranges, and/or)."""
    target_side: ast.expr | None
    """The side the subject is compared with, when the other side is the bare subject."""
    subject_side: ast.expr | None
    """The side holding the subject (a bare name or an aggregate over it)."""
    uses_baseline: bool
    relative_percent: tuple[Span, ...] = ()
    periods: frozenset[Period] = field(default_factory=frozenset)
    entity_refs: bool = False
    """The rule looks at other entities: ``x[*]``, ``x@name`` or ``rank(x)``."""
    references: frozenset[str] = frozenset()
    """Entities named with ``@`` (reference entities such as ``big4_average``)."""
    metric_order: tuple[str, ...] = ()
    """:attr:`metrics` in reading order, the subject first (goals whose rules differ only
    in their metrics line up name by name)."""
    calls: frozenset[str] = frozenset()
    """The functions the rule calls (``round``, ``sum``, ``rank``...)."""
    windows: bool = False
    """The rule aggregates a window of periods (``sum(x[2010..2013])``)."""
    named_periods: tuple[Period, ...] = ()
    """The periods the rule names for its subject, in order (found once, by :func:`check`)."""
    direction_only: bool = False
    """``x rises`` / ``x falls``: a direction and no target figure (the tree compares with
    the start: the baseline, ``x[P]`` for ``since P``, else the first observation)."""
    nodes: Rule | None = None
    """The rule as typed nodes (:mod:`goalengine.language.nodes`); set by :func:`check`."""
    subject_node: Expr | None = None
    """:attr:`subject_side` as a typed node."""
    target_node: Expr | None = None
    """:attr:`target_side` as a typed node."""

    @property
    def subject_is_bare(self) -> bool:
        return isinstance(self.subject_side, ast.Name)

    def subject_periods(self) -> list[Period]:
        """The periods the rule names for its subject (``x[2010]``, a bare 2010), in order."""
        return list(self.named_periods)


def check(parsed: ParsedText, metrics: Iterable[str] | None = None) -> CheckedRule:
    """Validate ``parsed``; ``metrics`` (when known) are the names a rule may mention."""
    known = None if metrics is None else frozenset(metrics)
    checker = _Checker(parsed.text, known)
    root = checker.visit_rule(parsed.tree)
    subject = checker.find_subject(root)
    tree = _resolve_years(root, subject)
    direction, subject_side, target_side = _orientation(tree, subject)
    return CheckedRule(
        text=parsed.text,
        tree=tree,
        time=parsed.time,
        subject=subject,
        metrics=frozenset(checker.metrics),
        direction=direction,
        target_side=target_side,
        subject_side=subject_side,
        uses_baseline=checker.uses_baseline,
        relative_percent=tuple(checker.relative_percent),
        periods=frozenset(checker.periods),
        entity_refs=checker.entity_refs,
        references=frozenset(checker.references),
        metric_order=(subject, *(m for m in checker.metrics if m != subject)),
        calls=frozenset(checker.calls),
        windows=checker.windows,
        named_periods=_named_periods(tree, subject),
        direction_only=parsed.trend != 0,
        **typed(tree, parsed.time, parsed.text, subject_side, parsed.trend),
    )


def _named_periods(tree: ast.expr, subject: str) -> tuple[Period, ...]:
    """``x[2010]`` and a bare 2010 of the subject, sorted: where a trend may be anchored."""
    return tuple(
        sorted(
            Period.parse(key_text(node.slice))
            for node in ast.walk(tree)
            if isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == subject
            and isinstance(node.slice, ast.Constant)
            and node.slice.value != "*"
        )
    )


def warnings_for(rule: CheckedRule, unit: str | None) -> list[Diagnostic]:
    """Language warnings that need the goal's unit (e.g. ``+ 10%`` on a percent metric)."""
    if not is_percent(unit):
        return []
    return [
        Diagnostic(
            "warning",
            "'%' after '+' or '-' is relative (x 1.1), but this metric is itself a percentage",
            span,
            hint="write 'pp' for percentage points, e.g. baseline + 10pp",
        )
        for span in rule.relative_percent
    ]


class _Checker:
    def __init__(self, text: str, known: frozenset[str] | None) -> None:
        self.text = text
        self.known = known
        self.metrics: list[str] = []
        self.uses_baseline = False
        self.relative_percent: list[Span] = []
        self.periods: set[Period] = set()
        self.entity_refs = False
        self.references: list[str] = []
        self.all_entities: set[int] = set()  # ids of x[*] nodes that are aggregate arguments
        self.calls: set[str] = set()
        self.windows = False

    def span(self, node: ast.AST) -> Span:
        start = getattr(node, "col_offset", 0)
        return span_of(self.text, start, getattr(node, "end_col_offset", None))

    def fail(self, message: str, node: ast.AST, hint: str | None = None) -> RuleSyntaxError:
        return RuleSyntaxError(message, self.span(node), hint)

    def visit_rule(self, node: ast.expr) -> ast.expr:
        if not _is_condition(node):
            raise self.fail(
                "a rule must be a comparison", node, hint="e.g. employment_rate >= 60 by 2010"
            )
        return self.visit(node, 0)

    def visit(self, node: ast.expr, depth: int) -> ast.expr:
        if depth > MAX_DEPTH:
            raise self.fail(f"rule nests deeper than {MAX_DEPTH} levels", node)
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(_describe_forbidden(node), node)
        result: ast.expr = method(node, depth + 1)
        return result

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> ast.expr:
        for value in node.values:
            if not _is_condition(value):
                raise self.fail("both sides of 'and'/'or' must be comparisons", value)
        node.values = [self.visit(v, depth) for v in node.values]
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> ast.expr:
        if isinstance(node.op, ast.Not) and not _is_condition(node.operand):
            raise self.fail("'not' must be followed by a comparison", node.operand)
        if isinstance(node.op, ast.Invert):
            raise self.fail("'~' is not part of the goal language", node)
        if not isinstance(node.op, ast.Not) and _is_condition(node.operand):
            raise self.fail("a comparison cannot be used as a number", node.operand)
        node.operand = self.visit(node.operand, depth)
        return node

    def visit_Compare(self, node: ast.Compare, depth: int) -> ast.expr:
        for op in node.ops:
            if type(op) not in _COMPARE_OPS:
                raise self.fail(_FORBIDDEN_OPS.get(type(op), "unsupported comparison"), node)
        operands = [node.left, *node.comparators]
        for operand in operands:
            if _is_condition(operand):
                raise self.fail("compare numbers, not comparisons", operand)
        node.left = self.visit(node.left, depth)
        node.comparators = [self.visit(c, depth) for c in node.comparators]
        return node

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> ast.expr:
        if isinstance(node.op, ast.MatMult):
            return self.visit_reference(node, depth)
        if type(node.op) not in _BIN_OPS:
            raise self.fail(_FORBIDDEN_OPS.get(type(node.op), "unsupported operator"), node)
        for side in (node.left, node.right):
            if _is_condition(side):
                raise self.fail("a comparison cannot be used as a number", side)
        left = self.visit(node.left, depth)
        if isinstance(node.op, ast.Add | ast.Sub) and _marker(node.right) == "_pct":
            # `x + 50%` is x * 1.5: a relative change, not 50 units.
            assert isinstance(node.right, ast.Call)
            percent = self.number(node.right.args[0])
            self.relative_percent.append(self.span(node.right))
            sign = 1 if isinstance(node.op, ast.Add) else -1
            factor = ast.Constant(1 + sign * percent / 100)
            factor.relative_percent = percent  # type: ignore[attr-defined]
            _place(factor, node.right)
            return _place(ast.BinOp(left=left, op=ast.Mult(), right=factor), node)
        node.left = left
        node.right = self.visit(node.right, depth)
        return node

    def visit_reference(self, node: ast.BinOp, depth: int) -> ast.expr:
        """``x@big4_average``: metric ``x`` of the named entity (see docs/entities.md)."""
        left = node.left
        # '@' parses with the precedence of '*': re-associate so that it binds to the
        # metric just before it (``0.9 * x@e`` is ``0.9 * (x@e)``, ``-x@e`` is ``-(x@e)``).
        if isinstance(left, ast.BinOp) and isinstance(
            left.op, ast.Mult | ast.Div | ast.FloorDiv | ast.Mod
        ):
            inner = _place(ast.BinOp(left=left.right, op=node.op, right=node.right), node)
            inner.col_offset = left.right.col_offset
            outer = _place(ast.BinOp(left=left.left, op=left.op, right=inner), node)
            return self.visit(outer, depth)
        if isinstance(left, ast.UnaryOp) and isinstance(left.op, ast.USub | ast.UAdd):
            inner = _place(ast.BinOp(left=left.operand, op=node.op, right=node.right), node)
            inner.col_offset = left.operand.col_offset
            return self.visit(_place(ast.UnaryOp(op=left.op, operand=inner), node), depth)
        hint = "write metric@entity, e.g. youth_share@big4_average"
        if not isinstance(left, ast.Name) or left.id in RESERVED or left.id == "baseline":
            raise self.fail("'@' needs a metric on its left", left, hint)
        if not isinstance(node.right, ast.Name):
            raise self.fail("'@' needs an entity name on its right", node.right, hint)
        self.visit(left, depth)
        self.entity_refs = True
        if node.right.id not in self.references:
            self.references.append(node.right.id)
        return node

    def visit_Constant(self, node: ast.Constant, depth: int) -> ast.expr:
        self.number(node)
        return node

    def number(self, node: ast.expr) -> float:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, int | float):
            raise self.fail("expected a number", node)
        if isinstance(node.value, bool):
            raise self.fail("expected a number", node)
        if abs(node.value) > MAX_NUMBER:  # compared exactly: 10**400 has no float
            raise self.fail(
                f"number too large (the limit is {MAX_NUMBER:.0e})", node, hint="use a unit"
            )
        return float(node.value)

    def visit_Name(self, node: ast.Name, depth: int) -> ast.expr:
        name = node.id
        if name == "baseline":
            self.uses_baseline = True
            return node
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function; call it: {name}(...)", node)
        if name.startswith("_") or name in ("True", "False", "None"):
            raise self.fail(f"'{name}' cannot be a metric name", node)
        if self.known is not None and name not in self.known:
            raise UnknownNameError(
                f"unknown metric '{name}'",
                self.span(node),
                did_you_mean(name, [*self.known, "baseline"]),
            )
        if name not in self.metrics:
            self.metrics.append(name)
        return node

    def visit_Subscript(self, node: ast.Subscript, depth: int) -> ast.expr:
        if not isinstance(node.value, ast.Name) or node.value.id in RESERVED:
            raise self.fail("only a metric can take a period in brackets", node.value)
        self.visit(node.value, depth)
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if key.value == "*":
                if id(node) not in self.all_entities:
                    raise self.fail(
                        f"{node.value.id}[*] (all entities) must be the argument of "
                        "mean, min, max, sum or count",
                        node,
                        hint=f"e.g. mean({node.value.id}[*])",
                    )
                self.entity_refs = True
            else:
                self.periods.add(Period.parse(key_text(key)))
            return node
        if (
            isinstance(key, ast.Slice)
            and isinstance(key.lower, ast.Constant)
            and isinstance(key.upper, ast.Constant)
            and key.step is None
        ):
            if id(node) not in self.all_entities:  # holds every aggregated window
                name = node.value.id
                raise self.fail(
                    f"a window of {name} is several values: aggregate it",
                    node,
                    hint=f"e.g. sum({name}[{key_text(key.lower)}..{key_text(key.upper)}])",
                )
            self.periods.update(
                {Period.parse(key_text(key.lower)), Period.parse(key_text(key.upper))}
            )
            self.windows = True
            return node
        raise self.fail(
            "expected a period in brackets", key, hint="write x[2010], x[2010-H1] or x[2010..2013]"
        )

    def visit_Call(self, node: ast.Call, depth: int) -> ast.expr:
        marker = _marker(node)
        if marker is not None:  # a unit written without '+'/'-' before it: just the number
            value = node.args[0]
            self.number(value)
            return _place(ast.Constant(value.value), node)  # type: ignore[attr-defined]
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the language's functions can be called", node.func)
        name = node.func.id
        self.calls.add(name)
        if name in ENTITY_FUNCTIONS:
            return self.visit_rank(node, depth)
        if name not in FUNCTIONS:
            known = FUNCTIONS | ENTITY_FUNCTIONS
            raise UnknownNameError(
                f"unknown function '{name}'",
                self.span(node.func),
                did_you_mean(name, known) or f"functions are {', '.join(sorted(known))}",
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"{name}() takes plain arguments", node)
        if not node.args:
            raise self.fail(f"{name}() needs an argument", node)
        windows = [a for a in node.args if _is_window(a)]
        if name in ("sum", "mean", "count") and (len(node.args) != 1 or not windows):
            raise self.fail(
                f"{name}() takes one window of observations", node, hint=f"{name}(x[2010..2013])"
            )
        if name in ("abs",) and len(node.args) != 1:
            raise self.fail("abs() takes one number", node)
        if name == "round" and len(node.args) not in (1, 2):
            raise self.fail("round() takes a number and optional digits", node)
        if windows and (name not in AGGREGATES or len(node.args) != 1):
            raise self.fail(f"{name}() cannot mix a window with other arguments", windows[0])
        for arg in node.args:
            if _is_condition(arg):
                raise self.fail("a comparison cannot be used as a number", arg)
        self.all_entities.update(id(w) for w in windows)
        node.args = [self.visit(a, depth) for a in node.args]
        return node

    def visit_rank(self, node: ast.Call, depth: int) -> ast.expr:
        """``rank(x)``: 1 for the entity with the highest x (see docs/entities.md)."""
        args = node.args
        if (
            node.keywords
            or len(args) != 1
            or not isinstance(args[0], ast.Name)
            or args[0].id == "baseline"
        ):
            raise self.fail("rank() takes one metric", node, hint="e.g. rank(youth_share) <= 3")
        self.visit(node.args[0], depth)
        self.entity_refs = True
        return node

    def find_subject(self, root: ast.expr) -> str:
        for node in _left_first(root):
            if isinstance(node, ast.Name) and node.id in self.metrics:
                return node.id
        raise self.fail("the rule mentions no metric", root, hint="e.g. employment_rate >= 60")


def key_text(node: ast.expr | None) -> str:
    """The text of a period key (``"2010-H1"``) inside a checked subscript."""
    assert isinstance(node, ast.Constant)
    assert isinstance(node.value, str)
    return node.value


def _describe_forbidden(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return "attribute access ('.') is not part of the goal language"
    if isinstance(node, ast.Lambda | ast.IfExp | ast.NamedExpr):
        return f"'{type(node).__name__}' expressions are not part of the goal language"
    if isinstance(node, ast.List | ast.Tuple | ast.Dict | ast.Set):
        return "collections are not part of the goal language"
    if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
        return "comprehensions are not part of the goal language"
    if isinstance(node, ast.JoinedStr):
        return "strings are not part of the goal language"
    return f"'{type(node).__name__}' is not part of the goal language"


def _is_condition(node: ast.expr) -> bool:
    if isinstance(node, ast.Compare | ast.BoolOp):
        return True
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)


def _is_window(node: ast.expr) -> bool:
    return isinstance(node, ast.Subscript) and (
        isinstance(node.slice, ast.Slice)
        or (isinstance(node.slice, ast.Constant) and node.slice.value == "*")
    )


def _marker(node: ast.expr) -> str | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_pp", "_pct")
        and len(node.args) == 1
    ):
        return node.func.id
    return None


def _place(new: ast.expr, old: ast.AST) -> ast.expr:
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        setattr(new, attr, getattr(old, attr, 0))
    return new


def _left_first(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes in reading order (ast.walk is breadth-first, which would skip ahead)."""
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _left_first(child)


class _YearResolver(ast.NodeTransformer):
    """Turns a bare year (1900-2100, an int) into ``subject["2010"]``."""

    def __init__(self, subject: str) -> None:
        self.subject = subject

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        return node  # a period inside brackets is not an operand

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "round" and len(node.args) == 2:
            node.args[0] = self.visit(node.args[0])
            return node  # round(x, 2): the digits are not a year
        self.generic_visit(node)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int and 1900 <= node.value <= 2100:
            lookup = ast.Subscript(
                value=_place(ast.Name(id=self.subject, ctx=ast.Load()), node),
                slice=_place(ast.Constant(str(node.value)), node),
                ctx=ast.Load(),
            )
            lookup.implicit_year = node.value  # type: ignore[attr-defined]
            return _place(lookup, node)
        return node


def _resolve_years(root: ast.expr, subject: str) -> ast.expr:
    resolved = _YearResolver(subject).visit(root)
    assert isinstance(resolved, ast.expr)
    return resolved


def _mentions(node: ast.AST, subject: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == subject for n in ast.walk(node))


def _orientation(tree: ast.expr, subject: str) -> tuple[int, ast.expr | None, ast.expr | None]:
    """Direction, subject side and target side of a single comparison."""
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1:
        return 0, None, None
    op = _COMPARE_OPS[type(tree.ops[0])]
    left, right = tree.left, tree.comparators[0]
    sign = {">=": 1, ">": 1, "<=": -1, "<": -1, "==": 0}[op]
    if _holds_subject(left, subject):
        return sign, left, right
    if _holds_subject(right, subject) or not _mentions(left, subject):
        return -sign, right, left
    return sign, left, right


def _holds_subject(node: ast.expr, subject: str) -> bool:
    """The subject itself, or an aggregate over a window of it."""
    if isinstance(node, ast.Name):
        return node.id == subject
    if isinstance(node, ast.Call) and len(node.args) == 1 and _is_window(node.args[0]):
        window = node.args[0]
        assert isinstance(window, ast.Subscript)
        return isinstance(window.value, ast.Name) and window.value.id == subject
    return False
