"""Symbolic sizes: `input: [H, W, 3]` carries H and W through the same shape and cost rules as numbers.

An Expr is a polynomial with integer coefficients over atoms: symbols (H, W) and floors ⌊p/k⌋ of a
polynomial by a positive integer. That is all conv and pool arithmetic needs (+, −, ·, //). Floors simplify
as they are made, by identities that hold for integer-valued p and q:
    ⌊p/1⌋ = p      ⌊(k·q + r)/k⌋ = q + ⌊r/k⌋      ⌊(⌊p/a⌋ + c)/b⌋ = ⌊(p + a·c)/(a·b)⌋
so ⌊(H + 0)/1⌋ never appears and a stem of strided layers stays one floor deep. Comparisons are decided
only between constants; with a symbol they are False ("not provably so"), which lets the shape checks pass
for sizes they cannot judge. Only imported when an input has a symbol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Monomial = tuple["Atom", ...]


@dataclass(frozen=True, order=True)
class Atom:
    """A symbol (`divisor` 0, `name` its name) or a floor ⌊inner/divisor⌋ (`name` its printed form)."""

    name: str
    inner: Expr | None = None
    divisor: int = 0

    def __str__(self) -> str:
        if self.inner is None:
            return self.name
        inner = str(self.inner)
        return f"⌊({inner})/{self.divisor}⌋" if len(self.inner.terms) > 1 else f"⌊{inner}/{self.divisor}⌋"

    def value(self, env: dict[str, int]) -> int:
        if self.inner is None:
            return env[self.name]
        return self.inner.value(env) // self.divisor


class Expr:
    """An integer polynomial over atoms, kept in canonical form (so equal expressions compare equal)."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict[Monomial, int]) -> None:
        self.terms = {monomial: c for monomial, c in terms.items() if c}

    @staticmethod
    def symbol(name: str) -> Expr:
        return Expr({(Atom(name),): 1})

    @property
    def constant(self) -> int | None:
        """Its value if it has no symbol, else None."""
        return self.terms.get((), 0) if all(monomial == () for monomial in self.terms) else None

    def value(self, env: dict[str, int]) -> int:
        """Its value with every symbol replaced by the number `env` gives it."""
        total = 0
        for monomial, coefficient in self.terms.items():
            term = coefficient
            for atom in monomial:
                term *= atom.value(env)
            total += term
        return total

    def __add__(self, other: Any) -> Expr:
        other = _expr(other)
        terms = dict(self.terms)
        for monomial, coefficient in other.terms.items():
            terms[monomial] = terms.get(monomial, 0) + coefficient
        return Expr(terms)

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({monomial: -c for monomial, c in self.terms.items()})

    def __sub__(self, other: Any) -> Expr:
        return self + -_expr(other)

    def __rsub__(self, other: Any) -> Expr:
        return _expr(other) - self

    def __mul__(self, other: Any) -> Expr:
        other = _expr(other)
        terms: dict[Monomial, int] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                monomial = tuple(sorted(m1 + m2))
                terms[monomial] = terms.get(monomial, 0) + c1 * c2
        return Expr(terms)

    __rmul__ = __mul__

    def __floordiv__(self, divisor: Any) -> Expr:
        if not isinstance(divisor, int) or divisor < 1:
            raise TypeError(f"a symbolic size divides only by a positive whole number, not {divisor!r}")
        if divisor == 1:
            return self
        exact = Expr({m: c // divisor for m, c in self.terms.items() if m and c % divisor == 0})
        rest = Expr({m: c for m, c in self.terms.items() if not m or c % divisor})
        if rest.constant is not None:
            return exact + rest.constant // divisor
        return exact + _floor(rest, divisor)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, int | Expr) and self.terms == _expr(other).terms

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.terms.items())))

    def _decided(self, other: Any) -> tuple[int, int] | None:
        mine, theirs = self.constant, _expr(other).constant
        return None if mine is None or theirs is None else (mine, theirs)

    def __lt__(self, other: Any) -> bool:
        pair = self._decided(other)
        return pair is not None and pair[0] < pair[1]

    def __le__(self, other: Any) -> bool:
        pair = self._decided(other)
        return pair is not None and pair[0] <= pair[1]

    def __gt__(self, other: Any) -> bool:
        pair = self._decided(other)
        return pair is not None and pair[0] > pair[1]

    def __ge__(self, other: Any) -> bool:
        pair = self._decided(other)
        return pair is not None and pair[0] >= pair[1]

    def __format__(self, spec: str) -> str:
        return format(self.constant, spec) if self.constant is not None else str(self)

    def __str__(self) -> str:
        """Products of two extents shown factored, as they arise: 64·(⌊(H − 1)/2⌋ + 1)·(⌊(W − 1)/2⌋ + 1)."""
        products, rest = _factor_products(self.terms)
        ordered = sorted(rest.items(), key=lambda item: (-len(item[0]), [str(a) for a in item[0]]))
        pieces = [(c, "·".join(f"({f})" if " " in f else f for f in factors)) for c, factors in products]
        pieces += [(c, "·".join(str(atom) for atom in monomial)) for monomial, c in ordered]
        text = ""
        for coefficient, body in pieces:
            magnitude = abs(coefficient)
            term = body if magnitude == 1 and body else f"{magnitude:,}·{body}" if body else f"{magnitude:,}"
            sign = (" − " if coefficient < 0 else " + ") if text else ("−" if coefficient < 0 else "")
            text += sign + term
        return text or "0"

    __repr__ = __str__


