"""Block arguments in settings: `filters: width * 4`, `stride: 2 if i == 0 else 1`. Never Python's eval.

An expression is parsed with `ast` and evaluated by walking a whitelist of node types: whole numbers,
booleans, names of block arguments, + − * // %, comparisons, and/or/not, `a if cond else b`, and calls of
three functions: `max(…)`, `min(…)` and `make_divisible(v, d)`, torch's channel rounding (see
`make_divisible`). Anything else (other calls, attributes, subscripts, `/`, strings, floats) is refused with a
reason.

A setting's text is read as an expression only when it could not mean itself: a bare name that is an
argument (`width`), text with an operator (`width * 4`) or a call of one of the functions. Other text
(`same`, `relu`, `max`) stays text.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

from archcalc.errors import suggest
from archcalc.limits import limits, too_large

Env = Mapping[str, Any]

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class ExpressionError(ValueError):
    """An expression that cannot be evaluated; the message says why."""


def substitute(value: Any, env: Env) -> Any:
    """`value` with every expression in it (at any depth of lists and mappings) replaced by its value.

    Layer names (`name:` keys) are left alone: they are labels, not arithmetic.
    """
    if isinstance(value, dict):
        return {key: item if key == "name" else substitute(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, env) for item in value]
    if isinstance(value, str) and _is_expression(value, env):
        return evaluate(value, env)
    return value


def _is_expression(text: str, env: Env) -> bool:
    if text.isidentifier():
        return text in env
    if len(text) > limits().expression_chars:
        return True  # too long to be a name or a word: `evaluate` says so
    return _parse(text)[1]


def make_divisible(value: int, divisor: int) -> int:
    """torchvision's `_make_divisible(v, d)` (MobileNet, EfficientNet) in whole numbers: `v` rounded to the
    nearest multiple of `d` (halves up), at least `d`, and one `d` more if that fell below 90% of `v`
    (compared exactly: 10·rounded < 9·v)."""
    rounded = max(divisor, (value + divisor // 2) // divisor * divisor)
    return rounded + divisor if 10 * rounded < 9 * value else rounded


FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., int]]] = {
    "make_divisible": (2, 2, make_divisible),
    "max": (1, None, max),
    "min": (1, None, min),
}
"""The functions an expression may call: (fewest arguments, most or None, the function)."""


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[ast.Expression | None, bool, int]:
    """The syntax tree of `text` (None if it is not Python), whether it has an operator, and its depth.
    Remembered: the copies of a `repeat:` substitute the same settings again (trees are only read)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):  # ValueError: a NUL character
        return None, False, 0
    operators = any(isinstance(node, ast.operator | ast.cmpop | ast.boolop) or _known_call(node)
                    for node in ast.walk(tree))  # fmt: skip
    return tree, operators, _depth(tree)


def _known_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS


def evaluate(text: str, env: Env) -> Any:
    """The value of `text` given the arguments in `env`; ExpressionError if it is not a safe expression.

    Bounded before it is evaluated: its length and its depth (so that evaluation, which recurses, stays far
    from Python's recursion limit), and every value it makes (archcalc.limits `number`)."""
    bounds = limits()
    if len(text) > bounds.expression_chars:
        raise ExpressionError(f"an expression of {len(text):,} characters is longer than the "
                              f"{bounds.expression_chars:,} allowed; split it with block"
                              " arguments")  # fmt: skip
    tree, _, depth = _parse(text)
    if tree is None:
        raise ExpressionError(f"'{text}' is not an expression")
    if depth > bounds.expression_depth:
        raise ExpressionError(f"'{_short(text)}' nests more than {bounds.expression_depth} terms deep; "
                              "use block arguments for its parts")  # fmt: skip
    return _Evaluator(text, env).visit(tree.body)


def _depth(tree: ast.AST) -> int:
    """The deepest chain of nested nodes in `tree`, found without recursion."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:37]}..."


class _Evaluator:
    def __init__(self, text: str, env: Env) -> None:
        self.text = text
        self.env = env

    def visit(self, node: ast.expr) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExpressionError(
                f"'{self.text}': {type(node).__name__.lower()} is not allowed in an expression"
            )
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        if type(node.value) not in (int, bool):
            raise ExpressionError(
                f"'{self.text}': only whole numbers and true/false are allowed, not {node.value!r}"
            )
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.env:
            return self.env[node.id]
        known = sorted(self.env)
        hint = suggest(node.id, known)
        raise ExpressionError(
            f"'{self.text}': unknown name '{node.id}'{hint} (known: {', '.join(known) or 'none'})"
        )

    def _BinOp(self, node: ast.BinOp) -> Any:
        if isinstance(node.op, ast.Div):
            raise ExpressionError(f"'{self.text}': use // for whole-number division")
        rule = _BINARY.get(type(node.op))
        if rule is None:
            raise ExpressionError(f"'{self.text}': operator {type(node.op).__name__} is not allowed")
        left, right = self._integer(node.left), self._integer(node.right)
        if right == 0 and isinstance(node.op, ast.FloorDiv | ast.Mod):
            raise ExpressionError(f"'{self.text}': division by zero")
        return self._bounded(rule(left, right))

    def _bounded(self, value: int) -> int:
        if too_large(value):
            raise ExpressionError(f"'{_short(self.text)}' makes a number beyond {limits().number:,}; "
                                  "check the arithmetic")  # fmt: skip
        return value

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        if isinstance(node.op, ast.Not):
            return not self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -self._integer(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self._integer(node.operand)
        raise ExpressionError(f"'{self.text}': operator {type(node.op).__name__} is not allowed")

    def _Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            rule = _COMPARE.get(type(op))
            if rule is None:
                raise ExpressionError(f"'{self.text}': comparison {type(op).__name__} is not allowed")
            if isinstance(left, str) != isinstance(right, str) and not isinstance(op, ast.Eq | ast.NotEq):
                raise ExpressionError(f"'{self.text}': cannot order text and a number ({left!r}, {right!r})")
            if isinstance(left, str) and isinstance(right, str) and not isinstance(op, ast.Eq | ast.NotEq):
                raise ExpressionError(f"'{self.text}': text can be compared with == and != only")
            if not rule(left, right):
                return False
            left = right
        return True

    def _Call(self, node: ast.Call) -> int:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in FUNCTIONS or node.keywords:
            raise ExpressionError(f"'{self.text}': only make_divisible(v, d), max(…) and min(…) can be "
                                  "called, with whole numbers")  # fmt: skip
        fewest, most, function = FUNCTIONS[name]
        if not fewest <= len(node.args) <= (most or len(node.args)):
            wanted = f"{fewest}" if fewest == most else f"at least {fewest}"
            raise ExpressionError(f"'{self.text}': {name} takes {wanted} argument(s), not {len(node.args)}")
        arguments = [self._integer(argument) for argument in node.args]
        if name == "make_divisible" and arguments[1] < 1:
            raise ExpressionError(f"'{self.text}': make_divisible needs a divisor of at least 1")
        return self._bounded(function(*arguments))

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        values = [bool(self.visit(value)) for value in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _integer(self, node: ast.expr) -> int:
        value = self.visit(node)
        if type(value) is not int:
            raise ExpressionError(f"'{self.text}': arithmetic needs whole numbers, got {value!r}")
        return value