def _factor_products(terms: dict[Monomial, int]) -> tuple[list[tuple[int, list[str]]], dict[Monomial, int]]:
    """Take c·(A + a)·(B + b) out of the terms for each product A·B of two distinct atoms whose lone A and B
    terms allow it (a, b ≥ 0 whole); what is left stays as plain terms."""
    rest = dict(terms)
    products = []
    for monomial in sorted(
        (m for m in terms if len(m) == 2 and m[0] != m[1]), key=lambda m: [str(a) for a in m]
    ):
        c = rest.get(monomial, 0)
        first, second = (monomial[0],), (monomial[1],)
        if c <= 0 or rest.get(first, 0) % c or rest.get(second, 0) % c:
            continue
        b, a = rest.get(first, 0) // c, rest.get(second, 0) // c
        if a < 0 or b < 0:
            continue
        for part, amount in ((monomial, c), (first, c * b), (second, c * a), ((), c * a * b)):
            rest[part] = rest.get(part, 0) - amount
        products.append((c, [str(Expr({first: 1, (): a})), str(Expr({second: 1, (): b}))]))
    return products, {m: c for m, c in rest.items() if c}


def _expr(value: Any) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Expr({(): value})
    raise TypeError(f"cannot combine a symbolic size with {value!r}")


def _floor(inner: Expr, divisor: int) -> Expr:
    """⌊inner/divisor⌋ as an atom, folding a floor of a floor into one."""
    floors = [(m, c) for m, c in inner.terms.items() if m]
    if (
        len(floors) == 1
        and floors[0][1] == 1
        and len(floors[0][0]) == 1
        and floors[0][0][0].inner is not None
    ):
        atom, offset = floors[0][0][0], inner.terms.get((), 0)
        assert atom.inner is not None
        return _floor(atom.inner + atom.divisor * offset, atom.divisor * divisor)
    floor = Atom("", inner, divisor)
    return Expr({(Atom(str(floor), inner, divisor),): 1})


def symbolic_shape(dims: tuple[int | str, ...]) -> tuple[Any, ...]:
    """An input shape with its names (`H`, `W`) made symbols."""
    return tuple(Expr.symbol(d) if isinstance(d, str) else d for d in dims)


def evaluate(value: Any, env: dict[str, int]) -> Any:
    """`value` with symbols replaced: an Expr becomes an int; tuples and ints pass through element-wise."""
    if isinstance(value, Expr):
        return value.value(env)
    if isinstance(value, tuple):
        return tuple(evaluate(item, env) for item in value)
    return value
